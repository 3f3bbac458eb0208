//! Disaster-recovery tiers, what each one costs in lost data (RPO) and lost
//! time (RTO), and a drill that measures both instead of trusting the plan.
//!
//! When a whole region is lost, two numbers matter: the **recovery point
//! objective** (how much recent data may be gone: the writes made after the
//! last copy that reached the other region) and the **recovery time
//! objective** (how long until customers can order again). The four classic
//! tiers buy shorter ones with more standing cost:
//!
//! | tier | standby region holds | RPO (worst case) | RTO |
//! |---|---|---|---|
//! | backup & restore | backups only | the backup interval | detect + provision + restore + start + DNS |
//! | pilot light | a live database replica, no app servers | the replication lag | detect + start + scale out + DNS |
//! | warm standby | replica and a small app fleet | the replication lag | detect + scale out + DNS |
//! | active-active | a full share of the traffic | the replication lag (0 with synchronous writes) | detect + DNS |
//!
//! [`Tier::objectives`] computes both from the environment's timings, and
//! [`Tier::cheapest_meeting`] picks the cheapest tier that meets an RPO and an
//! RTO. A [`Drill`] then fails the primary on an injected clock, counts the
//! acknowledged writes that had not replicated, and times the recovery, so a
//! plan whose numbers are wishful fails the drill rather than the real outage.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::disaster_recovery::{Environment, Tier};
//! use std::time::Duration;
//!
//! let env = Environment::go_coffee();
//! let minutes = |d: Duration| d.as_secs() / 60;
//!
//! let backup = Tier::BackupRestore.objectives(&env);
//! assert_eq!(backup.rpo, Duration::from_secs(24 * 3600)); // last night's backup
//! assert_eq!(minutes(backup.rto), 212); // 2 TB at 200 MB/s is 2 h 47 min alone
//!
//! assert_eq!(minutes(Tier::PilotLight.objectives(&env).rto), 31);
//! assert_eq!(minutes(Tier::WarmStandby.objectives(&env).rto), 21);
//! let active = Tier::ActiveActive.objectives(&env);
//! assert_eq!((active.rpo.as_secs(), minutes(active.rto)), (5, 6));
//!
//! // Orders may lose at most a minute of writes and be back within 30 minutes:
//! let tier = Tier::cheapest_meeting(Duration::from_secs(60), Duration::from_secs(1800), &env);
//! assert_eq!(tier, Some(Tier::WarmStandby));
//! ```

use std::time::Duration;

use crate::clock::Clock;

/// The four disaster-recovery tiers, cheapest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    /// Backups copied to the other region; everything else is rebuilt.
    BackupRestore,
    /// A replicated database in the other region; app servers off.
    PilotLight,
    /// A replicated database and a scaled-down app fleet, ready to grow.
    WarmStandby,
    /// Both regions serve all the time.
    ActiveActive,
}

/// The timings the objectives are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Environment {
    /// Time between backups shipped to the other region.
    pub backup_interval: Duration,
    /// How far the cross-region replica trails the primary at worst.
    pub replication_lag: Duration,
    /// Bytes of data to restore from a backup.
    pub data_bytes: u64,
    /// Restore throughput, bytes per second.
    pub restore_bytes_per_sec: u64,
    /// Creating the network, cluster and database from code (`terraform apply`).
    pub provision: Duration,
    /// Starting the app fleet from zero to its first ready pods.
    pub start: Duration,
    /// Growing a small fleet to full size (nodes, pods, warm caches).
    pub scale_out: Duration,
    /// Noticing the region is gone and deciding to fail over.
    pub detection: Duration,
    /// Clients following the DNS change.
    pub dns_ttl: Duration,
}

impl Environment {
    /// Go Coffee's numbers: nightly backups, 5 s replication lag, 2 TB at
    /// 200 MB/s, 30 min provisioning, 10 min start, 15 min scale-out, 5 min to
    /// detect, a 60 s DNS TTL.
    #[must_use]
    pub fn go_coffee() -> Self {
        Self {
            backup_interval: Duration::from_secs(24 * 3600),
            replication_lag: Duration::from_secs(5),
            data_bytes: 2_000_000_000_000,
            restore_bytes_per_sec: 200_000_000,
            provision: Duration::from_secs(30 * 60),
            start: Duration::from_secs(10 * 60),
            scale_out: Duration::from_secs(15 * 60),
            detection: Duration::from_secs(5 * 60),
            dns_ttl: Duration::from_secs(60),
        }
    }

    fn restore(&self) -> Duration {
        Duration::from_secs(self.data_bytes.div_ceil(self.restore_bytes_per_sec.max(1)))
    }
}

/// A recovery point and a recovery time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Objectives {
    /// The most recent data that may be lost.
    pub rpo: Duration,
    /// The longest the service may be down.
    pub rto: Duration,
}

impl Tier {
    /// All tiers, cheapest first.
    pub const ALL: [Self; 4] = [
        Self::BackupRestore,
        Self::PilotLight,
        Self::WarmStandby,
        Self::ActiveActive,
    ];

    // ANCHOR: objectives
    // ANCHOR: solution
    /// The worst-case RPO and RTO of this tier in `env`.
    #[must_use]
    pub fn objectives(self, env: &Environment) -> Objectives {
        let e = env;
        let (rpo, rto) = match self {
            Self::BackupRestore => (
                e.backup_interval,
                e.detection + e.provision + e.restore() + e.start + e.dns_ttl,
            ),
            Self::PilotLight => (
                e.replication_lag,
                e.detection + e.start + e.scale_out + e.dns_ttl,
            ),
            Self::WarmStandby => (e.replication_lag, e.detection + e.scale_out + e.dns_ttl),
            Self::ActiveActive => (e.replication_lag, e.detection + e.dns_ttl),
        };
        Objectives { rpo, rto }
    }

    /// The cheapest tier whose objectives are within `rpo` and `rto`.
    #[must_use]
    pub fn cheapest_meeting(rpo: Duration, rto: Duration, env: &Environment) -> Option<Self> {
        Self::ALL.into_iter().find(|t| {
            let o = t.objectives(env);
            o.rpo <= rpo && o.rto <= rto
        })
    }
    // ANCHOR_END: solution
    // ANCHOR_END: objectives
}

/// What a drill measured, and whether it met the objectives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrillReport {
    /// Writes the primary acknowledged that never reached the standby.
    pub lost_writes: usize,
    /// From the oldest lost write to the failure (zero if none was lost).
    pub measured_rpo: Duration,
    /// From the failure to the first order served by the standby.
    pub measured_rto: Duration,
    /// Both measurements within the objectives.
    pub passed: bool,
}

// ANCHOR: drill
// ANCHOR: solution
/// A disaster-recovery drill: writes replicate after a lag, the primary is
/// failed on purpose, and the clock runs until the standby serves.
#[derive(Debug)]
pub struct Drill<C: Clock> {
    clock: C,
    lag: Duration,
    writes: Vec<Duration>,
    failed_at: Option<Duration>,
}

impl<C: Clock> Drill<C> {
    /// A drill on `clock` whose replication trails by `lag`.
    pub fn new(clock: C, lag: Duration) -> Self {
        Self {
            clock,
            lag,
            writes: Vec::new(),
            failed_at: None,
        }
    }

    /// The primary acknowledges a write now (ignored once it has failed).
    pub fn write(&mut self) {
        if self.failed_at.is_none() {
            self.writes.push(self.clock.now());
        }
    }

    /// The primary region is switched off now.
    pub fn fail_primary(&mut self) {
        self.failed_at.get_or_insert(self.clock.now());
    }

    /// The standby served its first order now: the drill is over.
    ///
    /// # Panics
    ///
    /// Panics if the primary was never failed.
    #[must_use]
    pub fn recovered(&self, objectives: Objectives) -> DrillReport {
        let failed = self.failed_at.expect("fail the primary first");
        let lost: Vec<Duration> = self
            .writes
            .iter()
            .copied()
            .filter(|&at| at + self.lag > failed)
            .collect();
        let measured_rpo = lost
            .first()
            .map_or(Duration::ZERO, |&oldest| failed - oldest);
        let measured_rto = self.clock.now() - failed;
        DrillReport {
            lost_writes: lost.len(),
            measured_rpo,
            measured_rto,
            passed: measured_rpo <= objectives.rpo && measured_rto <= objectives.rto,
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: drill

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    #[test]
    fn go_coffee_tiers_by_hand() {
        let env = Environment::go_coffee();
        // 2e12 B / 2e8 B/s = 10 000 s = 2 h 46 min 40 s.
        assert_eq!(env.restore(), Duration::from_secs(10_000));
        // 5 min + 30 min + 10 000 s + 10 min + 1 min = 12 760 s.
        let b = Tier::BackupRestore.objectives(&env);
        assert_eq!(b.rto, Duration::from_secs(300 + 1_800 + 10_000 + 600 + 60));
        assert_eq!(
            Tier::PilotLight.objectives(&env).rto,
            Duration::from_secs(300 + 600 + 900 + 60)
        );
        assert_eq!(
            Tier::WarmStandby.objectives(&env).rto,
            Duration::from_secs(300 + 900 + 60)
        );
        assert_eq!(
            Tier::ActiveActive.objectives(&env).rto,
            Duration::from_secs(360)
        );
        // Every tier up the list is at least as good on both counts.
        for w in Tier::ALL.windows(2) {
            let (a, b) = (w[0].objectives(&env), w[1].objectives(&env));
            assert!(b.rpo <= a.rpo && b.rto <= a.rto, "{:?} vs {:?}", w[0], w[1]);
        }
    }

    #[test]
    fn choosing_a_tier_from_objectives() {
        let env = Environment::go_coffee();
        let h = |n: u64| Duration::from_secs(n * 3600);
        // Analytics: a day of data, half a day down: backups do.
        assert_eq!(
            Tier::cheapest_meeting(h(24), h(12), &env),
            Some(Tier::BackupRestore)
        );
        // Payments: seconds of data, minutes down: only active-active.
        let p = Tier::cheapest_meeting(Duration::from_secs(10), Duration::from_secs(600), &env);
        assert_eq!(p, Some(Tier::ActiveActive));
        // Zero data loss is not on offer with asynchronous replication.
        assert_eq!(Tier::cheapest_meeting(Duration::ZERO, h(1), &env), None);
    }

    #[test]
    fn a_drill_counts_the_writes_still_in_flight() {
        let clock = ManualClock::new();
        let mut drill = Drill::new(clock.clone(), Duration::from_secs(5));
        // An order a second for a minute, then the region goes.
        for _ in 0..60 {
            drill.write();
            clock.advance(Duration::from_secs(1));
        }
        drill.fail_primary();
        drill.write(); // refused: nobody acknowledges it
        clock.advance(Duration::from_secs(20 * 60));
        let warm = Tier::WarmStandby.objectives(&Environment::go_coffee());
        let report = drill.recovered(warm);
        // Writes at 56..59 s had not replicated by 60 s (t + 5 > 60): 4 lost, the oldest 4 s old.
        assert_eq!(report.lost_writes, 4);
        assert_eq!(report.measured_rpo, Duration::from_secs(4));
        assert_eq!(report.measured_rto, Duration::from_secs(1_200));
        assert!(report.passed);
        // Ten more minutes of fumbling with runbooks fail the 21-minute RTO.
        clock.advance(Duration::from_secs(10 * 60));
        assert!(!drill.recovered(warm).passed);
    }

    proptest! {
        #[test]
        fn measured_data_loss_never_exceeds_the_lag(
            gaps in proptest::collection::vec(0u64..10_000, 1..200),
            lag_ms in 0u64..20_000,
        ) {
            let clock = ManualClock::new();
            let lag = Duration::from_millis(lag_ms);
            let mut drill = Drill::new(clock.clone(), lag);
            for g in &gaps {
                drill.write();
                clock.advance(Duration::from_millis(*g));
            }
            drill.fail_primary();
            let r = drill.recovered(Objectives { rpo: lag, rto: Duration::ZERO });
            prop_assert!(r.measured_rpo <= lag);
            prop_assert!(r.passed); // RTO 0: recovered the same instant
            // Exactly the writes within the last `lag` are lost.
            let failed = clock.now();
            let mut t = Duration::ZERO;
            let mut expected = 0;
            for g in &gaps {
                if t + lag > failed {
                    expected += 1;
                }
                t += Duration::from_millis(*g);
            }
            prop_assert_eq!(r.lost_writes, expected);
        }
    }
}
