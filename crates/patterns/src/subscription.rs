//! A coffee subscription as a state machine, in clean-architecture layers.
//!
//! "Two bags of beans a month" has a life cycle: a free **trial**, then
//! **active** periods that renew by charging the card, a **pause** while the
//! customer is on holiday, **past due** when a renewal charge fails, and
//! **cancelled** at the customer's wish or after too many failed charges.
//! Each failed charge is retried on a schedule (dunning: one day later, then
//! three, then five), because most card failures are temporary.
//!
//! The code is split the way clean architecture asks:
//!
//! - the **domain** ([`Subscription`], [`State`], [`Plan`]) is pure: every
//!   transition takes `now` as an argument and returns a new state or an
//!   error. No clock, no I/O, so every rule is testable in isolation;
//! - the **port** [`Billing`] says what the domain needs from the outside
//!   world, in its own words;
//! - the **application service** [`SubscriptionService`] reads the clock,
//!   asks the domain what is due, calls billing through the port, and feeds
//!   the result back. A Stripe adapter, or a fake in tests, plugs in without
//!   touching the rules.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::subscription::{FakeBilling, Plan, State, SubscriptionService};
//! use std::time::Duration;
//!
//! const DAY: Duration = Duration::from_secs(86_400);
//! let clock = ManualClock::new();
//! let plan = Plan::monthly(1_800); // 18.00 a month, 14-day trial, 3 retries
//! let mut service = SubscriptionService::new(FakeBilling::default(), clock.clone());
//! let id = service.subscribe("ana", plan);
//!
//! clock.advance(14 * DAY);
//! service.run_due_renewals();
//! assert!(matches!(service.get(id).unwrap().state, State::Active { .. }));
//! assert_eq!(service.billing().charges, vec![("ana".to_string(), 1_800)]);
//!
//! // The card starts failing: three retries, then the subscription ends.
//! service.billing_mut().failing.insert("ana".to_string());
//! for _ in 0..60 {
//!     clock.advance(DAY);
//!     service.run_due_renewals();
//! }
//! assert!(matches!(service.get(id).unwrap().state, State::Cancelled { .. }));
//! assert_eq!(service.billing().declines, 4); // the renewal and 3 retries
//! ```

use crate::clock::Clock;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::time::Duration;

const DAY: Duration = Duration::from_secs(86_400);

/// What a subscription costs and how its billing behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Price per period, in cents.
    pub price_cents: u32,
    /// Length of a paid period.
    pub period: Duration,
    /// Length of the free trial.
    pub trial: Duration,
    /// Waits before each retry of a failed charge. After the last retry
    /// fails, the subscription is cancelled: `retry_delays.len() + 1`
    /// failures in all.
    pub retry_delays: Vec<Duration>,
}

impl Plan {
    /// A 30-day plan with a 14-day trial and retries after 1, 3 and 5 days.
    #[must_use]
    pub fn monthly(price_cents: u32) -> Self {
        Self {
            price_cents,
            period: 30 * DAY,
            trial: 14 * DAY,
            retry_delays: vec![DAY, 3 * DAY, 5 * DAY],
        }
    }
}

/// Why a subscription ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// The customer cancelled.
    ByCustomer,
    /// Every retry of a failed charge failed.
    PaymentFailed,
}

// ANCHOR: state
/// Where a subscription stands; times are on the service's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Free until `ends_at`, when the first charge is due.
    Trial {
        /// When the trial ends.
        ends_at: Duration,
    },
    /// Paid until `renews_at`, when the next charge is due.
    Active {
        /// When the next charge is due.
        renews_at: Duration,
    },
    /// On hold, with `remaining` paid time to use after resuming.
    Paused {
        /// Paid time left when paused.
        remaining: Duration,
    },
    /// A charge failed `failures` times; the next try is at `retry_at`.
    PastDue {
        /// Failed charges so far.
        failures: u32,
        /// When to try again.
        retry_at: Duration,
    },
    /// Over; nothing more happens.
    Cancelled {
        /// Why it ended.
        reason: CancelReason,
    },
}
// ANCHOR_END: state

/// A transition that the current state does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidTransition {
    /// What was attempted (`"pause"`).
    pub action: &'static str,
    /// The state it was attempted in.
    pub from: State,
}

impl fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot {} a subscription in state {:?}",
            self.action, self.from
        )
    }
}

impl std::error::Error for InvalidTransition {}

/// A subscription: the domain entity. Pure: `now` is always an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Who pays.
    pub customer: String,
    /// What they pay for.
    pub plan: Plan,
    /// Where it stands.
    pub state: State,
}

impl Subscription {
    /// A new subscription, in trial from `now`.
    #[must_use]
    pub fn start(customer: &str, plan: Plan, now: Duration) -> Self {
        let state = State::Trial {
            ends_at: now + plan.trial,
        };
        Self {
            customer: customer.to_owned(),
            plan,
            state,
        }
    }

    /// The amount to charge now, if a charge is due.
    #[must_use]
    pub fn charge_due(&self, now: Duration) -> Option<u32> {
        let due_at = match self.state {
            State::Trial { ends_at } => ends_at,
            State::Active { renews_at } => renews_at,
            State::PastDue { retry_at, .. } => retry_at,
            State::Paused { .. } | State::Cancelled { .. } => return None,
        };
        (now >= due_at).then_some(self.plan.price_cents)
    }

    // ANCHOR: transitions
    /// Records the outcome of the due charge made at `now`.
    ///
    /// # Errors
    ///
    /// [`InvalidTransition`] if no charge was due.
    pub fn charged(&mut self, now: Duration, paid: bool) -> Result<(), InvalidTransition> {
        if self.charge_due(now).is_none() {
            return Err(self.invalid("record a charge for"));
        }
        let failures = match self.state {
            State::PastDue { failures, .. } => failures,
            _ => 0,
        };
        self.state = if paid {
            State::Active {
                renews_at: now + self.plan.period,
            }
        } else if let Some(&delay) = self.plan.retry_delays.get(failures as usize) {
            State::PastDue {
                failures: failures + 1,
                retry_at: now + delay,
            }
        } else {
            State::Cancelled {
                reason: CancelReason::PaymentFailed,
            }
        };
        Ok(())
    }
    // ANCHOR_END: transitions

    /// Pauses an active subscription, keeping its paid time for later.
    ///
    /// # Errors
    ///
    /// [`InvalidTransition`] unless active.
    pub fn pause(&mut self, now: Duration) -> Result<(), InvalidTransition> {
        let State::Active { renews_at } = self.state else {
            return Err(self.invalid("pause"));
        };
        self.state = State::Paused {
            remaining: renews_at.saturating_sub(now),
        };
        Ok(())
    }

    /// Resumes a paused subscription; the paid time left runs from `now`.
    ///
    /// # Errors
    ///
    /// [`InvalidTransition`] unless paused.
    pub fn resume(&mut self, now: Duration) -> Result<(), InvalidTransition> {
        let State::Paused { remaining } = self.state else {
            return Err(self.invalid("resume"));
        };
        self.state = State::Active {
            renews_at: now + remaining,
        };
        Ok(())
    }

    /// Cancels at the customer's request.
    ///
    /// # Errors
    ///
    /// [`InvalidTransition`] if already cancelled.
    pub fn cancel(&mut self) -> Result<(), InvalidTransition> {
        if let State::Cancelled { .. } = self.state {
            return Err(self.invalid("cancel"));
        }
        self.state = State::Cancelled {
            reason: CancelReason::ByCustomer,
        };
        Ok(())
    }

    fn invalid(&self, action: &'static str) -> InvalidTransition {
        InvalidTransition {
            action,
            from: self.state,
        }
    }
}

// ANCHOR: service
/// Port: charging a customer's card.
pub trait Billing {
    /// Charges `customer` `cents`; `true` if the charge went through.
    fn charge(&mut self, customer: &str, cents: u32) -> bool;
}

/// Application service: runs the domain against the clock and billing.
#[derive(Debug)]
pub struct SubscriptionService<B, C> {
    billing: B,
    clock: C,
    subscriptions: BTreeMap<u64, Subscription>,
}

impl<B: Billing, C: Clock> SubscriptionService<B, C> {
    /// A service charging through `billing`, on `clock`'s time.
    pub fn new(billing: B, clock: C) -> Self {
        Self {
            billing,
            clock,
            subscriptions: BTreeMap::new(),
        }
    }

    /// Starts a trial for `customer`; returns the subscription's ID.
    pub fn subscribe(&mut self, customer: &str, plan: Plan) -> u64 {
        let id = self.subscriptions.len() as u64 + 1;
        let subscription = Subscription::start(customer, plan, self.clock.now());
        self.subscriptions.insert(id, subscription);
        id
    }

    /// Charges every subscription that is due, once each; returns how many
    /// charges were attempted.
    pub fn run_due_renewals(&mut self) -> usize {
        let now = self.clock.now();
        let mut attempted = 0;
        for subscription in self.subscriptions.values_mut() {
            if let Some(cents) = subscription.charge_due(now) {
                let paid = self.billing.charge(&subscription.customer, cents);
                subscription
                    .charged(now, paid)
                    .expect("a due charge can always be recorded");
                attempted += 1;
            }
        }
        attempted
    }
}
// ANCHOR_END: service

impl<B, C> SubscriptionService<B, C> {
    /// The subscription with `id`.
    #[must_use]
    pub fn get(&self, id: u64) -> Option<&Subscription> {
        self.subscriptions.get(&id)
    }

    /// The subscription with `id`, to pause, resume or cancel it.
    pub fn get_mut(&mut self, id: u64) -> Option<&mut Subscription> {
        self.subscriptions.get_mut(&id)
    }

    /// The billing adapter.
    pub fn billing(&self) -> &B {
        &self.billing
    }

    /// The billing adapter, to change its behaviour in a test.
    pub fn billing_mut(&mut self) -> &mut B {
        &mut self.billing
    }
}

/// Adapter: a billing fake that declines the customers in `failing`.
#[derive(Debug, Default, Clone)]
pub struct FakeBilling {
    /// Customers whose cards are declined.
    pub failing: BTreeSet<String>,
    /// Successful charges, in order: (customer, cents).
    pub charges: Vec<(String, u32)>,
    /// How many charges were declined.
    pub declines: u32,
}

impl Billing for FakeBilling {
    fn charge(&mut self, customer: &str, cents: u32) -> bool {
        if self.failing.contains(customer) {
            self.declines += 1;
            false
        } else {
            self.charges.push((customer.to_owned(), cents));
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sub() -> Subscription {
        Subscription::start("ana", Plan::monthly(1_800), Duration::ZERO)
    }

    #[test]
    fn dunning_follows_the_retry_schedule_then_cancels() {
        let mut s = sub();
        let mut now = 14 * DAY;
        s.charged(now, false).unwrap();
        assert_eq!(
            s.state,
            State::PastDue {
                failures: 1,
                retry_at: 15 * DAY
            }
        );
        assert_eq!(s.charge_due(15 * DAY - Duration::from_secs(1)), None);
        for (failures, delay) in [(2, 3 * DAY), (3, 5 * DAY)] {
            let State::PastDue { retry_at, .. } = s.state else {
                panic!("past due expected");
            };
            now = retry_at;
            s.charged(now, false).unwrap();
            assert_eq!(
                s.state,
                State::PastDue {
                    failures,
                    retry_at: now + delay
                }
            );
        }
        s.charged(now + 5 * DAY, false).unwrap();
        assert_eq!(
            s.state,
            State::Cancelled {
                reason: CancelReason::PaymentFailed
            }
        );
    }

    #[test]
    fn a_successful_retry_reactivates() {
        let mut s = sub();
        s.charged(14 * DAY, false).unwrap();
        s.charged(15 * DAY, true).unwrap();
        assert_eq!(
            s.state,
            State::Active {
                renews_at: 45 * DAY
            }
        );
    }

    #[test]
    fn pausing_keeps_the_paid_time() {
        let mut s = sub();
        s.charged(14 * DAY, true).unwrap(); // renews at day 44
        s.pause(34 * DAY).unwrap(); // 10 days left
        assert_eq!(s.charge_due(100 * DAY), None);
        s.resume(100 * DAY).unwrap();
        assert_eq!(
            s.state,
            State::Active {
                renews_at: 110 * DAY
            }
        );
        assert!(s.resume(100 * DAY).is_err());
    }

    #[test]
    fn invalid_transitions_say_what_and_where() {
        let mut s = sub();
        let error = s.pause(DAY).unwrap_err();
        assert_eq!(error.action, "pause");
        assert_eq!(
            error.to_string(),
            format!(
                "cannot pause a subscription in state Trial {{ ends_at: {:?} }}",
                14 * DAY
            )
        );
        s.cancel().unwrap();
        assert!(s.cancel().is_err());
        assert!(s.charged(1000 * DAY, true).is_err());
    }

    #[derive(Debug, Clone)]
    enum Step {
        Wait(u64),
        Pause,
        Resume,
        Cancel,
        CardWorks(bool),
        Renew,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0u64..40).prop_map(Step::Wait),
            1 => Just(Step::Pause),
            1 => Just(Step::Resume),
            1 => Just(Step::Cancel),
            2 => any::<bool>().prop_map(Step::CardWorks),
            4 => Just(Step::Renew),
        ]
    }

    proptest! {
        /// Paused and cancelled subscriptions are never charged, cancelled is
        /// final, and a customer is never charged twice within one period.
        #[test]
        fn no_charge_while_paused_or_cancelled_and_at_most_one_per_period(
            steps in proptest::collection::vec(step(), 1..120),
        ) {
            let clock = crate::clock::ManualClock::new();
            let mut service = SubscriptionService::new(FakeBilling::default(), clock.clone());
            let id = service.subscribe("ana", Plan::monthly(1_800));
            let mut charge_times = Vec::new();
            for step in steps {
                let before = service.get(id).unwrap().state;
                match step {
                    Step::Wait(days) => clock.advance(days as u32 * DAY),
                    Step::Pause => { let _ = service.get_mut(id).unwrap().pause(clock.now()); }
                    Step::Resume => { let _ = service.get_mut(id).unwrap().resume(clock.now()); }
                    Step::Cancel => { let _ = service.get_mut(id).unwrap().cancel(); }
                    Step::CardWorks(works) => {
                        if works {
                            service.billing_mut().failing.clear();
                        } else {
                            service.billing_mut().failing.insert("ana".into());
                        }
                    }
                    Step::Renew => {
                        let charges = service.billing().charges.len();
                        let attempts = service.run_due_renewals();
                        if matches!(before, State::Paused { .. } | State::Cancelled { .. }) {
                            prop_assert_eq!(attempts, 0);
                        }
                        if service.billing().charges.len() > charges {
                            charge_times.push(clock.now());
                        }
                    }
                }
                if let State::Cancelled { .. } = before {
                    prop_assert_eq!(service.get(id).unwrap().state, before);
                }
            }
            for pair in charge_times.windows(2) {
                prop_assert!(pair[1] - pair[0] >= 30 * DAY);
            }
        }
    }
}
