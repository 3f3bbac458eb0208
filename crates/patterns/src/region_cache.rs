//! Menu caches in many regions, kept coherent by an ordered invalidation log,
//! with fill leases so a slow read can never put an old price back.
//!
//! Every write to the menu gets the next **version** and is appended to one
//! [`InvalidationLog`] (a Kafka topic or a Redis stream in production). Each
//! region's [`RegionCache`] reads the log in order and remembers how far it
//! got (its watermark). Because the log is ordered and a region refuses to
//! skip an entry, "region EU has applied version 42" means every change up to
//! 42 is reflected in EU: EU never again serves data older than that. How far
//! a region lags behind is one subtraction, `log.head() - region.applied()`,
//! which is the number a dashboard alerts on.
//!
//! Invalidation alone leaves a race that every read-through cache has:
//!
//! 1. a request misses and reads the price from the database: 4.50;
//! 2. an editor changes the price to 4.75, and the invalidation is applied
//!    (nothing to delete: the key is not cached yet);
//! 3. the first request, slow, now stores 4.50, which stays until it expires.
//!
//! The fix is Facebook's memcache **lease**: a miss hands out a lease token,
//! an invalidation of the key voids it, and a fill is accepted only with a
//! valid token. The slow request's fill is refused, and the next reader loads
//! 4.75. As a second line, each entry carries the version it was read at and
//! the region refuses to store anything older than the last invalidation it
//! applied for that key. A lease also expires (a filler that crashed must not
//! block the key forever), and only one lease per key is out at a time, so a
//! hot key that expires brings one database read, not a thousand.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::region_cache::{FillError, Lookup, MenuStore, RegionCache};
//! use std::time::Duration;
//!
//! let mut menu = MenuStore::new();
//! menu.write("latte", "4.50");
//! let clock = ManualClock::new();
//! let mut eu = RegionCache::new("eu-west", 1_000, Duration::from_secs(10), clock);
//!
//! // 1. A miss: the reader gets a lease and reads the database.
//! let Lookup::Miss(lease) = eu.get("latte") else { panic!("cold cache") };
//! let slow_read = menu.read("latte").unwrap();
//! // 2. The price changes; EU applies the invalidation.
//! menu.write("latte", "4.75");
//! eu.catch_up(menu.log()).unwrap();
//! // 3. The slow fill arrives and is refused: its lease was voided.
//! assert_eq!(eu.fill(lease, slow_read), Err(FillError::LeaseVoided));
//! // The next reader loads the new price.
//! let Lookup::Miss(lease) = eu.get("latte") else { panic!("still a miss") };
//! eu.fill(lease, menu.read("latte").unwrap()).unwrap();
//! assert!(matches!(eu.get("latte"), Lookup::Hit(v) if v.value == "4.75"));
//! assert_eq!(eu.applied(), menu.log().head());
//! ```

use crate::cache::Lru;
use crate::clock::Clock;
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

/// A value with the version of the write that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned {
    /// The cached value (a price, a menu section as JSON).
    pub value: String,
    /// The log version of the write that produced it.
    pub version: u64,
}

/// One entry of the log: at `version`, `key` changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalidation {
    /// Position in the log, from 1, without gaps.
    pub version: u64,
    /// The key whose value changed.
    pub key: String,
}

/// The ordered list of every change, which all regions read.
#[derive(Debug, Clone, Default)]
pub struct InvalidationLog {
    entries: Vec<Invalidation>,
}

impl InvalidationLog {
    /// An empty log.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a change of `key` and returns its version.
    pub fn publish(&mut self, key: &str) -> u64 {
        let version = self.head() + 1;
        self.entries.push(Invalidation {
            version,
            key: key.to_string(),
        });
        version
    }

    /// The latest version, 0 when nothing was published.
    #[must_use]
    pub fn head(&self) -> u64 {
        self.entries.len() as u64
    }

    /// The entries after `version`, in order.
    #[must_use]
    pub fn since(&self, version: u64) -> &[Invalidation] {
        let from = usize::try_from(version).unwrap_or(usize::MAX);
        self.entries.get(from..).unwrap_or(&[])
    }
}

/// The source of truth: the menu database, which publishes every write.
#[derive(Debug, Clone, Default)]
pub struct MenuStore {
    items: HashMap<String, Versioned>,
    log: InvalidationLog,
}

impl MenuStore {
    /// An empty menu.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `value` under `key` and publishes the change; returns the
    /// write's version.
    pub fn write(&mut self, key: &str, value: &str) -> u64 {
        let version = self.log.publish(key);
        self.items.insert(
            key.to_string(),
            Versioned {
                value: value.to_string(),
                version,
            },
        );
        version
    }

    /// The current value of `key` with its version.
    #[must_use]
    pub fn read(&self, key: &str) -> Option<Versioned> {
        self.items.get(key).cloned()
    }

    /// The log of changes.
    #[must_use]
    pub fn log(&self) -> &InvalidationLog {
        &self.log
    }
}

/// Permission to fill one key, handed out on a miss.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a lease is only useful to fill the key it was issued for"]
pub struct Lease {
    key: String,
    token: u64,
}

impl Lease {
    /// The key this lease may fill.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// What a region answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Cached.
    Hit(Versioned),
    /// Not cached: load it and [`fill`](RegionCache::fill) with this lease.
    Miss(Lease),
    /// Not cached, and another request holds the lease and is loading it:
    /// wait a little and ask again, instead of hitting the database too.
    Loading,
}

/// Why a fill was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FillError {
    /// The key was invalidated (or the lease expired, or a newer lease was
    /// issued) after this lease was handed out: the value may be old.
    LeaseVoided,
    /// The value is older than an invalidation this region has applied.
    OlderThanApplied {
        /// The value's version.
        version: u64,
        /// The last invalidation of the key applied here.
        floor: u64,
    },
}

impl fmt::Display for FillError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LeaseVoided => write!(
                f,
                "fill refused: the key changed after the lease was issued"
            ),
            Self::OlderThanApplied { version, floor } => write!(
                f,
                "fill refused: version {version} is older than invalidation {floor}, already applied"
            ),
        }
    }
}

impl std::error::Error for FillError {}

/// A log entry arrived out of order: applying it would skip changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The version the region needs next.
    pub expected: u64,
    /// The version that arrived.
    pub got: u64,
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalidation {} arrived but {} is next: read the log from {}",
            self.got, self.expected, self.expected
        )
    }
}

impl std::error::Error for Gap {}

/// One region's menu cache.
#[derive(Debug)]
pub struct RegionCache<C> {
    name: String,
    entries: Lru<String, Versioned>,
    applied: u64,
    /// Per key, the version of the last invalidation applied.
    floors: HashMap<String, u64>,
    /// Per key, the outstanding lease: its token and when it expires.
    leases: HashMap<String, (u64, Duration)>,
    next_token: u64,
    lease_ttl: Duration,
    clock: C,
}

impl<C: Clock> RegionCache<C> {
    /// An empty cache of at most `capacity` entries for region `name`;
    /// leases expire after `lease_ttl`.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is zero.
    pub fn new(name: &str, capacity: usize, lease_ttl: Duration, clock: C) -> Self {
        Self {
            name: name.to_string(),
            entries: Lru::new(capacity),
            applied: 0,
            floors: HashMap::new(),
            leases: HashMap::new(),
            next_token: 0,
            lease_ttl,
            clock,
        }
    }

    // ANCHOR: lease
    // ANCHOR: solution
    /// Looks `key` up; on a miss hands out a lease, unless a live one is
    /// already out.
    pub fn get(&mut self, key: &str) -> Lookup {
        if let Some(hit) = self.entries.get(key) {
            return Lookup::Hit(hit.clone());
        }
        let now = self.clock.now();
        if let Some(&(_, expires)) = self.leases.get(key)
            && now < expires
        {
            return Lookup::Loading;
        }
        self.next_token += 1;
        let token = self.next_token;
        self.leases
            .insert(key.to_string(), (token, now + self.lease_ttl));
        Lookup::Miss(Lease {
            key: key.to_string(),
            token,
        })
    }

    /// Stores a loaded value, if the lease is still the valid one and the
    /// value is not older than what this region has already invalidated.
    ///
    /// # Errors
    ///
    /// [`FillError`] says why the value was not stored.
    pub fn fill(&mut self, lease: Lease, loaded: Versioned) -> Result<(), FillError> {
        let now = self.clock.now();
        match self.leases.get(&lease.key) {
            Some(&(token, expires)) if token == lease.token && now < expires => {}
            _ => return Err(FillError::LeaseVoided),
        }
        self.leases.remove(&lease.key);
        let floor = self.floors.get(&lease.key).copied().unwrap_or(0);
        if loaded.version < floor {
            return Err(FillError::OlderThanApplied {
                version: loaded.version,
                floor,
            });
        }
        self.entries.put(lease.key, loaded);
        Ok(())
    }
    // ANCHOR_END: solution
    // ANCHOR_END: lease

    // ANCHOR: apply
    // ANCHOR: solution
    /// Applies one log entry. A duplicate (already applied) is ignored and
    /// returns `Ok(false)`; the next one in order is applied: the key is
    /// dropped unless the cached value is at least that new, and its lease is
    /// voided.
    ///
    /// # Errors
    ///
    /// [`Gap`] when the entry is not the next one: the region must read the
    /// log from its watermark instead ([`catch_up`](Self::catch_up)).
    pub fn apply(&mut self, change: &Invalidation) -> Result<bool, Gap> {
        if change.version <= self.applied {
            return Ok(false);
        }
        if change.version != self.applied + 1 {
            return Err(Gap {
                expected: self.applied + 1,
                got: change.version,
            });
        }
        if self
            .entries
            .peek(&change.key)
            .is_some_and(|cached| cached.version < change.version)
        {
            self.entries.remove(&change.key);
        }
        self.leases.remove(&change.key);
        self.floors.insert(change.key.clone(), change.version);
        self.applied = change.version;
        Ok(true)
    }

    /// Applies every entry of `log` after this region's watermark; returns
    /// how many.
    ///
    /// # Errors
    ///
    /// [`Gap`] if the log itself has a hole (it cannot, if it is an
    /// [`InvalidationLog`]).
    pub fn catch_up(&mut self, log: &InvalidationLog) -> Result<usize, Gap> {
        let mut applied = 0;
        for change in log.since(self.applied) {
            applied += usize::from(self.apply(change)?);
        }
        Ok(applied)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: apply

    // ANCHOR: warm
    // ANCHOR: solution
    /// Preloads `keys` (say, the 200 most ordered items) before the region
    /// takes traffic, through the same leases as any other fill, so a warm-up
    /// racing with a price change cannot store the old price. Returns how
    /// many keys were stored.
    pub fn warm<'k>(
        &mut self,
        keys: impl IntoIterator<Item = &'k str>,
        mut load: impl FnMut(&str) -> Option<Versioned>,
    ) -> usize {
        let mut stored = 0;
        for key in keys {
            if let Lookup::Miss(lease) = self.get(key) {
                match load(key) {
                    Some(value) => stored += usize::from(self.fill(lease, value).is_ok()),
                    None => {
                        self.leases.remove(key);
                    }
                }
            }
        }
        stored
    }
    // ANCHOR_END: solution
    // ANCHOR_END: warm

    /// The last log version applied here.
    #[must_use]
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// The region's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How many entries are cached.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is cached.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    fn region(clock: &ManualClock) -> RegionCache<ManualClock> {
        RegionCache::new("eu-west", 100, Duration::from_secs(10), clock.clone())
    }

    fn value(lookup: Lookup) -> Option<String> {
        match lookup {
            Lookup::Hit(v) => Some(v.value),
            _ => None,
        }
    }

    #[test]
    fn a_second_miss_waits_for_the_first_lease() {
        let clock = ManualClock::new();
        let mut eu = region(&clock);
        let Lookup::Miss(lease) = eu.get("mocha") else {
            panic!()
        };
        assert_eq!(eu.get("mocha"), Lookup::Loading);
        eu.fill(
            lease,
            Versioned {
                value: "5.00".into(),
                version: 0,
            },
        )
        .unwrap();
        assert_eq!(value(eu.get("mocha")).as_deref(), Some("5.00"));
    }

    #[test]
    fn an_expired_lease_is_replaced_and_cannot_fill() {
        let clock = ManualClock::new();
        let mut eu = region(&clock);
        let Lookup::Miss(crashed) = eu.get("mocha") else {
            panic!()
        };
        clock.advance(Duration::from_secs(10));
        let Lookup::Miss(retry) = eu.get("mocha") else {
            panic!("the lease expired")
        };
        let v = Versioned {
            value: "5.00".into(),
            version: 0,
        };
        assert_eq!(eu.fill(crashed, v.clone()), Err(FillError::LeaseVoided));
        assert_eq!(eu.fill(retry, v), Ok(()));
    }

    #[test]
    fn invalidations_apply_in_order_only() {
        let clock = ManualClock::new();
        let mut menu = MenuStore::new();
        menu.write("latte", "4.50");
        menu.write("mocha", "5.00");
        let mut eu = region(&clock);
        let log = menu.log().since(0).to_vec();
        assert_eq!(
            eu.apply(&log[1]),
            Err(Gap {
                expected: 1,
                got: 2
            })
        );
        assert_eq!(eu.apply(&log[0]), Ok(true));
        assert_eq!(
            eu.apply(&log[0]),
            Ok(false),
            "a redelivered entry is harmless"
        );
        assert_eq!(eu.apply(&log[1]), Ok(true));
        assert_eq!(eu.applied(), 2);
        assert_eq!(
            Gap {
                expected: 3,
                got: 5
            }
            .to_string(),
            "invalidation 5 arrived but 3 is next: read the log from 3"
        );
    }

    #[test]
    fn a_value_older_than_an_applied_invalidation_is_refused_even_with_a_lease() {
        let clock = ManualClock::new();
        let mut menu = MenuStore::new();
        menu.write("latte", "4.50");
        let old = menu.read("latte").unwrap();
        menu.write("latte", "4.75");
        let mut eu = region(&clock);
        eu.catch_up(menu.log()).unwrap();
        // The lease is issued after the invalidation, but the value (read
        // from a lagging database replica, say) predates it.
        let Lookup::Miss(lease) = eu.get("latte") else {
            panic!()
        };
        assert_eq!(
            eu.fill(lease, old),
            Err(FillError::OlderThanApplied {
                version: 1,
                floor: 2
            })
        );
    }

    #[test]
    fn warming_fills_the_popular_keys() {
        let clock = ManualClock::new();
        let mut menu = MenuStore::new();
        menu.write("latte", "4.50");
        menu.write("flat-white", "4.20");
        let mut us = region(&clock);
        us.catch_up(menu.log()).unwrap();
        assert_eq!(
            us.warm(["latte", "flat-white", "unicorn-frappe"], |k| menu.read(k)),
            2
        );
        assert_eq!(value(us.get("latte")).as_deref(), Some("4.50"));
        // The unknown key's lease was given back: the next reader may load it.
        assert!(matches!(us.get("unicorn-frappe"), Lookup::Miss(_)));
    }

    /// One step of a random schedule of writes, reads, delayed fills and
    /// log deliveries across two regions.
    #[derive(Debug, Clone)]
    enum Step {
        Write(usize),
        /// A miss in a region; the database read comes from a replica that
        /// lags this many writes behind.
        Miss(usize, usize, u64),
        Fill(usize),
        Deliver(usize),
        Tick,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (0usize..3).prop_map(Step::Write),
            (0usize..2, 0usize..3, 0u64..3).prop_map(|(r, k, lag)| Step::Miss(r, k, lag)),
            (0usize..8).prop_map(Step::Fill),
            (0usize..2).prop_map(Step::Deliver),
            Just(Step::Tick),
        ]
    }

    proptest! {
        /// Whatever the interleaving, a region that has applied version n
        /// never serves a value older than the last write of that key at or
        /// before n.
        #[test]
        fn a_region_never_serves_data_older_than_its_watermark(
            steps in proptest::collection::vec(step(), 1..80),
        ) {
            const KEYS: [&str; 3] = ["latte", "mocha", "chai"];
            let clock = ManualClock::new();
            let mut menu = MenuStore::new();
            let mut regions = [region(&clock), region(&clock)];
            // Reads done but not yet filled: (region, lease, value read).
            let mut in_flight: Vec<(usize, Lease, Versioned)> = Vec::new();
            // Every write, so that a lagging replica can be read.
            let mut history: Vec<(usize, Versioned)> = Vec::new();
            for step in steps {
                match step {
                    Step::Write(k) => {
                        let value = format!("v{}", history.len() + 1);
                        let version = menu.write(KEYS[k], &value);
                        history.push((k, Versioned { value, version }));
                    }
                    Step::Miss(r, k, lag) => {
                        let replica_head = menu.log().head().saturating_sub(lag);
                        let read = history
                            .iter()
                            .rev()
                            .find(|(key, v)| *key == k && v.version <= replica_head)
                            .map(|(_, v)| v.clone());
                        if let Lookup::Miss(lease) = regions[r].get(KEYS[k])
                            && let Some(read) = read
                        {
                            in_flight.push((r, lease, read));
                        }
                    }
                    Step::Fill(i) => {
                        if i < in_flight.len() {
                            let (r, lease, read) = in_flight.remove(i);
                            let _ = regions[r].fill(lease, read);
                        }
                    }
                    // One entry at a time, so regions lag by different amounts.
                    Step::Deliver(r) => {
                        let next = menu.log().since(regions[r].applied()).first().cloned();
                        if let Some(change) = next {
                            prop_assert_eq!(regions[r].apply(&change), Ok(true));
                        }
                    }
                    Step::Tick => clock.advance(Duration::from_secs(3)),
                }
                for region in &mut regions {
                    let watermark = region.applied();
                    for key in KEYS {
                        let newest_applied = menu
                            .log()
                            .since(0)
                            .iter()
                            .take_while(|c| c.version <= watermark)
                            .filter(|c| c.key == key)
                            .map(|c| c.version)
                            .max()
                            .unwrap_or(0);
                        if let Some(cached) = region.entries.peek(key) {
                            prop_assert!(
                                cached.version >= newest_applied,
                                "{} serves {key} v{} after applying v{newest_applied}",
                                region.name(), cached.version
                            );
                        }
                    }
                }
            }
        }
    }
}
