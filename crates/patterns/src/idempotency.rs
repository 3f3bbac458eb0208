//! Idempotency keys: a retried payment is charged once.
//!
//! Retries are only safe if doing a thing twice has the effect of doing it
//! once. A charge is not like that by nature: if the till's request reaches
//! the payment service, the card is charged, and the answer is lost on the
//! way back, a retry charges the customer again. The fix is for the client to
//! name each logical operation with an **idempotency key** (a random ID made
//! once per order payment, reused by every retry of it). The server keeps a
//! record per key:
//!
//! - the first request with a key runs, and its response is **stored**;
//! - a retry with the same key and the same payload gets the stored response
//!   back without running again;
//! - a request with the same key but a **different payload** is a client bug
//!   and is refused ([`IdempotencyError::KeyReused`]), never silently replayed;
//! - a retry that arrives while the first run is still going is told so
//!   ([`IdempotencyError::InProgress`]) rather than run twice in parallel;
//! - if the run fails in a way that left no effect, the key is released so a
//!   retry may run again; records expire after a retention period.
//!
//! This is the scheme of the `Idempotency-Key` HTTP header that payment APIs
//! such as Stripe's use.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::idempotency::{IdempotencyError, IdempotencyStore};
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let mut store = IdempotencyStore::new(clock.clone(), Duration::from_secs(24 * 3600));
//! let charges = std::cell::Cell::new(0);
//! let charge = |amount: &u32| -> Result<String, ()> {
//!     charges.set(charges.get() + 1);
//!     Ok(format!("receipt for {amount} cents"))
//! };
//!
//! let first = store.execute("order-42-payment", 450, charge);
//! let retry = store.execute("order-42-payment", 450, charge);
//! assert_eq!(first, retry);
//! assert_eq!(charges.get(), 1); // the retry was answered from the store
//!
//! // Same key, different amount: refused, not replayed.
//! let reused = store.execute("order-42-payment", 900, charge);
//! assert_eq!(reused, Err(IdempotencyError::KeyReused));
//! ```

use crate::clock::Clock;
use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

/// Why a request with an idempotency key was not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyError<E = ()> {
    /// The key was used before for a different request.
    KeyReused,
    /// A request with this key is still running; try again later.
    InProgress,
    /// The operation itself failed; the key was released so a retry can run.
    Failed(E),
}

impl<E: fmt::Debug> fmt::Display for IdempotencyError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeyReused => f.write_str("idempotency key reused with a different request"),
            Self::InProgress => f.write_str("a request with this idempotency key is in progress"),
            Self::Failed(e) => write!(f, "operation failed: {e:?}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for IdempotencyError<E> {}

/// What [`IdempotencyStore::begin`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin<Resp> {
    /// First time: run the operation, then call
    /// [`complete`](IdempotencyStore::complete) or
    /// [`release`](IdempotencyStore::release).
    Run,
    /// Already done: here is the stored response.
    Replay(Resp),
}

// ANCHOR: record
#[derive(Debug, Clone)]
enum State<Resp> {
    InProgress,
    Completed(Resp),
}

#[derive(Debug, Clone)]
struct Record<Req, Resp> {
    request: Req,
    state: State<Resp>,
    /// When the record was created; it is forgotten `retention` later.
    created: Duration,
}

/// Remembers, per idempotency key, the request and its response.
#[derive(Debug)]
pub struct IdempotencyStore<Req, Resp, C> {
    records: HashMap<String, Record<Req, Resp>>,
    clock: C,
    retention: Duration,
}
// ANCHOR_END: record

impl<Req: PartialEq + Clone, Resp: Clone, C: Clock> IdempotencyStore<Req, Resp, C> {
    /// An empty store that keeps records for `retention` (Stripe keeps keys
    /// for 24 hours).
    #[must_use]
    pub fn new(clock: C, retention: Duration) -> Self {
        Self {
            records: HashMap::new(),
            clock,
            retention,
        }
    }

    // ANCHOR: begin
    /// Claims `key` for `request`: [`Begin::Run`] if the caller should run
    /// it, [`Begin::Replay`] with the stored response if it already ran.
    ///
    /// # Errors
    ///
    /// [`IdempotencyError::KeyReused`] if the key was used for a different
    /// request, [`IdempotencyError::InProgress`] if it is running now.
    pub fn begin(&mut self, key: &str, request: &Req) -> Result<Begin<Resp>, IdempotencyError> {
        let now = self.clock.now();
        if let Some(record) = self.records.get(key)
            && now.saturating_sub(record.created) < self.retention
        {
            if record.request != *request {
                return Err(IdempotencyError::KeyReused);
            }
            return match &record.state {
                State::InProgress => Err(IdempotencyError::InProgress),
                State::Completed(response) => Ok(Begin::Replay(response.clone())),
            };
        }
        let record = Record {
            request: request.clone(),
            state: State::InProgress,
            created: now,
        };
        self.records.insert(key.to_owned(), record);
        Ok(Begin::Run)
    }

    /// Stores `response` as the answer for `key`, for every later retry.
    pub fn complete(&mut self, key: &str, response: Resp) {
        if let Some(record) = self.records.get_mut(key) {
            record.state = State::Completed(response);
        }
    }

    /// Forgets an in-progress `key` after a failure that had no effect, so
    /// that a retry runs the operation again.
    pub fn release(&mut self, key: &str) {
        if matches!(
            self.records.get(key).map(|r| &r.state),
            Some(State::InProgress)
        ) {
            self.records.remove(key);
        }
    }
    // ANCHOR_END: begin

    // ANCHOR: execute
    /// Runs `operation` at most once per `key`: stores its `Ok` response and
    /// replays it to retries; on `Err` releases the key and returns the error.
    ///
    /// Model a definitive answer such as "card declined" as an `Ok` response
    /// so that it is stored too: retrying a decline must not charge later.
    ///
    /// # Errors
    ///
    /// See [`begin`](Self::begin); [`IdempotencyError::Failed`] wraps the
    /// operation's own error.
    pub fn execute<E>(
        &mut self,
        key: &str,
        request: Req,
        operation: impl FnOnce(&Req) -> Result<Resp, E>,
    ) -> Result<Resp, IdempotencyError<E>> {
        match self.begin(key, &request) {
            Ok(Begin::Replay(response)) => Ok(response),
            Ok(Begin::Run) => match operation(&request) {
                Ok(response) => {
                    self.complete(key, response.clone());
                    Ok(response)
                }
                Err(error) => {
                    self.release(key);
                    Err(IdempotencyError::Failed(error))
                }
            },
            Err(IdempotencyError::KeyReused) => Err(IdempotencyError::KeyReused),
            Err(_) => Err(IdempotencyError::InProgress),
        }
    }
    // ANCHOR_END: execute

    /// Drops records older than the retention period; returns how many.
    pub fn purge_expired(&mut self) -> usize {
        let now = self.clock.now();
        let before = self.records.len();
        let retention = self.retention;
        self.records
            .retain(|_, r| now.saturating_sub(r.created) < retention);
        before - self.records.len()
    }

    /// How many keys are remembered.
    #[must_use]
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether no key is remembered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Charge {
        card: &'static str,
        cents: u32,
    }

    const DAY: Duration = Duration::from_secs(24 * 3600);

    fn store(clock: &ManualClock) -> IdempotencyStore<Charge, String, ManualClock> {
        IdempotencyStore::new(clock.clone(), DAY)
    }

    #[test]
    fn a_retry_while_running_is_refused_not_run_twice() {
        let clock = ManualClock::new();
        let mut store = store(&clock);
        let charge = Charge {
            card: "visa",
            cents: 450,
        };
        assert_eq!(store.begin("k", &charge), Ok(Begin::Run));
        assert_eq!(store.begin("k", &charge), Err(IdempotencyError::InProgress));
        store.complete("k", "receipt-1".into());
        assert_eq!(
            store.begin("k", &charge),
            Ok(Begin::Replay("receipt-1".into()))
        );
    }

    #[test]
    fn a_failure_releases_the_key_for_a_retry() {
        let clock = ManualClock::new();
        let mut store = store(&clock);
        let charge = Charge {
            card: "visa",
            cents: 450,
        };
        let first = store.execute("k", charge.clone(), |_| Err::<String, _>("provider down"));
        assert_eq!(first, Err(IdempotencyError::Failed("provider down")));
        let second = store.execute("k", charge, |_| Ok::<_, &str>("receipt".to_owned()));
        assert_eq!(second, Ok("receipt".to_owned()));
    }

    #[test]
    fn keys_expire_after_the_retention_period() {
        let clock = ManualClock::new();
        let mut store = store(&clock);
        let charge = Charge {
            card: "visa",
            cents: 450,
        };
        let ok = |_: &Charge| Ok::<_, ()>("receipt".to_owned());
        store.execute("k", charge.clone(), ok).unwrap();
        clock.advance(DAY - Duration::from_secs(1));
        assert_eq!(store.purge_expired(), 0);
        assert_eq!(
            store.begin("k", &charge),
            Ok(Begin::Replay("receipt".into()))
        );
        clock.advance(Duration::from_secs(1));
        assert_eq!(store.purge_expired(), 1);
        assert!(store.is_empty());
        // After expiry the key is free again, even for another payload.
        let other = Charge {
            card: "amex",
            cents: 1,
        };
        assert_eq!(store.begin("k", &other), Ok(Begin::Run));
    }

    proptest! {
        /// However requests are retried, duplicated and interleaved, each
        /// key is charged at most once, and every successful answer for a
        /// key is the same.
        #[test]
        fn each_key_is_charged_at_most_once(
            script in proptest::collection::vec((0u8..5, 1u32..3, any::<bool>()), 1..100)
        ) {
            let clock = ManualClock::new();
            let mut store: IdempotencyStore<u32, u64, _> = IdempotencyStore::new(clock, DAY);
            let mut charged: HashMap<u8, u32> = HashMap::new();
            let mut answers: HashMap<u8, u64> = HashMap::new();
            let mut receipt = 0u64;
            for (key, cents, provider_up) in script {
                let name = format!("key-{key}");
                let result = store.execute(&name, cents, |_| {
                    if provider_up {
                        *charged.entry(key).or_default() += 1;
                        receipt += 1;
                        Ok(receipt)
                    } else {
                        Err(())
                    }
                });
                if let Ok(r) = result {
                    prop_assert_eq!(*answers.entry(key).or_insert(r), r);
                }
            }
            prop_assert!(charged.values().all(|&n| n == 1));
        }
    }
}
