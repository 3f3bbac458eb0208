//! A smart coffee machine that decides on its own when it is offline and
//! catches up with the cloud when it is back.
//!
//! The machine keeps three replicated things, merged with the cloud on every
//! sync (see [`edge_crdt`](crate::edge_crdt)): the fleet menu (an
//! [`OrSet`]), the prices (an [`LwwMap`] stamped by hybrid logical clocks),
//! and the fleet's cup count (a [`GCounter`] with one slot per machine). Its
//! bean hopper is a local physical fact and is not replicated at all. Sales
//! go into a durable [`Outbox`] and are shipped on sync.
//!
//! Every decision to brew is local: is the drink on the menu as this machine
//! last knew it, is there a price, are there enough beans. None of them waits
//! for the network, so a lost uplink costs freshness (a price change arrives
//! late), never sales. The cloud receives each sale at least once and keeps
//! it exactly once, by `(machine, seq)`.
//!
//! # Example: selling offline, settling later
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::edge_machine::{Cloud, CoffeeMachine, Refusal};
//! # let dir = std::env::temp_dir().join(format!("edge-machine-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir).unwrap();
//! # let path = dir.join("m7.outbox");
//! # let _ = std::fs::remove_file(&path);
//!
//! let clock = ManualClock::new();
//! let mut cloud = Cloud::new(clock.clone());
//! cloud.add_drink("espresso", 250);
//! let mut machine = CoffeeMachine::open(7, clock.clone(), &path, 36).unwrap();
//! machine.sync(&mut cloud).unwrap();
//!
//! // The uplink is down: the machine still sells, from what it knows.
//! assert_eq!(machine.brew("espresso", 18).unwrap(), 250);
//! assert_eq!(machine.brew("espresso", 18).unwrap(), 250);
//! assert_eq!(machine.brew("espresso", 18), Err(Refusal::OutOfBeans { have: 0, need: 18 }));
//! assert_eq!(machine.brew("latte", 18), Err(Refusal::NotOnMenu));
//!
//! assert_eq!(machine.sync(&mut cloud).unwrap(), 2);
//! assert_eq!(cloud.revenue(), 500);
//! assert_eq!(cloud.cups_brewed(), 2);
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use crate::clock::Clock;
use crate::edge_crdt::{GCounter, LwwMap, Merge, OrSet, ReplicaId};
use crate::hlc::Hlc;
use crate::outbox::{Outbox, OutboxError};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

/// The largest clock difference a machine accepts from the cloud.
const MAX_OFFSET: Duration = Duration::from_secs(5);
/// The cloud's replica id; machines use their own.
const CLOUD: ReplicaId = 0;

/// Why the machine would not brew.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The drink is not on the menu as this machine knows it.
    NotOnMenu,
    /// The drink has no price yet.
    NoPrice,
    /// Not enough beans in the hopper.
    OutOfBeans {
        /// Grams left.
        have: u32,
        /// Grams one cup needs.
        need: u32,
    },
    /// The sale could not be written to the outbox, so it did not happen.
    Storage(String),
}

/// The cloud side: the fleet's menu and prices, and the sales it has kept.
#[derive(Debug)]
pub struct Cloud<C: Clock> {
    hlc: Hlc<C>,
    menu: OrSet<String>,
    prices: LwwMap<String, u32>,
    cups: GCounter,
    seen: BTreeSet<(ReplicaId, u64)>,
    revenue: u64,
}

impl<C: Clock> Cloud<C> {
    /// An empty fleet backend.
    pub fn new(clock: C) -> Self {
        Self {
            hlc: Hlc::new(CLOUD, clock, MAX_OFFSET),
            menu: OrSet::new(),
            prices: LwwMap::new(),
            cups: GCounter::new(),
            seen: BTreeSet::new(),
            revenue: 0,
        }
    }

    /// Puts a drink on the menu at a price (in cents).
    pub fn add_drink(&mut self, name: &str, cents: u32) {
        self.menu.add(CLOUD, name.to_owned());
        self.set_price(name, cents);
    }

    /// Changes a price, stamped with the cloud's clock.
    pub fn set_price(&mut self, name: &str, cents: u32) {
        let at = self.hlc.now();
        self.prices.set(name.to_owned(), cents, at);
    }

    /// Takes a drink off the menu.
    pub fn remove_drink(&mut self, name: &str) {
        self.menu.remove(&name.to_owned());
    }

    /// Keeps a sale unless this `(machine, seq)` was kept before.
    fn receive(&mut self, machine: ReplicaId, seq: u64, payload: &[u8]) -> bool {
        if !self.seen.insert((machine, seq)) {
            return false; // a redelivery after a lost ack
        }
        let cents = std::str::from_utf8(payload)
            .ok()
            .and_then(|s| s.rsplit(' ').next())
            .and_then(|c| c.parse::<u64>().ok())
            .unwrap_or(0);
        self.revenue += cents;
        true
    }

    /// Revenue from every sale kept, in cents.
    pub fn revenue(&self) -> u64 {
        self.revenue
    }

    /// Cups brewed across the fleet, as far as the cloud has heard.
    pub fn cups_brewed(&self) -> u64 {
        self.cups.value()
    }
}

// ANCHOR: machine
// ANCHOR: solution
/// One coffee machine at the edge.
#[derive(Debug)]
pub struct CoffeeMachine<C: Clock> {
    id: ReplicaId,
    hlc: Hlc<C>,
    menu: OrSet<String>,
    prices: LwwMap<String, u32>,
    cups: GCounter,
    beans_g: u32,
    outbox: Outbox,
}

impl<C: Clock> CoffeeMachine<C> {
    /// Starts machine `id` (not 0, which is the cloud) with `beans_g` grams
    /// of beans, reopening its outbox at `outbox` if it exists.
    ///
    /// # Errors
    ///
    /// The outbox's error if it cannot be opened.
    ///
    /// # Panics
    ///
    /// Panics if `id` is 0.
    pub fn open(id: ReplicaId, clock: C, outbox: &Path, beans_g: u32) -> Result<Self, OutboxError> {
        assert_ne!(id, CLOUD, "replica 0 is the cloud");
        Ok(Self {
            id,
            hlc: Hlc::new(id, clock, MAX_OFFSET),
            menu: OrSet::new(),
            prices: LwwMap::new(),
            cups: GCounter::new(),
            beans_g,
            outbox: Outbox::open(outbox)?,
        })
    }

    /// Decides locally whether to brew `drink` with `dose_g` grams of beans;
    /// returns the price charged, in cents.
    ///
    /// # Errors
    ///
    /// A [`Refusal`] saying why not; nothing changes then.
    pub fn brew(&mut self, drink: &str, dose_g: u32) -> Result<u32, Refusal> {
        let name = drink.to_owned();
        if !self.menu.contains(&name) {
            return Err(Refusal::NotOnMenu);
        }
        let price = *self.prices.get(&name).ok_or(Refusal::NoPrice)?;
        if self.beans_g < dose_g {
            return Err(Refusal::OutOfBeans {
                have: self.beans_g,
                need: dose_g,
            });
        }
        let at = self.hlc.now();
        let sale = format!("sale {drink} {}.{} {price}", at.wall_ms, at.logical);
        self.outbox
            .enqueue(sale.as_bytes())
            .map_err(|e| Refusal::Storage(e.to_string()))?;
        self.beans_g -= dose_g;
        self.cups.add(self.id, 1);
        Ok(price)
    }

    /// Exchanges state with the cloud: ships the pending sales (acking each
    /// the cloud confirms), and merges menu, prices and cup counts both ways.
    /// Returns how many sales the cloud kept for the first time.
    ///
    /// # Errors
    ///
    /// The outbox's error if an ack cannot be written; the sale is then sent
    /// again next time and the cloud drops the duplicate.
    pub fn sync(&mut self, cloud: &mut Cloud<C>) -> Result<usize, OutboxError> {
        let pending: Vec<(u64, Vec<u8>)> = self
            .outbox
            .pending()
            .map(|(s, p)| (s, p.to_vec()))
            .collect();
        let mut kept = 0;
        for (seq, payload) in pending {
            kept += usize::from(cloud.receive(self.id, seq, &payload));
            self.outbox.ack(seq)?;
        }
        cloud.cups.merge(&self.cups);
        self.cups.merge(&cloud.cups);
        cloud.menu.merge(&self.menu);
        self.menu.merge(&cloud.menu);
        self.prices.merge(&cloud.prices);
        cloud.prices.merge(&self.prices);
        // Keep the machine's clock ahead of everything it has now seen. A
        // cloud clock beyond MAX_OFFSET is refused by the HLC and simply not
        // adopted: the merged prices are still right, only later local
        // stamps do not jump forward with it.
        let _refused_if_skewed = self.hlc.observe(cloud.hlc.last());
        Ok(kept)
    }

    /// Ships the pending sales but "crashes" before writing the acks: what a
    /// power cut between the cloud's reply and the ack looks like.
    pub fn deliver_without_ack(&self, cloud: &mut Cloud<C>) -> usize {
        self.outbox
            .pending()
            .filter(|&(seq, payload)| cloud.receive(self.id, seq, payload))
            .count()
    }

    /// Sales not yet confirmed by the cloud.
    pub fn unsynced_sales(&self) -> usize {
        self.outbox.pending().count()
    }
}
// ANCHOR_END: solution
// ANCHOR_END: machine

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn setup() -> (tempfile::TempDir, ManualClock, Cloud<ManualClock>) {
        let clock = ManualClock::new();
        clock.advance(Duration::from_secs(1));
        let mut cloud = Cloud::new(clock.clone());
        cloud.add_drink("espresso", 250);
        cloud.add_drink("flat white", 350);
        (tempfile::tempdir().unwrap(), clock, cloud)
    }

    #[test]
    fn a_sale_made_before_a_power_cut_is_kept_exactly_once() {
        let (dir, clock, mut cloud) = setup();
        let path = dir.path().join("m1.outbox");
        let mut m = CoffeeMachine::open(1, clock.clone(), &path, 1000).unwrap();
        m.sync(&mut cloud).unwrap();
        m.brew("flat white", 18).unwrap();
        m.brew("espresso", 18).unwrap();
        // The cloud gets both, then the machine loses power before acking.
        assert_eq!(m.deliver_without_ack(&mut cloud), 2);
        drop(m);

        let mut m = CoffeeMachine::open(1, clock, &path, 964).unwrap();
        assert_eq!(m.unsynced_sales(), 2, "the outbox file kept them");
        assert_eq!(
            m.sync(&mut cloud).unwrap(),
            0,
            "redelivered, recognised, dropped"
        );
        assert_eq!(m.unsynced_sales(), 0);
        assert_eq!(cloud.revenue(), 600);
    }

    #[test]
    fn offline_the_machine_uses_the_last_price_it_knew() {
        let (dir, clock, mut cloud) = setup();
        let mut m =
            CoffeeMachine::open(2, clock.clone(), &dir.path().join("m2.outbox"), 1000).unwrap();
        m.sync(&mut cloud).unwrap();
        clock.advance(Duration::from_secs(60));
        cloud.set_price("espresso", 275);
        cloud.remove_drink("flat white");
        // Not synced yet: old price, old menu.
        assert_eq!(m.brew("espresso", 18), Ok(250));
        assert_eq!(m.brew("flat white", 18), Ok(350));
        m.sync(&mut cloud).unwrap();
        assert_eq!(m.brew("espresso", 18), Ok(275));
        assert_eq!(m.brew("flat white", 18), Err(Refusal::NotOnMenu));
        assert_eq!(cloud.revenue(), 600);
    }

    #[test]
    fn the_fleet_cup_count_converges_across_machines() {
        let (dir, clock, mut cloud) = setup();
        let mut a = CoffeeMachine::open(1, clock.clone(), &dir.path().join("a"), 1000).unwrap();
        let mut b = CoffeeMachine::open(2, clock.clone(), &dir.path().join("b"), 1000).unwrap();
        a.sync(&mut cloud).unwrap();
        b.sync(&mut cloud).unwrap();
        for _ in 0..3 {
            a.brew("espresso", 18).unwrap();
        }
        b.brew("espresso", 18).unwrap();
        b.sync(&mut cloud).unwrap();
        a.sync(&mut cloud).unwrap();
        a.sync(&mut cloud).unwrap(); // a repeated sync changes nothing
        assert_eq!(cloud.cups_brewed(), 4);
        assert_eq!(a.cups.value(), 4);
        assert_eq!(b.cups.value(), 1, "b has not heard of a's cups yet");
        b.sync(&mut cloud).unwrap();
        assert_eq!(b.cups, a.cups);
    }
}
