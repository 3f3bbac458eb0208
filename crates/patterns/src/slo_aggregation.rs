//! Request-weighted SLOs across regions: why the global availability is the
//! sum of good requests over the sum of all requests, and never the average
//! of the regions' percentages.
//!
//! Each region reports, per window, how many requests it served and how many
//! of them were good (a success within the latency objective). The global
//! availability that customers experienced is
//!
//! ```text
//! Σ good / Σ total
//! ```
//!
//! Averaging the per-region ratios instead gives a small region the same
//! weight as a big one. That is wrong in both directions: a small region
//! having a bad hour makes the average look like an outage when almost no
//! customer noticed, and one big region failing is hidden by several small
//! healthy ones. It also breaks composition: averaging continents of averaged
//! regions gives yet another number, while counts simply add
//! ([`RequestCounts`] merges associatively and commutatively, so regions,
//! continents and the globe can be summed in any grouping).
//!
//! An SLA is a contract on the same number: below the agreed availability,
//! Go Coffee owes its business customers a service credit
//! ([`sla_credit_percent`]).
//!
//! # Example: the average says the SLO is blown; it is not
//!
//! ```
//! use coffee_patterns::slo_aggregation::{RequestCounts, naive_mean_ppm};
//!
//! let regions = [
//!     RequestCounts::new(3_996_000, 4_000_000), // eu-west    99.900%
//!     RequestCounts::new(4_999_500, 5_000_000), // us-east    99.990%
//!     RequestCounts::new(9_000, 10_000),        // ap-south   90.000%, a new launch
//! ];
//! let global: RequestCounts = regions.iter().copied().sum();
//! assert_eq!(global.availability_ppm(), 999_389); // 99.9389%: the 99.9% SLO holds
//! assert_eq!(naive_mean_ppm(&regions), 966_300);  // 96.63%: a false alarm
//! ```

use std::iter::Sum;
use std::ops::Add;

/// Good and total requests of one region (or any group of them) in one
/// window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RequestCounts {
    /// Requests that met the objective.
    pub good: u64,
    /// All requests.
    pub total: u64,
}

// ANCHOR: weighted
// ANCHOR: solution
impl RequestCounts {
    /// `good` of `total` requests were good.
    ///
    /// # Panics
    ///
    /// Panics if `good > total`.
    #[must_use]
    pub fn new(good: u64, total: u64) -> Self {
        assert!(
            good <= total,
            "more good requests ({good}) than requests ({total})"
        );
        Self { good, total }
    }

    /// Availability in parts per million, rounded down (999_000 = 99.9%);
    /// a window without requests counts as fully available.
    #[must_use]
    pub fn availability_ppm(&self) -> u64 {
        if self.total == 0 {
            return 1_000_000;
        }
        (u128::from(self.good) * 1_000_000 / u128::from(self.total)) as u64
    }

    /// Of the error budget that an SLO of `target_ppm` allows for these
    /// requests, the part left, in parts per million of the budget (negative
    /// once overspent).
    #[must_use]
    pub fn error_budget_left_ppm(&self, target_ppm: u64) -> i64 {
        let allowed = u128::from(self.total) * u128::from(1_000_000 - target_ppm); // × 10^-6 requests
        if allowed == 0 {
            return if self.good == self.total {
                1_000_000
            } else {
                i64::MIN
            };
        }
        let failed = u128::from(self.total - self.good) * 1_000_000;
        ((allowed as i128 - failed as i128) * 1_000_000 / allowed as i128) as i64
    }
}

impl Add for RequestCounts {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            good: self.good + other.good,
            total: self.total + other.total,
        }
    }
}

impl Sum for RequestCounts {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), Add::add)
    }
}

/// The mean of the regions' availabilities: the wrong aggregate, kept to
/// show how wrong it is.
#[must_use]
pub fn naive_mean_ppm(regions: &[RequestCounts]) -> u64 {
    if regions.is_empty() {
        return 1_000_000;
    }
    regions
        .iter()
        .map(RequestCounts::availability_ppm)
        .sum::<u64>()
        / regions.len() as u64
}
// ANCHOR_END: solution
// ANCHOR_END: weighted

// ANCHOR: sla
// ANCHOR: solution
/// The service credit owed for a month's availability under Go Coffee's
/// business SLA: 10% below 99.9%, 25% below 99%, 100% below 95%.
#[must_use]
pub fn sla_credit_percent(month: RequestCounts) -> u32 {
    match month.availability_ppm() {
        999_000.. => 0,
        990_000.. => 10,
        950_000.. => 25,
        _ => 100,
    }
}
// ANCHOR_END: solution
// ANCHOR_END: sla

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_big_failing_region_is_hidden_by_the_average() {
        let regions = [
            RequestCounts::new(4_950_000, 5_000_000), // us-east at 99.0%: an outage
            RequestCounts::new(20_000, 20_000),
            RequestCounts::new(20_000, 20_000),
        ];
        let global: RequestCounts = regions.iter().copied().sum();
        assert_eq!(global.availability_ppm(), 990_079);
        assert_eq!(naive_mean_ppm(&regions), 996_666, "looks fine, is not");
        assert_eq!(sla_credit_percent(global), 10);
    }

    #[test]
    fn the_error_budget_of_a_99_9_slo() {
        // 1,000,000 requests at 99.9% may fail 1,000.
        assert_eq!(
            RequestCounts::new(999_000, 1_000_000).error_budget_left_ppm(999_000),
            0
        );
        assert_eq!(
            RequestCounts::new(999_750, 1_000_000).error_budget_left_ppm(999_000),
            750_000
        );
        assert_eq!(
            RequestCounts::new(998_000, 1_000_000).error_budget_left_ppm(999_000),
            -1_000_000
        );
        assert_eq!(RequestCounts::default().availability_ppm(), 1_000_000);
    }

    #[test]
    fn the_sla_tiers() {
        let month = |ppm: u64| RequestCounts::new(ppm, 1_000_000);
        assert_eq!(sla_credit_percent(month(999_500)), 0);
        assert_eq!(sla_credit_percent(month(999_000)), 0);
        assert_eq!(sla_credit_percent(month(998_999)), 10);
        assert_eq!(sla_credit_percent(month(989_999)), 25);
        assert_eq!(sla_credit_percent(month(949_999)), 100);
    }

    fn counts() -> impl Strategy<Value = RequestCounts> {
        (0u64..1_000_000, 0u64..1_000_000).prop_map(|(a, b)| RequestCounts::new(a.min(b), a.max(b)))
    }

    proptest! {
        /// Summing counts gives the availability of all the requests put
        /// together, whatever the grouping: regions into continents into the
        /// globe is the same as all regions at once.
        #[test]
        fn weighted_aggregation_composes(regions in proptest::collection::vec(counts(), 1..12), split in 0usize..12) {
            let split = split % regions.len();
            let flat: RequestCounts = regions.iter().copied().sum();
            let (left, right) = regions.split_at(split);
            let grouped = left.iter().copied().sum::<RequestCounts>() + right.iter().copied().sum();
            prop_assert_eq!(flat, grouped);
            prop_assert_eq!(flat.good, regions.iter().map(|r| r.good).sum::<u64>());
            // It lies between the worst and the best region that served traffic.
            let served: Vec<u64> = regions.iter().filter(|r| r.total > 0).map(RequestCounts::availability_ppm).collect();
            if let (Some(&lo), Some(&hi)) = (served.iter().min(), served.iter().max()) {
                prop_assert!(lo <= flat.availability_ppm() && flat.availability_ppm() <= hi);
            }
        }

        /// The naive mean equals the weighted figure only by accident: when
        /// the regions' sizes differ and their availabilities differ, it is
        /// off; when all regions are the same size it is close.
        #[test]
        fn the_naive_mean_ignores_traffic(a in 0u64..=1000, b in 0u64..=1000, big in 2u64..1000) {
            let regions = [RequestCounts::new(a * big, 1000 * big), RequestCounts::new(b, 1000)];
            let weighted = regions.iter().copied().sum::<RequestCounts>().availability_ppm();
            let naive = naive_mean_ppm(&regions);
            if a == b {
                prop_assert_eq!(weighted, naive);
            } else {
                prop_assert_ne!(weighted, naive);
                // The weighted figure is pulled towards the big region.
                let big_ppm = regions[0].availability_ppm();
                prop_assert!(weighted.abs_diff(big_ppm) < naive.abs_diff(big_ppm));
            }
        }
    }
}
