//! Rolling updates as the Kubernetes Deployment controller does them.
//!
//! A rolling update replaces the old ReplicaSet's pods with the new one's a
//! few at a time, between two fenceposts computed from the strategy:
//!
//! - `maxSurge`: how many pods *above* `replicas` may exist at once, a
//!   percentage rounded **up** (room to make progress);
//! - `maxUnavailable`: how many pods *below* `replicas` may be unavailable, a
//!   percentage rounded **down** (never below the floor).
//!
//! With 10 replicas and the default 25 %/25 %, that is at most 13 pods and at
//! least 8 available. Both fields literally zero is rejected by validation (the
//! rollout could never move); when percentages only *round* to zero for both,
//! the controller uses `maxUnavailable = 1` (Kubernetes' `ResolveFenceposts`).
//!
//! Each controller sync ([`Rollout::sync`]) first scales the new ReplicaSet up
//! as far as the surge allows, then scales the old one down as far as
//! availability allows: `allPods − minAvailable − newUnavailable`. The new
//! pods that are still starting count against that, so a new version that
//! never becomes ready stalls the rollout with the floor intact instead of
//! taking the service down ([`Rollout::is_stalled`]; Kubernetes reports it
//! after `progressDeadlineSeconds`, and `kubectl rollout undo` goes back).
//!
//! # Example
//!
//! ```
//! use coffee_patterns::int_or_percent::IntOrPercent::Percent;
//! use coffee_patterns::rollout::{Fenceposts, Rollout, RollingUpdate};
//!
//! let strategy = RollingUpdate { max_surge: Percent(25), max_unavailable: Percent(25) };
//! assert_eq!(strategy.fenceposts(10), Ok(Fenceposts { surge: 3, unavailable: 2 }));
//!
//! let mut rollout = Rollout::start(10, strategy).unwrap();
//! let mut syncs = 0;
//! while !rollout.is_complete() {
//!     rollout.sync(true); // the new pods pass their readiness probe
//!     assert!(rollout.available() >= 8 && rollout.total() <= 13);
//!     syncs += 1;
//! }
//! assert_eq!(syncs, 5);
//! ```

use std::fmt;

use crate::int_or_percent::{IntOrPercent, Rounding};

/// A Deployment's `strategy.rollingUpdate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RollingUpdate {
    /// Pods allowed above the desired count during the update.
    pub max_surge: IntOrPercent,
    /// Pods allowed below the desired count during the update.
    pub max_unavailable: IntOrPercent,
}

/// The two limits in pods, for a given replica count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fenceposts {
    /// At most `replicas + surge` pods exist.
    pub surge: u32,
    /// At least `replicas − unavailable` pods are available.
    pub unavailable: u32,
}

/// A strategy the API server would refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrategyError {
    /// `maxSurge` and `maxUnavailable` are both zero: nothing could ever move.
    BothZero,
    /// `maxUnavailable` above 100%.
    UnavailableOver100(u32),
}

impl fmt::Display for StrategyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BothZero => f.write_str("maxUnavailable may not be 0 when maxSurge is 0"),
            Self::UnavailableOver100(p) => {
                write!(f, "maxUnavailable must not be greater than 100%, got {p}%")
            }
        }
    }
}

impl std::error::Error for StrategyError {}

impl RollingUpdate {
    /// Kubernetes' default: 25% surge, 25% unavailable.
    pub const DEFAULT: Self = Self {
        max_surge: IntOrPercent::Percent(25),
        max_unavailable: IntOrPercent::Percent(25),
    };

    // ANCHOR: fenceposts
    // ANCHOR: solution
    /// The limits for `replicas` pods.
    ///
    /// # Errors
    ///
    /// [`StrategyError`] for a strategy that validation rejects.
    pub fn fenceposts(&self, replicas: u32) -> Result<Fenceposts, StrategyError> {
        if self.max_surge.is_zero() && self.max_unavailable.is_zero() {
            return Err(StrategyError::BothZero);
        }
        if let IntOrPercent::Percent(p @ 101..) = self.max_unavailable {
            return Err(StrategyError::UnavailableOver100(p));
        }
        let surge = self.max_surge.scaled(replicas, Rounding::Up);
        let unavailable = self.max_unavailable.scaled(replicas, Rounding::Down);
        Ok(if surge == 0 && unavailable == 0 {
            // Both rounded to zero: allow one down rather than never moving.
            Fenceposts {
                surge,
                unavailable: 1,
            }
        } else {
            Fenceposts { surge, unavailable }
        })
    }
    // ANCHOR_END: solution
    // ANCHOR_END: fenceposts
}

/// The state of one rolling update: old pods (all available) and new pods,
/// some still starting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rollout {
    replicas: u32,
    limits: Fenceposts,
    old: u32,
    new_ready: u32,
    new_starting: u32,
    idle_syncs: u32,
}

impl Rollout {
    /// A rollout of `replicas` pods, all of the old version and available.
    ///
    /// # Errors
    ///
    /// [`StrategyError`] for a strategy that validation rejects.
    pub fn start(replicas: u32, strategy: RollingUpdate) -> Result<Self, StrategyError> {
        Ok(Self {
            replicas,
            limits: strategy.fenceposts(replicas)?,
            old: replicas,
            new_ready: 0,
            new_starting: 0,
            idle_syncs: 0,
        })
    }

    // ANCHOR: sync
    // ANCHOR: solution
    /// One controller sync. Pods started by the previous sync become ready if
    /// `new_pods_ready` (the new version is healthy); then the new ReplicaSet
    /// scales up within the surge and the old one down within availability.
    pub fn sync(&mut self, new_pods_ready: bool) {
        let before = (self.old, self.new_ready, self.new_starting);
        if new_pods_ready {
            self.new_ready += std::mem::take(&mut self.new_starting);
        }
        // reconcileNewReplicaSet: never more than replicas + surge pods.
        let max_total = self.replicas + self.limits.surge;
        let new = self.new_ready + self.new_starting;
        let scale_up = max_total
            .saturating_sub(self.total())
            .min(self.replicas - new);
        self.new_starting += scale_up;
        // reconcileOldReplicaSets: keep replicas − unavailable available.
        let min_available = self.replicas.saturating_sub(self.limits.unavailable);
        let max_scale_down = self
            .total()
            .saturating_sub(min_available)
            .saturating_sub(self.new_starting);
        self.old -= max_scale_down.min(self.old);
        let moved = (self.old, self.new_ready, self.new_starting) != before;
        self.idle_syncs = if moved { 0 } else { self.idle_syncs + 1 };
    }
    // ANCHOR_END: solution
    // ANCHOR_END: sync

    /// Pods that serve traffic: old ones and ready new ones.
    #[must_use]
    pub fn available(&self) -> u32 {
        self.old + self.new_ready
    }

    /// All pods, starting ones included.
    #[must_use]
    pub fn total(&self) -> u32 {
        self.old + self.new_ready + self.new_starting
    }

    /// Pods of the old version still running.
    #[must_use]
    pub fn old(&self) -> u32 {
        self.old
    }

    /// The limits this rollout runs within.
    #[must_use]
    pub fn fenceposts(&self) -> Fenceposts {
        self.limits
    }

    /// Every pod is new and ready.
    #[must_use]
    pub fn is_complete(&self) -> bool {
        self.old == 0 && self.new_ready == self.replicas
    }

    /// The last sync changed nothing although the rollout is not complete:
    /// the new pods are not becoming ready (`ProgressDeadlineExceeded`).
    #[must_use]
    pub fn is_stalled(&self) -> bool {
        !self.is_complete() && self.idle_syncs > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntOrPercent::{Int, Percent};
    use proptest::prelude::*;

    fn strategy(surge: IntOrPercent, unavailable: IntOrPercent) -> RollingUpdate {
        RollingUpdate {
            max_surge: surge,
            max_unavailable: unavailable,
        }
    }

    #[test]
    fn the_documented_fenceposts() {
        // Kubernetes docs: 10 replicas × 25% → surge 3 (up), unavailable 2 (down).
        let f = RollingUpdate::DEFAULT.fenceposts(10).unwrap();
        assert_eq!((f.surge, f.unavailable), (3, 2));
        // Whole numbers are taken as they are.
        let f = strategy(Int(1), Int(0)).fenceposts(10).unwrap();
        assert_eq!((f.surge, f.unavailable), (1, 0));
        // 9 replicas: 2.25 → surge 3, unavailable 2.
        let f = RollingUpdate::DEFAULT.fenceposts(9).unwrap();
        assert_eq!((f.surge, f.unavailable), (3, 2));
    }

    #[test]
    fn both_zero_is_rejected_but_rounding_to_zero_allows_one_down() {
        assert_eq!(
            strategy(Int(0), Int(0)).fenceposts(10),
            Err(StrategyError::BothZero)
        );
        assert_eq!(
            strategy(Percent(0), Int(0)).fenceposts(10),
            Err(StrategyError::BothZero)
        );
        assert!(StrategyError::BothZero.to_string().contains("may not be 0"));
        // 0% surge, 25% of 3 = 0.75 → 0 unavailable: resolved to 1.
        let f = strategy(Percent(0), Percent(25)).fenceposts(3).unwrap();
        assert_eq!((f.surge, f.unavailable), (0, 1));
        assert_eq!(
            strategy(Int(1), Percent(120)).fenceposts(3),
            Err(StrategyError::UnavailableOver100(120))
        );
    }

    #[test]
    fn a_new_version_that_never_gets_ready_stalls_above_the_floor() {
        let mut r = Rollout::start(10, RollingUpdate::DEFAULT).unwrap();
        for _ in 0..10 {
            r.sync(false);
            assert!(r.available() >= 8);
        }
        assert!(r.is_stalled());
        // 2 old pods gone and 5 new ones stuck starting: 13 pods, 8 serve.
        assert_eq!((r.old(), r.available(), r.total()), (8, 8, 13));
    }

    #[test]
    fn surge_only_and_unavailable_only_rollouts() {
        // maxUnavailable 0: each pod is started, then an old one goes once it
        // is ready; two syncs a pod, availability stays 10.
        let mut r = Rollout::start(10, strategy(Int(1), Int(0))).unwrap();
        let mut syncs = 0;
        while !r.is_complete() {
            r.sync(true);
            assert!(r.available() >= 10 && r.total() <= 11);
            syncs += 1;
        }
        assert_eq!(syncs, 20);
        // maxSurge 0: never more than 10 pods, down to 9 at worst.
        let mut r = Rollout::start(10, strategy(Int(0), Int(1))).unwrap();
        while !r.is_complete() {
            r.sync(true);
            assert!(r.available() >= 9 && r.total() <= 10);
        }
    }

    proptest! {
        #[test]
        fn availability_never_drops_below_the_floor(
            replicas in 1u32..60,
            surge_pct in 0u32..=100,
            unavailable_pct in 0u32..=100,
            healthy in proptest::collection::vec(any::<bool>(), 0..200),
        ) {
            let s = strategy(Percent(surge_pct), Percent(unavailable_pct));
            let Ok(mut r) = Rollout::start(replicas, s) else {
                prop_assert!(surge_pct == 0 && unavailable_pct == 0);
                return Ok(());
            };
            let f = r.fenceposts();
            let floor = replicas.saturating_sub(f.unavailable);
            for ready in healthy {
                r.sync(ready);
                prop_assert!(r.available() >= floor, "{:?}", r);
                prop_assert!(r.total() <= replicas + f.surge, "{:?}", r);
            }
            // Once the new pods are healthy, the rollout finishes in bounded syncs.
            for _ in 0..=2 * replicas + 2 {
                if r.is_complete() {
                    break;
                }
                r.sync(true);
                prop_assert!(r.available() >= floor);
            }
            prop_assert!(r.is_complete(), "{:?}", r);
        }
    }
}
