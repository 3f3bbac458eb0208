//! A circuit breaker: stop calling a dependency that is failing, and probe it
//! carefully before trusting it again.
//!
//! When the payment provider is down, every order that still calls it waits
//! for a timeout, holds a worker and a connection, and adds load to a service
//! that is trying to recover. A breaker sits in front of the calls and keeps a
//! sliding window of recent outcomes:
//!
//! - **Closed**: calls pass. Once the window holds at least `minimum_calls`
//!   outcomes and the share of failures reaches `failure_rate_threshold`, the
//!   breaker **opens**.
//! - **Open**: calls are rejected at once, without touching the provider,
//!   for `open_duration`. The caller falls back (queue the payment, offer
//!   cash) instead of waiting.
//! - **Half-open**: after that, at most `half_open_probes` trial calls are
//!   let through. When they have all reported, the breaker closes if their
//!   failure rate is below the threshold and opens again otherwise.
//!
//! Each permit remembers the state episode it was issued in, so a slow call
//! that started before the breaker opened cannot count as a probe later.
//!
//! A [`Permit`] is an RAII guard: dropped without being handed to
//! [`record`](CircuitBreaker::record) (the caller returned early, its task was
//! cancelled, the call panicked), it counts as a **failure**. Otherwise a
//! lost probe would keep its half-open slot forever: every slot taken,
//! none reporting, and the breaker wedged half-open, rejecting every call.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::circuit_breaker::{CircuitBreaker, Config, State};
//! use coffee_patterns::clock::ManualClock;
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let mut breaker = CircuitBreaker::new(Config {
//!     failure_rate_threshold: 0.5,
//!     window_size: 10,
//!     minimum_calls: 4,
//!     open_duration: Duration::from_secs(30),
//!     half_open_probes: 2,
//! }, clock.clone());
//!
//! // The payment provider times out four times in a row.
//! for _ in 0..4 {
//!     let _ = breaker.call(|| Err::<(), _>("timeout"));
//! }
//! assert_eq!(breaker.state(), State::Open);
//! assert!(breaker.try_acquire().is_err()); // fail fast, no call made
//!
//! // Thirty seconds later two probes are let through, a third is not.
//! clock.advance(Duration::from_secs(30));
//! let first = breaker.try_acquire().unwrap();
//! let second = breaker.try_acquire().unwrap();
//! assert_eq!(breaker.state(), State::HalfOpen);
//! assert!(breaker.try_acquire().is_err());
//! breaker.record(first, true);
//! breaker.record(second, true);
//! assert_eq!(breaker.state(), State::Closed);
//! ```

use crate::clock::Clock;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// When the breaker opens and how it recovers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Share of failed calls (0 to 1) at or above which the breaker opens.
    pub failure_rate_threshold: f64,
    /// How many recent outcomes the sliding window holds.
    pub window_size: usize,
    /// No decision is taken on fewer outcomes than this.
    pub minimum_calls: usize,
    /// How long the breaker stays open before probing.
    pub open_duration: Duration,
    /// How many trial calls half-open lets through.
    pub half_open_probes: u32,
}

/// The breaker's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Calls pass; outcomes are counted.
    Closed,
    /// Calls are rejected until the open period ends.
    Open,
    /// A limited number of probe calls pass.
    HalfOpen,
}

// ANCHOR: permit
// ANCHOR: solution
/// Permission to make one call; hand it back to
/// [`record`](CircuitBreaker::record) with the outcome. Dropping it
/// unreported records a failure, so a lost probe frees its half-open slot.
#[derive(Debug)]
#[must_use = "record the outcome of the call with CircuitBreaker::record"]
pub struct Permit {
    episode: u64,
    /// Where a dropped, unreported permit leaves its episode for the breaker.
    abandoned: Arc<Mutex<Vec<u64>>>,
    reported: bool,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if !self.reported {
            let mut abandoned = self
                .abandoned
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            abandoned.push(self.episode);
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: permit

impl PartialEq for Permit {
    fn eq(&self, other: &Self) -> bool {
        self.episode == other.episode
    }
}

impl Eq for Permit {}

/// A call refused because the breaker is open (or its probes are taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejected {
    /// How long until the breaker will let a probe through; zero when the
    /// probes of the current half-open period are all in flight.
    pub retry_after: Duration,
}

/// What [`CircuitBreaker::call`] returns when the call did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError<E> {
    /// The breaker refused the call; the function was not run.
    Rejected(Rejected),
    /// The call ran and failed.
    Failed(E),
}

// ANCHOR: state
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inner {
    Closed,
    Open {
        until: Duration,
    },
    HalfOpen {
        issued: u32,
        successes: u32,
        failures: u32,
    },
}

/// A circuit breaker guarding one dependency.
#[derive(Debug)]
pub struct CircuitBreaker<C> {
    config: Config,
    clock: C,
    inner: Inner,
    /// Recent outcomes while closed, `true` for a failure.
    window: VecDeque<bool>,
    /// Bumped on every state change; permits from older episodes are stale.
    episode: u64,
    /// Episodes of permits dropped without a report, to count as failures.
    abandoned: Arc<Mutex<Vec<u64>>>,
}
// ANCHOR_END: state

impl<C: Clock> CircuitBreaker<C> {
    /// A closed breaker.
    ///
    /// # Panics
    ///
    /// Panics if the window is empty, smaller than `minimum_calls`, or no
    /// probes are allowed.
    #[must_use]
    pub fn new(config: Config, clock: C) -> Self {
        assert!(config.window_size > 0 && config.minimum_calls <= config.window_size);
        assert!(
            config.half_open_probes > 0,
            "half-open needs at least one probe"
        );
        Self {
            config,
            clock,
            inner: Inner::Closed,
            window: VecDeque::with_capacity(config.window_size),
            episode: 0,
            abandoned: Arc::default(),
        }
    }

    // ANCHOR: acquire
    // ANCHOR: solution
    /// Asks to make a call.
    ///
    /// # Errors
    ///
    /// [`Rejected`] while open, and in half-open once every probe is taken.
    pub fn try_acquire(&mut self) -> Result<Permit, Rejected> {
        self.collect_abandoned();
        self.refresh();
        match &mut self.inner {
            Inner::Closed => {}
            Inner::Open { until } => {
                let retry_after = until.saturating_sub(self.clock.now());
                return Err(Rejected { retry_after });
            }
            Inner::HalfOpen { issued, .. } => {
                if *issued >= self.config.half_open_probes {
                    let retry_after = Duration::ZERO;
                    return Err(Rejected { retry_after });
                }
                *issued += 1;
            }
        }
        Ok(Permit {
            episode: self.episode,
            abandoned: Arc::clone(&self.abandoned),
            reported: false,
        })
    }
    // ANCHOR_END: solution
    // ANCHOR_END: acquire

    // ANCHOR: record
    // ANCHOR: solution
    /// Reports how the permitted call went (`true` for success). Outcomes
    /// of permits issued before the last state change are ignored.
    pub fn record(&mut self, mut permit: Permit, success: bool) {
        permit.reported = true;
        self.collect_abandoned();
        self.record_outcome(permit.episode, success);
    }

    /// Counts every permit dropped without a report as a failed call.
    fn collect_abandoned(&mut self) {
        let episodes: Vec<u64> = {
            let mut abandoned = self
                .abandoned
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            abandoned.drain(..).collect()
        };
        for episode in episodes {
            self.record_outcome(episode, false);
        }
    }

    fn record_outcome(&mut self, episode: u64, success: bool) {
        if episode != self.episode {
            return;
        }
        let threshold = self.config.failure_rate_threshold;
        match &mut self.inner {
            Inner::Closed => {
                if self.window.len() == self.config.window_size {
                    self.window.pop_front();
                }
                self.window.push_back(!success);
                let failures = self.window.iter().filter(|&&failed| failed).count();
                if self.window.len() >= self.config.minimum_calls
                    && failures as f64 >= threshold * self.window.len() as f64
                {
                    self.trip();
                }
            }
            Inner::Open { .. } => {}
            Inner::HalfOpen {
                successes,
                failures,
                ..
            } => {
                if success {
                    *successes += 1;
                } else {
                    *failures += 1;
                }
                let (failed, done) = (*failures, *successes + *failures);
                if done == self.config.half_open_probes {
                    if f64::from(failed) >= threshold * f64::from(done) {
                        self.trip();
                    } else {
                        self.transition(Inner::Closed);
                    }
                }
            }
        }
    }

    // ANCHOR_END: solution
    // ANCHOR_END: record

    fn trip(&mut self) {
        let until = self.clock.now() + self.config.open_duration;
        self.transition(Inner::Open { until });
    }

    fn transition(&mut self, to: Inner) {
        self.inner = to;
        self.window.clear();
        self.episode += 1;
    }

    /// Moves from open to half-open once the open period is over.
    fn refresh(&mut self) {
        if let Inner::Open { until } = self.inner
            && self.clock.now() >= until
        {
            self.transition(Inner::HalfOpen {
                issued: 0,
                successes: 0,
                failures: 0,
            });
        }
    }

    /// The current state, with an elapsed open period seen as half-open.
    pub fn state(&mut self) -> State {
        self.collect_abandoned();
        self.refresh();
        match self.inner {
            Inner::Closed => State::Closed,
            Inner::Open { .. } => State::Open,
            Inner::HalfOpen { .. } => State::HalfOpen,
        }
    }

    // ANCHOR: call
    /// Runs `f` if the breaker allows it and records whether it succeeded.
    ///
    /// # Errors
    ///
    /// [`CallError::Rejected`] without running `f` when the breaker refuses,
    /// [`CallError::Failed`] with `f`'s error when it fails.
    pub fn call<T, E>(&mut self, f: impl FnOnce() -> Result<T, E>) -> Result<T, CallError<E>> {
        let permit = self.try_acquire().map_err(CallError::Rejected)?;
        let result = f();
        self.record(permit, result.is_ok());
        result.map_err(CallError::Failed)
    }
    // ANCHOR_END: call
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    const SEC: Duration = Duration::from_secs(1);

    fn config() -> Config {
        Config {
            failure_rate_threshold: 0.5,
            window_size: 4,
            minimum_calls: 4,
            open_duration: 10 * SEC,
            half_open_probes: 2,
        }
    }

    fn outcome(breaker: &mut CircuitBreaker<ManualClock>, success: bool) {
        let permit = breaker.try_acquire().expect("permitted");
        breaker.record(permit, success);
    }

    #[test]
    fn needs_the_minimum_number_of_calls_before_opening() {
        let mut breaker = CircuitBreaker::new(config(), ManualClock::new());
        for _ in 0..3 {
            outcome(&mut breaker, false);
        }
        assert_eq!(breaker.state(), State::Closed);
        outcome(&mut breaker, false);
        assert_eq!(breaker.state(), State::Open);
    }

    #[test]
    fn opens_on_the_failure_rate_of_the_sliding_window() {
        let mut breaker = CircuitBreaker::new(config(), ManualClock::new());
        // Windows of four: [ok ok ok FAIL], [ok ok FAIL ok], [ok FAIL ok ok]
        // are all at 25%.
        for success in [true, true, true, false, true, true] {
            outcome(&mut breaker, success);
            assert_eq!(breaker.state(), State::Closed);
        }
        // [FAIL ok ok FAIL] is at 50%, though only 2 of all 7 calls failed.
        outcome(&mut breaker, false);
        assert_eq!(breaker.state(), State::Open);
    }

    #[test]
    fn rejects_while_open_and_says_when_to_come_back() {
        let clock = ManualClock::new();
        let mut breaker = CircuitBreaker::new(config(), clock.clone());
        for _ in 0..4 {
            outcome(&mut breaker, false);
        }
        clock.advance(4 * SEC);
        assert_eq!(
            breaker.try_acquire(),
            Err(Rejected {
                retry_after: 6 * SEC
            })
        );
        let mut ran = false;
        let result: Result<(), CallError<()>> = breaker.call(|| {
            ran = true;
            Ok(())
        });
        assert!(matches!(result, Err(CallError::Rejected(_))));
        assert!(!ran);
    }

    #[test]
    fn a_failed_probe_reopens_for_another_full_period() {
        let clock = ManualClock::new();
        let mut breaker = CircuitBreaker::new(config(), clock.clone());
        for _ in 0..4 {
            outcome(&mut breaker, false);
        }
        clock.advance(10 * SEC);
        outcome(&mut breaker, false);
        outcome(&mut breaker, true);
        assert_eq!(breaker.state(), State::Open); // 1 of 2 failed: 50%
        clock.advance(9 * SEC);
        assert_eq!(breaker.state(), State::Open);
        clock.advance(SEC);
        assert_eq!(breaker.state(), State::HalfOpen);
    }

    #[test]
    fn a_late_result_from_before_the_trip_is_not_a_probe() {
        let clock = ManualClock::new();
        let mut breaker = CircuitBreaker::new(config(), clock.clone());
        let slow = breaker.try_acquire().unwrap();
        for _ in 0..4 {
            outcome(&mut breaker, false);
        }
        clock.advance(10 * SEC);
        assert_eq!(breaker.state(), State::HalfOpen);
        breaker.record(slow, true);
        let probe = breaker.try_acquire().unwrap();
        breaker.record(probe, true);
        assert_eq!(breaker.state(), State::HalfOpen); // one probe still due
    }

    /// A probe whose caller gave up without reporting: without the guard,
    /// its slot stayed taken and half-open rejected every call for good.
    #[test]
    fn a_dropped_probe_counts_as_a_failure_and_does_not_wedge_half_open() {
        let clock = ManualClock::new();
        let mut breaker = CircuitBreaker::new(config(), clock.clone());
        for _ in 0..4 {
            outcome(&mut breaker, false);
        }
        clock.advance(10 * SEC);
        let lost = breaker.try_acquire().unwrap();
        let kept = breaker.try_acquire().unwrap();
        assert!(breaker.try_acquire().is_err(), "both probe slots taken");
        drop(lost); // cancelled, never reported
        breaker.record(kept, true);
        // One success and one (dropped) failure of two: 50%, so it reopens,
        // and after the open period it probes again instead of hanging.
        assert_eq!(breaker.state(), State::Open);
        clock.advance(10 * SEC);
        let probes: Vec<_> = (0..2).map(|_| breaker.try_acquire().unwrap()).collect();
        for probe in probes {
            breaker.record(probe, true);
        }
        assert_eq!(breaker.state(), State::Closed);
    }

    #[test]
    fn a_panicking_call_records_a_failure() {
        let mut breaker = CircuitBreaker::new(config(), ManualClock::new());
        for _ in 0..3 {
            outcome(&mut breaker, false);
        }
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = breaker.call(|| -> Result<(), ()> { panic!("provider client bug") });
        }));
        assert!(result.is_err());
        assert_eq!(breaker.state(), State::Open, "the fourth failure trips it");
    }

    #[test]
    fn a_dropped_permit_from_an_old_episode_is_ignored() {
        let clock = ManualClock::new();
        let mut breaker = CircuitBreaker::new(config(), clock.clone());
        let stale = breaker.try_acquire().unwrap();
        for _ in 0..4 {
            outcome(&mut breaker, false);
        }
        clock.advance(10 * SEC);
        assert_eq!(breaker.state(), State::HalfOpen);
        drop(stale);
        assert_eq!(breaker.state(), State::HalfOpen);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Acquire,
        Finish { index: usize, success: bool },
        Abandon { index: usize },
        Wait { seconds: u64 },
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => Just(Op::Acquire),
            3 => (any::<usize>(), any::<bool>()).prop_map(|(index, success)| Op::Finish { index, success }),
            1 => any::<usize>().prop_map(|index| Op::Abandon { index }),
            1 => (0u64..15).prop_map(|seconds| Op::Wait { seconds }),
        ]
    }

    proptest! {
        /// Whatever the interleaving of calls, results, dropped permits and
        /// time, a half-open period never lets more than `half_open_probes`
        /// calls through, and once no permit is in flight it never stays
        /// half-open with every slot taken.
        #[test]
        fn half_open_never_admits_more_than_the_probe_limit(
            probes in 1u32..5,
            ops in proptest::collection::vec(op(), 1..300),
        ) {
            let clock = ManualClock::new();
            let config = Config { half_open_probes: probes, minimum_calls: 2, ..config() };
            let mut breaker = CircuitBreaker::new(config, clock.clone());
            let mut in_flight: Vec<Permit> = Vec::new();
            let mut admitted_this_half_open = 0;
            let mut previous = State::Closed;
            for op in ops {
                // A fresh half-open period starts its own count.
                let state = breaker.state();
                if state == State::HalfOpen && previous != State::HalfOpen {
                    admitted_this_half_open = 0;
                }
                match op {
                    Op::Acquire => {
                        if let Ok(permit) = breaker.try_acquire() {
                            if state == State::HalfOpen {
                                admitted_this_half_open += 1;
                            }
                            in_flight.push(permit);
                        } else {
                            prop_assert_ne!(state, State::Closed);
                        }
                        prop_assert!(admitted_this_half_open <= probes);
                    }
                    Op::Finish { index, success } if !in_flight.is_empty() => {
                        let permit = in_flight.swap_remove(index % in_flight.len());
                        breaker.record(permit, success);
                    }
                    Op::Abandon { index } if !in_flight.is_empty() => {
                        drop(in_flight.swap_remove(index % in_flight.len()));
                    }
                    Op::Finish { .. } | Op::Abandon { .. } => {}
                    Op::Wait { seconds } => clock.advance(Duration::from_secs(seconds)),
                }
                previous = state;
                // Record a half-open period that ended within this step.
                if breaker.state() != State::HalfOpen {
                    previous = State::Closed;
                }
                if in_flight.is_empty() && breaker.state() == State::HalfOpen {
                    let probe = breaker.try_acquire();
                    prop_assert!(probe.is_ok(), "half-open wedged with no call in flight");
                    in_flight.extend(probe.ok());
                    if previous != State::HalfOpen {
                        admitted_this_half_open = 0; // it began within this step
                    }
                    admitted_this_half_open += 1;
                    prop_assert!(admitted_this_half_open <= probes);
                    previous = State::HalfOpen;
                }
            }
        }
    }
}
