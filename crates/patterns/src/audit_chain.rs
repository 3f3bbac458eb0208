//! A tamper-evident audit journal: every entry carries the SHA-256 hash of
//! the one before, so editing, reordering or removing a past entry breaks
//! the chain at a place verification can name.
//!
//! Entry `n` stores `hash_n = SHA-256(n ‖ hash_{n-1} ‖ len ‖ payload)`; the
//! first entry links to 32 zero bytes. Verification recomputes every hash and
//! link in order:
//!
//! - an **edited** payload no longer matches its stored hash; if the editor
//!   also recomputed that hash, the *next* entry's link no longer matches,
//!   and either way entry `n` is named;
//! - a **reordered** or **removed** entry shows as a sequence number out of
//!   place;
//! - what a chain alone cannot show is a rewrite of the whole tail, or its
//!   truncation, by someone who can write the store. Against that the head
//!   hash is **anchored**: copied at intervals somewhere the journal's writers
//!   cannot change (another account's write-once bucket, the daily
//!   settlement report, a notary). Verification against an anchor catches
//!   both.
//!
//! The length prefix keeps entry boundaries unambiguous; the sequence number
//! in the hash makes a copied entry invalid anywhere else in the chain.
//!
//! ```
//! use coffee_patterns::audit_chain::{AuditLog, ChainError, verify};
//!
//! let mut log = AuditLog::new();
//! log.append("refund order 1041: 4.50 EUR by mo (2FA)");
//! log.append("role store-manager granted to li by mo");
//! log.append("payout store-12: 1 830.00 EUR");
//! assert_eq!(verify(log.entries(), None), Ok(()));
//!
//! // Someone lowers the refund in storage.
//! let mut entries = log.entries().to_vec();
//! entries[0].payload = "refund order 1041: 0.50 EUR by mo (2FA)".into();
//! assert_eq!(verify(&entries, None), Err(ChainError::Edited { seq: 0 }));
//! ```

use crate::digest::{hex, sha256};
use std::fmt;

/// One journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the journal, from 0.
    pub seq: u64,
    /// The previous entry's hash (zeros for the first).
    pub prev: [u8; 32],
    /// What happened.
    pub payload: String,
    /// This entry's hash.
    pub hash: [u8; 32],
}

/// A head hash kept outside the journal's reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// The sequence number of the entry it was taken at.
    pub seq: u64,
    /// That entry's hash.
    pub hash: [u8; 32],
}

/// Where verification found the chain broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// Entry `seq` was changed after it was written.
    Edited {
        /// The entry.
        seq: u64,
    },
    /// Entry `seq` is missing.
    Removed {
        /// The missing sequence number.
        seq: u64,
    },
    /// Entry `seq` was found at another position.
    Reordered {
        /// The entry.
        seq: u64,
        /// Where it was found.
        position: u64,
    },
    /// The journal ends before the anchored entry.
    Truncated {
        /// Entries present.
        len: u64,
        /// The anchored entry.
        anchored: u64,
    },
    /// The anchored entry's hash differs: the chain up to it was rewritten.
    AnchorMismatch {
        /// The anchored entry.
        seq: u64,
    },
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Edited { seq } => write!(f, "audit entry {seq} was edited"),
            Self::Removed { seq } => write!(f, "audit entry {seq} was removed"),
            Self::Reordered { seq, position } => {
                write!(f, "audit entry {seq} was moved to position {position}")
            }
            Self::Truncated { len, anchored } => {
                write!(
                    f,
                    "journal has {len} entries but entry {anchored} was anchored"
                )
            }
            Self::AnchorMismatch { seq } => {
                write!(
                    f,
                    "entry {seq} does not match its anchor: the chain was rewritten"
                )
            }
        }
    }
}

impl std::error::Error for ChainError {}

// ANCHOR: hash
// ANCHOR: solution
/// `SHA-256(seq ‖ prev ‖ len(payload) ‖ payload)`, integers big-endian.
#[must_use]
pub fn entry_hash(seq: u64, prev: &[u8; 32], payload: &str) -> [u8; 32] {
    let mut bytes = Vec::with_capacity(8 + 32 + 8 + payload.len());
    bytes.extend_from_slice(&seq.to_be_bytes());
    bytes.extend_from_slice(prev);
    bytes.extend_from_slice(&(payload.len() as u64).to_be_bytes());
    bytes.extend_from_slice(payload.as_bytes());
    sha256(&bytes)
}
// ANCHOR_END: solution
// ANCHOR_END: hash

/// The append-only journal.
#[derive(Debug, Clone, Default)]
pub struct AuditLog {
    entries: Vec<Entry>,
}

impl AuditLog {
    /// An empty journal.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends an entry and returns the new head as an anchor.
    pub fn append(&mut self, payload: &str) -> Anchor {
        let seq = self.entries.len() as u64;
        let prev = self.entries.last().map_or([0; 32], |e| e.hash);
        let hash = entry_hash(seq, &prev, payload);
        self.entries.push(Entry {
            seq,
            prev,
            payload: payload.to_owned(),
            hash,
        });
        Anchor { seq, hash }
    }

    /// The entries, oldest first.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The head hash in hex, for a report or a notary.
    #[must_use]
    pub fn head_hex(&self) -> Option<String> {
        self.entries.last().map(|e| hex(&e.hash))
    }
}

// ANCHOR: verify
// ANCHOR: solution
/// Checks every hash, link and sequence number, and the anchor if given.
pub fn verify(entries: &[Entry], anchor: Option<Anchor>) -> Result<(), ChainError> {
    let mut prev = [0u8; 32];
    for (position, entry) in (0u64..).zip(entries) {
        if entry.seq != position {
            // The expected entry is later in the file: moved; nowhere: removed.
            return Err(match entries.iter().any(|e| e.seq == position) {
                true => ChainError::Reordered {
                    seq: entry.seq,
                    position,
                },
                false => ChainError::Removed { seq: position },
            });
        }
        if entry_hash(entry.seq, &entry.prev, &entry.payload) != entry.hash {
            return Err(ChainError::Edited { seq: entry.seq });
        }
        if entry.prev != prev {
            // This entry is intact, so the one before was rewritten,
            // hash and all.
            return Err(ChainError::Edited { seq: position - 1 });
        }
        prev = entry.hash;
    }
    if let Some(anchor) = anchor {
        let len = entries.len() as u64;
        let Some(entry) = entries.get(anchor.seq as usize) else {
            return Err(ChainError::Truncated {
                len,
                anchored: anchor.seq,
            });
        };
        if entry.hash != anchor.hash {
            return Err(ChainError::AnchorMismatch { seq: anchor.seq });
        }
    }
    Ok(())
}
// ANCHOR_END: solution
// ANCHOR_END: verify

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn journal(n: usize) -> AuditLog {
        let mut log = AuditLog::new();
        for i in 0..n {
            log.append(&format!("transfer {i}: 1.00 EUR"));
        }
        log
    }

    #[test]
    fn the_first_hash_is_pinned() {
        // SHA-256 of 8 zero bytes (seq 0), 32 zero bytes (no previous),
        // length 3 big-endian, "abc": computed here by hand so a change of
        // the format cannot pass unnoticed.
        let mut bytes = vec![0u8; 40];
        bytes.extend_from_slice(&3u64.to_be_bytes());
        bytes.extend_from_slice(b"abc");
        assert_eq!(entry_hash(0, &[0; 32], "abc"), sha256(&bytes));
        assert_ne!(
            entry_hash(1, &[0; 32], "abc"),
            entry_hash(0, &[0; 32], "abc")
        );
    }

    #[test]
    fn an_edit_with_a_recomputed_hash_is_caught_at_the_next_link() {
        let log = journal(5);
        let mut entries = log.entries().to_vec();
        entries[2].payload = "transfer 2: 100.00 EUR".into();
        entries[2].hash = entry_hash(2, &entries[2].prev, &entries[2].payload);
        assert_eq!(verify(&entries, None), Err(ChainError::Edited { seq: 2 }));
    }

    #[test]
    fn reordering_and_removal_are_named() {
        let log = journal(5);
        let mut swapped = log.entries().to_vec();
        swapped.swap(1, 3);
        assert_eq!(
            verify(&swapped, None),
            Err(ChainError::Reordered {
                seq: 3,
                position: 1
            })
        );
        let mut removed = log.entries().to_vec();
        removed.remove(2);
        assert_eq!(verify(&removed, None), Err(ChainError::Removed { seq: 2 }));
    }

    #[test]
    fn tail_truncation_and_full_rewrites_need_an_anchor() {
        let mut log = journal(5);
        let anchor = log.append("payout store-12");
        let mut truncated = log.entries().to_vec();
        truncated.pop();
        assert_eq!(verify(&truncated, None), Ok(())); // the chain alone cannot tell
        assert_eq!(
            verify(&truncated, Some(anchor)),
            Err(ChainError::Truncated {
                len: 5,
                anchored: 5
            })
        );

        // Rewrite from entry 1 on, every hash recomputed: a valid chain...
        let mut forged = AuditLog::new();
        for (i, e) in log.entries().iter().enumerate() {
            forged.append(if i == 1 {
                "transfer 1: 0.01 EUR"
            } else {
                &e.payload
            });
        }
        assert_eq!(verify(forged.entries(), None), Ok(()));
        // ...that does not end where the anchor says.
        assert_eq!(
            verify(forged.entries(), Some(anchor)),
            Err(ChainError::AnchorMismatch { seq: 5 })
        );
        assert_eq!(verify(log.entries(), Some(anchor)), Ok(()));
    }

    #[derive(Debug, Clone)]
    enum Tamper {
        Edit(usize),
        EditAndRehash(usize),
        Remove(usize),
        Swap(usize, usize),
    }

    fn tamper() -> impl Strategy<Value = Tamper> {
        prop_oneof![
            any::<usize>().prop_map(Tamper::Edit),
            any::<usize>().prop_map(Tamper::EditAndRehash),
            any::<usize>().prop_map(Tamper::Remove),
            (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Tamper::Swap(a, b)),
        ]
    }

    proptest! {
        /// Any single edit, removal (except of the last entry, which needs
        /// the anchor) or swap is caught, and the right entry is named.
        #[test]
        fn every_single_tampering_is_caught_and_named(n in 2usize..12, t in tamper()) {
            let mut log = journal(n);
            let anchor = log.append("closing balance");
            let n = n + 1;
            let mut entries = log.entries().to_vec();
            let expected = match t {
                Tamper::Edit(i) => {
                    let i = i % n;
                    entries[i].payload.push('!');
                    ChainError::Edited { seq: i as u64 }
                }
                Tamper::EditAndRehash(i) => {
                    let i = i % (n - 1); // the last one is only caught by the anchor
                    entries[i].payload.push('!');
                    entries[i].hash = entry_hash(i as u64, &entries[i].prev, &entries[i].payload);
                    ChainError::Edited { seq: i as u64 }
                }
                Tamper::Remove(i) => {
                    let i = i % n;
                    entries.remove(i);
                    if i == n - 1 {
                        ChainError::Truncated { len: (n - 1) as u64, anchored: (n - 1) as u64 }
                    } else {
                        ChainError::Removed { seq: i as u64 }
                    }
                }
                Tamper::Swap(a, b) => {
                    let (a, b) = (a % n, b % n);
                    prop_assume!(a != b);
                    entries.swap(a, b);
                    let first = a.min(b);
                    ChainError::Reordered { seq: a.max(b) as u64, position: first as u64 }
                }
            };
            prop_assert_eq!(verify(&entries, Some(anchor)), Err(expected));
        }
    }
}
