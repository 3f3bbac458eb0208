//! An orchestrated saga: a business transaction across services as a
//! sequence of local steps, each paired with a compensation that undoes it.
//!
//! Placing an order touches three services with three databases: the order
//! service records the order, payments charges the card, inventory reserves
//! the beans. No single database transaction can span them. A saga runs the
//! steps one after another; if a step fails, it runs the compensations of
//! the steps that already succeeded, newest first — release nothing (the
//! failed step did nothing), refund the card, cancel the order — so the
//! system ends either with every step done or with every done step undone.
//!
//! Here an *orchestrator* ([`Saga::run`]) drives the steps and keeps a log;
//! the alternative, *choreography*, lets each service react to the previous
//! one's events. Orchestration is easier to follow and to test; it puts the
//! workflow in one place that must itself be reliable (persist the log,
//! resume after a crash).
//!
//! Compensations are not rollbacks: other transactions may have seen the
//! intermediate state (a charged card for a moment), and a compensation can
//! fail, so it is retried and must be idempotent. A compensation that keeps
//! failing leaves the saga [`SagaStatus::Stuck`] for an operator.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::saga::{order_saga, SagaStatus, Services};
//!
//! let mut services = Services { wallet_cents: 2_000, beans_grams: 10, ..Services::default() };
//! // An 18 g double shot, but only 10 g of beans left.
//! let outcome = order_saga(7, 450, 18).run(&mut services);
//!
//! assert_eq!(
//!     outcome.status,
//!     SagaStatus::Compensated { failed_step: "reserve beans", reason: "out of beans".into() }
//! );
//! assert_eq!(outcome.compensated(), ["charge payment", "create order"]);
//! assert_eq!(services.wallet_cents, 2_000); // refunded
//! assert!(services.open_orders.is_empty()); // cancelled
//! ```

use std::collections::{BTreeMap, BTreeSet};

/// A step's action or compensation: it changes the context or says why not.
pub type StepFn<Ctx> = Box<dyn FnMut(&mut Ctx) -> Result<(), String>>;

struct Step<Ctx> {
    name: &'static str,
    action: StepFn<Ctx>,
    compensation: StepFn<Ctx>,
}

/// What the orchestrator did, in order: the saga's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SagaEvent {
    /// A step's action succeeded.
    Executed(&'static str),
    /// A step's action failed; compensation starts.
    Failed {
        /// The step.
        step: &'static str,
        /// Why it failed.
        reason: String,
    },
    /// One attempt at a compensation failed; it will be retried.
    CompensationRetried {
        /// The step being compensated.
        step: &'static str,
        /// Why the attempt failed.
        reason: String,
    },
    /// A step's compensation succeeded.
    Compensated(&'static str),
}

/// How a saga ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SagaStatus {
    /// Every step succeeded.
    Completed,
    /// A step failed and every earlier step was compensated.
    Compensated {
        /// The step that failed.
        failed_step: &'static str,
        /// Why.
        reason: String,
    },
    /// A compensation failed on every attempt; the steps before it are still
    /// in effect and need an operator.
    Stuck {
        /// The step whose compensation kept failing.
        step: &'static str,
    },
}

/// The status and the log of one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SagaOutcome {
    /// How it ended.
    pub status: SagaStatus,
    /// Everything that happened, in order.
    pub log: Vec<SagaEvent>,
}

impl SagaOutcome {
    /// The steps whose actions succeeded, in order.
    #[must_use]
    pub fn executed(&self) -> Vec<&'static str> {
        self.log
            .iter()
            .filter_map(|e| match e {
                SagaEvent::Executed(step) => Some(*step),
                _ => None,
            })
            .collect()
    }

    /// The steps that were compensated, in the order it happened.
    #[must_use]
    pub fn compensated(&self) -> Vec<&'static str> {
        self.log
            .iter()
            .filter_map(|e| match e {
                SagaEvent::Compensated(step) => Some(*step),
                _ => None,
            })
            .collect()
    }
}

/// A sequence of steps with compensations, and the orchestrator that runs them.
pub struct Saga<Ctx> {
    steps: Vec<Step<Ctx>>,
    compensation_attempts: u32,
}

impl<Ctx> Saga<Ctx> {
    /// An empty saga that tries each compensation up to
    /// `compensation_attempts` times.
    ///
    /// # Panics
    ///
    /// Panics if `compensation_attempts` is zero.
    #[must_use]
    pub fn new(compensation_attempts: u32) -> Self {
        assert!(
            compensation_attempts > 0,
            "a compensation needs one attempt"
        );
        Self {
            steps: Vec::new(),
            compensation_attempts,
        }
    }

    /// Appends a step: its action, and the compensation that undoes it.
    #[must_use]
    pub fn step(
        mut self,
        name: &'static str,
        action: impl FnMut(&mut Ctx) -> Result<(), String> + 'static,
        compensation: impl FnMut(&mut Ctx) -> Result<(), String> + 'static,
    ) -> Self {
        self.steps.push(Step {
            name,
            action: Box::new(action),
            compensation: Box::new(compensation),
        });
        self
    }

    // ANCHOR: run
    /// Runs the steps in order. On the first failure, compensates the steps
    /// that succeeded, newest first, retrying each compensation; stops as
    /// [`SagaStatus::Stuck`] if one never succeeds.
    pub fn run(&mut self, ctx: &mut Ctx) -> SagaOutcome {
        let mut log = Vec::new();
        let mut failure = None;
        let mut done = 0;
        for step in &mut self.steps {
            match (step.action)(ctx) {
                Ok(()) => {
                    log.push(SagaEvent::Executed(step.name));
                    done += 1;
                }
                Err(reason) => {
                    log.push(SagaEvent::Failed {
                        step: step.name,
                        reason: reason.clone(),
                    });
                    failure = Some((step.name, reason));
                    break;
                }
            }
        }
        let Some((failed_step, reason)) = failure else {
            return SagaOutcome {
                status: SagaStatus::Completed,
                log,
            };
        };
        for step in self.steps[..done].iter_mut().rev() {
            if !compensate(step, ctx, self.compensation_attempts, &mut log) {
                let status = SagaStatus::Stuck { step: step.name };
                return SagaOutcome { status, log };
            }
        }
        let status = SagaStatus::Compensated {
            failed_step,
            reason,
        };
        SagaOutcome { status, log }
    }
    // ANCHOR_END: run
}

// ANCHOR: compensate
/// Runs `step`'s compensation until it succeeds, at most `attempts` times,
/// logging each try. Compensations must be idempotent: an attempt that timed
/// out may have worked, and the retry runs it again.
fn compensate<Ctx>(
    step: &mut Step<Ctx>,
    ctx: &mut Ctx,
    attempts: u32,
    log: &mut Vec<SagaEvent>,
) -> bool {
    for _ in 0..attempts {
        match (step.compensation)(ctx) {
            Ok(()) => {
                log.push(SagaEvent::Compensated(step.name));
                return true;
            }
            Err(reason) => log.push(SagaEvent::CompensationRetried {
                step: step.name,
                reason,
            }),
        }
    }
    false
}
// ANCHOR_END: compensate

/// The three services an order touches, in one struct for the example: the
/// order service's open orders, the payment service's wallet and captured
/// charges, the inventory service's beans and reservations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Services {
    /// Orders created and not cancelled.
    pub open_orders: BTreeSet<u64>,
    /// The customer's balance, in cents.
    pub wallet_cents: u64,
    /// Captured payments by order id, in cents.
    pub payments: BTreeMap<u64, u64>,
    /// Beans in the store, in grams.
    pub beans_grams: u32,
    /// Reserved beans by order id, in grams.
    pub reservations: BTreeMap<u64, u32>,
}

// ANCHOR: order_saga
/// The order saga: create the order, charge the payment, reserve the beans.
/// Each compensation is idempotent: undoing twice is the same as once.
#[must_use]
pub fn order_saga(order_id: u64, price_cents: u64, grams: u32) -> Saga<Services> {
    Saga::new(3)
        .step(
            "create order",
            move |s: &mut Services| {
                s.open_orders.insert(order_id);
                Ok(())
            },
            move |s: &mut Services| {
                s.open_orders.remove(&order_id); // cancel
                Ok(())
            },
        )
        .step(
            "charge payment",
            move |s: &mut Services| {
                s.wallet_cents = s
                    .wallet_cents
                    .checked_sub(price_cents)
                    .ok_or("card declined")?;
                s.payments.insert(order_id, price_cents);
                Ok(())
            },
            move |s: &mut Services| {
                if let Some(paid) = s.payments.remove(&order_id) {
                    s.wallet_cents += paid; // refund
                }
                Ok(())
            },
        )
        .step(
            "reserve beans",
            move |s: &mut Services| {
                s.beans_grams = s.beans_grams.checked_sub(grams).ok_or("out of beans")?;
                s.reservations.insert(order_id, grams);
                Ok(())
            },
            move |s: &mut Services| {
                if let Some(held) = s.reservations.remove(&order_id) {
                    s.beans_grams += held; // release
                }
                Ok(())
            },
        )
}
// ANCHOR_END: order_saga

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_happy_order_completes_every_step() {
        let mut services = Services {
            wallet_cents: 1_000,
            beans_grams: 100,
            ..Services::default()
        };
        let outcome = order_saga(1, 450, 18).run(&mut services);
        assert_eq!(outcome.status, SagaStatus::Completed);
        assert_eq!(
            outcome.executed(),
            ["create order", "charge payment", "reserve beans"]
        );
        assert_eq!(services.wallet_cents, 550);
        assert_eq!(services.beans_grams, 82);
        assert!(outcome.compensated().is_empty());
    }

    #[test]
    fn a_declined_card_cancels_only_the_order() {
        let mut services = Services {
            wallet_cents: 100,
            beans_grams: 100,
            ..Services::default()
        };
        let before = services.clone();
        let outcome = order_saga(2, 450, 18).run(&mut services);
        assert_eq!(
            outcome.status,
            SagaStatus::Compensated {
                failed_step: "charge payment",
                reason: "card declined".into()
            }
        );
        assert_eq!(outcome.compensated(), ["create order"]);
        assert_eq!(services, before);
    }

    #[test]
    fn a_compensation_that_keeps_failing_leaves_the_saga_stuck() {
        let mut refunds_left_to_fail = 5;
        let mut saga = Saga::new(2)
            .step(
                "charge",
                |_: &mut ()| Ok(()),
                move |_| {
                    refunds_left_to_fail -= 1;
                    if refunds_left_to_fail > 0 {
                        Err("payments down".into())
                    } else {
                        Ok(())
                    }
                },
            )
            .step("reserve", |_| Err("out of beans".into()), |_| Ok(()));
        let outcome = saga.run(&mut ());
        assert_eq!(outcome.status, SagaStatus::Stuck { step: "charge" });
        assert_eq!(outcome.log.len(), 4); // executed, failed, two retries
    }

    /// A step of a generated saga: does its action fail, and how many times
    /// does its compensation fail before it succeeds?
    #[derive(Debug, Clone, Copy)]
    struct Plan {
        fails: bool,
        compensation_failures: u32,
    }

    const NAMES: [&str; 6] = ["s0", "s1", "s2", "s3", "s4", "s5"];

    proptest! {
        /// A saga either completes every step, or compensates every completed
        /// step exactly once, in reverse order — given compensations that
        /// succeed within the retry budget.
        #[test]
        fn all_or_every_done_step_undone_in_reverse(
            plans in proptest::collection::vec(
                (any::<bool>(), 0u32..3).prop_map(|(f, c)| Plan { fails: f, compensation_failures: c }),
                1..6,
            ),
        ) {
            // The context records which steps are in effect.
            let mut saga: Saga<Vec<&'static str>> = Saga::new(3);
            for (i, plan) in plans.iter().copied().enumerate() {
                let mut failures_left = plan.compensation_failures;
                saga = saga.step(
                    NAMES[i],
                    move |done| if plan.fails { Err("no".into()) } else { done.push(NAMES[i]); Ok(()) },
                    move |done| {
                        if failures_left > 0 {
                            failures_left -= 1;
                            return Err("flaky".into());
                        }
                        done.retain(|s| *s != NAMES[i]);
                        Ok(())
                    },
                );
            }
            let mut in_effect = Vec::new();
            let outcome = saga.run(&mut in_effect);
            match plans.iter().position(|p| p.fails) {
                None => {
                    prop_assert_eq!(outcome.status, SagaStatus::Completed);
                    prop_assert_eq!(in_effect, NAMES[..plans.len()].to_vec());
                }
                Some(first_failure) => {
                    let executed = NAMES[..first_failure].to_vec();
                    let mut reversed = executed.clone();
                    reversed.reverse();
                    prop_assert_eq!(outcome.executed(), executed);
                    prop_assert_eq!(outcome.compensated(), reversed);
                    prop_assert!(in_effect.is_empty());
                    let is_compensated = matches!(outcome.status, SagaStatus::Compensated { .. });
                    prop_assert!(is_compensated);
                }
            }
        }
    }
}
