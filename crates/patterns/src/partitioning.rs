//! Range partitioning of the orders table by month, with partition pruning.
//!
//! Go Coffee's `orders` table grows by every cup sold. Splitting it into one
//! partition per calendar month (`orders_2024_03`, `orders_2024_04`, ...) keeps
//! each partition's indexes small, lets a query for "last week's orders" read
//! only the partitions that overlap last week (*pruning*), and turns data
//! retention into dropping whole old partitions instead of a huge `DELETE`.
//! This is what PostgreSQL's `PARTITION BY RANGE (placed_at)` does; here the
//! partition key function and the pruning are written out.
//!
//! The cost: a query that does not filter on `placed_at` (say "all orders of
//! customer 42") must visit every partition, so the partition key has to match
//! the dominant access pattern.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::partitioning::{MonthPartition, Order, PartitionedOrders};
//!
//! // 2024-02-29 12:00 UTC and 2024-03-01 09:00 UTC, as Unix seconds.
//! let leap_day_noon = 1_709_208_000;
//! let march_first = 1_709_283_600;
//! assert_eq!(MonthPartition::of(leap_day_noon).to_string(), "orders_2024_02");
//! assert_eq!(MonthPartition::of(march_first).to_string(), "orders_2024_03");
//!
//! let mut orders = PartitionedOrders::new();
//! orders.insert(Order { id: 1, placed_at: leap_day_noon, total_cents: 450 });
//! orders.insert(Order { id: 2, placed_at: march_first, total_cents: 900 });
//! orders.insert(Order { id: 3, placed_at: march_first + 40 * 86_400, total_cents: 520 });
//!
//! // The first week of March touches one partition out of three.
//! let scan = orders.query(march_first - 9 * 3600, march_first + 7 * 86_400);
//! assert_eq!(scan.partitions_scanned, 1);
//! assert_eq!(scan.rows.iter().map(|o| o.id).collect::<Vec<_>>(), [2]);
//! ```

use std::collections::BTreeMap;
use std::fmt;

const SECONDS_PER_DAY: i64 = 86_400;

/// A calendar date in the proleptic Gregorian calendar (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// The year, e.g. 2024.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
}

// ANCHOR: solution
/// The date of the day that is `days` days after 1970-01-01.
///
/// Howard Hinnant's `civil_from_days` algorithm: shift the year to start in
/// March so the leap day is the last day of the year, then split into
/// 400-year eras.
#[must_use]
pub fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..146097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0..400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year from March 1
    let mp = (5 * doy + 2) / 153; // month from March, 0..12
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date {
        year: year as i32,
        month,
        day,
    }
}
// ANCHOR_END: solution

// ANCHOR: solution
/// The number of days from 1970-01-01 to `date` (negative before it); the
/// inverse of [`civil_from_days`].
#[must_use]
pub fn days_from_civil(date: Date) -> i64 {
    let year = i64::from(date.year) - i64::from(date.month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(date.month);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(date.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
// ANCHOR_END: solution

// ANCHOR: partition_key
// ANCHOR: solution
/// One monthly partition of the orders table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthPartition {
    /// The year of the month.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u32,
}

impl MonthPartition {
    /// The partition key function: the month (UTC) of a Unix timestamp.
    #[must_use]
    pub fn of(unix_seconds: i64) -> Self {
        let date = civil_from_days(unix_seconds.div_euclid(SECONDS_PER_DAY));
        Self {
            year: date.year,
            month: date.month,
        }
    }

    // ANCHOR_END: solution
    // ANCHOR_END: partition_key

    /// The first second of the month, as a Unix timestamp (inclusive bound).
    #[must_use]
    pub fn starts_at(self) -> i64 {
        let first = Date {
            year: self.year,
            month: self.month,
            day: 1,
        };
        days_from_civil(first) * SECONDS_PER_DAY
    }

    /// The month after this one; its start is this partition's exclusive end.
    #[must_use]
    pub fn next(self) -> Self {
        match self.month {
            12 => Self {
                year: self.year + 1,
                month: 1,
            },
            m => Self {
                year: self.year,
                month: m + 1,
            },
        }
    }
}

impl fmt::Display for MonthPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "orders_{:04}_{:02}", self.year, self.month)
    }
}

// ANCHOR: pruning
// ANCHOR: solution
/// Partition pruning: the months that overlap `[from, to)`, in order. A
/// query for that range reads these partitions and no others.
#[must_use]
pub fn partitions_overlapping(from: i64, to: i64) -> Vec<MonthPartition> {
    let mut months = Vec::new();
    if from >= to {
        return months;
    }
    let mut month = MonthPartition::of(from);
    while month.starts_at() < to {
        months.push(month);
        month = month.next();
    }
    months
}
// ANCHOR_END: solution
// ANCHOR_END: pruning

/// A row of the orders table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The order's id.
    pub id: u64,
    /// When it was placed, in Unix seconds: the partition key.
    pub placed_at: i64,
    /// The amount paid, in cents.
    pub total_cents: u64,
}

/// The result of a range query: the rows and the work it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeScan<'a> {
    /// The matching rows, ordered by partition, then insertion.
    pub rows: Vec<&'a Order>,
    /// How many partitions were read; the rest were pruned.
    pub partitions_scanned: usize,
}

/// The orders table, stored as one partition per month.
#[derive(Debug, Clone, Default)]
pub struct PartitionedOrders {
    partitions: BTreeMap<MonthPartition, Vec<Order>>,
}

impl PartitionedOrders {
    /// An empty table.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Routes `order` to the partition of its month, creating it if needed.
    pub fn insert(&mut self, order: Order) {
        let partition = MonthPartition::of(order.placed_at);
        self.partitions.entry(partition).or_default().push(order);
    }

    // ANCHOR: query
    // ANCHOR: solution
    /// The orders placed in `[from, to)`, reading only the partitions that
    /// overlap the range.
    #[must_use]
    pub fn query(&self, from: i64, to: i64) -> RangeScan<'_> {
        let mut scan = RangeScan {
            rows: Vec::new(),
            partitions_scanned: 0,
        };
        for month in partitions_overlapping(from, to) {
            let Some(rows) = self.partitions.get(&month) else {
                continue; // no such partition: nothing to read
            };
            scan.partitions_scanned += 1;
            let in_range = rows.iter().filter(|o| (from..to).contains(&o.placed_at));
            scan.rows.extend(in_range);
        }
        scan
    }

    /// Retention: drops every partition older than `keep_from`, which is as
    /// cheap as dropping a table. Returns how many rows went with them.
    pub fn drop_before(&mut self, keep_from: MonthPartition) -> usize {
        let kept = self.partitions.split_off(&keep_from);
        let dropped = std::mem::replace(&mut self.partitions, kept);
        dropped.values().map(Vec::len).sum()
    }
    // ANCHOR_END: solution
    // ANCHOR_END: query

    /// The existing partitions, oldest first.
    pub fn partitions(&self) -> impl Iterator<Item = MonthPartition> + '_ {
        self.partitions.keys().copied()
    }

    /// How many rows the table holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.partitions.values().map(Vec::len).sum()
    }

    /// Whether the table holds no row.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.partitions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(year: i32, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    /// Well-known Unix timestamps: the epoch, Y2K (946684800), the
    /// "billennium" 1000000000 = 2001-09-09 01:46:40 UTC, 1234567890 =
    /// 2009-02-13 23:31:30 UTC, and the 32-bit rollover 2147483647 =
    /// 2038-01-19 03:14:07 UTC.
    #[test]
    fn dates_match_well_known_timestamps() {
        let cases = [
            (0, date(1970, 1, 1)),
            (-1, date(1969, 12, 31)),
            (946_684_800, date(2000, 1, 1)),
            (1_000_000_000, date(2001, 9, 9)),
            (1_234_567_890, date(2009, 2, 13)),
            (2_147_483_647, date(2038, 1, 19)),
        ];
        for (unix, expected) in cases {
            let days = i64::div_euclid(unix, SECONDS_PER_DAY);
            assert_eq!(civil_from_days(days), expected, "{unix}");
        }
        assert_eq!(
            days_from_civil(date(2000, 1, 1)) * SECONDS_PER_DAY,
            946_684_800
        );
    }

    #[test]
    fn partitions_are_named_and_bounded_by_month() {
        let feb = MonthPartition {
            year: 2024,
            month: 2,
        };
        assert_eq!(feb.to_string(), "orders_2024_02");
        // A leap February has 29 days.
        assert_eq!(
            feb.next().starts_at() - feb.starts_at(),
            29 * SECONDS_PER_DAY
        );
        let dec = MonthPartition {
            year: 2023,
            month: 12,
        };
        assert_eq!(
            dec.next(),
            MonthPartition {
                year: 2024,
                month: 1
            }
        );
        assert_eq!(
            partitions_overlapping(dec.starts_at(), feb.starts_at()).len(),
            2
        );
        assert_eq!(partitions_overlapping(feb.starts_at(), feb.starts_at()), []);
    }

    #[test]
    fn retention_drops_whole_partitions() {
        let mut orders = PartitionedOrders::new();
        for (id, placed_at) in [(1, 946_684_800), (2, 1_000_000_000), (3, 1_234_567_890)] {
            orders.insert(Order {
                id,
                placed_at,
                total_cents: 100,
            });
        }
        let dropped = orders.drop_before(MonthPartition {
            year: 2005,
            month: 1,
        });
        assert_eq!(dropped, 2);
        assert_eq!(orders.len(), 1);
        assert_eq!(
            orders.partitions().collect::<Vec<_>>(),
            [MonthPartition {
                year: 2009,
                month: 2
            }]
        );
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -1_000_000i64..1_000_000) {
            prop_assert_eq!(days_from_civil(civil_from_days(days)), days);
        }

        /// The next day is the next day of the month, or the first of the
        /// next month (or year).
        #[test]
        fn consecutive_days_step_through_the_calendar(days in -1_000_000i64..1_000_000) {
            let today = civil_from_days(days);
            let tomorrow = civil_from_days(days + 1);
            let same_month = tomorrow == Date { day: today.day + 1, ..today };
            let next_month = tomorrow.day == 1
                && ((tomorrow.year == today.year && tomorrow.month == today.month + 1)
                    || (tomorrow.year == today.year + 1 && tomorrow.month == 1 && today.month == 12));
            prop_assert!(same_month || next_month, "{today:?} -> {tomorrow:?}");
        }

        /// Pruned scans return exactly what a full scan with a filter returns.
        #[test]
        fn pruning_never_changes_the_answer(
            times in proptest::collection::vec(1_600_000_000i64..1_700_000_000, 0..60),
            from in 1_600_000_000i64..1_700_000_000,
            len in 0i64..62 * SECONDS_PER_DAY,
        ) {
            let mut table = PartitionedOrders::new();
            for (id, &placed_at) in times.iter().enumerate() {
                table.insert(Order { id: id as u64, placed_at, total_cents: 1 });
            }
            let to = from + len;
            let mut pruned: Vec<u64> = table.query(from, to).rows.iter().map(|o| o.id).collect();
            pruned.sort_unstable();
            let full: Vec<u64> = times
                .iter()
                .enumerate()
                .filter(|&(_, t)| (from..to).contains(t))
                .map(|(id, _)| id as u64)
                .collect();
            prop_assert_eq!(pruned, full);
            // Under 62 days touch at most four months; the table has dozens.
            prop_assert!(table.query(from, to).partitions_scanned <= 4);
        }
    }
}
