//! An orchestrated saga: a business transaction across services as a
//! sequence of local steps, each paired with a compensation that undoes it.
//!
//! Placing an order touches three services with three databases: the order
//! service records the order, inventory reserves the beans, payments takes
//! the money. No single database transaction can span them. A saga runs the
//! steps one after another; if a step fails, it runs the compensations of
//! the steps that already succeeded, newest first, so the system ends either
//! with every step done or with every done step undone.
//!
//! The order of the steps is a design decision: put the steps that are
//! cheap to undo first and the one that is expensive to undo last.
//! [`order_saga`] therefore **reserves** the beans (releasing them costs
//! nothing), then **authorises** the card (a hold that a *void* removes
//! without moving money), and **captures** the payment last, once nothing
//! after it can fail. Charging first would turn every "out of beans" into a
//! refund: a second money movement, a fee, a line on the customer's
//! statement, and days before the money is back. A void beats a refund.
//!
//! A step can also end with its **outcome unknown**: the authorisation
//! timed out, and the hold may or may not exist. The saga cannot call that
//! a failure with nothing to undo. It compensates the unknown step too
//! ([`StepError::Unknown`]); compensations are idempotent, so voiding a hold
//! that was never placed is harmless.
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
//! assert_eq!(outcome.compensated(), ["create order"]);
//! assert_eq!(services.wallet_cents, 2_000); // never touched: no refund needed
//! assert_eq!((services.voids, services.refunds), (0, 0));
//! assert!(services.open_orders.is_empty()); // cancelled
//! ```

use std::collections::{BTreeMap, BTreeSet};

/// A step's compensation: it undoes the step or says why not.
pub type StepFn<Ctx> = Box<dyn FnMut(&mut Ctx) -> Result<(), String>>;

/// A step's action: it changes the context, or fails, or cannot tell.
pub type ActionFn<Ctx> = Box<dyn FnMut(&mut Ctx) -> Result<(), StepError>>;

/// Why a step's action did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepError {
    /// It certainly had no effect (the card was declined): nothing to undo.
    Failed(String),
    /// It may have had an effect (a timeout): it is compensated as well.
    Unknown(String),
}

impl From<&str> for StepError {
    fn from(reason: &str) -> Self {
        Self::Failed(reason.to_owned())
    }
}

impl From<String> for StepError {
    fn from(reason: String) -> Self {
        Self::Failed(reason)
    }
}

struct Step<Ctx> {
    name: &'static str,
    action: ActionFn<Ctx>,
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
    /// A step's action may or may not have taken effect; compensation
    /// starts with this step.
    OutcomeUnknown {
        /// The step.
        step: &'static str,
        /// Why its outcome is unknown.
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
    /// A step failed (or its outcome is unknown) and every step that did,
    /// or may have, taken effect was compensated.
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
        action: impl FnMut(&mut Ctx) -> Result<(), StepError> + 'static,
        compensation: impl FnMut(&mut Ctx) -> Result<(), String> + 'static,
    ) -> Self {
        self.steps.push(Step {
            name,
            action: Box::new(action),
            compensation: Box::new(compensation),
        });
        self
    }

    /// The steps' names, in the order they run.
    #[must_use]
    pub fn step_names(&self) -> Vec<&'static str> {
        self.steps.iter().map(|step| step.name).collect()
    }

    // ANCHOR: run
    // ANCHOR: solution
    /// Runs the steps in order. On the first failure, compensates the steps
    /// that succeeded, newest first — and the failed step itself when its
    /// outcome is unknown — retrying each compensation; stops as
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
                Err(StepError::Failed(reason)) => {
                    log.push(SagaEvent::Failed {
                        step: step.name,
                        reason: reason.clone(),
                    });
                    failure = Some((step.name, reason));
                    break;
                }
                Err(StepError::Unknown(reason)) => {
                    log.push(SagaEvent::OutcomeUnknown {
                        step: step.name,
                        reason: reason.clone(),
                    });
                    failure = Some((step.name, reason));
                    done += 1; // it may have happened: undo it too
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
    // ANCHOR_END: solution
    // ANCHOR_END: run
}

// ANCHOR: compensate
// ANCHOR: solution
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
// ANCHOR_END: solution
// ANCHOR_END: compensate

/// The three services an order touches, in one struct for the example: the
/// order service's open orders, the payment service's wallet, holds and
/// captured charges, the inventory service's beans and reservations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Services {
    /// Orders created and not cancelled.
    pub open_orders: BTreeSet<u64>,
    /// The customer's available balance, in cents.
    pub wallet_cents: u64,
    /// Authorised, not yet captured amounts by order id (held on the card).
    pub holds: BTreeMap<u64, u64>,
    /// Captured payments by order id, in cents.
    pub payments: BTreeMap<u64, u64>,
    /// Beans in the store, in grams.
    pub beans_grams: u32,
    /// Reserved beans by order id, in grams.
    pub reservations: BTreeMap<u64, u32>,
    /// Holds removed without moving money.
    pub voids: u32,
    /// Captured payments given back (a second money movement).
    pub refunds: u32,
    /// A step whose action takes effect but whose reply is lost: it reports
    /// [`StepError::Unknown`].
    pub lose_reply_of: Option<&'static str>,
}

/// The order saga's steps, in order: cheap to undo first, capture last.
pub const ORDER_SAGA_STEPS: [&str; 4] = [
    "create order",
    "reserve beans",
    "authorise payment",
    "capture payment",
];

// ANCHOR: order_saga
// ANCHOR: solution
/// The order saga: create the order, reserve the beans, authorise the card,
/// capture the payment. Each compensation is idempotent: undoing twice, or
/// undoing what never happened, is the same as undoing once.
#[must_use]
pub fn order_saga(order_id: u64, price_cents: u64, grams: u32) -> Saga<Services> {
    let [create, reserve, authorise, capture] = ORDER_SAGA_STEPS;
    let reply = |s: &Services, step: &'static str| -> Result<(), StepError> {
        if s.lose_reply_of == Some(step) {
            return Err(StepError::Unknown("timeout".into()));
        }
        Ok(())
    };
    Saga::new(3)
        .step(
            create,
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
            reserve,
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
        .step(
            authorise,
            move |s: &mut Services| {
                s.wallet_cents = s
                    .wallet_cents
                    .checked_sub(price_cents)
                    .ok_or("card declined")?;
                s.holds.insert(order_id, price_cents);
                reply(s, authorise)
            },
            move |s: &mut Services| {
                if let Some(held) = s.holds.remove(&order_id) {
                    s.wallet_cents += held; // void: no money moved
                    s.voids += 1;
                }
                Ok(())
            },
        )
        .step(
            capture,
            move |s: &mut Services| {
                let held = s.holds.remove(&order_id).ok_or("no authorisation")?;
                s.payments.insert(order_id, held);
                reply(s, capture)
            },
            move |s: &mut Services| {
                if let Some(paid) = s.payments.remove(&order_id) {
                    s.wallet_cents += paid; // refund: only if capture happened
                    s.refunds += 1;
                }
                Ok(())
            },
        )
}
// ANCHOR_END: solution
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
        assert_eq!(outcome.executed(), ORDER_SAGA_STEPS);
        assert_eq!(services.wallet_cents, 550);
        assert_eq!(services.payments[&1], 450);
        assert!(services.holds.is_empty());
        assert_eq!(services.beans_grams, 82);
        assert!(outcome.compensated().is_empty());
    }

    /// Out of beans is found before any money moves: nothing to void or
    /// refund.
    #[test]
    fn stock_is_reserved_before_the_card_is_touched() {
        let mut services = Services {
            wallet_cents: 1_000,
            beans_grams: 10,
            ..Services::default()
        };
        let outcome = order_saga(3, 450, 18).run(&mut services);
        assert_eq!(outcome.compensated(), ["create order"]);
        assert_eq!(services.wallet_cents, 1_000);
        assert_eq!((services.voids, services.refunds), (0, 0));
    }

    /// The authorisation placed the hold, but its reply was lost: the saga
    /// voids it along with the earlier steps, and never refunds.
    #[test]
    fn a_step_with_an_unknown_outcome_is_compensated_too() {
        let mut services = Services {
            wallet_cents: 1_000,
            beans_grams: 100,
            lose_reply_of: Some("authorise payment"),
            ..Services::default()
        };
        let before = Services {
            lose_reply_of: None,
            ..services.clone()
        };
        let outcome = order_saga(4, 450, 18).run(&mut services);
        assert_eq!(
            outcome.status,
            SagaStatus::Compensated {
                failed_step: "authorise payment",
                reason: "timeout".into()
            }
        );
        assert_eq!(
            outcome.compensated(),
            ["authorise payment", "reserve beans", "create order"]
        );
        assert_eq!((services.voids, services.refunds), (1, 0));
        services.voids = 0;
        services.lose_reply_of = None;
        assert_eq!(services, before);
    }

    /// A capture whose reply is lost may have moved the money: only then is
    /// there something to refund.
    #[test]
    fn an_unknown_capture_is_refunded_if_it_happened() {
        let mut services = Services {
            wallet_cents: 1_000,
            beans_grams: 100,
            lose_reply_of: Some("capture payment"),
            ..Services::default()
        };
        let outcome = order_saga(5, 450, 18).run(&mut services);
        assert_eq!(outcome.compensated()[0], "capture payment");
        assert_eq!(services.wallet_cents, 1_000);
        assert_eq!((services.voids, services.refunds), (0, 1));
        assert!(services.payments.is_empty() && services.holds.is_empty());
    }

    /// The week 3-4 phase diagram draws the order saga; its chain of steps
    /// must be the code's.
    #[test]
    fn the_diagram_shows_the_saga_steps_in_the_code_order() {
        let diagram = include_str!("../../../diagrams/weeks-03-04.mmd");
        let saga = diagram
            .split("subgraph saga")
            .nth(1)
            .and_then(|rest| rest.split("\n    end").next())
            .expect("the diagram has a saga subgraph");
        let chain = saga
            .lines()
            .find(|line| line.contains("-->") && !line.contains("-.->"))
            .expect("the saga subgraph has a chain of steps");
        let labels: Vec<String> = chain
            .split("-->")
            .map(|node| {
                let label = node.split('"').nth(1).expect("every step has a label");
                label.to_lowercase()
            })
            .collect();
        assert_eq!(labels, order_saga(0, 0, 0).step_names());
        assert_eq!(labels, ORDER_SAGA_STEPS);
    }

    #[test]
    fn a_declined_card_releases_the_beans_and_cancels_the_order() {
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
                failed_step: "authorise payment",
                reason: "card declined".into()
            }
        );
        assert_eq!(outcome.compensated(), ["reserve beans", "create order"]);
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
