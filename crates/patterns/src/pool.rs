//! A connection pool: reuse a few expensive connections (to the kitchen
//! service, to the database) instead of opening one per request.
//!
//! Opening a connection costs round trips (TCP, TLS, HTTP/2 or a database
//! handshake); a busy order service would spend more time connecting than
//! working, and the server would drown in connections. A pool keeps at most
//! `max_size` of them:
//!
//! - **checkout** hands out an idle connection (the most recently used, so
//!   the others can age out), or opens a new one below the limit, or puts the
//!   caller in a first-come-first-served queue;
//! - a queued caller gives up after `checkout_timeout` — better a fast error
//!   than a request that hangs;
//! - **checkin** health-checks the connection before reusing it; a broken
//!   one is closed, and a replacement is opened if someone is waiting;
//! - connections idle for longer than `idle_timeout` are closed, so a quiet
//!   night does not hold connections the server could give to others;
//! - a [`Lease`] is an RAII guard: dropped without a checkin (an early
//!   return, an error path, a panic), it goes back to the pool, which
//!   health-checks it at its next call like any checkin. Without that,
//!   every forgotten lease would shrink the pool for good, until
//!   `max_size` leaks later no caller ever got a connection again.
//!
//! Waiting is modelled without threads: a queued caller gets a [`Ticket`] and
//! [`Pool::claim`]s it later, and time comes from the injected
//! [`Clock`], so every timeout in the examples is exact.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::pool::{Checkout, Connector, Pool, PoolConfig, PoolError};
//! use std::time::Duration;
//!
//! struct Kitchen;
//! impl Connector for Kitchen {
//!     type Conn = &'static str;
//!     fn connect(&mut self) -> Result<Self::Conn, String> { Ok("channel") }
//!     fn is_healthy(&mut self, _: &Self::Conn) -> bool { true }
//! }
//!
//! let clock = ManualClock::new();
//! let config = PoolConfig {
//!     max_size: 1,
//!     checkout_timeout: Duration::from_millis(500),
//!     idle_timeout: Duration::from_secs(60),
//! };
//! let mut pool = Pool::new(Kitchen, config, clock.clone());
//! let Ok(Checkout::Ready(lease)) = pool.checkout() else { panic!() };
//! let Ok(Checkout::Queued(ticket)) = pool.checkout() else { panic!() };
//!
//! // The first caller returns its connection: the queued caller gets it.
//! pool.checkin(lease);
//! let second = pool.claim(ticket).unwrap();
//! assert!(second.is_some());
//!
//! // Nobody returns it this time: after 500 ms the next caller times out.
//! let Ok(Checkout::Queued(late)) = pool.checkout() else { panic!() };
//! clock.advance(Duration::from_millis(500));
//! assert_eq!(pool.claim(late).unwrap_err(), PoolError::Timeout);
//!
//! // The holder drops its lease without a checkin: the connection is back.
//! drop(second);
//! assert!(matches!(pool.checkout(), Ok(Checkout::Ready(_))));
//! ```

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use crate::clock::Clock;

/// Opens and checks connections for a [`Pool`].
pub trait Connector {
    /// The connection type.
    type Conn;

    /// Opens a new connection.
    ///
    /// # Errors
    ///
    /// Why the connection could not be opened.
    fn connect(&mut self) -> Result<Self::Conn, String>;

    /// Whether a returned connection can be reused (a ping, or the state of
    /// the underlying socket).
    fn is_healthy(&mut self, conn: &Self::Conn) -> bool;
}

/// Limits and timeouts of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolConfig {
    /// The most connections open at once, idle or in use.
    pub max_size: usize,
    /// How long a queued caller waits before [`PoolError::Timeout`].
    pub checkout_timeout: Duration,
    /// How long a connection may stay idle before it is closed.
    pub idle_timeout: Duration,
}

/// Connections whose leases were dropped, waiting for the pool's next call.
type Returns<T> = Arc<Mutex<Vec<(u64, T)>>>;

// ANCHOR: lease
// ANCHOR: solution
/// A connection checked out of the pool; give it back with [`Pool::checkin`].
/// Dropped instead, it returns to the pool by itself.
#[derive(Debug)]
#[must_use = "check the lease in with Pool::checkin (dropping it also returns it)"]
pub struct Lease<T> {
    id: u64,
    /// `Some` for the lease's whole life; taken by a checkin or the drop.
    conn: Option<T>,
    returns: Returns<T>,
}

impl<T> Drop for Lease<T> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut returns = self.returns.lock().unwrap_or_else(PoisonError::into_inner);
            returns.push((self.id, conn));
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: lease

impl<T> Lease<T> {
    /// The connection.
    ///
    /// # Panics
    ///
    /// Never: a lease holds its connection until it is checked in or dropped.
    pub fn conn(&mut self) -> &mut T {
        self.conn
            .as_mut()
            .expect("a live lease holds its connection")
    }

    /// The pool's id of this connection (ids are never reused).
    #[must_use]
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The id and the connection, leaving nothing for the drop to return.
    fn into_parts(mut self) -> (u64, T) {
        let conn = self.conn.take().expect("a live lease holds its connection");
        (self.id, conn)
    }
}

impl<T: PartialEq> PartialEq for Lease<T> {
    fn eq(&self, other: &Self) -> bool {
        (self.id, &self.conn) == (other.id, &other.conn)
    }
}

impl<T: Eq> Eq for Lease<T> {}

/// A place in the queue of callers waiting for a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket(u64);

/// The answer to a checkout.
#[derive(Debug, PartialEq, Eq)]
pub enum Checkout<T> {
    /// A connection, now.
    Ready(Lease<T>),
    /// The pool is at its limit: claim the ticket later.
    Queued(Ticket),
}

/// Why a caller got no connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolError {
    /// No connection came free within the checkout timeout.
    Timeout,
    /// Opening a new connection failed.
    Connect(String),
    /// The ticket is unknown or was already claimed.
    UnknownTicket,
}

/// Counts of a pool's connections and callers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open (idle, in use or handed to a waiter).
    pub open: usize,
    /// Connections idle in the pool (dropped leases included, until the
    /// pool's next call health-checks them).
    pub idle: usize,
    /// Callers waiting.
    pub waiting: usize,
    /// Connections opened so far.
    pub opened_total: u64,
    /// Connections closed as unhealthy or idle.
    pub closed_total: u64,
}

#[derive(Debug)]
struct Idle<T> {
    id: u64,
    conn: T,
    since: Duration,
}

/// A pool of connections made by a [`Connector`], timed by a [`Clock`].
#[derive(Debug)]
pub struct Pool<M: Connector, C: Clock> {
    connector: M,
    config: PoolConfig,
    clock: C,
    idle: Vec<Idle<M::Conn>>,
    waiting: VecDeque<(Ticket, Duration)>,
    handed_over: BTreeMap<Ticket, (u64, M::Conn)>,
    returns: Returns<M::Conn>,
    timed_out: BTreeSet<Ticket>,
    open: usize,
    next_id: u64,
    next_ticket: u64,
    opened_total: u64,
    closed_total: u64,
}

impl<M: Connector, C: Clock> Pool<M, C> {
    /// An empty pool; connections are opened on demand.
    ///
    /// # Panics
    ///
    /// Panics if `config.max_size` is zero.
    #[must_use]
    pub fn new(connector: M, config: PoolConfig, clock: C) -> Self {
        assert!(config.max_size > 0, "a pool needs room for one connection");
        Self {
            connector,
            config,
            clock,
            idle: Vec::new(),
            waiting: VecDeque::new(),
            handed_over: BTreeMap::new(),
            returns: Arc::default(),
            timed_out: BTreeSet::new(),
            open: 0,
            next_id: 0,
            next_ticket: 0,
            opened_total: 0,
            closed_total: 0,
        }
    }

    // ANCHOR: checkout
    // ANCHOR: solution
    /// A connection: the most recently returned idle one, else a new one if
    /// the pool is below `max_size`, else a place in the queue.
    ///
    /// # Errors
    ///
    /// [`PoolError::Connect`] if a new connection could not be opened.
    pub fn checkout(&mut self) -> Result<Checkout<M::Conn>, PoolError> {
        self.evict_idle();
        self.expire_waiters();
        if self.waiting.is_empty() {
            if let Some(idle) = self.idle.pop() {
                return Ok(Checkout::Ready(self.lease(idle.id, idle.conn)));
            }
            if self.open < self.config.max_size {
                let (id, conn) = self.open_connection()?;
                return Ok(Checkout::Ready(self.lease(id, conn)));
            }
        }
        let ticket = Ticket(self.next_ticket);
        self.next_ticket += 1;
        let deadline = self.clock.now() + self.config.checkout_timeout;
        self.waiting.push_back((ticket, deadline));
        Ok(Checkout::Queued(ticket))
    }

    // ANCHOR_END: solution
    // ANCHOR_END: checkout

    // ANCHOR: checkin
    // ANCHOR: solution
    /// Returns a connection. A broken one is closed (and replaced if someone
    /// is waiting); a healthy one goes to the oldest waiter, or to the idle
    /// set.
    pub fn checkin(&mut self, lease: Lease<M::Conn>) {
        self.collect_dropped();
        let (id, conn) = lease.into_parts();
        self.put_back(id, conn);
    }

    /// Checks in the connections of leases that were dropped; returns how
    /// many. Every other call of the pool does this first.
    pub fn collect_dropped(&mut self) -> usize {
        let dropped: Vec<(u64, M::Conn)> = {
            let mut returns = self.returns.lock().unwrap_or_else(PoisonError::into_inner);
            returns.drain(..).collect()
        };
        let count = dropped.len();
        for (id, conn) in dropped {
            self.put_back(id, conn);
        }
        count
    }

    fn put_back(&mut self, id: u64, conn: M::Conn) {
        self.expire_waiters();
        let (id, conn) = if self.connector.is_healthy(&conn) {
            (id, conn)
        } else {
            self.close();
            if self.waiting.is_empty() {
                return;
            }
            match self.open_connection() {
                Ok(fresh) => fresh,
                Err(_) => return, // the waiter will time out; a retry may succeed
            }
        };
        match self.waiting.pop_front() {
            Some((ticket, _)) => {
                self.handed_over.insert(ticket, (id, conn));
            }
            None => self.idle.push(Idle {
                id,
                conn,
                since: self.clock.now(),
            }),
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: checkin

    // ANCHOR: claim
    // ANCHOR: solution
    /// Collects the connection a queued caller is waiting for: `Some` once
    /// one was handed over, `None` while still waiting.
    ///
    /// # Errors
    ///
    /// [`PoolError::Timeout`] once the checkout timeout passed;
    /// [`PoolError::UnknownTicket`] for a ticket already claimed.
    pub fn claim(&mut self, ticket: Ticket) -> Result<Option<Lease<M::Conn>>, PoolError> {
        self.collect_dropped();
        if let Some((id, conn)) = self.handed_over.remove(&ticket) {
            return Ok(Some(self.lease(id, conn)));
        }
        self.expire_waiters();
        if self.timed_out.remove(&ticket) {
            return Err(PoolError::Timeout);
        }
        if self.waiting.iter().any(|(t, _)| *t == ticket) {
            Ok(None)
        } else {
            Err(PoolError::UnknownTicket)
        }
    }

    /// Closes connections idle for `idle_timeout` or longer; returns how many.
    pub fn evict_idle(&mut self) -> usize {
        self.collect_dropped();
        let now = self.clock.now();
        let before = self.idle.len();
        self.idle
            .retain(|idle| now - idle.since < self.config.idle_timeout);
        let evicted = before - self.idle.len();
        for _ in 0..evicted {
            self.close();
        }
        evicted
    }

    fn expire_waiters(&mut self) {
        let now = self.clock.now();
        while let Some(&(ticket, deadline)) = self.waiting.front() {
            if deadline > now {
                break; // deadlines grow along the queue
            }
            self.waiting.pop_front();
            self.timed_out.insert(ticket);
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: claim

    fn open_connection(&mut self) -> Result<(u64, M::Conn), PoolError> {
        let conn = self.connector.connect().map_err(PoolError::Connect)?;
        self.open += 1;
        self.opened_total += 1;
        self.next_id += 1;
        Ok((self.next_id, conn))
    }

    fn lease(&self, id: u64, conn: M::Conn) -> Lease<M::Conn> {
        Lease {
            id,
            conn: Some(conn),
            returns: Arc::clone(&self.returns),
        }
    }

    fn close(&mut self) {
        self.open -= 1;
        self.closed_total += 1;
    }

    /// The pool's counts right now.
    #[must_use]
    pub fn status(&self) -> PoolStatus {
        let dropped = self
            .returns
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        PoolStatus {
            open: self.open,
            idle: self.idle.len() + dropped,
            waiting: self.waiting.len(),
            opened_total: self.opened_total,
            closed_total: self.closed_total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Connections are numbers; the test decides which are broken.
    #[derive(Default, Clone)]
    struct Fake {
        broken: Rc<RefCell<BTreeSet<u32>>>,
        opened: u32,
        refuse: Rc<RefCell<bool>>,
    }

    impl Connector for Fake {
        type Conn = u32;
        fn connect(&mut self) -> Result<u32, String> {
            if *self.refuse.borrow() {
                return Err("connection refused".into());
            }
            self.opened += 1;
            Ok(self.opened)
        }
        fn is_healthy(&mut self, conn: &u32) -> bool {
            !self.broken.borrow().contains(conn)
        }
    }

    fn config(max_size: usize) -> PoolConfig {
        PoolConfig {
            max_size,
            checkout_timeout: Duration::from_millis(100),
            idle_timeout: Duration::from_secs(30),
        }
    }

    fn ready<T: std::fmt::Debug>(checkout: Result<Checkout<T>, PoolError>) -> Lease<T> {
        match checkout {
            Ok(Checkout::Ready(lease)) => lease,
            other => panic!("expected a connection, got {other:?}"),
        }
    }

    #[test]
    fn reuses_the_most_recently_returned_connection() {
        let mut pool = Pool::new(Fake::default(), config(3), ManualClock::new());
        let mut a = ready(pool.checkout());
        let mut b = ready(pool.checkout());
        assert_eq!((*a.conn(), *b.conn()), (1, 2));
        pool.checkin(a);
        pool.checkin(b);
        let mut again = ready(pool.checkout());
        assert_eq!(*again.conn(), 2);
        assert_eq!(pool.status().opened_total, 2);
    }

    #[test]
    fn broken_connections_are_replaced_for_waiters() {
        let fake = Fake::default();
        let broken = Rc::clone(&fake.broken);
        let mut pool = Pool::new(fake, config(1), ManualClock::new());
        let lease = ready(pool.checkout());
        let Ok(Checkout::Queued(ticket)) = pool.checkout() else {
            panic!()
        };
        broken.borrow_mut().insert(1);
        pool.checkin(lease);
        let mut fresh = pool.claim(ticket).unwrap().unwrap();
        assert_eq!(*fresh.conn(), 2);
        assert_eq!(
            pool.status(),
            PoolStatus {
                open: 1,
                idle: 0,
                waiting: 0,
                opened_total: 2,
                closed_total: 1
            }
        );
        assert_eq!(pool.claim(ticket).unwrap_err(), PoolError::UnknownTicket);
    }

    #[test]
    fn idle_connections_age_out() {
        let clock = ManualClock::new();
        let mut pool = Pool::new(Fake::default(), config(2), clock.clone());
        let a = ready(pool.checkout());
        let b = ready(pool.checkout());
        pool.checkin(a);
        clock.advance(Duration::from_secs(20));
        pool.checkin(b);
        clock.advance(Duration::from_secs(10)); // a idle 30 s, b idle 10 s
        assert_eq!(pool.evict_idle(), 1);
        assert_eq!(pool.status().open, 1);
    }

    /// A lease dropped on an error path: without the guard the pool of one
    /// stayed "full" for good and every later caller queued and timed out.
    #[test]
    fn a_dropped_lease_returns_to_the_pool() {
        let clock = ManualClock::new();
        let mut pool = Pool::new(Fake::default(), config(1), clock.clone());
        {
            let mut lease = ready(pool.checkout());
            assert_eq!(*lease.conn(), 1);
        } // dropped, not checked in
        assert_eq!(pool.status().idle, 1);
        let mut again = ready(pool.checkout());
        assert_eq!(*again.conn(), 1, "the same connection, reused");
        assert_eq!(pool.status().opened_total, 1);
        drop(again);
        assert_eq!(pool.collect_dropped(), 1);
        assert_eq!(pool.collect_dropped(), 0);
    }

    #[test]
    fn a_dropped_lease_goes_to_the_oldest_waiter_and_broken_ones_are_closed() {
        let fake = Fake::default();
        let broken = Rc::clone(&fake.broken);
        let mut pool = Pool::new(fake, config(1), ManualClock::new());
        let lease = ready(pool.checkout());
        let Ok(Checkout::Queued(ticket)) = pool.checkout() else {
            panic!()
        };
        drop(lease);
        let mut handed = pool.claim(ticket).unwrap().unwrap();
        assert_eq!(*handed.conn(), 1);
        broken.borrow_mut().insert(1);
        drop(handed);
        assert_eq!(pool.evict_idle(), 0);
        assert_eq!(pool.status().open, 0, "the broken connection was closed");
        assert_eq!(pool.status().closed_total, 1);
    }

    #[test]
    fn connect_failures_are_reported() {
        let fake = Fake::default();
        *fake.refuse.borrow_mut() = true;
        let mut pool = Pool::new(fake, config(1), ManualClock::new());
        assert_eq!(
            pool.checkout().unwrap_err(),
            PoolError::Connect("connection refused".into())
        );
        assert_eq!(pool.status().open, 0);
    }

    #[derive(Debug, Clone, Copy)]
    enum Op {
        Checkout,
        Checkin(usize),
        Claim(usize),
        Break(usize),
        Drop(usize),
        Advance(u64),
    }

    proptest! {
        /// Whatever callers do (dropping leases included), the pool never
        /// has more than `max_size` connections open, never hands one
        /// connection to two callers, and its count of open connections
        /// matches what is out and idle: nothing leaks.
        #[test]
        fn never_exceeds_its_limit_nor_shares_a_connection(
            max_size in 1usize..4,
            ops in proptest::collection::vec(prop_oneof![
                Just(Op::Checkout),
                (0usize..8).prop_map(Op::Checkin),
                (0usize..8).prop_map(Op::Claim),
                (0usize..8).prop_map(Op::Break),
                (0usize..8).prop_map(Op::Drop),
                (0u64..80).prop_map(Op::Advance),
            ], 0..120),
        ) {
            let clock = ManualClock::new();
            let fake = Fake::default();
            let broken = Rc::clone(&fake.broken);
            let mut pool = Pool::new(fake, config(max_size), clock.clone());
            let mut held: Vec<Lease<u32>> = Vec::new();
            let mut tickets: Vec<Ticket> = Vec::new();
            for op in ops {
                match op {
                    Op::Checkout => match pool.checkout().unwrap() {
                        Checkout::Ready(lease) => held.push(lease),
                        Checkout::Queued(ticket) => tickets.push(ticket),
                    },
                    Op::Checkin(i) if !held.is_empty() => {
                        let lease = held.remove(i % held.len());
                        pool.checkin(lease);
                    }
                    Op::Claim(i) if !tickets.is_empty() => {
                        let ticket = tickets[i % tickets.len()];
                        match pool.claim(ticket) {
                            Ok(Some(lease)) => { held.push(lease); tickets.retain(|t| *t != ticket); }
                            Ok(None) => {}
                            Err(_) => tickets.retain(|t| *t != ticket),
                        }
                    }
                    Op::Break(i) if !held.is_empty() => {
                        let mut lease = held.remove(i % held.len());
                        broken.borrow_mut().insert(*lease.conn());
                        pool.checkin(lease);
                    }
                    Op::Drop(i) if !held.is_empty() => drop(held.remove(i % held.len())),
                    Op::Advance(ms) => clock.advance(Duration::from_millis(ms)),
                    _ => {}
                }
                let status = pool.status();
                prop_assert!(status.open <= max_size);
                let mut ids: Vec<u64> = held.iter().map(Lease::id).collect();
                ids.sort_unstable();
                ids.dedup();
                prop_assert_eq!(ids.len(), held.len());
                prop_assert_eq!(status.open, held.len() + status.idle + pool.handed_over.len());
            }
        }
    }
}
