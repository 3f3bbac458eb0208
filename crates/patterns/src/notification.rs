//! Push notifications from an at-least-once event stream: what a consumer
//! crash really does, and what the phone must do about duplicates.
//!
//! The push consumer reads order events from the bus
//! ([`crate::event_bus`]), sends a push, then acknowledges. Delivery is at
//! least once, so it skips events it has already handled, by
//! `(order, version)`. Where that memory lives decides what a crash does:
//!
//! - kept **in memory**, it dies with the process. [`PushConsumer::handle`]
//!   takes the consumer by value and a crash does not give it back, so the
//!   restarted consumer starts with nothing, and the redelivered event is
//!   pushed a second time;
//! - **persisted** ([`HandledLog`], a table in the consumer's own store), it
//!   survives, but sending the push and writing the log are two steps on two
//!   systems. Crash between them and the push has gone out with no record of
//!   it: pushed twice again. Writing the record *before* sending turns that
//!   into a lost push instead. No order of the two steps removes the window.
//!
//! So exactly-once is not on offer to a phone. Kafka's transactions give
//! exactly-once *inside Kafka*: a read-process-write job commits its output
//! messages and its consumer offsets atomically. A push leaves Kafka, and the
//! crash window between the push and the commit stays. The duplicates are
//! made harmless where they land instead:
//!
//! - every push carries a **collapse key** (APNs `apns-collapse-id`, FCM
//!   `collapse_key`, here the order ID): the phone's tray keeps one
//!   notification per key, and a repeat replaces its twin instead of
//!   stacking a second banner;
//! - the app **displays idempotently**: it keeps, per order, the status with
//!   the highest version, so a repeat or a late older push changes nothing.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::notification::{Crash, HandledLog, Phone, PushConsumer};
//!
//! let mut phone = Phone::default();
//! let mut log = HandledLog::default();
//! let consumer = PushConsumer::in_memory();
//! let consumer = consumer.handle("order-9", 1, "paid", &mut phone, &mut log, None).unwrap();
//! // Crash after the push, before the ack: the in-memory set is gone.
//! let crashed = consumer.handle("order-9", 2, "brewing", &mut phone, &mut log, Some(Crash::BeforeAck));
//! assert!(crashed.is_err());
//! // The restarted consumer gets event 2 again and pushes it again.
//! let restarted = PushConsumer::in_memory();
//! restarted.handle("order-9", 2, "brewing", &mut phone, &mut log, None).unwrap();
//!
//! assert_eq!(phone.received(), 3); // one duplicate push
//! assert_eq!(phone.tray().len(), 1); // collapsed by order
//! assert_eq!(phone.status("order-9"), Some((2, "brewing")));
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The `(order, version)` pairs a consumer has handled, kept in a store that
/// survives the consumer: what a restarted consumer recovers from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandledLog {
    entries: BTreeSet<(String, u64)>,
}

impl HandledLog {
    /// Whether `(order, version)` was recorded.
    #[must_use]
    pub fn contains(&self, order: &str, version: u64) -> bool {
        self.entries.contains(&(order.to_owned(), version))
    }

    /// How many events are recorded.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Where a consumer crashes while handling one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crash {
    /// After the push went out, before the handled record was written.
    AfterSend,
    /// After the push and the record, before the acknowledgement.
    BeforeAck,
}

/// The consumer died; its in-memory state died with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crashed(pub Crash);

impl fmt::Display for Crashed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the push consumer crashed ({:?})", self.0)
    }
}

impl std::error::Error for Crashed {}

// ANCHOR: consumer
// ANCHOR: solution
/// A push consumer: skips events it has handled, pushes the others.
#[derive(Debug)]
pub struct PushConsumer {
    handled: BTreeSet<(String, u64)>,
    persists: bool,
}

impl PushConsumer {
    /// A consumer that remembers handled events in memory only: a crash
    /// forgets them.
    #[must_use]
    pub fn in_memory() -> Self {
        Self {
            handled: BTreeSet::new(),
            persists: false,
        }
    }

    /// A consumer that records handled events in `log` and, after a crash,
    /// starts again from what `log` holds.
    #[must_use]
    pub fn recover(log: &HandledLog) -> Self {
        Self {
            handled: log.entries.clone(),
            persists: true,
        }
    }

    /// Handles version `version` of `order`: pushes `status` (collapse key:
    /// the order) unless already handled, records it, and returns the
    /// consumer so the caller can acknowledge. A `crash` consumes the
    /// consumer: whatever it held only in memory is gone.
    ///
    /// # Errors
    ///
    /// [`Crashed`] at the crash point; the event is not acknowledged and the
    /// bus will deliver it again.
    pub fn handle(
        mut self,
        order: &str,
        version: u64,
        status: &'static str,
        phone: &mut Phone,
        log: &mut HandledLog,
        crash: Option<Crash>,
    ) -> Result<Self, Crashed> {
        let key = (order.to_owned(), version);
        if self.handled.contains(&key) {
            return Ok(self); // a redelivery: already pushed
        }
        phone.receive(Push {
            collapse_key: order.to_owned(),
            version,
            status,
        });
        if crash == Some(Crash::AfterSend) {
            return Err(Crashed(Crash::AfterSend)); // `self` dropped: state lost
        }
        if self.persists {
            log.entries.insert(key.clone());
        }
        self.handled.insert(key);
        if crash == Some(Crash::BeforeAck) {
            return Err(Crashed(Crash::BeforeAck));
        }
        Ok(self)
    }
}
// ANCHOR_END: solution
// ANCHOR_END: consumer

/// One push notification as the phone receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Push {
    /// Pushes with the same key replace each other in the tray (the order).
    pub collapse_key: String,
    /// The order event's version.
    pub version: u64,
    /// What the notification says.
    pub status: &'static str,
}

// ANCHOR: phone
// ANCHOR: solution
/// A phone: the operating system's notification tray and the app's order
/// screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Phone {
    received: usize,
    tray: BTreeMap<String, Push>,
    screen: BTreeMap<String, (u64, &'static str)>,
}

impl Phone {
    /// Takes a push: the tray keeps one notification per collapse key (the
    /// newest arrival), and the app's screen keeps, per order, the status
    /// with the highest version, so repeats and stragglers change nothing.
    pub fn receive(&mut self, push: Push) {
        self.received += 1;
        let shown = self
            .screen
            .entry(push.collapse_key.clone())
            .or_insert((push.version, push.status));
        if push.version > shown.0 {
            *shown = (push.version, push.status);
        }
        self.tray.insert(push.collapse_key.clone(), push);
    }
    // ANCHOR_END: solution
    // ANCHOR_END: phone

    /// How many pushes arrived, duplicates included.
    #[must_use]
    pub fn received(&self) -> usize {
        self.received
    }

    /// The notifications in the tray, one per collapse key.
    #[must_use]
    pub fn tray(&self) -> Vec<&Push> {
        self.tray.values().collect()
    }

    /// The version and status the app shows for `order`.
    #[must_use]
    pub fn status(&self, order: &str) -> Option<(u64, &'static str)> {
        self.screen.get(order).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const LIFE: [&str; 4] = ["placed", "paid", "brewing", "ready"];

    /// Delivers the order's events at least once: an event whose handling
    /// crashed is delivered again to a restarted consumer. Returns the phone.
    fn run(persisted: bool, crashes: &[(u64, Crash)]) -> (Phone, HandledLog) {
        let (mut phone, mut log) = (Phone::default(), HandledLog::default());
        let start = |log: &HandledLog| {
            if persisted {
                PushConsumer::recover(log)
            } else {
                PushConsumer::in_memory()
            }
        };
        let mut consumer = start(&log);
        let mut pending: Vec<(u64, Option<Crash>)> = (1..=4).map(|v| (v, None)).collect();
        for &(version, crash) in crashes {
            pending[version as usize - 1].1 = Some(crash);
        }
        for (version, crash) in pending {
            let status = LIFE[version as usize - 1];
            match consumer.handle("order-9", version, status, &mut phone, &mut log, crash) {
                Ok(alive) => consumer = alive, // acknowledged
                Err(Crashed(_)) => {
                    // Restart, and the bus redelivers the unacknowledged event.
                    consumer = start(&log)
                        .handle("order-9", version, status, &mut phone, &mut log, None)
                        .expect("no second crash");
                }
            }
        }
        (phone, log)
    }

    #[test]
    fn an_in_memory_handled_set_dies_with_the_consumer() {
        let (phone, log) = run(false, &[(3, Crash::BeforeAck)]);
        assert_eq!(phone.received(), 5, "the restarted consumer pushed again");
        assert!(log.is_empty());
    }

    #[test]
    fn a_persisted_record_survives_a_crash_before_the_ack() {
        let (phone, log) = run(true, &[(3, Crash::BeforeAck)]);
        assert_eq!(phone.received(), 4);
        assert_eq!(log.len(), 4);
        assert!(log.contains("order-9", 3));
    }

    /// The window that no store closes: pushed, not yet recorded.
    #[test]
    fn a_crash_between_push_and_record_duplicates_even_when_persisted() {
        let (phone, _) = run(true, &[(2, Crash::AfterSend)]);
        assert_eq!(phone.received(), 5);
    }

    #[test]
    fn collapse_keys_and_versioned_display_absorb_duplicates() {
        let (phone, _) = run(false, &[(2, Crash::AfterSend), (4, Crash::BeforeAck)]);
        assert_eq!(phone.received(), 6);
        assert_eq!(phone.tray().len(), 1);
        assert_eq!(phone.tray()[0].status, "ready");
        assert_eq!(phone.status("order-9"), Some((4, "ready")));
    }

    #[test]
    fn a_late_older_push_does_not_move_the_screen_back() {
        let mut phone = Phone::default();
        for (version, status) in [(3, "brewing"), (2, "paid")] {
            phone.receive(Push {
                collapse_key: "order-1".into(),
                version,
                status,
            });
        }
        assert_eq!(phone.status("order-1"), Some((3, "brewing")));
    }

    fn crash() -> impl Strategy<Value = Option<Crash>> {
        prop_oneof![
            Just(None),
            Just(Some(Crash::AfterSend)),
            Just(Some(Crash::BeforeAck))
        ]
    }

    proptest! {
        /// Whatever crashes happen, every event reaches the phone at least
        /// once, the screen ends on the last status, and the tray holds one
        /// notification for the order.
        #[test]
        fn at_least_once_and_the_screen_ends_on_the_latest_status(
            persisted in any::<bool>(),
            crashes in proptest::collection::vec(crash(), 4),
        ) {
            let plan: Vec<(u64, Crash)> = crashes
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.map(|c| (i as u64 + 1, c)))
                .collect();
            let (phone, _) = run(persisted, &plan);
            prop_assert!(phone.received() >= 4);
            prop_assert_eq!(phone.status("order-9"), Some((4, "ready")));
            prop_assert_eq!(phone.tray().len(), 1);
        }
    }
}
