//! A distributed lock service on [`raft`](crate::raft), with leases and
//! fencing tokens.
//!
//! A lock *lease* is a grant that expires: if the holder crashes, the lock
//! frees itself. But a holder cannot tell that its lease expired while it was
//! paused (a garbage-collection pause, a swapped-out VM, a slow disk): it
//! wakes up still believing it holds the lock and writes. Meanwhile the lock
//! went to someone else. Two writers, one lock.
//!
//! The fix is on the storage side. Every grant carries a **fencing token**
//! that grows with every grant: here the Raft log index of the `Acquire`
//! entry, which every leader agrees on and which never repeats. The storage
//! remembers the highest token it has seen and refuses writes with a lower
//! one, so the paused client's late write is rejected however late it comes.
//!
//! ```
//! use coffee_patterns::lock_service::{FencedStore, LockCluster};
//! use std::time::Duration;
//!
//! let secs = Duration::from_secs;
//! let mut cluster = LockCluster::new(3, 1);
//! let roaster_a = cluster.acquire("roaster-a", secs(10)).unwrap();
//!
//! // roaster-a pauses for 30 s; its lease runs out and roaster-b gets the lock.
//! cluster.advance(secs(30));
//! let roaster_b = cluster.acquire("roaster-b", secs(10)).unwrap();
//! assert!(roaster_b.token > roaster_a.token);
//!
//! let mut schedule = FencedStore::default();
//! schedule.write(roaster_b.token, "batch 17: Ethiopia Guji").unwrap();
//! // roaster-a wakes up and writes with its old token: refused.
//! assert!(schedule.write(roaster_a.token, "batch 17: Brazil Cerrado").is_err());
//! assert_eq!(schedule.value(), Some("batch 17: Ethiopia Guji"));
//! ```

use crate::clock::{Clock, ManualClock};
use crate::raft::{Entry, Message, Node, NodeId, Role, Timing};
use std::fmt;
use std::time::Duration;

/// A command for the lock's replicated state machine. `at` is the leader's
/// clock when it proposed the command, so that every replica decides lease
/// expiry the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockCommand {
    /// Take the lock for `lease`, if it is free or its lease has expired.
    Acquire {
        /// Who asks.
        client: String,
        /// For how long.
        lease: Duration,
        /// When, on the leader's clock.
        at: Duration,
    },
    /// Give the lock back.
    Release {
        /// Who gives it back.
        client: String,
        /// The token of the grant being returned.
        token: u64,
    },
}

/// A granted lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Who holds it.
    pub client: String,
    /// The fencing token: the log index of the grant.
    pub token: u64,
    /// When the lease ends, on the leaders' clock.
    pub expires: Duration,
}

/// What applying a command answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockReply {
    /// The lock is yours.
    Granted(Grant),
    /// Someone else holds it until `until`.
    Busy {
        /// The holder.
        holder: String,
        /// When their lease ends.
        until: Duration,
    },
    /// Released.
    Released,
    /// The release named a grant that is not the current one.
    NotHolder,
}

// ANCHOR: table
// ANCHOR: solution
/// The lock's state machine: who holds the lock, replayed from the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockTable {
    holder: Option<Grant>,
}

impl LockTable {
    /// Applies the command at log `index`.
    pub fn apply(&mut self, index: u64, command: &LockCommand) -> LockReply {
        match command {
            LockCommand::Acquire { client, lease, at } => match &self.holder {
                Some(grant) if grant.expires > *at && grant.client != *client => LockReply::Busy {
                    holder: grant.client.clone(),
                    until: grant.expires,
                },
                _ => {
                    let grant = Grant {
                        client: client.clone(),
                        token: index,
                        expires: *at + *lease,
                    };
                    self.holder = Some(grant.clone());
                    LockReply::Granted(grant)
                }
            },
            LockCommand::Release { client, token } => match &self.holder {
                Some(grant) if grant.client == *client && grant.token == *token => {
                    self.holder = None;
                    LockReply::Released
                }
                _ => LockReply::NotHolder,
            },
        }
    }

    /// The replies to every committed entry, in order: what any replica that
    /// applies the same log answers.
    #[must_use]
    pub fn replay(entries: &[Entry<LockCommand>]) -> Vec<LockReply> {
        let mut table = Self::default();
        (1..)
            .zip(entries)
            .map(|(index, entry)| table.apply(index, &entry.command))
            .collect()
    }
}
// ANCHOR_END: solution
// ANCHOR_END: table

// ANCHOR: fencing
// ANCHOR: solution
/// Storage that checks fencing tokens: a write with a token lower than one
/// already seen comes from a holder whose lock has passed on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FencedStore {
    highest: u64,
    value: Option<String>,
}

/// A write refused for its stale token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleToken {
    /// The write's token.
    pub token: u64,
    /// The highest token the store has seen.
    pub highest: u64,
}

impl fmt::Display for StaleToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fencing token {} is older than {}",
            self.token, self.highest
        )
    }
}

impl std::error::Error for StaleToken {}

impl FencedStore {
    /// Writes `value` if `token` is at least the highest seen.
    ///
    /// # Errors
    ///
    /// [`StaleToken`] if a later grant has already written.
    pub fn write(&mut self, token: u64, value: &str) -> Result<(), StaleToken> {
        if token < self.highest {
            return Err(StaleToken {
                token,
                highest: self.highest,
            });
        }
        self.highest = token;
        self.value = Some(value.to_owned());
        Ok(())
    }

    /// The stored value.
    #[must_use]
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }
}
// ANCHOR_END: solution
// ANCHOR_END: fencing

/// Why a lock request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// Someone else holds the lock.
    Busy {
        /// The holder.
        holder: String,
        /// When their lease ends.
        until: Duration,
    },
    /// No leader could be elected or the entry did not commit (no majority up).
    Unavailable,
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Busy { holder, until } => write!(f, "held by {holder} until {until:?}"),
            Self::Unavailable => write!(f, "no majority of the lock service is reachable"),
        }
    }
}

impl std::error::Error for LockError {}

/// A Raft cluster serving one lock, on a network that delivers at once and in
/// order (the fault-injecting network is [`raft_sim`](crate::raft_sim)'s job).
/// Nodes can crash; the leader is whichever node wins the election.
#[derive(Debug)]
pub struct LockCluster {
    nodes: Vec<Node<LockCommand>>,
    up: Vec<bool>,
    clock: ManualClock,
}

/// How long [`LockCluster`] waits for an election or a commit.
const PATIENCE: Duration = Duration::from_secs(5);

impl LockCluster {
    /// `size` nodes; `seed` draws their election timeouts.
    #[must_use]
    pub fn new(size: usize, seed: u64) -> Self {
        let nodes = (0..size)
            .map(|id| {
                Node::new(
                    id,
                    size,
                    Timing::default(),
                    seed * 1000 + id as u64,
                    Duration::ZERO,
                )
            })
            .collect();
        Self {
            nodes,
            up: vec![true; size],
            clock: ManualClock::new(),
        }
    }

    /// The node that leads now, if any.
    #[must_use]
    pub fn leader(&self) -> Option<NodeId> {
        let mut leaders: Vec<&Node<LockCommand>> = (0..self.nodes.len())
            .filter(|&i| self.up[i] && self.nodes[i].role() == Role::Leader)
            .map(|i| &self.nodes[i])
            .collect();
        leaders.sort_by_key(|n| n.term());
        leaders.last().map(|n| n.id())
    }

    /// Stops `node`: it neither sends nor receives.
    pub fn crash(&mut self, node: NodeId) {
        self.up[node] = false;
    }

    /// Moves time on by `by`, running every timer and message on the way.
    pub fn advance(&mut self, by: Duration) {
        let until = self.clock.now() + by;
        while let Some((at, node)) = (0..self.nodes.len())
            .filter(|&i| self.up[i])
            .map(|i| (self.nodes[i].next_deadline(), i))
            .min()
            .filter(|&(at, _)| at <= until)
        {
            self.clock.set(at.max(self.clock.now()));
            let out = self.nodes[node].tick(self.clock.now());
            self.deliver(node, out);
        }
        self.clock.set(until);
    }

    fn deliver(&mut self, from: NodeId, outbox: Vec<(NodeId, Message<LockCommand>)>) {
        let mut pending: std::collections::VecDeque<_> =
            outbox.into_iter().map(|(to, m)| (from, to, m)).collect();
        while let Some((from, to, message)) = pending.pop_front() {
            if !self.up[to] {
                continue;
            }
            let now = self.clock.now();
            for (next, reply) in self.nodes[to].handle(now, from, message) {
                pending.push_back((to, next, reply));
            }
        }
    }

    fn wait_for_leader(&mut self) -> Option<NodeId> {
        let step = Duration::from_millis(10);
        let mut waited = Duration::ZERO;
        while self.leader().is_none() && waited < PATIENCE {
            self.advance(step);
            waited += step;
        }
        self.leader()
    }

    // ANCHOR: acquire
    /// Asks for the lock for `lease`: the leader appends an `Acquire` entry,
    /// and once it is committed the answer is what the state machine says at
    /// that index. The fencing token is the index.
    ///
    /// # Errors
    ///
    /// [`LockError::Busy`] if someone holds an unexpired lease;
    /// [`LockError::Unavailable`] if no majority is up.
    pub fn acquire(&mut self, client: &str, lease: Duration) -> Result<Grant, LockError> {
        let command = LockCommand::Acquire {
            client: client.to_owned(),
            lease,
            at: self.clock.now(),
        };
        match self.commit(command)? {
            LockReply::Granted(grant) => Ok(grant),
            LockReply::Busy { holder, until } => Err(LockError::Busy { holder, until }),
            LockReply::Released | LockReply::NotHolder => {
                unreachable!("an Acquire is granted or busy")
            }
        }
    }
    // ANCHOR_END: acquire

    /// Gives back the grant with `token`; returns whether it was current.
    ///
    /// # Errors
    ///
    /// [`LockError::Unavailable`] if no majority is up.
    pub fn release(&mut self, client: &str, token: u64) -> Result<bool, LockError> {
        let command = LockCommand::Release {
            client: client.to_owned(),
            token,
        };
        Ok(self.commit(command)? == LockReply::Released)
    }

    fn commit(&mut self, command: LockCommand) -> Result<LockReply, LockError> {
        let leader = self.wait_for_leader().ok_or(LockError::Unavailable)?;
        let index = self.nodes[leader]
            .propose(command)
            .ok_or(LockError::Unavailable)?;
        let step = Timing::default().heartbeat;
        let mut waited = Duration::ZERO;
        while self.nodes[leader].commit_index() < index {
            if waited >= PATIENCE || self.nodes[leader].role() != Role::Leader {
                return Err(LockError::Unavailable);
            }
            self.advance(step);
            waited += step;
        }
        let replies = LockTable::replay(self.nodes[leader].committed());
        Ok(replies[index as usize - 1].clone())
    }

    /// The committed log of `node`.
    #[must_use]
    pub fn committed(&self, node: NodeId) -> &[Entry<LockCommand>] {
        self.nodes[node].committed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn a_held_lease_makes_others_wait_and_expires_by_itself() {
        let mut cluster = LockCluster::new(3, 7);
        let a = cluster.acquire("a", 10 * SEC).unwrap();
        match cluster.acquire("b", 10 * SEC) {
            Err(LockError::Busy { holder, until }) => {
                assert_eq!(holder, "a");
                assert_eq!(until, a.expires);
            }
            other => panic!("{other:?}"),
        }
        cluster.advance(10 * SEC);
        let b = cluster.acquire("b", 10 * SEC).unwrap();
        assert!(b.token > a.token);
        assert!(!cluster.release("a", a.token).unwrap(), "a's grant is gone");
        assert!(cluster.release("b", b.token).unwrap());
        assert!(cluster.acquire("c", 10 * SEC).is_ok());
    }

    #[test]
    fn tokens_keep_growing_when_the_leader_changes() {
        let mut cluster = LockCluster::new(3, 3);
        let first = cluster.acquire("a", SEC).unwrap();
        let old_leader = cluster.leader().unwrap();
        cluster.crash(old_leader);
        cluster.advance(2 * SEC);
        let second = cluster.acquire("b", SEC).unwrap();
        let new_leader = cluster.leader().unwrap();
        assert_ne!(new_leader, old_leader);
        assert!(second.token > first.token);
        // Both grants are in the new leader's log, at their token's index.
        let log = cluster.committed(new_leader);
        assert!(
            matches!(&log[first.token as usize - 1].command, LockCommand::Acquire { client, .. } if client == "a")
        );
        assert!(
            matches!(&log[second.token as usize - 1].command, LockCommand::Acquire { client, .. } if client == "b")
        );
    }

    #[test]
    fn without_a_majority_the_lock_is_unavailable_not_wrong() {
        let mut cluster = LockCluster::new(3, 5);
        cluster.acquire("a", SEC).unwrap();
        let leader = cluster.leader().unwrap();
        cluster.crash((leader + 1) % 3);
        cluster.crash((leader + 2) % 3);
        assert_eq!(cluster.acquire("b", SEC), Err(LockError::Unavailable));
    }

    #[test]
    fn the_gc_pause_story_with_and_without_fencing() {
        let mut cluster = LockCluster::new(5, 11);
        let a = cluster.acquire("roaster-a", 10 * SEC).unwrap();
        cluster.advance(30 * SEC); // roaster-a is paused
        let b = cluster.acquire("roaster-b", 10 * SEC).unwrap();

        // Both believe they hold the lock; the store decides by token.
        let mut store = FencedStore::default();
        store.write(b.token, "b's batch").unwrap();
        let refused = store.write(a.token, "a's stale batch").unwrap_err();
        assert_eq!(
            refused,
            StaleToken {
                token: a.token,
                highest: b.token
            }
        );
        assert_eq!(
            refused.to_string(),
            format!("fencing token {} is older than {}", a.token, b.token)
        );
        assert_eq!(store.value(), Some("b's batch"));
    }

    #[test]
    fn replicas_replaying_the_log_agree() {
        let mut cluster = LockCluster::new(3, 2);
        for (client, wait) in [("a", 0), ("b", 5), ("c", 20), ("a", 1)] {
            cluster.advance(Duration::from_secs(wait));
            let _ = cluster.acquire(client, 10 * SEC);
        }
        cluster.advance(SEC);
        let leader = cluster.leader().unwrap();
        let expected = LockTable::replay(cluster.committed(leader));
        for node in 0..3 {
            let replies = LockTable::replay(cluster.committed(node));
            assert_eq!(replies, expected[..replies.len()]);
            assert_eq!(
                replies.len(),
                expected.len(),
                "followers learn the commit index"
            );
        }
    }
}
