//! Spreading pods over zones (`topologySpreadConstraints`), and sizing a
//! deployment so that losing a whole zone still leaves enough of them.
//!
//! A Deployment that runs in three availability zones only survives a zone
//! outage if its pods really are in three zones. The Kubernetes scheduler's
//! `PodTopologySpread` plugin enforces that with a **max skew**: for a new pod
//! and a candidate zone, `skew = pods in that zone + 1 − pods in the emptiest
//! zone`, and with `whenUnsatisfiable: DoNotSchedule` a zone whose skew would
//! exceed `maxSkew` is not a candidate. Among the zones left, the scheduler
//! prefers the least loaded; this model takes the emptiest, ties by name.
//!
//! Two things follow that the tests pin down:
//!
//! - **scheduling and zone loss keep the skew**: placing a pod never pushes it
//!   past `maxSkew`, and a zone that disappears takes its pods with it, which
//!   cannot raise the skew of the zones left (their counts do not change);
//!   the replacements are scheduled by the same rule;
//! - **a zone that comes back is not rebalanced**: it rejoins empty, so the
//!   skew is suddenly the largest zone's size. The constraint is checked only
//!   when a pod is scheduled; new pods all go to the empty zone until it
//!   catches up, and moving running pods is the descheduler's job
//!   ([`Placement::rebalance`]).
//!
//! **N+1 across zones.** If the service needs `floor` pods to carry its peak,
//! the deployment must be large enough that losing its *largest* zone leaves
//! `floor`. With `n` pods over `z` zones and skew at most `s`, no zone holds
//! more than `⌊(n + (z − 1)·s) / z⌋` pods ([`largest_zone`]), and
//! [`replicas_for_zone_loss`] finds the smallest `n` that still leaves `floor`.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::topology_spread::{replicas_for_zone_loss, Placement};
//!
//! // Six pods carry the morning peak; three zones, maxSkew 1.
//! let replicas = replicas_for_zone_loss(6, 3, 1);
//! assert_eq!(replicas, 9); // 3 + 3 + 3: any zone can go, 6 remain
//!
//! let mut placement = Placement::new(["eu-west-1a", "eu-west-1b", "eu-west-1c"], 1);
//! for _ in 0..replicas {
//!     placement.schedule().unwrap();
//! }
//! assert_eq!(placement.pods_in("eu-west-1b"), 3);
//!
//! // eu-west-1b goes dark: its three pods are gone and are replaced elsewhere.
//! let lost = placement.lose_zone("eu-west-1b");
//! assert_eq!(lost, 3);
//! assert_eq!(placement.running(), 6); // still at the floor
//! for _ in 0..lost {
//!     placement.schedule().unwrap();
//! }
//! assert_eq!(placement.skew(), 1); // 5 and 4 in the two zones left
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// Pods per zone, and the scheduling rule that keeps them spread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    zones: BTreeMap<String, Zone>,
    max_skew: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Zone {
    up: bool,
    pods: u32,
}

/// No zone can take the pod without exceeding the max skew, or no zone is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unschedulable;

impl fmt::Display for Unschedulable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no zone is up that satisfies the topology spread constraint")
    }
}

impl std::error::Error for Unschedulable {}

impl Placement {
    /// An empty placement over `zones`, all up, with `maxSkew = max_skew`.
    ///
    /// # Panics
    ///
    /// Panics if `max_skew` is zero (Kubernetes rejects it too).
    #[must_use]
    pub fn new<'a>(zones: impl IntoIterator<Item = &'a str>, max_skew: u32) -> Self {
        assert!(max_skew > 0, "maxSkew must be at least 1");
        Self {
            zones: zones
                .into_iter()
                .map(|z| (z.to_owned(), Zone { up: true, pods: 0 }))
                .collect(),
            max_skew,
        }
    }

    // ANCHOR: schedule
    // ANCHOR: solution
    /// Places one pod: in the emptiest zone that is up, if that keeps
    /// `pods + 1 − min ≤ maxSkew` (ties go to the first zone by name).
    /// Returns the zone's name.
    ///
    /// # Errors
    ///
    /// [`Unschedulable`] when no zone is up.
    pub fn schedule(&mut self) -> Result<&str, Unschedulable> {
        let min = self.min_pods().ok_or(Unschedulable)?;
        let (name, zone) = self
            .zones
            .iter_mut()
            .filter(|(_, z)| z.up && z.pods + 1 - min <= self.max_skew)
            .min_by_key(|(_, z)| z.pods)
            .ok_or(Unschedulable)?;
        zone.pods += 1;
        Ok(name)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: schedule

    /// A zone outage: the zone stops being a candidate and its pods are gone.
    /// Returns how many pods were lost (the ReplicaSet will ask for that many
    /// replacements).
    ///
    /// # Panics
    ///
    /// Panics if `zone` is not one of the placement's zones.
    pub fn lose_zone(&mut self, zone: &str) -> u32 {
        let z = self.zones.get_mut(zone).expect("a known zone");
        z.up = false;
        std::mem::take(&mut z.pods)
    }

    /// The zone is back, empty. Running pods stay where they are.
    ///
    /// # Panics
    ///
    /// Panics if `zone` is not one of the placement's zones.
    pub fn restore_zone(&mut self, zone: &str) {
        self.zones.get_mut(zone).expect("a known zone").up = true;
    }

    // ANCHOR: rebalance
    // ANCHOR: solution
    /// What the descheduler's `RemovePodsViolatingTopologySpreadConstraint`
    /// does: evict a pod from the fullest zone and schedule its replacement,
    /// until the skew is within bounds. Returns the number of pods moved.
    pub fn rebalance(&mut self) -> u32 {
        let mut moved = 0;
        while self.skew() > self.max_skew {
            let fullest = self
                .zones
                .values_mut()
                .filter(|z| z.up)
                .max_by_key(|z| z.pods)
                .expect("a skew needs a zone that is up");
            fullest.pods -= 1;
            self.schedule()
                .expect("the emptiest zone can always take a pod");
            moved += 1;
        }
        moved
    }
    // ANCHOR_END: solution
    // ANCHOR_END: rebalance

    /// Pods in `zone` (0 for a zone that is down or unknown).
    #[must_use]
    pub fn pods_in(&self, zone: &str) -> u32 {
        self.zones.get(zone).map_or(0, |z| z.pods)
    }

    /// Pods running in all zones.
    #[must_use]
    pub fn running(&self) -> u32 {
        self.zones.values().map(|z| z.pods).sum()
    }

    /// Largest minus smallest pod count over the zones that are up.
    #[must_use]
    pub fn skew(&self) -> u32 {
        let up = || self.zones.values().filter(|z| z.up).map(|z| z.pods);
        up().max().unwrap_or(0) - up().min().unwrap_or(0)
    }

    /// The zones' names, in order.
    pub fn zone_names(&self) -> impl Iterator<Item = &str> {
        self.zones.keys().map(String::as_str)
    }

    fn min_pods(&self) -> Option<u32> {
        self.zones.values().filter(|z| z.up).map(|z| z.pods).min()
    }
}

// ANCHOR: sizing
// ANCHOR: solution
/// The most pods any one zone can hold when `replicas` pods are spread over
/// `zones` zones with skew at most `max_skew`: the others hold at least
/// `largest − max_skew` each, so `largest + (zones − 1)(largest − max_skew) ≤ replicas`.
///
/// # Panics
///
/// Panics if `zones` is zero.
#[must_use]
pub fn largest_zone(replicas: u32, zones: u32, max_skew: u32) -> u32 {
    assert!(zones > 0, "at least one zone");
    let bound =
        (u64::from(replicas) + u64::from(zones - 1) * u64::from(max_skew)) / u64::from(zones);
    replicas.min(u32::try_from(bound).unwrap_or(u32::MAX))
}

/// The fewest replicas such that losing the largest zone still leaves `floor`
/// pods running (N+1 at zone level).
///
/// # Panics
///
/// Panics if there are fewer than two zones: one zone cannot survive its own loss.
#[must_use]
pub fn replicas_for_zone_loss(floor: u32, zones: u32, max_skew: u32) -> u32 {
    assert!(zones >= 2, "surviving a zone loss needs two zones or more");
    (floor..)
        .find(|&n| n - largest_zone(n, zones, max_skew) >= floor)
        .expect("adding pods eventually covers the floor")
}
// ANCHOR_END: solution
// ANCHOR_END: sizing

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ZONES: [&str; 3] = ["a", "b", "c"];

    #[test]
    fn sizing_for_the_go_coffee_floor() {
        // 3 zones, skew 1: 9 pods (3 per zone) leave 6; 8 would leave 5.
        assert_eq!(replicas_for_zone_loss(6, 3, 1), 9);
        assert_eq!(8 - largest_zone(8, 3, 1), 5);
        // Two zones need double: each must carry the floor alone.
        assert_eq!(replicas_for_zone_loss(6, 2, 1), 12);
        // A looser skew costs pods: with skew 2, 9 pods could be 4 + 3 + 2.
        assert_eq!(largest_zone(9, 3, 2), 4);
        assert_eq!(replicas_for_zone_loss(6, 3, 2), 10);
        // Four zones: 8 pods, 2 per zone.
        assert_eq!(replicas_for_zone_loss(6, 4, 1), 8);
    }

    #[test]
    fn a_restored_zone_is_refilled_only_by_new_pods_or_the_descheduler() {
        let mut p = Placement::new(ZONES, 1);
        for _ in 0..9 {
            p.schedule().unwrap();
        }
        let lost = p.lose_zone("c");
        for _ in 0..lost {
            p.schedule().unwrap();
        }
        assert_eq!((p.pods_in("a"), p.pods_in("b"), p.pods_in("c")), (5, 4, 0));
        p.restore_zone("c");
        assert_eq!(p.skew(), 5); // nothing moved by itself
        // DoNotSchedule: the next pod may only go to c (a would make skew 6).
        assert_eq!(p.schedule(), Ok("c"));
        assert_eq!(p.rebalance(), 2);
        assert_eq!((p.pods_in("a"), p.pods_in("b"), p.pods_in("c")), (4, 3, 3));
        assert_eq!(p.skew(), 1);
    }

    #[test]
    fn nothing_schedules_with_every_zone_down() {
        let mut p = Placement::new(ZONES, 1);
        for z in ZONES {
            p.lose_zone(z);
        }
        assert_eq!(p.schedule(), Err(Unschedulable));
        assert!(Unschedulable.to_string().contains("topology spread"));
    }

    #[test]
    fn the_bound_on_the_largest_zone_is_tight() {
        // Brute force: every split of n pods over 3 zones with skew <= s.
        for s in 1..4 {
            for n in 0..40u32 {
                let mut worst = 0;
                for a in 0..=n {
                    for b in 0..=n - a {
                        let c = n - a - b;
                        let (hi, lo) = (a.max(b).max(c), a.min(b).min(c));
                        if hi - lo <= s {
                            worst = worst.max(hi);
                        }
                    }
                }
                assert_eq!(largest_zone(n, 3, s), worst, "n={n} s={s}");
            }
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Schedule,
        LoseZone(usize),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![4 => Just(Op::Schedule), 1 => (0..ZONES.len()).prop_map(Op::LoseZone)]
    }

    proptest! {
        #[test]
        fn max_skew_holds_after_any_scheduling_and_zone_loss(
            max_skew in 1u32..4,
            ops in proptest::collection::vec(op(), 0..80),
        ) {
            let mut p = Placement::new(ZONES, max_skew);
            for op in ops {
                match op {
                    Op::Schedule => {
                        let before = p.running();
                        if p.schedule().is_ok() {
                            prop_assert_eq!(p.running(), before + 1);
                        }
                    }
                    Op::LoseZone(z) => {
                        let lost = p.lose_zone(ZONES[z]);
                        // The ReplicaSet replaces them in the zones left.
                        for _ in 0..lost {
                            if p.schedule().is_err() {
                                break;
                            }
                        }
                    }
                }
                prop_assert!(p.skew() <= max_skew, "skew {} > {}", p.skew(), max_skew);
            }
        }

        #[test]
        fn losing_any_zone_keeps_the_floor(floor in 1u32..40, zones in 2usize..6, max_skew in 1u32..3) {
            let names: Vec<String> = (0..zones).map(|i| format!("z{i}")).collect();
            let replicas = replicas_for_zone_loss(floor, zones as u32, max_skew);
            let mut p = Placement::new(names.iter().map(String::as_str), max_skew);
            for _ in 0..replicas {
                p.schedule().unwrap();
            }
            for zone in &names {
                let mut outage = p.clone();
                outage.lose_zone(zone);
                prop_assert!(outage.running() >= floor);
            }
        }

        #[test]
        fn rebalance_always_ends_within_the_skew(
            counts in proptest::collection::vec(0u32..30, 3),
            max_skew in 1u32..4,
        ) {
            let mut p = Placement::new(ZONES, max_skew);
            for (zone, &n) in ZONES.iter().zip(&counts) {
                p.zones.get_mut(*zone).unwrap().pods = n;
            }
            let total = p.running();
            p.rebalance();
            prop_assert!(p.skew() <= max_skew);
            prop_assert_eq!(p.running(), total);
        }
    }
}
