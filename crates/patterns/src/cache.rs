//! A two-level cache for the menu: a small in-process LRU in front of a shared
//! tier (think Redis), with time-to-live on both, warming and invalidation.
//!
//! Reading the menu is the hottest path of the Go Coffee app. The first level
//! ([`Lru`]) lives inside each API instance: no network hop, but small, and
//! each instance has its own copy. The second level ([`SharedTier`]) is shared
//! by every instance: one network hop, large, and one copy. A read tries the
//! local level, then the shared one, then the database, filling the levels on
//! the way back (read-through).
//!
//! Two copies mean two ways to be stale. When a price changes, [`TieredCache::invalidate`]
//! deletes the key from the shared tier and from its own LRU, and publishes
//! the key so that every other instance drops it from its LRU too. Messages
//! can be lost in real systems, so the local TTL is kept short: it bounds how
//! long a missed invalidation can serve an old price.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::cache::{CacheConfig, SharedTier, Source, TieredCache};
//! use coffee_patterns::clock::ManualClock;
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let shared = SharedTier::new();
//! let config = CacheConfig {
//!     local_capacity: 100,
//!     local_ttl: Duration::from_secs(30),
//!     shared_ttl: Duration::from_secs(600),
//! };
//! let mut api_1 = TieredCache::new(config, shared.clone(), clock.clone());
//! let mut api_2 = TieredCache::new(config, shared.clone(), clock.clone());
//! let database = |key: &str| (key == "latte").then(|| "4.50".to_string());
//!
//! // Warm the popular items before traffic arrives.
//! assert_eq!(api_1.warm(["latte"], database), 1);
//! // The other instance finds the price in the shared tier, then locally.
//! assert_eq!(api_2.get_or_load("latte", database).unwrap().source, Source::Shared);
//! assert_eq!(api_2.get_or_load("latte", database).unwrap().source, Source::Local);
//!
//! // A price change: invalidation clears both tiers on every instance.
//! api_1.invalidate("latte");
//! let newer = |_: &str| Some("4.75".to_string());
//! let fetched = api_2.get_or_load("latte", newer).unwrap();
//! assert_eq!((fetched.value.as_str(), fetched.source), ("4.75", Source::Origin));
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::Hash;
use std::rc::Rc;
use std::time::Duration;

use crate::clock::Clock;

const NIL: usize = usize::MAX;

#[derive(Debug, Clone)]
struct Slot<K, V> {
    key: K,
    value: V,
    /// Towards the most recently used end.
    newer: usize,
    /// Towards the least recently used end.
    older: usize,
}

// ANCHOR: lru
// ANCHOR: solution
/// A fixed-capacity map that evicts its least recently used entry.
///
/// Entries live in a slab (`Vec`) linked into a list from most to least
/// recently used; a hash map finds a key's slot, so every operation is O(1).
#[derive(Debug, Clone)]
pub struct Lru<K, V> {
    capacity: usize,
    index: HashMap<K, usize>,
    slots: Vec<Option<Slot<K, V>>>,
    free: Vec<usize>,
    newest: usize,
    oldest: usize,
}

impl<K: Hash + Eq + Clone, V> Lru<K, V> {
    /// Inserts or replaces `key`, making it the most recently used. Returns
    /// the least recently used entry if the insertion pushed it out.
    pub fn put(&mut self, key: K, value: V) -> Option<(K, V)> {
        if let Some(&at) = self.index.get(&key) {
            self.slot_mut(at).value = value;
            self.touch(at);
            return None;
        }
        let evicted = (self.index.len() == self.capacity).then(|| self.evict_oldest());
        let slot = Slot {
            key: key.clone(),
            value,
            newer: NIL,
            older: NIL,
        };
        let at = match self.free.pop() {
            Some(at) => {
                self.slots[at] = Some(slot);
                at
            }
            None => {
                self.slots.push(Some(slot));
                self.slots.len() - 1
            }
        };
        self.index.insert(key, at);
        self.push_newest(at);
        evicted
    }

    // ANCHOR_END: solution
    // ANCHOR_END: lru

    /// The value of `key`, which becomes the most recently used.
    pub fn get<Q>(&mut self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let at = *self.index.get(key)?;
        self.touch(at);
        Some(&self.slot(at).value)
    }

    /// An empty cache holding at most `capacity` entries.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is zero.
    #[must_use]
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "an LRU cache needs room for one entry");
        Self {
            capacity,
            index: HashMap::with_capacity(capacity),
            slots: Vec::with_capacity(capacity),
            free: Vec::new(),
            newest: NIL,
            oldest: NIL,
        }
    }

    /// The value of `key`, without changing its recency.
    pub fn peek<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.index.get(key).map(|&at| &self.slot(at).value)
    }

    /// Removes `key` and returns its value.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let at = self.index.remove(key)?;
        self.unlink(at);
        self.free.push(at);
        self.slots[at].take().map(|slot| slot.value)
    }

    /// How many entries the cache holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether the cache holds no entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The most entries the cache holds before it evicts.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The entries from most to least recently used.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let mut at = self.newest;
        std::iter::from_fn(move || {
            if at == NIL {
                return None;
            }
            let slot = self.slot(at);
            at = slot.older;
            Some((&slot.key, &slot.value))
        })
    }

    fn evict_oldest(&mut self) -> (K, V) {
        let oldest = self.oldest;
        self.unlink(oldest);
        let slot = self.slots[oldest].take().expect("linked slots are full");
        self.index.remove(&slot.key);
        self.free.push(oldest);
        (slot.key, slot.value)
    }

    fn slot(&self, at: usize) -> &Slot<K, V> {
        self.slots[at].as_ref().expect("indexed slots are full")
    }

    fn slot_mut(&mut self, at: usize) -> &mut Slot<K, V> {
        self.slots[at].as_mut().expect("indexed slots are full")
    }

    fn touch(&mut self, at: usize) {
        if self.newest != at {
            self.unlink(at);
            self.push_newest(at);
        }
    }

    fn unlink(&mut self, at: usize) {
        let (newer, older) = {
            let slot = self.slot(at);
            (slot.newer, slot.older)
        };
        match newer {
            NIL => self.newest = older,
            n => self.slot_mut(n).older = older,
        }
        match older {
            NIL => self.oldest = newer,
            o => self.slot_mut(o).newer = newer,
        }
    }

    fn push_newest(&mut self, at: usize) {
        let previous = self.newest;
        {
            let slot = self.slot_mut(at);
            slot.newer = NIL;
            slot.older = previous;
        }
        match previous {
            NIL => self.oldest = at,
            p => self.slot_mut(p).newer = at,
        }
        self.newest = at;
    }
}

#[derive(Debug, Default)]
struct SharedState {
    entries: BTreeMap<String, (String, Duration)>,
    /// One queue of invalidated keys per subscribed instance.
    inboxes: Vec<VecDeque<String>>,
}

/// The shared cache tier (a Redis in production): key-value pairs with an
/// expiry, plus an invalidation channel to every local tier. Clones share the
/// same store.
#[derive(Debug, Clone, Default)]
pub struct SharedTier {
    state: Rc<RefCell<SharedState>>,
}

impl SharedTier {
    /// An empty shared tier.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The value of `key` if it has not expired at `now`.
    #[must_use]
    pub fn get(&self, key: &str, now: Duration) -> Option<String> {
        let state = self.state.borrow();
        let (value, expires_at) = state.entries.get(key)?;
        (now < *expires_at).then(|| value.clone())
    }

    /// Stores `value` under `key` until `now + ttl`.
    pub fn set(&self, key: &str, value: &str, ttl: Duration, now: Duration) {
        self.state
            .borrow_mut()
            .entries
            .insert(key.to_string(), (value.to_string(), now + ttl));
    }

    /// Deletes `key`.
    pub fn delete(&self, key: &str) {
        self.state.borrow_mut().entries.remove(key);
    }

    /// How many entries are stored, expired ones included.
    #[must_use]
    pub fn len(&self) -> usize {
        self.state.borrow().entries.len()
    }

    /// Whether nothing is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.state.borrow().entries.is_empty()
    }

    fn subscribe(&self) -> usize {
        let mut state = self.state.borrow_mut();
        state.inboxes.push(VecDeque::new());
        state.inboxes.len() - 1
    }

    fn publish_invalidation(&self, from: usize, key: &str) {
        let mut state = self.state.borrow_mut();
        for (id, inbox) in state.inboxes.iter_mut().enumerate() {
            if id != from {
                inbox.push_back(key.to_string());
            }
        }
    }

    fn take_invalidations(&self, id: usize) -> Vec<String> {
        self.state.borrow_mut().inboxes[id].drain(..).collect()
    }
}

/// Sizes and lifetimes of the two levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheConfig {
    /// Entries the in-process LRU holds.
    pub local_capacity: usize,
    /// How long an entry stays valid in the in-process LRU; also the bound on
    /// staleness after a lost invalidation message.
    pub local_ttl: Duration,
    /// How long an entry stays valid in the shared tier.
    pub shared_ttl: Duration,
}

/// Where a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The in-process LRU.
    Local,
    /// The shared tier.
    Shared,
    /// The loader (the database), after both levels missed.
    Origin,
}

/// A value returned by [`TieredCache::get_or_load`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The cached or loaded value.
    pub value: String,
    /// The level that answered.
    pub source: Source,
}

/// Counters of where reads were answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Reads answered by the in-process LRU.
    pub local_hits: u64,
    /// Reads answered by the shared tier.
    pub shared_hits: u64,
    /// Reads that went to the loader.
    pub loads: u64,
}

#[derive(Debug, Clone)]
struct LocalEntry {
    value: String,
    expires_at: Duration,
}

/// One API instance's view of the two-level cache.
#[derive(Debug)]
pub struct TieredCache<C: Clock> {
    config: CacheConfig,
    local: Lru<String, LocalEntry>,
    shared: SharedTier,
    subscriber: usize,
    clock: C,
    stats: CacheStats,
}

impl<C: Clock> TieredCache<C> {
    /// A cache for one instance with its own LRU, subscribed to `shared`'s
    /// invalidations.
    #[must_use]
    pub fn new(config: CacheConfig, shared: SharedTier, clock: C) -> Self {
        let subscriber = shared.subscribe();
        Self {
            config,
            local: Lru::new(config.local_capacity),
            shared,
            subscriber,
            clock,
            stats: CacheStats::default(),
        }
    }

    // ANCHOR: read_through
    // ANCHOR: solution
    /// Reads `key` from the first level that has a live copy, calling `load`
    /// (the database) only when both miss, and fills the levels it missed.
    /// `None` if the loader has nothing either.
    pub fn get_or_load(
        &mut self,
        key: &str,
        load: impl FnOnce(&str) -> Option<String>,
    ) -> Option<Fetched> {
        self.apply_invalidations();
        let now = self.clock.now();
        if let Some(entry) = self.local.get(key) {
            if now < entry.expires_at {
                self.stats.local_hits += 1;
                let value = entry.value.clone();
                return Some(Fetched {
                    value,
                    source: Source::Local,
                });
            }
            self.local.remove(key);
        }
        let (value, source) = match self.shared.get(key, now) {
            Some(value) => {
                self.stats.shared_hits += 1;
                (value, Source::Shared)
            }
            None => {
                self.stats.loads += 1;
                let value = load(key)?;
                self.shared.set(key, &value, self.config.shared_ttl, now);
                (value, Source::Origin)
            }
        };
        let expires_at = now + self.config.local_ttl;
        let entry = LocalEntry {
            value: value.clone(),
            expires_at,
        };
        self.local.put(key.to_string(), entry);
        Some(Fetched { value, source })
    }
    // ANCHOR_END: solution
    // ANCHOR_END: read_through

    // ANCHOR: warm_invalidate
    // ANCHOR: solution
    /// Loads the popular `keys` into both levels ahead of traffic (after a
    /// deploy, before the morning rush). Returns how many were found.
    pub fn warm<'k>(
        &mut self,
        keys: impl IntoIterator<Item = &'k str>,
        mut load: impl FnMut(&str) -> Option<String>,
    ) -> usize {
        let now = self.clock.now();
        let mut warmed = 0;
        for key in keys {
            if let Some(value) = load(key) {
                self.shared.set(key, &value, self.config.shared_ttl, now);
                let expires_at = now + self.config.local_ttl;
                self.local
                    .put(key.to_string(), LocalEntry { value, expires_at });
                warmed += 1;
            }
        }
        warmed
    }

    /// Drops `key` from the shared tier and this instance's LRU, and tells
    /// every other instance to drop it from theirs. Call it after the
    /// database write commits.
    pub fn invalidate(&mut self, key: &str) {
        self.local.remove(key);
        self.shared.delete(key);
        self.shared.publish_invalidation(self.subscriber, key);
    }

    fn apply_invalidations(&mut self) {
        for key in self.shared.take_invalidations(self.subscriber) {
            self.local.remove(key.as_str());
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: warm_invalidate

    /// Where reads have been answered so far.
    #[must_use]
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Whether this instance's LRU holds `key` (live or expired).
    #[must_use]
    pub fn is_local(&self, key: &str) -> bool {
        self.local.peek(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;
    use std::num::NonZeroUsize;

    fn config() -> CacheConfig {
        CacheConfig {
            local_capacity: 2,
            local_ttl: Duration::from_secs(10),
            shared_ttl: Duration::from_secs(60),
        }
    }

    fn menu(key: &str) -> Option<String> {
        match key {
            "latte" => Some("4.50".into()),
            "mocha" => Some("5.00".into()),
            "flat-white" => Some("4.20".into()),
            _ => None,
        }
    }

    #[test]
    fn lru_evicts_the_least_recently_used() {
        let mut lru = Lru::new(2);
        assert_eq!(lru.put("latte", 1), None);
        assert_eq!(lru.put("mocha", 2), None);
        assert_eq!(lru.get("latte"), Some(&1)); // mocha is now the oldest
        assert_eq!(lru.put("chai", 3), Some(("mocha", 2)));
        let order: Vec<_> = lru.iter().map(|(k, _)| *k).collect();
        assert_eq!(order, ["chai", "latte"]);
    }

    #[test]
    fn ttls_expire_each_level_separately() {
        let clock = ManualClock::new();
        let mut cache = TieredCache::new(config(), SharedTier::new(), clock.clone());
        assert_eq!(
            cache.get_or_load("latte", menu).unwrap().source,
            Source::Origin
        );
        clock.advance(Duration::from_secs(10)); // local copy expires
        assert_eq!(
            cache.get_or_load("latte", menu).unwrap().source,
            Source::Shared
        );
        clock.advance(Duration::from_secs(50)); // shared copy expires too
        assert_eq!(
            cache.get_or_load("latte", menu).unwrap().source,
            Source::Origin
        );
        assert_eq!(
            cache.stats(),
            CacheStats {
                local_hits: 0,
                shared_hits: 1,
                loads: 2
            }
        );
    }

    #[test]
    fn missing_items_are_not_cached() {
        let clock = ManualClock::new();
        let shared = SharedTier::new();
        let mut cache = TieredCache::new(config(), shared.clone(), clock);
        assert_eq!(cache.get_or_load("unicorn-frappe", menu), None);
        assert!(shared.is_empty());
        assert!(!cache.is_local("unicorn-frappe"));
    }

    #[test]
    fn invalidation_reaches_every_instance() {
        let clock = ManualClock::new();
        let shared = SharedTier::new();
        let mut a = TieredCache::new(config(), shared.clone(), clock.clone());
        let mut b = TieredCache::new(config(), shared.clone(), clock.clone());
        a.get_or_load("mocha", menu).unwrap();
        b.get_or_load("mocha", menu).unwrap();
        assert!(a.is_local("mocha") && b.is_local("mocha"));
        a.invalidate("mocha");
        assert!(!a.is_local("mocha"));
        assert_eq!(shared.get("mocha", clock.now()), None);
        let fresh = b.get_or_load("mocha", |_| Some("5.25".into())).unwrap();
        assert_eq!(
            fresh,
            Fetched {
                value: "5.25".into(),
                source: Source::Origin
            }
        );
    }

    #[test]
    fn warming_fills_both_levels_and_respects_capacity() {
        let clock = ManualClock::new();
        let shared = SharedTier::new();
        let mut cache = TieredCache::new(config(), shared.clone(), clock.clone());
        let warmed = cache.warm(["latte", "mocha", "flat-white", "unknown"], menu);
        assert_eq!(warmed, 3);
        assert_eq!(shared.len(), 3);
        // The LRU holds two: the first warmed item was pushed out.
        assert!(!cache.is_local("latte"));
        assert_eq!(
            cache.get_or_load("latte", menu).unwrap().source,
            Source::Shared
        );
        assert_eq!(cache.stats().loads, 0);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Put(u8, u16),
        Get(u8),
        Peek(u8),
        Remove(u8),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..12, any::<u16>()).prop_map(|(k, v)| Op::Put(k, v)),
            (0u8..12).prop_map(Op::Get),
            (0u8..12).prop_map(Op::Peek),
            (0u8..12).prop_map(Op::Remove),
        ]
    }

    proptest! {
        /// Our LRU and the `lru` crate agree on every answer, every eviction
        /// and the final recency order, for random operation sequences.
        #[test]
        fn lru_agrees_with_the_lru_crate(
            capacity in 1usize..6,
            ops in proptest::collection::vec(op(), 0..200),
        ) {
            let mut ours = Lru::new(capacity);
            let mut reference = lru::LruCache::new(NonZeroUsize::new(capacity).unwrap());
            for op in ops {
                match op {
                    Op::Put(k, v) => {
                        let replaced = reference.contains(&k);
                        let pushed_out = reference.push(k, v);
                        let expected = if replaced { None } else { pushed_out };
                        prop_assert_eq!(ours.put(k, v), expected);
                    }
                    Op::Get(k) => prop_assert_eq!(ours.get(&k), reference.get(&k)),
                    Op::Peek(k) => prop_assert_eq!(ours.peek(&k), reference.peek(&k)),
                    Op::Remove(k) => prop_assert_eq!(ours.remove(&k), reference.pop(&k)),
                }
                prop_assert_eq!(ours.len(), reference.len());
            }
            let ours: Vec<_> = ours.iter().collect();
            let theirs: Vec<_> = reference.iter().collect();
            prop_assert_eq!(ours, theirs);
        }
    }
}
