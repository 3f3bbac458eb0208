//! PodDisruptionBudget arithmetic: how many pods a node drain may evict now.
//!
//! A PodDisruptionBudget (PDB) protects a service from *voluntary*
//! disruptions: `kubectl drain` before a node upgrade, the cluster autoscaler
//! removing a node, the descheduler moving a pod. Each eviction goes through
//! the Eviction API, which refuses (HTTP 429) when it would leave fewer healthy
//! pods than the budget wants. The disruption controller works out
//!
//! - `desiredHealthy = minAvailable` scaled to the expected pod count, rounded
//!   **up**, or `expected − maxUnavailable` with `maxUnavailable` rounded
//!   **up** as well (so both forms err on the side of fewer evictions);
//! - `disruptionsAllowed = max(0, currentHealthy − desiredHealthy)`.
//!
//! The Kubernetes documentation's own example: 7 pods with `minAvailable: 50%`
//! need 4 available (3.5 rounded up). Two traps the tests show: a budget of
//! `minAvailable: 100%` (or `maxUnavailable: 0`) blocks every drain forever, and
//! a PDB does nothing against *involuntary* disruptions: a zone outage takes
//! its pods whatever the budget says (that is what
//! [`topology_spread::replicas_for_zone_loss`](crate::topology_spread::replicas_for_zone_loss)
//! sizes for).
//!
//! # Example
//!
//! ```
//! use coffee_patterns::disruption_budget::{Budget, DisruptionBudget};
//! use coffee_patterns::int_or_percent::IntOrPercent;
//!
//! let docs = DisruptionBudget::new(Budget::MinAvailable(IntOrPercent::Percent(50)));
//! assert_eq!(docs.desired_healthy(7), 4);
//!
//! // Go Coffee's order service: 9 replicas, at least 66% of them available.
//! let orders = DisruptionBudget::new(Budget::MinAvailable(IntOrPercent::Percent(66)));
//! assert_eq!(orders.desired_healthy(9), 6); // 5.94 rounded up
//! assert_eq!(orders.disruptions_allowed(9, 9), 3);
//! assert_eq!(orders.disruptions_allowed(9, 7), 1); // two are already down
//! ```

use crate::int_or_percent::{IntOrPercent, Rounding};

/// The one field a PDB sets (Kubernetes allows exactly one of the two).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// At least this many (or this share of the) pods stay healthy.
    MinAvailable(IntOrPercent),
    /// At most this many (or this share of the) pods may be unhealthy.
    MaxUnavailable(IntOrPercent),
}

/// A PodDisruptionBudget over one workload's pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisruptionBudget {
    budget: Budget,
}

/// What draining a node's pods one eviction at a time achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrainOutcome {
    /// Pods the Eviction API let go.
    pub evicted: u32,
    /// Pods still on the node: their evictions got 429 Too Many Requests.
    pub refused: u32,
}

impl DisruptionBudget {
    /// A budget with the given field.
    #[must_use]
    pub fn new(budget: Budget) -> Self {
        Self { budget }
    }

    // ANCHOR: arithmetic
    // ANCHOR: solution
    /// How many pods must stay healthy out of `expected` (the owning
    /// controller's replica count).
    #[must_use]
    pub fn desired_healthy(&self, expected: u32) -> u32 {
        match self.budget {
            Budget::MinAvailable(min) => min.scaled(expected, Rounding::Up),
            Budget::MaxUnavailable(max) => {
                expected.saturating_sub(max.scaled(expected, Rounding::Up))
            }
        }
    }

    /// How many more pods may be evicted now (`status.disruptionsAllowed`).
    #[must_use]
    pub fn disruptions_allowed(&self, expected: u32, healthy: u32) -> u32 {
        healthy.saturating_sub(self.desired_healthy(expected))
    }
    // ANCHOR_END: solution
    // ANCHOR_END: arithmetic

    /// Drains a node holding `on_node` healthy pods of the workload, evicting
    /// one at a time as `kubectl drain` does. Evicted pods are not replaced
    /// during the drain (replacements take longer than the drain's retries).
    #[must_use]
    pub fn drain(&self, expected: u32, healthy: u32, on_node: u32) -> DrainOutcome {
        let mut healthy = healthy;
        let mut evicted = 0;
        while evicted < on_node && self.disruptions_allowed(expected, healthy) > 0 {
            healthy -= 1;
            evicted += 1;
        }
        DrainOutcome {
            evicted,
            refused: on_node - evicted,
        }
    }

    /// Whether this budget can never allow an eviction, whatever the health:
    /// `minAvailable` of 100% or more, or `maxUnavailable` of zero.
    #[must_use]
    pub fn blocks_every_drain(&self, expected: u32) -> bool {
        self.disruptions_allowed(expected, expected) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntOrPercent::{Int, Percent};
    use proptest::prelude::*;

    fn min(v: IntOrPercent) -> DisruptionBudget {
        DisruptionBudget::new(Budget::MinAvailable(v))
    }

    fn max(v: IntOrPercent) -> DisruptionBudget {
        DisruptionBudget::new(Budget::MaxUnavailable(v))
    }

    #[test]
    fn the_documented_example_rounds_up() {
        // kubernetes.io, "Specifying a Disruption Budget": 7 pods, 50% → 4.
        assert_eq!(min(Percent(50)).desired_healthy(7), 4);
        assert_eq!(min(Percent(50)).disruptions_allowed(7, 7), 3);
    }

    #[test]
    fn max_unavailable_percentages_round_up_too() {
        // 25% of 10 is 2.5 → 3 may be unavailable, so 7 must stay.
        assert_eq!(max(Percent(25)).desired_healthy(10), 7);
        // The same 25% in a rolling update would have allowed only 2 down.
        assert_eq!(max(Int(1)).desired_healthy(10), 9);
        assert_eq!(max(Percent(100)).desired_healthy(10), 0);
        // More than there are: nothing must stay.
        assert_eq!(max(Int(20)).desired_healthy(10), 0);
    }

    #[test]
    fn unhealthy_pods_use_up_the_budget() {
        let b = min(Int(6));
        assert_eq!(b.disruptions_allowed(9, 9), 3);
        assert_eq!(b.disruptions_allowed(9, 6), 0);
        assert_eq!(b.disruptions_allowed(9, 4), 0); // below the floor: none, not negative
    }

    #[test]
    fn a_drain_stops_at_the_budget() {
        let b = min(Percent(66));
        // A node with 4 of the 9 pods: 3 go, the 4th eviction is refused.
        assert_eq!(
            b.drain(9, 9, 4),
            DrainOutcome {
                evicted: 3,
                refused: 1
            }
        );
        assert_eq!(b.drain(9, 9, 2).refused, 0);
    }

    #[test]
    fn budgets_that_block_every_drain() {
        assert!(min(Percent(100)).blocks_every_drain(9));
        assert!(min(Int(9)).blocks_every_drain(9));
        assert!(max(Int(0)).blocks_every_drain(9));
        assert!(max(Percent(0)).blocks_every_drain(9));
        // 5% of 9 is 0.45 pods; maxUnavailable rounds up, so one eviction is allowed.
        assert!(!max(Percent(5)).blocks_every_drain(9));
        assert!(!min(Percent(66)).blocks_every_drain(9));
    }

    proptest! {
        #[test]
        fn evictions_never_take_the_workload_below_its_budget(
            percent in 0u32..=100,
            use_max in any::<bool>(),
            expected in 1u32..200,
            down in 0u32..200,
            on_node in 0u32..50,
        ) {
            let b = if use_max { max(Percent(percent)) } else { min(Percent(percent)) };
            let healthy = expected.saturating_sub(down);
            let on_node = on_node.min(healthy);
            let outcome = b.drain(expected, healthy, on_node);
            prop_assert_eq!(outcome.evicted + outcome.refused, on_node);
            let left = healthy - outcome.evicted;
            if outcome.evicted > 0 {
                prop_assert!(left >= b.desired_healthy(expected));
            }
            // A refusal means the next eviction would break the budget.
            if outcome.refused > 0 {
                prop_assert_eq!(b.disruptions_allowed(expected, left), 0);
            }
            // Rounding up the field: minAvailable lands at or just above the exact
            // share, expected − maxUnavailable at or just below it.
            let exact = f64::from(percent) * f64::from(expected) / 100.0;
            let want = f64::from(b.desired_healthy(expected));
            if use_max {
                let floor = f64::from(expected) - exact;
                prop_assert!(want <= floor && want > floor - 1.0);
            } else {
                prop_assert!(want >= exact && want < exact + 1.0);
            }
        }
    }
}
