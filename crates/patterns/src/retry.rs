//! Retrying a failed call with capped exponential backoff, jitter and a
//! deadline.
//!
//! When the payment provider times out, trying again at once is the worst
//! thing every till can do together: the retries arrive as a synchronised wave
//! on a service that is already struggling. Backoff waits longer after each
//! failure (`base · 2^attempt`, never more than `cap`), and **jitter**
//! randomises the wait so that clients spread out. The three jitter schemes
//! are those of the AWS Architecture Blog post "Exponential Backoff And
//! Jitter" (Marc Brooker, 2015):
//!
//! - **full**: `sleep = random(0, min(cap, base · 2^attempt))`
//! - **equal**: `t = min(cap, base · 2^attempt); sleep = t/2 + random(0, t/2)`
//! - **decorrelated**: `sleep = min(cap, random(base, previous_sleep · 3))`
//!
//! A retry loop also needs a **deadline**: the caller (a customer at the till)
//! will not wait forever, so the loop never starts a wait that would end past
//! the budget, and tells each attempt how much time is left so it can pass the
//! remaining budget on as its own timeout. Only errors that are worth retrying
//! (timeouts, "try again later") are retried; a declined card is final.
//!
//! Retrying a call that changes something is only safe with an idempotency
//! key that every attempt carries ([`crate::idempotency`]). A timed-out
//! attempt may have taken effect, so the key must not be given up after a
//! timeout: the next attempt first reconciles (asks, by that key, whether the
//! effect happened) and charges again only when it certainly did not.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::{Clock, ManualClock};
//! use coffee_patterns::retry::{Jitter, RetryError, RetryPolicy};
//! use coffee_patterns::rng::SeededRng;
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let policy = RetryPolicy {
//!     max_attempts: 5,
//!     base: Duration::from_millis(100),
//!     cap: Duration::from_secs(2),
//!     jitter: Jitter::Full,
//!     deadline: Duration::from_secs(10),
//! };
//! let mut rng = SeededRng::new(1);
//! // The payment provider times out twice, then answers.
//! let mut calls = 0;
//! let result: Result<&str, RetryError<&str>> = policy.run(&clock, &mut rng, |_attempt| {
//!     calls += 1;
//!     if calls < 3 { Err("timeout") } else { Ok("charged") }
//! }, |error| *error == "timeout");
//! assert_eq!(result, Ok("charged"));
//! assert_eq!(calls, 3);
//! assert!(clock.now() <= Duration::from_millis(100 + 200)); // two jittered waits
//!
//! // A declined card is not retried.
//! let declined: Result<(), _> = policy.run(&clock, &mut rng, |_| Err("declined"), |e| *e == "timeout");
//! assert_eq!(declined, Err(RetryError::Permanent { error: "declined", attempts: 1 }));
//! ```

use crate::clock::{Clock, ManualClock, SystemClock};
use crate::rng::SeededRng;
use std::time::Duration;

/// Something that can wait: a [`ManualClock`] jumps forward, a
/// [`SystemClock`] really sleeps.
pub trait Sleeper {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration);
}

impl Sleeper for ManualClock {
    fn sleep(&self, duration: Duration) {
        self.advance(duration);
    }
}

impl Sleeper for SystemClock {
    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

impl<S: Sleeper + ?Sized> Sleeper for &S {
    fn sleep(&self, duration: Duration) {
        (**self).sleep(duration);
    }
}

/// How the exponential delay is randomised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jitter {
    /// No randomness: `min(cap, base · 2^attempt)`. Clients stay in lockstep.
    None,
    /// `random(0, min(cap, base · 2^attempt))`: the widest spread.
    Full,
    /// Half the exponential delay fixed, the other half random.
    Equal,
    /// `min(cap, random(base, previous · 3))`: grows from the last delay
    /// rather than from the attempt number.
    Decorrelated,
}

/// The sequence of delays between attempts.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    jitter: Jitter,
    attempt: u32,
    previous: Duration,
}

impl Backoff {
    /// Delays starting from `base`, never longer than `cap`.
    #[must_use]
    pub fn new(base: Duration, cap: Duration, jitter: Jitter) -> Self {
        Self {
            base,
            cap,
            jitter,
            attempt: 0,
            previous: base,
        }
    }

    // ANCHOR: backoff
    // ANCHOR: solution
    /// The delay to wait after the next failure.
    pub fn next_delay(&mut self, rng: &mut SeededRng) -> Duration {
        let exponential = self
            .base
            .saturating_mul(2u32.saturating_pow(self.attempt))
            .min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        let delay = match self.jitter {
            Jitter::None => exponential,
            Jitter::Full => between(rng, Duration::ZERO, exponential),
            Jitter::Equal => exponential / 2 + between(rng, Duration::ZERO, exponential / 2),
            Jitter::Decorrelated => {
                between(rng, self.base, self.previous.saturating_mul(3)).min(self.cap)
            }
        };
        self.previous = delay;
        delay
    }
    // ANCHOR_END: solution
    // ANCHOR_END: backoff
}

/// A uniform duration in `[low, high]`, to the nanosecond.
fn between(rng: &mut SeededRng, low: Duration, high: Duration) -> Duration {
    let low_ns = u64::try_from(low.as_nanos()).unwrap_or(u64::MAX);
    let high_ns = u64::try_from(high.as_nanos()).unwrap_or(u64::MAX);
    if high_ns <= low_ns {
        return low;
    }
    let span = high_ns - low_ns;
    let offset = if span == u64::MAX {
        rng.next_u64()
    } else {
        rng.below(span + 1)
    };
    Duration::from_nanos(low_ns + offset)
}

/// When to retry and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (at least 1).
    pub max_attempts: u32,
    /// The first delay, before jitter.
    pub base: Duration,
    /// No delay is ever longer than this.
    pub cap: Duration,
    /// How delays are randomised.
    pub jitter: Jitter,
    /// The whole budget, measured from the first attempt: no wait is started
    /// that would end past it.
    pub deadline: Duration,
}

/// What an attempt is told about its place in the loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first try, 2 for the first retry, ...
    pub number: u32,
    /// Time left before the deadline: use it as the call's own timeout.
    pub remaining: Duration,
}

/// Why a retried call gave up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryError<E> {
    /// The error was not worth retrying.
    Permanent {
        /// The last error.
        error: E,
        /// Attempts made.
        attempts: u32,
    },
    /// Every allowed attempt failed.
    Exhausted {
        /// The last error.
        error: E,
        /// Attempts made.
        attempts: u32,
    },
    /// The next wait would have ended past the deadline.
    DeadlineExceeded {
        /// The last error.
        error: E,
        /// Attempts made.
        attempts: u32,
    },
}

impl<E> RetryError<E> {
    /// The last error seen.
    pub fn error(&self) -> &E {
        match self {
            Self::Permanent { error, .. }
            | Self::Exhausted { error, .. }
            | Self::DeadlineExceeded { error, .. } => error,
        }
    }
}

impl RetryPolicy {
    // ANCHOR: run
    // ANCHOR: solution
    /// Calls `op` until it succeeds, fails with an error `is_retryable`
    /// rejects, runs out of attempts, or would overrun the deadline. Waits
    /// between attempts with `clock` (which both tells time and sleeps).
    pub fn run<T, E, C>(
        &self,
        clock: &C,
        rng: &mut SeededRng,
        mut op: impl FnMut(Attempt) -> Result<T, E>,
        is_retryable: impl Fn(&E) -> bool,
    ) -> Result<T, RetryError<E>>
    where
        C: Clock + Sleeper,
    {
        let start = clock.now();
        let deadline = start + self.deadline;
        let mut backoff = Backoff::new(self.base, self.cap, self.jitter);
        let mut number = 1;
        loop {
            let remaining = deadline.saturating_sub(clock.now());
            let error = match op(Attempt { number, remaining }) {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            let attempts = number;
            if !is_retryable(&error) {
                return Err(RetryError::Permanent { error, attempts });
            }
            if number >= self.max_attempts {
                return Err(RetryError::Exhausted { error, attempts });
            }
            let delay = backoff.next_delay(rng);
            // Waking up at or after the deadline leaves no time to try.
            if clock.now() + delay >= deadline {
                return Err(RetryError::DeadlineExceeded { error, attempts });
            }
            clock.sleep(delay);
            number += 1;
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: run
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cell::RefCell;

    const MS: Duration = Duration::from_millis(1);

    fn delays(jitter: Jitter, seed: u64, n: usize) -> Vec<Duration> {
        let mut rng = SeededRng::new(seed);
        let mut backoff = Backoff::new(100 * MS, 1000 * MS, jitter);
        (0..n).map(|_| backoff.next_delay(&mut rng)).collect()
    }

    /// The blog post's "Exponential" curve: base 100 ms doubling to a 1 s cap.
    #[test]
    fn without_jitter_delays_double_up_to_the_cap() {
        assert_eq!(
            delays(Jitter::None, 0, 6),
            [100, 200, 400, 800, 1000, 1000].map(|ms| ms * MS)
        );
    }

    #[test]
    fn jittered_delays_stay_within_the_published_ranges() {
        for seed in 0..200 {
            for (i, d) in delays(Jitter::Full, seed, 8).into_iter().enumerate() {
                let exp = (100 * MS * 2u32.pow(i as u32)).min(1000 * MS);
                assert!(d <= exp, "full jitter {d:?} above {exp:?}");
            }
            for (i, d) in delays(Jitter::Equal, seed, 8).into_iter().enumerate() {
                let exp = (100 * MS * 2u32.pow(i as u32)).min(1000 * MS);
                assert!(d >= exp / 2 && d <= exp, "equal jitter {d:?} for {exp:?}");
            }
            let mut previous = 100 * MS;
            for d in delays(Jitter::Decorrelated, seed, 8) {
                assert!(d >= 100 * MS && d <= (previous * 3).min(1000 * MS));
                previous = d;
            }
        }
    }

    #[test]
    fn jitter_spreads_clients_apart() {
        // 100 tills retrying together: without jitter they all wait the same.
        let lockstep: std::collections::BTreeSet<_> =
            (0..100).map(|s| delays(Jitter::None, s, 3)[2]).collect();
        let spread: std::collections::BTreeSet<_> =
            (0..100).map(|s| delays(Jitter::Full, s, 3)[2]).collect();
        assert_eq!(lockstep.len(), 1);
        assert!(spread.len() > 90);
    }

    fn policy(max_attempts: u32, deadline: Duration) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            base: 100 * MS,
            cap: 1000 * MS,
            jitter: Jitter::None,
            deadline,
        }
    }

    #[test]
    fn gives_up_after_max_attempts() {
        let clock = ManualClock::new();
        let mut calls = Vec::new();
        let result: Result<(), _> = policy(3, Duration::from_secs(60)).run(
            &clock,
            &mut SeededRng::new(0),
            |a| {
                calls.push(a.number);
                Err("timeout")
            },
            |_| true,
        );
        assert_eq!(
            result,
            Err(RetryError::Exhausted {
                error: "timeout",
                attempts: 3
            })
        );
        assert_eq!(calls, [1, 2, 3]);
        assert_eq!(clock.now(), 300 * MS); // waited 100 + 200
    }

    #[test]
    fn stops_before_a_wait_that_would_pass_the_deadline() {
        let clock = ManualClock::new();
        let mut remaining = Vec::new();
        let result: Result<(), _> = policy(10, 1000 * MS).run(
            &clock,
            &mut SeededRng::new(0),
            |a| {
                remaining.push(a.remaining);
                Err(())
            },
            |_| true,
        );
        // Waits 100, 200, 400 (t = 700 ms); the next 800 ms would end at 1.5 s.
        assert_eq!(
            result,
            Err(RetryError::DeadlineExceeded {
                error: (),
                attempts: 4
            })
        );
        assert_eq!(remaining, [1000, 900, 700, 300].map(|ms| ms * MS));
        assert_eq!(clock.now(), 700 * MS);
    }

    /// Records every wait, so tests can check the sleeps themselves.
    struct Recording {
        clock: ManualClock,
        waits: RefCell<Vec<Duration>>,
    }
    impl Clock for Recording {
        fn now(&self) -> Duration {
            self.clock.now()
        }
    }
    impl Sleeper for Recording {
        fn sleep(&self, duration: Duration) {
            self.waits.borrow_mut().push(duration);
            self.clock.advance(duration);
        }
    }

    fn jitter() -> impl Strategy<Value = Jitter> {
        prop_oneof![
            Just(Jitter::None),
            Just(Jitter::Full),
            Just(Jitter::Equal),
            Just(Jitter::Decorrelated)
        ]
    }

    proptest! {
        /// No delay exceeds the cap, and attempts plus waits stay within the
        /// deadline when each attempt honours the remaining budget.
        #[test]
        fn delays_never_exceed_the_cap_and_the_total_stays_within_the_deadline(
            seed in any::<u64>(),
            jitter in jitter(),
            base_ms in 1u32..500,
            cap_ms in 1u32..5_000,
            deadline_ms in 1u32..20_000,
            max_attempts in 1u32..30,
            work in proptest::collection::vec(0u32..3_000, 30),
        ) {
            let policy = RetryPolicy {
                max_attempts,
                base: base_ms * MS,
                cap: cap_ms * MS,
                jitter,
                deadline: deadline_ms * MS,
            };
            let sleeper = Recording { clock: ManualClock::new(), waits: RefCell::new(Vec::new()) };
            let mut attempts = 0;
            let _: Result<(), _> = policy.run(&sleeper, &mut SeededRng::new(seed), |a| {
                attempts += 1;
                // The call takes some time, but never more than it is allowed.
                sleeper.clock.advance((work[attempts - 1] * MS).min(a.remaining));
                Err(())
            }, |_| true);
            let waits = sleeper.waits.borrow();
            prop_assert!(waits.iter().all(|w| *w <= policy.cap));
            prop_assert!(waits.iter().sum::<Duration>() <= policy.deadline);
            prop_assert!(sleeper.clock.now() <= policy.deadline);
            prop_assert!(attempts as u32 <= max_attempts);
        }
    }
}
