//! An auto-remediation guard: automation may restart unhealthy machines, but
//! never more than its blast radius allows.
//!
//! Automatic restarts fix the common case (one process leaking memory) and
//! cause the worst outages in the uncommon one: a bad config push or a
//! failing dependency makes *every* node look unhealthy, and a remediation
//! bot that restarts whatever looks unhealthy takes the whole fleet down at
//! once. [`BlastRadiusGuard`] sits between the detector and the actuator and
//! enforces two limits:
//!
//! - **Rate**: at most `max_percent` of the fleet restarted within any
//!   sliding `window` (rounded down, so 5% of a 30-node fleet is 1 node). A
//!   request beyond that is granted partly or refused, never exceeded.
//! - **Systemic failure**: if more than `systemic_percent` of the fleet is
//!   unhealthy at once, the cause is probably not the nodes; the guard
//!   refuses everything and says to page a human.
//!
//! The property test plays random request sequences and checks the rate
//! limit over every window, not just the windows the guard itself looked at.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::remediation::{BlastRadiusGuard, Refused};
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! // 200 espresso-machine controllers; at most 5% (10) restarted per 10 minutes.
//! let mut guard = BlastRadiusGuard::new(200, 5, Duration::from_secs(600), 20, clock.clone());
//! assert_eq!(guard.request(4, 4), Ok(4));
//! assert_eq!(guard.request(8, 8), Ok(6), "only 6 left in this window");
//! assert_eq!(guard.request(1, 9), Err(Refused::BudgetSpent { next_in: Duration::from_secs(600) }));
//! // A bad config push: 150 of 200 unhealthy. Do nothing; page someone.
//! clock.advance(Duration::from_secs(600));
//! assert_eq!(guard.request(150, 150), Err(Refused::Systemic { unhealthy: 150, fleet: 200 }));
//! ```

use crate::clock::Clock;
use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

/// Why the guard did not allow a restart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// The window's budget is used up; the oldest restart leaves the window
    /// after `next_in`.
    BudgetSpent {
        /// When at least one restart will be allowed again.
        next_in: Duration,
    },
    /// Too much of the fleet is unhealthy for node restarts to be the fix.
    Systemic {
        /// Nodes reported unhealthy.
        unhealthy: usize,
        /// Fleet size.
        fleet: usize,
    },
    /// The fleet is too small for `max_percent` to allow even one node.
    NoBudget,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BudgetSpent { next_in } => write!(f, "restart budget spent; next in {next_in:?}"),
            Self::Systemic { unhealthy, fleet } => {
                write!(
                    f,
                    "{unhealthy} of {fleet} nodes unhealthy: a systemic failure, page a human"
                )
            }
            Self::NoBudget => write!(f, "the blast radius allows no restart at all in this fleet"),
        }
    }
}

impl std::error::Error for Refused {}

// ANCHOR: guard
// ANCHOR: solution
/// Grants restarts within a sliding-window budget of the fleet.
#[derive(Debug, Clone)]
pub struct BlastRadiusGuard<C: Clock> {
    fleet: usize,
    budget: usize,
    window: Duration,
    systemic_percent: usize,
    clock: C,
    /// (time, nodes) of every grant still inside the window.
    granted: VecDeque<(Duration, usize)>,
}

impl<C: Clock> BlastRadiusGuard<C> {
    /// A guard for a fleet of `fleet` nodes allowing `max_percent` of them
    /// per `window`, and nothing when more than `systemic_percent` are
    /// unhealthy.
    pub fn new(
        fleet: usize,
        max_percent: usize,
        window: Duration,
        systemic_percent: usize,
        clock: C,
    ) -> Self {
        Self {
            fleet,
            budget: fleet * max_percent / 100,
            window,
            systemic_percent,
            clock,
            granted: VecDeque::new(),
        }
    }

    /// Restarts allowed per window.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Asks to restart `nodes` nodes while `unhealthy` are unhealthy; returns
    /// how many may be restarted now (`1..=nodes`).
    ///
    /// # Errors
    ///
    /// [`Refused`] when none may.
    pub fn request(&mut self, nodes: usize, unhealthy: usize) -> Result<usize, Refused> {
        if self.budget == 0 {
            return Err(Refused::NoBudget);
        }
        if unhealthy * 100 > self.fleet * self.systemic_percent {
            return Err(Refused::Systemic {
                unhealthy,
                fleet: self.fleet,
            });
        }
        let now = self.clock.now();
        // A grant at time t counts for the window (t, t + window].
        while self
            .granted
            .front()
            .is_some_and(|&(t, _)| t + self.window <= now)
        {
            self.granted.pop_front();
        }
        let used: usize = self.granted.iter().map(|&(_, n)| n).sum();
        let allowed = nodes.min(self.budget - used);
        if allowed == 0 {
            let oldest = self.granted.front().map_or(now, |&(t, _)| t);
            return Err(Refused::BudgetSpent {
                next_in: oldest + self.window - now,
            });
        }
        self.granted.push_back((now, allowed));
        Ok(allowed)
    }
}
// ANCHOR_END: solution
// ANCHOR_END: guard

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn budget_rounds_down_and_a_tiny_fleet_gets_none() {
        let clock = ManualClock::new();
        assert_eq!(
            BlastRadiusGuard::new(30, 5, MINUTE, 50, clock.clone()).budget(),
            1
        );
        let mut tiny = BlastRadiusGuard::new(10, 5, MINUTE, 50, clock);
        assert_eq!(tiny.request(1, 1), Err(Refused::NoBudget));
        assert_eq!(
            Refused::Systemic {
                unhealthy: 9,
                fleet: 10
            }
            .to_string(),
            "9 of 10 nodes unhealthy: a systemic failure, page a human"
        );
    }

    #[test]
    fn the_budget_comes_back_as_grants_leave_the_window() {
        let clock = ManualClock::new();
        let mut guard = BlastRadiusGuard::new(100, 3, 10 * MINUTE, 50, clock.clone());
        assert_eq!(guard.request(1, 1), Ok(1));
        clock.advance(4 * MINUTE);
        assert_eq!(guard.request(5, 5), Ok(2));
        clock.advance(5 * MINUTE);
        assert_eq!(
            guard.request(1, 1),
            Err(Refused::BudgetSpent { next_in: MINUTE })
        );
        clock.advance(MINUTE);
        assert_eq!(guard.request(5, 5), Ok(1), "the first grant has left");
    }

    proptest! {
        /// For any sequence of requests at any times, no window of length
        /// `window` ever contains more restarts than the budget, and nothing
        /// is granted while the failure looks systemic.
        #[test]
        fn never_exceeds_the_blast_radius(
            fleet in 1usize..400,
            max_percent in 1usize..30,
            window_s in 1u64..600,
            requests in proptest::collection::vec((0u64..300, 0usize..50, 0usize..400), 1..80),
        ) {
            let clock = ManualClock::new();
            let window = Duration::from_secs(window_s);
            let mut guard = BlastRadiusGuard::new(fleet, max_percent, window, 25, clock.clone());
            let budget = fleet * max_percent / 100;
            let mut log: Vec<(Duration, usize)> = Vec::new();
            for (wait_s, nodes, unhealthy) in requests {
                clock.advance(Duration::from_secs(wait_s));
                let unhealthy = unhealthy.min(fleet);
                match guard.request(nodes, unhealthy) {
                    Ok(n) => {
                        prop_assert!(n >= 1 && n <= nodes);
                        prop_assert!(unhealthy * 100 <= fleet * 25);
                        log.push((clock.now(), n));
                    }
                    Err(Refused::NoBudget) => prop_assert_eq!(budget, 0),
                    Err(_) => {}
                }
            }
            // Check every window that ends at a grant.
            for &(end, _) in &log {
                let in_window: usize = log.iter().filter(|&&(t, _)| t <= end && t + window > end).map(|&(_, n)| n).sum();
                prop_assert!(in_window <= budget, "{in_window} restarts in one window, budget {budget}");
            }
        }
    }
}
