//! Service discovery: a registry of live instances, kept fresh by heartbeats.
//!
//! Once the order flow is split into services, "call payments" needs an
//! address, and addresses change: instances start, scale out, crash. Each
//! instance **registers** itself with a time-to-live and then sends a
//! **heartbeat** before the TTL runs out. An instance whose heartbeat is late
//! is treated as gone: it is skipped by lookups at once and removed by the
//! next [`expire`](ServiceRegistry::expire) sweep, so a crashed instance stops
//! receiving traffic without anyone deregistering it (the model of Consul's
//! TTL checks and Eureka's leases). Callers **look up** a service by name and
//! get the next live instance in round-robin order.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::discovery::ServiceRegistry;
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let mut registry = ServiceRegistry::new(clock.clone());
//! let ttl = Duration::from_secs(10);
//! registry.register("payments", "payments-1", "10.0.0.1:8080", ttl);
//! registry.register("payments", "payments-2", "10.0.0.2:8080", ttl);
//! assert_eq!(registry.lookup("payments"), Some("10.0.0.1:8080".to_string()));
//! assert_eq!(registry.lookup("payments"), Some("10.0.0.2:8080".to_string()));
//!
//! // payments-2 stops sending heartbeats; after its TTL it gets no traffic.
//! clock.advance(Duration::from_secs(8));
//! registry.heartbeat("payments", "payments-1").unwrap();
//! clock.advance(Duration::from_secs(3));
//! assert_eq!(registry.lookup("payments"), Some("10.0.0.1:8080".to_string()));
//! assert_eq!(registry.lookup("payments"), Some("10.0.0.1:8080".to_string()));
//! assert_eq!(registry.expire(), vec!["payments-2".to_string()]);
//! ```

use crate::clock::Clock;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// A heartbeat or deregistration for an instance the registry does not know
/// (never registered, or already expired: it must register again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownInstance {
    /// The service name given.
    pub service: String,
    /// The instance ID given.
    pub instance: String,
}

impl fmt::Display for UnknownInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no instance {} of service {} is registered",
            self.instance, self.service
        )
    }
}

impl std::error::Error for UnknownInstance {}

/// One registered instance of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Unique ID of the instance (`payments-1`).
    pub id: String,
    /// Where to reach it (`10.0.0.1:8080`).
    pub address: String,
    /// How long it counts as live after a heartbeat.
    pub ttl: Duration,
    /// When its last heartbeat (or registration) arrived.
    pub last_heartbeat: Duration,
}

impl Instance {
    fn is_live(&self, now: Duration) -> bool {
        now < self.last_heartbeat + self.ttl
    }
}

/// Instances per service name, with a round-robin cursor per service.
#[derive(Debug)]
pub struct ServiceRegistry<C> {
    clock: C,
    services: BTreeMap<String, Vec<Instance>>,
    cursors: BTreeMap<String, usize>,
}

impl<C: Clock> ServiceRegistry<C> {
    /// An empty registry.
    #[must_use]
    pub fn new(clock: C) -> Self {
        Self {
            clock,
            services: BTreeMap::new(),
            cursors: BTreeMap::new(),
        }
    }

    /// Registers (or re-registers) instance `id` of `service` at `address`;
    /// it counts as live for `ttl` after each heartbeat.
    pub fn register(&mut self, service: &str, id: &str, address: &str, ttl: Duration) {
        let now = self.clock.now();
        let instances = self.services.entry(service.to_owned()).or_default();
        instances.retain(|i| i.id != id);
        instances.push(Instance {
            id: id.to_owned(),
            address: address.to_owned(),
            ttl,
            last_heartbeat: now,
        });
    }

    // ANCHOR: heartbeat
    // ANCHOR: solution
    /// Renews instance `id`'s lease.
    ///
    /// # Errors
    ///
    /// [`UnknownInstance`] if it is not registered, or its lease already ran
    /// out: a late heartbeat does not revive an instance, it must register.
    pub fn heartbeat(&mut self, service: &str, id: &str) -> Result<(), UnknownInstance> {
        let now = self.clock.now();
        match self
            .services
            .get_mut(service)
            .and_then(|all| all.iter_mut().find(|i| i.id == id && i.is_live(now)))
        {
            Some(instance) => {
                instance.last_heartbeat = now;
                Ok(())
            }
            None => Err(UnknownInstance {
                service: service.to_owned(),
                instance: id.to_owned(),
            }),
        }
    }

    // ANCHOR_END: solution
    // ANCHOR_END: heartbeat

    // ANCHOR: lookup
    // ANCHOR: solution
    /// The address of the next live instance of `service`, round robin.
    pub fn lookup(&mut self, service: &str) -> Option<String> {
        let now = self.clock.now();
        let live: Vec<&Instance> = self
            .services
            .get(service)?
            .iter()
            .filter(|i| i.is_live(now))
            .collect();
        if live.is_empty() {
            return None;
        }
        let cursor = self.cursors.entry(service.to_owned()).or_default();
        let chosen = live[*cursor % live.len()];
        *cursor = cursor.wrapping_add(1);
        Some(chosen.address.clone())
    }

    /// Removes every instance whose lease ran out; returns their IDs, sorted.
    pub fn expire(&mut self) -> Vec<String> {
        let now = self.clock.now();
        let mut expired = Vec::new();
        for instances in self.services.values_mut() {
            instances.retain(|i| {
                let live = i.is_live(now);
                if !live {
                    expired.push(i.id.clone());
                }
                live
            });
        }
        expired.sort();
        expired
    }
    // ANCHOR_END: solution
    // ANCHOR_END: lookup
}

impl<C: Clock> ServiceRegistry<C> {
    /// Removes instance `id` (a clean shutdown).
    ///
    /// # Errors
    ///
    /// [`UnknownInstance`] if it is not registered.
    pub fn deregister(&mut self, service: &str, id: &str) -> Result<(), UnknownInstance> {
        let instances = self.services.get_mut(service);
        let before = instances.as_ref().map_or(0, |all| all.len());
        if let Some(all) = instances {
            all.retain(|i| i.id != id);
            if all.len() < before {
                return Ok(());
            }
        }
        Err(UnknownInstance {
            service: service.to_owned(),
            instance: id.to_owned(),
        })
    }

    /// The live instances of `service`, in registration order.
    #[must_use]
    pub fn instances(&self, service: &str) -> Vec<Instance> {
        let now = self.clock.now();
        self.services
            .get(service)
            .map(|all| all.iter().filter(|i| i.is_live(now)).cloned().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    const TTL: Duration = Duration::from_secs(10);

    #[test]
    fn round_robin_visits_every_live_instance_evenly() {
        let mut r = ServiceRegistry::new(ManualClock::new());
        for n in 1..=3 {
            r.register("menu", &format!("menu-{n}"), &format!("10.0.1.{n}:80"), TTL);
        }
        let mut counts = BTreeMap::new();
        for _ in 0..300 {
            *counts.entry(r.lookup("menu").unwrap()).or_insert(0) += 1;
        }
        assert_eq!(
            counts.values().copied().collect::<Vec<_>>(),
            [100, 100, 100]
        );
    }

    #[test]
    fn the_lease_ends_exactly_at_the_ttl() {
        let clock = ManualClock::new();
        let mut r = ServiceRegistry::new(clock.clone());
        r.register("menu", "menu-1", "a", TTL);
        clock.advance(TTL - Duration::from_millis(1));
        assert_eq!(r.instances("menu").len(), 1);
        clock.advance(Duration::from_millis(1));
        assert!(r.instances("menu").is_empty());
        assert_eq!(r.lookup("menu"), None);
        // A late heartbeat does not revive it; registering again does.
        assert!(r.heartbeat("menu", "menu-1").is_err());
        r.register("menu", "menu-1", "a", TTL);
        assert_eq!(r.lookup("menu"), Some("a".to_owned()));
    }

    #[test]
    fn heartbeats_keep_an_instance_alive_indefinitely() {
        let clock = ManualClock::new();
        let mut r = ServiceRegistry::new(clock.clone());
        r.register("kitchen", "k1", "k1:80", TTL);
        for _ in 0..100 {
            clock.advance(Duration::from_secs(9));
            r.heartbeat("kitchen", "k1").unwrap();
        }
        assert!(r.expire().is_empty());
    }

    #[test]
    fn deregistering_and_unknown_services() {
        let mut r = ServiceRegistry::new(ManualClock::new());
        r.register("loyalty", "l1", "l1:80", TTL);
        r.register("loyalty", "l2", "l2:80", TTL);
        r.deregister("loyalty", "l1").unwrap();
        assert!(r.deregister("loyalty", "l1").is_err());
        assert_eq!(r.lookup("loyalty"), Some("l2:80".to_owned()));
        assert_eq!(r.lookup("payments"), None);
        // Re-registering replaces rather than duplicates.
        r.register("loyalty", "l2", "l2:81", TTL);
        assert_eq!(r.instances("loyalty").len(), 1);
    }
}
