//! Conflict-free replicated data types for coffee machines that work
//! offline: a G-Counter, a PN-Counter, an add-wins OR-Set and a
//! last-writer-wins map on hybrid logical clocks.
//!
//! A coffee machine in a train station loses its uplink for hours and must
//! keep selling. When it reconnects, its state and the cloud's have both
//! moved on. A CRDT is a data type whose replicas can be changed
//! independently and then merged in any order, any number of times, and
//! still agree. That needs exactly three laws of [`Merge::merge`], which the
//! property tests check for every type here:
//!
//! - **commutative**: `a ⊔ b = b ⊔ a`, so the order of sync does not matter;
//! - **associative**: `(a ⊔ b) ⊔ c = a ⊔ (b ⊔ c)`, so syncing through the
//!   cloud or peer to peer gives the same result;
//! - **idempotent**: `a ⊔ a = a`, so a retried or duplicated sync is harmless.
//!
//! The types:
//!
//! - [`GCounter`]: cups brewed. One slot per replica; a replica only raises
//!   its own slot, merge takes the maximum of each slot.
//! - [`PnCounter`]: beans in the hopper, which go up (refills) and down
//!   (brews): two G-Counters, value = increments − decrements.
//! - [`OrSet`]: the drinks on the menu. Each add is tagged with a unique
//!   [`Dot`]; a remove deletes only the tags it has seen, so an add that the
//!   remover had not seen survives: **add wins**.
//! - [`LwwMap`]: settings such as prices and grind size. Each key keeps the
//!   write with the largest [`Timestamp`]; removes are timestamped
//!   tombstones, so a late-arriving old write cannot resurrect a key.
//!
//! # Example: the menu after a split
//!
//! ```
//! use coffee_patterns::edge_crdt::{Merge, OrSet};
//!
//! let mut cloud = OrSet::new();
//! cloud.add(0, "flat white");
//! let mut machine = cloud.clone();
//! // Offline, the machine runs out of oat milk and hides the drink ...
//! machine.remove(&"flat white");
//! // ... while head office re-adds it with a new recipe.
//! cloud.add(0, "flat white");
//! machine.merge(&cloud);
//! cloud.merge(&machine);
//! assert_eq!(machine, cloud);
//! assert!(machine.contains(&"flat white"), "the add the machine had not seen wins");
//! ```

use crate::hlc::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

/// A replica: a coffee machine, a region, the cloud.
pub type ReplicaId = u32;

/// A state-based CRDT: replicas converge by merging each other's state.
pub trait Merge {
    /// Folds `other` into `self`: the least state that includes both.
    fn merge(&mut self, other: &Self);
}

// ANCHOR: counters
// ANCHOR: solution
/// A grow-only counter: one slot per replica.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GCounter {
    slots: BTreeMap<ReplicaId, u64>,
}

impl GCounter {
    /// A counter at zero.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `by` on behalf of `replica` (only that replica may do this).
    pub fn add(&mut self, replica: ReplicaId, by: u64) {
        *self.slots.entry(replica).or_default() += by;
    }

    /// The total over all replicas.
    #[must_use]
    pub fn value(&self) -> u64 {
        self.slots.values().sum()
    }
}

impl Merge for GCounter {
    fn merge(&mut self, other: &Self) {
        for (&replica, &count) in &other.slots {
            let slot = self.slots.entry(replica).or_default();
            *slot = (*slot).max(count);
        }
    }
}

/// A counter that goes up and down: increments and decrements kept apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PnCounter {
    up: GCounter,
    down: GCounter,
}

impl PnCounter {
    /// A counter at zero.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `by` on behalf of `replica`.
    pub fn increment(&mut self, replica: ReplicaId, by: u64) {
        self.up.add(replica, by);
    }

    /// Subtracts `by` on behalf of `replica`.
    pub fn decrement(&mut self, replica: ReplicaId, by: u64) {
        self.down.add(replica, by);
    }

    /// Increments minus decrements.
    #[must_use]
    pub fn value(&self) -> i64 {
        self.up.value() as i64 - self.down.value() as i64
    }
}

impl Merge for PnCounter {
    fn merge(&mut self, other: &Self) {
        self.up.merge(&other.up);
        self.down.merge(&other.down);
    }
}
// ANCHOR_END: solution
// ANCHOR_END: counters

/// A unique tag for one add: the replica and its running count of adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dot {
    /// The replica that made the add.
    pub replica: ReplicaId,
    /// That replica's add number, from 1.
    pub counter: u64,
}

// ANCHOR: or_set
// ANCHOR: solution
/// An observed-remove set where a concurrent add beats a remove.
///
/// `context` records, per replica, how many of its adds this state has seen
/// (state-based merging makes that a contiguous range `1..=n`). An element
/// is in the set while it has a dot; a remove drops its dots but the context
/// remembers them, which is how a merge tells "removed here" (dot covered by
/// my context, absent from my entries) from "not seen yet" (not covered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrSet<T: Ord> {
    entries: BTreeMap<T, BTreeSet<Dot>>,
    context: BTreeMap<ReplicaId, u64>,
}

impl<T: Ord + Clone> OrSet<T> {
    /// An empty set.
    #[must_use]
    pub fn new() -> Self {
        Self {
            entries: BTreeMap::new(),
            context: BTreeMap::new(),
        }
    }

    /// `replica` adds `value`, with a fresh dot that replaces the ones it has
    /// seen.
    pub fn add(&mut self, replica: ReplicaId, value: T) {
        let counter = self.context.entry(replica).or_default();
        *counter += 1;
        let dot = Dot {
            replica,
            counter: *counter,
        };
        self.entries.insert(value, BTreeSet::from([dot]));
    }

    /// Removes `value` as far as this replica has seen it.
    pub fn remove(&mut self, value: &T) {
        self.entries.remove(value);
    }

    /// Whether `value` is in the set.
    #[must_use]
    pub fn contains(&self, value: &T) -> bool {
        self.entries.contains_key(value)
    }

    /// The elements, in order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.entries.keys()
    }

    fn seen(&self, dot: Dot) -> bool {
        self.context
            .get(&dot.replica)
            .is_some_and(|&n| dot.counter <= n)
    }
}

impl<T: Ord + Clone> Default for OrSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Ord + Clone> Merge for OrSet<T> {
    fn merge(&mut self, other: &Self) {
        let empty = BTreeSet::new();
        let values: BTreeSet<T> = self
            .entries
            .keys()
            .chain(other.entries.keys())
            .cloned()
            .collect();
        for value in values {
            let mine = self.entries.get(&value).unwrap_or(&empty);
            let theirs = other.entries.get(&value).unwrap_or(&empty);
            // Keep a dot both have, or one that the other side has not seen
            // (so it cannot have removed it).
            let kept: BTreeSet<Dot> = mine
                .intersection(theirs)
                .copied()
                .chain(
                    mine.difference(theirs)
                        .filter(|&&d| !other.seen(d))
                        .copied(),
                )
                .chain(theirs.difference(mine).filter(|&&d| !self.seen(d)).copied())
                .collect();
            if kept.is_empty() {
                self.entries.remove(&value);
            } else {
                self.entries.insert(value, kept);
            }
        }
        for (&replica, &n) in &other.context {
            let seen = self.context.entry(replica).or_default();
            *seen = (*seen).max(n);
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: or_set

// ANCHOR: lww_map
// ANCHOR: solution
/// A map where each key holds the write with the largest timestamp.
///
/// Correct only with unique timestamps (an [`Hlc`](crate::hlc::Hlc) gives
/// them: its timestamps include the node). A remove is a write of `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LwwMap<K: Ord, V> {
    entries: BTreeMap<K, (Timestamp, Option<V>)>,
}

impl<K: Ord + Clone, V: Clone> LwwMap<K, V> {
    /// An empty map.
    #[must_use]
    pub fn new() -> Self {
        Self {
            entries: BTreeMap::new(),
        }
    }

    /// Writes `value` at `at`; returns false (and changes nothing) if the
    /// key already holds a later write.
    pub fn set(&mut self, key: K, value: V, at: Timestamp) -> bool {
        self.write(key, Some(value), at)
    }

    /// Removes `key` at `at`, leaving a tombstone; false if a later write is
    /// there.
    pub fn remove(&mut self, key: K, at: Timestamp) -> bool {
        self.write(key, None, at)
    }

    /// The current value of `key`.
    #[must_use]
    pub fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key).and_then(|(_, v)| v.as_ref())
    }

    /// The keys with a value (not removed), in order.
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries
            .iter()
            .filter(|(_, (_, v))| v.is_some())
            .map(|(k, _)| k)
    }

    fn write(&mut self, key: K, value: Option<V>, at: Timestamp) -> bool {
        match self.entries.get(&key) {
            Some((existing, _)) if *existing >= at => false,
            _ => {
                self.entries.insert(key, (at, value));
                true
            }
        }
    }
}

impl<K: Ord + Clone, V: Clone> Default for LwwMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Ord + Clone, V: Clone> Merge for LwwMap<K, V> {
    fn merge(&mut self, other: &Self) {
        for (key, (at, value)) in &other.entries {
            self.write(key.clone(), value.clone(), *at);
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: lww_map

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::fmt::Debug;

    fn merged<T: Merge + Clone>(a: &T, b: &T) -> T {
        let mut out = a.clone();
        out.merge(b);
        out
    }

    fn check_laws<T: Merge + Clone + PartialEq + Debug>(
        a: &T,
        b: &T,
        c: &T,
    ) -> Result<(), TestCaseError> {
        prop_assert_eq!(merged(a, b), merged(b, a), "commutative");
        prop_assert_eq!(
            merged(&merged(a, b), c),
            merged(a, &merged(b, c)),
            "associative"
        );
        prop_assert_eq!(&merged(a, a), a, "idempotent");
        Ok(())
    }

    /// One step of a three-replica history: an operation on a replica, or a
    /// replica merging another's state.
    #[derive(Debug, Clone)]
    enum Step<Op> {
        Do(usize, Op),
        Sync { from: usize, to: usize },
    }

    fn steps<Op: Debug + Clone>(
        op: impl Strategy<Value = Op>,
    ) -> impl Strategy<Value = Vec<Step<Op>>> {
        let step = prop_oneof![
            3 => (0usize..3, op).prop_map(|(r, o)| Step::Do(r, o)),
            1 => (0usize..3, 0usize..3).prop_map(|(from, to)| Step::Sync { from, to }),
        ];
        proptest::collection::vec(step, 0..40)
    }

    /// Plays a history on three replicas and returns their states.
    fn play<T: Merge + Clone, Op: Clone>(
        start: T,
        history: &[Step<Op>],
        mut apply: impl FnMut(&mut T, usize, &Op),
    ) -> [T; 3] {
        let mut replicas = [start.clone(), start.clone(), start];
        for step in history {
            match step {
                Step::Do(r, op) => apply(&mut replicas[*r], *r, op),
                Step::Sync { from, to } => {
                    let state = replicas[*from].clone();
                    replicas[*to].merge(&state);
                }
            }
        }
        replicas
    }

    /// Every replica receives every other replica's final state, in its own
    /// shuffled order, some of them twice: all end equal.
    fn check_convergence<T: Merge + Clone + PartialEq + Debug>(
        replicas: &[T; 3],
        order: &[usize],
    ) -> Result<T, TestCaseError> {
        let mut ends = replicas.clone();
        for (r, end) in ends.iter_mut().enumerate() {
            for k in order.iter().map(|&k| (k + r) % 3) {
                end.merge(&replicas[k]);
            }
            for other in replicas {
                end.merge(other); // anti-entropy round, duplicates included
            }
        }
        prop_assert_eq!(&ends[0], &ends[1]);
        prop_assert_eq!(&ends[1], &ends[2]);
        Ok(ends[0].clone())
    }

    #[derive(Debug, Clone)]
    enum CounterOp {
        Up(u8),
        Down(u8),
    }

    fn counter_op() -> impl Strategy<Value = CounterOp> {
        prop_oneof![
            any::<u8>().prop_map(CounterOp::Up),
            any::<u8>().prop_map(CounterOp::Down)
        ]
    }

    #[derive(Debug, Clone)]
    enum SetOp {
        Add(u8),
        Remove(u8),
    }

    fn set_op() -> impl Strategy<Value = SetOp> {
        prop_oneof![
            (0u8..6).prop_map(SetOp::Add),
            (0u8..6).prop_map(SetOp::Remove)
        ]
    }

    fn apply_set(s: &mut OrSet<u8>, r: usize, op: &SetOp) {
        match op {
            SetOp::Add(v) => s.add(r as ReplicaId, *v),
            SetOp::Remove(v) => s.remove(v),
        }
    }

    /// LWW ops carry a wall time; the replica's own counter makes the
    /// timestamps unique, as an HLC would.
    fn play_lww(history: &[Step<(u8, Option<u8>, u8)>]) -> [LwwMap<u8, u8>; 3] {
        let mut logical = [0u32; 3];
        play(LwwMap::new(), history, |m, r, &(key, value, wall)| {
            logical[r] += 1;
            let at = Timestamp {
                wall_ms: u64::from(wall % 8),
                logical: logical[r],
                node: r as u32,
            };
            match value {
                Some(v) => m.set(key % 4, v, at),
                None => m.remove(key % 4, at),
            };
        })
    }

    fn lww_op() -> impl Strategy<Value = (u8, Option<u8>, u8)> {
        (any::<u8>(), proptest::option::of(any::<u8>()), any::<u8>())
    }

    fn order() -> impl Strategy<Value = Vec<usize>> {
        proptest::collection::vec(0usize..3, 0..10)
    }

    #[test]
    fn a_remove_that_saw_the_add_wins_over_nothing() {
        let mut a = OrSet::new();
        a.add(0, "mocha");
        let mut b = a.clone();
        b.remove(&"mocha");
        a.merge(&b);
        assert!(!a.contains(&"mocha"), "the remove had seen the only add");
    }

    #[test]
    fn an_old_write_cannot_resurrect_a_removed_key() {
        let t = |wall_ms, node| Timestamp {
            wall_ms,
            logical: 0,
            node,
        };
        let mut cloud = LwwMap::new();
        cloud.set("espresso", 250, t(10, 0));
        let mut machine = cloud.clone();
        assert!(cloud.remove("espresso", t(20, 0)));
        assert!(
            !machine.set("espresso", 240, t(5, 1)),
            "older than what the machine has"
        );
        machine.merge(&cloud);
        assert_eq!(machine.get(&"espresso"), None);
        assert_eq!(machine.keys().count(), 0);
    }

    #[test]
    fn counters_count_across_replicas() {
        let mut a = PnCounter::new();
        let mut b = PnCounter::new();
        a.increment(0, 500);
        b.decrement(1, 18);
        b.decrement(1, 18);
        a.merge(&b);
        a.merge(&b);
        assert_eq!(a.value(), 464);
    }

    proptest! {
        #[test]
        fn g_counter_laws_and_convergence(history in steps(any::<u8>()), order in order()) {
            let [a, b, c] = play(GCounter::new(), &history, |g, r, &by| g.add(r as ReplicaId, u64::from(by)));
            check_laws(&a, &b, &c)?;
            let end = check_convergence(&[a, b, c], &order)?;
            let total: u64 = history.iter().map(|s| match s { Step::Do(_, by) => u64::from(*by), _ => 0 }).sum();
            prop_assert_eq!(end.value(), total, "every increment counted once");
        }

        #[test]
        fn pn_counter_laws_and_convergence(history in steps(counter_op()), order in order()) {
            let [a, b, c] = play(PnCounter::new(), &history, |p, r, op| match op {
                CounterOp::Up(n) => p.increment(r as ReplicaId, u64::from(*n)),
                CounterOp::Down(n) => p.decrement(r as ReplicaId, u64::from(*n)),
            });
            check_laws(&a, &b, &c)?;
            let end = check_convergence(&[a, b, c], &order)?;
            let net: i64 = history.iter().map(|s| match s {
                Step::Do(_, CounterOp::Up(n)) => i64::from(*n),
                Step::Do(_, CounterOp::Down(n)) => -i64::from(*n),
                Step::Sync { .. } => 0,
            }).sum();
            prop_assert_eq!(end.value(), net);
        }

        #[test]
        fn or_set_laws_and_convergence(history in steps(set_op()), order in order()) {
            let [a, b, c] = play(OrSet::new(), &history, apply_set);
            check_laws(&a, &b, &c)?;
            let end = check_convergence(&[a.clone(), b.clone(), c.clone()], &order)?;
            // Merging never invents an element no replica holds.
            for v in 0u8..6 {
                let somewhere = [&a, &b, &c].iter().any(|s| s.contains(&v));
                if !somewhere {
                    prop_assert!(!end.contains(&v), "{v} came back from nowhere");
                }
            }
        }

        #[test]
        fn lww_map_laws_and_convergence(history in steps(lww_op()), order in order()) {
            let [a, b, c] = play_lww(&history);
            check_laws(&a, &b, &c)?;
            let end = check_convergence(&[a.clone(), b.clone(), c.clone()], &order)?;
            // Each key ends with the value of the latest write any replica made.
            for key in 0u8..4 {
                let latest = [&a, &b, &c]
                    .iter()
                    .filter_map(|m| m.entries.get(&key))
                    .max_by_key(|(at, _)| *at)
                    .and_then(|(_, v)| v.as_ref());
                prop_assert_eq!(end.get(&key), latest);
            }
        }
    }

    /// The same histories played on these types and on the `crdts` crate's
    /// `GCounter`, `PNCounter`, `Orswot` (its add-wins OR-Set) and `LWWReg`
    /// (one per key): after every step, every replica reads the same.
    mod against_the_crdts_crate {
        use super::*;
        use crdts::{CmRDT, CvRDT};
        use std::collections::HashSet;

        proptest! {
            #[test]
            fn counters_read_the_same(history in steps(counter_op())) {
                let mut ours = [PnCounter::new(), PnCounter::new(), PnCounter::new()];
                let mut theirs: [crdts::PNCounter<u32>; 3] = Default::default();
                let mut g_ours = [GCounter::new(), GCounter::new(), GCounter::new()];
                let mut g_theirs: [crdts::GCounter<u32>; 3] = Default::default();
                for step in &history {
                    match step {
                        Step::Do(r, op) => {
                            let actor = *r as u32;
                            let op_theirs = match op {
                                CounterOp::Up(n) => {
                                    ours[*r].increment(actor, u64::from(*n));
                                    g_ours[*r].add(actor, u64::from(*n));
                                    let g_op = g_theirs[*r].inc_many(actor, u64::from(*n));
                                    g_theirs[*r].apply(g_op);
                                    theirs[*r].inc_many(actor, u64::from(*n))
                                }
                                CounterOp::Down(n) => {
                                    ours[*r].decrement(actor, u64::from(*n));
                                    theirs[*r].dec_many(actor, u64::from(*n))
                                }
                            };
                            theirs[*r].apply(op_theirs);
                        }
                        Step::Sync { from, to } => {
                            let (o, t) = (ours[*from].clone(), theirs[*from].clone());
                            ours[*to].merge(&o);
                            theirs[*to].merge(t);
                            let (o, t) = (g_ours[*from].clone(), g_theirs[*from].clone());
                            g_ours[*to].merge(&o);
                            g_theirs[*to].merge(t);
                        }
                    }
                    for r in 0..3 {
                        prop_assert_eq!(ours[r].value().to_string(), theirs[r].read().to_string());
                        prop_assert_eq!(g_ours[r].value().to_string(), g_theirs[r].read().to_string());
                    }
                }
            }

            #[test]
            fn or_set_reads_like_orswot(history in steps(set_op())) {
                let mut ours = [OrSet::new(), OrSet::new(), OrSet::new()];
                let mut theirs: [crdts::Orswot<u8, u32>; 3] = Default::default();
                for step in &history {
                    match step {
                        Step::Do(r, op) => {
                            apply_set(&mut ours[*r], *r, op);
                            let t = &mut theirs[*r];
                            let op = match op {
                                SetOp::Add(v) => t.add(*v, t.read_ctx().derive_add_ctx(*r as u32)),
                                SetOp::Remove(v) => t.rm(*v, t.contains(v).derive_rm_ctx()),
                            };
                            t.apply(op);
                        }
                        Step::Sync { from, to } => {
                            let (o, t) = (ours[*from].clone(), theirs[*from].clone());
                            ours[*to].merge(&o);
                            theirs[*to].merge(t);
                        }
                    }
                    for r in 0..3 {
                        let mine: HashSet<u8> = ours[r].iter().copied().collect();
                        prop_assert_eq!(mine, theirs[r].read().val, "replica {} after {:?}", r, step);
                    }
                }
            }

            #[test]
            fn lww_map_reads_like_lww_registers(history in steps(lww_op())) {
                type Reg = crdts::LWWReg<Option<u8>, Timestamp>;
                let mut ours: [LwwMap<u8, u8>; 3] = Default::default();
                let mut theirs: [BTreeMap<u8, Reg>; 3] = Default::default();
                let mut logical = [0u32; 3];
                for step in &history {
                    match step {
                        Step::Do(r, (key, value, wall)) => {
                            logical[*r] += 1;
                            let at = Timestamp { wall_ms: u64::from(wall % 8), logical: logical[*r], node: *r as u32 };
                            match value {
                                Some(v) => ours[*r].set(key % 4, *v, at),
                                None => ours[*r].remove(key % 4, at),
                            };
                            theirs[*r].entry(key % 4).or_default().update(*value, at);
                        }
                        Step::Sync { from, to } => {
                            let (o, t) = (ours[*from].clone(), theirs[*from].clone());
                            ours[*to].merge(&o);
                            for (k, reg) in t {
                                theirs[*to].entry(k).or_default().merge(reg);
                            }
                        }
                    }
                    for r in 0..3 {
                        for key in 0u8..4 {
                            let reference = theirs[r].get(&key).and_then(|reg| reg.val);
                            prop_assert_eq!(ours[r].get(&key).copied(), reference);
                        }
                    }
                }
            }
        }
    }
}
