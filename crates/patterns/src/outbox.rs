//! A durable outbox for an offline coffee machine: events written to a local
//! log before they count, sent when the uplink is back, and still there
//! after a power cut.
//!
//! A machine that sells a cup while offline owes the cloud a sale event. If
//! that event lives only in memory, a reboot loses the sale (and the money
//! trail). The outbox appends each event to a file and flushes it to the
//! disk *before* [`Outbox::enqueue`] returns, so an event that was accepted
//! survives any crash after that point.
//!
//! The log is a sequence of records, each with a checksum:
//!
//! - `Enqueue(seq, payload)`: a new event, numbered from 1 upward;
//! - `Ack(seq)`: the cloud confirmed it;
//! - `Next(seq)`: written by [`Outbox::compact`], so that numbering carries
//!   on after the acknowledged records are gone. Without it a machine whose
//!   outbox was compacted to nothing would number its next sale 1 again,
//!   and the cloud, which drops duplicate `(machine, seq)` pairs, would
//!   silently discard it.
//!
//! Delivery is at least once: a crash between the cloud's reply and the
//! `Ack` record sends the event again on restart, so the receiver must be
//! idempotent (see `idempotency`). A crash in the middle of an append leaves
//! a torn last record; [`Outbox::open`] keeps every complete record before it,
//! cuts the tail off and says how many bytes it dropped.
//!
//! # Example: a sale survives a reboot
//!
//! ```
//! use coffee_patterns::outbox::Outbox;
//!
//! let dir = std::env::temp_dir().join(format!("outbox-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("machine-17.outbox");
//! # let _ = std::fs::remove_file(&path);
//!
//! let mut outbox = Outbox::open(&path).unwrap();
//! let first = outbox.enqueue(b"sale flat-white 350").unwrap();
//! outbox.enqueue(b"sale espresso 250").unwrap();
//! outbox.ack(first).unwrap();
//! drop(outbox); // power cut: nothing in memory survives
//!
//! let outbox = Outbox::open(&path).unwrap();
//! let pending: Vec<(u64, &[u8])> = outbox.pending().collect();
//! assert_eq!(pending, [(2, &b"sale espresso 250"[..])]);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

const ENQUEUE: u8 = b'E';
const ACK: u8 = b'A';
const NEXT: u8 = b'N';
/// tag (1) + seq (8) + payload length (4)
const HEADER: usize = 13;
const CHECKSUM: usize = 8;

/// An outbox that could not be opened or written.
#[derive(Debug)]
pub enum OutboxError {
    /// Reading or writing the file failed.
    Io {
        /// The outbox file.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// An `Ack` for an event that is not pending.
    UnknownEvent(u64),
}

impl fmt::Display for OutboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, source } => write!(f, "outbox {}: {source}", path.display()),
            Self::UnknownEvent(seq) => write!(f, "event {seq} is not pending in the outbox"),
        }
    }
}

impl std::error::Error for OutboxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::UnknownEvent(_) => None,
        }
    }
}

// ANCHOR: record
// ANCHOR: solution
fn encode(tag: u8, seq: u64, payload: &[u8]) -> Vec<u8> {
    let mut record = Vec::with_capacity(HEADER + payload.len() + CHECKSUM);
    record.push(tag);
    record.extend_from_slice(&seq.to_le_bytes());
    record.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    record.extend_from_slice(payload);
    let sum = Sha256::digest(&record);
    record.extend_from_slice(&sum[..CHECKSUM]);
    record
}

/// Decodes the record at the start of `bytes`: `(tag, seq, payload, length)`,
/// or `None` if it is incomplete or its checksum does not match (a torn or
/// corrupted write).
fn decode(bytes: &[u8]) -> Option<(u8, u64, &[u8], usize)> {
    let header = bytes.get(..HEADER)?;
    let seq = u64::from_le_bytes(header[1..9].try_into().ok()?);
    let len = u32::from_le_bytes(header[9..13].try_into().ok()?) as usize;
    let end = HEADER.checked_add(len)?;
    let body = bytes.get(..end)?;
    let sum = bytes.get(end..end + CHECKSUM)?;
    (Sha256::digest(body)[..CHECKSUM] == *sum)
        .then(|| (header[0], seq, &body[HEADER..], end + CHECKSUM))
}
// ANCHOR_END: solution
// ANCHOR_END: record

// ANCHOR: outbox
// ANCHOR: solution
/// Events waiting to be delivered, backed by an append-only file.
#[derive(Debug)]
pub struct Outbox {
    path: PathBuf,
    file: File,
    pending: BTreeMap<u64, Vec<u8>>,
    next_seq: u64,
    dropped_tail: usize,
}

impl Outbox {
    /// Opens (or creates) the outbox at `path`, replaying its log.
    ///
    /// # Errors
    ///
    /// [`OutboxError::Io`] if the file cannot be read, repaired or opened.
    pub fn open(path: &Path) -> Result<Self, OutboxError> {
        let io_err = |source| OutboxError::Io {
            path: path.to_owned(),
            source,
        };
        let mut bytes = Vec::new();
        match File::open(path) {
            Ok(mut f) => {
                f.read_to_end(&mut bytes).map_err(io_err)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(e)),
        }
        let (mut pending, mut next_seq, mut at) = (BTreeMap::new(), 1, 0);
        while let Some((tag, seq, payload, len)) = decode(&bytes[at..]) {
            match tag {
                ENQUEUE => {
                    pending.insert(seq, payload.to_vec());
                    next_seq = next_seq.max(seq + 1);
                }
                ACK => {
                    pending.remove(&seq);
                }
                NEXT => next_seq = next_seq.max(seq),
                _ => break, // an unknown tag: treat as the end of the good log
            }
            at += len;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io_err)?;
        // Cut a torn tail off, so the next append follows a good record.
        file.set_len(at as u64).map_err(io_err)?;
        Ok(Self {
            path: path.to_owned(),
            file,
            pending,
            next_seq,
            dropped_tail: bytes.len() - at,
        })
    }

    /// Bytes of a torn or corrupt tail that [`open`](Self::open) dropped.
    pub fn dropped_tail(&self) -> usize {
        self.dropped_tail
    }

    /// Appends an event and flushes it to disk; returns its number.
    ///
    /// # Errors
    ///
    /// [`OutboxError::Io`] if the write or the flush fails; the event is then
    /// not accepted.
    pub fn enqueue(&mut self, payload: &[u8]) -> Result<u64, OutboxError> {
        let seq = self.next_seq;
        self.append(&encode(ENQUEUE, seq, payload))?;
        self.next_seq += 1;
        self.pending.insert(seq, payload.to_vec());
        Ok(seq)
    }

    /// Records that the cloud has event `seq`.
    ///
    /// # Errors
    ///
    /// [`OutboxError::UnknownEvent`] if it is not pending, or an I/O error.
    pub fn ack(&mut self, seq: u64) -> Result<(), OutboxError> {
        if !self.pending.contains_key(&seq) {
            return Err(OutboxError::UnknownEvent(seq));
        }
        self.append(&encode(ACK, seq, &[]))?;
        self.pending.remove(&seq);
        Ok(())
    }

    /// The events not yet acknowledged, oldest first.
    pub fn pending(&self) -> impl Iterator<Item = (u64, &[u8])> {
        self.pending.iter().map(|(&seq, p)| (seq, p.as_slice()))
    }

    /// Rewrites the log with only the pending events (and the next number),
    /// via a temporary file renamed over the old one, so a crash during
    /// compaction leaves either the old log or the new one.
    ///
    /// # Errors
    ///
    /// [`OutboxError::Io`] if writing or renaming fails; the old log is then
    /// still in place.
    pub fn compact(&mut self) -> Result<(), OutboxError> {
        let io_err = |source| OutboxError::Io {
            path: self.path.clone(),
            source,
        };
        let mut log = encode(NEXT, self.next_seq, &[]);
        for (&seq, payload) in &self.pending {
            log.extend(encode(ENQUEUE, seq, payload));
        }
        let tmp = self.path.with_extension("compacting");
        let mut f = File::create(&tmp).map_err(io_err)?;
        f.write_all(&log)
            .and_then(|()| f.sync_all())
            .map_err(io_err)?;
        std::fs::rename(&tmp, &self.path).map_err(io_err)?;
        self.file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(io_err)?;
        Ok(())
    }

    fn append(&mut self, record: &[u8]) -> Result<(), OutboxError> {
        self.file
            .write_all(record)
            .and_then(|()| self.file.sync_data())
            .map_err(|source| OutboxError::Io {
                path: self.path.clone(),
                source,
            })
    }
}
// ANCHOR_END: solution
// ANCHOR_END: outbox

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scratch() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("machine.outbox");
        (dir, path)
    }

    fn pending(o: &Outbox) -> Vec<(u64, Vec<u8>)> {
        o.pending().map(|(s, p)| (s, p.to_vec())).collect()
    }

    #[test]
    fn a_torn_last_record_is_cut_and_the_rest_kept() {
        let (_dir, path) = scratch();
        let mut o = Outbox::open(&path).unwrap();
        o.enqueue(b"sale latte 400").unwrap();
        o.enqueue(b"sale mocha 420").unwrap();
        drop(o);
        // Power fails halfway through the third append.
        let torn = &encode(ENQUEUE, 3, b"sale cortado 380")[..10];
        OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(torn)
            .unwrap();

        let mut o = Outbox::open(&path).unwrap();
        assert_eq!(o.dropped_tail(), 10);
        assert_eq!(o.pending().count(), 2);
        assert_eq!(o.enqueue(b"sale cortado 380").unwrap(), 3);
        drop(o);
        let o = Outbox::open(&path).unwrap();
        assert_eq!(o.dropped_tail(), 0, "the repaired log reads cleanly");
        assert_eq!(o.pending().map(|(s, _)| s).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn a_flipped_bit_fails_the_checksum() {
        let mut record = encode(ENQUEUE, 7, b"sale espresso 250");
        assert_eq!(decode(&record).map(|r| r.1), Some(7));
        record[HEADER + 2] ^= 0x01;
        assert_eq!(decode(&record), None);
    }

    #[test]
    fn numbering_carries_on_after_compacting_to_nothing() {
        let (_dir, path) = scratch();
        let mut o = Outbox::open(&path).unwrap();
        for _ in 0..5 {
            let seq = o.enqueue(b"sale").unwrap();
            o.ack(seq).unwrap();
        }
        o.compact().unwrap();
        drop(o);
        let mut o = Outbox::open(&path).unwrap();
        assert_eq!(o.pending().count(), 0);
        assert_eq!(
            o.enqueue(b"sale").unwrap(),
            6,
            "never reuse a number the cloud has seen"
        );
        assert!(matches!(o.ack(42), Err(OutboxError::UnknownEvent(42))));
    }

    #[test]
    fn an_unreadable_path_is_an_error_naming_it() {
        let (dir, _) = scratch();
        let err = Outbox::open(dir.path()).unwrap_err();
        assert!(err.to_string().starts_with("outbox "), "{err}");
    }

    #[derive(Debug, Clone)]
    enum Op {
        Enqueue(Vec<u8>),
        Ack(usize),
        Compact,
        Restart,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => proptest::collection::vec(any::<u8>(), 0..24).prop_map(Op::Enqueue),
            3 => any::<usize>().prop_map(Op::Ack),
            1 => Just(Op::Compact),
            2 => Just(Op::Restart),
        ]
    }

    proptest! {
        // Every append is flushed to disk; 64 histories keep this quick.
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Against an in-memory model: after any mix of enqueues, acks,
        /// compactions and restarts (each dropping the `Outbox` and reopening
        /// the file), the pending events are exactly the unacknowledged ones
        /// and numbers are never reused.
        #[test]
        fn survives_restarts_like_the_model(ops in proptest::collection::vec(op(), 1..40)) {
            let (_dir, path) = scratch();
            let mut outbox = Outbox::open(&path).unwrap();
            let mut model: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
            let mut issued = Vec::new();
            for op in ops {
                match op {
                    Op::Enqueue(p) => {
                        let seq = outbox.enqueue(&p).unwrap();
                        prop_assert!(!issued.contains(&seq), "number {seq} reused");
                        issued.push(seq);
                        model.insert(seq, p);
                    }
                    Op::Ack(k) if !model.is_empty() => {
                        let seq = *model.keys().nth(k % model.len()).unwrap();
                        outbox.ack(seq).unwrap();
                        model.remove(&seq);
                    }
                    Op::Ack(_) => {}
                    Op::Compact => outbox.compact().unwrap(),
                    Op::Restart => {
                        drop(outbox);
                        outbox = Outbox::open(&path).unwrap();
                        prop_assert_eq!(outbox.dropped_tail(), 0);
                    }
                }
                let expected: Vec<(u64, Vec<u8>)> = model.clone().into_iter().collect();
                prop_assert_eq!(pending(&outbox), expected);
            }
        }
    }
}
