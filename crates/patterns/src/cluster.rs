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
//! acknowledges a write before its replicas have it. When a master fails, the
//! replica with the most replicated data is promoted and takes over the slots,
//! so writes that had not reached it are lost. That is the trade Redis makes
//! for latency, and the first thing an interviewer asks about.
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
    /// Marks `name` as failed. If it was a master, its live replica with the
    /// highest replication offset (ties: the smaller name) is promoted and
    /// takes over every slot; the other replicas follow the new master. Writes
    /// the promoted replica had not received are lost.
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
        let best = self
            .replicas_of(name)
            .filter(|(_, n)| n.up)
            .max_by(|(a_name, a), (b_name, b)| a.applied.cmp(&b.applied).then(b_name.cmp(a_name)))
            .map(|(replica, _)| replica.clone());
        let Some(promoted) = best else {
            let slots = self.reassign_slots(name, None);
            return Ok(Failover::SlotsLost {
                failed: name.to_string(),
                slots,
            });
        };
        self.reassign_slots(name, Some(&promoted));
        self.promote(&promoted, name);
        Ok(Failover::Promoted {
            failed: name.to_string(),
            promoted,
        })
    }
    // ANCHOR_END: failover

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

    #[test]
    fn unreplicated_writes_are_lost_on_failover() {
        let mut cluster = Cluster::with_masters(&["a"]);
        cluster.add_replica("a", "r1").unwrap();
        cluster.set("order:1", "paid").unwrap();
        cluster.replicate();
        cluster.set("order:2", "paid").unwrap(); // acknowledged, not replicated
        cluster.fail("a").unwrap();
        assert_eq!(cluster.get("order:1").unwrap(), Some("paid"));
        assert_eq!(cluster.get("order:2").unwrap(), None);
    }

    #[test]
    fn the_most_up_to_date_replica_wins_and_the_others_follow_it() {
        let mut cluster = Cluster::with_masters(&["a"]);
        cluster.add_replica("a", "r1").unwrap();
        cluster.set("k1", "v1").unwrap();
        cluster.add_replica("a", "r2").unwrap(); // r2 starts with k1
        assert_eq!(
            cluster.fail("a").unwrap(),
            Failover::Promoted {
                failed: "a".into(),
                promoted: "r2".into()
            }
        );
        assert_eq!(cluster.role("r1"), Some(&Role::Replica { of: "r2".into() }));
        cluster.set("k2", "v2").unwrap();
        cluster.replicate();
        // r1 now follows r2 and can take over again.
        cluster.fail("r2").unwrap();
        assert_eq!(cluster.get("k1").unwrap(), Some("v1"));
        assert_eq!(cluster.get("k2").unwrap(), Some("v2"));
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

        /// With a replica per master, any one node failure keeps every slot served.
        #[test]
        fn one_failure_never_uncovers_a_slot(masters in 1usize..6, victim in 0usize..12) {
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
