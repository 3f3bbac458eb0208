//! Event-driven order tracking: a state machine fed by events from a message
//! broker, with deduplication, retries with backoff, and a dead-letter queue.
//!
//! The order service, payments and the kitchen publish events (`placed`,
//! `paid`, `brewing started`, `ready`, `picked up`, `cancelled`); the
//! tracking service folds them into each order's state, which the app shows.
//! A broker such as Kafka delivers *at least once* and, across topics, in no
//! particular order. So the consumer must cope with three things:
//!
//! - **Duplicates.** A redelivered event must not apply twice. Event ids
//!   seen within a time window are remembered ([`DedupWindow`]); memory stays
//!   bounded because older ids are forgotten.
//! - **Early events.** `ready` can arrive before `brewing started`. An event
//!   whose turn may still come is retried later, with exponential backoff.
//! - **Events that can never apply.** `paid` for a cancelled order needs a
//!   human (and probably a refund). It goes to the dead-letter queue with
//!   the reason, instead of blocking the stream or vanishing. So does an
//!   early event that ran out of retries.
//!
//! Late events for a state the order already passed (`paid` again, after the
//! dedup window) are *stale* and acknowledged without effect.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::order_tracking::{
//!     EventKind, OrderEvent, OrderState, OrderTracker, Outcome, TrackerConfig,
//! };
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let config = TrackerConfig {
//!     max_attempts: 3,
//!     retry_delay: Duration::from_secs(1),
//!     dedup_window: Duration::from_secs(600),
//! };
//! let mut tracker = OrderTracker::new(config, clock.clone());
//! let event = |id, kind| OrderEvent { event_id: id, order_id: 7, kind };
//!
//! tracker.deliver(event(1, EventKind::Placed));
//! tracker.deliver(event(2, EventKind::Paid));
//! // `ready` overtook `brewing started`: retried later.
//! assert!(matches!(tracker.deliver(event(4, EventKind::Ready)), Outcome::RetryScheduled { .. }));
//! assert_eq!(tracker.deliver(event(3, EventKind::BrewingStarted)), Outcome::Applied(OrderState::Brewing));
//! // The broker redelivers `paid`: no effect.
//! assert_eq!(tracker.deliver(event(2, EventKind::Paid)), Outcome::Duplicate);
//!
//! clock.advance(Duration::from_secs(1));
//! tracker.run_due_retries();
//! assert_eq!(tracker.state(7), Some(OrderState::Ready));
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use crate::clock::Clock;

// ANCHOR: state_machine
// ANCHOR: solution
/// Where an order is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrderState {
    /// Created, not paid.
    Placed,
    /// Paid, waiting for a barista.
    Paid,
    /// Being made.
    Brewing,
    /// Waiting on the counter.
    Ready,
    /// Collected: final.
    PickedUp,
    /// Cancelled before brewing: final.
    Cancelled,
}

/// What happened to an order, as published on the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The customer placed the order.
    Placed,
    /// Payment was captured.
    Paid,
    /// A barista started on it.
    BrewingStarted,
    /// It is on the counter.
    Ready,
    /// The customer collected it.
    PickedUp,
    /// It was cancelled.
    Cancelled,
}

/// The transition table: the state after `event`, if `event` is legal in
/// `state` (`None` is an order not seen yet).
#[must_use]
pub fn transition(state: Option<OrderState>, event: EventKind) -> Option<OrderState> {
    use EventKind as E;
    use OrderState as S;
    match (state, event) {
        (None, E::Placed) => Some(S::Placed),
        (Some(S::Placed), E::Paid) => Some(S::Paid),
        (Some(S::Paid), E::BrewingStarted) => Some(S::Brewing),
        (Some(S::Brewing), E::Ready) => Some(S::Ready),
        (Some(S::Ready), E::PickedUp) => Some(S::PickedUp),
        (Some(S::Placed | S::Paid), E::Cancelled) => Some(S::Cancelled),
        _ => None,
    }
}
// ANCHOR_END: solution
// ANCHOR_END: state_machine

const STATES: [Option<OrderState>; 7] = [
    None,
    Some(OrderState::Placed),
    Some(OrderState::Paid),
    Some(OrderState::Brewing),
    Some(OrderState::Ready),
    Some(OrderState::PickedUp),
    Some(OrderState::Cancelled),
];
const EVENTS: [EventKind; 6] = [
    EventKind::Placed,
    EventKind::Paid,
    EventKind::BrewingStarted,
    EventKind::Ready,
    EventKind::PickedUp,
    EventKind::Cancelled,
];

/// Whether `to` can be reached from `from` by legal transitions (zero or more).
fn reachable(from: Option<OrderState>, to: Option<OrderState>) -> bool {
    from == to
        || EVENTS
            .iter()
            .filter_map(|&e| transition(from, e))
            .any(|next| reachable(Some(next), to))
}

/// The state `event` leads to from wherever it is legal.
fn target(event: EventKind) -> OrderState {
    STATES
        .iter()
        .find_map(|&s| transition(s, event))
        .expect("every event is legal somewhere")
}

/// An event from the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrderEvent {
    /// Unique per event; redeliveries carry the same id.
    pub event_id: u64,
    /// The order it is about.
    pub order_id: u64,
    /// What happened.
    pub kind: EventKind,
}

/// Why an event ended in the dead-letter queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadLetterReason {
    /// The event can never apply to the order's state (e.g. paid after
    /// cancelled).
    Conflict {
        /// The order's state at the time, `None` if unknown.
        state: Option<OrderState>,
    },
    /// It was still early after the last allowed attempt (an event it
    /// depends on never came).
    RetriesExhausted {
        /// The order's state at the last attempt.
        state: Option<OrderState>,
    },
}

/// An event parked for a human, with why and after how many attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadLetter {
    /// The event.
    pub event: OrderEvent,
    /// Attempts made.
    pub attempts: u32,
    /// Why it was parked.
    pub reason: DeadLetterReason,
}

/// What handling one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The order moved to this state.
    Applied(OrderState),
    /// Seen before within the dedup window: ignored.
    Duplicate,
    /// The order already passed the event's state: acknowledged, no effect.
    Stale,
    /// Too early; it will be tried again at `at`.
    RetryScheduled {
        /// The attempt that will run next.
        attempt: u32,
        /// When.
        at: Duration,
    },
    /// Moved to the dead-letter queue.
    DeadLettered(DeadLetterReason),
}

/// Limits of the consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackerConfig {
    /// Attempts per event, the first delivery included.
    pub max_attempts: u32,
    /// The wait before the first retry; doubled for each later one.
    pub retry_delay: Duration,
    /// How long event ids are remembered for deduplication.
    pub dedup_window: Duration,
}

// ANCHOR: dedup
// ANCHOR: solution
/// Remembers event ids for a fixed window of time, in bounded memory.
#[derive(Debug, Clone)]
pub struct DedupWindow {
    window: Duration,
    seen: HashMap<u64, Duration>,
    by_age: VecDeque<(Duration, u64)>,
}

impl DedupWindow {
    /// An empty window of length `window`.
    #[must_use]
    pub fn new(window: Duration) -> Self {
        Self {
            window,
            seen: HashMap::new(),
            by_age: VecDeque::new(),
        }
    }

    /// Records `id` seen at `now`; `false` if it was already seen within the
    /// window.
    pub fn first_sighting(&mut self, id: u64, now: Duration) -> bool {
        while let Some(&(at, old)) = self.by_age.front() {
            if at + self.window > now {
                break;
            }
            self.by_age.pop_front();
            self.seen.remove(&old);
        }
        if self.seen.contains_key(&id) {
            return false;
        }
        self.seen.insert(id, now);
        self.by_age.push_back((now, id));
        true
    }

    /// How many ids are remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// Whether no id is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}
// ANCHOR_END: solution
// ANCHOR_END: dedup

#[derive(Debug, Clone, Copy)]
struct Pending {
    event: OrderEvent,
    attempts: u32,
    due: Duration,
}

/// The consumer: order states, dedup window, retry schedule and dead letters.
#[derive(Debug)]
pub struct OrderTracker<C: Clock> {
    config: TrackerConfig,
    clock: C,
    histories: BTreeMap<u64, Vec<OrderState>>,
    dedup: DedupWindow,
    retries: Vec<Pending>,
    dead_letters: Vec<DeadLetter>,
}

impl<C: Clock> OrderTracker<C> {
    /// A tracker with no orders.
    ///
    /// # Panics
    ///
    /// Panics if `config.max_attempts` is zero.
    #[must_use]
    pub fn new(config: TrackerConfig, clock: C) -> Self {
        assert!(config.max_attempts > 0, "an event needs one attempt");
        Self {
            config,
            clock,
            histories: BTreeMap::new(),
            dedup: DedupWindow::new(config.dedup_window),
            retries: Vec::new(),
            dead_letters: Vec::new(),
        }
    }

    // ANCHOR: deliver
    // ANCHOR: solution
    /// Handles an event delivered by the broker.
    pub fn deliver(&mut self, event: OrderEvent) -> Outcome {
        if !self.dedup.first_sighting(event.event_id, self.clock.now()) {
            return Outcome::Duplicate;
        }
        self.attempt(event, 1)
    }

    /// Retries every event whose time has come, in arrival order; returns
    /// what each did.
    pub fn run_due_retries(&mut self) -> Vec<(OrderEvent, Outcome)> {
        let now = self.clock.now();
        let (due, later): (Vec<Pending>, Vec<Pending>) =
            self.retries.drain(..).partition(|p| p.due <= now);
        self.retries = later;
        due.into_iter()
            .map(|p| (p.event, self.attempt(p.event, p.attempts + 1)))
            .collect()
    }

    // ANCHOR_END: solution
    // ANCHOR_END: deliver

    // ANCHOR: attempt
    // ANCHOR: solution
    /// One attempt at `event`: apply it, or classify it as stale, early
    /// (retry with backoff) or impossible (dead letter).
    fn attempt(&mut self, event: OrderEvent, attempt: u32) -> Outcome {
        let history = self.histories.get(&event.order_id);
        let state = history.and_then(|h| h.last().copied());
        if let Some(next) = transition(state, event.kind) {
            self.histories.entry(event.order_id).or_default().push(next);
            return Outcome::Applied(next);
        }
        if history.is_some_and(|h| h.contains(&target(event.kind))) {
            return Outcome::Stale;
        }
        let early = STATES
            .iter()
            .any(|&source| transition(source, event.kind).is_some() && reachable(state, source));
        let reason = if !early {
            DeadLetterReason::Conflict { state }
        } else if attempt < self.config.max_attempts {
            let at = self.clock.now() + self.config.retry_delay * 2u32.pow(attempt - 1);
            self.retries.push(Pending {
                event,
                attempts: attempt,
                due: at,
            });
            return Outcome::RetryScheduled {
                attempt: attempt + 1,
                at,
            };
        } else {
            DeadLetterReason::RetriesExhausted { state }
        };
        self.dead_letters.push(DeadLetter {
            event,
            attempts: attempt,
            reason,
        });
        Outcome::DeadLettered(reason)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: attempt

    /// The current state of `order_id`.
    #[must_use]
    pub fn state(&self, order_id: u64) -> Option<OrderState> {
        self.histories
            .get(&order_id)
            .and_then(|h| h.last().copied())
    }

    /// Every state `order_id` went through, in order.
    #[must_use]
    pub fn history(&self, order_id: u64) -> &[OrderState] {
        self.histories.get(&order_id).map_or(&[], Vec::as_slice)
    }

    /// The dead-letter queue.
    #[must_use]
    pub fn dead_letters(&self) -> &[DeadLetter] {
        &self.dead_letters
    }

    /// How many events wait for a retry.
    #[must_use]
    pub fn pending_retries(&self) -> usize {
        self.retries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use EventKind as E;
    use OrderState as S;
    use proptest::prelude::*;

    /// The legal transitions, written out independently of `transition`.
    const LEGAL: [(Option<S>, S); 7] = [
        (None, S::Placed),
        (Some(S::Placed), S::Paid),
        (Some(S::Paid), S::Brewing),
        (Some(S::Brewing), S::Ready),
        (Some(S::Ready), S::PickedUp),
        (Some(S::Placed), S::Cancelled),
        (Some(S::Paid), S::Cancelled),
    ];

    const LIFECYCLE: [EventKind; 5] =
        [E::Placed, E::Paid, E::BrewingStarted, E::Ready, E::PickedUp];

    fn config() -> TrackerConfig {
        TrackerConfig {
            max_attempts: 10,
            retry_delay: Duration::from_millis(100),
            dedup_window: Duration::from_secs(3600),
        }
    }

    fn event(event_id: u64, order_id: u64, kind: EventKind) -> OrderEvent {
        OrderEvent {
            event_id,
            order_id,
            kind,
        }
    }

    #[test]
    fn the_transition_table_is_the_legal_list() {
        for state in STATES {
            for kind in EVENTS {
                let next = transition(state, kind);
                let legal = LEGAL
                    .iter()
                    .any(|&(from, to)| from == state && Some(to) == next);
                assert_eq!(next.is_some(), legal, "{state:?} + {kind:?}");
            }
        }
    }

    #[test]
    fn paid_after_cancelled_goes_to_the_dead_letter_queue() {
        let mut tracker = OrderTracker::new(config(), ManualClock::new());
        tracker.deliver(event(1, 9, E::Placed));
        tracker.deliver(event(2, 9, E::Cancelled));
        let outcome = tracker.deliver(event(3, 9, E::Paid));
        let reason = DeadLetterReason::Conflict {
            state: Some(S::Cancelled),
        };
        assert_eq!(outcome, Outcome::DeadLettered(reason));
        assert_eq!(
            tracker.dead_letters(),
            [DeadLetter {
                event: event(3, 9, E::Paid),
                attempts: 1,
                reason
            }]
        );
    }

    #[test]
    fn an_event_whose_predecessor_never_comes_is_dead_lettered_after_backoff() {
        let clock = ManualClock::new();
        let config = TrackerConfig {
            max_attempts: 3,
            ..config()
        };
        let mut tracker = OrderTracker::new(config, clock.clone());
        tracker.deliver(event(1, 5, E::Placed));
        assert_eq!(
            tracker.deliver(event(2, 5, E::Ready)),
            Outcome::RetryScheduled {
                attempt: 2,
                at: Duration::from_millis(100)
            }
        );
        clock.advance(Duration::from_millis(100));
        let retried = tracker.run_due_retries();
        assert_eq!(
            retried[0].1,
            Outcome::RetryScheduled {
                attempt: 3,
                at: Duration::from_millis(300)
            }
        );
        clock.advance(Duration::from_millis(199));
        assert!(tracker.run_due_retries().is_empty()); // not due yet
        clock.advance(Duration::from_millis(1));
        let reason = DeadLetterReason::RetriesExhausted {
            state: Some(S::Placed),
        };
        assert_eq!(
            tracker.run_due_retries()[0].1,
            Outcome::DeadLettered(reason)
        );
        assert_eq!(tracker.pending_retries(), 0);
    }

    #[test]
    fn a_redelivery_after_the_window_is_stale_not_reapplied() {
        let clock = ManualClock::new();
        let mut tracker = OrderTracker::new(config(), clock.clone());
        tracker.deliver(event(1, 1, E::Placed));
        tracker.deliver(event(2, 1, E::Paid));
        clock.advance(Duration::from_secs(3600));
        assert_eq!(tracker.deliver(event(2, 1, E::Paid)), Outcome::Stale);
        assert_eq!(tracker.history(1), [S::Placed, S::Paid]);
    }

    #[test]
    fn the_dedup_window_forgets_old_ids() {
        let mut window = DedupWindow::new(Duration::from_secs(10));
        assert!(window.first_sighting(1, Duration::from_secs(0)));
        assert!(!window.first_sighting(1, Duration::from_secs(9)));
        assert!(window.first_sighting(2, Duration::from_secs(9)));
        assert!(window.first_sighting(1, Duration::from_secs(10)));
        assert_eq!(window.len(), 2);
    }

    fn any_event() -> impl Strategy<Value = (u64, EventKind)> {
        (0u64..3, proptest::sample::select(EVENTS.to_vec()))
    }

    proptest! {
        /// Whatever arrives, every order's history is a path of legal
        /// transitions, and `Applied` always reports the new state.
        #[test]
        fn no_illegal_transition_is_accepted(
            events in proptest::collection::vec((any_event(), 0u64..400), 0..60),
        ) {
            let clock = ManualClock::new();
            let mut tracker = OrderTracker::new(config(), clock.clone());
            for (id, ((order, kind), wait)) in events.into_iter().enumerate() {
                if let Outcome::Applied(state) = tracker.deliver(event(id as u64, order, kind)) {
                    prop_assert_eq!(tracker.state(order), Some(state));
                }
                clock.advance(Duration::from_millis(wait));
                tracker.run_due_retries();
            }
            for order in 0..3 {
                let mut previous = None;
                for &state in tracker.history(order) {
                    prop_assert!(LEGAL.contains(&(previous, state)), "{:?} -> {:?}", previous, state);
                    previous = Some(state);
                }
            }
        }

        /// Redelivering events within the dedup window changes nothing: the
        /// same histories, dead letters and retries as a clean delivery.
        #[test]
        fn duplicates_within_the_window_have_no_effect(
            events in proptest::collection::vec((any_event(), any::<bool>(), 0u64..300), 0..40),
        ) {
            let run = |redeliver: bool| {
                let clock = ManualClock::new();
                let mut tracker = OrderTracker::new(config(), clock.clone());
                let mut delivered = Vec::new();
                for (id, &((order, kind), twice, wait)) in events.iter().enumerate() {
                    let e = event(id as u64, order, kind);
                    tracker.deliver(e);
                    delivered.push(e);
                    if redeliver && twice {
                        // an earlier event again, as a broker does after a rebalance
                        let again = delivered[(wait as usize) % delivered.len()];
                        assert_eq!(tracker.deliver(again), Outcome::Duplicate);
                    }
                    clock.advance(Duration::from_millis(wait));
                    tracker.run_due_retries();
                }
                let histories: Vec<Vec<S>> = (0..3).map(|o| tracker.history(o).to_vec()).collect();
                (histories, tracker.dead_letters().to_vec(), tracker.pending_retries())
            };
            prop_assert_eq!(run(true), run(false));
        }

        /// One order's whole life, delivered in any order, ends picked up
        /// with the full history, given enough retries.
        #[test]
        fn any_delivery_order_of_a_lifecycle_converges(order in Just(LIFECYCLE.to_vec()).prop_shuffle()) {
            let clock = ManualClock::new();
            let mut tracker = OrderTracker::new(config(), clock.clone());
            for (id, &kind) in order.iter().enumerate() {
                tracker.deliver(event(id as u64, 1, kind));
            }
            while tracker.pending_retries() > 0 {
                clock.advance(Duration::from_secs(60));
                tracker.run_due_retries();
            }
            prop_assert_eq!(tracker.history(1), [S::Placed, S::Paid, S::Brewing, S::Ready, S::PickedUp]);
            prop_assert!(tracker.dead_letters().is_empty());
        }
    }
}
