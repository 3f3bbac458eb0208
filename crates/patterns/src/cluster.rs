//! A Redis Cluster in miniature: how keys find their node, and how the cluster
//! survives a node failure by promoting a replica.
//!
//! Redis Cluster splits the key space into 16384 *hash slots*. A key's slot is
//! `CRC16(key) mod 16384` (CRC16-XMODEM), and every slot belongs to exactly one
//! master. A client that knows the slot map sends each command straight to
//! the right master. Keys that must live together (a customer's cart and the
//! customer's loyalty balance, so that a `MULTI` can touch both) share a
//! *hash tag*: only the part between the first `{` and the next `}` is hashed.
//!
//! Each master can have replicas. Replication is asynchronous: the master
//! acknowledges a write before its replicas have it. When a master fails, its
//! replicas **rank themselves** by replication offset: the one with the most
//! replicated data gets rank 0 and asks first (Redis delays each replica's
//! election by `500 ms + random(0, 500 ms) + rank × 1 s`). The **masters vote**,
//! not the replicas: each live master grants one vote per election, and the
//! candidate needs a majority of the masters that serve slots,
//! `masters / 2 + 1`, the failed one included. That is why a Redis Cluster
//! wants at least three masters: with two, the survivor alone is no majority
//! and the failed master's slots stay down. The promoted replica takes over
//! the slots, so writes that had not reached it are lost. That is the trade
//! Redis makes for latency, and the first thing an interviewer asks about.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::cluster::{key_slot, Cluster, Failover};
//!
//! // Hash tags keep a customer's keys on one slot, hence on one node.
//! assert_eq!(key_slot("{customer:42}.cart"), key_slot("{customer:42}.points"));
//!
//! let mut cluster = Cluster::with_masters(&["a", "b", "c"]);
//! cluster.add_replica("a", "a-replica").unwrap();
//! let owner = cluster.node_for_key("menu:latte").unwrap().to_string();
//! cluster.set("menu:latte", "4.50").unwrap();
//! cluster.replicate();
//!
//! # assert_eq!(owner, "a");
//! // The master that owns the key fails; its replica takes over with the data.
//! let failover = cluster.fail(&owner).unwrap();
//! assert_eq!(
//!     failover,
//!     Failover::Promoted { failed: "a".into(), promoted: "a-replica".into() }
//! );
//! assert_eq!(cluster.node_for_key("menu:latte").unwrap(), "a-replica");
//! assert_eq!(cluster.get("menu:latte").unwrap(), Some("4.50"));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;

/// The number of hash slots in a Redis Cluster.
pub const SLOT_COUNT: u16 = 16384;

// ANCHOR: key_slot
// ANCHOR: solution
/// CRC16 as Redis Cluster uses it: the XMODEM variant (polynomial 0x1021,
/// initial value 0, no reflection, no final xor).
#[must_use]
pub fn crc16(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |crc, &byte| {
        (crc << 8) ^ CRC16_TABLE[usize::from((crc >> 8) as u8 ^ byte)]
    })
}

/// The part of `key` that is hashed: the hash tag between the first `{` and
/// the first `}` after it, if that tag is non-empty; otherwise the whole key.
#[must_use]
pub fn hash_tag(key: &[u8]) -> &[u8] {
    if let Some(open) = key.iter().position(|&b| b == b'{') {
        let rest = &key[open + 1..];
        if let Some(close) = rest.iter().position(|&b| b == b'}')
            && close > 0
        {
            return &rest[..close];
        }
    }
    key
}

/// The hash slot (`0..16384`) that owns `key`.
#[must_use]
pub fn key_slot(key: impl AsRef<[u8]>) -> u16 {
    crc16(hash_tag(key.as_ref())) % SLOT_COUNT
}
// ANCHOR_END: solution
// ANCHOR_END: key_slot

/// The lookup table of [`crc16`], one entry per value of the top byte.
const CRC16_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// What went wrong when the cluster was asked to do something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterError {
    /// No node has this name.
    UnknownNode(String),
    /// The node exists but is not a master (replicas cannot have replicas here).
    NotAMaster(String),
    /// A node with this name already exists.
    DuplicateNode(String),
    /// The slot's master failed and had no replica to take over: the cluster
    /// refuses commands for it (Redis answers `CLUSTERDOWN`).
    SlotUncovered(u16),
    /// The node has already failed.
    NodeDown(String),
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownNode(n) => write!(f, "no node named {n:?}"),
            Self::NotAMaster(n) => write!(f, "node {n:?} is not a master"),
            Self::DuplicateNode(n) => write!(f, "node {n:?} already exists"),
            Self::SlotUncovered(s) => write!(f, "slot {s} is not served by any node"),
            Self::NodeDown(n) => write!(f, "node {n:?} is down"),
        }
    }
}

impl std::error::Error for ClusterError {}

/// What happened when a node failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failover {
    /// A master failed and `promoted`, one of its replicas, took over its slots.
    Promoted {
        /// The master that failed.
        failed: String,
        /// The replica that is now the master of those slots.
        promoted: String,
    },
    /// A master failed with no replica: its slots are now uncovered.
    SlotsLost {
        /// The master that failed.
        failed: String,
        /// How many slots no node serves any more.
        slots: usize,
    },
    /// A replica failed; no slot changed hands.
    ReplicaLost {
        /// The replica that failed.
        failed: String,
    },
    /// A master failed and its best replica asked for votes, but too few
    /// masters were left to grant a majority: its slots are now uncovered.
    NoQuorum {
        /// The master that failed.
        failed: String,
        /// Votes the candidate got (one per live master).
        votes: usize,
        /// Votes it needed: a majority of the masters that serve slots.
        needed: usize,
    },
}

/// A node's place in the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// Serves reads and writes for its slots.
    Master,
    /// Copies a master's writes, asynchronously.
    Replica {
        /// The master it copies.
        of: String,
    },
}

#[derive(Debug, Clone)]
struct Node {
    role: Role,
    up: bool,
    data: BTreeMap<String, String>,
    /// For a master: every write since it became master, in order.
    log: Vec<(String, String)>,
    /// For a replica: how many entries of its master's log it has applied
    /// (Redis's replication offset).
    applied: usize,
}

impl Node {
    fn new(role: Role) -> Self {
        Self {
            role,
            up: true,
            data: BTreeMap::new(),
            log: Vec::new(),
            applied: 0,
        }
    }
}

/// A simulated Redis Cluster: named nodes, a slot map, asynchronous
/// replication and replica promotion.
#[derive(Debug, Clone)]
pub struct Cluster {
    nodes: BTreeMap<String, Node>,
    /// The master serving each slot, or `None` once it failed without a
    /// replica.
    slots: Vec<Option<String>>,
}

impl Cluster {
    // ANCHOR: solution
    /// A cluster whose slots are split into contiguous, nearly equal ranges,
    /// one per master, in the order given (like `redis-cli --cluster create`).
    ///
    /// # Panics
    ///
    /// Panics if `masters` is empty or names a node twice.
    #[must_use]
    pub fn with_masters(masters: &[&str]) -> Self {
        assert!(!masters.is_empty(), "a cluster needs at least one master");
        let mut nodes = BTreeMap::new();
        for name in masters {
            let fresh = nodes.insert((*name).to_string(), Node::new(Role::Master));
            assert!(fresh.is_none(), "master {name:?} is named twice");
        }
        // redis-cli's split: master i ends at round((i + 1) * 16384 / n - 1).
        let (n, total) = (masters.len(), usize::from(SLOT_COUNT));
        let mut slots = Vec::with_capacity(total);
        for (i, name) in masters.iter().enumerate() {
            let last = if i + 1 == n {
                total - 1
            } else {
                (2 * ((i + 1) * total - n) + n) / (2 * n)
            };
            slots.resize(last + 1, Some((*name).to_string()));
        }
        Self { nodes, slots }
    }
    // ANCHOR_END: solution

    /// Attaches a new replica to `master`. It starts with a full copy of the
    /// master's data, as after Redis's initial full synchronisation.
    ///
    /// # Errors
    ///
    /// Fails if `master` is unknown, down or not a master, or if `replica`
    /// already exists.
    pub fn add_replica(&mut self, master: &str, replica: &str) -> Result<(), ClusterError> {
        if self.nodes.contains_key(replica) {
            return Err(ClusterError::DuplicateNode(replica.to_string()));
        }
        let source = self.master(master)?;
        let mut node = Node::new(Role::Replica {
            of: master.to_string(),
        });
        node.data = source.data.clone();
        node.applied = source.log.len();
        self.nodes.insert(replica.to_string(), node);
        Ok(())
    }

    // ANCHOR: routing
    // ANCHOR: solution
    /// The master that serves `slot`.
    ///
    /// # Errors
    ///
    /// [`ClusterError::SlotUncovered`] if the slot's master failed without a
    /// replica to take over.
    pub fn owner_of_slot(&self, slot: u16) -> Result<&str, ClusterError> {
        self.slots[usize::from(slot % SLOT_COUNT)]
            .as_deref()
            .ok_or(ClusterError::SlotUncovered(slot))
    }

    /// The master a client must send `key` to.
    ///
    /// # Errors
    ///
    /// As [`Cluster::owner_of_slot`].
    pub fn node_for_key(&self, key: &str) -> Result<&str, ClusterError> {
        self.owner_of_slot(key_slot(key))
    }

    /// Writes `key` on its master. The master acknowledges at once; its
    /// replicas get the write on the next [`Cluster::replicate`].
    ///
    /// # Errors
    ///
    /// As [`Cluster::owner_of_slot`].
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ClusterError> {
        let owner = self.node_for_key(key)?.to_string();
        let node = self.nodes.get_mut(&owner).expect("slot owners exist");
        node.data.insert(key.to_string(), value.to_string());
        node.log.push((key.to_string(), value.to_string()));
        Ok(())
    }

    /// Reads `key` from its master.
    ///
    /// # Errors
    ///
    /// As [`Cluster::owner_of_slot`].
    pub fn get(&self, key: &str) -> Result<Option<&str>, ClusterError> {
        let owner = self.node_for_key(key)?;
        Ok(self.nodes[owner].data.get(key).map(String::as_str))
    }
    // ANCHOR_END: solution
    // ANCHOR_END: routing

    /// Delivers every write that live replicas have not seen yet.
    pub fn replicate(&mut self) {
        let logs: BTreeMap<String, Vec<(String, String)>> = self
            .nodes
            .iter()
            .filter(|(_, n)| n.role == Role::Master && n.up)
            .map(|(name, n)| (name.clone(), n.log.clone()))
            .collect();
        for node in self.nodes.values_mut().filter(|n| n.up) {
            if let Role::Replica { of } = &node.role
                && let Some(log) = logs.get(of)
            {
                for (key, value) in &log[node.applied..] {
                    node.data.insert(key.clone(), value.clone());
                }
                node.applied = log.len();
            }
        }
    }

    // ANCHOR: failover
    // ANCHOR: solution
    /// The live replicas of `master` in the order they stand for election:
    /// rank 0 has the highest replication offset (ties: the smaller name)
    /// and asks for votes first.
    #[must_use]
    pub fn election_ranks(&self, master: &str) -> Vec<String> {
        let mut candidates: Vec<(&String, usize)> = self
            .replicas_of(master)
            .filter(|(_, n)| n.up)
            .map(|(name, n)| (name, n.applied))
            .collect();
        candidates.sort_by(|(a_name, a), (b_name, b)| b.cmp(a).then(a_name.cmp(b_name)));
        candidates
            .into_iter()
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Marks `name` as failed. If it was a master, its replicas rank
    /// themselves by offset and the first asks the masters for votes: every
    /// live master that serves slots grants one, and a majority of all the
    /// masters that serve slots (the failed one included) promotes it. The
    /// promoted replica takes over every slot; the other replicas follow it.
    /// Writes it had not received are lost. Without a majority, or without
    /// a replica, the slots are left uncovered.
    ///
    /// # Errors
    ///
    /// Fails if the node is unknown or already down.
    pub fn fail(&mut self, name: &str) -> Result<Failover, ClusterError> {
        let node = self
            .nodes
            .get_mut(name)
            .ok_or_else(|| ClusterError::UnknownNode(name.to_string()))?;
        if !node.up {
            return Err(ClusterError::NodeDown(name.to_string()));
        }
        node.up = false;
        if node.role != Role::Master {
            return Ok(Failover::ReplicaLost {
                failed: name.to_string(),
            });
        }
        let Some(candidate) = self.election_ranks(name).into_iter().next() else {
            let slots = self.reassign_slots(name, None);
            return Ok(Failover::SlotsLost {
                failed: name.to_string(),
                slots,
            });
        };
        let serving: Vec<&String> = self.masters_serving_slots();
        let needed = serving.len() / 2 + 1;
        let votes = serving.iter().filter(|m| self.nodes[m.as_str()].up).count();
        if votes < needed {
            self.reassign_slots(name, None);
            return Ok(Failover::NoQuorum {
                failed: name.to_string(),
                votes,
                needed,
            });
        }
        self.reassign_slots(name, Some(&candidate));
        self.promote(&candidate, name);
        Ok(Failover::Promoted {
            failed: name.to_string(),
            promoted: candidate,
        })
    }
    // ANCHOR_END: solution
    // ANCHOR_END: failover

    /// The masters that own at least one slot: the cluster's voting size.
    fn masters_serving_slots(&self) -> Vec<&String> {
        self.nodes
            .iter()
            .filter(|(name, n)| {
                n.role == Role::Master && self.slots.iter().any(|o| o.as_ref() == Some(name))
            })
            .map(|(name, _)| name)
            .collect()
    }

    /// Hands every slot of `from` to `to` (or to nobody); returns how many.
    fn reassign_slots(&mut self, from: &str, to: Option<&str>) -> usize {
        let mut moved = 0;
        for owner in self.slots.iter_mut().filter(|o| o.as_deref() == Some(from)) {
            *owner = to.map(str::to_string);
            moved += 1;
        }
        moved
    }

    /// Makes `replica` the master in place of `failed`; the other replicas of
    /// `failed` resynchronise from it.
    fn promote(&mut self, replica: &str, failed: &str) {
        let new_master = self.nodes.get_mut(replica).expect("replica exists");
        new_master.role = Role::Master;
        new_master.log.clear();
        let snapshot = new_master.data.clone();
        let old_role = Role::Replica {
            of: failed.to_string(),
        };
        for node in self.nodes.values_mut().filter(|n| n.role == old_role) {
            node.role = Role::Replica {
                of: replica.to_string(),
            };
            node.data = snapshot.clone();
            node.applied = 0;
        }
    }

    /// The role of node `name`, if it exists.
    #[must_use]
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.nodes.get(name).map(|n| &n.role)
    }

    /// The slot ranges `name` serves, in ascending order.
    #[must_use]
    pub fn slot_ranges(&self, name: &str) -> Vec<RangeInclusive<u16>> {
        let mut ranges: Vec<RangeInclusive<u16>> = Vec::new();
        for slot in 0..SLOT_COUNT {
            if self.slots[usize::from(slot)].as_deref() != Some(name) {
                continue;
            }
            match ranges.last_mut() {
                Some(last) if *last.end() + 1 == slot => *last = *last.start()..=slot,
                _ => ranges.push(slot..=slot),
            }
        }
        ranges
    }

    fn master(&self, name: &str) -> Result<&Node, ClusterError> {
        let node = self
            .nodes
            .get(name)
            .ok_or_else(|| ClusterError::UnknownNode(name.to_string()))?;
        if !node.up {
            return Err(ClusterError::NodeDown(name.to_string()));
        }
        if node.role != Role::Master {
            return Err(ClusterError::NotAMaster(name.to_string()));
        }
        Ok(node)
    }

    fn replicas_of<'a>(&'a self, master: &'a str) -> impl Iterator<Item = (&'a String, &'a Node)> {
        self.nodes
            .iter()
            .filter(move |(_, n)| matches!(&n.role, Role::Replica { of } if of == master))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bit-at-a-time definition of CRC16-XMODEM, to check the table.
    fn crc16_bitwise(bytes: &[u8]) -> u16 {
        let mut crc: u16 = 0;
        for &byte in bytes {
            crc ^= u16::from(byte) << 8;
            for _ in 0..8 {
                crc = if crc & 0x8000 != 0 {
                    (crc << 1) ^ 0x1021
                } else {
                    crc << 1
                };
            }
        }
        crc
    }

    /// The check value of CRC-16/XMODEM from the CRC catalogue (Greg Cook's
    /// "Catalogue of parametrised CRC algorithms"), which the Redis Cluster
    /// specification also quotes for its `crc16.c`: "123456789" -> 0x31C3.
    #[test]
    fn crc16_matches_the_xmodem_check_value() {
        assert_eq!(crc16(b"123456789"), 0x31C3);
        assert_eq!(crc16(b""), 0);
    }

    /// Slots printed by Redis itself: `CLUSTER KEYSLOT somekey` is 11058 and
    /// `CLUSTER KEYSLOT foo{hash_tag}` is 2515 in the command's documentation;
    /// the cluster tutorial's redis-cli session is redirected to slot 12182
    /// for `foo` and 866 for `hello`.
    #[test]
    fn key_slots_match_the_redis_documentation() {
        assert_eq!(key_slot("somekey"), 11058);
        assert_eq!(key_slot("foo{hash_tag}"), 2515);
        assert_eq!(key_slot("bar{hash_tag}"), 2515);
        assert_eq!(key_slot("foo"), 12182);
        assert_eq!(key_slot("hello"), 866);
    }

    /// The hash-tag examples of the Redis Cluster specification.
    #[test]
    fn hash_tags_follow_the_specification_examples() {
        // "{user1000}.following" and "{user1000}.followers" hash "user1000".
        assert_eq!(hash_tag(b"{user1000}.following"), b"user1000");
        assert_eq!(
            key_slot("{user1000}.following"),
            key_slot("{user1000}.followers")
        );
        // "foo{}{bar}": the first `{` is followed by `}`, so the whole key.
        assert_eq!(hash_tag(b"foo{}{bar}"), b"foo{}{bar}");
        // "foo{{bar}}zap": the substring after the first `{` up to the
        // first `}` is "{bar".
        assert_eq!(hash_tag(b"foo{{bar}}zap"), b"{bar");
        // "foo{bar}{zap}": only the first tag counts.
        assert_eq!(hash_tag(b"foo{bar}{zap}"), b"bar");
        // No closing brace: the whole key.
        assert_eq!(hash_tag(b"foo{bar"), b"foo{bar");
    }

    #[test]
    fn masters_split_the_slots_into_contiguous_ranges() {
        let cluster = Cluster::with_masters(&["a", "b", "c"]);
        // The split `redis-cli --cluster create` prints for three masters in
        // the Redis cluster tutorial: 0-5460, 5461-10922, 10923-16383.
        assert_eq!(cluster.slot_ranges("a"), vec![0..=5460]);
        assert_eq!(cluster.slot_ranges("b"), vec![5461..=10922]);
        assert_eq!(cluster.slot_ranges("c"), vec![10923..=16383]);
    }

    /// Three masters, so that two survivors are a majority; `{shop}` keys
    /// hash to slot 3808, served by `a`.
    fn three_masters() -> Cluster {
        let cluster = Cluster::with_masters(&["a", "b", "c"]);
        assert_eq!(key_slot("{shop}"), 3808);
        assert_eq!(cluster.node_for_key("{shop}k"), Ok("a"));
        cluster
    }

    #[test]
    fn unreplicated_writes_are_lost_on_failover() {
        let mut cluster = three_masters();
        cluster.add_replica("a", "r1").unwrap();
        cluster.set("{shop}order:1", "paid").unwrap();
        cluster.replicate();
        cluster.set("{shop}order:2", "paid").unwrap(); // acknowledged, not replicated
        cluster.fail("a").unwrap();
        assert_eq!(cluster.get("{shop}order:1").unwrap(), Some("paid"));
        assert_eq!(cluster.get("{shop}order:2").unwrap(), None);
    }

    /// Redis Cluster specification, "Replica rank" and "Masters reply to
    /// replica vote request": replicas order themselves by offset, masters
    /// grant the votes, and a majority of masters must agree.
    #[test]
    fn the_replica_with_the_highest_offset_goes_first_and_a_majority_of_masters_must_agree() {
        let mut cluster = three_masters();
        cluster.add_replica("a", "r0").unwrap();
        cluster.set("{shop}k1", "v1").unwrap();
        cluster.add_replica("a", "r1").unwrap(); // has k1, r0 has not
        cluster.add_replica("a", "r2").unwrap();
        // The stale r0 ranks last although its name sorts first.
        assert_eq!(cluster.election_ranks("a"), ["r1", "r2", "r0"]);
        cluster.replicate();
        assert_eq!(cluster.election_ranks("a"), ["r0", "r1", "r2"]); // ties: by name
        cluster.fail("r0").unwrap();
        cluster.set("{shop}k2", "v2").unwrap();
        assert_eq!(cluster.election_ranks("a"), ["r1", "r2"]);

        // b and c are 2 of 3 masters: a majority. Rank 0, r1, is promoted.
        assert_eq!(
            cluster.fail("a").unwrap(),
            Failover::Promoted {
                failed: "a".into(),
                promoted: "r1".into()
            }
        );
        // Now b fails without a replica; then c: r1 alone is 1 of 2.
        cluster.add_replica("c", "c-r").unwrap();
        assert!(matches!(
            cluster.fail("b").unwrap(),
            Failover::SlotsLost { .. }
        ));
        assert_eq!(
            cluster.fail("c").unwrap(),
            Failover::NoQuorum {
                failed: "c".into(),
                votes: 1,
                needed: 2
            }
        );
        assert_eq!(
            cluster.owner_of_slot(16383),
            Err(ClusterError::SlotUncovered(16383))
        );
    }

    #[test]
    fn two_masters_cannot_fail_over_one_master_alone_is_no_majority() {
        let mut cluster = Cluster::with_masters(&["a", "b"]);
        cluster.add_replica("a", "a-r").unwrap();
        assert_eq!(
            cluster.fail("a").unwrap(),
            Failover::NoQuorum {
                failed: "a".into(),
                votes: 1,
                needed: 2
            }
        );
        assert_eq!(
            cluster.owner_of_slot(0),
            Err(ClusterError::SlotUncovered(0))
        );
    }

    #[test]
    fn the_most_up_to_date_replica_wins_and_the_others_follow_it() {
        let mut cluster = three_masters();
        cluster.add_replica("a", "r1").unwrap();
        cluster.set("{shop}k1", "v1").unwrap();
        cluster.add_replica("a", "r2").unwrap(); // r2 starts with k1
        assert_eq!(
            cluster.fail("a").unwrap(),
            Failover::Promoted {
                failed: "a".into(),
                promoted: "r2".into()
            }
        );
        assert_eq!(cluster.role("r1"), Some(&Role::Replica { of: "r2".into() }));
        cluster.set("{shop}k2", "v2").unwrap();
        cluster.replicate();
        // r1 now follows r2 and can take over again.
        cluster.fail("r2").unwrap();
        assert_eq!(cluster.get("{shop}k1").unwrap(), Some("v1"));
        assert_eq!(cluster.get("{shop}k2").unwrap(), Some("v2"));
    }

    #[test]
    fn a_master_without_replica_leaves_its_slots_uncovered() {
        let mut cluster = Cluster::with_masters(&["a", "b"]);
        let failover = cluster.fail("a").unwrap();
        assert_eq!(
            failover,
            Failover::SlotsLost {
                failed: "a".into(),
                slots: 8192
            }
        );
        assert_eq!(
            cluster.owner_of_slot(0),
            Err(ClusterError::SlotUncovered(0))
        );
        assert_eq!(cluster.owner_of_slot(16383), Ok("b"));
        assert_eq!(cluster.fail("a"), Err(ClusterError::NodeDown("a".into())));
    }

    proptest! {
        #[test]
        fn table_crc_equals_bitwise_crc(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(crc16(&bytes), crc16_bitwise(&bytes));
        }

        /// Whatever surrounds a well-formed tag, the key lands on the tag's slot.
        #[test]
        fn a_tagged_key_hashes_like_its_tag(
            prefix in "[a-z:]{0,8}",
            tag in "[a-z0-9:]{1,12}",
            suffix in "[a-z{}:.]{0,8}",
        ) {
            let key = format!("{prefix}{{{tag}}}{suffix}");
            prop_assert_eq!(key_slot(&key), key_slot(&tag));
        }

        /// With a replica per master and at least three masters (so the
        /// survivors are a majority), any one node failure keeps every slot
        /// served.
        #[test]
        fn one_failure_never_uncovers_a_slot(masters in 3usize..7, victim in 0usize..14) {
            let names: Vec<String> = (0..masters).map(|i| format!("m{i}")).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let mut cluster = Cluster::with_masters(&refs);
            for name in &names {
                cluster.add_replica(name, &format!("{name}-r")).unwrap();
            }
            let all: Vec<String> = cluster.nodes.keys().cloned().collect();
            cluster.fail(&all[victim % all.len()]).unwrap();
            for slot in 0..SLOT_COUNT {
                prop_assert!(cluster.owner_of_slot(slot).is_ok());
            }
        }
    }
}
