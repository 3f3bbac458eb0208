//! A canary controller: shift traffic to a new version in steps, and roll back
//! on its own when the canary burns the error budget too fast.
//!
//! The new order service first gets 1 % of requests, then 5 %, 25 %, 50 % and
//! 100 %. At each step the controller waits a **hold** time and looks at the
//! canary's own requests and errors since the step began. It promotes when the
//! hold is over, enough requests were seen to judge, and the **burn rate** is
//! within bounds; it rolls back as soon as the burn rate is too high.
//!
//! The burn rate is the error rate divided by the error budget (`1 − SLO`): a
//! 99.9 % SLO has a 0.1 % budget, and a canary failing 2 % of its requests
//! burns it 20 times faster than allowed. Early in a step, one unlucky error in
//! ten requests would read as a 100× burn, so the rate is taken over at least
//! `min_requests`: `errors / max(requests, min_requests)`. That makes the
//! check conservative both ways: a handful of requests cannot trigger a
//! rollback, but a canary whose errors already exceed what a full window
//! could absorb is rolled back at once, without waiting for the hold to end.
//!
//! Time comes from an injected [`Clock`] and the counts from the caller
//! (in production, a metrics query per evaluation), so the tests replay exact
//! scenarios.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::canary::{CanaryController, CanaryPlan, Counts, Decision};
//! use coffee_patterns::clock::ManualClock;
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let mut canary = CanaryController::new(CanaryPlan::default(), clock.clone()).unwrap();
//! assert_eq!(canary.weight(), 1);
//!
//! // The canary fails 2% of requests: 20 errors in its first 1 000.
//! clock.advance(Duration::from_secs(100));
//! let decision = canary.observe(Counts { requests: 1_000, errors: 20 });
//! let Decision::RollBack { weight, burn_rate } = decision else { panic!("{decision:?}") };
//! assert_eq!(weight, 1);
//! assert!((burn_rate - 20.0).abs() < 1e-9); // 2% errors ÷ 0.1% budget
//! assert_eq!(canary.weight(), 0); // all traffic back on the stable version
//! ```

use std::fmt;
use std::time::Duration;

use crate::clock::Clock;

/// How a canary is promoted and when it is rolled back.
#[derive(Debug, Clone, PartialEq)]
pub struct CanaryPlan {
    /// Traffic percentages, increasing, ending at 100.
    pub steps: Vec<u32>,
    /// How long each step is watched before promotion.
    pub hold: Duration,
    /// The availability objective, e.g. 0.999.
    pub slo: f64,
    /// Roll back above this burn rate (error rate ÷ error budget).
    pub max_burn_rate: f64,
    /// Requests a step must see before it can be promoted; also the smallest
    /// denominator of the burn rate.
    pub min_requests: u64,
}

impl Default for CanaryPlan {
    /// 1, 5, 25, 50, 100 %, five minutes each, 99.9 % SLO, roll back above a
    /// 2× burn, judge on at least 1 000 requests.
    fn default() -> Self {
        Self {
            steps: vec![1, 5, 25, 50, 100],
            hold: Duration::from_secs(300),
            slo: 0.999,
            max_burn_rate: 2.0,
            min_requests: 1_000,
        }
    }
}

/// A plan the controller refuses to run.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanError {
    /// Steps must rise strictly, start above 0 and end at exactly 100.
    BadSteps(Vec<u32>),
    /// The SLO must lie strictly between 0 and 1.
    BadSlo(f64),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadSteps(steps) => write!(
                f,
                "canary steps {steps:?} must rise strictly from above 0% to exactly 100%"
            ),
            Self::BadSlo(slo) => write!(f, "an SLO of {slo} is not between 0 and 1"),
        }
    }
}

impl std::error::Error for PlanError {}

/// Cumulative request and error counters of the canary version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Requests served by the canary so far.
    pub requests: u64,
    /// Of those, the ones that failed (5xx, timeouts).
    pub errors: u64,
}

/// What the controller did on an evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Keep the current weight and keep watching.
    Hold {
        /// The canary's share of traffic, in percent.
        weight: u32,
    },
    /// Moved to the next step.
    Promote {
        /// The previous share, in percent.
        from: u32,
        /// The new share, in percent.
        to: u32,
    },
    /// The last step held: the new version is the stable one.
    Complete,
    /// Traffic went back to the stable version.
    RollBack {
        /// The share the canary had when it was stopped.
        weight: u32,
        /// The burn rate that stopped it.
        burn_rate: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Running,
    Complete,
    RolledBack { weight: u32, burn_rate: f64 },
}

/// Drives one canary release through its plan.
#[derive(Debug)]
pub struct CanaryController<C: Clock> {
    plan: CanaryPlan,
    clock: C,
    step: usize,
    step_started: Duration,
    baseline: Counts,
    state: State,
}

impl<C: Clock> CanaryController<C> {
    // ANCHOR: solution
    /// Starts the canary at the plan's first step.
    ///
    /// # Errors
    ///
    /// [`PlanError`] for steps that do not rise to 100 % or an SLO outside (0, 1).
    pub fn new(plan: CanaryPlan, clock: C) -> Result<Self, PlanError> {
        let rising = plan.steps.windows(2).all(|w| w[0] < w[1]);
        if plan.steps.first().is_none_or(|&s| s == 0) || plan.steps.last() != Some(&100) || !rising
        {
            return Err(PlanError::BadSteps(plan.steps));
        }
        if !(plan.slo > 0.0 && plan.slo < 1.0) {
            return Err(PlanError::BadSlo(plan.slo));
        }
        let step_started = clock.now();
        Ok(Self {
            plan,
            clock,
            step: 0,
            step_started,
            baseline: Counts::default(),
            state: State::Running,
        })
    }
    // ANCHOR_END: solution

    /// The canary's share of traffic now, in percent (0 after a rollback).
    #[must_use]
    pub fn weight(&self) -> u32 {
        match self.state {
            State::Running | State::Complete => self.plan.steps[self.step],
            State::RolledBack { .. } => 0,
        }
    }

    // ANCHOR: observe
    // ANCHOR: solution
    /// Evaluates the canary against its counters `now`.
    pub fn observe(&mut self, total: Counts) -> Decision {
        match self.state {
            State::Complete => return Decision::Complete,
            State::RolledBack { weight, burn_rate } => {
                return Decision::RollBack { weight, burn_rate };
            }
            State::Running => {}
        }
        // Counters since the step began (a counter reset counts as zero).
        let requests = total.requests.saturating_sub(self.baseline.requests);
        let errors = total.errors.saturating_sub(self.baseline.errors);
        let judged_over = requests.max(self.plan.min_requests).max(1);
        let burn_rate = errors as f64 / judged_over as f64 / (1.0 - self.plan.slo);
        let weight = self.weight();
        if burn_rate > self.plan.max_burn_rate {
            self.state = State::RolledBack { weight, burn_rate };
            return Decision::RollBack { weight, burn_rate };
        }
        let held = self.clock.now() - self.step_started >= self.plan.hold;
        if !held || requests < self.plan.min_requests {
            return Decision::Hold { weight };
        }
        if self.step + 1 == self.plan.steps.len() {
            self.state = State::Complete;
            return Decision::Complete;
        }
        self.step += 1;
        self.step_started = self.clock.now();
        self.baseline = total;
        Decision::Promote {
            from: weight,
            to: self.weight(),
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: observe
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    /// Runs a canary against Go Coffee's traffic (`rps` requests a second in
    /// total), evaluating every `tick`; the canary fails `errors_per_100k` of
    /// every 100 000 requests at each weight. Returns every decision that was
    /// not a Hold, and the time the run ended.
    fn run(
        plan: CanaryPlan,
        rps: u64,
        tick: Duration,
        errors_per_100k: impl Fn(u32) -> u64,
    ) -> (Vec<Decision>, Duration) {
        let clock = ManualClock::new();
        let mut canary = CanaryController::new(plan, clock.clone()).unwrap();
        let mut total = Counts::default();
        let mut failing = 0; // errors owed, in units of 1/100 000 request
        let mut events = Vec::new();
        for _ in 0..100_000 {
            clock.advance(tick);
            let weight = canary.weight();
            let served = rps * tick.as_secs() * u64::from(weight) / 100;
            total.requests += served;
            failing += served * errors_per_100k(weight);
            total.errors += failing / 100_000;
            failing %= 100_000;
            match canary.observe(total) {
                Decision::Hold { .. } => {}
                d @ Decision::Promote { .. } => events.push(d),
                d => {
                    events.push(d);
                    break;
                }
            }
        }
        (events, clock.now())
    }

    #[test]
    fn a_healthy_canary_goes_through_every_step() {
        // 1 000 requests a second; the canary fails 0.05% (a 0.5× burn).
        let (events, ended) = run(
            CanaryPlan::default(),
            1_000,
            Duration::from_secs(10),
            |_| 50,
        );
        assert_eq!(
            events,
            [
                Decision::Promote { from: 1, to: 5 },
                Decision::Promote { from: 5, to: 25 },
                Decision::Promote { from: 25, to: 50 },
                Decision::Promote { from: 50, to: 100 },
                Decision::Complete,
            ]
        );
        // Five holds of five minutes: at 1% (10 rps) 300 s bring 3 000 requests.
        assert_eq!(ended, Duration::from_secs(5 * 300));
    }

    #[test]
    fn low_traffic_holds_a_step_until_enough_requests_were_seen() {
        // 100 rps: at 1% the canary sees 1 rps, so 1 000 requests take 1 000 s.
        let (events, _) = run(CanaryPlan::default(), 100, Duration::from_secs(10), |_| 0);
        assert_eq!(events.len(), 5);
        let clock = ManualClock::new();
        let mut c = CanaryController::new(CanaryPlan::default(), clock.clone()).unwrap();
        clock.advance(Duration::from_secs(300));
        assert_eq!(
            c.observe(Counts {
                requests: 300,
                errors: 0
            }),
            Decision::Hold { weight: 1 }
        );
        clock.advance(Duration::from_secs(700));
        assert_eq!(
            c.observe(Counts {
                requests: 1_000,
                errors: 0
            }),
            Decision::Promote { from: 1, to: 5 }
        );
    }

    #[test]
    fn a_few_early_errors_do_not_roll_back_but_a_full_window_of_them_does() {
        let clock = ManualClock::new();
        let mut c = CanaryController::new(CanaryPlan::default(), clock.clone()).unwrap();
        // 1 error in 10 requests: judged over 1 000, a 1× burn.
        let d = c.observe(Counts {
            requests: 10,
            errors: 1,
        });
        assert_eq!(d, Decision::Hold { weight: 1 });
        // 3 errors in 50 requests already exceed 2 per 1 000: roll back now.
        let d = c.observe(Counts {
            requests: 50,
            errors: 3,
        });
        assert!(
            matches!(d, Decision::RollBack { weight: 1, burn_rate } if (burn_rate - 3.0).abs() < 1e-9)
        );
        // Terminal: later good numbers do not resurrect it.
        clock.advance(Duration::from_secs(3_600));
        assert!(matches!(
            c.observe(Counts {
                requests: 1_000_000,
                errors: 3
            }),
            Decision::RollBack { .. }
        ));
        assert_eq!(c.weight(), 0);
    }

    #[test]
    fn a_fault_that_appears_only_under_load_is_caught_at_that_step() {
        // A connection pool too small for 25% of traffic: 1% errors from then on.
        let (events, _) = run(CanaryPlan::default(), 1_000, Duration::from_secs(10), |w| {
            if w >= 25 { 1_000 } else { 0 }
        });
        assert_eq!(events.len(), 3);
        assert!(
            matches!(events[2], Decision::RollBack { weight: 25, burn_rate } if burn_rate > 2.0)
        );
    }

    #[test]
    fn each_promotion_judges_only_its_own_step() {
        // Step 1 burns hard, though within this plan's very loose limit; its
        // errors are not charged to step 2, which is judged on its own counts.
        let clock = ManualClock::new();
        let plan = CanaryPlan {
            max_burn_rate: 1_000.0,
            ..CanaryPlan::default()
        };
        let mut c = CanaryController::new(plan, clock.clone()).unwrap();
        clock.advance(Duration::from_secs(300));
        let at_step_1 = Counts {
            requests: 3_000,
            errors: 1_500,
        };
        assert_eq!(c.observe(at_step_1), Decision::Promote { from: 1, to: 5 });
        clock.advance(Duration::from_secs(300));
        let d = c.observe(Counts {
            requests: 18_000,
            errors: 1_500,
        });
        assert_eq!(d, Decision::Promote { from: 5, to: 25 });
    }

    #[test]
    fn bad_plans_are_refused() {
        let bad = |steps: Vec<u32>| CanaryPlan {
            steps,
            ..CanaryPlan::default()
        };
        let clock = ManualClock::new();
        for steps in [
            vec![],
            vec![0, 100],
            vec![10, 50],
            vec![10, 10, 100],
            vec![50, 20, 100],
        ] {
            let err = CanaryController::new(bad(steps.clone()), clock.clone()).unwrap_err();
            assert_eq!(err, PlanError::BadSteps(steps));
        }
        let plan = CanaryPlan {
            slo: 1.0,
            ..CanaryPlan::default()
        };
        let err = CanaryController::new(plan, clock).unwrap_err();
        assert!(err.to_string().contains("not between 0 and 1"));
    }

    proptest! {
        #[test]
        fn weights_follow_the_plan_and_a_burning_canary_never_completes(
            per_100k in 0u64..2_000,
            rps in 100u64..5_000,
        ) {
            let plan = CanaryPlan::default();
            let budget_per_100k = ((1.0 - plan.slo) * 100_000.0).round() as u64; // 100
            let (events, _) = run(plan.clone(), rps, Duration::from_secs(10), |_| per_100k);
            let mut expected_from = plan.steps.iter().copied();
            for e in &events {
                if let Decision::Promote { from, to } = *e {
                    let f = expected_from.next().unwrap();
                    prop_assert_eq!(from, f);
                    prop_assert!(plan.steps.contains(&to) && to > from);
                }
            }
            // Within the budget always completes; 4× or more never does. In
            // between, one error more or less in a short window decides.
            let last = *events.last().unwrap();
            if per_100k >= 4 * budget_per_100k {
                prop_assert!(matches!(last, Decision::RollBack { .. }), "{:?}", events);
            }
            if per_100k <= budget_per_100k {
                prop_assert_eq!(last, Decision::Complete);
            }
        }
    }
}
