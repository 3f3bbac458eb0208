//! Load balancing: choosing which order-service instance serves the next
//! request, and routing around the ones that are down.
//!
//! A [`Pool`] holds the backends with their weight, health and open
//! connections; a [`Balancer`] picks one of them for each request. The
//! strategies here are the ones nginx, Envoy and HAProxy offer:
//!
//! | strategy | picks | good for |
//! | --- | --- | --- |
//! | [`RoundRobin`] | each backend in turn | identical instances, short requests |
//! | [`SmoothWeightedRoundRobin`] | in proportion to weight, interleaved | mixed instance sizes |
//! | [`LeastConnections`] | the fewest open requests per unit of weight | long or uneven requests |
//! | [`PowerOfTwoChoices`] | the less busy of two random backends | many balancers with stale views |
//! | [`HashRing`] | the same backend for the same key | caches and sessions (a store's menu) |
//!
//! All of them skip unhealthy backends. Backends added with
//! [`Pool::with_backup`] take traffic only when every primary is down (nginx's
//! `backup`), and when nothing at all is healthy a balancer returns `None`, so
//! the caller can fail fast with a friendly "busy" answer instead of queueing.
//!
//! # Example: nginx's smooth weighted round robin
//!
//! ```
//! use coffee_patterns::load_balancer::{Balancer, Pool, SmoothWeightedRoundRobin};
//!
//! // A big instance and two small ones.
//! let pool = Pool::new([("a", 5), ("b", 1), ("c", 1)]);
//! let mut swrr = SmoothWeightedRoundRobin::new();
//! let picks: String = (0..7)
//!     .map(|_| pool.name(swrr.pick(&pool, "").unwrap()))
//!     .collect();
//! assert_eq!(picks, "aabacaa");
//! ```
//!
//! # Example: failing over
//!
//! ```
//! use coffee_patterns::load_balancer::{Balancer, Pool, RoundRobin};
//!
//! let mut pool = Pool::new([("eu-1", 1), ("eu-2", 1)]).with_backup("us-1", 1);
//! let mut rr = RoundRobin::new();
//! pool.set_healthy("eu-1", false);
//! assert_eq!(pool.name(rr.pick(&pool, "").unwrap()), "eu-2");
//! pool.set_healthy("eu-2", false);
//! assert_eq!(pool.name(rr.pick(&pool, "").unwrap()), "us-1");
//! pool.set_healthy("us-1", false);
//! assert_eq!(rr.pick(&pool, ""), None);
//! ```

use crate::rng::SeededRng;

/// One instance that can serve requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backend {
    /// Its name (`orders-3`, or an address).
    pub name: String,
    /// Its share of traffic relative to the others (a 4-core instance might
    /// weigh 2 against a 2-core one's 1). Zero takes no traffic.
    pub weight: u32,
    /// Whether it serves only when every primary backend is down.
    pub backup: bool,
    /// Whether health checks consider it able to serve.
    pub healthy: bool,
    /// Requests it is working on now.
    pub active: u32,
    /// Consecutive failed requests, for passive health checking.
    pub failures: u32,
}

/// The backends behind one balancer, with their health and load.
#[derive(Debug, Clone)]
pub struct Pool {
    backends: Vec<Backend>,
    max_failures: u32,
}

impl Pool {
    /// Primary backends from `(name, weight)` pairs, all healthy and idle.
    pub fn new<'a>(backends: impl IntoIterator<Item = (&'a str, u32)>) -> Self {
        let mut pool = Self {
            backends: Vec::new(),
            max_failures: 3,
        };
        for (name, weight) in backends {
            pool.push(name, weight, false);
        }
        pool
    }

    /// Adds a backup backend, used only while no primary is healthy.
    #[must_use]
    pub fn with_backup(mut self, name: &str, weight: u32) -> Self {
        self.push(name, weight, true);
        self
    }

    /// After how many consecutive failures [`report`](Self::report) marks a
    /// backend down (nginx's `max_fails`; 3 by default).
    #[must_use]
    pub fn with_max_failures(mut self, max_failures: u32) -> Self {
        self.max_failures = max_failures.max(1);
        self
    }

    /// Adds a primary backend, as when the autoscaler starts an instance.
    pub fn add(&mut self, name: &str, weight: u32) {
        self.push(name, weight, false);
    }

    fn push(&mut self, name: &str, weight: u32, backup: bool) {
        self.backends.push(Backend {
            name: name.to_owned(),
            weight,
            backup,
            healthy: true,
            active: 0,
            failures: 0,
        });
    }

    /// The backends, in the order they were added (their indices).
    #[must_use]
    pub fn backends(&self) -> &[Backend] {
        &self.backends
    }

    /// The name of backend `index`.
    #[must_use]
    pub fn name(&self, index: usize) -> &str {
        &self.backends[index].name
    }

    /// The index of the backend called `name`.
    #[must_use]
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.backends.iter().position(|b| b.name == name)
    }

    /// Records an active health check's verdict on `name` (no-op if unknown).
    pub fn set_healthy(&mut self, name: &str, healthy: bool) {
        if let Some(i) = self.index_of(name) {
            self.backends[i].healthy = healthy;
            self.backends[i].failures = 0;
        }
    }

    /// Passive health checking: records how a real request to `index` went;
    /// `max_failures` failures in a row mark the backend down until an
    /// active check brings it back.
    pub fn report(&mut self, index: usize, ok: bool) {
        let backend = &mut self.backends[index];
        if ok {
            backend.failures = 0;
        } else {
            backend.failures += 1;
            if backend.failures >= self.max_failures {
                backend.healthy = false;
            }
        }
    }

    /// Counts a request as started on `index` (for least connections).
    pub fn start(&mut self, index: usize) {
        self.backends[index].active += 1;
    }

    /// Counts a request on `index` as finished.
    pub fn finish(&mut self, index: usize) {
        let active = &mut self.backends[index].active;
        *active = active.saturating_sub(1);
    }

    // ANCHOR: eligible
    // ANCHOR: solution
    /// Whether `index` may take traffic now: healthy, weighted, and either a
    /// primary or a backup while every primary is down.
    #[must_use]
    pub fn is_eligible(&self, index: usize) -> bool {
        let usable = |b: &Backend| b.healthy && b.weight > 0;
        let b = &self.backends[index];
        if !usable(b) {
            return false;
        }
        !b.backup || !self.backends.iter().any(|p| !p.backup && usable(p))
    }
    // ANCHOR_END: solution
    // ANCHOR_END: eligible

    /// The indices of the backends that may take traffic now.
    #[must_use]
    pub fn eligible(&self) -> Vec<usize> {
        (0..self.backends.len())
            .filter(|&i| self.is_eligible(i))
            .collect()
    }
}

// ANCHOR: balancer
/// A load-balancing strategy.
pub trait Balancer {
    /// The index in `pool` of the backend for the next request, or `None` if
    /// no backend is eligible. `key` identifies the request for strategies
    /// that keep affinity (a store id, a customer id); others ignore it.
    fn pick(&mut self, pool: &Pool, key: &str) -> Option<usize>;
}
// ANCHOR_END: balancer

/// Each eligible backend in turn, ignoring weights.
#[derive(Debug, Clone, Default)]
pub struct RoundRobin {
    next: usize,
}

impl RoundRobin {
    /// Starts at the first backend.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

impl Balancer for RoundRobin {
    fn pick(&mut self, pool: &Pool, _key: &str) -> Option<usize> {
        let n = pool.backends().len();
        (0..n)
            .map(|step| (self.next + step) % n)
            .find(|&i| pool.is_eligible(i))
            .inspect(|&i| self.next = i + 1)
    }
}

// ANCHOR: swrr
// ANCHOR: solution
/// nginx's smooth weighted round robin.
///
/// Every pick, each eligible backend's `current` grows by its weight; the
/// backend with the largest `current` wins and pays back the total weight.
/// Over one cycle of `total` picks each backend is chosen exactly `weight`
/// times, and heavy backends are spread out (`a a b a c a a` for weights
/// 5, 1, 1) rather than sent in a block (`a a a a a b c`).
#[derive(Debug, Clone, Default)]
pub struct SmoothWeightedRoundRobin {
    current: Vec<i64>,
}

impl SmoothWeightedRoundRobin {
    /// All `current` weights at zero.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

impl Balancer for SmoothWeightedRoundRobin {
    fn pick(&mut self, pool: &Pool, _key: &str) -> Option<usize> {
        self.current.resize(pool.backends().len(), 0);
        let mut total = 0;
        let mut best: Option<usize> = None;
        for i in pool.eligible() {
            let weight = i64::from(pool.backends()[i].weight);
            self.current[i] += weight;
            total += weight;
            // Strictly greater: on a tie the earlier backend wins, as in nginx.
            if best.is_none_or(|b| self.current[i] > self.current[b]) {
                best = Some(i);
            }
        }
        let best = best?;
        self.current[best] -= total;
        Some(best)
    }
}
// ANCHOR_END: solution
// ANCHOR_END: swrr

// ANCHOR: least_connections
/// The backend with the fewest active requests per unit of weight.
///
/// Good when requests vary in length (a large catering order next to an
/// espresso): a slow backend accumulates connections and stops getting more.
/// Ties go to the earlier backend.
#[derive(Debug, Clone, Copy, Default)]
pub struct LeastConnections;

impl Balancer for LeastConnections {
    fn pick(&mut self, pool: &Pool, _key: &str) -> Option<usize> {
        let b = pool.backends();
        // active_i / weight_i < active_j / weight_j, without division.
        let busier = |i: usize, j: usize| {
            u64::from(b[i].active) * u64::from(b[j].weight)
                > u64::from(b[j].active) * u64::from(b[i].weight)
        };
        pool.eligible()
            .into_iter()
            .reduce(|best, i| if busier(best, i) { i } else { best })
    }
}

// ANCHOR_END: least_connections

/// The power of two choices: sample two distinct eligible backends at random
/// and take the less loaded one (by active requests per weight).
///
/// Nearly as good as least connections, but it needs no global minimum, so
/// many balancers with slightly stale counts do not all pile onto the same
/// "least loaded" backend at once.
#[derive(Debug, Clone)]
pub struct PowerOfTwoChoices {
    rng: SeededRng,
}

impl PowerOfTwoChoices {
    /// A balancer whose random choices are fixed by `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self {
            rng: SeededRng::new(seed),
        }
    }
}

// ANCHOR: p2c
impl Balancer for PowerOfTwoChoices {
    fn pick(&mut self, pool: &Pool, _key: &str) -> Option<usize> {
        let eligible = pool.eligible();
        let n = eligible.len() as u64;
        if n <= 1 {
            return eligible.first().copied();
        }
        let x = self.rng.below(n) as usize;
        let mut y = self.rng.below(n - 1) as usize;
        if y >= x {
            y += 1;
        }
        let (a, b) = (eligible[x], eligible[y]);
        let bs = pool.backends();
        let load_a = u64::from(bs[a].active) * u64::from(bs[b].weight);
        let load_b = u64::from(bs[b].active) * u64::from(bs[a].weight);
        Some(if load_b < load_a { b } else { a })
    }
}
// ANCHOR_END: p2c

// ANCHOR: hash_ring
// ANCHOR: solution
/// Consistent hashing with virtual nodes.
///
/// Every backend is placed on a ring of 2^64 positions at `vnodes` points
/// (the hashes of `"name#0"`, `"name#1"`, ...). A key goes to the first point
/// clockwise from its own hash, skipping points whose backend is not
/// eligible. When a backend joins, it takes over only the arcs just before
/// its points, about `1/(n+1)` of the keys, all from the others; when one
/// fails, its keys spread over the rest and nothing else moves. The same
/// store's menu therefore stays warm in the same cache node.
#[derive(Debug, Clone)]
pub struct HashRing {
    points: Vec<(u64, usize)>,
}

impl HashRing {
    /// Places every backend of `pool` at `vnodes` points. Rebuild the ring
    /// when backends are added to the pool.
    #[must_use]
    pub fn new(pool: &Pool, vnodes: u32) -> Self {
        let mut points: Vec<(u64, usize)> = pool
            .backends()
            .iter()
            .enumerate()
            .flat_map(|(i, b)| (0..vnodes).map(move |v| (hash(&format!("{}#{v}", b.name)), i)))
            .collect();
        points.sort_unstable();
        Self { points }
    }
}

impl Balancer for HashRing {
    fn pick(&mut self, pool: &Pool, key: &str) -> Option<usize> {
        let start = self.points.partition_point(|&(h, _)| h < hash(key));
        let n = self.points.len();
        (0..n)
            .map(|step| self.points[(start + step) % n].1)
            .find(|&i| pool.is_eligible(i))
    }
}

/// The ring's hash: 64-bit FNV-1a, then MurmurHash3's `fmix64` finaliser so
/// that similar names (`orders-1#0`, `orders-1#1`) land far apart. Stable
/// across runs and Rust versions, unlike `std`'s `DefaultHasher`.
#[must_use]
pub fn hash(key: &str) -> u64 {
    fmix64(fnv1a(key.as_bytes()))
}
// ANCHOR_END: solution
// ANCHOR_END: hash_ring

// ANCHOR: solution
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
// ANCHOR_END: solution

fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(pool: &Pool, balancer: &mut impl Balancer, n: usize) -> Vec<String> {
        (0..n)
            .map(|_| pool.name(balancer.pick(pool, "").unwrap()).to_owned())
            .collect()
    }

    /// The sequence given in the nginx commit that introduced smooth weighted
    /// round robin (nginx 1.3.1, `ngx_http_upstream_round_robin.c`): for
    /// weights { a: 5, b: 1, c: 1 } it selects `a a b a c a a`.
    #[test]
    fn reproduces_nginx_smooth_weighted_sequence() {
        let pool = Pool::new([("a", 5), ("b", 1), ("c", 1)]);
        let mut swrr = SmoothWeightedRoundRobin::new();
        assert_eq!(
            names(&pool, &mut swrr, 14),
            [
                "a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a"
            ]
        );
    }

    /// FNV-1a 64-bit test vectors from the FNV reference (Fowler, Noll, Vo;
    /// draft-eastlake-fnv): "" , "a" and "foobar".
    #[test]
    fn fnv1a_matches_the_published_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn round_robin_cycles_and_skips_the_unhealthy() {
        let mut pool = Pool::new([("a", 1), ("b", 1), ("c", 1)]);
        let mut rr = RoundRobin::new();
        assert_eq!(names(&pool, &mut rr, 4), ["a", "b", "c", "a"]);
        pool.set_healthy("c", false);
        assert_eq!(names(&pool, &mut rr, 4), ["b", "a", "b", "a"]);
    }

    #[test]
    fn passive_checks_mark_a_backend_down_after_max_failures() {
        let mut pool = Pool::new([("a", 1), ("b", 1)]).with_max_failures(2);
        pool.report(0, false);
        pool.report(0, true);
        pool.report(0, false);
        assert!(pool.is_eligible(0), "a success resets the count");
        pool.report(0, false);
        assert!(!pool.is_eligible(0));
        assert_eq!(pool.eligible(), [1]);
        pool.set_healthy("a", true);
        assert_eq!(pool.eligible(), [0, 1]);
    }

    #[test]
    fn backups_serve_only_while_all_primaries_are_down() {
        let mut pool = Pool::new([("a", 1)]).with_backup("z", 1);
        assert_eq!(pool.eligible(), [0]);
        pool.set_healthy("a", false);
        assert_eq!(pool.eligible(), [1]);
        let mut swrr = SmoothWeightedRoundRobin::new();
        assert_eq!(names(&pool, &mut swrr, 2), ["z", "z"]);
    }

    #[test]
    fn least_connections_weighs_active_requests() {
        let mut pool = Pool::new([("small", 1), ("big", 3)]);
        let mut lc = LeastConnections;
        // Both idle: the tie goes to the first.
        assert_eq!(lc.pick(&pool, ""), Some(0));
        pool.start(0);
        // small has 1 per weight, big 0: big takes the next three (1/3, 2/3, 3/3).
        for expected_active in 1..=3 {
            let i = lc.pick(&pool, "").unwrap();
            assert_eq!(pool.name(i), "big");
            pool.start(i);
            assert_eq!(pool.backends()[1].active, expected_active);
        }
        // Now 1/1 against 3/3: a tie, so the first.
        assert_eq!(lc.pick(&pool, ""), Some(0));
        pool.finish(1);
        assert_eq!(lc.pick(&pool, ""), Some(1));
    }

    #[test]
    fn power_of_two_choices_never_picks_the_busiest_of_three() {
        let mut pool = Pool::new([("a", 1), ("b", 1), ("c", 1)]);
        for _ in 0..5 {
            pool.start(2);
        }
        pool.start(1);
        let mut p2c = PowerOfTwoChoices::new(7);
        let picks: Vec<usize> = (0..300).map(|_| p2c.pick(&pool, "").unwrap()).collect();
        assert!(!picks.contains(&2));
        // a wins every pair it is in (2 of 3 pairs), b only against c.
        let a = picks.iter().filter(|&&i| i == 0).count();
        assert!((170..=230).contains(&a), "{a}");
    }

    #[test]
    fn power_of_two_choices_balances_a_simulated_load() {
        // 3000 requests onto 10 backends, each finishing 30 picks later.
        let names: Vec<String> = (0..10).map(|i| format!("orders-{i}")).collect();
        let mut pool = Pool::new(names.iter().map(|n| (n.as_str(), 1)));
        let mut p2c = PowerOfTwoChoices::new(1);
        let mut in_flight = std::collections::VecDeque::new();
        let mut peak = 0;
        for _ in 0..3000 {
            let i = p2c.pick(&pool, "").unwrap();
            pool.start(i);
            in_flight.push_back(i);
            if in_flight.len() > 30 {
                pool.finish(in_flight.pop_front().unwrap());
            }
            peak = peak.max(pool.backends().iter().map(|b| b.active).max().unwrap());
        }
        // 30 in flight over 10 backends: the mean is 3; random choice would
        // often reach 8 or more.
        assert!(peak <= 6, "{peak}");
    }

    #[test]
    fn hash_ring_keeps_keys_and_fails_over_to_the_next_point() {
        let mut pool = Pool::new([("cache-1", 1), ("cache-2", 1), ("cache-3", 1)]);
        let mut ring = HashRing::new(&pool, 100);
        let keys: Vec<String> = (0..1000).map(|i| format!("store-{i}")).collect();
        let before: Vec<usize> = keys.iter().map(|k| ring.pick(&pool, k).unwrap()).collect();
        let again: Vec<usize> = keys.iter().map(|k| ring.pick(&pool, k).unwrap()).collect();
        assert_eq!(before, again);
        for node in 0..3 {
            let share = before.iter().filter(|&&i| i == node).count();
            assert!((200..=470).contains(&share), "node {node}: {share}");
        }
        pool.set_healthy("cache-2", false);
        for (k, &old) in keys.iter().zip(&before) {
            let new = ring.pick(&pool, k).unwrap();
            if old == 1 {
                assert_ne!(new, 1);
            } else {
                assert_eq!(new, old, "only the failed node's keys move");
            }
        }
    }

    proptest! {
        #[test]
        fn smooth_wrr_picks_each_backend_weight_times_per_cycle(
            weights in proptest::collection::vec(0u32..8, 1..7),
            cycles in 1usize..4,
        ) {
            let names: Vec<String> = (0..weights.len()).map(|i| format!("b{i}")).collect();
            let pool = Pool::new(names.iter().map(String::as_str).zip(weights.iter().copied()));
            let total: u32 = weights.iter().sum();
            prop_assume!(total > 0);
            let mut swrr = SmoothWeightedRoundRobin::new();
            let mut counts = vec![0u32; weights.len()];
            for _ in 0..total as usize * cycles {
                counts[swrr.pick(&pool, "").unwrap()] += 1;
            }
            let expected: Vec<u32> = weights.iter().map(|w| w * cycles as u32).collect();
            prop_assert_eq!(counts, expected);
        }

        #[test]
        fn a_joining_node_takes_about_one_in_n_plus_one_keys_from_the_others(
            n in 2usize..9,
            salt in 0u32..1000,
        ) {
            let names: Vec<String> = (0..=n).map(|i| format!("cache-{salt}-{i}")).collect();
            let mut pool = Pool::new(names[..n].iter().map(|s| (s.as_str(), 1)));
            let mut before = HashRing::new(&pool, 200);
            let keys: Vec<String> = (0..4000).map(|i| format!("store-{salt}-{i}")).collect();
            let old: Vec<usize> = keys.iter().map(|k| before.pick(&pool, k).unwrap()).collect();

            pool.add(&names[n], 1);
            let mut after = HashRing::new(&pool, 200);
            let mut moved = 0;
            for (k, &o) in keys.iter().zip(&old) {
                let new = after.pick(&pool, k).unwrap();
                if new != o {
                    prop_assert_eq!(new, n, "a key moved between old nodes");
                    moved += 1;
                }
            }
            let ideal = keys.len() as f64 / (n + 1) as f64;
            let moved = f64::from(moved);
            prop_assert!(moved > 0.6 * ideal && moved < 1.4 * ideal, "moved {} of ideal {}", moved, ideal);
        }
    }
}
