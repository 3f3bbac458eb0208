//! Hybrid logical clocks: timestamps that follow causality like a Lamport
//! clock and stay within the clock skew of real time.
//!
//! Coffee machines and regions stamp their writes so that "last writer wins"
//! means something. Wall-clock time alone is not enough: a machine whose
//! clock runs 2 s slow writes a price change that loses to an older one. A
//! Lamport counter alone follows causality but says nothing about real time.
//! A hybrid logical clock (Kulkarni, Demirbas et al., *Logical Physical
//! Clocks*, 2014) keeps both: a timestamp is `(wall_ms, logical)`, where
//! `wall_ms` is the largest physical time this node has seen (its own or in a
//! message) and `logical` counts events within the same millisecond.
//!
//! Its guarantees, which the property tests check:
//!
//! - **Monotone**: each timestamp a node issues is larger than the one before.
//! - **Causal**: a timestamp issued after receiving a message is larger than
//!   the message's.
//! - **Bounded**: `wall_ms` is never more than the clock skew `ε` ahead of
//!   the node's own physical clock, so it stays readable as a time.
//!
//! The bound needs the skew to really be bounded: [`Hlc::observe`] refuses a
//! timestamp more than `max_offset` ahead of the local clock (CockroachDB does
//! the same), so one machine with a clock set to 2035 cannot drag the whole
//! fleet's timestamps into the future.
//!
//! # Example: a slow clock still orders after what it has seen
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::hlc::{Hlc, OffsetClock, Timestamp};
//! use std::time::Duration;
//!
//! let reference = ManualClock::new();
//! reference.advance(Duration::from_millis(10_000));
//! let ahead = OffsetClock::new(reference.clone(), Duration::from_millis(300));
//! let mut cloud = Hlc::new(1, ahead, Duration::from_secs(1));
//! let mut machine = Hlc::new(2, reference.clone(), Duration::from_secs(1));
//!
//! let price_change = cloud.now();
//! assert_eq!(price_change, Timestamp { wall_ms: 10_300, logical: 0, node: 1 });
//! // The machine's own clock says 10_000, but it has seen 10_300.
//! let received = machine.observe(price_change).unwrap();
//! assert_eq!(received, Timestamp { wall_ms: 10_300, logical: 1, node: 2 });
//! assert!(machine.now() > price_change);
//! ```

use crate::clock::Clock;
use std::fmt;
use std::time::Duration;

/// A hybrid logical timestamp. The order is `wall_ms`, then `logical`, then
/// `node`, so timestamps from different nodes are never equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp {
    /// The largest physical time seen, in milliseconds.
    pub wall_ms: u64,
    /// Events within that millisecond.
    pub logical: u32,
    /// The node that issued it: the tie-breaker.
    pub node: u32,
}

/// A remote timestamp too far ahead of the local clock to accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSkewError {
    /// The refused timestamp.
    pub remote: Timestamp,
    /// The local physical time, in milliseconds.
    pub local_ms: u64,
    /// The largest accepted difference, in milliseconds.
    pub max_offset_ms: u64,
}

impl fmt::Display for ClockSkewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "timestamp from node {} is {} ms ahead of the local clock (at most {} ms allowed)",
            self.remote.node,
            self.remote.wall_ms - self.local_ms,
            self.max_offset_ms
        )
    }
}

impl std::error::Error for ClockSkewError {}

/// A physical clock that reads a fixed `offset` ahead of another: a node
/// whose clock is not quite in sync.
#[derive(Debug, Clone)]
pub struct OffsetClock<C: Clock> {
    inner: C,
    offset: Duration,
}

impl<C: Clock> OffsetClock<C> {
    /// `inner`, read `offset` ahead.
    pub fn new(inner: C, offset: Duration) -> Self {
        Self { inner, offset }
    }
}

impl<C: Clock> Clock for OffsetClock<C> {
    fn now(&self) -> Duration {
        self.inner.now() + self.offset
    }
}

// ANCHOR: hlc
// ANCHOR: solution
/// One node's hybrid logical clock.
#[derive(Debug, Clone)]
pub struct Hlc<C: Clock> {
    node: u32,
    physical: C,
    max_offset_ms: u64,
    last: Timestamp,
}

impl<C: Clock> Hlc<C> {
    /// The clock of `node`, reading physical time from `physical`, refusing
    /// remote timestamps more than `max_offset` ahead.
    pub fn new(node: u32, physical: C, max_offset: Duration) -> Self {
        Self {
            node,
            physical,
            max_offset_ms: max_offset.as_millis() as u64,
            last: Timestamp {
                node,
                ..Timestamp::default()
            },
        }
    }

    /// This node's physical time in milliseconds.
    pub fn physical_ms(&self) -> u64 {
        self.physical.now().as_millis() as u64
    }

    /// The last timestamp issued.
    pub fn last(&self) -> Timestamp {
        self.last
    }

    /// A timestamp for a local event or a message to send.
    pub fn now(&mut self) -> Timestamp {
        let pt = self.physical_ms();
        let last = self.last;
        self.last = if pt > last.wall_ms {
            self.stamp(pt, 0)
        } else {
            self.stamp(last.wall_ms, last.logical + 1)
        };
        self.last
    }

    /// Takes in the timestamp of a received message and returns the
    /// timestamp of the receive event, which is larger than both.
    ///
    /// # Errors
    ///
    /// [`ClockSkewError`] if `remote` is more than `max_offset` ahead of
    /// the local physical clock; the clock is left unchanged.
    pub fn observe(&mut self, remote: Timestamp) -> Result<Timestamp, ClockSkewError> {
        let pt = self.physical_ms();
        if remote.wall_ms > pt + self.max_offset_ms {
            return Err(ClockSkewError {
                remote,
                local_ms: pt,
                max_offset_ms: self.max_offset_ms,
            });
        }
        let last = self.last;
        let wall = pt.max(last.wall_ms).max(remote.wall_ms);
        let logical = match (wall == last.wall_ms, wall == remote.wall_ms) {
            (true, true) => last.logical.max(remote.logical) + 1,
            (true, false) => last.logical + 1,
            (false, true) => remote.logical + 1,
            (false, false) => 0, // physical time moved past both
        };
        self.last = self.stamp(wall, logical);
        Ok(self.last)
    }

    fn stamp(&self, wall_ms: u64, logical: u32) -> Timestamp {
        Timestamp {
            wall_ms,
            logical,
            node: self.node,
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: hlc

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn events_in_one_millisecond_count_up() {
        let clock = ManualClock::new();
        clock.advance(5 * MS);
        let mut hlc = Hlc::new(3, clock.clone(), 100 * MS);
        let stamps: Vec<(u64, u32)> = (0..3)
            .map(|_| hlc.now())
            .map(|t| (t.wall_ms, t.logical))
            .collect();
        assert_eq!(stamps, [(5, 0), (5, 1), (5, 2)]);
        clock.advance(MS);
        assert_eq!((hlc.now().wall_ms, hlc.last().logical), (6, 0));
    }

    #[test]
    fn a_timestamp_from_the_far_future_is_refused() {
        let clock = ManualClock::new();
        let mut hlc = Hlc::new(1, clock.clone(), Duration::from_millis(500));
        let before = hlc.now();
        let bad = Timestamp {
            wall_ms: 2_000_000_000_000,
            logical: 0,
            node: 9,
        };
        let err = hlc.observe(bad).unwrap_err();
        assert_eq!(err.max_offset_ms, 500);
        assert!(
            err.to_string()
                .starts_with("timestamp from node 9 is 2000000000000 ms ahead")
        );
        assert_eq!(hlc.last(), before, "a refused timestamp changes nothing");
    }

    #[derive(Debug, Clone)]
    enum Step {
        Tick(u8),
        Local(usize),
        Send(usize, usize),
        Deliver(usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0u8..20).prop_map(Step::Tick),
            (0usize..4).prop_map(Step::Local),
            (0usize..4, 0usize..4).prop_map(|(a, b)| Step::Send(a, b)),
            (0usize..64).prop_map(Step::Deliver),
        ]
    }

    proptest! {
        /// Four nodes whose clocks are up to `skew` ms apart exchange messages
        /// in any order: every node's timestamps strictly increase, every
        /// receive is after its send, and no timestamp runs more than the
        /// skew ahead of its node's own clock.
        #[test]
        fn monotone_causal_and_bounded_by_the_skew(
            offsets in proptest::collection::vec(0u64..500, 4),
            steps in proptest::collection::vec(step(), 1..200),
        ) {
            let reference = ManualClock::new();
            let skew = offsets.iter().max().unwrap() - offsets.iter().min().unwrap();
            let mut nodes: Vec<_> = offsets
                .iter()
                .enumerate()
                .map(|(i, &o)| Hlc::new(i as u32, OffsetClock::new(reference.clone(), Duration::from_millis(o)), 500 * MS))
                .collect();
            let mut in_flight: Vec<(usize, Timestamp)> = Vec::new();
            let mut last = [Timestamp::default(); 4];
            for step in steps {
                let issued = match step {
                    Step::Tick(ms) => { reference.advance(u32::from(ms) * MS); continue; }
                    Step::Local(n) => (n, nodes[n].now()),
                    Step::Send(from, to) => {
                        let t = nodes[from].now();
                        in_flight.push((to, t));
                        (from, t)
                    }
                    Step::Deliver(k) if !in_flight.is_empty() => {
                        let (to, sent) = in_flight.swap_remove(k % in_flight.len());
                        let got = nodes[to].observe(sent).expect("skew is within max_offset");
                        prop_assert!(got > sent, "receive {got:?} not after send {sent:?}");
                        (to, got)
                    }
                    Step::Deliver(_) => continue,
                };
                let (n, t) = issued;
                prop_assert!(t > last[n], "node {n} went from {:?} to {t:?}", last[n]);
                last[n] = t;
                let pt = nodes[n].physical_ms();
                prop_assert!(t.wall_ms >= pt);
                prop_assert!(t.wall_ms - pt <= skew, "{} ms ahead, skew {skew}", t.wall_ms - pt);
            }
        }
    }
}
