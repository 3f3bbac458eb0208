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
//!     .place_order("ana", vec![OrderLine::new("flat white", 2, 350)])
//!     .unwrap();
//! assert_eq!(order.total_cents, 700);
//! assert_eq!(order.status, OrderStatus::Paid);
//! assert_eq!(service.notifier().sent.len(), 1);
//!
//! // Over the card limit: the order is kept as declined, and nothing charged.
//! let big = service.place_order("ana", vec![OrderLine::new("beans 1kg", 3, 2_500)]).unwrap();
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
    /// Who ordered.
    pub customer: String,
    /// What was ordered.
    pub lines: Vec<OrderLine>,
    /// The sum of the lines, in cents.
    pub total_cents: u32,
    /// Paid or declined.
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
    /// The provider could not be reached: unknown, try again later.
    Unavailable,
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
}

impl fmt::Display for PlaceOrderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "an order needs at least one item",
            Self::TooLarge => "the order total is too large",
            Self::PaymentUnavailable => "payment is unavailable, try again",
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
}

/// Port: how customers are charged.
pub trait PaymentGateway {
    /// Charges `customer` `cents`.
    ///
    /// # Errors
    ///
    /// [`PaymentError::Declined`] or [`PaymentError::Unavailable`].
    fn charge(&mut self, customer: &str, cents: u32) -> Result<PaymentRef, PaymentError>;
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
    /// Prices the order, charges for it, stores it and tells the customer.
    ///
    /// # Errors
    ///
    /// [`PlaceOrderError`] when the order is empty or too large, or when the
    /// provider is unavailable (then nothing is stored and it can be retried).
    pub fn place_order(
        &mut self,
        customer: &str,
        lines: Vec<OrderLine>,
    ) -> Result<Order, PlaceOrderError> {
        if lines.is_empty() || lines.iter().any(|l| l.quantity == 0) {
            return Err(PlaceOrderError::Empty);
        }
        let total_cents = lines
            .iter()
            .try_fold(0u32, |sum, l| {
                sum.checked_add(l.quantity.checked_mul(l.unit_cents)?)
            })
            .ok_or(PlaceOrderError::TooLarge)?;
        let status = match self.payments.charge(customer, total_cents) {
            Ok(_) => OrderStatus::Paid,
            Err(PaymentError::Declined) => OrderStatus::PaymentDeclined,
            Err(PaymentError::Unavailable) => return Err(PlaceOrderError::PaymentUnavailable),
        };
        let order = Order {
            id: self.orders.next_id(),
            customer: customer.to_owned(),
            lines,
            total_cents,
            status,
        };
        self.orders.save(&order);
        let message = match status {
            OrderStatus::Paid => format!("order {} is paid and queued", order.id.0),
            OrderStatus::PaymentDeclined => format!("payment for order {} declined", order.id.0),
        };
        self.notifier.notify(customer, &message);
        Ok(order)
    }
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
}
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

/// Adapter: a payment provider that approves charges up to a limit.
#[derive(Debug, Clone)]
pub struct FakePaymentGateway {
    limit_cents: u32,
    /// When set, every charge fails as [`PaymentError::Unavailable`].
    pub down: bool,
    /// Approved charges, in order: (customer, cents).
    pub charges: Vec<(String, u32)>,
}

impl FakePaymentGateway {
    /// Approves every charge of at most `limit_cents`, declines the rest.
    #[must_use]
    pub fn with_limit(limit_cents: u32) -> Self {
        Self {
            limit_cents,
            down: false,
            charges: Vec::new(),
        }
    }
}

impl PaymentGateway for FakePaymentGateway {
    fn charge(&mut self, customer: &str, cents: u32) -> Result<PaymentRef, PaymentError> {
        if self.down {
            return Err(PaymentError::Unavailable);
        }
        if cents > self.limit_cents {
            return Err(PaymentError::Declined);
        }
        self.charges.push((customer.to_owned(), cents));
        Ok(PaymentRef(format!("pay-{}", self.charges.len())))
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
        let result = s.place_order("ben", vec![OrderLine::new("mocha", 1, 450)]);
        assert_eq!(result, Err(PlaceOrderError::PaymentUnavailable));
        assert!(s.orders().is_empty());
        assert!(s.notifier().sent.is_empty());
    }

    #[test]
    fn empty_and_overflowing_orders_are_refused_before_charging() {
        let mut s = service();
        assert_eq!(s.place_order("c", vec![]), Err(PlaceOrderError::Empty));
        assert_eq!(
            s.place_order("c", vec![OrderLine::new("tea", 0, 100)]),
            Err(PlaceOrderError::Empty)
        );
        assert_eq!(
            s.place_order("c", vec![OrderLine::new("tea", u32::MAX, 2)]),
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
        s.place_order("d", vec![OrderLine::new("espresso", 1, 250)])
            .unwrap();
        assert_eq!(s.notifier().0, 1);
    }
}
