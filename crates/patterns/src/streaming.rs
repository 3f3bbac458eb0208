//! Streaming order status from the kitchen to customers over bounded
//! channels, with an explicit backpressure policy for when a reader is slow.
//!
//! When a barista starts a flat white, the kitchen service publishes a status
//! update and every customer watching that order gets it (a gRPC
//! server-streaming call in production). Some readers are slow: a phone in a
//! tunnel stops reading for a minute. An unbounded buffer would grow until
//! the server runs out of memory, so every stream has a bounded buffer, and
//! a policy says what happens when it is full:
//!
//! - [`Overflow::Block`]: the producer waits for room. Nothing is lost, but a
//!   slow reader slows the producer — right for an internal pipeline (kitchen
//!   to label printer), wrong for a customer's phone.
//! - [`Overflow::DropOldest`]: the oldest queued update is discarded. Right
//!   for status, where only the latest state matters.
//! - [`Overflow::Reject`]: the send fails and the producer decides (retry
//!   later, answer `RESOURCE_EXHAUSTED`).
//!
//! # Example
//!
//! ```
//! use coffee_patterns::streaming::{KitchenStatus, Overflow, StatusHub};
//!
//! let mut hub = StatusHub::new();
//! let phone = hub.subscribe(42, 2, Overflow::DropOldest);
//! for status in [KitchenStatus::Queued, KitchenStatus::Brewing, KitchenStatus::Ready] {
//!     hub.publish(42, status);
//! }
//! // The phone was not reading: it gets the two newest updates, not a backlog.
//! let seen: Vec<KitchenStatus> = phone.drain().into_iter().map(|u| u.status).collect();
//! assert_eq!(seen, [KitchenStatus::Brewing, KitchenStatus::Ready]);
//! assert_eq!(phone.stats().dropped, 1);
//! ```

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// What a send does when the channel is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// Wait until the receiver makes room.
    Block,
    /// Discard the oldest queued item to make room.
    DropOldest,
    /// Fail the send and give the item back.
    Reject,
}

/// Why a send failed; the item comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError<T> {
    /// The channel is full and its policy is [`Overflow::Reject`].
    Full(T),
    /// The receiver is gone.
    Disconnected(T),
}

/// How a successful send went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent<T> {
    /// Queued with room to spare.
    Queued,
    /// Queued after discarding this oldest item.
    DroppedOldest(T),
}

/// Counters of a channel's life.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChannelStats {
    /// Items queued.
    pub sent: u64,
    /// Items discarded by [`Overflow::DropOldest`].
    pub dropped: u64,
    /// Sends refused by [`Overflow::Reject`].
    pub rejected: u64,
    /// The most items ever queued at once.
    pub high_water: usize,
}

#[derive(Debug)]
struct State<T> {
    queue: VecDeque<T>,
    senders: usize,
    receiver_alive: bool,
    stats: ChannelStats,
}

#[derive(Debug)]
struct Shared<T> {
    capacity: usize,
    state: Mutex<State<T>>,
    not_empty: Condvar,
    not_full: Condvar,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The sending half of a bounded channel. Clones share the channel.
#[derive(Debug)]
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
    policy: Overflow,
}

/// The receiving half of a bounded channel.
#[derive(Debug)]
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

/// A channel holding at most `capacity` items, whose senders follow `policy`
/// when it is full.
///
/// # Panics
///
/// Panics if `capacity` is zero.
#[must_use]
pub fn channel<T>(capacity: usize, policy: Overflow) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "a bounded channel needs room for one item");
    let shared = Arc::new(Shared {
        capacity,
        state: Mutex::new(State {
            queue: VecDeque::with_capacity(capacity),
            senders: 1,
            receiver_alive: true,
            stats: ChannelStats::default(),
        }),
        not_empty: Condvar::new(),
        not_full: Condvar::new(),
    });
    (
        Sender {
            shared: Arc::clone(&shared),
            policy,
        },
        Receiver { shared },
    )
}

// ANCHOR: send
// ANCHOR: solution
impl<T> Sender<T> {
    /// Queues `item`, applying the channel's overflow policy when it is full.
    ///
    /// # Errors
    ///
    /// [`SendError::Full`] under [`Overflow::Reject`] when full;
    /// [`SendError::Disconnected`] once the receiver is dropped.
    pub fn send(&self, item: T) -> Result<Sent<T>, SendError<T>> {
        let mut state = self.shared.lock();
        let mut outcome = Sent::Queued;
        while state.receiver_alive && state.queue.len() == self.shared.capacity {
            match self.policy {
                Overflow::Block => {
                    state = self
                        .shared
                        .not_full
                        .wait(state)
                        .unwrap_or_else(|e| e.into_inner());
                }
                Overflow::DropOldest => {
                    let oldest = state.queue.pop_front().expect("a full queue has items");
                    state.stats.dropped += 1;
                    outcome = Sent::DroppedOldest(oldest);
                }
                Overflow::Reject => {
                    state.stats.rejected += 1;
                    return Err(SendError::Full(item));
                }
            }
        }
        if !state.receiver_alive {
            return Err(SendError::Disconnected(item));
        }
        state.queue.push_back(item);
        state.stats.sent += 1;
        state.stats.high_water = state.stats.high_water.max(state.queue.len());
        self.shared.not_empty.notify_one();
        Ok(outcome)
    }
}
// ANCHOR_END: solution
// ANCHOR_END: send

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.lock().senders += 1;
        Self {
            shared: Arc::clone(&self.shared),
            policy: self.policy,
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.shared.lock().senders -= 1;
        self.shared.not_empty.notify_all();
    }
}

impl<T> Receiver<T> {
    /// The next item, waiting for one; `None` once the channel is empty and
    /// every sender is gone.
    pub fn recv(&self) -> Option<T> {
        let mut state = self.shared.lock();
        loop {
            if let Some(item) = state.queue.pop_front() {
                self.shared.not_full.notify_one();
                return Some(item);
            }
            if state.senders == 0 {
                return None;
            }
            state = self
                .shared
                .not_empty
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The next item if one is queued, without waiting.
    pub fn try_recv(&self) -> Option<T> {
        let item = self.shared.lock().queue.pop_front();
        if item.is_some() {
            self.shared.not_full.notify_one();
        }
        item
    }

    /// Every queued item, without waiting.
    pub fn drain(&self) -> Vec<T> {
        let items: Vec<T> = self.shared.lock().queue.drain(..).collect();
        self.shared.not_full.notify_all();
        items
    }

    /// The channel's counters so far.
    #[must_use]
    pub fn stats(&self) -> ChannelStats {
        self.shared.lock().stats
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.shared.lock().receiver_alive = false;
        self.shared.not_full.notify_all();
    }
}

/// Where an order is in the kitchen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KitchenStatus {
    /// Waiting for a barista.
    Queued,
    /// Being made.
    Brewing,
    /// On the counter.
    Ready,
    /// Collected by the customer.
    PickedUp,
}

/// One status update on one order's stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusUpdate {
    /// The order.
    pub order_id: u64,
    /// Its new status.
    pub status: KitchenStatus,
    /// Per-order sequence number, so a client can spot gaps and ignore
    /// stale updates after a reconnect.
    pub seq: u64,
}

/// What one publication did across an order's subscribers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Subscribers that got the update queued.
    pub delivered: usize,
    /// Subscribers whose oldest queued update was discarded to make room.
    pub dropped_oldest: usize,
    /// Subscribers that refused it (full, [`Overflow::Reject`]).
    pub rejected: usize,
    /// Subscribers found disconnected and removed.
    pub removed: usize,
}

/// Fans kitchen status updates out to each order's subscribers.
#[derive(Debug, Default)]
pub struct StatusHub {
    subscribers: BTreeMap<u64, Vec<Sender<StatusUpdate>>>,
    sequences: BTreeMap<u64, u64>,
}

// ANCHOR: hub
// ANCHOR: solution
impl StatusHub {
    /// Opens a stream of `order_id`'s updates with its own buffer and policy.
    pub fn subscribe(
        &mut self,
        order_id: u64,
        capacity: usize,
        policy: Overflow,
    ) -> Receiver<StatusUpdate> {
        let (sender, receiver) = channel(capacity, policy);
        self.subscribers.entry(order_id).or_default().push(sender);
        receiver
    }

    /// Sends `status` to every subscriber of `order_id`, dropping the ones
    /// that went away. Never blocks unless a subscriber chose `Block`.
    pub fn publish(&mut self, order_id: u64, status: KitchenStatus) -> Delivery {
        let seq = self.sequences.entry(order_id).or_insert(0);
        *seq += 1;
        let update = StatusUpdate {
            order_id,
            status,
            seq: *seq,
        };
        let mut report = Delivery::default();
        let senders = self.subscribers.entry(order_id).or_default();
        senders.retain(|sender| match sender.send(update) {
            Ok(Sent::Queued) => {
                report.delivered += 1;
                true
            }
            Ok(Sent::DroppedOldest(_)) => {
                report.delivered += 1;
                report.dropped_oldest += 1;
                true
            }
            Err(SendError::Full(_)) => {
                report.rejected += 1;
                true
            }
            Err(SendError::Disconnected(_)) => {
                report.removed += 1;
                false
            }
        });
        report
    }
    // ANCHOR_END: solution
    // ANCHOR_END: hub

    /// An empty hub.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many streams are open for `order_id`.
    #[must_use]
    pub fn subscribers(&self, order_id: u64) -> usize {
        self.subscribers.get(&order_id).map_or(0, Vec::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::mpsc;
    use std::thread;

    #[test]
    fn blocking_sends_lose_nothing_and_stay_within_capacity() {
        let (sender, receiver) = channel(2, Overflow::Block);
        let producer = thread::spawn(move || {
            for n in 0..200 {
                assert_eq!(sender.send(n), Ok(Sent::Queued));
            }
        });
        let received: Vec<i32> = std::iter::from_fn(|| receiver.recv()).collect();
        producer.join().unwrap();
        assert_eq!(received, (0..200).collect::<Vec<_>>());
        let stats = receiver.stats();
        assert_eq!((stats.sent, stats.dropped, stats.rejected), (200, 0, 0));
        assert!(stats.high_water <= 2);
    }

    #[test]
    fn a_blocked_sender_is_released_when_the_receiver_leaves() {
        let (sender, receiver) = channel(1, Overflow::Block);
        sender.send(1).unwrap();
        let blocked = thread::spawn(move || sender.send(2));
        drop(receiver);
        assert_eq!(blocked.join().unwrap(), Err(SendError::Disconnected(2)));
    }

    #[test]
    fn reject_gives_the_item_back() {
        let (sender, receiver) = channel(1, Overflow::Reject);
        assert_eq!(sender.send("queued"), Ok(Sent::Queued));
        assert_eq!(sender.send("brewing"), Err(SendError::Full("brewing")));
        assert_eq!(receiver.try_recv(), Some("queued"));
        assert_eq!(sender.send("brewing"), Ok(Sent::Queued));
        assert_eq!(receiver.stats().rejected, 1);
    }

    #[test]
    fn the_hub_numbers_updates_and_forgets_closed_streams() {
        let mut hub = StatusHub::new();
        let phone = hub.subscribe(7, 8, Overflow::DropOldest);
        let watch = hub.subscribe(7, 8, Overflow::DropOldest);
        assert_eq!(hub.publish(7, KitchenStatus::Brewing).delivered, 2);
        drop(watch);
        let report = hub.publish(7, KitchenStatus::Ready);
        assert_eq!((report.delivered, report.removed), (1, 1));
        assert_eq!(hub.subscribers(7), 1);
        let seqs: Vec<u64> = phone.drain().iter().map(|u| u.seq).collect();
        assert_eq!(seqs, [1, 2]);
        assert_eq!(hub.publish(8, KitchenStatus::Queued), Delivery::default());
    }

    #[derive(Debug, Clone, Copy)]
    enum Op {
        Send(u8),
        Recv,
    }

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        proptest::collection::vec(
            prop_oneof![any::<u8>().prop_map(Op::Send), Just(Op::Recv)],
            0..100,
        )
    }

    proptest! {
        /// With `Reject`, our channel answers exactly like the standard
        /// library's `sync_channel` with `try_send`.
        #[test]
        fn reject_behaves_like_std_sync_channel(capacity in 1usize..5, ops in ops()) {
            let (ours, our_rx) = channel(capacity, Overflow::Reject);
            let (std_tx, std_rx) = mpsc::sync_channel(capacity);
            for op in ops {
                match op {
                    Op::Send(n) => {
                        let accepted = ours.send(n).is_ok();
                        let std_accepted = match std_tx.try_send(n) {
                            Ok(()) => true,
                            Err(mpsc::TrySendError::Full(_)) => false,
                            Err(e) => panic!("{e}"),
                        };
                        prop_assert_eq!(accepted, std_accepted);
                    }
                    Op::Recv => prop_assert_eq!(our_rx.try_recv(), std_rx.try_recv().ok()),
                }
            }
        }

        /// With `DropOldest`, the receiver sees the model's queue: the newest
        /// `capacity` items in order, and `dropped` counts the rest.
        #[test]
        fn drop_oldest_keeps_the_newest(capacity in 1usize..5, ops in ops()) {
            let (sender, receiver) = channel(capacity, Overflow::DropOldest);
            let mut model = VecDeque::new();
            let mut dropped = 0;
            for op in ops {
                match op {
                    Op::Send(n) => {
                        if model.len() == capacity {
                            model.pop_front();
                            dropped += 1;
                        }
                        model.push_back(n);
                        sender.send(n).unwrap();
                    }
                    Op::Recv => prop_assert_eq!(receiver.try_recv(), model.pop_front()),
                }
            }
            prop_assert_eq!(receiver.stats().dropped, dropped);
            prop_assert_eq!(receiver.drain(), Vec::from(model));
        }
    }
}
