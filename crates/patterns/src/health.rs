//! Health checks: liveness and readiness, aggregated across dependencies.
//!
//! An orchestrator asks a service two different questions, and mixing them up
//! causes outages:
//!
//! - **Liveness** — "is this process stuck?" A yes means restart it. It must
//!   depend only on the process itself (here: its work loop still beats).
//!   If liveness checked the database, a database blip would restart every
//!   order service at once, turning a small failure into a large one.
//! - **Readiness** — "should traffic be sent here?" It should fail only for
//!   what makes *this* instance worse than its peers. Each dependency is
//!   - **critical** and local to the instance (its configuration is not
//!     loaded yet, its cache is still warming, its own connection pool is
//!     broken): the instance is `Down` and leaves the load balancer, and the
//!     traffic goes to a peer that can serve it;
//!   - **shared** by every instance (the order database, the payment
//!     provider): when it blips, *every* pod would fail a readiness check
//!     gated on it at the same moment, the load balancer would be left with
//!     no endpoint at all, and a partial outage (no new orders for a minute)
//!     would become a total one (no menu, no order status, connection errors
//!     instead of a clear answer). So a shared dependency makes the instance
//!     `Degraded` but **ready**: it keeps serving what it can, and the calls
//!     that need the dependency fail fast behind their circuit breaker;
//!   - **non-critical** (the loyalty service: orders still work without
//!     points): `Degraded`, still serving.
//!
//! Dependencies report their state from background checks; a report older
//! than `max_age`, or none at all yet, counts as `Down`, so a hung checker
//! cannot leave a stale "up" behind.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::health::{Criticality, HealthRegistry, Status};
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let mut health = HealthRegistry::new(clock.clone(), Duration::from_secs(30));
//! health.register("menu-cache-warm", Criticality::Critical);
//! health.register("orders-db", Criticality::Shared);
//! health.register("loyalty", Criticality::NonCritical);
//! health.beat();
//! health.report("menu-cache-warm", Status::Up);
//! health.report("orders-db", Status::Up);
//! health.report("loyalty", Status::Down);
//!
//! let ready = health.readiness();
//! assert_eq!(ready.status, Status::Degraded); // serve, without points
//! assert_eq!(ready.http_status(), 200);
//!
//! // The shared database blips: every pod sees it, so none leaves the pool.
//! health.report("orders-db", Status::Down);
//! assert_eq!(health.readiness().status, Status::Degraded);
//! assert_eq!(health.readiness().http_status(), 200);
//!
//! // This pod's own cache is cold: only this pod leaves the pool.
//! health.report("menu-cache-warm", Status::Down);
//! assert_eq!(health.readiness().http_status(), 503);
//! assert_eq!(health.liveness(), Status::Up); // do not restart for that
//! ```

use crate::clock::Clock;
use std::collections::BTreeMap;
use std::time::Duration;

/// How healthy something is, from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Working normally.
    Up,
    /// Working with reduced function.
    Degraded,
    /// Not working.
    Down,
}

/// How much the service needs a dependency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criticality {
    /// This instance cannot do its job without it, and its peers can: a
    /// local resource (configuration, a warm cache, its own pool). Down
    /// means not ready.
    Critical,
    /// Every instance depends on it (the order database, the payment
    /// provider). Down means degraded but still ready: failing readiness on
    /// it would take every instance out at once.
    Shared,
    /// The service can work without it, with less function.
    NonCritical,
}

/// One dependency's line in a readiness report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyHealth {
    /// The dependency's name.
    pub name: String,
    /// Whether the service needs it.
    pub criticality: Criticality,
    /// Its status, `Down` if its last report is missing or stale.
    pub status: Status,
}

/// The answer to "should traffic be sent here?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    /// The overall status.
    pub status: Status,
    /// Every dependency, sorted by name.
    pub dependencies: Vec<DependencyHealth>,
}

impl Readiness {
    /// The HTTP status a `/ready` endpoint answers: 200 while the instance
    /// can serve (up or degraded), 503 when it cannot.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        match self.status {
            Status::Up | Status::Degraded => 200,
            Status::Down => 503,
        }
    }
}

#[derive(Debug, Clone)]
struct Dependency {
    criticality: Criticality,
    last_report: Option<(Status, Duration)>,
}

/// The health of one service instance: its own heartbeat and its
/// dependencies' reports.
#[derive(Debug)]
pub struct HealthRegistry<C> {
    clock: C,
    max_age: Duration,
    last_beat: Option<Duration>,
    dependencies: BTreeMap<String, Dependency>,
}

impl<C: Clock> HealthRegistry<C> {
    /// A registry in which reports and beats older than `max_age` count as
    /// missing.
    #[must_use]
    pub fn new(clock: C, max_age: Duration) -> Self {
        Self {
            clock,
            max_age,
            last_beat: None,
            dependencies: BTreeMap::new(),
        }
    }

    /// Declares a dependency; until it reports, it counts as `Down`.
    pub fn register(&mut self, name: &str, criticality: Criticality) {
        self.dependencies.insert(
            name.to_owned(),
            Dependency {
                criticality,
                last_report: None,
            },
        );
    }

    /// Records the result of a dependency's check. Unknown names are ignored.
    pub fn report(&mut self, name: &str, status: Status) {
        let now = self.clock.now();
        if let Some(dependency) = self.dependencies.get_mut(name) {
            dependency.last_report = Some((status, now));
        }
    }

    /// Called by the service's own work loop to show it is not stuck.
    pub fn beat(&mut self) {
        self.last_beat = Some(self.clock.now());
    }

    fn is_fresh(&self, at: Duration) -> bool {
        self.clock.now().saturating_sub(at) <= self.max_age
    }

    // ANCHOR: aggregate
    // ANCHOR: solution
    /// `Up` while the work loop has beaten within `max_age`, else `Down`.
    /// Dependencies play no part: restarting cannot fix them.
    #[must_use]
    pub fn liveness(&self) -> Status {
        match self.last_beat {
            Some(at) if self.is_fresh(at) => Status::Up,
            _ => Status::Down,
        }
    }

    /// `Down` if the service is not live or an instance-local critical
    /// dependency is down; `Degraded` if a shared or non-critical dependency
    /// is down or degraded (the instance keeps serving); `Up` otherwise.
    #[must_use]
    pub fn readiness(&self) -> Readiness {
        let dependencies: Vec<DependencyHealth> = self
            .dependencies
            .iter()
            .map(|(name, dependency)| DependencyHealth {
                name: name.clone(),
                criticality: dependency.criticality,
                status: match dependency.last_report {
                    Some((status, at)) if self.is_fresh(at) => status,
                    _ => Status::Down, // never reported, or stale
                },
            })
            .collect();
        let status = dependencies
            .iter()
            .map(|d| match (d.criticality, d.status) {
                (Criticality::Critical, status) => status,
                (Criticality::Shared | Criticality::NonCritical, Status::Up) => Status::Up,
                // A shared dependency is down for every peer too: stay in
                // the pool, degraded, rather than empty it.
                (Criticality::Shared | Criticality::NonCritical, _) => Status::Degraded,
            })
            .chain([self.liveness()])
            .max()
            .unwrap_or(Status::Up);
        Readiness {
            status,
            dependencies,
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: aggregate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn registry(clock: &ManualClock) -> HealthRegistry<ManualClock> {
        let mut health = HealthRegistry::new(clock.clone(), Duration::from_secs(10));
        health.register("config", Criticality::Critical);
        health.register("orders-db", Criticality::Shared);
        health.register("loyalty", Criticality::NonCritical);
        health.beat();
        health
    }

    #[track_caller]
    fn check(reports: [Status; 3], expected: Status) {
        let clock = ManualClock::new();
        let mut health = registry(&clock);
        for (name, status) in ["config", "orders-db", "loyalty"].into_iter().zip(reports) {
            health.report(name, status);
        }
        assert_eq!(health.readiness().status, expected, "for {reports:?}");
    }

    /// Reports in the order config (critical), orders-db (shared), loyalty
    /// (non-critical).
    #[test]
    fn only_an_instance_local_critical_dependency_fails_readiness() {
        use Status::{Degraded, Down, Up};
        check([Up, Up, Up], Up);
        check([Up, Up, Down], Degraded);
        check([Up, Up, Degraded], Degraded);
        check([Degraded, Up, Up], Degraded);
        check([Up, Down, Up], Degraded);
        check([Up, Down, Down], Degraded);
        check([Down, Up, Up], Down);
        check([Down, Up, Down], Down);
    }

    /// Three pods share the order database. When it blips, a readiness
    /// gated on it would answer 503 on every pod at once and leave the load
    /// balancer with nothing; degraded-but-ready keeps all three serving.
    #[test]
    fn a_shared_dependency_blip_keeps_every_pod_ready_but_degraded() {
        let clock = ManualClock::new();
        let mut pods: Vec<_> = (0..3).map(|_| registry(&clock)).collect();
        for pod in &mut pods {
            pod.report("config", Status::Up);
            pod.report("orders-db", Status::Down);
            pod.report("loyalty", Status::Up);
        }
        let answers: Vec<(Status, u16)> = pods
            .iter()
            .map(|pod| {
                let ready = pod.readiness();
                (ready.status, ready.http_status())
            })
            .collect();
        assert_eq!(answers, [(Status::Degraded, 200); 3]);
        // An instance-local failure takes out that one pod only.
        pods[1].report("config", Status::Down);
        let serving = pods
            .iter()
            .filter(|pod| pod.readiness().http_status() == 200)
            .count();
        assert_eq!(serving, 2);
    }

    #[test]
    fn missing_and_stale_reports_count_as_down() {
        let clock = ManualClock::new();
        let mut health = registry(&clock);
        health.report("orders-db", Status::Up);
        health.report("loyalty", Status::Up);
        // config never reported
        let ready = health.readiness();
        assert_eq!(ready.status, Status::Down);
        assert_eq!(ready.dependencies[0].name, "config");
        assert_eq!(ready.dependencies[0].status, Status::Down);

        health.report("config", Status::Up);
        clock.advance(Duration::from_secs(5));
        health.report("orders-db", Status::Up);
        health.report("loyalty", Status::Up);
        health.beat();
        assert_eq!(health.readiness().status, Status::Up);
        clock.advance(Duration::from_secs(6)); // config's report is 11 s old
        assert_eq!(health.readiness().status, Status::Down);
    }

    #[test]
    fn liveness_follows_the_heartbeat_only() {
        let clock = ManualClock::new();
        let mut health = registry(&clock);
        assert_eq!(health.liveness(), Status::Up);
        clock.advance(Duration::from_secs(11));
        assert_eq!(health.liveness(), Status::Down);
        assert_eq!(health.readiness().status, Status::Down);
        health.beat();
        assert_eq!(health.liveness(), Status::Up);
    }
}
