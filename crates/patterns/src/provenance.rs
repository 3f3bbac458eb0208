//! Provenance of a coffee lot from farm to cup, as an event-sourced log whose
//! entries are the leaves of a [`merkle`](crate::merkle) tree.
//!
//! The write side (*command*) accepts an event only if it is the lot's next
//! stage: a lot is harvested, processed, exported, roasted and brewed, in that
//! order. Accepted events are appended to the log and never changed. The read
//! side (*query*) is a projection, one [`LotView`] per lot, updated from each
//! event and rebuildable from the log alone: that is CQRS with event sourcing.
//!
//! The log publishes a [`Checkpoint`] (size and Merkle root). A café, an
//! importer or an auditor that holds a checkpoint can check any single event
//! with a [`Receipt`] of `O(log n)` hashes, and can check that a later
//! checkpoint only appended to the one it holds.
//!
//! ```
//! use coffee_patterns::provenance::{LotEvent, ProvenanceLog, Stage};
//!
//! let mut log = ProvenanceLog::new();
//! log.record(LotEvent::new("lot-42", Stage::Harvested, "Finca El Puente")).unwrap();
//! log.record(LotEvent::new("lot-42", Stage::Processed, "Marcala washing station")).unwrap();
//! let roasted = log.record(LotEvent::new("lot-42", Stage::Roasted, "Go Coffee Roastery"));
//! assert!(roasted.is_err(), "a lot cannot be roasted before it is exported");
//!
//! let exported = log.record(LotEvent::new("lot-42", Stage::Exported, "Puerto Cortés")).unwrap();
//! let checkpoint = log.checkpoint();
//! let receipt = log.receipt(exported, &checkpoint).unwrap();
//! assert!(receipt.verify(&checkpoint));
//! assert_eq!(log.view("lot-42").unwrap().holder, "Puerto Cortés");
//! ```

use crate::merkle::{self, Hash, MerkleTree, ProofError};
use std::collections::HashMap;
use std::fmt;

/// Where a lot is on its way from farm to cup, in the order it gets there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Picked at the farm.
    Harvested,
    /// Washed or dried at the mill.
    Processed,
    /// Shipped from the port of origin.
    Exported,
    /// Roasted.
    Roasted,
    /// Brewed and served.
    Brewed,
}

impl Stage {
    /// The stage that must come after this one, if any.
    #[must_use]
    pub fn next(self) -> Option<Stage> {
        match self {
            Self::Harvested => Some(Self::Processed),
            Self::Processed => Some(Self::Exported),
            Self::Exported => Some(Self::Roasted),
            Self::Roasted => Some(Self::Brewed),
            Self::Brewed => None,
        }
    }
}

/// One fact about a lot: it reached `stage`, held by `by`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotEvent {
    /// The lot's identifier.
    pub lot: String,
    /// The stage it reached.
    pub stage: Stage,
    /// Who holds it now.
    pub by: String,
}

impl LotEvent {
    /// The event that `lot` reached `stage`, held by `by`.
    #[must_use]
    pub fn new(lot: &str, stage: Stage, by: &str) -> Self {
        Self {
            lot: lot.to_owned(),
            stage,
            by: by.to_owned(),
        }
    }

    // ANCHOR: encode
    // ANCHOR: solution
    /// The event's canonical bytes, the Merkle leaf's entry: each field
    /// length-prefixed, so that `("ab", "c")` and `("a", "bc")` differ.
    #[must_use]
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for field in [self.lot.as_bytes(), &[self.stage as u8], self.by.as_bytes()] {
            out.extend_from_slice(&(field.len() as u32).to_be_bytes());
            out.extend_from_slice(field);
        }
        out
    }
    // ANCHOR_END: solution
    // ANCHOR_END: encode
}

/// The read model of one lot: where it is and who has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LotView {
    /// The latest stage reached.
    pub stage: Stage,
    /// Who holds the lot now.
    pub holder: String,
    /// The log indices of the lot's events, oldest first.
    pub events: Vec<usize>,
}

/// Why an event was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// The event skips or repeats a stage.
    OutOfOrder {
        /// The lot.
        lot: String,
        /// The stage the lot must reach next (`None` once brewed).
        expected: Option<Stage>,
        /// The stage the event claims.
        got: Stage,
    },
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfOrder {
                lot,
                expected: Some(expected),
                got,
            } => write!(f, "{lot} must be {expected:?} next, not {got:?}"),
            Self::OutOfOrder { lot, got, .. } => {
                write!(f, "{lot} was already brewed; it cannot be {got:?}")
            }
        }
    }
}

impl std::error::Error for RecordError {}

/// What the log publishes: its size and the Merkle root over that many events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// The number of events.
    pub size: usize,
    /// The Merkle root of those events.
    pub root: Hash,
}

/// The proof that one event is in the log at a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The event's log index.
    pub index: usize,
    /// The event.
    pub event: LotEvent,
    /// Its inclusion proof in the checkpoint's tree.
    pub proof: Vec<Hash>,
}

impl Receipt {
    /// Whether this event is in the log that `checkpoint` commits to.
    #[must_use]
    pub fn verify(&self, checkpoint: &Checkpoint) -> bool {
        let leaf = merkle::leaf_hash(&self.event.encode());
        merkle::verify_inclusion(
            self.index,
            checkpoint.size,
            &leaf,
            &self.proof,
            &checkpoint.root,
        )
    }
}

/// The provenance log: the events, their Merkle tree and the lots' read models.
#[derive(Debug, Clone, Default)]
pub struct ProvenanceLog {
    events: Vec<LotEvent>,
    tree: MerkleTree,
    views: HashMap<String, LotView>,
}

impl ProvenanceLog {
    /// An empty log.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: record
    // ANCHOR: solution
    /// The command side: checks that `event` is its lot's next stage, appends
    /// it and updates the read model. Returns the event's log index.
    ///
    /// # Errors
    ///
    /// [`RecordError::OutOfOrder`] if the event skips or repeats a stage.
    pub fn record(&mut self, event: LotEvent) -> Result<usize, RecordError> {
        let expected = match self.views.get(&event.lot) {
            None => Some(Stage::Harvested),
            Some(view) => view.stage.next(),
        };
        if expected != Some(event.stage) {
            return Err(RecordError::OutOfOrder {
                lot: event.lot,
                expected,
                got: event.stage,
            });
        }
        let index = self.tree.push(&event.encode());
        project(&mut self.views, index, &event);
        self.events.push(event);
        Ok(index)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: record

    /// The query side: the read model of `lot`.
    #[must_use]
    pub fn view(&self, lot: &str) -> Option<&LotView> {
        self.views.get(lot)
    }

    /// The events, oldest first: the source of truth.
    #[must_use]
    pub fn events(&self) -> &[LotEvent] {
        &self.events
    }

    /// The read models rebuilt from the events alone, as a new projection or
    /// a replica would build them.
    #[must_use]
    pub fn replay(events: &[LotEvent]) -> HashMap<String, LotView> {
        let mut views = HashMap::new();
        for (index, event) in events.iter().enumerate() {
            project(&mut views, index, event);
        }
        views
    }

    /// The current size and root, to publish.
    #[must_use]
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            size: self.tree.len(),
            root: self.tree.root(),
        }
    }

    /// The receipt of event `index` against `checkpoint`.
    ///
    /// # Errors
    ///
    /// If the checkpoint is larger than the log or the event is not in it.
    pub fn receipt(&self, index: usize, checkpoint: &Checkpoint) -> Result<Receipt, ProofError> {
        let proof = self.tree.inclusion_proof(index, checkpoint.size)?;
        Ok(Receipt {
            index,
            event: self.events[index].clone(),
            proof,
        })
    }

    /// The proof that `new` extends `old`, for whoever holds `old`.
    ///
    /// # Errors
    ///
    /// If `new` is larger than the log or smaller than `old`.
    pub fn extension_proof(
        &self,
        old: &Checkpoint,
        new: &Checkpoint,
    ) -> Result<Vec<Hash>, ProofError> {
        self.tree.consistency_proof(old.size, new.size)
    }
}

/// Applies one event to the read models.
fn project(views: &mut HashMap<String, LotView>, index: usize, event: &LotEvent) {
    let view = views.entry(event.lot.clone()).or_insert_with(|| LotView {
        stage: event.stage,
        holder: String::new(),
        events: Vec::new(),
    });
    view.stage = event.stage;
    view.holder.clone_from(&event.by);
    view.events.push(index);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CHAIN: [(Stage, &str); 5] = [
        (Stage::Harvested, "Finca El Puente"),
        (Stage::Processed, "Marcala washing station"),
        (Stage::Exported, "Puerto Cortés"),
        (Stage::Roasted, "Go Coffee Roastery"),
        (Stage::Brewed, "Go Coffee Market Street"),
    ];

    #[test]
    fn a_lot_travels_farm_to_cup_and_every_step_is_provable() {
        let mut log = ProvenanceLog::new();
        for (stage, by) in CHAIN {
            log.record(LotEvent::new("lot-42", stage, by)).unwrap();
        }
        let checkpoint = log.checkpoint();
        for index in 0..5 {
            assert!(log.receipt(index, &checkpoint).unwrap().verify(&checkpoint));
        }
        let view = log.view("lot-42").unwrap();
        assert_eq!(view.stage, Stage::Brewed);
        assert_eq!(view.events, [0, 1, 2, 3, 4]);
        assert_eq!(
            log.record(LotEvent::new("lot-42", Stage::Brewed, "again")),
            Err(RecordError::OutOfOrder {
                lot: "lot-42".into(),
                expected: None,
                got: Stage::Brewed
            })
        );
    }

    #[test]
    fn a_forged_receipt_fails() {
        let mut log = ProvenanceLog::new();
        for (stage, by) in CHAIN {
            log.record(LotEvent::new("lot-7", stage, by)).unwrap();
        }
        let checkpoint = log.checkpoint();
        let mut receipt = log.receipt(3, &checkpoint).unwrap();
        receipt.event.by = "Cheap Roasts Ltd".into();
        assert!(!receipt.verify(&checkpoint));
    }

    #[test]
    fn a_skipped_stage_is_refused_with_a_message() {
        let mut log = ProvenanceLog::new();
        let err = log
            .record(LotEvent::new("lot-9", Stage::Roasted, "someone"))
            .unwrap_err();
        assert_eq!(err.to_string(), "lot-9 must be Harvested next, not Roasted");
        assert!(log.events().is_empty());
        assert_eq!(log.checkpoint().root, merkle::empty_root());
    }

    #[test]
    fn encoding_is_unambiguous() {
        let a = LotEvent::new("ab", Stage::Harvested, "c");
        let b = LotEvent::new("a", Stage::Harvested, "bc");
        assert_ne!(a.encode(), b.encode());
    }

    proptest! {
        /// Whatever interleaving of lots and whatever invalid events arrive,
        /// the incrementally kept read models equal a replay of the log, and
        /// every later checkpoint extends every earlier one.
        #[test]
        fn projection_equals_replay(ops in proptest::collection::vec((0u8..4, 0usize..5), 0..60)) {
            let mut log = ProvenanceLog::new();
            let mut checkpoints = vec![log.checkpoint()];
            for (lot, stage) in ops {
                let (stage, by) = CHAIN[stage];
                if log.record(LotEvent::new(&format!("lot-{lot}"), stage, by)).is_ok() {
                    checkpoints.push(log.checkpoint());
                }
            }
            prop_assert_eq!(ProvenanceLog::replay(log.events()), log.views.clone());
            let last = *checkpoints.last().unwrap();
            for old in &checkpoints {
                let proof = log.extension_proof(old, &last).unwrap();
                prop_assert!(merkle::verify_consistency(old.size, last.size, &old.root, &last.root, &proof));
            }
        }
    }
}
