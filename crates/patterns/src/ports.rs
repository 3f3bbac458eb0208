//! Ports and adapters (hexagonal architecture): the order flow depends on
//! traits, not on databases or payment providers.
//!
//! In a monolith, "place an order" tends to call the ORM, the payment SDK and
//! the SMS client directly, so it can neither be tested alone nor moved into
//! its own service. The first step of a split is to draw the boundary inside
//! the code: the application service [`OrderService`] speaks only to
//! **ports**, traits that say what it needs in domain words
//! ([`OrderRepository`], [`PaymentGateway`], [`Notifier`]). **Adapters**
//! implement the ports: here in-memory ones for tests and examples; in
//! production a Postgres repository, a Stripe gateway, a push notifier, or a
//! client of another microservice once payments have been split out. The
//! service does not change when an adapter does; that is what makes the
//! later extraction a deployment change rather than a rewrite.
//!
//! Once payments are across a network, a charge can time out *after* the
//! provider took the money. So the payment port carries an **idempotency
//! key**: the till makes one per checkout and sends it with every retry of
//! [`OrderService::place_order`]; the service passes it to the provider,
//! which answers a repeated key with the first charge instead of charging
//! again (Stripe's `Idempotency-Key`). A timed-out charge leaves the order
//! stored as [`OrderStatus::PaymentPending`]; the retry with the same key
//! settles it, and a retry of a finished order replays it.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::ports::{
//!     FakePaymentGateway, InMemoryOrders, OrderLine, OrderService, OrderStatus, RecordingNotifier,
//! };
//!
//! let mut service = OrderService::new(
//!     InMemoryOrders::default(),
//!     FakePaymentGateway::with_limit(2_000),
//!     RecordingNotifier::default(),
//! );
//! let order = service
//!     .place_order("till-3-checkout-1", "ana", vec![OrderLine::new("flat white", 2, 350)])
//!     .unwrap();
//! assert_eq!(order.total_cents, 700);
//! assert_eq!(order.status, OrderStatus::Paid);
//! assert_eq!(service.notifier().sent.len(), 1);
//!
//! // Over the card limit: the order is kept as declined, and nothing charged.
//! let big = service
//!     .place_order("till-3-checkout-2", "ana", vec![OrderLine::new("beans 1kg", 3, 2_500)])
//!     .unwrap();
//! assert_eq!(big.status, OrderStatus::PaymentDeclined);
//! assert_eq!(service.payments().charges.len(), 1);
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// An order's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderId(pub u64);

/// One line of an order: a menu item, a quantity and a unit price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    /// The menu item.
    pub item: String,
    /// How many.
    pub quantity: u32,
    /// Price of one, in cents.
    pub unit_cents: u32,
}

impl OrderLine {
    /// A line of `quantity` × `item` at `unit_cents` each.
    #[must_use]
    pub fn new(item: &str, quantity: u32, unit_cents: u32) -> Self {
        Self {
            item: item.to_owned(),
            quantity,
            unit_cents,
        }
    }
}

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    /// The charge was sent and its answer lost (a timeout): the card may or
    /// may not have been charged. A retry with the same key settles it.
    PaymentPending,
    /// Paid; the kitchen can start.
    Paid,
    /// The payment was refused; nothing to make.
    PaymentDeclined,
}

/// An order as the application sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Its identity.
    pub id: OrderId,
    /// The idempotency key the client sent: one per checkout, the same on
    /// every retry.
    pub key: String,
    /// Who ordered.
    pub customer: String,
    /// What was ordered.
    pub lines: Vec<OrderLine>,
    /// The sum of the lines, in cents.
    pub total_cents: u32,
    /// Paid, declined, or pending after a timed-out charge.
    pub status: OrderStatus,
}

/// A reference the payment provider gives for a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRef(pub String);

/// Why a payment did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentError {
    /// The card was declined: a definite no.
    Declined,
    /// The provider could not be reached: nothing was charged, try again
    /// later.
    Unavailable,
    /// The request was sent and no answer came: the card may have been
    /// charged. Retry with the same idempotency key, never a new one.
    TimedOut,
}

/// Why an order could not be placed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaceOrderError {
    /// The order has no lines, or a line has no quantity.
    Empty,
    /// The total does not fit in the price type.
    TooLarge,
    /// Payment could not be attempted; nothing was stored.
    PaymentUnavailable,
    /// The charge timed out: the order is stored as
    /// [`OrderStatus::PaymentPending`]. Retry with the same key; it will not
    /// charge twice.
    PaymentOutcomeUnknown,
    /// The key was used before for a different order.
    KeyReused,
}

impl fmt::Display for PlaceOrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "an order needs at least one item",
            Self::TooLarge => "the order total is too large",
            Self::PaymentUnavailable => "payment is unavailable, try again",
            Self::PaymentOutcomeUnknown => {
                "the payment timed out, retry with the same key to settle it"
            }
            Self::KeyReused => "the idempotency key was used for a different order",
        })
    }
}

impl std::error::Error for PlaceOrderError {}

// ANCHOR: ports
/// Port: where orders are kept.
pub trait OrderRepository {
    /// A fresh, unused order ID.
    fn next_id(&mut self) -> OrderId;
    /// Stores `order`, replacing any order with the same ID.
    fn save(&mut self, order: &Order);
    /// The order with `id`, if any.
    fn find(&self, id: OrderId) -> Option<Order>;
    /// The order placed with idempotency key `key`, if any.
    fn find_by_key(&self, key: &str) -> Option<Order>;
}

/// Port: how customers are charged.
pub trait PaymentGateway {
    /// Charges `customer` `cents` under `idempotency_key`. A key seen before
    /// must not charge again: the provider answers with the first charge.
    ///
    /// # Errors
    ///
    /// [`PaymentError::Declined`], [`PaymentError::Unavailable`] (nothing
    /// charged) or [`PaymentError::TimedOut`] (perhaps charged).
    fn charge(
        &mut self,
        idempotency_key: &str,
        customer: &str,
        cents: u32,
    ) -> Result<PaymentRef, PaymentError>;
}

/// Port: how customers are told about their orders.
pub trait Notifier {
    /// Sends `message` to `customer`.
    fn notify(&mut self, customer: &str, message: &str);
}
// ANCHOR_END: ports

/// The application service: the order use case, written against ports only.
#[derive(Debug)]
pub struct OrderService<R, P, N> {
    orders: R,
    payments: P,
    notifier: N,
}

impl<R: OrderRepository, P: PaymentGateway, N: Notifier> OrderService<R, P, N> {
    /// Wires the use case to its adapters (dependency injection by hand).
    pub fn new(orders: R, payments: P, notifier: N) -> Self {
        Self {
            orders,
            payments,
            notifier,
        }
    }

    // ANCHOR: service
    // ANCHOR: solution
    /// Prices the order, charges for it under the client's idempotency
    /// `key`, stores it and tells the customer. Safe to retry with the same
    /// key: a finished order is replayed, a pending one is settled with the
    /// same key (so the provider does not charge twice).
    ///
    /// # Errors
    ///
    /// [`PlaceOrderError`] when the order is empty or too large, when the
    /// key was used for another order, when the provider is unavailable
    /// (nothing is stored), or when the charge timed out (the order is kept
    /// as pending; retry with the same key).
    pub fn place_order(
        &mut self,
        key: &str,
        customer: &str,
        lines: Vec<OrderLine>,
    ) -> Result<Order, PlaceOrderError> {
        let existing = self.orders.find_by_key(key);
        if let Some(order) = &existing {
            if order.customer != customer || order.lines != lines {
                return Err(PlaceOrderError::KeyReused);
            }
            if order.status != OrderStatus::PaymentPending {
                return Ok(order.clone()); // a retry of a finished order
            }
        }
        if lines.is_empty() || lines.iter().any(|l| l.quantity == 0) {
            return Err(PlaceOrderError::Empty);
        }
        let total_cents = lines
            .iter()
            .try_fold(0u32, |sum, l| {
                sum.checked_add(l.quantity.checked_mul(l.unit_cents)?)
            })
            .ok_or(PlaceOrderError::TooLarge)?;
        let status = match self.payments.charge(key, customer, total_cents) {
            Ok(_) => OrderStatus::Paid,
            Err(PaymentError::Declined) => OrderStatus::PaymentDeclined,
            Err(PaymentError::TimedOut) => OrderStatus::PaymentPending,
            Err(PaymentError::Unavailable) if existing.is_none() => {
                return Err(PlaceOrderError::PaymentUnavailable);
            }
            // Still pending: a timed-out charge may exist; keep the order.
            Err(PaymentError::Unavailable) => return Err(PlaceOrderError::PaymentOutcomeUnknown),
        };
        let order = Order {
            id: existing.map_or_else(|| self.orders.next_id(), |order| order.id),
            key: key.to_owned(),
            customer: customer.to_owned(),
            lines,
            total_cents,
            status,
        };
        self.orders.save(&order);
        let message = match status {
            OrderStatus::PaymentPending => return Err(PlaceOrderError::PaymentOutcomeUnknown),
            OrderStatus::Paid => format!("order {} is paid and queued", order.id.0),
            OrderStatus::PaymentDeclined => format!("payment for order {} declined", order.id.0),
        };
        self.notifier.notify(customer, &message);
        Ok(order)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: service
}

impl<R, P, N> OrderService<R, P, N> {
    /// The repository adapter.
    pub fn orders(&self) -> &R {
        &self.orders
    }

    /// The payment adapter.
    pub fn payments(&self) -> &P {
        &self.payments
    }

    /// The payment adapter, to change its behaviour in a test.
    pub fn payments_mut(&mut self) -> &mut P {
        &mut self.payments
    }

    /// The notifier adapter.
    pub fn notifier(&self) -> &N {
        &self.notifier
    }
}

// ANCHOR: adapters
// ANCHOR: solution
/// Adapter: orders in a map, IDs from a counter.
#[derive(Debug, Default, Clone)]
pub struct InMemoryOrders {
    orders: BTreeMap<OrderId, Order>,
    last_id: u64,
}

impl OrderRepository for InMemoryOrders {
    fn next_id(&mut self) -> OrderId {
        self.last_id += 1;
        OrderId(self.last_id)
    }
    fn save(&mut self, order: &Order) {
        self.orders.insert(order.id, order.clone());
    }
    fn find(&self, id: OrderId) -> Option<Order> {
        self.orders.get(&id).cloned()
    }
    fn find_by_key(&self, key: &str) -> Option<Order> {
        self.orders.values().find(|order| order.key == key).cloned()
    }
}
// ANCHOR_END: solution
// ANCHOR_END: adapters

impl InMemoryOrders {
    /// How many orders are stored.
    #[must_use]
    pub fn len(&self) -> usize {
        self.orders.len()
    }

    /// Whether no order is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.orders.is_empty()
    }
}

/// Adapter: a payment provider that approves charges up to a limit and,
/// like a real one, remembers its charges by idempotency key.
#[derive(Debug, Clone)]
pub struct FakePaymentGateway {
    limit_cents: u32,
    /// When set, every charge fails as [`PaymentError::Unavailable`].
    pub down: bool,
    /// The next this many charges are made, but their answers are lost:
    /// the caller sees [`PaymentError::TimedOut`].
    pub lose_replies: u32,
    /// Approved charges, in order: (customer, cents).
    pub charges: Vec<(String, u32)>,
    by_key: BTreeMap<String, PaymentRef>,
}

impl FakePaymentGateway {
    /// Approves every charge of at most `limit_cents`, declines the rest.
    #[must_use]
    pub fn with_limit(limit_cents: u32) -> Self {
        Self {
            limit_cents,
            down: false,
            lose_replies: 0,
            charges: Vec::new(),
            by_key: BTreeMap::new(),
        }
    }
}

impl PaymentGateway for FakePaymentGateway {
    fn charge(
        &mut self,
        idempotency_key: &str,
        customer: &str,
        cents: u32,
    ) -> Result<PaymentRef, PaymentError> {
        if self.down {
            return Err(PaymentError::Unavailable);
        }
        let reference = match self.by_key.get(idempotency_key) {
            Some(first) => first.clone(), // a repeated key: no new charge
            None => {
                if cents > self.limit_cents {
                    return Err(PaymentError::Declined);
                }
                self.charges.push((customer.to_owned(), cents));
                let reference = PaymentRef(format!("pay-{}", self.charges.len()));
                self.by_key
                    .insert(idempotency_key.to_owned(), reference.clone());
                reference
            }
        };
        if self.lose_replies > 0 {
            self.lose_replies -= 1;
            return Err(PaymentError::TimedOut); // charged, answer lost
        }
        Ok(reference)
    }
}

/// Adapter: remembers every message instead of sending it.
#[derive(Debug, Default, Clone)]
pub struct RecordingNotifier {
    /// Messages sent, in order: (customer, message).
    pub sent: Vec<(String, String)>,
}

impl Notifier for RecordingNotifier {
    fn notify(&mut self, customer: &str, message: &str) {
        self.sent.push((customer.to_owned(), message.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service() -> OrderService<InMemoryOrders, FakePaymentGateway, RecordingNotifier> {
        OrderService::new(
            InMemoryOrders::default(),
            FakePaymentGateway::with_limit(1_000),
            RecordingNotifier::default(),
        )
    }

    #[test]
    fn a_paid_order_is_stored_charged_and_announced() {
        let mut s = service();
        let order = s
            .place_order(
                "k1",
                "ana",
                vec![
                    OrderLine::new("latte", 1, 400),
                    OrderLine::new("cookie", 2, 150),
                ],
            )
            .unwrap();
        assert_eq!(order.total_cents, 700);
        assert_eq!(s.orders().find(order.id), Some(order.clone()));
        assert_eq!(s.payments().charges, [("ana".to_owned(), 700)]);
        assert_eq!(
            s.notifier().sent,
            [("ana".to_owned(), "order 1 is paid and queued".to_owned())]
        );
    }

    #[test]
    fn an_unavailable_provider_stores_nothing() {
        let mut s = service();
        s.payments_mut().down = true;
        let result = s.place_order("k1", "ben", vec![OrderLine::new("mocha", 1, 450)]);
        assert_eq!(result, Err(PlaceOrderError::PaymentUnavailable));
        assert!(s.orders().is_empty());
        assert!(s.notifier().sent.is_empty());
    }

    #[test]
    fn empty_and_overflowing_orders_are_refused_before_charging() {
        let mut s = service();
        assert_eq!(
            s.place_order("k1", "c", vec![]),
            Err(PlaceOrderError::Empty)
        );
        assert_eq!(
            s.place_order("k2", "c", vec![OrderLine::new("tea", 0, 100)]),
            Err(PlaceOrderError::Empty)
        );
        assert_eq!(
            s.place_order("k3", "c", vec![OrderLine::new("tea", u32::MAX, 2)]),
            Err(PlaceOrderError::TooLarge)
        );
        assert!(s.payments().charges.is_empty());
    }

    /// A second adapter for the same port: the service works unchanged.
    #[test]
    fn any_adapter_fits_the_port() {
        struct CountingNotifier(usize);
        impl Notifier for CountingNotifier {
            fn notify(&mut self, _: &str, _: &str) {
                self.0 += 1;
            }
        }
        let mut s = OrderService::new(
            InMemoryOrders::default(),
            FakePaymentGateway::with_limit(1_000),
            CountingNotifier(0),
        );
        s.place_order("k1", "d", vec![OrderLine::new("espresso", 1, 250)])
            .unwrap();
        assert_eq!(s.notifier().0, 1);
    }

    /// The provider charges, the answer times out, the till retries with the
    /// same key: one charge, one order, one message.
    #[test]
    fn a_charge_that_times_out_after_charging_is_not_charged_twice_on_retry() {
        let mut s = service();
        s.payments_mut().lose_replies = 1;
        let lines = vec![OrderLine::new("latte", 1, 400)];
        let first = s.place_order("till-1-checkout-9", "ana", lines.clone());
        assert_eq!(first, Err(PlaceOrderError::PaymentOutcomeUnknown));
        let pending = s.orders().find_by_key("till-1-checkout-9").unwrap();
        assert_eq!(pending.status, OrderStatus::PaymentPending);
        assert!(s.notifier().sent.is_empty());

        let retry = s
            .place_order("till-1-checkout-9", "ana", lines.clone())
            .unwrap();
        assert_eq!(retry.status, OrderStatus::Paid);
        assert_eq!(retry.id, pending.id);
        assert_eq!(s.payments().charges, [("ana".to_owned(), 400)]);
        assert_eq!(s.orders().len(), 1);
        assert_eq!(s.notifier().sent.len(), 1);

        // The till's answer is lost as well and it retries once more: replayed.
        assert_eq!(s.place_order("till-1-checkout-9", "ana", lines), Ok(retry));
        assert_eq!(s.payments().charges.len(), 1);
        assert_eq!(s.notifier().sent.len(), 1);
    }

    #[test]
    fn a_key_reused_for_another_order_is_refused() {
        let mut s = service();
        s.place_order("k", "ana", vec![OrderLine::new("latte", 1, 400)])
            .unwrap();
        assert_eq!(
            s.place_order("k", "ana", vec![OrderLine::new("mocha", 1, 450)]),
            Err(PlaceOrderError::KeyReused)
        );
        assert_eq!(s.payments().charges.len(), 1);
    }
}
