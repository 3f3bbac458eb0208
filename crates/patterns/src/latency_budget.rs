//! Latency budgets: where the milliseconds of one API call go, and which
//! changes take them away.
//!
//! A request's critical path is a small tree of [`Path`]s:
//!
//! - a [`Path::Call`] to one dependency (the menu database, the payment
//!   provider) with a [`Latency`] distribution;
//! - a [`Path::Sequence`], whose latencies **add up**;
//! - a [`Path::Parallel`] fan-out, which takes as long as its **slowest**
//!   branch;
//! - a [`Path::Cached`] lookup, which costs the hit path on a hit and the
//!   miss path otherwise, so its expected cost falls with the hit ratio;
//! - a [`Path::Hedged`] call, which sends a second copy of a request still
//!   unanswered after a delay (about the call's p95) and takes whichever
//!   answer comes first, trimming the tail at the price of a few percent
//!   more calls.
//!
//! [`Path::budget`] gives the planning number (typical latencies, caches at
//! their expected cost) that a team splits between services, and
//! [`Path::simulate`] draws many requests from a seeded generator and reports
//! the percentiles a dashboard would show. Averages hide tails: measure p50,
//! p95 and p99, never only the mean. A simulation can afford to keep and sort
//! every sample, so its percentiles are exact; a live service keeps a
//! [`Histogram`](crate::latency::Histogram) instead.
//!
//! # Example: parallel beats sequential
//!
//! ```
//! use coffee_patterns::latency_budget::{Latency, Path};
//! use std::time::Duration;
//!
//! let ms = Duration::from_millis;
//! let inventory = Path::call("inventory", Latency::fixed(ms(15)));
//! let loyalty = Path::call("loyalty", Latency::fixed(ms(12)));
//!
//! let one_after_the_other = Path::Sequence(vec![inventory.clone(), loyalty.clone()]);
//! let side_by_side = Path::Parallel(vec![inventory, loyalty]);
//! assert_eq!(one_after_the_other.budget(), ms(27));
//! assert_eq!(side_by_side.budget(), ms(15));
//! ```

use crate::rng::SeededRng;
use std::time::Duration;

// ANCHOR: latency
/// How long one call takes: uniform between `low` and `high`, except that
/// `tail_percent` of calls are slow (a GC pause, a cold connection) and take
/// between `tail_low` and `tail_high` instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latency {
    low: Duration,
    high: Duration,
    tail_percent: u32,
    tail_low: Duration,
    tail_high: Duration,
}

impl Latency {
    /// The typical latency used for budgets: the middle of the usual range.
    #[must_use]
    pub fn typical(&self) -> Duration {
        (self.low + self.high) / 2
    }

    // ANCHOR: solution
    /// Draws one call's latency.
    pub fn sample(&self, rng: &mut SeededRng) -> Duration {
        let (low, high) = if rng.below(100) < u64::from(self.tail_percent) {
            (self.tail_low, self.tail_high)
        } else {
            (self.low, self.high)
        };
        let span = (high - low).as_nanos() as u64;
        low + Duration::from_nanos(rng.below(span + 1))
    }
    // ANCHOR_END: solution
}
// ANCHOR_END: latency

impl Latency {
    /// Always exactly `latency`.
    #[must_use]
    pub fn fixed(latency: Duration) -> Self {
        Self::between(latency, latency)
    }

    /// Uniform between `low` and `high` (inclusive).
    ///
    /// # Panics
    ///
    /// Panics if `high < low`.
    #[must_use]
    pub fn between(low: Duration, high: Duration) -> Self {
        assert!(low <= high, "latency range is reversed");
        Self {
            low,
            high,
            tail_percent: 0,
            tail_low: high,
            tail_high: high,
        }
    }

    /// Makes `percent` of calls slow, uniform between `low` and `high`.
    ///
    /// # Panics
    ///
    /// Panics if `percent > 100` or `high < low`.
    #[must_use]
    pub fn with_tail(self, percent: u32, low: Duration, high: Duration) -> Self {
        assert!(percent <= 100, "a tail is at most 100% of calls");
        assert!(low <= high, "latency range is reversed");
        Self {
            tail_percent: percent,
            tail_low: low,
            tail_high: high,
            ..self
        }
    }
}

// ANCHOR: path
/// A request's critical path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    /// One call to a dependency.
    Call {
        /// The dependency, for reading the tree.
        name: String,
        /// How long the call takes.
        latency: Latency,
    },
    /// Steps that run one after another: latencies add.
    Sequence(Vec<Path>),
    /// Steps that run at the same time: the slowest decides.
    Parallel(Vec<Path>),
    /// A cache in front of a slower path.
    Cached {
        /// Percent of lookups that hit.
        hit_percent: u32,
        /// The path of a hit (the cache read).
        hit: Box<Path>,
        /// The path of a miss (the cache read, then the source).
        miss: Box<Path>,
    },
    /// A hedged request: a second copy of `call` goes out if the first has
    /// not answered after `after`; the first answer wins.
    Hedged {
        /// When to send the second copy (about the call's p95).
        after: Duration,
        /// The call that is hedged.
        call: Box<Path>,
    },
}
// ANCHOR_END: path

impl Path {
    /// A call to `name` taking `latency`.
    #[must_use]
    pub fn call(name: &str, latency: Latency) -> Self {
        Path::Call {
            name: name.to_owned(),
            latency,
        }
    }

    /// `miss` behind a cache that hits `hit_percent` of the time.
    #[must_use]
    pub fn cached(hit_percent: u32, hit: Path, miss: Path) -> Self {
        Path::Cached {
            hit_percent: hit_percent.min(100),
            hit: Box::new(hit),
            miss: Box::new(miss),
        }
    }

    /// This path, hedged after `after`.
    #[must_use]
    pub fn hedged(self, after: Duration) -> Self {
        Path::Hedged {
            after,
            call: Box::new(self),
        }
    }

    // ANCHOR: budget
    // ANCHOR: solution
    /// The planning number: typical latencies, sums for sequences, maxima
    /// for fan-outs, and caches at their expected cost
    /// `hit% × hit + miss% × miss`. Hedging leaves the typical request alone.
    #[must_use]
    pub fn budget(&self) -> Duration {
        match self {
            Path::Call { latency, .. } => latency.typical(),
            Path::Sequence(steps) => steps.iter().map(Path::budget).sum(),
            Path::Parallel(branches) => branches.iter().map(Path::budget).max().unwrap_or_default(),
            Path::Cached {
                hit_percent,
                hit,
                miss,
            } => (hit.budget() * *hit_percent + miss.budget() * (100 - hit_percent)) / 100,
            Path::Hedged { call, .. } => call.budget(),
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: budget

    // ANCHOR: sample
    // ANCHOR: solution
    /// Draws one request through the path: its latency and how many calls
    /// to dependencies it made (hedges count).
    pub fn sample(&self, rng: &mut SeededRng) -> (Duration, u32) {
        match self {
            Path::Call { latency, .. } => (latency.sample(rng), 1),
            Path::Sequence(steps) => steps.iter().fold((Duration::ZERO, 0), |(t, n), step| {
                let (dt, dn) = step.sample(rng);
                (t + dt, n + dn)
            }),
            Path::Parallel(branches) => {
                branches.iter().fold((Duration::ZERO, 0), |(t, n), branch| {
                    let (dt, dn) = branch.sample(rng);
                    (t.max(dt), n + dn)
                })
            }
            Path::Cached {
                hit_percent,
                hit,
                miss,
            } => {
                if rng.below(100) < u64::from(*hit_percent) {
                    hit.sample(rng)
                } else {
                    miss.sample(rng)
                }
            }
            Path::Hedged { after, call } => {
                let (first, calls) = call.sample(rng);
                if first <= *after {
                    return (first, calls);
                }
                let (second, more) = call.sample(rng);
                (first.min(*after + second), calls + more)
            }
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: sample

    /// Simulates `requests` requests with a generator seeded by `seed`.
    #[must_use]
    pub fn simulate(&self, requests: usize, seed: u64) -> Report {
        let mut rng = SeededRng::new(seed);
        let mut latencies = Vec::with_capacity(requests);
        let mut calls = 0u64;
        for _ in 0..requests {
            let (latency, n) = self.sample(&mut rng);
            latencies.push(latency);
            calls += u64::from(n);
        }
        latencies.sort_unstable();
        Report { latencies, calls }
    }
}

// ANCHOR: report
// ANCHOR: solution
/// The latencies of a simulated run, sorted, and the calls it made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    latencies: Vec<Duration>,
    calls: u64,
}

impl Report {
    /// The latency that `percent` of requests met or beat (nearest rank:
    /// the `ceil(percent/100 × n)`-th fastest request). `percentile(50.0)`
    /// is the median, `percentile(100.0)` the slowest request.
    ///
    /// # Panics
    ///
    /// Panics if the run had no requests or `percent` is outside 0..=100.
    #[must_use]
    pub fn percentile(&self, percent: f64) -> Duration {
        percentile(&self.latencies, percent)
    }

    /// The mean latency.
    #[must_use]
    pub fn mean(&self) -> Duration {
        let total: Duration = self.latencies.iter().sum();
        total / self.latencies.len().max(1) as u32
    }

    /// Calls to dependencies per request (more than the path's calls when
    /// hedges were sent).
    #[must_use]
    pub fn calls_per_request(&self) -> f64 {
        self.calls as f64 / self.latencies.len().max(1) as f64
    }
}

/// The nearest-rank percentile of `sorted` (ascending) latencies.
///
/// # Panics
///
/// Panics if `sorted` is empty or `percent` is outside 0..=100.
#[must_use]
pub fn percentile(sorted: &[Duration], percent: f64) -> Duration {
    assert!(!sorted.is_empty(), "no samples");
    assert!((0.0..=100.0).contains(&percent), "percent out of range");
    let rank = (percent / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
// ANCHOR_END: solution
// ANCHOR_END: report

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn cached_budget_is_the_expected_cost() {
        let cache = Path::call("redis", Latency::fixed(ms(2)));
        let db = Path::call("menu-db", Latency::fixed(ms(22)));
        // 0.9 × 2 + 0.1 × 22 = 4 ms, and 0.5 × 2 + 0.5 × 22 = 12 ms.
        assert_eq!(Path::cached(90, cache.clone(), db.clone()).budget(), ms(4));
        assert_eq!(Path::cached(50, cache.clone(), db.clone()).budget(), ms(12));
        assert_eq!(Path::cached(100, cache, db).budget(), ms(2));
    }

    #[test]
    fn a_cache_hit_ratio_shows_in_the_simulated_mean() {
        let path = Path::cached(
            80,
            Path::call("redis", Latency::fixed(ms(1))),
            Path::call("db", Latency::fixed(ms(21))),
        );
        let report = path.simulate(20_000, 3);
        // Expected 0.8 × 1 + 0.2 × 21 = 5 ms; the sampled hit ratio wobbles
        // by about ±0.3 percentage points, i.e. ±0.06 ms.
        let mean = report.mean().as_secs_f64() * 1e3;
        assert!((4.8..5.2).contains(&mean), "{mean}");
        assert_eq!(report.percentile(50.0), ms(1));
        assert_eq!(report.percentile(99.0), ms(21));
    }

    #[test]
    fn hedging_cuts_the_tail_for_a_few_percent_more_calls() {
        // 97% of calls take 10-20 ms, 3% take 100-200 ms.
        let call = Path::call(
            "inventory",
            Latency::between(ms(10), ms(20)).with_tail(3, ms(100), ms(200)),
        );
        let plain = call.simulate(20_000, 11);
        let hedged = call.clone().hedged(ms(20)).simulate(20_000, 11);
        // Unhedged, the p99 sits in the slow mode.
        assert!(plain.percentile(99.0) >= ms(100));
        // Hedged, a slow first call is answered by the copy sent at 20 ms,
        // which is itself slow only 3% of the time: 0.09% of requests stay
        // slow, so p99 <= 20 + 20 ms.
        assert!(hedged.percentile(99.0) <= ms(40));
        assert!(hedged.percentile(99.95) >= ms(100));
        // The median barely moves and about 3% more calls were made.
        let median_shift = hedged.percentile(50.0).abs_diff(plain.percentile(50.0));
        assert!(median_shift < ms(1), "{median_shift:?}");
        let extra = hedged.calls_per_request() - 1.0;
        assert!((0.025..0.035).contains(&extra), "{extra}");
    }

    #[test]
    fn tails_appear_with_their_frequency() {
        let latency = Latency::between(ms(1), ms(2)).with_tail(10, ms(50), ms(60));
        let mut rng = SeededRng::new(5);
        let slow = (0..10_000)
            .filter(|_| latency.sample(&mut rng) >= ms(50))
            .count();
        assert!((900..1100).contains(&slow), "{slow}");
    }

    #[test]
    fn percentile_uses_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=10).map(ms).collect();
        assert_eq!(percentile(&sorted, 0.0), ms(1));
        assert_eq!(percentile(&sorted, 10.0), ms(1));
        assert_eq!(percentile(&sorted, 11.0), ms(2));
        assert_eq!(percentile(&sorted, 50.0), ms(5));
        assert_eq!(percentile(&sorted, 95.0), ms(10));
        assert_eq!(percentile(&sorted, 100.0), ms(10));
    }

    /// Differential test against HdrHistogram, which reports the nearest-rank
    /// value too (rounded to its bucket's highest equivalent value).
    #[test]
    fn percentiles_agree_with_hdrhistogram() {
        let path = Path::Sequence(vec![
            Path::call("gateway", Latency::between(ms(3), ms(7))),
            Path::call(
                "orders",
                Latency::between(ms(20), ms(40)).with_tail(5, ms(90), ms(300)),
            ),
        ]);
        for (requests, seed) in [(1_000, 1), (7_777, 2), (20_000, 3)] {
            let report = path.simulate(requests, seed);
            let mut hist = hdrhistogram::Histogram::<u64>::new(3).unwrap();
            for latency in &report.latencies {
                hist.record(latency.as_micros() as u64).unwrap();
            }
            for percent in [1.0, 25.0, 50.0, 90.0, 95.0, 99.0, 99.9, 100.0] {
                let ours = report.percentile(percent).as_micros() as u64;
                let theirs = hist.value_at_quantile(percent / 100.0);
                assert!(
                    hist.equivalent(ours, theirs),
                    "p{percent}: ours {ours} µs, hdrhistogram {theirs} µs"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn sequences_add_and_fan_outs_take_the_max(
            latencies in proptest::collection::vec(0u64..500, 1..8),
        ) {
            let calls: Vec<Path> = latencies
                .iter()
                .map(|&l| Path::call("x", Latency::fixed(ms(l))))
                .collect();
            let mut rng = SeededRng::new(0);
            let sum: u64 = latencies.iter().sum();
            let max = *latencies.iter().max().unwrap();
            let n = latencies.len() as u32;
            prop_assert_eq!(Path::Sequence(calls.clone()).sample(&mut rng), (ms(sum), n));
            prop_assert_eq!(Path::Parallel(calls.clone()).sample(&mut rng), (ms(max), n));
            prop_assert_eq!(Path::Sequence(calls.clone()).budget(), ms(sum));
            prop_assert_eq!(Path::Parallel(calls).budget(), ms(max));
        }

        #[test]
        fn samples_stay_within_their_ranges(
            low in 0u64..100, span in 0u64..100, tail in 0u32..=100, seed in any::<u64>(),
        ) {
            let latency = Latency::between(ms(low), ms(low + span)).with_tail(tail, ms(500), ms(600));
            let mut rng = SeededRng::new(seed);
            for _ in 0..50 {
                let t = latency.sample(&mut rng);
                prop_assert!((ms(low)..=ms(low + span)).contains(&t) || (ms(500)..=ms(600)).contains(&t));
            }
        }

        #[test]
        fn percentiles_are_monotonic(
            values in proptest::collection::vec(0u64..10_000, 1..200),
            a in 0.0f64..=100.0, b in 0.0f64..=100.0,
        ) {
            let mut sorted: Vec<Duration> = values.into_iter().map(Duration::from_micros).collect();
            sorted.sort_unstable();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(percentile(&sorted, lo) <= percentile(&sorted, hi));
            prop_assert_eq!(percentile(&sorted, 100.0), *sorted.last().unwrap());
            prop_assert_eq!(percentile(&sorted, 0.0), sorted[0]);
        }
    }
}
