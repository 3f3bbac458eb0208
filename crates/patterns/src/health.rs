//! Health checks: liveness and readiness, aggregated across dependencies.
//!
//! An orchestrator asks a service two different questions, and mixing them up
//! causes outages:
//!
//! - **Liveness** — "is this process stuck?" A yes means restart it. It must
//!   depend only on the process itself (here: its work loop still beats).
//!   If liveness checked the database, a database blip would restart every
//!   order service at once, turning a small failure into a large one.
//! - **Readiness** — "should traffic be sent here?" It depends on what the
//!   service needs to do its job. Each dependency is **critical** (the
//!   order database: without it no order can be taken, so the instance is
//!   `Down` and taken out of the load balancer) or **non-critical** (the
//!   loyalty service: orders still work without points, so the instance is
//!   `Degraded` but keeps serving).
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
//! health.register("orders-db", Criticality::Critical);
//! health.register("loyalty", Criticality::NonCritical);
//! health.beat();
//! health.report("orders-db", Status::Up);
//! health.report("loyalty", Status::Down);
//!
//! let ready = health.readiness();
//! assert_eq!(ready.status, Status::Degraded); // serve, without points
//! assert_eq!(ready.http_status(), 200);
//!
//! health.report("orders-db", Status::Down);
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
    /// The service cannot do its job without it.
    Critical,
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
    /// `Up` while the work loop has beaten within `max_age`, else `Down`.
    /// Dependencies play no part: restarting cannot fix them.
    #[must_use]
    pub fn liveness(&self) -> Status {
        match self.last_beat {
            Some(at) if self.is_fresh(at) => Status::Up,
            _ => Status::Down,
        }
    }

    /// `Down` if the service is not live or a critical dependency is down,
    /// `Degraded` if only non-critical dependencies are down (or degraded),
    /// `Up` otherwise.
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
                (Criticality::NonCritical, Status::Up) => Status::Up,
                (Criticality::NonCritical, _) => Status::Degraded,
            })
            .chain([self.liveness()])
            .max()
            .unwrap_or(Status::Up);
        Readiness {
            status,
            dependencies,
        }
    }
    // ANCHOR_END: aggregate
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn registry(clock: &ManualClock) -> HealthRegistry<ManualClock> {
        let mut health = HealthRegistry::new(clock.clone(), Duration::from_secs(10));
        health.register("orders-db", Criticality::Critical);
        health.register("payments", Criticality::Critical);
        health.register("loyalty", Criticality::NonCritical);
        health.beat();
        health
    }

    #[track_caller]
    fn check(reports: [Status; 3], expected: Status) {
        let clock = ManualClock::new();
        let mut health = registry(&clock);
        for (name, status) in ["orders-db", "payments", "loyalty"]
            .into_iter()
            .zip(reports)
        {
            health.report(name, status);
        }
        assert_eq!(health.readiness().status, expected, "for {reports:?}");
    }

    #[test]
    fn the_worst_critical_dependency_decides() {
        use Status::{Degraded, Down, Up};
        check([Up, Up, Up], Up);
        check([Up, Up, Down], Degraded);
        check([Up, Up, Degraded], Degraded);
        check([Degraded, Up, Up], Degraded);
        check([Up, Down, Up], Down);
        check([Down, Up, Down], Down);
    }

    #[test]
    fn missing_and_stale_reports_count_as_down() {
        let clock = ManualClock::new();
        let mut health = registry(&clock);
        health.report("orders-db", Status::Up);
        health.report("loyalty", Status::Up);
        // payments never reported
        let ready = health.readiness();
        assert_eq!(ready.status, Status::Down);
        assert_eq!(ready.dependencies[2].name, "payments");
        assert_eq!(ready.dependencies[2].status, Status::Down);

        health.report("payments", Status::Up);
        clock.advance(Duration::from_secs(5));
        health.report("orders-db", Status::Up);
        health.report("loyalty", Status::Up);
        health.beat();
        assert_eq!(health.readiness().status, Status::Up);
        clock.advance(Duration::from_secs(6)); // payments' report is 11 s old
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
