//! Availability algebra: what a chain of components, or a set of redundant
//! ones, is worth.
//!
//! If a request needs *every* one of several independent components (load
//! balancer, then the cluster, then the database), it succeeds only when all
//! are up: **serial** availability is the product, and always lower than the
//! weakest part (`0.999 × 0.999 = 0.998001`). If *any one* of several
//! independent replicas suffices (two regions behind health-checked DNS), the
//! request fails only when all are down: **parallel** availability is
//! `1 − Π(1 − aᵢ)` (`1 − 0.001² = 0.999999`).
//!
//! The catch is the word *independent*. Two regions deployed by the same
//! pipeline, behind the same DNS provider, fail together when the shared part
//! fails, so the shared part stays in series with the redundant pair and caps
//! the whole. And redundancy only helps if failing over works: with a
//! failover that succeeds with probability `p`, the pair is worth
//! `a₁ + (1 − a₁)·a₂·p` ([`with_failover`]), which is why disaster-recovery
//! drills matter.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::availability::{Block, downtime_per_year, nines};
//!
//! let zone = Block::Unit(0.999);
//! let region = Block::Serial(vec![
//!     Block::Unit(0.9999),                           // regional load balancer
//!     Block::Parallel(vec![zone.clone(), zone.clone(), zone]), // three zones
//!     Block::Unit(0.9995),                           // the orders database
//! ]);
//! let one = region.availability();
//! assert!((one - 0.999_400).abs() < 1e-6);
//! assert_eq!(downtime_per_year(one).as_secs() / 60, 315); // about 5 h 15 min
//!
//! let global = Block::Serial(vec![
//!     Block::Unit(0.99999), // global DNS, shared by both regions
//!     Block::Parallel(vec![region.clone(), region]),
//! ]);
//! assert!((global.availability() - 0.999_990).abs() < 1e-6);
//! let n = nines(global.availability());
//! assert!(n > 4.98 && n < 5.0); // the shared DNS caps it below its own five nines
//! ```

use std::time::Duration;

/// Seconds in a (365-day) year.
const SECONDS_PER_YEAR: f64 = 365.0 * 86_400.0;

// ANCHOR: algebra
// ANCHOR: solution
/// Availability of a chain: every part must be up.
#[must_use]
pub fn serial(parts: &[f64]) -> f64 {
    parts.iter().product()
}

/// Availability of redundant parts: one being up is enough.
#[must_use]
pub fn parallel(parts: &[f64]) -> f64 {
    1.0 - parts.iter().map(|a| 1.0 - a).product::<f64>()
}

/// A primary with a standby that takes over with probability `failover`.
#[must_use]
pub fn with_failover(primary: f64, standby: f64, failover: f64) -> f64 {
    primary + (1.0 - primary) * standby * failover
}
// ANCHOR_END: solution
// ANCHOR_END: algebra

/// A reliability block diagram: components in series and in parallel.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// One component and its availability (0 to 1).
    Unit(f64),
    /// All of these are needed.
    Serial(Vec<Block>),
    /// Any one of these is enough.
    Parallel(Vec<Block>),
}

impl Block {
    /// The availability of the whole diagram, parts assumed independent.
    #[must_use]
    pub fn availability(&self) -> f64 {
        match self {
            Self::Unit(a) => *a,
            Self::Serial(parts) => {
                serial(&parts.iter().map(Self::availability).collect::<Vec<_>>())
            }
            Self::Parallel(parts) => {
                parallel(&parts.iter().map(Self::availability).collect::<Vec<_>>())
            }
        }
    }
}

/// Expected downtime in a year at availability `a`.
#[must_use]
pub fn downtime_per_year(a: f64) -> Duration {
    Duration::from_secs_f64((1.0 - a).max(0.0) * SECONDS_PER_YEAR)
}

/// The number of nines: `−log10(1 − a)` (0.999 → 3).
#[must_use]
pub fn nines(a: f64) -> f64 {
    -(1.0 - a).log10()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeededRng;
    use proptest::prelude::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn the_textbook_numbers() {
        // Two 99.9% services in a row: 99.8001%, about 99.8%.
        assert!(close(serial(&[0.999, 0.999]), 0.998_001));
        // Two independent 99.9% regions: one in a million requests fails.
        assert!(close(parallel(&[0.999, 0.999]), 0.999_999));
        assert!(close(parallel(&[0.999, 0.999]), 1.0 - 0.001_f64.powi(2)));
        // Downtime budgets: 99.9% is 8 h 45 min 36 s a year, 99.99% about 52.6 min.
        assert_eq!(downtime_per_year(0.999).as_secs(), 8 * 3600 + 45 * 60 + 36);
        assert_eq!(downtime_per_year(0.9999).as_secs(), 3153);
        assert!((nines(0.999) - 3.0).abs() < 1e-9);
        // A failover that works half the time gives half the benefit.
        assert!(close(with_failover(0.999, 0.999, 1.0), 0.999_999));
        assert!(close(with_failover(0.999, 0.999, 0.5), 0.999_499_5));
        assert!(close(with_failover(0.999, 0.999, 0.0), 0.999));
    }

    #[test]
    fn empty_chains_and_empty_sets() {
        assert!(close(serial(&[]), 1.0)); // nothing needed: always up
        assert!(close(parallel(&[]), 0.0)); // nothing to fall back on: never up
    }

    #[test]
    fn monte_carlo_agrees_with_the_algebra() {
        // Simulate two regions, each a chain of two 0.99 parts, a million times.
        let mut rng = SeededRng::new(8);
        let trials = 1_000_000;
        let mut up = 0;
        for _ in 0..trials {
            let region = |rng: &mut SeededRng| rng.next_f64() < 0.99 && rng.next_f64() < 0.99;
            let (a, b) = (region(&mut rng), region(&mut rng));
            if a || b {
                up += 1;
            }
        }
        let simulated = f64::from(up) / f64::from(trials);
        let algebra = parallel(&[serial(&[0.99, 0.99]); 2]);
        assert!(close(algebra, 1.0 - (1.0 - 0.9801_f64).powi(2)));
        assert!(
            (simulated - algebra).abs() < 0.000_1,
            "{simulated} vs {algebra}"
        );
    }

    proptest! {
        #[test]
        fn series_never_beats_its_weakest_part_and_parallel_never_its_best(
            parts in proptest::collection::vec(0.0f64..=1.0, 1..8),
        ) {
            let weakest = parts.iter().copied().fold(1.0, f64::min);
            let best = parts.iter().copied().fold(0.0, f64::max);
            prop_assert!(serial(&parts) <= weakest + 1e-12);
            prop_assert!(parallel(&parts) >= best - 1e-12);
            // De Morgan: parallel is the complement of the series of complements.
            let down: Vec<f64> = parts.iter().map(|a| 1.0 - a).collect();
            prop_assert!((parallel(&parts) - (1.0 - serial(&down))).abs() < 1e-12);
        }
    }
}
