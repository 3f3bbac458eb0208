//! Request coalescing ("single flight"): when many requests miss the same key
//! at once, one of them loads it and the others wait for its result.
//!
//! The menu of a region expires; in the next millisecond two hundred app
//! requests miss it. Without coalescing, that is two hundred identical
//! database queries (a *cache stampede*, or thundering herd), and the
//! database slows down exactly when the cache cannot help. With
//! [`Coalescer::load`], the first request for a key becomes the **leader**
//! and runs the loader; every request for the same key that arrives while
//! the load is in flight becomes a **follower** and blocks until the leader
//! is done, then gets a clone of the same result. Errors are shared too and
//! not remembered: the next request after a failed load tries again.
//!
//! The leader holds its flight through a guard, so a loader that panics
//! does not strand its followers: the guard's `Drop` marks the flight
//! abandoned and wakes them, and they get [`LeaderGone`] instead of waiting
//! forever.
//!
//! This is Go's `singleflight` package and what CDNs call collapsed
//! forwarding (nginx `proxy_cache_lock`, Varnish request coalescing).
//!
//! # Example
//!
//! Eight threads miss the same key at the same time; the loader counts its
//! calls, and holds the flight open until all seven others are waiting on
//! it, so the result does not depend on thread scheduling:
//!
//! ```
//! use coffee_patterns::coalesce::Coalescer;
//! use std::sync::atomic::{AtomicUsize, Ordering};
//! use std::thread;
//!
//! let coalescer = Coalescer::new();
//! let database_reads = AtomicUsize::new(0);
//! let load = || {
//!     database_reads.fetch_add(1, Ordering::SeqCst);
//!     while coalescer.waiting(&"menu:eu") < 7 {
//!         thread::yield_now();
//!     }
//!     String::from("menu v42")
//! };
//! thread::scope(|s| {
//!     let requests: Vec<_> = (0..8).map(|_| s.spawn(|| coalescer.load("menu:eu", load))).collect();
//!     for request in requests {
//!         assert_eq!(request.join().unwrap().unwrap(), "menu v42");
//!     }
//! });
//! assert_eq!(database_reads.load(Ordering::SeqCst), 1);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

/// The leader's loader panicked before it produced a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaderGone;

impl fmt::Display for LeaderGone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the request loading this key failed before it produced a value")
    }
}

impl std::error::Error for LeaderGone {}

#[derive(Debug)]
enum State<V> {
    Running,
    Done(V),
    Abandoned,
}

#[derive(Debug)]
struct Flight<V> {
    state: Mutex<State<V>>,
    finished: Condvar,
    followers: AtomicUsize,
}

/// Loads shared by concurrent callers, per key.
#[derive(Debug)]
pub struct Coalescer<K, V> {
    flights: Mutex<HashMap<K, Arc<Flight<V>>>>,
}

impl<K, V> Default for Coalescer<K, V> {
    fn default() -> Self {
        Self {
            flights: Mutex::new(HashMap::new()),
        }
    }
}

/// Locks, ignoring poison: every critical section here leaves the data
/// consistent, and a panicking loader runs outside them.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<K: Hash + Eq + Clone, V: Clone> Coalescer<K, V> {
    /// No loads in flight.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: load
    // ANCHOR: solution
    /// Returns `load()`'s value for `key`, running it only if no load of
    /// `key` is in flight; otherwise waits for that load's value.
    ///
    /// # Errors
    ///
    /// [`LeaderGone`] if this call waited on a load whose loader panicked.
    pub fn load(&self, key: K, load: impl FnOnce() -> V) -> Result<V, LeaderGone> {
        let flight = {
            let mut flights = lock(&self.flights);
            if let Some(flight) = flights.get(&key) {
                flight.followers.fetch_add(1, Ordering::SeqCst);
                Arc::clone(flight)
            } else {
                let flight = Arc::new(Flight {
                    state: Mutex::new(State::Running),
                    finished: Condvar::new(),
                    followers: AtomicUsize::new(0),
                });
                flights.insert(key.clone(), Arc::clone(&flight));
                drop(flights);
                // The leader: load without holding any lock.
                let guard = Leading {
                    coalescer: self,
                    key,
                    flight,
                };
                let value = load();
                guard.finish(State::Done(value.clone()));
                return Ok(value);
            }
        };
        // A follower: wait until the leader finishes or gives up.
        let mut state = lock(&flight.state);
        while matches!(*state, State::Running) {
            state = flight
                .finished
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        match &*state {
            State::Done(value) => Ok(value.clone()),
            _ => Err(LeaderGone),
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: load

    /// How many callers are waiting on the load of `key` in flight (0 when
    /// none is).
    #[must_use]
    pub fn waiting(&self, key: &K) -> usize {
        lock(&self.flights)
            .get(key)
            .map_or(0, |f| f.followers.load(Ordering::SeqCst))
    }

    /// How many keys are being loaded.
    #[must_use]
    pub fn in_flight(&self) -> usize {
        lock(&self.flights).len()
    }
}

// ANCHOR: guard
// ANCHOR: solution
/// The leader's hold on a flight. Finishing publishes the value; dropping it
/// unfinished (the loader panicked) marks the flight abandoned. Either way
/// the followers wake up and the key is free for the next load.
struct Leading<'c, K: Hash + Eq, V> {
    coalescer: &'c Coalescer<K, V>,
    key: K,
    flight: Arc<Flight<V>>,
}

impl<K: Hash + Eq, V> Leading<'_, K, V> {
    fn finish(self, outcome: State<V>) {
        *lock(&self.flight.state) = outcome;
        // Drop runs next: it removes the flight and wakes the followers.
    }
}

impl<K: Hash + Eq, V> Drop for Leading<'_, K, V> {
    fn drop(&mut self) {
        lock(&self.coalescer.flights).remove(&self.key);
        let mut state = lock(&self.flight.state);
        if matches!(*state, State::Running) {
            *state = State::Abandoned;
        }
        self.flight.finished.notify_all();
    }
}
// ANCHOR_END: solution
// ANCHOR_END: guard

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::thread;

    #[test]
    fn sequential_calls_each_load() {
        let coalescer = Coalescer::new();
        let loads = AtomicUsize::new(0);
        for _ in 0..3 {
            let v = coalescer.load("latte", || loads.fetch_add(1, Ordering::SeqCst));
            assert!(v.is_ok());
        }
        assert_eq!(
            loads.load(Ordering::SeqCst),
            3,
            "nothing is cached between flights"
        );
        assert_eq!(coalescer.in_flight(), 0);
    }

    #[test]
    fn different_keys_do_not_wait_for_each_other() {
        let coalescer: Coalescer<&str, u32> = Coalescer::new();
        // The "latte" loader waits until a "mocha" load has completed:
        // if keys shared a flight, this would never finish.
        let mocha_done = AtomicUsize::new(0);
        thread::scope(|s| {
            let latte = s.spawn(|| {
                coalescer.load("latte", || {
                    while mocha_done.load(Ordering::SeqCst) == 0 {
                        thread::yield_now();
                    }
                    1
                })
            });
            // Until the latte load is in flight (or its thread is gone: a
            // load that panics must not leave this test spinning).
            while coalescer.in_flight() == 0 && !latte.is_finished() {
                thread::yield_now();
            }
            assert_eq!(coalescer.load("mocha", || 2), Ok(2));
            mocha_done.store(1, Ordering::SeqCst);
            assert_eq!(latte.join().unwrap(), Ok(1));
        });
    }

    #[test]
    fn errors_are_shared_but_not_kept() {
        let coalescer: Coalescer<&str, Result<u32, String>> = Coalescer::new();
        let loads = AtomicUsize::new(0);
        let failing = || {
            loads.fetch_add(1, Ordering::SeqCst);
            while coalescer.waiting(&"menu") < 3 {
                thread::yield_now();
            }
            Err("database timeout".to_string())
        };
        thread::scope(|s| {
            let callers: Vec<_> = (0..4)
                .map(|_| s.spawn(|| coalescer.load("menu", failing)))
                .collect();
            for caller in callers {
                assert_eq!(
                    caller.join().unwrap(),
                    Ok(Err("database timeout".to_string()))
                );
            }
        });
        assert_eq!(loads.load(Ordering::SeqCst), 1);
        assert_eq!(
            coalescer.load("menu", || Ok(42)),
            Ok(Ok(42)),
            "the next call retries"
        );
    }

    /// The leader's loader panics while three followers wait: they get
    /// `LeaderGone` instead of hanging, and the key can be loaded again.
    #[test]
    fn a_panicking_leader_releases_its_followers() {
        let coalescer: Coalescer<&str, u32> = Coalescer::new();
        thread::scope(|s| {
            let leader = s.spawn(|| {
                coalescer.load("menu", || {
                    while coalescer.waiting(&"menu") < 3 {
                        thread::yield_now();
                    }
                    panic!("loader crashed");
                })
            });
            while coalescer.in_flight() == 0 && !leader.is_finished() {
                thread::yield_now();
            }
            let followers: Vec<_> = (0..3)
                .map(|_| s.spawn(|| coalescer.load("menu", || unreachable!())))
                .collect();
            for follower in followers {
                assert_eq!(follower.join().unwrap(), Err(LeaderGone));
            }
            assert!(leader.join().is_err(), "the leader's thread saw the panic");
        });
        assert_eq!(coalescer.in_flight(), 0);
        assert_eq!(coalescer.load("menu", || 7), Ok(7));
    }

    /// Many rounds of 16 threads on 4 keys: every caller gets its key's
    /// value, and each round loads each key at most once per flight.
    #[test]
    fn every_caller_gets_the_value_of_its_own_key() {
        let coalescer: Coalescer<usize, usize> = Coalescer::new();
        let loads = AtomicUsize::new(0);
        for _round in 0..20 {
            thread::scope(|s| {
                let callers: Vec<_> = (0..16)
                    .map(|i| {
                        let (coalescer, loads) = (&coalescer, &loads);
                        s.spawn(move || {
                            let key = i % 4;
                            let got = coalescer.load(key, || {
                                loads.fetch_add(1, Ordering::SeqCst);
                                key * 100
                            });
                            assert_eq!(got, Ok(key * 100));
                        })
                    })
                    .collect();
                callers.into_iter().for_each(|c| c.join().unwrap());
            });
        }
        let loads = loads.load(Ordering::SeqCst);
        assert!((4 * 20..=16 * 20).contains(&loads), "{loads}");
        assert_eq!(coalescer.in_flight(), 0);
    }
}
