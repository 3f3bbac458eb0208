//! Service-mesh retries and timeouts that cannot turn a slowdown into an
//! outage: a route's timeout budget, retry amplification across call depth,
//! and a retry budget.
//!
//! Istio's `VirtualService` gives each route a `timeout` (the caller's whole
//! wait) and `retries` (`attempts`, `perTryTimeout`). Two mistakes are common:
//!
//! - **attempts that cannot happen**: 3 attempts of 2 s each under a 3 s
//!   route timeout means the third attempt never runs and the second is cut
//!   short. [`RoutePolicy::check`] says so before the config is applied;
//! - **retries at every layer**: gateway → orders → payments, each retrying 3
//!   times, sends up to `3³ = 27` requests to the payment provider for one
//!   order when it is down: exactly when it can least take them
//!   ([`amplification`]).
//!
//! The fix for the second is to retry at one layer only, and to cap retries
//! with a **budget**, as Envoy's `retry_budget` and Linkerd's retry budgets
//! do: retries may add at most a ratio (say 20 %) of the requests seen in a
//! recent window, plus a small floor so that a quiet service can still retry.
//! When the provider fails every call, the extra load is 20 %, not 200 %.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::mesh_retry::{RetryBudget, RoutePolicy, amplification};
//! use std::time::Duration;
//!
//! let route = RoutePolicy {
//!     timeout: Duration::from_secs(3),
//!     attempts: 3,
//!     per_try_timeout: Duration::from_secs(2),
//! };
//! assert_eq!(route.attempts_that_fit(), 1); // 2 s + 2 s already exceeds 3 s
//! assert_eq!(amplification(3, 3), 27);
//!
//! // 1 000 requests in the window, every one failing: at most 200 retries.
//! let clock = ManualClock::new();
//! let mut budget = RetryBudget::new(0.2, 10, Duration::from_secs(10), clock.clone());
//! for _ in 0..1_000 {
//!     budget.record_request();
//! }
//! let retried = (0..1_000).filter(|_| budget.try_retry()).count();
//! assert_eq!(retried, 200 + 10 * 10);
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use crate::clock::Clock;

/// A route's timeout and retry settings, as in an Istio `VirtualService`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoutePolicy {
    /// The caller's total wait, retries included.
    pub timeout: Duration,
    /// Tries in all, the first one included.
    pub attempts: u32,
    /// The limit on each try.
    pub per_try_timeout: Duration,
}

/// A route whose retries do not fit its timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreachableAttempts {
    /// Attempts configured.
    pub configured: u32,
    /// Attempts that can complete within the route timeout.
    pub fit: u32,
}

impl fmt::Display for UnreachableAttempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} attempts configured but only {} fit in the route timeout",
            self.configured, self.fit
        )
    }
}

impl std::error::Error for UnreachableAttempts {}

// ANCHOR: route
// ANCHOR: solution
impl RoutePolicy {
    /// How many tries can run to their full per-try timeout within the route
    /// timeout (at least the first, which the route timeout may cut short).
    #[must_use]
    pub fn attempts_that_fit(&self) -> u32 {
        if self.per_try_timeout.is_zero() {
            return self.attempts;
        }
        let fit = self.timeout.as_nanos() / self.per_try_timeout.as_nanos();
        u32::try_from(fit)
            .unwrap_or(u32::MAX)
            .clamp(1, self.attempts.max(1))
    }

    /// Refuses a policy with attempts that could never run.
    ///
    /// # Errors
    ///
    /// [`UnreachableAttempts`] when `attempts × perTryTimeout > timeout`.
    pub fn check(&self) -> Result<(), UnreachableAttempts> {
        let fit = self.attempts_that_fit();
        if fit < self.attempts {
            return Err(UnreachableAttempts {
                configured: self.attempts,
                fit,
            });
        }
        Ok(())
    }
}

/// Requests reaching the deepest service for one call at the top when every
/// one of `depth` layers makes up to `attempts` tries and everything fails.
#[must_use]
pub fn amplification(attempts: u32, depth: u32) -> u64 {
    u64::from(attempts).pow(depth)
}
// ANCHOR_END: solution
// ANCHOR_END: route

// ANCHOR: budget
// ANCHOR: solution
/// Retries allowed: `ratio` of the requests of the last `window`, plus
/// `min_per_sec` for every second of the window.
#[derive(Debug)]
pub struct RetryBudget<C: Clock> {
    ratio: f64,
    min_per_sec: u32,
    window: Duration,
    clock: C,
    requests: VecDeque<Duration>,
    retries: VecDeque<Duration>,
}

impl<C: Clock> RetryBudget<C> {
    /// A budget of `ratio` (0.2 = 20 %) over a sliding `window`.
    pub fn new(ratio: f64, min_per_sec: u32, window: Duration, clock: C) -> Self {
        Self {
            ratio,
            min_per_sec,
            window,
            clock,
            requests: VecDeque::new(),
            retries: VecDeque::new(),
        }
    }

    /// A first try was sent.
    pub fn record_request(&mut self) {
        let now = self.forget_old();
        self.requests.push_back(now);
    }

    /// Whether one more retry fits the budget; if so it is counted.
    pub fn try_retry(&mut self) -> bool {
        let now = self.forget_old();
        let floor = f64::from(self.min_per_sec) * self.window.as_secs_f64();
        let allowed = (self.requests.len() as f64 * self.ratio + floor).floor() as usize;
        if self.retries.len() < allowed {
            self.retries.push_back(now);
            true
        } else {
            false
        }
    }

    /// Drops what has left the window `(now − window, now]`; returns now.
    fn forget_old(&mut self) -> Duration {
        let (now, window) = (self.clock.now(), self.window);
        for log in [&mut self.requests, &mut self.retries] {
            while log.front().is_some_and(|&t| t + window <= now) {
                log.pop_front();
            }
        }
        now
    }
}
// ANCHOR_END: solution
// ANCHOR_END: budget

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    #[test]
    fn route_timeouts_and_attempts() {
        let s = Duration::from_secs;
        let ok = RoutePolicy {
            timeout: s(3),
            attempts: 3,
            per_try_timeout: s(1),
        };
        assert_eq!(ok.check(), Ok(()));
        let bad = RoutePolicy {
            per_try_timeout: s(2),
            ..ok
        };
        let err = bad.check().unwrap_err();
        assert_eq!(
            err,
            UnreachableAttempts {
                configured: 3,
                fit: 1
            }
        );
        assert_eq!(
            err.to_string(),
            "3 attempts configured but only 1 fit in the route timeout"
        );
        // A per-try timeout longer than the route's: the first try is cut short.
        let long = RoutePolicy {
            per_try_timeout: s(10),
            attempts: 1,
            ..ok
        };
        assert_eq!(long.attempts_that_fit(), 1);
    }

    #[test]
    fn retries_multiply_through_the_layers() {
        assert_eq!(amplification(3, 1), 3);
        assert_eq!(amplification(3, 3), 27);
        assert_eq!(amplification(1, 5), 1); // retry at one layer only
    }

    #[test]
    fn the_budget_refills_as_the_window_slides() {
        let clock = ManualClock::new();
        let mut b = RetryBudget::new(0.2, 0, Duration::from_secs(10), clock.clone());
        for _ in 0..100 {
            b.record_request();
        }
        assert_eq!((0..50).filter(|_| b.try_retry()).count(), 20);
        // Ten seconds later the old requests and retries have left the window.
        clock.advance(Duration::from_secs(10));
        assert!(!b.try_retry()); // no requests in the window: no budget
        for _ in 0..10 {
            b.record_request();
        }
        assert_eq!((0..50).filter(|_| b.try_retry()).count(), 2);
    }

    proptest! {
        #[test]
        fn retries_are_granted_exactly_within_the_budget(
            steps in proptest::collection::vec((0u32..50, 0u32..50, 0u64..3_000), 1..60),
        ) {
            let clock = ManualClock::new();
            let window = Duration::from_secs(10);
            let mut b = RetryBudget::new(0.2, 1, window, clock.clone());
            let mut log: Vec<(Duration, bool)> = Vec::new(); // (when, is retry)
            for (requests, retries, gap) in steps {
                for _ in 0..requests {
                    b.record_request();
                    log.push((clock.now(), false));
                }
                // What the budget sees now: the last 10 s of requests and retries.
                let now = clock.now();
                let in_window = |log: &[(Duration, bool)], retry: bool| {
                    log.iter().filter(|(t, r)| *r == retry && *t + window > now).count()
                };
                for _ in 0..retries {
                    let allowed = (in_window(&log, false) as f64 * 0.2 + 10.0).floor() as usize;
                    let before = in_window(&log, true);
                    let granted = b.try_retry();
                    // Granted exactly while retries in the window are under
                    // 20% of its requests plus 1 a second.
                    prop_assert_eq!(granted, before < allowed, "{} retries, {} allowed", before, allowed);
                    if granted {
                        log.push((now, true));
                    }
                }
                clock.advance(Duration::from_millis(gap));
            }
        }
    }
}
