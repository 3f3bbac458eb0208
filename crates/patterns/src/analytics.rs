//! An analytics store for sales reporting: order events rolled up into a star
//! schema of hourly fact rows keyed by drink, store and hour.
//!
//! The orders database is built for writing one order at a time. Reports ask
//! a different question — "how many flat whites did each store sell per hour
//! last week?" — which on the orders table means scanning and grouping
//! millions of rows. An analytics store answers it from data shaped for it:
//!
//! - **dimension tables** ([`Dimension`]) give each drink and each store a
//!   small surrogate key;
//! - the **fact table** holds one row per (hour, drink, store) with additive
//!   measures ([`Measures`]: order lines, cups, revenue), so a report sums a
//!   few hundred rows instead of millions of orders;
//! - facts are **rolled up** as events arrive: the raw events can be archived
//!   and the hourly grain stays the finest a report can ask for.
//!
//! The fact key is ordered hour first, so a time-range report is one range
//! scan of the sorted fact table, the same reason a warehouse sorts or
//! partitions facts by time.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::analytics::{OrderLine, SalesCube};
//!
//! let nine_am = 1_709_283_600; // 2024-03-01 09:00 UTC
//! let mut cube = SalesCube::new();
//! for (minute, store, drink, cups) in [
//!     (5, "soho", "latte", 2),
//!     (20, "camden", "latte", 1),
//!     (45, "soho", "espresso", 1),
//!     (70, "soho", "latte", 3), // 10:10, the next hour
//! ] {
//!     let at = nine_am + minute * 60;
//!     cube.record(&OrderLine { at, store, drink, quantity: cups, amount_cents: 450 * u64::from(cups) });
//! }
//!
//! // Sales per drink per hour, summed over stores.
//! let report = cube.sales_per_drink_per_hour(nine_am, nine_am + 2 * 3600);
//! let rows: Vec<_> = report.iter().map(|r| (r.hour_start - nine_am, r.drink, r.measures.quantity)).collect();
//! assert_eq!(rows, [(0, "espresso", 1), (0, "latte", 3), (3600, "latte", 3)]);
//! // Four events became four fact rows here; at scale it is many events per row.
//! assert_eq!(cube.fact_rows(), 4);
//! ```

use std::collections::BTreeMap;

const SECONDS_PER_HOUR: i64 = 3600;
const SECONDS_PER_DAY: i64 = 86_400;

/// One line of a paid order, as the order service publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderLine<'a> {
    /// When the order was paid, in Unix seconds.
    pub at: i64,
    /// The store that sold it.
    pub store: &'a str,
    /// The drink sold.
    pub drink: &'a str,
    /// How many cups.
    pub quantity: u32,
    /// What the line cost, in cents.
    pub amount_cents: u64,
}

/// A dimension table: each distinct name gets a small surrogate key, so fact
/// rows carry integers instead of repeated strings.
#[derive(Debug, Clone, Default)]
pub struct Dimension {
    keys: BTreeMap<String, u32>,
    names: Vec<String>,
}

// ANCHOR: star_schema
// ANCHOR: solution
/// The grain of the fact table: one row per hour, drink and store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FactKey {
    /// The start of the hour, in Unix seconds. First, so that a time range
    /// is a contiguous range of keys.
    pub hour_start: i64,
    /// The drink's key in the drink dimension.
    pub drink: u32,
    /// The store's key in the store dimension.
    pub store: u32,
}

/// Additive measures: summing them over any set of rows is meaningful.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measures {
    /// Order lines counted.
    pub lines: u64,
    /// Cups sold.
    pub quantity: u64,
    /// Revenue, in cents.
    pub revenue_cents: u64,
}

/// The star schema: two dimensions around one fact table of hourly roll-ups.
#[derive(Debug, Clone, Default)]
pub struct SalesCube {
    drinks: Dimension,
    stores: Dimension,
    facts: BTreeMap<FactKey, Measures>,
}

impl SalesCube {
    /// Rolls one order line into the fact row of its hour, drink and store.
    pub fn record(&mut self, line: &OrderLine<'_>) {
        let key = FactKey {
            hour_start: line.at.div_euclid(SECONDS_PER_HOUR) * SECONDS_PER_HOUR,
            drink: self.drinks.key_of(line.drink),
            store: self.stores.key_of(line.store),
        };
        let row = self.facts.entry(key).or_default();
        row.lines += 1;
        row.quantity += u64::from(line.quantity);
        row.revenue_cents += line.amount_cents;
    }
    // ANCHOR_END: solution
    // ANCHOR_END: star_schema

    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: report
    // ANCHOR: solution
    /// "Sales per drink per hour" over the hours starting in `[from, to)`,
    /// summed over all stores, ordered by hour then drink name.
    #[must_use]
    pub fn sales_per_drink_per_hour(&self, from: i64, to: i64) -> Vec<DrinkHour<'_>> {
        let mut rows: BTreeMap<(i64, &str), Measures> = BTreeMap::new();
        for (key, measures) in self.facts_between(from, to) {
            let drink = self.drinks.name(key.drink);
            rows.entry((key.hour_start, drink))
                .or_default()
                .add(measures);
        }
        rows.into_iter()
            .map(|((hour_start, drink), measures)| DrinkHour {
                hour_start,
                drink,
                measures,
            })
            .collect()
    }

    fn facts_between(&self, from: i64, to: i64) -> impl Iterator<Item = (&FactKey, &Measures)> {
        let bound = |hour_start| FactKey {
            hour_start,
            drink: 0,
            store: 0,
        };
        let range = if from < to {
            bound(from)..bound(to)
        } else {
            bound(from)..bound(from)
        };
        self.facts.range(range)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: report

    /// Rolls the hourly facts of `[from, to)` up to one row per UTC day and
    /// store, ordered by day then store name.
    #[must_use]
    pub fn daily_sales_per_store(&self, from: i64, to: i64) -> Vec<StoreDay<'_>> {
        let mut rows: BTreeMap<(i64, &str), Measures> = BTreeMap::new();
        for (key, measures) in self.facts_between(from, to) {
            let day_start = key.hour_start.div_euclid(SECONDS_PER_DAY) * SECONDS_PER_DAY;
            let store = self.stores.name(key.store);
            rows.entry((day_start, store)).or_default().add(measures);
        }
        rows.into_iter()
            .map(|((day_start, store), measures)| StoreDay {
                day_start,
                store,
                measures,
            })
            .collect()
    }

    /// The drinks that sold the most cups in `[from, to)`, best first (ties by
    /// name), at most `limit` of them.
    #[must_use]
    pub fn top_drinks(&self, from: i64, to: i64, limit: usize) -> Vec<(&str, u64)> {
        let mut cups: BTreeMap<&str, u64> = BTreeMap::new();
        for (key, measures) in self.facts_between(from, to) {
            *cups.entry(self.drinks.name(key.drink)).or_default() += measures.quantity;
        }
        let mut ranked: Vec<(&str, u64)> = cups.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        ranked.truncate(limit);
        ranked
    }

    /// How many fact rows the roll-up holds.
    #[must_use]
    pub fn fact_rows(&self) -> usize {
        self.facts.len()
    }

    /// The drink dimension.
    #[must_use]
    pub fn drinks(&self) -> &Dimension {
        &self.drinks
    }

    /// The store dimension.
    #[must_use]
    pub fn stores(&self) -> &Dimension {
        &self.stores
    }
}

impl Dimension {
    /// The surrogate key of `name`, adding it on first sight.
    pub fn key_of(&mut self, name: &str) -> u32 {
        if let Some(&key) = self.keys.get(name) {
            return key;
        }
        let key = u32::try_from(self.names.len()).expect("fewer than 2^32 members");
        self.keys.insert(name.to_string(), key);
        self.names.push(name.to_string());
        key
    }

    /// The key of `name`, if it has one.
    #[must_use]
    pub fn lookup(&self, name: &str) -> Option<u32> {
        self.keys.get(name).copied()
    }

    /// The name behind `key`.
    ///
    /// # Panics
    ///
    /// Panics if `key` was not handed out by this dimension.
    #[must_use]
    pub fn name(&self, key: u32) -> &str {
        &self.names[key as usize]
    }

    /// How many members the dimension has.
    #[must_use]
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the dimension has no member.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

impl Measures {
    fn add(&mut self, other: &Self) {
        self.lines += other.lines;
        self.quantity += other.quantity;
        self.revenue_cents += other.revenue_cents;
    }
}

/// A row of the "sales per drink per hour" report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrinkHour<'a> {
    /// The start of the hour, in Unix seconds.
    pub hour_start: i64,
    /// The drink.
    pub drink: &'a str,
    /// Its sales in that hour, over all stores.
    pub measures: Measures,
}

/// A row of the "daily sales per store" report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreDay<'a> {
    /// The start of the UTC day, in Unix seconds.
    pub day_start: i64,
    /// The store.
    pub store: &'a str,
    /// Its sales that day, over all drinks.
    pub measures: Measures,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const DRINKS: [&str; 4] = ["latte", "espresso", "mocha", "cold-brew"];
    const STORES: [&str; 3] = ["soho", "camden", "brixton"];

    fn line(at: i64, store: usize, drink: usize, quantity: u32) -> OrderLine<'static> {
        OrderLine {
            at,
            store: STORES[store],
            drink: DRINKS[drink],
            quantity,
            amount_cents: 400 * u64::from(quantity),
        }
    }

    #[test]
    fn events_in_one_hour_share_a_fact_row() {
        let mut cube = SalesCube::new();
        cube.record(&line(7200, 0, 0, 1));
        cube.record(&line(7200 + 3599, 0, 0, 2));
        cube.record(&line(7200 + 3600, 0, 0, 1));
        assert_eq!(cube.fact_rows(), 2);
        let report = cube.sales_per_drink_per_hour(0, 86_400);
        assert_eq!(
            report[0].measures,
            Measures {
                lines: 2,
                quantity: 3,
                revenue_cents: 1200
            }
        );
        assert_eq!(cube.drinks().len(), 1);
        assert_eq!(cube.stores().lookup("soho"), Some(0));
    }

    #[test]
    fn an_empty_or_reversed_range_reports_nothing() {
        let mut cube = SalesCube::new();
        cube.record(&line(3600, 0, 0, 1));
        assert!(cube.sales_per_drink_per_hour(7200, 0).is_empty());
        assert!(cube.sales_per_drink_per_hour(3600, 3600).is_empty());
    }

    #[test]
    fn top_drinks_rank_by_cups_then_name() {
        let mut cube = SalesCube::new();
        cube.record(&line(0, 0, 0, 2)); // latte 2
        cube.record(&line(0, 1, 1, 5)); // espresso 5
        cube.record(&line(0, 2, 2, 2)); // mocha 2
        assert_eq!(cube.top_drinks(0, 3600, 2), [("espresso", 5), ("latte", 2)]);
    }

    fn events() -> impl Strategy<Value = Vec<(i64, usize, usize, u32)>> {
        proptest::collection::vec((-200_000i64..400_000, 0usize..3, 0usize..4, 1u32..5), 0..80)
    }

    proptest! {
        /// The hourly report equals a plain group-by over the raw events.
        #[test]
        fn hourly_report_matches_a_group_by_of_raw_events(events in events(), from in -200_000i64..400_000, span in 0i64..300_000) {
            let mut cube = SalesCube::new();
            for &(at, store, drink, quantity) in &events {
                cube.record(&line(at, store, drink, quantity));
            }
            let to = from + span;
            let mut expected: BTreeMap<(i64, &str), u64> = BTreeMap::new();
            for &(at, _, drink, quantity) in &events {
                let hour = at - at.rem_euclid(3600);
                if hour >= from && hour < to {
                    *expected.entry((hour, DRINKS[drink])).or_default() += u64::from(quantity);
                }
            }
            let actual: BTreeMap<(i64, &str), u64> = cube
                .sales_per_drink_per_hour(from, to)
                .into_iter()
                .map(|r| ((r.hour_start, r.drink), r.measures.quantity))
                .collect();
            prop_assert_eq!(actual, expected);
        }

        /// Rolling up to days loses nothing: revenue per store per day sums the
        /// raw events of that day.
        #[test]
        fn daily_roll_up_preserves_totals(events in events()) {
            let mut cube = SalesCube::new();
            for &(at, store, drink, quantity) in &events {
                cube.record(&line(at, store, drink, quantity));
            }
            let mut expected: BTreeMap<(i64, &str), u64> = BTreeMap::new();
            for &(at, store, _, quantity) in &events {
                let day = at - at.rem_euclid(86_400);
                *expected.entry((day, STORES[store])).or_default() += 400 * u64::from(quantity);
            }
            let actual: BTreeMap<(i64, &str), u64> = cube
                .daily_sales_per_store(i64::MIN / 2, i64::MAX / 2)
                .into_iter()
                .map(|r| ((r.day_start, r.store), r.measures.revenue_cents))
                .collect();
            prop_assert_eq!(actual, expected);
        }
    }
}
