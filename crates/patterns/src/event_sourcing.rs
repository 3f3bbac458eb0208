//! Event sourcing for the order aggregate: store what happened, derive the
//! state.
//!
//! Instead of updating an `orders` row in place, the order service appends
//! **events** (`Placed`, `Paid`, `BrewingStarted`, `Ready`, `PickedUp`,
//! `Cancelled`) to the order's stream and never changes them. The current
//! state is a **fold** of the stream: start from nothing and
//! [`apply`](OrderState::apply) each event in turn. This gives a full audit
//! trail, lets new read models (a notification service, analytics) replay
//! history, and makes every state change a message other services can react
//! to.
//!
//! Three pieces keep it practical:
//!
//! - **Commands decide, events apply.** [`decide`] checks a command against
//!   the current state and returns the events it causes, or an error;
//!   `apply` never fails, because events are facts.
//! - **Optimistic concurrency.** [`EventStore::append`] takes the version the
//!   writer based its decision on; if another writer appended in between,
//!   the append is refused and the command is retried on fresh state.
//! - **Snapshots.** Every `snapshot_every` events the store saves the folded
//!   state, so loading replays only the events since the last snapshot.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::event_sourcing::{Command, EventStore, Status};
//!
//! let mut store = EventStore::new(2);
//! let place = Command::Place { customer: "ana".into(), items: vec!["latte".into()], total_cents: 450 };
//! store.execute("order-1", place).unwrap();
//! store.execute("order-1", Command::Pay { cents: 450 }).unwrap();
//! store.execute("order-1", Command::StartBrewing).unwrap();
//!
//! let order = store.load("order-1");
//! assert_eq!(order.status, Status::Brewing);
//! assert_eq!(order.version, 3);
//! assert_eq!(store.events_since_snapshot("order-1"), 1); // snapshot at 2
//!
//! // Picking up before it is ready is refused, and nothing is stored.
//! assert!(store.execute("order-1", Command::PickUp).is_err());
//! assert_eq!(store.events("order-1").len(), 3);
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// Something that happened to an order. Events are facts: never edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderEvent {
    /// The customer placed the order.
    Placed {
        /// Who ordered.
        customer: String,
        /// What was ordered.
        items: Vec<String>,
        /// The price, in cents.
        total_cents: u32,
    },
    /// The order was paid.
    Paid {
        /// Amount paid, in cents.
        cents: u32,
    },
    /// A barista started making it.
    BrewingStarted,
    /// It is on the counter.
    Ready,
    /// The customer took it.
    PickedUp,
    /// It was cancelled before brewing.
    Cancelled {
        /// Why.
        reason: String,
    },
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// No event yet.
    #[default]
    New,
    /// Placed, waiting for payment.
    Placed,
    /// Paid, waiting for a barista.
    Paid,
    /// Being made.
    Brewing,
    /// Waiting on the counter.
    Ready,
    /// Collected: done.
    PickedUp,
    /// Cancelled: done.
    Cancelled,
}

/// The order aggregate's state, derived from its events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrderState {
    /// Where the order stands.
    pub status: Status,
    /// Who ordered.
    pub customer: String,
    /// What was ordered.
    pub items: Vec<String>,
    /// The price, in cents.
    pub total_cents: u32,
    /// How much was paid, in cents.
    pub paid_cents: u32,
    /// How many events have been applied.
    pub version: u64,
}

// ANCHOR: apply
// ANCHOR: solution
impl OrderState {
    /// Applies one event. Never fails: the event already happened.
    pub fn apply(&mut self, event: &OrderEvent) {
        match event {
            OrderEvent::Placed {
                customer,
                items,
                total_cents,
            } => {
                self.status = Status::Placed;
                self.customer.clone_from(customer);
                self.items.clone_from(items);
                self.total_cents = *total_cents;
            }
            OrderEvent::Paid { cents } => {
                self.status = Status::Paid;
                self.paid_cents += cents;
            }
            OrderEvent::BrewingStarted => self.status = Status::Brewing,
            OrderEvent::Ready => self.status = Status::Ready,
            OrderEvent::PickedUp => self.status = Status::PickedUp,
            OrderEvent::Cancelled { .. } => self.status = Status::Cancelled,
        }
        self.version += 1;
    }

    /// The state after `events`, from nothing.
    #[must_use]
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a OrderEvent>) -> Self {
        let mut state = Self::default();
        for event in events {
            state.apply(event);
        }
        state
    }
}
// ANCHOR_END: solution
// ANCHOR_END: apply

/// What someone asks the order to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Place a new order.
    Place {
        /// Who orders.
        customer: String,
        /// What.
        items: Vec<String>,
        /// The price, in cents.
        total_cents: u32,
    },
    /// Pay for it.
    Pay {
        /// Amount, in cents; must be the total.
        cents: u32,
    },
    /// Start making it.
    StartBrewing,
    /// Put it on the counter.
    MarkReady,
    /// Hand it over.
    PickUp,
    /// Cancel it (only before brewing starts).
    Cancel {
        /// Why.
        reason: String,
    },
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandError {
    /// The command does not fit the order's status.
    NotAllowed {
        /// The status the order was in.
        status: Status,
    },
    /// A payment of the wrong amount.
    WrongAmount {
        /// The order's total.
        expected: u32,
        /// The amount offered.
        offered: u32,
    },
    /// Another writer appended first; reload and try again.
    Conflict(ConcurrencyError),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAllowed { status } => write!(f, "not allowed while the order is {status:?}"),
            Self::WrongAmount { expected, offered } => {
                write!(f, "payment of {offered} cents for a total of {expected}")
            }
            Self::Conflict(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for CommandError {}

// ANCHOR: decide
// ANCHOR: solution
/// The events `command` causes on an order in `state`, or why it is refused.
///
/// # Errors
///
/// [`CommandError::NotAllowed`] for a command that does not fit the status,
/// [`CommandError::WrongAmount`] for a payment that is not the total.
pub fn decide(state: &OrderState, command: Command) -> Result<Vec<OrderEvent>, CommandError> {
    use Status as S;
    let event = match (state.status, command) {
        (
            S::New,
            Command::Place {
                customer,
                items,
                total_cents,
            },
        ) => OrderEvent::Placed {
            customer,
            items,
            total_cents,
        },
        (S::Placed, Command::Pay { cents }) if cents != state.total_cents => {
            return Err(CommandError::WrongAmount {
                expected: state.total_cents,
                offered: cents,
            });
        }
        (S::Placed, Command::Pay { cents }) => OrderEvent::Paid { cents },
        (S::Paid, Command::StartBrewing) => OrderEvent::BrewingStarted,
        (S::Brewing, Command::MarkReady) => OrderEvent::Ready,
        (S::Ready, Command::PickUp) => OrderEvent::PickedUp,
        (S::Placed | S::Paid, Command::Cancel { reason }) => OrderEvent::Cancelled { reason },
        (status, _) => return Err(CommandError::NotAllowed { status }),
    };
    Ok(vec![event])
}
// ANCHOR_END: solution
// ANCHOR_END: decide

/// An append based on a stale version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConcurrencyError {
    /// The version the writer expected.
    pub expected: u64,
    /// The stream's actual version.
    pub actual: u64,
}

impl fmt::Display for ConcurrencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected version {} but the stream is at {}",
            self.expected, self.actual
        )
    }
}

impl std::error::Error for ConcurrencyError {}

/// Event streams per order, with snapshots.
#[derive(Debug, Clone)]
pub struct EventStore {
    streams: BTreeMap<String, Vec<OrderEvent>>,
    snapshots: BTreeMap<String, OrderState>,
    snapshot_every: u64,
}

impl EventStore {
    /// A store that snapshots each stream every `snapshot_every` events
    /// (0: never).
    #[must_use]
    pub fn new(snapshot_every: u64) -> Self {
        Self {
            streams: BTreeMap::new(),
            snapshots: BTreeMap::new(),
            snapshot_every,
        }
    }

    // ANCHOR: append
    // ANCHOR: solution
    /// Appends `events` to `stream` if its version is still
    /// `expected_version`; returns the new version.
    ///
    /// # Errors
    ///
    /// [`ConcurrencyError`] if another append happened since.
    pub fn append(
        &mut self,
        stream: &str,
        expected_version: u64,
        events: Vec<OrderEvent>,
    ) -> Result<u64, ConcurrencyError> {
        let log = self.streams.entry(stream.to_owned()).or_default();
        let actual = log.len() as u64;
        if actual != expected_version {
            return Err(ConcurrencyError {
                expected: expected_version,
                actual,
            });
        }
        log.extend(events);
        let version = log.len() as u64;
        let every = self.snapshot_every;
        if every > 0 && version / every > actual / every {
            let state = self.load(stream);
            self.snapshots.insert(stream.to_owned(), state);
        }
        Ok(version)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: append

    // ANCHOR: load

    /// The current state: the latest snapshot plus the events after it.
    #[must_use]
    pub fn load(&self, stream: &str) -> OrderState {
        let mut state = self.snapshots.get(stream).cloned().unwrap_or_default();
        let events = self.events(stream);
        for event in &events[state.version as usize..] {
            state.apply(event);
        }
        state
    }

    /// Loads, decides and appends: the whole command cycle.
    ///
    /// # Errors
    ///
    /// The [`decide`] errors, or [`CommandError::Conflict`].
    pub fn execute(&mut self, stream: &str, command: Command) -> Result<u64, CommandError> {
        let state = self.load(stream);
        let events = decide(&state, command)?;
        self.append(stream, state.version, events)
            .map_err(CommandError::Conflict)
    }
    // ANCHOR_END: load

    /// Every event of `stream`, oldest first.
    #[must_use]
    pub fn events(&self, stream: &str) -> &[OrderEvent] {
        self.streams.get(stream).map_or(&[], Vec::as_slice)
    }

    /// How many events a load replays after the snapshot.
    #[must_use]
    pub fn events_since_snapshot(&self, stream: &str) -> usize {
        let from = self.snapshots.get(stream).map_or(0, |s| s.version as usize);
        self.events(stream).len() - from
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn place(total_cents: u32) -> Command {
        Command::Place {
            customer: "ana".into(),
            items: vec!["cortado".into()],
            total_cents,
        }
    }

    #[test]
    fn the_happy_path_of_an_order() {
        let mut store = EventStore::new(0);
        for command in [
            place(300),
            Command::Pay { cents: 300 },
            Command::StartBrewing,
            Command::MarkReady,
            Command::PickUp,
        ] {
            store.execute("o", command).unwrap();
        }
        let state = store.load("o");
        assert_eq!(state.status, Status::PickedUp);
        assert_eq!(state.paid_cents, 300);
        assert_eq!(state.version, 5);
        assert_eq!(
            store.execute(
                "o",
                Command::Cancel {
                    reason: "late".into()
                }
            ),
            Err(CommandError::NotAllowed {
                status: Status::PickedUp
            })
        );
    }

    #[test]
    fn a_wrong_payment_is_refused() {
        let mut store = EventStore::new(0);
        store.execute("o", place(300)).unwrap();
        assert_eq!(
            store.execute("o", Command::Pay { cents: 299 }),
            Err(CommandError::WrongAmount {
                expected: 300,
                offered: 299
            })
        );
    }

    #[test]
    fn concurrent_writers_cannot_both_append() {
        let mut store = EventStore::new(0);
        store.execute("o", place(300)).unwrap();
        // Two baristas load version 1 and decide at the same time.
        let seen = store.load("o");
        let pay = decide(&seen, Command::Pay { cents: 300 }).unwrap();
        let cancel = decide(
            &seen,
            Command::Cancel {
                reason: "out of milk".into(),
            },
        )
        .unwrap();
        assert_eq!(store.append("o", seen.version, pay), Ok(2));
        assert_eq!(
            store.append("o", seen.version, cancel),
            Err(ConcurrencyError {
                expected: 1,
                actual: 2
            })
        );
    }

    #[test]
    fn snapshots_are_taken_every_n_events() {
        let mut store = EventStore::new(2);
        store.execute("o", place(300)).unwrap();
        assert_eq!(store.events_since_snapshot("o"), 1);
        store.execute("o", Command::Pay { cents: 300 }).unwrap();
        assert_eq!(store.events_since_snapshot("o"), 0);
        store.execute("o", Command::StartBrewing).unwrap();
        assert_eq!(store.events_since_snapshot("o"), 1);
    }

    fn command() -> impl Strategy<Value = Command> {
        prop_oneof![
            (1u32..1000).prop_map(place),
            (1u32..1000).prop_map(|cents| Command::Pay { cents }),
            Just(Command::StartBrewing),
            Just(Command::MarkReady),
            Just(Command::PickUp),
            Just(Command::Cancel {
                reason: "changed mind".into()
            }),
        ]
    }

    proptest! {
        /// Folding the stored events gives the same state as applying each
        /// accepted command's events as they happened, and loading through
        /// snapshots gives the same state again.
        #[test]
        fn folding_the_events_equals_the_state_after_the_commands(
            commands in proptest::collection::vec(command(), 0..60),
            snapshot_every in 0u64..5,
            pay_exact in any::<bool>(),
        ) {
            let mut store = EventStore::new(snapshot_every);
            let mut live = OrderState::default();
            for mut command in commands {
                if let (true, Command::Pay { cents }) = (pay_exact, &mut command) {
                    *cents = live.total_cents;
                }
                // What the command should lead to, written independently of apply.
                let expected = match &command {
                    Command::Place { .. } => Status::Placed,
                    Command::Pay { .. } => Status::Paid,
                    Command::StartBrewing => Status::Brewing,
                    Command::MarkReady => Status::Ready,
                    Command::PickUp => Status::PickedUp,
                    Command::Cancel { .. } => Status::Cancelled,
                };
                if let Ok(events) = decide(&live, command) {
                    let version = store.append("o", live.version, events.clone()).unwrap();
                    for e in &events {
                        live.apply(e);
                    }
                    prop_assert_eq!(version, live.version);
                    prop_assert_eq!(live.status, expected);
                }
            }
            prop_assert_eq!(&OrderState::fold(store.events("o")), &live);
            prop_assert_eq!(&store.load("o"), &live);
            if snapshot_every > 0 {
                prop_assert!(store.events_since_snapshot("o") < snapshot_every as usize);
            }
        }
    }
}
