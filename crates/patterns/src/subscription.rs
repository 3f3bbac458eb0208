//! A coffee subscription as a state machine, in clean-architecture layers.
//!
//! "Two bags of beans a month" has a life cycle: a free **trial**, then
//! **active** periods that renew by charging the card, a **pause** while the
//! customer is on holiday, **past due** when a renewal charge fails, and
//! **cancelled** at the customer's wish or after too many failed charges.
//! What happens after a charge depends on what the card network said:
//!
//! - a **soft decline** (insufficient funds, "do not honour", issuer busy)
//!   is usually temporary: it is retried on a schedule (dunning: one day
//!   later, then three, then five), then the subscription is cancelled;
//! - a **hard decline** (card lost, stolen, closed) will not succeed on
//!   retry, and networks penalise merchants who keep trying: the
//!   subscription waits in [`State::CardRequired`] until the customer
//!   updates the card;
//! - a **timeout** is neither: the provider may have charged. It is not a
//!   failure, and it is retried soon with the **same idempotency key**, so
//!   that if the first charge went through the provider answers with it
//!   instead of charging again.
//!
//! The key names one charge attempt: subscription, period, attempt
//! ([`Subscription::charge_key`]). A definitive answer (paid, soft or
//! hard decline) moves to the next attempt's key; a timeout keeps it.
//!
//! The code is split the way clean architecture asks:
//!
//! - the **domain** ([`Subscription`], [`State`], [`Plan`]) is pure: every
//!   transition takes `now` as an argument and returns a new state or an
//!   error. No clock, no I/O, so every rule is testable in isolation;
//! - the **port** [`Billing`] says what the domain needs from the outside
//!   world, in its own words: a charge under an idempotency key, answered
//!   by a typed [`ChargeOutcome`];
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
//! // The card starts soft-declining: three retries, then the subscription ends.
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
    /// Waits before each retry of a soft-declined charge. After the last
    /// retry fails, the subscription is cancelled: `retry_delays.len() + 1`
    /// soft declines in all.
    pub retry_delays: Vec<Duration>,
    /// The wait before retrying a charge that timed out (with the same key).
    pub timeout_retry: Duration,
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
            timeout_retry: Duration::from_secs(3_600),
        }
    }
}

/// Why a subscription ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// The customer cancelled.
    ByCustomer,
    /// Every retry of a soft-declined charge failed.
    PaymentFailed,
}

/// What the payment provider answered to a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// The money was taken.
    Paid,
    /// Declined for a reason that may pass (funds, limits): retry later.
    SoftDecline,
    /// Declined for good (card lost, stolen, closed): do not retry this card.
    HardDecline,
    /// No answer: the charge may or may not have happened. Retry soon with
    /// the same idempotency key.
    TimedOut,
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
    /// A charge was soft-declined `failures` times (or timed out); the next
    /// try is at `retry_at`.
    PastDue {
        /// Soft declines so far.
        failures: u32,
        /// When to try again.
        retry_at: Duration,
    },
    /// The card was hard-declined: nothing is charged until the customer
    /// gives a new one.
    CardRequired,
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
    /// Periods paid so far.
    pub paid_periods: u32,
    /// Definitive answers (paid or declined) to charges for the current
    /// period; a timeout does not count, so its retry keeps the key.
    pub attempts: u32,
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
            paid_periods: 0,
            attempts: 0,
        }
    }

    /// The amount to charge now, if a charge is due.
    #[must_use]
    pub fn charge_due(&self, now: Duration) -> Option<u32> {
        let due_at = match self.state {
            State::Trial { ends_at } => ends_at,
            State::Active { renews_at } => renews_at,
            State::PastDue { retry_at, .. } => retry_at,
            State::Paused { .. } | State::CardRequired | State::Cancelled { .. } => return None,
        };
        (now >= due_at).then_some(self.plan.price_cents)
    }

    // ANCHOR: transitions
    // ANCHOR: solution
    /// Records the outcome of the due charge made at `now`: paid starts a
    /// new period; a soft decline follows the dunning schedule and the last
    /// one cancels; a hard decline waits for a new card; a timeout retries
    /// after `timeout_retry`, counting no failure and keeping the key.
    ///
    /// # Errors
    ///
    /// [`InvalidTransition`] if no charge was due.
    pub fn charged(
        &mut self,
        now: Duration,
        outcome: ChargeOutcome,
    ) -> Result<(), InvalidTransition> {
        if self.charge_due(now).is_none() {
            return Err(self.invalid("record a charge for"));
        }
        let failures = match self.state {
            State::PastDue { failures, .. } => failures,
            _ => 0,
        };
        if outcome != ChargeOutcome::TimedOut {
            self.attempts += 1; // the next charge is a new attempt, new key
        }
        self.state = match outcome {
            ChargeOutcome::Paid => {
                self.paid_periods += 1;
                self.attempts = 0;
                State::Active {
                    renews_at: now + self.plan.period,
                }
            }
            ChargeOutcome::TimedOut => State::PastDue {
                failures,
                retry_at: now + self.plan.timeout_retry,
            },
            ChargeOutcome::HardDecline => State::CardRequired,
            ChargeOutcome::SoftDecline => match self.plan.retry_delays.get(failures as usize) {
                Some(&delay) => State::PastDue {
                    failures: failures + 1,
                    retry_at: now + delay,
                },
                None => State::Cancelled {
                    reason: CancelReason::PaymentFailed,
                },
            },
        };
        Ok(())
    }

    /// The idempotency key of the next charge of this subscription (whose
    /// ID is `id`): one per period and attempt, so a timed-out charge is
    /// retried under the same key and a retry after a decline under a new
    /// one.
    #[must_use]
    pub fn charge_key(&self, id: u64) -> String {
        format!(
            "sub-{id}-period-{}-attempt-{}",
            self.paid_periods + 1,
            self.attempts + 1
        )
    }

    /// The customer gave a new card after a hard decline: charge at once.
    ///
    /// # Errors
    ///
    /// [`InvalidTransition`] unless a card is required.
    pub fn card_updated(&mut self, now: Duration) -> Result<(), InvalidTransition> {
        if self.state != State::CardRequired {
            return Err(self.invalid("update the card of"));
        }
        self.state = State::PastDue {
            failures: 0,
            retry_at: now,
        };
        Ok(())
    }
    // ANCHOR_END: solution
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
// ANCHOR: solution
/// Port: charging a customer's card.
pub trait Billing {
    /// Charges `customer` `cents` under `idempotency_key`. A key seen before
    /// must not charge again: the provider answers as it did the first time.
    fn charge(&mut self, idempotency_key: &str, customer: &str, cents: u32) -> ChargeOutcome;
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
        for (&id, subscription) in &mut self.subscriptions {
            if let Some(cents) = subscription.charge_due(now) {
                let key = subscription.charge_key(id);
                let outcome = self.billing.charge(&key, &subscription.customer, cents);
                subscription
                    .charged(now, outcome)
                    .expect("a due charge can always be recorded");
                attempted += 1;
            }
        }
        attempted
    }
}
// ANCHOR_END: solution
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

/// Adapter: a billing fake that soft-declines the customers in `failing`,
/// hard-declines those in `hard_declined`, and, like a real provider,
/// answers a repeated idempotency key with its first answer.
#[derive(Debug, Default, Clone)]
pub struct FakeBilling {
    /// Customers whose cards are soft-declined.
    pub failing: BTreeSet<String>,
    /// Customers whose cards are hard-declined.
    pub hard_declined: BTreeSet<String>,
    /// The next this many charges are decided, but their answers are lost:
    /// the caller sees [`ChargeOutcome::TimedOut`].
    pub lose_replies: u32,
    /// Successful charges, in order: (customer, cents).
    pub charges: Vec<(String, u32)>,
    /// How many charges were declined.
    pub declines: u32,
    answers: BTreeMap<String, ChargeOutcome>,
}

impl Billing for FakeBilling {
    fn charge(&mut self, idempotency_key: &str, customer: &str, cents: u32) -> ChargeOutcome {
        let outcome = match self.answers.get(idempotency_key) {
            Some(&first) => first, // a repeated key: same answer, no new charge
            None => {
                let outcome = if self.hard_declined.contains(customer) {
                    ChargeOutcome::HardDecline
                } else if self.failing.contains(customer) {
                    ChargeOutcome::SoftDecline
                } else {
                    self.charges.push((customer.to_owned(), cents));
                    ChargeOutcome::Paid
                };
                if outcome != ChargeOutcome::Paid {
                    self.declines += 1;
                }
                self.answers.insert(idempotency_key.to_owned(), outcome);
                outcome
            }
        };
        if self.lose_replies > 0 {
            self.lose_replies -= 1;
            return ChargeOutcome::TimedOut;
        }
        outcome
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
        s.charged(now, ChargeOutcome::SoftDecline).unwrap();
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
            s.charged(now, ChargeOutcome::SoftDecline).unwrap();
            assert_eq!(
                s.state,
                State::PastDue {
                    failures,
                    retry_at: now + delay
                }
            );
        }
        s.charged(now + 5 * DAY, ChargeOutcome::SoftDecline)
            .unwrap();
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
        s.charged(14 * DAY, ChargeOutcome::SoftDecline).unwrap();
        s.charged(15 * DAY, ChargeOutcome::Paid).unwrap();
        assert_eq!(
            s.state,
            State::Active {
                renews_at: 45 * DAY
            }
        );
    }

    /// The provider charged, the answer timed out: the retry an hour later
    /// uses the same key and the provider answers with the first charge.
    #[test]
    fn a_timeout_is_retried_soon_with_the_same_key_and_charges_once() {
        let clock = crate::clock::ManualClock::new();
        let mut service = SubscriptionService::new(FakeBilling::default(), clock.clone());
        let id = service.subscribe("ana", Plan::monthly(1_800));
        clock.advance(14 * DAY);
        service.billing_mut().lose_replies = 1;
        let key = service.get(id).unwrap().charge_key(id);
        assert_eq!(key, "sub-1-period-1-attempt-1");
        assert_eq!(service.run_due_renewals(), 1);
        assert_eq!(
            service.get(id).unwrap().state,
            State::PastDue {
                failures: 0,
                retry_at: 14 * DAY + Duration::from_secs(3_600)
            }
        );
        assert_eq!(service.get(id).unwrap().attempts, 0, "same key next time");
        clock.advance(Duration::from_secs(3_600));
        assert_eq!(service.run_due_renewals(), 1);
        assert!(matches!(
            service.get(id).unwrap().state,
            State::Active { .. }
        ));
        assert_eq!(service.billing().charges, [("ana".to_owned(), 1_800)]);
    }

    #[test]
    fn a_hard_decline_stops_retrying_until_the_card_is_updated() {
        let clock = crate::clock::ManualClock::new();
        let mut service = SubscriptionService::new(FakeBilling::default(), clock.clone());
        let id = service.subscribe("ana", Plan::monthly(1_800));
        service.billing_mut().hard_declined.insert("ana".into());
        clock.advance(14 * DAY);
        assert_eq!(service.run_due_renewals(), 1);
        assert_eq!(service.get(id).unwrap().state, State::CardRequired);
        for _ in 0..30 {
            clock.advance(DAY);
            assert_eq!(service.run_due_renewals(), 0, "no retry on a hard decline");
        }
        service.billing_mut().hard_declined.clear();
        service
            .get_mut(id)
            .unwrap()
            .card_updated(clock.now())
            .unwrap();
        assert_eq!(service.run_due_renewals(), 1); // a new attempt, a new key
        assert!(matches!(
            service.get(id).unwrap().state,
            State::Active { .. }
        ));
        assert_eq!(service.billing().declines, 1);
        assert!(
            service
                .get_mut(id)
                .unwrap()
                .card_updated(clock.now())
                .is_err()
        );
    }

    #[test]
    fn each_soft_decline_retry_is_a_new_attempt_with_a_new_key() {
        let mut s = sub();
        let key = |s: &Subscription| s.charge_key(7);
        assert_eq!(key(&s), "sub-7-period-1-attempt-1");
        s.charged(14 * DAY, ChargeOutcome::SoftDecline).unwrap();
        assert_eq!(key(&s), "sub-7-period-1-attempt-2");
        s.charged(15 * DAY, ChargeOutcome::TimedOut).unwrap();
        assert_eq!(key(&s), "sub-7-period-1-attempt-2");
        assert_eq!(
            s.state,
            State::PastDue {
                failures: 1,
                retry_at: 15 * DAY + Duration::from_secs(3_600)
            }
        );
        s.charged(16 * DAY, ChargeOutcome::Paid).unwrap();
        assert_eq!(key(&s), "sub-7-period-2-attempt-1");
    }

    #[test]
    fn pausing_keeps_the_paid_time() {
        let mut s = sub();
        s.charged(14 * DAY, ChargeOutcome::Paid).unwrap(); // renews at day 44
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
        assert!(s.charged(1000 * DAY, ChargeOutcome::Paid).is_err());
    }

    #[derive(Debug, Clone)]
    enum Step {
        Wait(u64),
        Pause,
        Resume,
        Cancel,
        CardWorks(bool),
        HardDecline,
        NewCard,
        LoseReply,
        Renew,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            3 => (0u64..40).prop_map(Step::Wait),
            1 => Just(Step::Pause),
            1 => Just(Step::Resume),
            1 => Just(Step::Cancel),
            2 => any::<bool>().prop_map(Step::CardWorks),
            1 => Just(Step::HardDecline),
            1 => Just(Step::NewCard),
            2 => Just(Step::LoseReply),
            4 => Just(Step::Renew),
        ]
    }

    proptest! {
        /// Paused, card-required and cancelled subscriptions are never
        /// charged, cancelled is final, and a customer is never charged twice
        /// within one period, even when charges time out after charging.
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
                    Step::HardDecline => { service.billing_mut().hard_declined.insert("ana".into()); }
                    Step::NewCard => {
                        service.billing_mut().hard_declined.clear();
                        let _ = service.get_mut(id).unwrap().card_updated(clock.now());
                    }
                    Step::LoseReply => service.billing_mut().lose_replies += 1,
                    Step::Renew => {
                        let charges = service.billing().charges.len();
                        let attempts = service.run_due_renewals();
                        if matches!(before, State::Paused { .. } | State::CardRequired | State::Cancelled { .. }) {
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
