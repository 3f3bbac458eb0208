//! An in-process event bus with partitions, consumer groups and
//! acknowledgements: the delivery model of Kafka and SQS in miniature.
//!
//! - A **topic** (`order-status`) is split into **partitions**. A message's
//!   key (the order ID) picks its partition by a stable hash, so all events
//!   of one order land in one partition, in the order they were published.
//! - Each **consumer group** (`push-notifications`, `analytics`) gets every
//!   message of the topic once per group, independently of the other groups.
//!   Members of a group share the work.
//! - Delivery is **at least once**. A delivered message is *in flight* until
//!   the consumer **acknowledges** it. If no acknowledgement arrives within the
//!   **visibility timeout** (the consumer crashed, or was too slow), the
//!   message is delivered again. Consumers must therefore be idempotent.
//! - To keep per-key order, a group has at most one message in flight per
//!   partition: the next message of a partition is not handed out until the
//!   previous one is acknowledged (as a Kafka partition is read by one member
//!   of a group, or an SQS FIFO message group). Parallelism comes from the
//!   number of partitions.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::event_bus::EventBus;
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let mut bus = EventBus::new(clock.clone(), Duration::from_secs(30));
//! bus.create_topic("order-status", 4);
//! bus.subscribe("order-status", "push").unwrap();
//! bus.subscribe("order-status", "email").unwrap();
//! bus.publish("order-status", "order-7", "paid").unwrap();
//! bus.publish("order-status", "order-7", "ready").unwrap();
//!
//! // Each group sees the order's first event; the second waits for an ack.
//! let push = bus.poll("order-status", "push", 10);
//! assert_eq!(push.len(), 1);
//! assert_eq!(push[0].payload, "paid");
//! assert_eq!(bus.poll("order-status", "email", 10)[0].payload, "paid");
//!
//! bus.ack(&push[0]).unwrap();
//! assert_eq!(bus.poll("order-status", "push", 10)[0].payload, "ready");
//!
//! // The email consumer never acknowledged: after 30 s it gets "paid" again.
//! clock.advance(Duration::from_secs(30));
//! let again = bus.poll("order-status", "email", 10);
//! assert_eq!((again[0].payload, again[0].attempt), ("paid", 2));
//! ```

use crate::clock::Clock;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// A message as a consumer receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery<T> {
    /// The topic it was published to.
    pub topic: String,
    /// The consumer group it was delivered to.
    pub group: String,
    /// Its partition.
    pub partition: usize,
    /// Its position in the partition, from 0.
    pub offset: u64,
    /// The key it was published with.
    pub key: String,
    /// What was published.
    pub payload: T,
    /// 1 on first delivery to this group, 2 on the first redelivery, ...
    pub attempt: u32,
}

/// Why a publish, subscribe or ack failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusError {
    /// No topic of that name exists.
    UnknownTopic(String),
    /// The group does not subscribe to the topic.
    UnknownGroup(String),
    /// The message is not in flight for that group: already acknowledged.
    NotInFlight,
}

impl fmt::Display for BusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownTopic(t) => write!(f, "no topic named {t}"),
            Self::UnknownGroup(g) => write!(f, "no consumer group named {g} on this topic"),
            Self::NotInFlight => f.write_str("message is not in flight (already acknowledged)"),
        }
    }
}

impl std::error::Error for BusError {}

#[derive(Debug, Clone)]
struct Message<T> {
    key: String,
    payload: T,
}

/// A group's position in one partition.
#[derive(Debug, Clone, Default)]
struct Cursor {
    /// The first offset not yet acknowledged.
    next: u64,
    /// The message at `next`, if delivered: (visible again at, attempts).
    in_flight: Option<(Duration, u32)>,
}

#[derive(Debug, Clone)]
struct Topic<T> {
    partitions: Vec<Vec<Message<T>>>,
    groups: BTreeMap<String, Vec<Cursor>>,
}

/// The bus: topics, their partitions and their consumer groups' cursors.
#[derive(Debug)]
pub struct EventBus<T, C> {
    clock: C,
    visibility_timeout: Duration,
    topics: BTreeMap<String, Topic<T>>,
}

// ANCHOR: solution
/// The partition of `key` among `partitions`: FNV-1a, stable across runs
/// and platforms (unlike std's randomly seeded hasher).
#[must_use]
pub fn partition_for(key: &str, partitions: usize) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash % partitions as u64) as usize
}
// ANCHOR_END: solution

impl<T: Clone, C: Clock> EventBus<T, C> {
    /// A bus on which unacknowledged messages become visible again after
    /// `visibility_timeout`.
    #[must_use]
    pub fn new(clock: C, visibility_timeout: Duration) -> Self {
        Self {
            clock,
            visibility_timeout,
            topics: BTreeMap::new(),
        }
    }

    /// Creates `name` with `partitions` partitions (at least one); does
    /// nothing if it exists.
    pub fn create_topic(&mut self, name: &str, partitions: usize) {
        self.topics.entry(name.to_owned()).or_insert_with(|| Topic {
            partitions: vec![Vec::new(); partitions.max(1)],
            groups: BTreeMap::new(),
        });
    }

    /// Adds consumer group `group` to `topic`, reading from the earliest
    /// message. Subscribing again changes nothing.
    ///
    /// # Errors
    ///
    /// [`BusError::UnknownTopic`].
    pub fn subscribe(&mut self, topic: &str, group: &str) -> Result<(), BusError> {
        let t = self.topic_mut(topic)?;
        let partitions = t.partitions.len();
        t.groups
            .entry(group.to_owned())
            .or_insert_with(|| vec![Cursor::default(); partitions]);
        Ok(())
    }

    // ANCHOR: publish
    // ANCHOR: solution
    /// Appends `payload` to the partition of `key`; returns the partition
    /// and the message's offset in it.
    ///
    /// # Errors
    ///
    /// [`BusError::UnknownTopic`].
    pub fn publish(
        &mut self,
        topic: &str,
        key: &str,
        payload: T,
    ) -> Result<(usize, u64), BusError> {
        let t = self.topic_mut(topic)?;
        let partition = partition_for(key, t.partitions.len());
        let log = &mut t.partitions[partition];
        log.push(Message {
            key: key.to_owned(),
            payload,
        });
        Ok((partition, log.len() as u64 - 1))
    }
    // ANCHOR_END: solution
    // ANCHOR_END: publish

    // ANCHOR: poll
    // ANCHOR: solution
    /// Up to `max` messages for `group`: per partition, the message after the
    /// last acknowledged one, if it is not in flight or its visibility
    /// timeout has passed. Unknown topics or groups get nothing.
    pub fn poll(&mut self, topic: &str, group: &str, max: usize) -> Vec<Delivery<T>> {
        let now = self.clock.now();
        let visible_again_at = now + self.visibility_timeout;
        let Some(t) = self.topics.get_mut(topic) else {
            return Vec::new();
        };
        let Some(cursors) = t.groups.get_mut(group) else {
            return Vec::new();
        };
        let mut batch = Vec::new();
        for (partition, cursor) in cursors.iter_mut().enumerate() {
            if batch.len() == max {
                break;
            }
            let Some(message) = t.partitions[partition].get(cursor.next as usize) else {
                continue; // nothing new in this partition
            };
            let attempt = match cursor.in_flight {
                Some((visible_at, _)) if visible_at > now => continue, // wait for its ack
                Some((_, attempts)) => attempts + 1,                   // timed out: redeliver
                None => 1,
            };
            cursor.in_flight = Some((visible_again_at, attempt));
            batch.push(Delivery {
                topic: topic.to_owned(),
                group: group.to_owned(),
                partition,
                offset: cursor.next,
                key: message.key.clone(),
                payload: message.payload.clone(),
                attempt,
            });
        }
        batch
    }
    // ANCHOR_END: solution
    // ANCHOR_END: poll

    // ANCHOR: ack
    // ANCHOR: solution

    /// Acknowledges `delivery`: its group moves past it in its partition.
    ///
    /// # Errors
    ///
    /// [`BusError::NotInFlight`] if it was already acknowledged; unknown
    /// topic or group errors otherwise.
    pub fn ack(&mut self, delivery: &Delivery<T>) -> Result<(), BusError> {
        let cursor = self.cursor_mut(delivery)?;
        if cursor.next != delivery.offset || cursor.in_flight.is_none() {
            return Err(BusError::NotInFlight);
        }
        cursor.next += 1;
        cursor.in_flight = None;
        Ok(())
    }
    // ANCHOR_END: solution
    // ANCHOR_END: ack

    /// Gives `delivery` back without processing it: it is visible again at
    /// once, for a retry.
    ///
    /// # Errors
    ///
    /// As for [`ack`](Self::ack).
    pub fn nack(&mut self, delivery: &Delivery<T>) -> Result<(), BusError> {
        let now = self.clock.now();
        let cursor = self.cursor_mut(delivery)?;
        match &mut cursor.in_flight {
            Some((visible_at, _)) if cursor.next == delivery.offset => {
                *visible_at = now;
                Ok(())
            }
            _ => Err(BusError::NotInFlight),
        }
    }

    /// Messages `group` has not yet acknowledged on `topic` (its lag).
    #[must_use]
    pub fn lag(&self, topic: &str, group: &str) -> u64 {
        self.topics
            .get(topic)
            .and_then(|t| {
                let cursors = t.groups.get(group)?;
                Some(
                    t.partitions
                        .iter()
                        .zip(cursors)
                        .map(|(log, c)| log.len() as u64 - c.next)
                        .sum(),
                )
            })
            .unwrap_or(0)
    }

    fn topic_mut(&mut self, topic: &str) -> Result<&mut Topic<T>, BusError> {
        self.topics
            .get_mut(topic)
            .ok_or_else(|| BusError::UnknownTopic(topic.to_owned()))
    }

    fn cursor_mut(&mut self, delivery: &Delivery<T>) -> Result<&mut Cursor, BusError> {
        self.topic_mut(&delivery.topic)?
            .groups
            .get_mut(&delivery.group)
            .ok_or_else(|| BusError::UnknownGroup(delivery.group.clone()))?
            .get_mut(delivery.partition)
            .ok_or(BusError::NotInFlight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    const TIMEOUT: Duration = Duration::from_secs(30);

    /// FNV-1a 64 reference values from the algorithm's published test
    /// vectors (Fowler/Noll/Vo): "" → cbf29ce484222325, "a" → af63dc4c8601ec8c.
    #[test]
    fn partitioning_uses_fnv1a() {
        assert_eq!(
            partition_for("", usize::MAX),
            (0xcbf2_9ce4_8422_2325u64 % usize::MAX as u64) as usize
        );
        assert_eq!(
            partition_for("a", usize::MAX),
            (0xaf63_dc4c_8601_ec8cu64 % usize::MAX as u64) as usize
        );
        assert_eq!(partition_for("order-7", 8), partition_for("order-7", 8));
    }

    #[test]
    fn keys_spread_over_partitions() {
        let mut used = [0; 4];
        for n in 0..1000 {
            used[partition_for(&format!("order-{n}"), 4)] += 1;
        }
        assert!(used.iter().all(|&n| n > 200), "{used:?}");
    }

    #[test]
    fn a_nack_makes_the_message_visible_at_once() {
        let clock = ManualClock::new();
        let mut bus = EventBus::new(clock, TIMEOUT);
        bus.create_topic("t", 1);
        bus.subscribe("t", "g").unwrap();
        bus.publish("t", "k", 1).unwrap();
        let d = bus.poll("t", "g", 1).remove(0);
        assert!(bus.poll("t", "g", 1).is_empty());
        bus.nack(&d).unwrap();
        let again = bus.poll("t", "g", 1).remove(0);
        assert_eq!((again.offset, again.attempt), (0, 2));
        bus.ack(&again).unwrap();
        assert_eq!(bus.ack(&again), Err(BusError::NotInFlight));
        assert_eq!(bus.lag("t", "g"), 0);
    }

    #[test]
    fn groups_are_independent_and_partitions_deliver_in_parallel() {
        let mut bus = EventBus::new(ManualClock::new(), TIMEOUT);
        bus.create_topic("t", 8);
        bus.subscribe("t", "a").unwrap();
        for n in 0..8 {
            bus.publish("t", &format!("order-{n}"), n).unwrap();
        }
        bus.subscribe("t", "b").unwrap(); // late joiner still reads from the start
        let a = bus.poll("t", "a", 100);
        assert!(
            a.len() > 1,
            "distinct keys in distinct partitions go in parallel"
        );
        for d in &a {
            bus.ack(d).unwrap();
        }
        assert_eq!(bus.lag("t", "b"), 8);
        assert_eq!(
            bus.publish("nope", "k", 0),
            Err(BusError::UnknownTopic("nope".into()))
        );
    }

    #[derive(Debug, Clone)]
    enum Op {
        Publish(u8),
        Poll {
            group: usize,
            max: usize,
            ack_mask: u8,
        },
        Wait(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (0u8..6).prop_map(Op::Publish),
            4 => (0usize..2, 1usize..5, any::<u8>()).prop_map(|(group, max, ack_mask)| Op::Poll { group, max, ack_mask }),
            1 => (0u64..40).prop_map(Op::Wait),
        ]
    }

    proptest! {
        /// Whatever consumers acknowledge or drop, every group ends up seeing
        /// every message, and for each key the messages arrive in publication
        /// order (a redelivery repeats a message, it never jumps back).
        #[test]
        fn every_group_gets_every_message_in_key_order(
            partitions in 1usize..5,
            ops in proptest::collection::vec(op(), 1..200),
        ) {
            let clock = ManualClock::new();
            let mut bus = EventBus::new(clock.clone(), TIMEOUT);
            bus.create_topic("orders", partitions);
            let groups = ["push", "email"];
            for g in groups {
                bus.subscribe("orders", g).unwrap();
            }
            let mut published: Vec<(String, u32)> = Vec::new();
            let mut seen: [Vec<(String, u32)>; 2] = [Vec::new(), Vec::new()];
            let mut consume = |bus: &mut EventBus<u32, ManualClock>, g: usize, max: usize, mask: u8| {
                for (i, d) in bus.poll("orders", groups[g], max).into_iter().enumerate() {
                    seen[g].push((d.key.clone(), d.payload));
                    if mask & (1 << (i % 8)) != 0 {
                        bus.ack(&d).unwrap();
                    } // else: the consumer "crashed" before acknowledging
                }
            };
            for op in ops {
                match op {
                    Op::Publish(k) => {
                        let seq = published.len() as u32;
                        let key = format!("order-{k}");
                        bus.publish("orders", &key, seq).unwrap();
                        published.push((key, seq));
                    }
                    Op::Poll { group, max, ack_mask } => consume(&mut bus, group, max, ack_mask),
                    Op::Wait(s) => clock.advance(Duration::from_secs(s)),
                }
            }
            // Drain: healthy consumers that acknowledge everything.
            for _ in 0..=published.len() {
                clock.advance(TIMEOUT);
                for g in 0..2 {
                    consume(&mut bus, g, usize::MAX, u8::MAX);
                }
            }
            for (g, seen) in seen.iter().enumerate() {
                prop_assert_eq!(bus.lag("orders", groups[g]), 0);
                for (key, seq) in &published {
                    prop_assert!(seen.contains(&(key.clone(), *seq)), "{} missed {}", groups[g], seq);
                }
                let mut last: BTreeMap<&str, u32> = BTreeMap::new();
                for (key, seq) in seen {
                    let previous = last.insert(key, *seq);
                    prop_assert!(previous.is_none_or(|p| p <= *seq), "{key}: {previous:?} then {seq}");
                }
            }
        }
    }
}
