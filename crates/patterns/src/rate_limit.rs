//! Rate limiting and priority load shedding: how Go Coffee survives a traffic
//! spike such as Black Friday without letting it take checkout down.
//!
//! Two tools work together at the edge:
//!
//! - A **rate limiter** caps how fast one client (an app install, a partner
//!   integration, a store's kiosk) may call us. [`TokenBucket`] is the classic
//!   picture: a bucket holds up to `burst` tokens, refills at a steady rate and
//!   every request takes one. [`Gcra`] (the generic cell rate algorithm, used by
//!   ATM networks, Redis' `redis-cell` and the `governor` crate) makes exactly
//!   the same decisions while storing a single timestamp, the *theoretical
//!   arrival time* of the next request, instead of a counter and a refill time.
//! - An **admission controller** ([`AdmissionControl`]) protects the whole
//!   service, whoever calls: it tracks requests in flight and, as utilisation
//!   rises, sheds the least important work first. Browsing recommendations go
//!   before menu reads, menu reads before new orders, and payments for orders
//!   already placed are the last to be refused.
//!
//! Both read time only from an injected [`Clock`], so every decision can be
//! replayed exactly.
//!
//! # Example: a burst, then the steady rate
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::rate_limit::{Gcra, Quota};
//! use std::time::Duration;
//!
//! // A kiosk may place 10 orders per second, 5 of them back to back.
//! let clock = ManualClock::new();
//! let quota = Quota::per_period(10, Duration::from_secs(1)).with_burst(5);
//! let mut limiter = Gcra::new(quota, clock.clone());
//!
//! let burst = (0..8).filter(|_| limiter.check().is_ok()).count();
//! assert_eq!(burst, 5);
//!
//! // One request is earned back every 100 ms.
//! let denied = limiter.check().unwrap_err();
//! assert_eq!(denied.retry_after, Duration::from_millis(100));
//! clock.advance(Duration::from_millis(100));
//! assert!(limiter.check().is_ok());
//! assert!(limiter.check().is_err());
//! ```
//!
//! # Example: shedding the least important work first
//!
//! ```
//! use coffee_patterns::rate_limit::{AdmissionControl, Priority};
//!
//! // The order service can work on 100 requests at once.
//! let mut gate = AdmissionControl::new(100);
//! for _ in 0..60 {
//!     gate.try_admit(Priority::Normal).unwrap();
//! }
//! // At 60% busy, recommendations are shed but orders and payments go on.
//! assert!(gate.try_admit(Priority::Low).is_err());
//! assert!(gate.try_admit(Priority::High).is_ok());
//! assert!(gate.try_admit(Priority::Critical).is_ok());
//! ```

use crate::clock::Clock;
use std::fmt;
use std::time::Duration;

/// How much traffic a limiter lets through: one request is earned every
/// `interval`, and at most `burst` requests may arrive back to back.
///
/// `Quota::per_period(600, Duration::from_secs(60))` means "600 a minute",
/// that is one every 100 ms, with a burst of 600 unless
/// [`with_burst`](Quota::with_burst) says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    interval: Duration,
    burst: u32,
}

impl Quota {
    /// `requests` per `period`, spread evenly, with a burst of `requests`.
    ///
    /// # Panics
    ///
    /// Panics if `requests` is zero or `period / requests` is zero.
    #[must_use]
    pub fn per_period(requests: u32, period: Duration) -> Self {
        assert!(requests > 0, "a quota must allow at least one request");
        let interval = period / requests;
        assert!(!interval.is_zero(), "the interval between requests is zero");
        Self {
            interval,
            burst: requests,
        }
    }

    /// The same rate with a different burst size.
    ///
    /// # Panics
    ///
    /// Panics if `burst` is zero.
    #[must_use]
    pub fn with_burst(self, burst: u32) -> Self {
        assert!(burst > 0, "a burst must allow at least one request");
        Self { burst, ..self }
    }

    /// The time in which one request is earned back.
    #[must_use]
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// How many requests may arrive at once after a quiet period.
    #[must_use]
    pub fn burst(&self) -> u32 {
        self.burst
    }
}

/// A refused request, and when the same client may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimited {
    /// The earliest wait after which a request would be allowed (send it as
    /// the `Retry-After` header of a `429 Too Many Requests`).
    pub retry_after: Duration,
}

impl fmt::Display for RateLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rate limited, retry after {:?}", self.retry_after)
    }
}

impl std::error::Error for RateLimited {}

// ANCHOR: token_bucket
/// The token bucket: up to `burst` tokens, refilled continuously, one taken
/// per request.
///
/// A token is worth one `interval` of time, so the bucket keeps its fill as a
/// [`Duration`] of *credit*: waiting 30 ms adds 30 ms of credit (up to
/// `burst × interval`), and a request spends `interval`. Integer time keeps
/// the refill exact, with no fractional tokens to round.
#[derive(Debug, Clone)]
pub struct TokenBucket<C: Clock> {
    quota: Quota,
    clock: C,
    credit: Duration,
    refilled_at: Duration,
}

impl<C: Clock> TokenBucket<C> {
    /// A full bucket.
    pub fn new(quota: Quota, clock: C) -> Self {
        let refilled_at = clock.now();
        Self {
            credit: quota.interval * quota.burst,
            quota,
            clock,
            refilled_at,
        }
    }

    // ANCHOR: solution
    /// Takes a token for one request, or says how long until one is there.
    pub fn check(&mut self) -> Result<(), RateLimited> {
        let now = self.clock.now();
        let capacity = self.quota.interval * self.quota.burst;
        let earned = now.saturating_sub(self.refilled_at);
        self.credit = (self.credit + earned).min(capacity);
        self.refilled_at = now;
        if self.credit >= self.quota.interval {
            self.credit -= self.quota.interval;
            Ok(())
        } else {
            let retry_after = self.quota.interval - self.credit;
            Err(RateLimited { retry_after })
        }
    }
    // ANCHOR_END: solution

    /// Whole tokens in the bucket as of the last check.
    pub fn tokens(&self) -> u32 {
        (self.credit.as_nanos() / self.quota.interval.as_nanos()) as u32
    }
}
// ANCHOR_END: token_bucket

// ANCHOR: gcra
// ANCHOR: solution
/// The generic cell rate algorithm: the token bucket's decisions from one
/// timestamp.
///
/// `tat`, the theoretical arrival time, is when the next request would be due
/// if every earlier one had arrived exactly on schedule. A request at `now`
/// conforms unless it is more than `tau = (burst - 1) × interval` ahead of
/// that schedule; each conforming request pushes the schedule back by one
/// interval. It is one compare-and-set on a single integer, which is why
/// distributed limiters (a Redis key per client) prefer it.
#[derive(Debug, Clone)]
pub struct Gcra<C: Clock> {
    quota: Quota,
    clock: C,
    tat: Option<Duration>,
}

impl<C: Clock> Gcra<C> {
    /// A limiter that has seen no request yet.
    pub fn new(quota: Quota, clock: C) -> Self {
        Self {
            quota,
            clock,
            tat: None,
        }
    }

    /// Admits one request, or says how long until one would conform.
    pub fn check(&mut self) -> Result<(), RateLimited> {
        let now = self.clock.now();
        let tau = self.quota.interval * (self.quota.burst - 1);
        let tat = self.tat.unwrap_or(now);
        let earliest = tat.saturating_sub(tau);
        if now < earliest {
            return Err(RateLimited {
                retry_after: earliest - now,
            });
        }
        self.tat = Some(tat.max(now) + self.quota.interval);
        Ok(())
    }
}
// ANCHOR_END: solution
// ANCHOR_END: gcra

// ANCHOR: priority
/// How much a request matters when there is not room for everyone.
///
/// Ordered from most to least important, so `Priority::Critical <
/// Priority::Low`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Money already promised: capturing payments, confirming paid orders.
    Critical,
    /// New orders: the revenue of the day.
    High,
    /// Reads that a customer waits for: the menu, order status.
    Normal,
    /// Nice to have: recommendations, loyalty badges, analytics beacons.
    Low,
}

// ANCHOR_END: priority

impl Priority {
    /// All priorities, most important first.
    pub const ALL: [Priority; 4] = [
        Priority::Critical,
        Priority::High,
        Priority::Normal,
        Priority::Low,
    ];
}

/// A request refused by admission control: the service is too busy for its
/// priority. Answer `503 Service Unavailable` quickly rather than queueing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shed {
    /// The priority that was refused.
    pub priority: Priority,
    /// Requests in flight when it was refused.
    pub in_flight: u32,
}

impl fmt::Display for Shed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "shed a {:?} request with {} in flight",
            self.priority, self.in_flight
        )
    }
}

impl std::error::Error for Shed {}

// ANCHOR: admission
// ANCHOR: solution
/// Admission control with priority load shedding.
///
/// Each priority may fill the service only up to its share of `capacity`
/// (by default Low 50%, Normal 70%, High 90%, Critical 100%). As utilisation
/// rises past a share, new requests of that priority are refused at once, so
/// the remaining room goes to more important work.
#[derive(Debug, Clone)]
pub struct AdmissionControl {
    capacity: u32,
    in_flight: u32,
    /// Percent of capacity each priority may fill, indexed like `Priority::ALL`.
    shares: [u32; 4],
}

impl AdmissionControl {
    /// Admits a request of `priority`, counting it as in flight until
    /// [`finish`](Self::finish), or sheds it.
    pub fn try_admit(&mut self, priority: Priority) -> Result<(), Shed> {
        let limit = u64::from(self.capacity) * u64::from(self.shares[priority as usize]) / 100;
        if u64::from(self.in_flight) < limit {
            self.in_flight += 1;
            Ok(())
        } else {
            Err(Shed {
                priority,
                in_flight: self.in_flight,
            })
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: admission

impl AdmissionControl {
    /// A controller for a service that can work on `capacity` requests at once.
    #[must_use]
    pub fn new(capacity: u32) -> Self {
        Self {
            capacity,
            in_flight: 0,
            shares: [100, 90, 70, 50],
        }
    }

    /// Sets the percent of capacity that `priority` may fill.
    #[must_use]
    pub fn with_share(mut self, priority: Priority, percent: u32) -> Self {
        self.shares[priority as usize] = percent.min(100);
        self
    }

    /// Marks one admitted request as done.
    pub fn finish(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// Requests in flight.
    #[must_use]
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// In-flight requests as a percent of capacity.
    #[must_use]
    pub fn utilisation_percent(&self) -> u32 {
        (u64::from(self.in_flight) * 100 / u64::from(self.capacity.max(1))) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use governor::clock::FakeRelativeClock;
    use proptest::prelude::*;
    use std::num::NonZeroU32;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn token_bucket_starts_full_and_refills_one_token_per_interval() {
        let clock = ManualClock::new();
        let mut bucket = TokenBucket::new(Quota::per_period(4, ms(400)), clock.clone());
        assert_eq!(bucket.tokens(), 4);
        for _ in 0..4 {
            bucket.check().unwrap();
        }
        assert_eq!(
            bucket.check(),
            Err(RateLimited {
                retry_after: ms(100)
            })
        );
        clock.advance(ms(250));
        bucket.check().unwrap();
        bucket.check().unwrap();
        assert_eq!(
            bucket.check(),
            Err(RateLimited {
                retry_after: ms(50)
            })
        );
        // A long pause refills only up to the burst.
        clock.advance(Duration::from_secs(60));
        assert_eq!((0..10).filter(|_| bucket.check().is_ok()).count(), 4);
    }

    #[test]
    fn gcra_retry_after_is_exactly_when_the_next_request_conforms() {
        let clock = ManualClock::new();
        let mut gcra = Gcra::new(Quota::per_period(5, ms(500)).with_burst(2), clock.clone());
        gcra.check().unwrap();
        gcra.check().unwrap();
        let wait = gcra.check().unwrap_err().retry_after;
        assert_eq!(wait, ms(100));
        clock.advance(wait - Duration::from_nanos(1));
        assert!(gcra.check().is_err());
        clock.advance(Duration::from_nanos(1));
        assert!(gcra.check().is_ok());
    }

    #[test]
    fn a_burst_of_one_is_a_strict_interval() {
        let clock = ManualClock::new();
        let mut gcra = Gcra::new(Quota::per_period(10, ms(1000)).with_burst(1), clock.clone());
        let mut allowed = 0;
        for _ in 0..100 {
            if gcra.check().is_ok() {
                allowed += 1;
            }
            clock.advance(ms(10));
        }
        // One second of traffic at 100 requests/s lets exactly 10 through.
        assert_eq!(allowed, 10);
    }

    #[test]
    fn shedding_follows_priority_order() {
        let mut gate = AdmissionControl::new(10);
        let mut admitted = Vec::new();
        // Flood with equal numbers of every priority, least important first in
        // each round, and nothing ever finishes.
        for _ in 0..10 {
            for p in Priority::ALL.iter().rev() {
                if gate.try_admit(*p).is_ok() {
                    admitted.push(*p);
                }
            }
        }
        let count = |p| admitted.iter().filter(|&&q| q == p).count();
        assert_eq!(gate.in_flight(), 10);
        assert_eq!(gate.utilisation_percent(), 100);
        // Low is refused from 5 in flight, Normal from 7, High from 9.
        assert_eq!(count(Priority::Low), 2);
        assert_eq!(count(Priority::Critical), 3);
        assert!(count(Priority::Low) <= count(Priority::Normal));
        assert!(count(Priority::Normal) <= count(Priority::High));
        assert!(gate.try_admit(Priority::Critical).is_err());
        gate.finish();
        assert_eq!(
            gate.try_admit(Priority::High),
            Err(Shed {
                priority: Priority::High,
                in_flight: 9
            })
        );
        assert!(gate.try_admit(Priority::Critical).is_ok());
    }

    #[test]
    fn shares_can_be_tuned() {
        let mut gate = AdmissionControl::new(4).with_share(Priority::Low, 0);
        assert!(gate.try_admit(Priority::Low).is_err());
        assert!(gate.try_admit(Priority::Normal).is_ok());
    }

    /// Replays one request trace through our GCRA, our token bucket and the
    /// `governor` crate (a GCRA too), all on fake clocks, and returns each
    /// one's allow/deny decisions.
    fn replay(
        requests: u32,
        period: Duration,
        burst: u32,
        gaps: &[u64],
    ) -> (Vec<bool>, Vec<bool>, Vec<bool>) {
        let quota = Quota::per_period(requests, period).with_burst(burst);
        let ours_clock = ManualClock::new();
        let mut gcra = Gcra::new(quota, ours_clock.clone());
        let mut bucket = TokenBucket::new(quota, ours_clock.clone());

        let theirs_clock = FakeRelativeClock::default();
        let theirs_quota = governor::Quota::with_period(quota.interval())
            .unwrap()
            .allow_burst(NonZeroU32::new(burst).unwrap());
        let theirs = governor::RateLimiter::direct_with_clock(theirs_quota, theirs_clock.clone());

        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        for &gap in gaps {
            let gap = Duration::from_micros(gap);
            ours_clock.advance(gap);
            theirs_clock.advance(gap);
            a.push(gcra.check().is_ok());
            b.push(bucket.check().is_ok());
            c.push(theirs.check().is_ok());
        }
        (a, b, c)
    }

    #[test]
    fn agrees_with_governor_on_a_black_friday_spike() {
        // 100 orders/s with a burst of 20; traffic arrives at 1000/s for 2 s
        // (1 ms apart), pauses, then trickles.
        let mut gaps = vec![1000; 2000];
        gaps.push(500_000);
        gaps.extend([7_000; 200]);
        let (gcra, bucket, governor) = replay(100, Duration::from_secs(1), 20, &gaps);
        assert_eq!(gcra, governor);
        assert_eq!(bucket, governor);
        // Sanity: 20 burst + about 100/s over the 2 s spike.
        let spike_allowed = governor[..2000].iter().filter(|&&ok| ok).count();
        assert!((215..=221).contains(&spike_allowed), "{spike_allowed}");
    }

    proptest! {
        #[test]
        fn gcra_and_token_bucket_decide_like_governor(
            requests in 1u32..50,
            period_ms in 1u64..5_000,
            burst in 1u32..20,
            gaps in proptest::collection::vec(0u64..200_000, 1..300),
        ) {
            let period = Duration::from_millis(period_ms);
            prop_assume!(!(period / requests).is_zero());
            let (gcra, bucket, governor) = replay(requests, period, burst, &gaps);
            prop_assert_eq!(&gcra, &governor);
            prop_assert_eq!(&bucket, &governor);
        }

        #[test]
        fn never_more_than_burst_plus_rate(
            burst in 1u32..20,
            gaps in proptest::collection::vec(0u64..50, 1..500),
        ) {
            // 10 per second: over any trace, allowed <= burst + elapsed / 100 ms.
            let clock = ManualClock::new();
            let mut gcra = Gcra::new(Quota::per_period(10, Duration::from_secs(1)).with_burst(burst), clock.clone());
            let mut allowed = 0u64;
            for gap in gaps {
                clock.advance(ms(gap));
                if gcra.check().is_ok() { allowed += 1; }
            }
            let elapsed = clock.now().as_millis() as u64;
            prop_assert!(allowed <= u64::from(burst) + elapsed / 100);
        }
    }
}
