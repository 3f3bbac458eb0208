//! Latency monitoring: a middleware that times every request into a
//! percentile histogram.
//!
//! Averages hide what customers feel: if one order in a hundred takes four
//! seconds, the mean barely moves but the 99th percentile (p99) shows it. To
//! report percentiles without keeping every sample, latencies go into a
//! histogram with **log-linear buckets** (the layout HdrHistogram made
//! popular): values below `2^p` get a bucket each, and above that every power
//! of two is split into `2^(p-1)` equal buckets. A bucket's width is then at
//! most `2^-(p-1)` of its lower bound, so reporting the bucket's midpoint is
//! off by at most `2^-p` of the true value (0.8% for `p = 7`), whatever the
//! scale, from microseconds to minutes, in a few kilobytes.
//!
//! [`LatencyMonitor`] wraps a handler: it reads the clock before and after
//! each call, records the difference, and counts errors, so a dashboard can
//! show request rate, error rate and p50/p90/p99 per endpoint.
//!
//! Histograms with the same layout [merge](Histogram::merge) exactly: the
//! bucket counts add up, so the merge of every region's histogram is the
//! histogram of all requests, and a global p99 is read from it. Percentiles
//! themselves do not combine: averaging regional p99s is not the global p99.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::latency::LatencyMonitor;
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let brewing = clock.clone();
//! // A handler that takes 20 ms, except every tenth order which takes 400 ms.
//! let handler = move |order: u32| -> Result<u32, String> {
//!     let ms = if order % 10 == 9 { 400 } else { 20 };
//!     brewing.advance(Duration::from_millis(ms));
//!     Ok(order)
//! };
//! let mut monitored = LatencyMonitor::new(handler, clock);
//! for order in 0..100 {
//!     monitored.call(order).unwrap();
//! }
//! let summary = monitored.summary();
//! assert_eq!(summary.count, 100);
//! // Percentiles are bucket midpoints: within 0.8% of the true value.
//! assert!(summary.p50.abs_diff(Duration::from_millis(20)) <= Duration::from_micros(160));
//! assert!(summary.p99.abs_diff(Duration::from_millis(400)) <= Duration::from_millis(4));
//! ```

use crate::clock::Clock;
use std::time::Duration;

/// A histogram of `u64` values with a bounded relative error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    precision: u32,
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

impl Histogram {
    /// A histogram whose reported values are within `2^-precision` of the
    /// recorded ones (precision 7: within 0.79%).
    ///
    /// # Panics
    ///
    /// Panics unless `precision` is between 1 and 20.
    #[must_use]
    pub fn new(precision: u32) -> Self {
        assert!((1..=20).contains(&precision), "precision must be 1..=20");
        Self {
            precision,
            counts: Vec::new(),
            total: 0,
            max: 0,
        }
    }

    /// The largest relative error of a reported value: `2^-precision`.
    #[must_use]
    pub fn max_relative_error(&self) -> f64 {
        0.5f64.powi(self.precision as i32)
    }

    // ANCHOR: buckets
    // ANCHOR: solution
    /// The bucket `value` falls in: exact below `2^p`, then `2^(p-1)`
    /// buckets per power of two.
    fn index(&self, value: u64) -> usize {
        let p = self.precision;
        if value < 1 << p {
            return value as usize;
        }
        let shift = 64 - value.leading_zeros() - p; // keeps the top p bits
        let top = value >> shift; // in [2^(p-1), 2^p)
        ((shift as usize) << (p - 1)) + top as usize
    }

    /// The lowest value of bucket `index` and the bucket's width.
    fn bucket(&self, index: usize) -> (u64, u64) {
        let p = self.precision;
        if index < 1 << p {
            return (index as u64, 1);
        }
        let shift = (index >> (p - 1)) - 1;
        let top = (index - (shift << (p - 1))) as u64;
        (top << shift, 1 << shift)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: buckets

    /// Adds one value.
    pub fn record(&mut self, value: u64) {
        let index = self.index(value);
        if index >= self.counts.len() {
            self.counts.resize(index + 1, 0);
        }
        self.counts[index] += 1;
        self.total += 1;
        self.max = self.max.max(value);
    }

    // ANCHOR: quantile
    // ANCHOR: solution
    /// The value at `quantile` (0 to 1) by the nearest-rank rule: the
    /// smallest recorded value with at least `ceil(q·n)` values at or below
    /// it, reported as its bucket's midpoint. Zero when empty.
    #[must_use]
    pub fn value_at_quantile(&self, quantile: f64) -> u64 {
        let rank = ((quantile.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (index, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                let (low, width) = self.bucket(index);
                return low + width / 2;
            }
        }
        0
    }
    // ANCHOR_END: solution
    // ANCHOR_END: quantile

    /// How many values were recorded.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The largest value recorded, exactly.
    #[must_use]
    pub fn max(&self) -> u64 {
        self.max
    }

    // ANCHOR: merge
    // ANCHOR: solution
    /// Adds every value recorded in `other`, as if it had been recorded here.
    /// Bucket counts add up, so the merge of regional histograms is exactly
    /// the histogram of all their requests: a global p99 without shipping a
    /// single raw sample.
    ///
    /// # Errors
    ///
    /// [`PrecisionMismatch`] when the two have different bucket layouts;
    /// nothing is changed then.
    pub fn merge(&mut self, other: &Histogram) -> Result<(), PrecisionMismatch> {
        if self.precision != other.precision {
            return Err(PrecisionMismatch {
                ours: self.precision,
                theirs: other.precision,
            });
        }
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
        Ok(())
    }
    // ANCHOR_END: solution
    // ANCHOR_END: merge
}

/// Two histograms with different precisions cannot be merged: their buckets
/// do not line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrecisionMismatch {
    /// The precision of the histogram merged into.
    pub ours: u32,
    /// The precision of the histogram merged from.
    pub theirs: u32,
}

impl std::fmt::Display for PrecisionMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cannot merge a histogram of precision {} into one of precision {}: re-record one of them",
            self.theirs, self.ours
        )
    }
}

impl std::error::Error for PrecisionMismatch {}

/// What a dashboard shows for one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencySummary {
    /// Requests handled.
    pub count: u64,
    /// Requests whose handler returned an error.
    pub errors: u64,
    /// Median latency.
    pub p50: Duration,
    /// 90th percentile latency.
    pub p90: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Slowest request.
    pub max: Duration,
}

/// Wraps a handler and records how long each call takes, in microseconds.
#[derive(Debug)]
pub struct LatencyMonitor<H, C> {
    handler: H,
    clock: C,
    histogram: Histogram,
    errors: u64,
}

impl<H, C: Clock> LatencyMonitor<H, C> {
    /// Monitors `handler`, timing it with `clock`, at precision 7 (0.8%).
    #[must_use]
    pub fn new(handler: H, clock: C) -> Self {
        Self {
            handler,
            clock,
            histogram: Histogram::new(7),
            errors: 0,
        }
    }

    // ANCHOR: middleware
    // ANCHOR: solution
    /// Calls the handler, times it, counts it if it failed.
    ///
    /// # Errors
    ///
    /// Whatever the handler returns, unchanged.
    pub fn call<Req, Resp, E>(&mut self, request: Req) -> Result<Resp, E>
    where
        H: FnMut(Req) -> Result<Resp, E>,
    {
        let start = self.clock.now();
        let result = (self.handler)(request);
        let micros = self.clock.now().saturating_sub(start).as_micros();
        self.histogram
            .record(u64::try_from(micros).unwrap_or(u64::MAX));
        if result.is_err() {
            self.errors += 1;
        }
        result
    }
    // ANCHOR_END: solution
    // ANCHOR_END: middleware

    /// Counts and percentiles so far.
    #[must_use]
    pub fn summary(&self) -> LatencySummary {
        let at = |q| Duration::from_micros(self.histogram.value_at_quantile(q));
        LatencySummary {
            count: self.histogram.count(),
            errors: self.errors,
            p50: at(0.5),
            p90: at(0.9),
            p99: at(0.99),
            max: Duration::from_micros(self.histogram.max()),
        }
    }
}

impl<H, C> LatencyMonitor<H, C> {
    /// The histogram of latencies in microseconds.
    #[must_use]
    pub fn histogram(&self) -> &Histogram {
        &self.histogram
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::rng::SeededRng;
    use proptest::prelude::*;

    /// The exact nearest-rank percentile of `samples` (sorted).
    fn exact(sorted: &[u64], q: f64) -> u64 {
        let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
        sorted[rank - 1]
    }

    /// Heavy-tailed latencies in microseconds, like a real endpoint.
    fn samples(seed: u64, n: usize) -> Vec<u64> {
        let mut rng = SeededRng::new(seed);
        (0..n)
            .map(|_| {
                let base = 2_000.0 + 8_000.0 * rng.next_f64();
                let tail = -(1.0 - rng.next_f64()).ln(); // exponential(1)
                (base * (1.0 + tail * tail)) as u64
            })
            .collect()
    }

    const QUANTILES: [f64; 8] = [0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0];

    #[test]
    fn small_values_are_exact() {
        let mut h = Histogram::new(4);
        for v in 0..16 {
            h.record(v);
        }
        assert_eq!(h.value_at_quantile(0.0), 0);
        assert_eq!(h.value_at_quantile(0.5), 7);
        assert_eq!(h.value_at_quantile(1.0), 15);
    }

    #[test]
    fn buckets_tile_the_whole_range_without_gaps() {
        let h = Histogram::new(3);
        let mut expected_low = 0u64;
        for index in 0..(h.index(u64::MAX) + 1) {
            let (low, width) = h.bucket(index);
            assert_eq!(low, expected_low, "bucket {index}");
            assert_eq!(h.index(low), index);
            assert_eq!(h.index(low + (width - 1)), index);
            expected_low = low.wrapping_add(width);
        }
        assert_eq!(expected_low, 0, "the last bucket ends at u64::MAX");
    }

    #[test]
    fn the_middleware_counts_errors_and_times_calls() {
        let clock = ManualClock::new();
        let inner = clock.clone();
        let mut monitor = LatencyMonitor::new(
            move |ms: u64| {
                inner.advance(Duration::from_millis(ms));
                if ms > 100 { Err("timeout") } else { Ok(ms) }
            },
            clock,
        );
        assert_eq!(monitor.call(5), Ok(5));
        assert_eq!(monitor.call(500), Err("timeout"));
        let s = monitor.summary();
        assert_eq!((s.count, s.errors), (2, 1));
        assert_eq!(s.max, Duration::from_millis(500));
        // 5 ms falls in the bucket [4.992, 5.056) ms, reported as its midpoint.
        assert_eq!(s.p50, Duration::from_micros(5_024));
    }

    /// Differential test: on the same samples our percentiles and the
    /// `hdrhistogram` crate's (3 significant digits, error ≤ 0.1%) are each
    /// within their stated error of the exact percentile, and so within the
    /// sum of both errors of each other.
    #[test]
    fn agrees_with_hdrhistogram_within_the_stated_error() {
        let values = samples(11, 50_000);
        let mut ours = Histogram::new(7);
        let mut hdr = hdrhistogram::Histogram::<u64>::new(3).unwrap();
        for &v in &values {
            ours.record(v);
            hdr.record(v).unwrap();
        }
        let mut sorted = values.clone();
        sorted.sort_unstable();
        let ours_error = ours.max_relative_error();
        let hdr_error = 0.001;
        for q in QUANTILES {
            let truth = exact(&sorted, q) as f64;
            let (a, b) = (
                ours.value_at_quantile(q) as f64,
                hdr.value_at_quantile(q) as f64,
            );
            assert!(
                (a - truth).abs() <= ours_error * truth,
                "q={q}: ours {a}, exact {truth}"
            );
            assert!(
                (b - truth).abs() <= hdr_error * truth + 1.0,
                "q={q}: hdr {b}, exact {truth}"
            );
            assert!(
                (a - b).abs() <= (ours_error + hdr_error) * truth + 1.0,
                "q={q}: ours {a}, hdr {b}"
            );
        }
        assert_eq!(ours.max(), *sorted.last().unwrap()); // exact, unlike hdr's
        assert_eq!(ours.count(), hdr.len());
    }

    #[test]
    fn merging_different_precisions_is_refused() {
        let mut a = Histogram::new(7);
        a.record(10);
        let mut b = Histogram::new(5);
        b.record(20);
        assert_eq!(a.merge(&b), Err(PrecisionMismatch { ours: 7, theirs: 5 }));
        assert_eq!(a.count(), 1, "a refused merge changes nothing");
    }

    /// Differential test of merging: three regions' histograms merged here,
    /// and merged with `hdrhistogram`'s `add`, give the same percentiles
    /// within both errors, and ours match the exact percentile of the union.
    #[test]
    fn merged_regions_agree_with_hdrhistogram_add() {
        let regions = [samples(1, 20_000), samples(2, 5_000), samples(3, 500)];
        let mut ours = Histogram::new(7);
        let mut hdr = hdrhistogram::Histogram::<u64>::new(3).unwrap();
        let mut union = Vec::new();
        for region in &regions {
            let mut local = Histogram::new(7);
            let mut local_hdr = hdrhistogram::Histogram::<u64>::new(3).unwrap();
            for &v in region {
                local.record(v);
                local_hdr.record(v).unwrap();
            }
            ours.merge(&local).unwrap();
            hdr.add(&local_hdr).unwrap();
            union.extend_from_slice(region);
        }
        union.sort_unstable();
        for q in QUANTILES {
            let truth = exact(&union, q) as f64;
            let a = ours.value_at_quantile(q) as f64;
            let b = hdr.value_at_quantile(q) as f64;
            assert!(
                (a - truth).abs() <= ours.max_relative_error() * truth,
                "q={q}"
            );
            assert!(
                (a - b).abs() <= (ours.max_relative_error() + 0.001) * truth + 1.0,
                "q={q}"
            );
        }
        assert_eq!(ours.count(), hdr.len());
    }

    proptest! {
        /// Merging is exact: the merge of two histograms equals the
        /// histogram of both sets of values, in any order.
        #[test]
        fn merge_is_the_histogram_of_the_union(
            left in proptest::collection::vec(0u64..10_000_000_000, 0..300),
            right in proptest::collection::vec(0u64..10_000_000_000, 0..300),
            precision in 1u32..12,
        ) {
            let record = |values: &[u64]| {
                let mut h = Histogram::new(precision);
                values.iter().for_each(|&v| h.record(v));
                h
            };
            let (a, b) = (record(&left), record(&right));
            let union = record(&[left.clone(), right.clone()].concat());
            let mut ab = a.clone();
            ab.merge(&b).unwrap();
            let mut ba = b.clone();
            ba.merge(&a).unwrap();
            prop_assert_eq!(&ab, &union);
            prop_assert_eq!(&ba, &union);
        }

        #[test]
        fn percentiles_are_within_the_relative_error_of_hdrhistogram(
            values in proptest::collection::vec(1u64..10_000_000_000, 1..500),
            precision in 2u32..12,
            q in 0.0f64..=1.0,
        ) {
            let mut ours = Histogram::new(precision);
            let mut hdr = hdrhistogram::Histogram::<u64>::new(3).unwrap();
            for &v in &values {
                ours.record(v);
                hdr.record(v).unwrap();
            }
            let mut sorted = values.clone();
            sorted.sort_unstable();
            let truth = exact(&sorted, q) as f64;
            let a = ours.value_at_quantile(q) as f64;
            let b = hdr.value_at_quantile(q) as f64;
            let bound = (ours.max_relative_error() + 0.001) * truth + 1.0;
            prop_assert!((a - truth).abs() <= ours.max_relative_error() * truth);
            prop_assert!((a - b).abs() <= bound, "ours {} hdr {} exact {}", a, b, truth);
        }
    }
}
