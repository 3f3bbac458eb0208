//! Latency-aware routing between regions, with failover and hysteresis: how
//! Go Coffee's global front door decides which region serves a city.
//!
//! Every edge location measures the round-trip time to each region, which
//! gives a [`LatencyMatrix`]: rows are where the request enters, columns are
//! the regions that can serve it. The plain rule "send each request to the
//! nearest healthy region" is right on a whiteboard and wrong in production:
//! measured latencies jitter by a few milliseconds, so two regions at about
//! the same distance swap places on every probe, and a city flaps between
//! them, cold caches and all. [`HysteresisRouter`] adds the two rules real
//! global load balancers use:
//!
//! - **Failover is immediate.** If the current region is unhealthy, switch to
//!   the nearest healthy one at once.
//! - **Improvement must be clear and sustained.** Leave a healthy region only
//!   for one that is faster by at least `margin` on every observation for at
//!   least `hold`. A region that is better by less, or better only now and
//!   then, does not win.
//!
//! With jitter of at most `j` on each measurement and `margin > 2j`, a switch
//! only ever goes to a region that is truly faster, so the router never
//! returns to a region it left (the property tests check this).
//!
//! # Example: a city that does not flap
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::region_routing::{HysteresisRouter, Route};
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let mut router = HysteresisRouter::new(5, Duration::from_secs(30), clock.clone());
//! // Frankfurt first, then Frankfurt and London trade places by 1-2 ms.
//! assert_eq!(router.observe(&[Some(21), Some(22)]), Route::Switched { from: None, to: 0 });
//! for probe in [[Some(23), Some(21)], [Some(20), Some(22)], [Some(22), Some(20)]] {
//!     clock.advance(Duration::from_secs(10));
//!     assert_eq!(router.observe(&probe), Route::Stay(0));
//! }
//! // Frankfurt goes down: failover does not wait.
//! assert_eq!(router.observe(&[None, Some(22)]), Route::Switched { from: Some(0), to: 1 });
//! ```

use crate::clock::Clock;
use std::fmt;
use std::time::Duration;

/// Round-trip times in milliseconds from each entry point (row) to each
/// region (column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatencyMatrix {
    entries: Vec<String>,
    regions: Vec<String>,
    rtt_ms: Vec<u32>,
}

/// Why a latency matrix was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatrixError {
    /// A row has a different number of columns than there are regions.
    RowLength {
        /// The entry point whose row is wrong.
        entry: String,
        /// How many values the row has.
        found: usize,
        /// How many regions there are.
        expected: usize,
    },
    /// There are no regions to route to.
    NoRegions,
}

impl fmt::Display for MatrixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::RowLength {
                entry,
                found,
                expected,
            } => write!(
                f,
                "row `{entry}` has {found} latencies, expected one per region ({expected})"
            ),
            Self::NoRegions => write!(f, "a latency matrix needs at least one region"),
        }
    }
}

impl std::error::Error for MatrixError {}

impl LatencyMatrix {
    // ANCHOR: solution
    /// A matrix from region names and one row of round-trip times per entry
    /// point.
    ///
    /// # Errors
    ///
    /// [`MatrixError`] if there is no region or a row has the wrong length.
    pub fn new<'a>(
        regions: &[&str],
        rows: impl IntoIterator<Item = (&'a str, Vec<u32>)>,
    ) -> Result<Self, MatrixError> {
        if regions.is_empty() {
            return Err(MatrixError::NoRegions);
        }
        let mut entries = Vec::new();
        let mut rtt_ms = Vec::new();
        for (entry, row) in rows {
            if row.len() != regions.len() {
                return Err(MatrixError::RowLength {
                    entry: entry.to_owned(),
                    found: row.len(),
                    expected: regions.len(),
                });
            }
            entries.push(entry.to_owned());
            rtt_ms.extend(row);
        }
        Ok(Self {
            entries,
            regions: regions.iter().map(|&r| r.to_owned()).collect(),
            rtt_ms,
        })
    }
    // ANCHOR_END: solution

    /// The regions, in column order.
    #[must_use]
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// The row index of an entry point.
    #[must_use]
    pub fn entry(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|e| e == name)
    }

    /// The round-trip time from entry point `entry` to region `region`.
    #[must_use]
    pub fn rtt(&self, entry: usize, region: usize) -> u32 {
        self.rtt_ms[entry * self.regions.len() + region]
    }

    /// The row of `entry` with unhealthy regions left out, as the router
    /// consumes it.
    #[must_use]
    pub fn observation(&self, entry: usize, healthy: &[bool]) -> Vec<Option<u32>> {
        (0..self.regions.len())
            .map(|r| {
                healthy
                    .get(r)
                    .copied()
                    .unwrap_or(false)
                    .then(|| self.rtt(entry, r))
            })
            .collect()
    }
}

// ANCHOR: solution
/// The nearest region among the measured ones (`None` means unhealthy);
/// ties go to the lower index.
#[must_use]
pub fn nearest(latencies: &[Option<u32>]) -> Option<usize> {
    latencies
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.map(|l| (l, i)))
        .min()
        .map(|(_, i)| i)
}
// ANCHOR_END: solution

/// What the router decided on one observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Keep serving from this region.
    Stay(usize),
    /// Serve from `to` from now on (`from` is `None` on the first pick).
    Switched {
        /// The region served before, if any.
        from: Option<usize>,
        /// The region served now.
        to: usize,
    },
    /// No region is healthy: fail fast at the edge.
    Unavailable,
}

impl Route {
    /// The region that serves after this decision.
    #[must_use]
    pub fn region(self) -> Option<usize> {
        match self {
            Self::Stay(r) | Self::Switched { to: r, .. } => Some(r),
            Self::Unavailable => None,
        }
    }
}

// ANCHOR: hysteresis
// ANCHOR: solution
/// Routes one entry point to a region: immediate failover, and a switch to a
/// faster region only when it is better by `margin` ms for `hold`.
#[derive(Debug, Clone)]
pub struct HysteresisRouter<C: Clock> {
    margin_ms: u32,
    hold: Duration,
    clock: C,
    current: Option<usize>,
    /// The region that has been clearly better since the given time.
    challenger: Option<(usize, Duration)>,
}

impl<C: Clock> HysteresisRouter<C> {
    /// A router that has not picked a region yet.
    pub fn new(margin_ms: u32, hold: Duration, clock: C) -> Self {
        Self {
            margin_ms,
            hold,
            clock,
            current: None,
            challenger: None,
        }
    }

    /// The region currently served, if any.
    pub fn current(&self) -> Option<usize> {
        self.current
    }

    /// Takes one probe round (`None` = unhealthy) and decides the route.
    pub fn observe(&mut self, latencies: &[Option<u32>]) -> Route {
        let now = self.clock.now();
        let Some(best) = nearest(latencies) else {
            self.current = None;
            self.challenger = None;
            return Route::Unavailable;
        };
        let current_rtt = self
            .current
            .and_then(|c| latencies.get(c).copied().flatten());
        let Some(current_rtt) = current_rtt else {
            // First pick, or the current region failed: go now.
            return self.switch_to(best);
        };
        let current = self.current.expect("a current region has a latency");
        let best_rtt = latencies[best].expect("nearest is measured");
        if best_rtt + self.margin_ms > current_rtt {
            self.challenger = None; // nobody is clearly better right now
            return Route::Stay(current);
        }
        match self.challenger {
            Some((region, since)) if region == best => {
                if now.saturating_sub(since) >= self.hold {
                    return self.switch_to(best);
                }
            }
            _ => self.challenger = Some((best, now)),
        }
        if self.hold.is_zero() {
            return self.switch_to(best);
        }
        Route::Stay(current)
    }

    fn switch_to(&mut self, region: usize) -> Route {
        let from = self.current.replace(region);
        self.challenger = None;
        Route::Switched { from, to: region }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: hysteresis

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::rng::SeededRng;
    use proptest::prelude::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn jittered(
        truth: &[u32],
        jitter: u32,
        health: &[bool],
        rng: &mut SeededRng,
    ) -> Vec<Option<u32>> {
        truth
            .iter()
            .zip(health)
            .map(|(&t, &up)| {
                let delta = rng.below(u64::from(2 * jitter) + 1) as u32;
                up.then(|| (t + delta).saturating_sub(jitter))
            })
            .collect()
    }

    #[test]
    fn a_row_of_the_wrong_length_is_refused_with_its_name() {
        let err = LatencyMatrix::new(&["eu", "us"], [("paris", vec![10])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "row `paris` has 1 latencies, expected one per region (2)"
        );
        assert_eq!(
            LatencyMatrix::new(&[], [("paris", vec![])]),
            Err(MatrixError::NoRegions)
        );
    }

    #[test]
    fn observation_hides_unhealthy_regions() {
        let m = LatencyMatrix::new(&["eu", "us", "ap"], [("paris", vec![12, 85, 160])]).unwrap();
        let paris = m.entry("paris").unwrap();
        assert_eq!(
            m.observation(paris, &[false, true, true]),
            [None, Some(85), Some(160)]
        );
        assert_eq!(
            nearest(&m.observation(paris, &[false, true, true])),
            Some(1)
        );
        assert_eq!(nearest(&m.observation(paris, &[false; 3])), None);
    }

    #[test]
    fn a_clearly_better_region_wins_only_after_the_hold() {
        let clock = ManualClock::new();
        let mut router = HysteresisRouter::new(10, 30 * SECOND, clock.clone());
        router.observe(&[Some(80), Some(95)]);
        // us-west improves to 40 ms (a new link): 40 + 10 <= 80.
        for _ in 0..3 {
            assert_eq!(router.observe(&[Some(80), Some(40)]), Route::Stay(0));
            clock.advance(10 * SECOND);
        }
        assert_eq!(
            router.observe(&[Some(80), Some(40)]),
            Route::Switched {
                from: Some(0),
                to: 1
            }
        );
    }

    #[test]
    fn one_good_probe_in_between_restarts_the_hold() {
        let clock = ManualClock::new();
        let mut router = HysteresisRouter::new(10, 30 * SECOND, clock.clone());
        router.observe(&[Some(80), Some(95)]);
        for t in 0..6 {
            // Better by 40 ms, except every third probe where it is not.
            let other = if t % 3 == 2 { 75 } else { 40 };
            assert_eq!(router.observe(&[Some(80), Some(other)]), Route::Stay(0));
            clock.advance(10 * SECOND);
        }
    }

    #[test]
    fn without_hysteresis_the_same_jitter_flaps_all_the_time() {
        let clock = ManualClock::new();
        let mut naive = HysteresisRouter::new(0, Duration::ZERO, clock.clone());
        let mut damped = HysteresisRouter::new(10, 30 * SECOND, clock.clone());
        let mut rng = SeededRng::new(7);
        let (mut naive_switches, mut damped_switches) = (0, 0);
        for _ in 0..1000 {
            let probe = jittered(&[40, 42], 4, &[true, true], &mut rng);
            naive_switches += i32::from(matches!(naive.observe(&probe), Route::Switched { .. }));
            damped_switches += i32::from(matches!(damped.observe(&probe), Route::Switched { .. }));
            clock.advance(SECOND);
        }
        assert!(
            naive_switches > 200,
            "naive router switched {naive_switches} times"
        );
        assert_eq!(damped_switches, 1, "only the first pick");
    }

    proptest! {
        /// With jitter `j` and a margin above `2j`, every switch between healthy
        /// regions goes to a truly faster one, so a region once left is never
        /// returned to while the true latencies stay put.
        #[test]
        fn never_flaps_under_jitter(
            base in 5u32..200,
            spread in proptest::collection::vec(0u32..20, 2..6),
            jitter in 0u32..8,
            hold_s in prop_oneof![Just(0u32), 0u32..60],
            seed in any::<u64>(),
        ) {
            // Regions within a few ms of each other: where jitter bites.
            let truth: Vec<u32> = spread.iter().map(|s| base + s).collect();
            let clock = ManualClock::new();
            let margin = 2 * jitter + 1;
            let mut router = HysteresisRouter::new(margin, hold_s * SECOND, clock.clone());
            let mut rng = SeededRng::new(seed);
            let health = vec![true; truth.len()];
            let mut left = Vec::new();
            for _ in 0..500 {
                let probe = jittered(&truth, jitter, &health, &mut rng);
                if let Route::Switched { from: Some(from), to } = router.observe(&probe) {
                    prop_assert!(truth[to] < truth[from], "switched from {from} to a region no faster, {to}");
                    prop_assert!(!left.contains(&to), "returned to region {to}");
                    left.push(from);
                }
                clock.advance(SECOND);
            }
            prop_assert!(left.len() < truth.len());
        }

        /// Whatever the health flips, traffic never goes to an unhealthy
        /// region, and it goes somewhere whenever one region is up.
        #[test]
        fn never_routes_to_an_unhealthy_region(
            truth in proptest::collection::vec(5u32..200, 1..6),
            flips in proptest::collection::vec(any::<u8>(), 1..200),
        ) {
            let clock = ManualClock::new();
            let mut router = HysteresisRouter::new(5, 10 * SECOND, clock.clone());
            for bits in flips {
                let health: Vec<bool> = (0..truth.len()).map(|r| bits >> r & 1 == 1).collect();
                let probe: Vec<Option<u32>> =
                    truth.iter().zip(&health).map(|(&t, &up)| up.then_some(t)).collect();
                let route = router.observe(&probe);
                match route.region() {
                    Some(r) => prop_assert!(health[r]),
                    None => prop_assert!(health.iter().all(|up| !up)),
                }
                clock.advance(SECOND);
            }
        }
    }
}
