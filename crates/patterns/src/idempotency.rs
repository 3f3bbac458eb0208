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
//! - if the run fails in a way that certainly left no effect (the provider
//!   refused the connection, or answered "declined before processing"), the
//!   key is released so a retry may run again ([`Failure::NoEffect`]);
//! - if the run fails in a way that **may** have had an effect — a timeout,
//!   a connection reset after the request was sent — the key is **kept** and
//!   its outcome marked unknown ([`Failure::Unknown`]). A timeout is the
//!   ambiguous case: the card may have been charged and the answer lost.
//!   Releasing the key there is exactly the double charge the store exists
//!   to prevent. Every later request with that key is refused with
//!   [`IdempotencyError::Unreconciled`] until the service has
//!   [`reconcile`](IdempotencyStore::reconcile)d: asked the provider, by the
//!   same key, whether the charge exists, and stored what it found;
//! - records expire after a retention period.
//!
//! This is the scheme of the `Idempotency-Key` HTTP header that payment APIs
//! such as Stripe's use; the provider keeps its own record per key, which is
//! what makes reconciliation possible.
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
//!
//! A timeout keeps the key: the retry reconciles instead of charging again.
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::idempotency::{Failure, IdempotencyError, IdempotencyStore};
//! use std::collections::HashMap;
//! use std::time::Duration;
//!
//! let mut store = IdempotencyStore::new(ManualClock::new(), Duration::from_secs(86_400));
//! // The provider's own records, by idempotency key.
//! let mut provider: HashMap<String, String> = HashMap::new();
//!
//! // The provider charges, then the answer times out on the way back.
//! let first = store.execute_with("order-7", 450, |cents: &u32| {
//!     provider.insert("order-7".into(), format!("receipt {cents}"));
//!     Err::<String, _>(Failure::Unknown("timeout"))
//! });
//! assert_eq!(first, Err(IdempotencyError::Unknown("timeout")));
//!
//! // The retry is not run: the outcome must be settled first.
//! let retry = store.execute_with("order-7", 450, |_| Ok::<_, Failure<&str>>("again".into()));
//! assert_eq!(retry, Err(IdempotencyError::Unreconciled));
//! let found = store.reconcile("order-7", |_| Ok::<_, ()>(provider.get("order-7").cloned()));
//! assert_eq!(found, Ok(Some("receipt 450".to_string())));
//! assert_eq!(store.execute("order-7", 450, |_| Err::<String, ()>(())), Ok("receipt 450".into()));
//! assert_eq!(provider.len(), 1); // charged once
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
    /// An earlier attempt with this key may have taken effect (it timed
    /// out): nothing was run. Call
    /// [`reconcile`](IdempotencyStore::reconcile) before retrying.
    Unreconciled,
    /// The operation failed without effect; the key was released so a retry
    /// can run.
    Failed(E),
    /// The operation failed and may have taken effect; the key is kept, its
    /// outcome unknown until reconciled.
    Unknown(E),
}

/// How an operation failed, as far as its effect is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure<E> {
    /// Certainly not applied (connection refused, rejected before
    /// processing): the key is released and a retry runs again.
    NoEffect(E),
    /// Perhaps applied (a timeout, a connection reset after sending): the key
    /// is kept and the outcome must be reconciled before any retry runs.
    Unknown(E),
}

impl<E: fmt::Debug> fmt::Display for IdempotencyError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeyReused => f.write_str("idempotency key reused with a different request"),
            Self::InProgress => f.write_str("a request with this idempotency key is in progress"),
            Self::Unreconciled => {
                f.write_str("an earlier request with this idempotency key has an unknown outcome")
            }
            Self::Failed(e) => write!(f, "operation failed: {e:?}"),
            Self::Unknown(e) => write!(f, "operation outcome unknown: {e:?}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for IdempotencyError<E> {}

/// What [`IdempotencyStore::begin`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin<Resp> {
    /// First time: run the operation, then call
    /// [`complete`](IdempotencyStore::complete),
    /// [`release`](IdempotencyStore::release) (no effect) or
    /// [`mark_unknown`](IdempotencyStore::mark_unknown) (perhaps an effect).
    Run,
    /// Already done: here is the stored response.
    Replay(Resp),
}

// ANCHOR: record
#[derive(Debug, Clone)]
enum State<Resp> {
    InProgress,
    /// The run failed in a way that may have had an effect.
    Unknown,
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
    // ANCHOR: solution
    /// Claims `key` for `request`: [`Begin::Run`] if the caller should run
    /// it, [`Begin::Replay`] with the stored response if it already ran.
    ///
    /// # Errors
    ///
    /// [`IdempotencyError::KeyReused`] if the key was used for a different
    /// request, [`IdempotencyError::InProgress`] if it is running now,
    /// [`IdempotencyError::Unreconciled`] if an earlier run's outcome is
    /// unknown.
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
                State::Unknown => Err(IdempotencyError::Unreconciled),
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

    /// Forgets an in-progress `key` after a failure that certainly had no
    /// effect, so that a retry runs the operation again.
    pub fn release(&mut self, key: &str) {
        if matches!(
            self.records.get(key).map(|r| &r.state),
            Some(State::InProgress)
        ) {
            self.records.remove(key);
        }
    }

    /// Keeps an in-progress `key` after a failure that may have had an
    /// effect (a timeout): no retry runs until it is reconciled.
    pub fn mark_unknown(&mut self, key: &str) {
        if let Some(record) = self.records.get_mut(key)
            && matches!(record.state, State::InProgress)
        {
            record.state = State::Unknown;
        }
    }

    /// Settles an unknown outcome by asking the side that acted, by the same
    /// key: `lookup` returns the response if the effect happened (the
    /// provider has a charge under this key), `None` if it certainly did not.
    /// A found response is stored and replayed from now on; `None` releases
    /// the key so that a retry runs. Keys that are not unknown are left
    /// alone, and `Ok(None)` is returned.
    ///
    /// # Errors
    ///
    /// `lookup`'s error; the outcome then stays unknown.
    pub fn reconcile<E>(
        &mut self,
        key: &str,
        lookup: impl FnOnce(&Req) -> Result<Option<Resp>, E>,
    ) -> Result<Option<Resp>, E> {
        let Some(record) = self.records.get_mut(key) else {
            return Ok(None);
        };
        if !matches!(record.state, State::Unknown) {
            return Ok(None);
        }
        match lookup(&record.request)? {
            Some(response) => {
                record.state = State::Completed(response.clone());
                Ok(Some(response))
            }
            None => {
                self.records.remove(key);
                Ok(None)
            }
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: begin

    // ANCHOR: execute
    // ANCHOR: solution
    /// Runs `operation` at most once per `key`, for an operation whose every
    /// failure certainly had no effect: stores its `Ok` response and replays
    /// it to retries; on `Err` releases the key and returns the error. An
    /// operation that can time out must use
    /// [`execute_with`](Self::execute_with) instead.
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
        self.execute_with(key, request, |request| {
            operation(request).map_err(Failure::NoEffect)
        })
    }

    /// Runs `operation` at most once per `key`, telling failures apart: a
    /// [`Failure::NoEffect`] releases the key, a [`Failure::Unknown`] (a
    /// timeout) keeps it, and later requests get
    /// [`IdempotencyError::Unreconciled`] until [`reconcile`](Self::reconcile)
    /// has found out what happened.
    ///
    /// # Errors
    ///
    /// See [`begin`](Self::begin); [`IdempotencyError::Failed`] and
    /// [`IdempotencyError::Unknown`] wrap the operation's own error.
    pub fn execute_with<E>(
        &mut self,
        key: &str,
        request: Req,
        operation: impl FnOnce(&Req) -> Result<Resp, Failure<E>>,
    ) -> Result<Resp, IdempotencyError<E>> {
        match self.begin(key, &request) {
            Ok(Begin::Replay(response)) => Ok(response),
            Ok(Begin::Run) => match operation(&request) {
                Ok(response) => {
                    self.complete(key, response.clone());
                    Ok(response)
                }
                Err(Failure::NoEffect(error)) => {
                    self.release(key);
                    Err(IdempotencyError::Failed(error))
                }
                Err(Failure::Unknown(error)) => {
                    self.mark_unknown(key);
                    Err(IdempotencyError::Unknown(error))
                }
            },
            Err(IdempotencyError::KeyReused) => Err(IdempotencyError::KeyReused),
            Err(IdempotencyError::Unreconciled) => Err(IdempotencyError::Unreconciled),
            Err(_) => Err(IdempotencyError::InProgress),
        }
    }
    // ANCHOR_END: solution
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

    /// A timeout after the provider charged: releasing the key here would
    /// charge the customer twice.
    #[test]
    fn a_timeout_keeps_the_key_and_the_retry_reconciles_instead_of_charging() {
        let clock = ManualClock::new();
        let mut store = store(&clock);
        let charge = Charge {
            card: "visa",
            cents: 450,
        };
        let mut provider_charges: HashMap<&str, String> = HashMap::new();
        let first = store.execute_with("k", charge.clone(), |_| {
            provider_charges.insert("k", "receipt-1".into());
            Err::<String, _>(Failure::Unknown("timeout"))
        });
        assert_eq!(first, Err(IdempotencyError::Unknown("timeout")));
        assert_eq!(store.len(), 1, "the key is kept");
        // A blind retry is refused, without running.
        let mut ran = false;
        let retry = store.execute_with("k", charge.clone(), |_| {
            ran = true;
            Ok::<_, Failure<&str>>("receipt-2".into())
        });
        assert_eq!(retry, Err(IdempotencyError::Unreconciled));
        assert!(!ran);
        // A failed look-up leaves the outcome unknown.
        assert_eq!(
            store.reconcile("k", |_| Err::<Option<String>, _>("down")),
            Err("down")
        );
        assert_eq!(
            store.begin("k", &charge),
            Err(IdempotencyError::Unreconciled)
        );
        // The provider has the charge: it becomes the stored answer.
        let found = store.reconcile("k", |_| Ok::<_, ()>(provider_charges.get("k").cloned()));
        assert_eq!(found, Ok(Some("receipt-1".into())));
        assert_eq!(
            store.begin("k", &charge),
            Ok(Begin::Replay("receipt-1".into()))
        );
        assert_eq!(provider_charges.len(), 1);
    }

    #[test]
    fn a_reconciled_no_charge_releases_the_key_for_a_retry() {
        let clock = ManualClock::new();
        let mut store = store(&clock);
        let charge = Charge {
            card: "visa",
            cents: 450,
        };
        let lost = store.execute_with("k", charge.clone(), |_| {
            Err::<String, _>(Failure::Unknown("timeout"))
        });
        assert_eq!(lost, Err(IdempotencyError::Unknown("timeout")));
        assert_eq!(store.reconcile("k", |_| Ok::<_, ()>(None)), Ok(None));
        assert_eq!(store.begin("k", &charge), Ok(Begin::Run));
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
        /// The provider answers, refuses (no effect), or charges and times
        /// out; the client reconciles when told to.
        fn each_key_is_charged_at_most_once(
            script in proptest::collection::vec((0u8..5, 1u32..3, 0u8..4), 1..100)
        ) {
            let clock = ManualClock::new();
            let mut store: IdempotencyStore<u32, u64, _> = IdempotencyStore::new(clock, DAY);
            let mut charged: HashMap<u8, u32> = HashMap::new();
            let mut provider: HashMap<String, u64> = HashMap::new();
            let mut answers: HashMap<u8, u64> = HashMap::new();
            let mut receipt = 0u64;
            for (key, cents, provider_behaviour) in script {
                let name = format!("key-{key}");
                let result = store.execute_with(&name, cents, |_| {
                    if provider_behaviour == 0 {
                        return Err(Failure::NoEffect("refused"));
                    }
                    *charged.entry(key).or_default() += 1;
                    receipt += 1;
                    provider.insert(name.clone(), receipt);
                    if provider_behaviour == 1 {
                        Err(Failure::Unknown("timeout after charging"))
                    } else {
                        Ok(receipt)
                    }
                });
                let result = match result {
                    Err(IdempotencyError::Unreconciled) => store
                        .reconcile(&name, |_| Ok::<_, ()>(provider.get(&name).copied()))
                        .unwrap()
                        .ok_or(()),
                    other => other.map_err(|_| ()),
                };
                if let Ok(r) = result {
                    prop_assert_eq!(*answers.entry(key).or_insert(r), r);
                }
            }
            prop_assert!(charged.values().all(|&n| n == 1));
        }
    }
}
