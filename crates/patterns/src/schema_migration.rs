//! Expand/contract schema migration: changing a column while versions N and
//! N+1 of the order service both run.
//!
//! During a rolling update or a canary, old and new pods serve side by side
//! for minutes or hours, against *one* database. A migration that renames or
//! retypes a column in one step breaks whichever version does not expect it.
//! The way out is to split it into steps that each keep every running version
//! working. Go Coffee moves drink sizes from a text column `size` (`"grande"`)
//! to an integer column `volume_ml` (`473`):
//!
//! | phase | version N reads / writes | version N+1 reads / writes |
//! |---|---|---|
//! | **original** | `size` / `size` | cannot run: `volume_ml` missing |
//! | **expanded** (column added) | `size` / `size` | `size` / `size` + `volume_ml` |
//! | **switched** (backfilled, reads moved) | cannot run | `volume_ml` / `size` + `volume_ml` |
//! | **contracted** (`size` dropped) | cannot run | `volume_ml` / `volume_ml` |
//!
//! Three rules fall out, and [`Migration`] refuses each violation:
//!
//! - N+1 may not start before the expand (it writes a column that is not there);
//! - while any N pod runs, `size` stays the **source of truth**: N writes only
//!   `size`, so `volume_ml` can be stale, and N+1 must read `size`. Switching
//!   reads (after a backfill) waits until the last N pod is gone;
//! - the contract (dropping `size`) is refused while any N pod runs; it is
//!   the one step that cannot be rolled back, so it comes last, after the
//!   rollout is final. Until then, going back to N is one `kubectl rollout
//!   undo` away.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::schema_migration::{Migration, MigrationError, Size, Version};
//!
//! let mut db = Migration::new(3); // three pods of version N
//! db.write(Version::N, 1, Size::Tall).unwrap();
//! assert_eq!(db.deploy(Version::NPlus1), Err(MigrationError::ColumnMissing));
//!
//! db.expand();
//! db.deploy(Version::NPlus1).unwrap();
//! db.write(Version::NPlus1, 2, Size::Venti).unwrap();
//! assert_eq!(db.read(Version::N, 2), Ok(Some(Size::Venti))); // N still works
//!
//! // Contracting now would break the three N pods still serving.
//! assert_eq!(db.contract(), Err(MigrationError::OldVersionRunning { pods: 3 }));
//! for _ in 0..3 {
//!     db.retire(Version::N);
//! }
//! assert_eq!(db.switch_reads(), Ok(1)); // order 1 backfilled
//! db.contract().unwrap();
//! assert_eq!(db.read(Version::NPlus1, 1), Ok(Some(Size::Tall)));
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// A drink size, stored as text by version N and in millilitres by N+1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// 12 US fl oz.
    Tall,
    /// 16 US fl oz.
    Grande,
    /// 20 US fl oz.
    Venti,
}

impl Size {
    /// The value of the old `size` column.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Tall => "tall",
            Self::Grande => "grande",
            Self::Venti => "venti",
        }
    }

    /// The value of the new `volume_ml` column.
    #[must_use]
    pub fn millilitres(self) -> u32 {
        match self {
            Self::Tall => 354,
            Self::Grande => 473,
            Self::Venti => 591,
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [Self::Tall, Self::Grande, Self::Venti]
            .into_iter()
            .find(|s| s.name() == name)
    }

    fn from_millilitres(ml: u32) -> Option<Self> {
        [Self::Tall, Self::Grande, Self::Venti]
            .into_iter()
            .find(|s| s.millilitres() == ml)
    }
}

/// The two versions of the order service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Knows only the `size` column.
    N,
    /// Knows both columns.
    NPlus1,
}

/// Where the schema is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Only `size` exists.
    Original,
    /// `volume_ml` added, nullable; `size` is the source of truth.
    Expanded,
    /// Every row backfilled; reads use `volume_ml`; `size` still written.
    Switched,
    /// `size` dropped.
    Contracted,
}

/// The columns a version reads and writes in a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// The column reads come from.
    pub reads: &'static str,
    /// The columns every write sets.
    pub writes: &'static [&'static str],
}

/// A step that would break a running version, or lose data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationError {
    /// Version N+1 needs `volume_ml`, which the expand step adds.
    ColumnMissing,
    /// The step needs every version N pod gone; this many still run.
    OldVersionRunning {
        /// Version N pods still serving.
        pods: u32,
    },
    /// Version N cannot run once reads moved to `volume_ml` (its writes would
    /// not reach it): rolling back to N is over.
    OldVersionCannotRun,
    /// The step is not the next one (e.g. contract before the reads switched).
    OutOfOrder {
        /// The phase the schema is in.
        phase: Phase,
    },
    /// The version has no pods running to make the request.
    NotRunning(Version),
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ColumnMissing => f.write_str("version N+1 needs column volume_ml: expand first"),
            Self::OldVersionRunning { pods } => {
                write!(f, "{pods} pods of version N still run and read column size")
            }
            Self::OldVersionCannotRun => {
                f.write_str("version N cannot run after reads moved to volume_ml")
            }
            Self::OutOfOrder { phase } => write!(f, "this step does not follow phase {phase:?}"),
            Self::NotRunning(v) => write!(f, "no pod of version {v:?} is running"),
        }
    }
}

impl std::error::Error for MigrationError {}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Row {
    size: Option<&'static str>,
    volume_ml: Option<u32>,
}

/// One table, its schema phase, and the pods of each version using it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    phase: Phase,
    rows: BTreeMap<u64, Row>,
    pods_n: u32,
    pods_n1: u32,
}

// ANCHOR: access
// ANCHOR: solution
/// Which columns `version` reads and writes in `phase`, or `None` where it
/// cannot run at all. This is the table of the module documentation.
#[must_use]
pub fn access(phase: Phase, version: Version) -> Option<Access> {
    use Phase::*;
    use Version::*;
    let (reads, writes): (&str, &[&str]) = match (phase, version) {
        (Original | Expanded, N) => ("size", &["size"]),
        (Original, NPlus1) | (Switched | Contracted, N) => return None,
        (Expanded, NPlus1) => ("size", &["size", "volume_ml"]),
        (Switched, NPlus1) => ("volume_ml", &["size", "volume_ml"]),
        (Contracted, NPlus1) => ("volume_ml", &["volume_ml"]),
    };
    Some(Access { reads, writes })
}
// ANCHOR_END: solution
// ANCHOR_END: access

impl Migration {
    /// The original schema, served by `pods` pods of version N.
    #[must_use]
    pub fn new(pods: u32) -> Self {
        Self {
            phase: Phase::Original,
            rows: BTreeMap::new(),
            pods_n: pods,
            pods_n1: 0,
        }
    }

    /// The schema's phase.
    #[must_use]
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Pods running `version`.
    #[must_use]
    pub fn pods(&self, version: Version) -> u32 {
        match version {
            Version::N => self.pods_n,
            Version::NPlus1 => self.pods_n1,
        }
    }

    /// `ALTER TABLE orders ADD COLUMN volume_ml integer NULL`: harmless to N.
    pub fn expand(&mut self) {
        if self.phase == Phase::Original {
            self.phase = Phase::Expanded;
        }
    }

    /// Starts one pod of `version`.
    ///
    /// # Errors
    ///
    /// [`MigrationError::ColumnMissing`] for N+1 before the expand;
    /// [`MigrationError::OldVersionCannotRun`] for N after the reads switched.
    pub fn deploy(&mut self, version: Version) -> Result<(), MigrationError> {
        match (access(self.phase, version), version) {
            (None, Version::NPlus1) => Err(MigrationError::ColumnMissing),
            (None, Version::N) => Err(MigrationError::OldVersionCannotRun),
            (Some(_), Version::N) => {
                self.pods_n += 1;
                Ok(())
            }
            (Some(_), Version::NPlus1) => {
                self.pods_n1 += 1;
                Ok(())
            }
        }
    }

    /// Stops one pod of `version` (if any runs).
    pub fn retire(&mut self, version: Version) {
        let pods = match version {
            Version::N => &mut self.pods_n,
            Version::NPlus1 => &mut self.pods_n1,
        };
        *pods = pods.saturating_sub(1);
    }

    // ANCHOR: steps
    // ANCHOR: solution
    /// Backfills `volume_ml` from `size` (the source of truth until now) and
    /// moves reads to `volume_ml`. Returns the number of rows rewritten.
    ///
    /// # Errors
    ///
    /// [`MigrationError::OldVersionRunning`] while N pods could still write
    /// `size` alone; [`MigrationError::OutOfOrder`] unless the schema is expanded.
    pub fn switch_reads(&mut self) -> Result<usize, MigrationError> {
        if self.pods_n > 0 {
            return Err(MigrationError::OldVersionRunning { pods: self.pods_n });
        }
        if self.phase != Phase::Expanded {
            return Err(MigrationError::OutOfOrder { phase: self.phase });
        }
        let mut backfilled = 0;
        for row in self.rows.values_mut() {
            let from_size = row.size.and_then(Size::from_name).map(Size::millilitres);
            if row.volume_ml != from_size {
                row.volume_ml = from_size;
                backfilled += 1;
            }
        }
        self.phase = Phase::Switched;
        Ok(backfilled)
    }

    /// `ALTER TABLE orders DROP COLUMN size`: the step with no way back.
    ///
    /// # Errors
    ///
    /// [`MigrationError::OldVersionRunning`] while any N pod runs;
    /// [`MigrationError::OutOfOrder`] before the reads switched.
    pub fn contract(&mut self) -> Result<(), MigrationError> {
        if self.pods_n > 0 {
            return Err(MigrationError::OldVersionRunning { pods: self.pods_n });
        }
        if self.phase != Phase::Switched {
            return Err(MigrationError::OutOfOrder { phase: self.phase });
        }
        for row in self.rows.values_mut() {
            row.size = None;
        }
        self.phase = Phase::Contracted;
        Ok(())
    }
    // ANCHOR_END: solution
    // ANCHOR_END: steps

    /// `version` stores `size` for order `id`, in the columns it writes.
    ///
    /// # Errors
    ///
    /// [`MigrationError::NotRunning`] if no pod of `version` runs.
    pub fn write(&mut self, version: Version, id: u64, size: Size) -> Result<(), MigrationError> {
        let access = self.running(version)?;
        let row = self.rows.entry(id).or_default();
        for &column in access.writes {
            match column {
                "size" => row.size = Some(size.name()),
                _ => row.volume_ml = Some(size.millilitres()),
            }
        }
        Ok(())
    }

    /// What `version` reads for order `id`, from the column it reads.
    ///
    /// # Errors
    ///
    /// [`MigrationError::NotRunning`] if no pod of `version` runs.
    pub fn read(&self, version: Version, id: u64) -> Result<Option<Size>, MigrationError> {
        let access = self.running(version)?;
        let Some(row) = self.rows.get(&id) else {
            return Ok(None);
        };
        Ok(match access.reads {
            "size" => row.size.and_then(Size::from_name),
            _ => row.volume_ml.and_then(Size::from_millilitres),
        })
    }

    fn running(&self, version: Version) -> Result<Access, MigrationError> {
        if self.pods(version) == 0 {
            return Err(MigrationError::NotRunning(version));
        }
        Ok(access(self.phase, version).expect("a running version can run in this phase"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn contract_is_refused_until_every_n_pod_is_gone() {
        let mut m = Migration::new(2);
        m.expand();
        m.deploy(Version::NPlus1).unwrap();
        assert_eq!(
            m.contract(),
            Err(MigrationError::OldVersionRunning { pods: 2 })
        );
        m.retire(Version::N);
        assert_eq!(
            m.contract(),
            Err(MigrationError::OldVersionRunning { pods: 1 })
        );
        m.retire(Version::N);
        // No N pod left, but the reads have not moved yet.
        assert_eq!(
            m.contract(),
            Err(MigrationError::OutOfOrder {
                phase: Phase::Expanded
            })
        );
        m.switch_reads().unwrap();
        m.contract().unwrap();
        assert_eq!(m.phase(), Phase::Contracted);
    }

    #[test]
    fn reading_the_new_column_early_would_serve_stale_sizes() {
        // Why N+1 reads `size` while N runs: N updates only `size`.
        let mut m = Migration::new(1);
        m.expand();
        m.deploy(Version::NPlus1).unwrap();
        m.write(Version::NPlus1, 7, Size::Grande).unwrap();
        m.write(Version::N, 7, Size::Venti).unwrap(); // the customer changed their mind
        assert_eq!(m.rows[&7].volume_ml, Some(473)); // stale
        assert_eq!(m.read(Version::NPlus1, 7), Ok(Some(Size::Venti))); // reads size: right
        assert_eq!(
            m.switch_reads(),
            Err(MigrationError::OldVersionRunning { pods: 1 })
        );
        m.retire(Version::N);
        assert_eq!(m.switch_reads(), Ok(1)); // the stale row is repaired
        assert_eq!(m.read(Version::NPlus1, 7), Ok(Some(Size::Venti)));
    }

    #[test]
    fn rollback_to_n_is_possible_until_reads_switch() {
        let mut m = Migration::new(1);
        m.expand();
        m.deploy(Version::NPlus1).unwrap();
        m.write(Version::NPlus1, 1, Size::Tall).unwrap();
        m.retire(Version::N);
        // Roll back while expanded: N reads what N+1 wrote.
        m.deploy(Version::N).unwrap();
        assert_eq!(m.read(Version::N, 1), Ok(Some(Size::Tall)));
        m.retire(Version::N);
        m.switch_reads().unwrap();
        assert_eq!(
            m.deploy(Version::N),
            Err(MigrationError::OldVersionCannotRun)
        );
        assert!(
            MigrationError::OldVersionCannotRun
                .to_string()
                .contains("cannot run")
        );
    }

    #[test]
    fn the_access_table() {
        use Phase::*;
        use Version::*;
        assert_eq!(access(Original, NPlus1), None);
        assert_eq!(access(Contracted, N), None);
        assert_eq!(
            access(Expanded, NPlus1),
            Some(Access {
                reads: "size",
                writes: &["size", "volume_ml"]
            })
        );
        assert_eq!(access(Contracted, NPlus1).unwrap().writes, ["volume_ml"]);
        // Every phase has a version that can serve, so there is never an outage.
        for phase in [Original, Expanded, Switched, Contracted] {
            assert!(access(phase, N).is_some() || access(phase, NPlus1).is_some());
        }
        // And consecutive phases share one: each step keeps the fleet running.
        let phases = [Original, Expanded, Switched, Contracted];
        for w in phases.windows(2) {
            let shared = [N, NPlus1]
                .iter()
                .any(|&v| access(w[0], v).is_some() && access(w[1], v).is_some());
            assert!(shared, "{:?} -> {:?}", w[0], w[1]);
        }
    }

    #[derive(Debug, Clone)]
    enum Op {
        Write(bool, u64, u8),
        Retire(bool),
        Deploy(bool),
        Expand,
        Switch,
        Contract,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (any::<bool>(), 0u64..5, 0u8..3).prop_map(|(v, id, s)| Op::Write(v, id, s)),
            1 => any::<bool>().prop_map(Op::Retire),
            1 => any::<bool>().prop_map(Op::Deploy),
            1 => Just(Op::Expand),
            1 => Just(Op::Switch),
            1 => Just(Op::Contract),
        ]
    }

    fn version(new: bool) -> Version {
        if new { Version::NPlus1 } else { Version::N }
    }

    proptest! {
        #[test]
        fn every_running_version_reads_the_last_write(ops in proptest::collection::vec(op(), 0..120)) {
            let sizes = [Size::Tall, Size::Grande, Size::Venti];
            let mut m = Migration::new(2);
            let mut last: BTreeMap<u64, Size> = BTreeMap::new();
            for op in ops {
                match op {
                    Op::Write(v, id, s) => {
                        if m.write(version(v), id, sizes[s as usize]).is_ok() {
                            last.insert(id, sizes[s as usize]);
                        }
                    }
                    Op::Retire(v) => m.retire(version(v)),
                    Op::Deploy(v) => {
                        let _ = m.deploy(version(v));
                    }
                    Op::Expand => m.expand(),
                    Op::Switch => {
                        let refusable = m.pods(Version::N) > 0 || m.phase() != Phase::Expanded;
                        prop_assert_eq!(m.switch_reads().is_err(), refusable);
                    }
                    Op::Contract => {
                        let n_running = m.pods(Version::N) > 0;
                        let refused = m.contract().is_err();
                        prop_assert!(!n_running || refused, "contract with N running");
                    }
                }
                for v in [Version::N, Version::NPlus1] {
                    if m.pods(v) == 0 {
                        continue;
                    }
                    for id in 0..5 {
                        prop_assert_eq!(m.read(v, id).unwrap(), last.get(&id).copied());
                    }
                }
            }
        }
    }
}
