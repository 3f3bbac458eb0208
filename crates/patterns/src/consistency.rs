//! Consistency tools for a marketplace replicated across regions: version
//! vectors that detect concurrent updates, a last-writer-wins register that
//! resolves them automatically, and optimistic concurrency for stock counts.
//!
//! Go Coffee's global marketplace lets roasters edit their listings from any
//! region, and each region accepts writes locally so that a roaster in Lima
//! does not wait for Frankfurt. Replicas then exchange updates. Three
//! questions follow, and each has a tool here:
//!
//! - *Did these two updates see each other?* A [`VersionVector`] counts the
//!   updates each replica has seen; comparing two tells whether one happened
//!   before the other or whether they are [`Causality::Concurrent`] — a
//!   conflict. A [`MultiValueRegister`] keeps concurrent values side by side
//!   (as siblings, the way Dynamo and Riak do) until someone resolves them.
//! - *Can we resolve conflicts without asking anyone?* An [`LwwRegister`]
//!   keeps the write with the highest (timestamp, node) pair. Every replica
//!   converges to the same value whatever order updates arrive in, at the
//!   price of silently dropping the losing write.
//! - *How do we avoid conflicts on one counter?* Stock levels live in one
//!   primary store and change by compare-and-set on a version number
//!   ([`reserve`]): a writer that read an old version retries instead of
//!   overwriting someone else's decrement.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::consistency::{Causality, VersionVector};
//!
//! let mut lima = VersionVector::new();
//! lima.increment("lima");
//! let mut frankfurt = lima.clone(); // Frankfurt received Lima's update...
//! frankfurt.increment("frankfurt"); // ...then changed the listing itself
//! assert_eq!(lima.compare(&frankfurt), Causality::Before);
//!
//! lima.increment("lima"); // a second edit in Lima, unaware of Frankfurt's
//! assert_eq!(lima.compare(&frankfurt), Causality::Concurrent);
//!
//! let merged = lima.merged(&frankfurt);
//! assert_eq!(merged.compare(&lima), Causality::After);
//! assert_eq!(merged.compare(&frankfurt), Causality::After);
//! ```

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

// ANCHOR: version_vector
// ANCHOR: solution
/// How two versions relate in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Causality {
    /// `self` happened before `other`: `other` has seen everything `self` has.
    Before,
    /// `self` happened after `other`.
    After,
    /// The same version.
    Equal,
    /// Neither has seen the other: a conflict.
    Concurrent,
}

/// A version vector: for each replica, how many of its updates this version
/// includes. Absent replicas count as zero.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct VersionVector {
    counters: BTreeMap<String, u64>,
}

impl VersionVector {
    /// Takes in everything `other` has seen: the pointwise maximum.
    pub fn merge(&mut self, other: &Self) {
        for (node, &count) in &other.counters {
            let mine = self.counters.entry(node.clone()).or_insert(0);
            *mine = (*mine).max(count);
        }
    }

    /// Compares pointwise: `Before` if no counter is larger and one is
    /// smaller, `Concurrent` if each side has a larger counter somewhere.
    #[must_use]
    pub fn compare(&self, other: &Self) -> Causality {
        let (mut smaller, mut larger) = (false, false);
        for node in self.counters.keys().chain(other.counters.keys()) {
            match self.get(node).cmp(&other.get(node)) {
                Ordering::Less => smaller = true,
                Ordering::Greater => larger = true,
                Ordering::Equal => {}
            }
        }
        match (smaller, larger) {
            (false, false) => Causality::Equal,
            (true, false) => Causality::Before,
            (false, true) => Causality::After,
            (true, true) => Causality::Concurrent,
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: version_vector

    /// Records one more update made at replica `node`; returns its counter.
    pub fn increment(&mut self, node: &str) -> u64 {
        let counter = self.counters.entry(node.to_string()).or_insert(0);
        *counter += 1;
        *counter
    }

    /// An empty vector: no update seen.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many updates of `node` this version includes.
    #[must_use]
    pub fn get(&self, node: &str) -> u64 {
        self.counters.get(node).copied().unwrap_or(0)
    }

    /// A copy merged with `other`.
    #[must_use]
    pub fn merged(&self, other: &Self) -> Self {
        let mut merged = self.clone();
        merged.merge(other);
        merged
    }

    /// Whether this version includes everything `other` has seen.
    #[must_use]
    pub fn descends_from(&self, other: &Self) -> bool {
        matches!(self.compare(other), Causality::After | Causality::Equal)
    }
}

impl fmt::Display for VersionVector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (node, count)) in self.counters.iter().filter(|(_, c)| **c > 0).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{node}: {count}")?;
        }
        f.write_str("}")
    }
}

/// A value with the version it was written at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    /// The value.
    pub value: T,
    /// The version vector of the write.
    pub version: VersionVector,
}

// ANCHOR: siblings
// ANCHOR: solution
/// A register that keeps every concurrent value (the *siblings*) instead of
/// losing one, so the application can see and resolve the conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiValueRegister<T> {
    siblings: Vec<Versioned<T>>,
}

impl<T: Clone> MultiValueRegister<T> {
    /// A local write at replica `node`. `context` is the version the writer
    /// read (from [`MultiValueRegister::context`]): siblings it had seen are
    /// replaced, siblings written elsewhere that it had not seen stay as
    /// conflicts. (A "blind" write at the same replica, with an old context,
    /// still supersedes that replica's earlier values: per-replica vectors
    /// cannot tell two of its clients apart. Riak's dotted version vectors
    /// exist for that case.)
    pub fn write(&mut self, node: &str, value: T, context: &VersionVector) -> Versioned<T> {
        let mut version = context.clone();
        version.increment(node);
        // A later write at `node` must count past every earlier one.
        let latest = self.siblings.iter().map(|s| s.version.get(node)).max();
        if let Some(latest) = latest.filter(|&l| l >= version.get(node)) {
            version.counters.insert(node.to_string(), latest + 1);
        }
        let written = Versioned { value, version };
        self.receive(written.clone());
        written
    }

    /// Takes in a version replicated from elsewhere: ignored if a sibling
    /// already includes it, otherwise it replaces the siblings it includes.
    pub fn receive(&mut self, incoming: Versioned<T>) {
        if self
            .siblings
            .iter()
            .any(|s| s.version.descends_from(&incoming.version))
        {
            return;
        }
        self.siblings
            .retain(|s| incoming.version.compare(&s.version) != Causality::After);
        self.siblings.push(incoming);
    }
    // ANCHOR_END: solution
    // ANCHOR_END: siblings

    /// An empty register.
    #[must_use]
    pub fn new() -> Self {
        Self {
            siblings: Vec::new(),
        }
    }

    /// The current values: one normally, several after concurrent writes.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.siblings.iter().map(|s| &s.value)
    }

    /// The versions held, with their values.
    #[must_use]
    pub fn siblings(&self) -> &[Versioned<T>] {
        &self.siblings
    }

    /// Whether concurrent writes are waiting to be resolved.
    #[must_use]
    pub fn is_conflicted(&self) -> bool {
        self.siblings.len() > 1
    }

    /// The version a reader saw: the merge of every sibling's version. A
    /// write with this context resolves the conflict.
    #[must_use]
    pub fn context(&self) -> VersionVector {
        let mut context = VersionVector::new();
        for sibling in &self.siblings {
            context.merge(&sibling.version);
        }
        context
    }
}

impl<T: Clone> Default for MultiValueRegister<T> {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: lww
// ANCHOR: solution
/// A last-writer-wins register: of all writes it has heard of, it keeps the
/// one with the highest `(timestamp, node)`. The node id breaks ties between
/// equal timestamps, so every replica picks the same winner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LwwRegister<T> {
    value: T,
    timestamp: u64,
    node: String,
}

impl<T: Clone> LwwRegister<T> {
    /// A register holding `value`, written at `timestamp` by `node`.
    #[must_use]
    pub fn new(value: T, timestamp: u64, node: &str) -> Self {
        Self {
            value,
            timestamp,
            node: node.to_string(),
        }
    }

    /// Applies a write; returns whether it won. Each write must carry its
    /// own `(timestamp, node)` pair (a node never reuses a timestamp).
    pub fn set(&mut self, value: T, timestamp: u64, node: &str) -> bool {
        let newer = (timestamp, node) > (self.timestamp, self.node.as_str());
        if newer {
            *self = Self::new(value, timestamp, node);
        }
        newer
    }

    /// Takes in another replica's state: the higher stamp wins.
    pub fn merge(&mut self, other: &Self) {
        self.set(other.value.clone(), other.timestamp, &other.node);
    }
    // ANCHOR_END: solution
    // ANCHOR_END: lww

    /// The winning value.
    #[must_use]
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The winning write's `(timestamp, node)`.
    #[must_use]
    pub fn stamp(&self) -> (u64, &str) {
        (self.timestamp, &self.node)
    }
}

// ANCHOR: pn_counter
// ANCHOR: solution
/// A replicated stock counter (a PN-counter CRDT): each region counts its own
/// restocks and sales, and merging takes the per-region maximum. Every region
/// converges to the same total with no coordination, but nothing stops two
/// regions from selling the last bag at the same time: use it for figures
/// that may briefly be wrong, such as "about 40 bags left" on a listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockCounter {
    added: BTreeMap<String, u64>,
    removed: BTreeMap<String, u64>,
}

impl StockCounter {
    /// Records `units` restocked at `region`.
    pub fn restock(&mut self, region: &str, units: u64) {
        *self.added.entry(region.to_string()).or_insert(0) += units;
    }

    /// Records `units` sold at `region`.
    pub fn sell(&mut self, region: &str, units: u64) {
        *self.removed.entry(region.to_string()).or_insert(0) += units;
    }

    /// Takes in another replica's counts: the per-region maximum of each.
    pub fn merge(&mut self, other: &Self) {
        for (mine, theirs) in [
            (&mut self.added, &other.added),
            (&mut self.removed, &other.removed),
        ] {
            for (region, &count) in theirs {
                let entry = mine.entry(region.clone()).or_insert(0);
                *entry = (*entry).max(count);
            }
        }
    }

    /// Restocked minus sold, over every region this replica has heard of
    /// (negative if regions oversold).
    #[must_use]
    pub fn value(&self) -> i64 {
        let added: u64 = self.added.values().sum();
        let removed: u64 = self.removed.values().sum();
        added as i64 - removed as i64
    }
}
// ANCHOR_END: solution
// ANCHOR_END: pn_counter

/// A stock level and the version it was read at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stock {
    /// Units available (bags of beans, say).
    pub available: u32,
    /// Incremented by every successful write.
    pub version: u64,
}

/// Why a compare-and-set was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasError {
    /// The SKU is not stocked.
    UnknownSku,
    /// Someone wrote since the caller read: here is the current stock.
    Conflict(Stock),
}

/// A store of stock levels that supports optimistic concurrency, like a SQL
/// `UPDATE stock SET available = $1, version = version + 1 WHERE sku = $2
/// AND version = $3`.
pub trait StockStore {
    /// The current stock of `sku`.
    fn read(&self, sku: &str) -> Option<Stock>;

    /// Sets `sku` to `available` if its version is still `expected_version`;
    /// returns the new stock.
    ///
    /// # Errors
    ///
    /// [`CasError::Conflict`] if the version moved on, [`CasError::UnknownSku`]
    /// if there is no such SKU.
    fn compare_and_set(
        &self,
        sku: &str,
        expected_version: u64,
        available: u32,
    ) -> Result<Stock, CasError>;
}

/// An in-memory [`StockStore`].
#[derive(Debug, Default)]
pub struct InventoryStore {
    stock: RefCell<BTreeMap<String, Stock>>,
}

impl InventoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Stocks `sku` with `available` units at version 1.
    pub fn stock(&self, sku: &str, available: u32) {
        self.stock.borrow_mut().insert(
            sku.to_string(),
            Stock {
                available,
                version: 1,
            },
        );
    }
}

impl StockStore for InventoryStore {
    fn read(&self, sku: &str) -> Option<Stock> {
        self.stock.borrow().get(sku).copied()
    }

    // ANCHOR: solution
    fn compare_and_set(
        &self,
        sku: &str,
        expected_version: u64,
        available: u32,
    ) -> Result<Stock, CasError> {
        let mut stock = self.stock.borrow_mut();
        let current = stock.get_mut(sku).ok_or(CasError::UnknownSku)?;
        if current.version != expected_version {
            return Err(CasError::Conflict(*current));
        }
        *current = Stock {
            available,
            version: expected_version + 1,
        };
        Ok(*current)
    }
    // ANCHOR_END: solution
}

/// Why a reservation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReserveError {
    /// The SKU is not stocked.
    UnknownSku,
    /// Not enough units left.
    OutOfStock {
        /// Units available at the last read.
        available: u32,
    },
    /// Every attempt lost a race with another writer.
    TooMuchContention {
        /// How many attempts were made.
        attempts: u32,
    },
}

/// A successful reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// The stock after the reservation.
    pub stock: Stock,
    /// How many attempts it took (1 without contention).
    pub attempts: u32,
}

// ANCHOR: optimistic
// ANCHOR: solution
/// Takes `quantity` units of `sku` with optimistic concurrency: read the
/// stock and its version, compute the new level, write it only if the version
/// is unchanged, and start over on a conflict, up to `max_attempts` times.
///
/// # Errors
///
/// See [`ReserveError`].
pub fn reserve(
    store: &(impl StockStore + ?Sized),
    sku: &str,
    quantity: u32,
    max_attempts: u32,
) -> Result<Reservation, ReserveError> {
    for attempt in 1..=max_attempts {
        let stock = store.read(sku).ok_or(ReserveError::UnknownSku)?;
        let Some(left) = stock.available.checked_sub(quantity) else {
            return Err(ReserveError::OutOfStock {
                available: stock.available,
            });
        };
        match store.compare_and_set(sku, stock.version, left) {
            Ok(stock) => {
                return Ok(Reservation {
                    stock,
                    attempts: attempt,
                });
            }
            Err(CasError::Conflict(_)) => continue, // someone else won: re-read
            Err(CasError::UnknownSku) => return Err(ReserveError::UnknownSku),
        }
    }
    Err(ReserveError::TooMuchContention {
        attempts: max_attempts,
    })
}
// ANCHOR_END: solution
// ANCHOR_END: optimistic

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cell::Cell;

    fn vv(pairs: &[(&str, u64)]) -> VersionVector {
        let mut v = VersionVector::new();
        for &(node, count) in pairs {
            v.counters.insert(node.to_string(), count);
        }
        v
    }

    #[test]
    fn compare_covers_all_four_cases() {
        let a = vv(&[("eu", 2), ("us", 1)]);
        assert_eq!(a.compare(&a.clone()), Causality::Equal);
        assert_eq!(a.compare(&vv(&[("eu", 2), ("us", 2)])), Causality::Before);
        assert_eq!(a.compare(&vv(&[("eu", 2)])), Causality::After);
        assert_eq!(a.compare(&vv(&[("eu", 3)])), Causality::Concurrent);
        // A zero counter is the same as an absent one.
        assert_eq!(
            vv(&[("eu", 0)]).compare(&VersionVector::new()),
            Causality::Equal
        );
        assert_eq!(a.to_string(), "{eu: 2, us: 1}");
    }

    #[test]
    fn concurrent_listing_edits_become_siblings_until_resolved() {
        let mut eu = MultiValueRegister::new();
        let first = eu.write("eu", "Yirgacheffe 250g: 12.00", &VersionVector::new());
        let mut us = MultiValueRegister::new();
        us.receive(first.clone());
        // Both regions edit the price from the same starting point.
        let eu_edit = eu.write("eu", "Yirgacheffe 250g: 12.50", &first.version);
        let us_edit = us.write("us", "Yirgacheffe 250g: 11.90", &first.version);
        eu.receive(us_edit.clone());
        us.receive(eu_edit);
        assert!(eu.is_conflicted() && us.is_conflicted());
        // Resolving with the merged context supersedes both siblings.
        let resolved = us.write("us", "Yirgacheffe 250g: 12.25", &us.context());
        eu.receive(resolved);
        assert_eq!(
            eu.values().collect::<Vec<_>>(),
            [&"Yirgacheffe 250g: 12.25"]
        );
        assert_eq!(eu, us);
        // Replaying an old version changes nothing.
        eu.receive(us_edit);
        assert!(!eu.is_conflicted());
    }

    #[test]
    fn lww_breaks_timestamp_ties_by_node() {
        let mut register = LwwRegister::new("medium roast", 10, "eu");
        assert!(register.set("dark roast", 10, "us")); // "us" > "eu"
        assert!(!register.set("light roast", 10, "asia"));
        assert!(!register.set("light roast", 9, "zz"));
        assert_eq!(*register.value(), "dark roast");
        assert_eq!(register.stamp(), (10, "us"));
    }

    #[test]
    fn a_stale_write_is_refused_instead_of_overwriting() {
        let store = InventoryStore::new();
        store.stock("beans:yirgacheffe", 10);
        let seen_by_a = store.read("beans:yirgacheffe").unwrap();
        let seen_by_b = store.read("beans:yirgacheffe").unwrap();
        store
            .compare_and_set("beans:yirgacheffe", seen_by_a.version, 7)
            .unwrap();
        let refused = store.compare_and_set("beans:yirgacheffe", seen_by_b.version, 8);
        assert_eq!(
            refused,
            Err(CasError::Conflict(Stock {
                available: 7,
                version: 2
            }))
        );
    }

    /// A store where another buyer takes one unit between our read and our
    /// write, for the first `races` reads.
    struct Contended {
        inner: InventoryStore,
        races: Cell<u32>,
    }

    impl StockStore for Contended {
        fn read(&self, sku: &str) -> Option<Stock> {
            let seen = self.inner.read(sku);
            if self.races.get() > 0 {
                self.races.set(self.races.get() - 1);
                let now = self.inner.read(sku)?;
                self.inner
                    .compare_and_set(sku, now.version, now.available - 1)
                    .unwrap();
            }
            seen
        }

        fn compare_and_set(&self, sku: &str, v: u64, available: u32) -> Result<Stock, CasError> {
            self.inner.compare_and_set(sku, v, available)
        }
    }

    #[test]
    fn reserve_retries_after_losing_a_race() {
        let store = Contended {
            inner: InventoryStore::new(),
            races: Cell::new(2),
        };
        store.inner.stock("beans", 10);
        let reservation = reserve(&store, "beans", 3, 5).unwrap();
        // Two other buyers took one each; our three come out of the rest.
        assert_eq!(
            reservation,
            Reservation {
                stock: Stock {
                    available: 5,
                    version: 4
                },
                attempts: 3
            }
        );
    }

    #[test]
    fn reserve_gives_up_and_reports_shortage() {
        let store = Contended {
            inner: InventoryStore::new(),
            races: Cell::new(9),
        };
        store.inner.stock("beans", 20);
        assert_eq!(
            reserve(&store, "beans", 1, 3),
            Err(ReserveError::TooMuchContention { attempts: 3 })
        );
        let calm = InventoryStore::new();
        calm.stock("beans", 2);
        assert_eq!(
            reserve(&calm, "beans", 3, 3),
            Err(ReserveError::OutOfStock { available: 2 })
        );
        assert_eq!(reserve(&calm, "tea", 1, 3), Err(ReserveError::UnknownSku));
    }

    #[test]
    fn stock_counters_converge_and_can_go_negative() {
        let mut americas = StockCounter::default();
        americas.restock("americas", 10);
        let mut europe = americas.clone();
        americas.sell("americas", 6);
        europe.sell("europe", 6); // both sold from the same 10 bags
        americas.merge(&europe);
        europe.merge(&americas);
        assert_eq!(americas, europe);
        assert_eq!(americas.value(), -2);
    }

    fn version_vector() -> impl Strategy<Value = VersionVector> {
        proptest::collection::btree_map("[a-d]", 0u64..5, 0..4)
            .prop_map(|counters| VersionVector { counters })
    }

    proptest! {
        #[test]
        fn merge_is_commutative(a in version_vector(), b in version_vector()) {
            prop_assert_eq!(a.merged(&b).compare(&b.merged(&a)), Causality::Equal);
        }

        #[test]
        fn merge_is_associative(a in version_vector(), b in version_vector(), c in version_vector()) {
            let left = a.merged(&b).merged(&c);
            let right = a.merged(&b.merged(&c));
            prop_assert_eq!(left.compare(&right), Causality::Equal);
        }

        #[test]
        fn merge_is_idempotent_and_an_upper_bound(a in version_vector(), b in version_vector()) {
            prop_assert_eq!(a.merged(&a).compare(&a), Causality::Equal);
            let m = a.merged(&b);
            prop_assert!(m.descends_from(&a) && m.descends_from(&b));
        }

        /// `compare` is antisymmetric: swapping the sides swaps Before/After.
        #[test]
        fn compare_is_antisymmetric(a in version_vector(), b in version_vector()) {
            let flipped = match a.compare(&b) {
                Causality::Before => Causality::After,
                Causality::After => Causality::Before,
                same => same,
            };
            prop_assert_eq!(b.compare(&a), flipped);
        }

        /// Replicas of a stock counter that exchange state in any order, with
        /// repeats, agree on the total of every operation.
        #[test]
        fn stock_counter_replicas_converge(
            ops in proptest::collection::vec((0usize..3, any::<bool>(), 0u64..10), 0..40),
            gossip in proptest::collection::vec((0usize..3, 0usize..3), 0..30),
        ) {
            const REGIONS: [&str; 3] = ["americas", "europe", "asia"];
            let mut replicas = vec![StockCounter::default(); 3];
            let mut expected = 0i64;
            for (i, &(region, restock, units)) in ops.iter().enumerate() {
                if restock {
                    replicas[region].restock(REGIONS[region], units);
                    expected += units as i64;
                } else {
                    replicas[region].sell(REGIONS[region], units);
                    expected -= units as i64;
                }
                if let Some(&(from, to)) = gossip.get(i) {
                    let state = replicas[from].clone();
                    replicas[to].merge(&state);
                }
            }
            // A final full exchange: everyone merges everyone, twice.
            for _ in 0..2 {
                for from in 0..3 {
                    let state = replicas[from].clone();
                    for replica in &mut replicas {
                        replica.merge(&state);
                    }
                }
            }
            for replica in &replicas {
                prop_assert_eq!(replica.value(), expected);
            }
        }

        /// Replicas that receive the same writes in any order agree, and the
        /// winner is the write with the highest stamp.
        #[test]
        fn lww_converges_whatever_the_delivery_order(
            writes in proptest::collection::btree_map((0u64..20, "[a-c]"), 0u32..1000, 1..12),
            seed in any::<u64>(),
        ) {
            let writes: Vec<_> = writes.into_iter().collect();
            let mut shuffled = writes.clone();
            let mut rng = crate::rng::SeededRng::new(seed);
            for i in (1..shuffled.len()).rev() {
                shuffled.swap(i, rng.below(i as u64 + 1) as usize);
            }
            let replay = |order: &[((u64, String), u32)]| {
                let ((t, n), v) = &order[0];
                let mut register = LwwRegister::new(*v, *t, n);
                for ((t, n), v) in &order[1..] {
                    register.merge(&LwwRegister::new(*v, *t, n));
                }
                register
            };
            let a = replay(&writes);
            let b = replay(&shuffled);
            prop_assert_eq!(&a, &b);
            let ((_, _), highest) = writes.last().unwrap(); // the map was sorted by stamp
            prop_assert_eq!(a.value(), highest);
        }
    }
}
