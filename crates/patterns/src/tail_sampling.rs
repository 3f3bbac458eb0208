//! Tail-based sampling: decide whether to keep a trace after it has finished,
//! so that every failed or slow order is kept and the healthy majority is
//! sampled.
//!
//! Head-based sampling decides at the first span ("keep 1% of traces"), before
//! anyone knows how the request will go, so 99% of the failures are thrown
//! away with the rest. A tail sampler buffers the spans of a trace until it
//! is complete and then looks at the whole [`SpanTree`]:
//!
//! 1. any span with an error: **keep** (every error trace, no exceptions);
//! 2. the trace took longer than `slow_us`: **keep**;
//! 3. otherwise keep a fixed fraction, chosen **deterministically from the
//!    trace-id**: a hash of the id compared with a threshold.
//!
//! The third rule matters across regions: spans of one trace reach collectors
//! in eu-west and us-east, and both must make the same choice without talking
//! to each other, or the stored trace has holes. A hash of the trace-id gives
//! every collector the same answer, and it is *consistent*: a trace kept at
//! 1% is also kept at 5%, so a cheaper tier's sample is a subset of a richer
//! one.
//!
//! The cost is memory: every span waits until its trace is decided, and all
//! spans of a trace must reach the same sampler (route them by trace-id).
//!
//! # Example
//!
//! ```
//! use coffee_patterns::tail_sampling::{Decision, TailSampler};
//! use coffee_patterns::trace_context::{Span, SpanTree};
//!
//! let span = |trace_id, error, end_us| Span {
//!     trace_id, span_id: 1, parent_id: None, region: "eu-west".into(),
//!     service: "orders".into(), start_us: 0, end_us, error,
//! };
//! // Keep 1 in 100 ordinary traces, every error, everything over 2 s.
//! let sampler = TailSampler::new(2_000_000, 10_000);
//! let failed = SpanTree::build([span(42, true, 80_000)]);
//! let slow = SpanTree::build([span(43, false, 2_500_000)]);
//! assert_eq!(sampler.decide(&failed), Decision::KeepError);
//! assert_eq!(sampler.decide(&slow), Decision::KeepSlow);
//!
//! let kept = (1..=100_000u128)
//!     .filter(|&id| sampler.decide(&SpanTree::build([span(id, false, 80_000)])) == Decision::KeepSampled)
//!     .count();
//! assert!((900..1100).contains(&kept), "{kept} of 100,000");
//! ```

use crate::trace_context::SpanTree;

/// What the sampler decided for one finished trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Kept: a span failed.
    KeepError,
    /// Kept: the trace was slower than the threshold.
    KeepSlow,
    /// Kept: chosen by the trace-id hash.
    KeepSampled,
    /// Not stored.
    Drop,
}

impl Decision {
    /// Whether the trace is stored.
    #[must_use]
    pub fn keeps(self) -> bool {
        self != Self::Drop
    }
}

// ANCHOR: sampler
// ANCHOR: solution
/// Keeps every error trace and every slow trace, and `per_million` of the
/// others, chosen by trace-id.
#[derive(Debug, Clone, Copy)]
pub struct TailSampler {
    slow_us: u64,
    per_million: u32,
}

impl TailSampler {
    /// A sampler keeping traces of at least `slow_us` microseconds and
    /// `per_million` of the ordinary ones (10,000 = 1%).
    ///
    /// # Panics
    ///
    /// Panics if `per_million` is above 1,000,000.
    #[must_use]
    pub fn new(slow_us: u64, per_million: u32) -> Self {
        assert!(per_million <= 1_000_000, "a rate above 100%");
        Self {
            slow_us,
            per_million,
        }
    }

    /// Decides for a complete trace.
    #[must_use]
    pub fn decide(&self, trace: &SpanTree) -> Decision {
        let Some(trace_id) = trace.trace_id() else {
            return Decision::Drop; // no spans, nothing to keep
        };
        if trace.has_error() {
            Decision::KeepError
        } else if trace.duration_us() >= self.slow_us {
            Decision::KeepSlow
        } else if sampled(trace_id, self.per_million) {
            Decision::KeepSampled
        } else {
            Decision::Drop
        }
    }
}

/// Whether `trace_id` falls in the kept `per_million` share: its hash,
/// scaled to `0..1_000_000`, is below the rate. Any collector computes the
/// same answer, and raising the rate only adds traces.
#[must_use]
pub fn sampled(trace_id: u128, per_million: u32) -> bool {
    let mixed = mix((trace_id >> 64) as u64 ^ mix(trace_id as u64));
    let position = (u128::from(mixed) * 1_000_000) >> 64; // uniform in 0..1_000_000
    position < u128::from(per_million)
}

/// The SplitMix64 finaliser: spreads ids that differ in a few bits (or that
/// count up) over the whole range.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
// ANCHOR_END: solution
// ANCHOR_END: sampler

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeededRng;
    use crate::trace_context::Span;
    use proptest::prelude::*;

    fn span(
        trace_id: u128,
        id: u64,
        parent: Option<u64>,
        region: &str,
        end_us: u64,
        error: bool,
    ) -> Span {
        Span {
            trace_id,
            span_id: id,
            parent_id: parent,
            region: region.into(),
            service: "svc".into(),
            start_us: 0,
            end_us,
            error,
        }
    }

    #[test]
    fn the_kept_share_matches_the_rate_on_random_ids() {
        let mut rng = SeededRng::new(99);
        let ids: Vec<u128> = (0..200_000)
            .map(|_| u128::from(rng.next_u64()) << 64 | u128::from(rng.next_u64()))
            .collect();
        for per_million in [1_000u32, 50_000, 250_000] {
            let kept = ids.iter().filter(|&&id| sampled(id, per_million)).count() as f64;
            let expected = 200_000.0 * f64::from(per_million) / 1e6;
            assert!(
                (kept - expected).abs() < 0.1 * expected + 30.0,
                "{kept} vs {expected}"
            );
        }
        assert!(ids.iter().all(|&id| !sampled(id, 0)));
        assert!(ids.iter().all(|&id| sampled(id, 1_000_000)));
    }

    #[test]
    fn an_empty_trace_is_dropped() {
        let sampler = TailSampler::new(1, 1_000_000);
        assert_eq!(sampler.decide(&SpanTree::build([])), Decision::Drop);
    }

    proptest! {
        /// Whatever the rate, an error anywhere in the trace keeps it, and a
        /// slow trace is kept too.
        #[test]
        fn every_error_and_every_slow_trace_is_kept(
            trace_id in 1u128..,
            per_million in 0u32..=1_000_000,
            errors in proptest::collection::vec(any::<bool>(), 1..6),
            end_us in 0u64..5_000_000,
        ) {
            let spans: Vec<Span> = errors
                .iter()
                .enumerate()
                .map(|(i, &e)| span(trace_id, i as u64 + 1, (i > 0).then_some(1), "eu-west", end_us, e))
                .collect();
            let decision = TailSampler::new(2_000_000, per_million).decide(&SpanTree::build(spans));
            if errors.contains(&true) {
                prop_assert_eq!(decision, Decision::KeepError);
            } else if end_us >= 2_000_000 {
                prop_assert_eq!(decision, Decision::KeepSlow);
            } else {
                prop_assert_eq!(decision.keeps(), sampled(trace_id, per_million));
            }
        }

        /// Two collectors seeing the spans of a trace in different orders
        /// decide the same, and a trace kept at a lower rate is kept at every
        /// higher one.
        #[test]
        fn decisions_agree_across_collectors_and_are_consistent_across_rates(
            trace_id in 1u128..,
            low in 0u32..=1_000_000,
            high in 0u32..=1_000_000,
        ) {
            let (low, high) = (low.min(high), low.max(high));
            let a = [span(trace_id, 1, None, "eu-west", 900, false), span(trace_id, 2, Some(1), "us-east", 500, false)];
            let b = [a[1].clone(), a[0].clone()];
            let sampler = TailSampler::new(u64::MAX, low);
            prop_assert_eq!(sampler.decide(&SpanTree::build(a)), sampler.decide(&SpanTree::build(b)));
            if sampled(trace_id, low) {
                prop_assert!(sampled(trace_id, high));
            }
        }
    }
}
