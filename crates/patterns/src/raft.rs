//! One Raft node (Ongaro and Ousterhout, *In Search of an Understandable
//! Consensus Algorithm*, 2014): leader election, log replication and the
//! commit rules, as a deterministic state machine that takes messages and the
//! current time and returns the messages to send.
//!
//! The node never reads a clock or a socket. [`raft_sim`](crate::raft_sim)
//! drives a cluster of them through a seeded, faulty network and checks the
//! paper's safety properties after every step.
//!
//! The rules that matter, each one a line below:
//!
//! - a node votes at most once per term, and only for a candidate whose log is
//!   at least as up to date as its own (§5.2, §5.4.1);
//! - a follower accepts entries only after the entry before them matches
//!   (same index and term), and deletes a conflicting suffix (§5.3);
//! - a leader marks an entry committed once a majority stores it **and it is
//!   from the leader's current term**; older entries are committed only
//!   indirectly, by the prefix rule (§5.4.2, the paper's Figure 8).
//!
//! ```
//! use coffee_patterns::raft::{Node, Role, Timing};
//! use std::time::Duration;
//!
//! // A single-node cluster elects itself when its election timer fires.
//! let mut node: Node<&str> = Node::new(0, 1, Timing::default(), 7, Duration::ZERO);
//! assert_eq!(node.role(), Role::Follower);
//! node.tick(Duration::from_millis(300));
//! assert_eq!(node.role(), Role::Leader);
//! let index = node.propose("set price latte 4.20").unwrap();
//! assert_eq!((index, node.commit_index()), (1, 1));
//! ```

use crate::rng::SeededRng;
use std::time::Duration;

/// A node's position in the cluster, `0..cluster_size`.
pub type NodeId = usize;

/// One log entry: the term of the leader that created it and the command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<C> {
    /// The term in which a leader appended it.
    pub term: u64,
    /// The state machine command.
    pub command: C,
}

/// What a node currently is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Follows the leader of its term; becomes a candidate when it hears nothing.
    Follower,
    /// Asks for votes to become leader.
    Candidate,
    /// Accepts commands and replicates them.
    Leader,
}

/// The four messages of Raft (two RPCs and their replies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message<C> {
    /// A candidate asks for a vote.
    RequestVote {
        /// The candidate's term.
        term: u64,
        /// The index of the candidate's last entry.
        last_log_index: u64,
        /// The term of the candidate's last entry.
        last_log_term: u64,
    },
    /// The answer to `RequestVote`.
    Vote {
        /// The voter's term.
        term: u64,
        /// Whether the vote was granted.
        granted: bool,
    },
    /// A leader replicates entries (none: a heartbeat).
    AppendEntries {
        /// The leader's term.
        term: u64,
        /// The index of the entry just before `entries`.
        prev_log_index: u64,
        /// The term of that entry.
        prev_log_term: u64,
        /// The entries to store after `prev_log_index`.
        entries: Vec<Entry<C>>,
        /// The leader's commit index.
        leader_commit: u64,
    },
    /// The answer to `AppendEntries`.
    AppendReply {
        /// The follower's term.
        term: u64,
        /// Whether the entries were stored.
        success: bool,
        /// On success the index of the last entry stored; on failure the
        /// follower's last index, a hint for where to retry.
        match_index: u64,
    },
}

impl<C> Message<C> {
    /// The term the message carries.
    pub fn term(&self) -> u64 {
        match self {
            Self::RequestVote { term, .. }
            | Self::Vote { term, .. }
            | Self::AppendEntries { term, .. }
            | Self::AppendReply { term, .. } => *term,
        }
    }
}

/// The timers. The election timeout is drawn anew, uniformly from
/// `election_min..election_max`, every time it is reset, so that two nodes
/// rarely time out together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// The shortest election timeout.
    pub election_min: Duration,
    /// The longest election timeout (exclusive).
    pub election_max: Duration,
    /// How often a leader sends heartbeats.
    pub heartbeat: Duration,
}

impl Default for Timing {
    /// The paper's suggestion: 150-300 ms elections, heartbeats well below.
    fn default() -> Self {
        Self {
            election_min: Duration::from_millis(150),
            election_max: Duration::from_millis(300),
            heartbeat: Duration::from_millis(50),
        }
    }
}

/// A deliberately broken rule, to watch the safety checker catch it.
/// [`Bug::None`] is Raft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Bug {
    /// Correct Raft.
    #[default]
    None,
    /// Grants a vote even after voting for someone else in the same term.
    VoteTwice,
    /// Votes without checking that the candidate's log is up to date.
    IgnoreLogUpToDate,
    /// Commits an entry of an earlier term by counting replicas (Figure 8).
    CommitOldTermByCounting,
    /// Replaces everything after `prev_log_index` with the message's entries,
    /// so a delayed, shorter `AppendEntries` cuts entries already stored.
    TruncateOnAppend,
}

/// Messages to send: `(to, message)`.
pub type Outbox<C> = Vec<(NodeId, Message<C>)>;

/// At most this many entries go in one `AppendEntries`.
const MAX_BATCH: usize = 16;

/// One Raft node.
#[derive(Debug, Clone)]
pub struct Node<C> {
    id: NodeId,
    size: usize,
    // Persistent state (kept across restarts).
    term: u64,
    voted_for: Option<NodeId>,
    log: Vec<Entry<C>>,
    // Volatile state.
    role: Role,
    commit_index: u64,
    leader: Option<NodeId>,
    votes: Vec<bool>,
    next_index: Vec<u64>,
    match_index: Vec<u64>,
    election_deadline: Duration,
    heartbeat_due: Duration,
    timing: Timing,
    rng: SeededRng,
    bug: Bug,
}

impl<C: Clone> Node<C> {
    /// Node `id` of a cluster of `size`, started at `now`; `seed` draws its
    /// election timeouts.
    #[must_use]
    pub fn new(id: NodeId, size: usize, timing: Timing, seed: u64, now: Duration) -> Self {
        let mut node = Self {
            id,
            size,
            term: 0,
            voted_for: None,
            log: Vec::new(),
            role: Role::Follower,
            commit_index: 0,
            leader: None,
            votes: vec![false; size],
            next_index: vec![1; size],
            match_index: vec![0; size],
            election_deadline: now,
            heartbeat_due: now,
            timing,
            rng: SeededRng::new(seed),
            bug: Bug::None,
        };
        node.reset_election_timer(now);
        node
    }

    /// The same node with one rule broken.
    #[must_use]
    pub fn with_bug(mut self, bug: Bug) -> Self {
        self.bug = bug;
        self
    }

    /// This node's id.
    #[must_use]
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The current term.
    #[must_use]
    pub fn term(&self) -> u64 {
        self.term
    }

    /// Follower, candidate or leader.
    #[must_use]
    pub fn role(&self) -> Role {
        self.role
    }

    /// Whom this node voted for in the current term.
    #[must_use]
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }

    /// The leader this node last heard from in its term.
    #[must_use]
    pub fn leader(&self) -> Option<NodeId> {
        if self.role == Role::Leader {
            Some(self.id)
        } else {
            self.leader
        }
    }

    /// The log; entry `i` has index `i + 1`.
    #[must_use]
    pub fn log(&self) -> &[Entry<C>] {
        &self.log
    }

    /// The highest index known to be committed.
    #[must_use]
    pub fn commit_index(&self) -> u64 {
        self.commit_index
    }

    /// The committed entries, the ones a state machine may apply.
    #[must_use]
    pub fn committed(&self) -> &[Entry<C>] {
        // Never past the log, even on a broken node that cut committed entries.
        &self.log[..(self.commit_index as usize).min(self.log.len())]
    }

    /// When this node next needs [`tick`](Self::tick).
    #[must_use]
    pub fn next_deadline(&self) -> Duration {
        if self.role == Role::Leader {
            self.heartbeat_due
        } else {
            self.election_deadline
        }
    }

    fn last_index(&self) -> u64 {
        self.log.len() as u64
    }

    fn term_at(&self, index: u64) -> u64 {
        if index == 0 {
            0
        } else {
            self.log[index as usize - 1].term
        }
    }

    fn majority(&self) -> usize {
        self.size / 2 + 1
    }

    fn reset_election_timer(&mut self, now: Duration) {
        let span = (self.timing.election_max - self.timing.election_min).as_micros() as u64;
        let jitter = Duration::from_micros(self.rng.below(span.max(1)));
        self.election_deadline = now + self.timing.election_min + jitter;
    }

    /// A crash and restart: the persistent state (term, vote, log) survives,
    /// everything else starts over.
    pub fn restart(&mut self, now: Duration) {
        self.role = Role::Follower;
        self.commit_index = 0;
        self.leader = None;
        self.votes = vec![false; self.size];
        self.reset_election_timer(now);
    }

    /// A client command. A leader appends it and returns its index; any other
    /// node returns `None` (the client should ask [`leader`](Self::leader)).
    pub fn propose(&mut self, command: C) -> Option<u64> {
        if self.role != Role::Leader {
            return None;
        }
        self.log.push(Entry {
            term: self.term,
            command,
        });
        self.match_index[self.id] = self.last_index();
        self.advance_commit();
        Some(self.last_index())
    }

    /// Fires the timers due at `now`: a leader's heartbeat, or an election.
    pub fn tick(&mut self, now: Duration) -> Outbox<C> {
        match self.role {
            Role::Leader if now >= self.heartbeat_due => {
                self.heartbeat_due = now + self.timing.heartbeat;
                (0..self.size)
                    .filter(|&peer| peer != self.id)
                    .map(|peer| (peer, self.append_for(peer)))
                    .collect()
            }
            Role::Follower | Role::Candidate if now >= self.election_deadline => {
                self.start_election(now)
            }
            _ => Vec::new(),
        }
    }

    // ANCHOR: election
    // ANCHOR: solution
    fn start_election(&mut self, now: Duration) -> Outbox<C> {
        self.term += 1;
        self.role = Role::Candidate;
        self.voted_for = Some(self.id);
        self.leader = None;
        self.votes = vec![false; self.size];
        self.votes[self.id] = true;
        self.reset_election_timer(now);
        if self.majority() == 1 {
            self.become_leader(now);
            return Vec::new();
        }
        let request = Message::RequestVote {
            term: self.term,
            last_log_index: self.last_index(),
            last_log_term: self.term_at(self.last_index()),
        };
        (0..self.size)
            .filter(|&peer| peer != self.id)
            .map(|peer| (peer, request.clone()))
            .collect()
    }

    fn grant_vote(&self, candidate: NodeId, last_log_index: u64, last_log_term: u64) -> bool {
        let free = match self.voted_for {
            None => true,
            Some(v) => v == candidate || self.bug == Bug::VoteTwice,
        };
        // §5.4.1: the candidate's log must be at least as up to date as ours.
        let ours = (self.term_at(self.last_index()), self.last_index());
        let up_to_date = (last_log_term, last_log_index) >= ours;
        free && (up_to_date || self.bug == Bug::IgnoreLogUpToDate)
    }

    fn become_leader(&mut self, now: Duration) {
        self.role = Role::Leader;
        self.leader = Some(self.id);
        self.next_index = vec![self.last_index() + 1; self.size];
        self.match_index = vec![0; self.size];
        self.match_index[self.id] = self.last_index();
        self.heartbeat_due = now;
    }
    // ANCHOR_END: solution
    // ANCHOR_END: election

    fn append_for(&self, peer: NodeId) -> Message<C> {
        let prev = self.next_index[peer] - 1;
        let end = self.log.len().min(prev as usize + MAX_BATCH);
        Message::AppendEntries {
            term: self.term,
            prev_log_index: prev,
            prev_log_term: self.term_at(prev),
            entries: self.log[prev as usize..end].to_vec(),
            leader_commit: self.commit_index,
        }
    }

    /// Handles `message` from `from` at `now`.
    pub fn handle(&mut self, now: Duration, from: NodeId, message: Message<C>) -> Outbox<C> {
        // §5.1: a higher term makes anyone a follower of that term.
        if message.term() > self.term {
            if self.role != Role::Follower {
                // A deposed leader waits a full timeout before it runs again.
                self.reset_election_timer(now);
            }
            self.term = message.term();
            self.voted_for = None;
            self.role = Role::Follower;
            self.leader = None;
        }
        match message {
            Message::RequestVote {
                term,
                last_log_index,
                last_log_term,
            } => {
                let granted =
                    term == self.term && self.grant_vote(from, last_log_index, last_log_term);
                if granted {
                    self.voted_for = Some(from);
                    self.reset_election_timer(now);
                }
                vec![(
                    from,
                    Message::Vote {
                        term: self.term,
                        granted,
                    },
                )]
            }
            Message::Vote { term, granted } => {
                if self.role == Role::Candidate && term == self.term && granted {
                    self.votes[from] = true;
                    if self.votes.iter().filter(|&&v| v).count() >= self.majority() {
                        self.become_leader(now);
                        return self.tick(now);
                    }
                }
                Vec::new()
            }
            Message::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
            } => {
                let reply = self.accept_entries(
                    now,
                    from,
                    term,
                    prev_log_index,
                    prev_log_term,
                    entries,
                    leader_commit,
                );
                vec![(from, reply)]
            }
            Message::AppendReply {
                term,
                success,
                match_index,
            } => {
                if self.role != Role::Leader || term != self.term {
                    return Vec::new();
                }
                if success {
                    self.match_index[from] = self.match_index[from].max(match_index);
                    self.next_index[from] = self.next_index[from].max(match_index + 1);
                    self.advance_commit();
                    Vec::new()
                } else {
                    // Back up, using the follower's hint, but never behind
                    // what it is known to store.
                    let retry = (self.next_index[from] - 1).min(match_index + 1);
                    self.next_index[from] = retry.max(self.match_index[from] + 1).max(1);
                    vec![(from, self.append_for(from))]
                }
            }
        }
    }

    // ANCHOR: replicate
    // ANCHOR: solution
    #[allow(clippy::too_many_arguments)]
    fn accept_entries(
        &mut self,
        now: Duration,
        from: NodeId,
        term: u64,
        prev_log_index: u64,
        prev_log_term: u64,
        entries: Vec<Entry<C>>,
        leader_commit: u64,
    ) -> Message<C> {
        let refuse = |node: &Self| Message::AppendReply {
            term: node.term,
            success: false,
            match_index: node.last_index(),
        };
        if term < self.term {
            return refuse(self);
        }
        // The leader of our term: follow it and hold off elections.
        self.role = Role::Follower;
        self.leader = Some(from);
        self.reset_election_timer(now);
        if prev_log_index > self.last_index() || self.term_at(prev_log_index) != prev_log_term {
            return refuse(self);
        }
        let last_new = prev_log_index + entries.len() as u64;
        if self.bug == Bug::TruncateOnAppend {
            self.log.truncate(prev_log_index as usize);
        }
        for (offset, entry) in entries.into_iter().enumerate() {
            let index = prev_log_index + 1 + offset as u64;
            if index <= self.last_index() {
                if self.term_at(index) == entry.term {
                    continue; // already stored (a duplicate or reordered message)
                }
                // A conflict: delete it and everything after it (§5.3).
                self.log.truncate(index as usize - 1);
            }
            self.log.push(entry);
        }
        // Entries up to `last_new` now match the leader's log.
        self.commit_index = self.commit_index.max(leader_commit.min(last_new));
        Message::AppendReply {
            term: self.term,
            success: true,
            match_index: last_new,
        }
    }

    fn advance_commit(&mut self) {
        for index in (self.commit_index + 1..=self.last_index()).rev() {
            // Figure 8: counting replicas commits only entries of this term.
            if self.term_at(index) != self.term && self.bug != Bug::CommitOldTermByCounting {
                break;
            }
            let stored = self.match_index.iter().filter(|&&m| m >= index).count();
            if stored >= self.majority() {
                self.commit_index = index;
                break;
            }
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: replicate
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    /// Delivers every message at once, in order, until the cluster is quiet.
    fn deliver_all(
        nodes: &mut [Node<u32>],
        mut outbox: Vec<(NodeId, NodeId, Message<u32>)>,
        now: Duration,
    ) {
        while let Some((from, to, message)) = (!outbox.is_empty()).then(|| outbox.remove(0)) {
            for (next, reply) in nodes[to].handle(now, from, message) {
                outbox.push((to, next, reply));
            }
        }
    }

    fn cluster(size: usize) -> Vec<Node<u32>> {
        (0..size)
            .map(|id| Node::new(id, size, Timing::default(), id as u64, Duration::ZERO))
            .collect()
    }

    #[test]
    fn the_first_node_to_time_out_wins_the_election_and_replicates() {
        let mut nodes = cluster(3);
        let first = (0..3).min_by_key(|&i| nodes[i].next_deadline()).unwrap();
        let now = nodes[first].next_deadline();
        let requests = nodes[first].tick(now);
        assert_eq!(requests.len(), 2);
        deliver_all(
            &mut nodes,
            requests.into_iter().map(|(to, m)| (first, to, m)).collect(),
            now,
        );
        assert_eq!(nodes[first].role(), Role::Leader);
        assert_eq!(nodes[first].term(), 1);

        let index = nodes[first].propose(42).unwrap();
        assert_eq!(nodes[first].commit_index(), 0, "one copy is not a majority");
        let now = now + 50 * MS;
        let beats = nodes[first].tick(now);
        deliver_all(
            &mut nodes,
            beats.into_iter().map(|(to, m)| (first, to, m)).collect(),
            now,
        );
        assert_eq!(nodes[first].commit_index(), index);
        // Followers learn the commit index with the next heartbeat.
        let now = now + 50 * MS;
        let beats = nodes[first].tick(now);
        deliver_all(
            &mut nodes,
            beats.into_iter().map(|(to, m)| (first, to, m)).collect(),
            now,
        );
        assert!(nodes.iter().all(|n| n.committed()
            == [Entry {
                term: 1,
                command: 42
            }]));
    }

    #[test]
    fn a_vote_is_given_once_per_term_and_only_to_an_up_to_date_log() {
        let mut voter: Node<u32> = Node::new(0, 3, Timing::default(), 1, Duration::ZERO);
        let ask = |term, last_log_index, last_log_term| Message::RequestVote {
            term,
            last_log_index,
            last_log_term,
        };
        let granted = |out: Outbox<u32>| matches!(out[0].1, Message::Vote { granted: true, .. });
        assert!(granted(voter.handle(Duration::ZERO, 1, ask(1, 0, 0))));
        assert!(
            !granted(voter.handle(Duration::ZERO, 2, ask(1, 0, 0))),
            "already voted in term 1"
        );
        assert!(
            granted(voter.handle(Duration::ZERO, 1, ask(1, 0, 0))),
            "a repeated request"
        );
        // The broken voter grants the second vote.
        let mut twice: Node<u32> =
            Node::new(0, 3, Timing::default(), 1, Duration::ZERO).with_bug(Bug::VoteTwice);
        assert!(granted(twice.handle(Duration::ZERO, 1, ask(1, 0, 0))));
        assert!(granted(twice.handle(Duration::ZERO, 2, ask(1, 0, 0))));

        // A voter whose log ends in term 2 refuses a candidate whose log ends in term 1.
        voter.handle(
            Duration::ZERO,
            1,
            Message::AppendEntries {
                term: 2,
                prev_log_index: 0,
                prev_log_term: 0,
                entries: vec![Entry {
                    term: 2,
                    command: 7,
                }],
                leader_commit: 0,
            },
        );
        assert!(!granted(voter.handle(Duration::ZERO, 2, ask(3, 5, 1))));
        assert!(granted(voter.handle(Duration::ZERO, 2, ask(4, 1, 2))));
    }

    #[test]
    fn a_follower_deletes_a_conflicting_suffix_but_not_on_a_stale_duplicate() {
        let mut follower: Node<u32> = Node::new(1, 3, Timing::default(), 1, Duration::ZERO);
        let append = |term, prev_log_index, prev_log_term, entries: Vec<(u64, u32)>| {
            Message::AppendEntries {
                term,
                prev_log_index,
                prev_log_term,
                entries: entries
                    .into_iter()
                    .map(|(term, command)| Entry { term, command })
                    .collect(),
                leader_commit: 0,
            }
        };
        follower.handle(
            Duration::ZERO,
            0,
            append(1, 0, 0, vec![(1, 10), (1, 11), (1, 12)]),
        );
        assert_eq!(follower.log().len(), 3);
        // A delayed copy of an earlier, shorter message must not cut the log.
        follower.handle(Duration::ZERO, 0, append(1, 0, 0, vec![(1, 10)]));
        assert_eq!(follower.log().len(), 3);
        // A new leader of term 2 overwrites from index 2.
        follower.handle(Duration::ZERO, 2, append(2, 1, 1, vec![(2, 20)]));
        let terms: Vec<u64> = follower.log().iter().map(|e| e.term).collect();
        assert_eq!(terms, [1, 2]);
        // A gap is refused with a hint.
        let out = follower.handle(Duration::ZERO, 2, append(2, 5, 2, vec![(2, 21)]));
        assert_eq!(
            out[0].1,
            Message::AppendReply {
                term: 2,
                success: false,
                match_index: 2
            }
        );
    }
}
