//! The back-of-envelope estimates of the interview prompt library, computed.
//!
//! Every prompt of the book's interview library states the inputs an
//! interviewer gives (or a candidate should ask for) and the figures that
//! follow. This module computes those figures from those inputs, mostly with
//! [`capacity`](crate::capacity), so that the prompt pages, this code and the
//! numbers a candidate is held to agree: a test reads the library's TOML and
//! compares each stated figure with [`for_prompt`]'s.
//!
//! An interviewer listens for three things in an estimate: that the
//! candidate derives the rate from users and habits (not a guessed QPS),
//! that the peak rather than the average sizes the fleet, and that the
//! figure changes the design ("50 MB of shops fits in memory on every
//! node", "4.6 million tokens a second is a GPU fleet, not a server").
//!
//! ```
//! use coffee_patterns::estimates;
//!
//! let locator = estimates::coffee_shop_locator();
//! // 5 M users × 2 searches ÷ 86 400 s, × 3 at the morning peak.
//! assert_eq!(locator.figure("Peak searches per second"), Some(347.0));
//! // Every shop of the index fits in memory on each node.
//! assert_eq!(locator.figure("Shop index size"), Some(50.0));
//! assert_eq!(locator.figure("Search servers"), Some(2.0));
//!
//! // Every prompt of the library has its estimate, and none is empty.
//! assert_eq!(estimates::all().len(), 12);
//! assert!(estimates::all().iter().all(|p| !p.figures.is_empty()));
//! ```

use crate::capacity::{SECONDS_PER_DAY, ServerProfile, Workload};

/// One number of an estimate, as the prompt page shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figure {
    /// What it is ("Peak searches per second").
    pub name: &'static str,
    /// Its exact value, in `unit`.
    pub value: f64,
    /// Its unit ("req/s", "GB"; empty for a count).
    pub unit: &'static str,
    /// The decimals the page shows.
    pub decimals: u8,
}

impl Figure {
    /// The value rounded to the decimals shown: what the page states.
    #[must_use]
    pub fn shown(&self) -> f64 {
        let scale = 10f64.powi(i32::from(self.decimals));
        (self.value * scale).round() / scale
    }
}

/// A prompt's estimate: the inputs it states and the figures computed.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptEstimate {
    /// The prompt's ID in the library.
    pub prompt: &'static str,
    /// The stated inputs.
    pub inputs: Vec<Figure>,
    /// What follows from them.
    pub figures: Vec<Figure>,
}

impl PromptEstimate {
    /// The shown value of the figure (or input) called `name`.
    #[must_use]
    pub fn figure(&self, name: &str) -> Option<f64> {
        self.inputs
            .iter()
            .chain(&self.figures)
            .find(|f| f.name == name)
            .map(Figure::shown)
    }
}

const fn fig(name: &'static str, value: f64, unit: &'static str, decimals: u8) -> Figure {
    Figure {
        name,
        value,
        unit,
        decimals,
    }
}

/// Bytes in a kilobyte, megabyte and gigabyte (decimal units).
const KB: f64 = 1e3;
const MB: f64 = 1e6;
const GB: f64 = 1e9;

/// Servers for `peak` requests a second on `server`: ⌈peak ÷ usable⌉ + spares.
fn servers(peak: f64, server: &ServerProfile) -> f64 {
    (peak / (server.max_qps * server.target_utilisation)).ceil() + f64::from(server.spares)
}

/// The inputs every server sizing states.
fn server_inputs(server: &ServerProfile, what: &'static str) -> [Figure; 3] {
    [
        fig(what, server.max_qps, "req/s", 0),
        fig(
            "Target utilisation",
            server.target_utilisation * 100.0,
            "%",
            0,
        ),
        fig("Spare servers", f64::from(server.spares), "", 0),
    ]
}

/// Every prompt's estimate, in the library's order.
#[must_use]
pub fn all() -> Vec<PromptEstimate> {
    vec![
        coffee_shop_locator(),
        menu_api(),
        loyalty_points(),
        order_status_notifications(),
        shop_reviews(),
        api_rate_limiter(),
        coffee_delivery(),
        coffee_subscription(),
        payment_processing(),
        black_friday_ordering(),
        global_marketplace(),
        ai_agent_platform(),
    ]
}

/// The estimate of the prompt with ID `prompt`, if there is one.
#[must_use]
pub fn for_prompt(prompt: &str) -> Option<PromptEstimate> {
    all().into_iter().find(|p| p.prompt == prompt)
}

// ANCHOR: locator
/// The coffee shop locator: read-only searches over a small, slowly
/// changing set of shops.
///
/// ```
/// let e = coffee_patterns::estimates::coffee_shop_locator();
/// assert_eq!(e.figure("Average searches per second"), Some(116.0));
/// assert_eq!(e.figure("Peak egress"), Some(1.7)); // MB/s: nothing
/// ```
#[must_use]
pub fn coffee_shop_locator() -> PromptEstimate {
    let (users, searches, peak, shops, shop_bytes, response) =
        (5_000_000, 2.0, 3.0, 50_000.0, 1_000.0, 5_000);
    let server = ServerProfile {
        max_qps: 2_000.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    let e = Workload {
        daily_active_users: users,
        requests_per_user: searches,
        peak_factor: peak,
        write_ratio: 0.0,
        bytes_per_write: 0,
        bytes_per_response: response,
    }
    .estimate(&server);
    let mut inputs = vec![
        fig("Daily active users", users as f64, "", 0),
        fig("Searches per user per day", searches, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Shops", shops, "", 0),
        fig("Bytes per shop record", shop_bytes, "B", 0),
        fig("Bytes per search response", response as f64, "B", 0),
    ];
    inputs.extend(server_inputs(&server, "One search server"));
    PromptEstimate {
        prompt: "coffee-shop-locator",
        inputs,
        figures: vec![
            fig("Average searches per second", e.average_qps, "req/s", 0),
            fig("Peak searches per second", e.peak_qps, "req/s", 0),
            fig("Shop index size", shops * shop_bytes / MB, "MB", 0),
            fig("Peak egress", e.peak_egress / MB, "MB/s", 1),
            fig("Search servers", f64::from(e.servers), "", 0),
        ],
    }
}
// ANCHOR_END: locator

/// The menu API: a read-heavy document per shop behind a cache; only the
/// misses reach the origin.
///
/// ```
/// let e = coffee_patterns::estimates::menu_api();
/// assert_eq!(e.figure("Peak menu reads per second"), Some(1157.0));
/// // A 95 % hit ratio leaves the origin 5 % of the peak.
/// assert_eq!(e.figure("Origin reads per second at the peak"), Some(58.0));
/// assert_eq!(e.figure("Origin servers"), Some(2.0));
/// ```
#[must_use]
pub fn menu_api() -> PromptEstimate {
    let (users, reads, peak, shops, menu_bytes, changes, hit) =
        (5_000_000, 4.0, 5.0, 50_000.0, 20_000, 2.0, 0.95);
    let server = ServerProfile {
        max_qps: 500.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    let e = Workload {
        daily_active_users: users,
        requests_per_user: reads,
        peak_factor: peak,
        write_ratio: 0.0,
        bytes_per_write: 0,
        bytes_per_response: menu_bytes,
    }
    .estimate(&server);
    let origin = e.peak_qps * (1.0 - hit);
    let mut inputs = vec![
        fig("Daily active users", users as f64, "", 0),
        fig("Menu reads per user per day", reads, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Shops", shops, "", 0),
        fig("Bytes per menu", menu_bytes as f64, "B", 0),
        fig("Menu changes per shop per day", changes, "", 0),
        fig("Cache hit ratio", hit * 100.0, "%", 0),
    ];
    inputs.extend(server_inputs(&server, "One origin server"));
    PromptEstimate {
        prompt: "menu-api",
        inputs,
        figures: vec![
            fig("Average menu reads per second", e.average_qps, "req/s", 0),
            fig("Peak menu reads per second", e.peak_qps, "req/s", 0),
            fig("Origin reads per second at the peak", origin, "req/s", 0),
            fig("Origin servers", servers(origin, &server), "", 0),
            fig("All menus", shops * menu_bytes as f64 / GB, "GB", 1),
            fig("Peak egress from the cache", e.peak_egress / MB, "MB/s", 1),
            fig(
                "Menu changes per second",
                shops * changes / SECONDS_PER_DAY,
                "writes/s",
                1,
            ),
        ],
    }
}

/// Loyalty points: an append-only ledger written once per order and read
/// twice (the balance before and after).
///
/// ```
/// let e = coffee_patterns::estimates::loyalty_points();
/// assert_eq!(e.figure("Peak ledger writes per second"), Some(139.0));
/// assert_eq!(e.figure("Ledger growth per year"), Some(219.0)); // GB
/// assert_eq!(e.figure("Ledger size after seven years"), Some(1.5)); // TB
/// ```
#[must_use]
pub fn loyalty_points() -> PromptEstimate {
    let (orders, per_order, peak, entry_bytes, years) = (3_000_000, 3.0, 4.0, 200, 7.0);
    let server = ServerProfile {
        max_qps: 1_000.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    // One earn entry and two balance reads per order.
    let e = Workload {
        daily_active_users: orders,
        requests_per_user: per_order,
        peak_factor: peak,
        write_ratio: 1.0 / per_order,
        bytes_per_write: entry_bytes,
        bytes_per_response: 500,
    }
    .estimate(&server);
    let mut inputs = vec![
        fig("Orders per day", orders as f64, "", 0),
        fig("Requests per order (1 write, 2 reads)", per_order, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Bytes per ledger entry", entry_bytes as f64, "B", 0),
        fig("Years the ledger is kept", years, "", 0),
    ];
    inputs.extend(server_inputs(&server, "One ledger server"));
    PromptEstimate {
        prompt: "loyalty-points",
        inputs,
        figures: vec![
            fig(
                "Average ledger writes per second",
                e.average_qps / per_order,
                "writes/s",
                0,
            ),
            fig(
                "Peak ledger writes per second",
                e.peak_qps / per_order,
                "writes/s",
                0,
            ),
            fig("Peak requests per second", e.peak_qps, "req/s", 0),
            fig(
                "Ledger growth per day",
                e.storage_per_day as f64 / GB,
                "GB",
                1,
            ),
            fig(
                "Ledger growth per year",
                e.storage_per_year as f64 / GB,
                "GB",
                0,
            ),
            fig(
                "Ledger size after seven years",
                e.storage_per_year as f64 * years / 1e12,
                "TB",
                1,
            ),
            fig("Ledger servers", f64::from(e.servers), "", 0),
        ],
    }
}

/// Order status notifications: every status change of an order fans out to
/// each of the customer's devices.
///
/// ```
/// let e = coffee_patterns::estimates::order_status_notifications();
/// assert_eq!(e.figure("Peak status events per second"), Some(694.0));
/// assert_eq!(e.figure("Peak pushes per second"), Some(1042.0));
/// assert_eq!(e.figure("Push workers"), Some(5.0)); // ⌈1042 ÷ 300⌉ + 1
/// ```
#[must_use]
pub fn order_status_notifications() -> PromptEstimate {
    let (orders, changes, peak, devices, event_bytes) = (3_000_000, 4.0, 5.0, 1.5, 500);
    let worker = ServerProfile {
        max_qps: 500.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    let e = Workload {
        daily_active_users: orders,
        requests_per_user: changes,
        peak_factor: peak,
        write_ratio: 1.0,
        bytes_per_write: event_bytes,
        bytes_per_response: 0,
    }
    .estimate(&worker);
    let pushes = e.peak_qps * devices;
    let mut inputs = vec![
        fig("Orders per day", orders as f64, "", 0),
        fig("Status changes per order", changes, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Devices per customer", devices, "", 1),
        fig("Bytes per stored event", event_bytes as f64, "B", 0),
    ];
    inputs.extend(server_inputs(&worker, "One push worker"));
    PromptEstimate {
        prompt: "order-status-notifications",
        inputs,
        figures: vec![
            fig(
                "Average status events per second",
                e.average_qps,
                "events/s",
                0,
            ),
            fig("Peak status events per second", e.peak_qps, "events/s", 0),
            fig("Peak pushes per second", pushes, "pushes/s", 0),
            fig("Push workers", servers(pushes, &worker), "", 0),
            fig("Event log per day", e.storage_per_day as f64 / GB, "GB", 1),
        ],
    }
}

/// Shop ratings and reviews: many reads of few writes; the average rating
/// is kept, not computed per read.
///
/// ```
/// let e = coffee_patterns::estimates::shop_reviews();
/// assert_eq!(e.figure("Peak requests per second"), Some(528.0));
/// assert_eq!(e.figure("Peak review writes per second"), Some(7.0));
/// assert_eq!(e.figure("Review storage per year"), Some(146.0)); // GB
/// ```
#[must_use]
pub fn shop_reviews() -> PromptEstimate {
    let (users, reads, written, peak, review_bytes) = (5_000_000, 3.0, 200_000.0, 3.0, 2_000);
    let server = ServerProfile {
        max_qps: 1_000.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    let writes_per_user = written / users as f64;
    let e = Workload {
        daily_active_users: users,
        requests_per_user: reads + writes_per_user,
        peak_factor: peak,
        write_ratio: writes_per_user / (reads + writes_per_user),
        bytes_per_write: review_bytes,
        bytes_per_response: 8_000,
    }
    .estimate(&server);
    let mut inputs = vec![
        fig("Daily active users", users as f64, "", 0),
        fig("Review page reads per user per day", reads, "", 0),
        fig("Reviews written per day", written, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Bytes per review", review_bytes as f64, "B", 0),
    ];
    inputs.extend(server_inputs(&server, "One review server"));
    PromptEstimate {
        prompt: "shop-reviews",
        inputs,
        figures: vec![
            fig("Average requests per second", e.average_qps, "req/s", 0),
            fig("Peak requests per second", e.peak_qps, "req/s", 0),
            fig(
                "Peak review writes per second",
                written / SECONDS_PER_DAY * peak,
                "writes/s",
                0,
            ),
            fig(
                "Review storage per year",
                e.storage_per_year as f64 / GB,
                "GB",
                0,
            ),
            fig("Review servers", f64::from(e.servers), "", 0),
        ],
    }
}

/// A rate limiter in front of the ordering API: one counter per API key,
/// checked on every request.
///
/// ```
/// let e = coffee_patterns::estimates::api_rate_limiter();
/// assert_eq!(e.figure("Peak checks per second"), Some(2315.0));
/// assert_eq!(e.figure("Counter memory"), Some(64.0)); // MB: one node holds it
/// ```
#[must_use]
pub fn api_rate_limiter() -> PromptEstimate {
    let (keys, per_key, peak, counter_bytes) = (1_000_000, 50.0, 4.0, 64.0);
    let node = ServerProfile {
        max_qps: 50_000.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    let e = Workload {
        daily_active_users: keys,
        requests_per_user: per_key,
        peak_factor: peak,
        write_ratio: 0.0,
        bytes_per_write: 0,
        bytes_per_response: 0,
    }
    .estimate(&node);
    let mut inputs = vec![
        fig("Active API keys", keys as f64, "", 0),
        fig("Requests per key per day", per_key, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Bytes per counter", counter_bytes, "B", 0),
    ];
    inputs.extend(server_inputs(&node, "One limiter node"));
    PromptEstimate {
        prompt: "api-rate-limiter",
        inputs,
        figures: vec![
            fig("Average checks per second", e.average_qps, "req/s", 0),
            fig("Peak checks per second", e.peak_qps, "req/s", 0),
            fig("Counter memory", keys as f64 * counter_bytes / MB, "MB", 0),
            fig("Limiter nodes", f64::from(e.servers), "", 0),
        ],
    }
}

/// Coffee delivery: orders are few; the couriers' location updates are the
/// load.
///
/// ```
/// let e = coffee_patterns::estimates::coffee_delivery();
/// assert_eq!(e.figure("Peak orders per second"), Some(23.1));
/// // 20 000 couriers, one update every 4 s: 200 times the orders.
/// assert_eq!(e.figure("Location updates per second at the peak"), Some(5000.0));
/// assert_eq!(e.figure("Location ingest nodes"), Some(3.0));
/// ```
#[must_use]
pub fn coffee_delivery() -> PromptEstimate {
    let (deliveries, peak, couriers, every_s, update_bytes) = (500_000, 4.0, 20_000.0, 4.0, 100.0);
    let ingest = ServerProfile {
        max_qps: 5_000.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    let orders = Workload {
        daily_active_users: deliveries,
        requests_per_user: 1.0,
        peak_factor: peak,
        write_ratio: 1.0,
        bytes_per_write: 3_000,
        bytes_per_response: 0,
    }
    .estimate(&ingest);
    let updates = couriers / every_s;
    let mut inputs = vec![
        fig("Deliveries per day", deliveries as f64, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Couriers online at the peak", couriers, "", 0),
        fig("Seconds between location updates", every_s, "s", 0),
        fig("Bytes per location update", update_bytes, "B", 0),
    ];
    inputs.extend(server_inputs(&ingest, "One ingest node"));
    PromptEstimate {
        prompt: "coffee-delivery",
        inputs,
        figures: vec![
            fig(
                "Average orders per second",
                orders.average_qps,
                "orders/s",
                1,
            ),
            fig("Peak orders per second", orders.peak_qps, "orders/s", 1),
            fig(
                "Location updates per second at the peak",
                updates,
                "updates/s",
                0,
            ),
            fig("Location ingest nodes", servers(updates, &ingest), "", 0),
            fig(
                "Location bandwidth in",
                updates * update_bytes / MB,
                "MB/s",
                1,
            ),
            fig(
                "Location history per day (upper bound)",
                updates * SECONDS_PER_DAY * update_bytes / GB,
                "GB",
                1,
            ),
        ],
    }
}

/// A coffee subscription: renewals are charged in a window of the night;
/// the daily cup is redeemed at the morning peak.
///
/// ```
/// let e = coffee_patterns::estimates::coffee_subscription();
/// assert_eq!(e.figure("Renewals per day"), Some(66667.0));
/// assert_eq!(e.figure("Charges per second in the window"), Some(3.1));
/// assert_eq!(e.figure("Retried charges per day"), Some(10000.0));
/// ```
#[must_use]
pub fn coffee_subscription() -> PromptEstimate {
    let (subscribers, period_days, window_h, failure, retries, peak, key_bytes) =
        (2_000_000, 30.0, 6.0, 0.05, 3.0, 4.0, 200.0);
    let server = ServerProfile {
        max_qps: 500.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    let renewals = subscribers as f64 / period_days;
    let redemptions = Workload {
        daily_active_users: subscribers,
        requests_per_user: 1.0,
        peak_factor: peak,
        write_ratio: 1.0,
        bytes_per_write: 300,
        bytes_per_response: 1_000,
    }
    .estimate(&server);
    let mut inputs = vec![
        fig("Subscribers", subscribers as f64, "", 0),
        fig("Billing period", period_days, "days", 0),
        fig("Charging window", window_h, "hours", 0),
        fig("Charges that fail the first time", failure * 100.0, "%", 0),
        fig("Retries per failed charge", retries, "", 0),
        fig("Peak factor of redemptions", peak, "×", 0),
        fig("Bytes per idempotency key", key_bytes, "B", 0),
    ];
    inputs.extend(server_inputs(&server, "One subscription server"));
    PromptEstimate {
        prompt: "coffee-subscription",
        inputs,
        figures: vec![
            fig("Renewals per day", renewals, "", 0),
            fig(
                "Charges per second in the window",
                renewals / (window_h * 3_600.0),
                "charges/s",
                1,
            ),
            fig(
                "Retried charges per day",
                renewals * failure * retries,
                "",
                0,
            ),
            fig(
                "Peak redemptions per second",
                redemptions.peak_qps,
                "req/s",
                0,
            ),
            fig(
                "Idempotency keys kept for a period",
                renewals * (1.0 + failure * retries) * period_days * key_bytes / MB,
                "MB",
                0,
            ),
            fig(
                "Subscription servers",
                f64::from(redemptions.servers),
                "",
                0,
            ),
        ],
    }
}

/// Payment processing: the provider's latency, not the rate, sizes the
/// fleet (Little's law: in flight = rate × latency).
///
/// ```
/// let e = coffee_patterns::estimates::payment_processing();
/// assert_eq!(e.figure("Peak provider calls per second"), Some(347.0));
/// assert_eq!(e.figure("Calls in flight at the peak"), Some(278.0)); // 347 × 0.8 s
/// assert_eq!(e.figure("Payment nodes"), Some(4.0));
/// ```
#[must_use]
pub fn payment_processing() -> PromptEstimate {
    let (orders, peak, calls, latency_s, in_flight, key_bytes) =
        (3_000_000, 5.0, 2.0, 0.8, 200.0, 500.0);
    let node = ServerProfile {
        max_qps: in_flight,
        target_utilisation: 0.6,
        spares: 1,
    };
    let e = Workload {
        daily_active_users: orders,
        requests_per_user: calls,
        peak_factor: peak,
        write_ratio: 1.0,
        bytes_per_write: 500,
        bytes_per_response: 0,
    }
    .estimate(&node);
    let concurrent = e.peak_qps * latency_s;
    let inputs = vec![
        fig("Orders per day", orders as f64, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig(
            "Provider calls per payment (authorise, capture)",
            calls,
            "",
            0,
        ),
        fig("Provider p99 latency", latency_s * 1_000.0, "ms", 0),
        fig("Calls one node holds in flight", in_flight, "", 0),
        fig(
            "Target utilisation",
            node.target_utilisation * 100.0,
            "%",
            0,
        ),
        fig("Spare nodes", f64::from(node.spares), "", 0),
        fig("Bytes per idempotency record", key_bytes, "B", 0),
    ];
    PromptEstimate {
        prompt: "payment-processing",
        inputs,
        figures: vec![
            fig(
                "Average payments per second",
                e.average_qps / calls,
                "payments/s",
                0,
            ),
            fig("Peak provider calls per second", e.peak_qps, "calls/s", 0),
            fig("Calls in flight at the peak", concurrent, "", 0),
            fig("Payment nodes", servers(concurrent, &node), "", 0),
            fig(
                "Idempotency records per day",
                orders as f64 * calls * key_bytes / GB,
                "GB",
                1,
            ),
        ],
    }
}

/// Black Friday: the same ordering workload at ten times the load (week 5's
/// exercise).
///
/// ```
/// let e = coffee_patterns::estimates::black_friday_ordering();
/// assert_eq!(e.figure("Normal peak requests per second"), Some(579.0));
/// assert_eq!(e.figure("Black Friday peak requests per second"), Some(5787.0));
/// assert_eq!(e.figure("Servers on Black Friday"), Some(50.0)); // not 6 × 10
/// ```
#[must_use]
pub fn black_friday_ordering() -> PromptEstimate {
    let (users, per_user, peak, surge) = (1_000_000, 10.0, 5.0, 10.0);
    let server = ServerProfile {
        max_qps: 200.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    let normal = Workload {
        daily_active_users: users,
        requests_per_user: per_user,
        peak_factor: peak,
        write_ratio: 0.2,
        bytes_per_write: 2_000,
        bytes_per_response: 10_000,
    };
    let surged = Workload {
        peak_factor: peak * surge,
        ..normal
    };
    let (n, s) = (normal.estimate(&server), surged.estimate(&server));
    let mut inputs = vec![
        fig("Daily active users", users as f64, "", 0),
        fig("Requests per user per day", per_user, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Black Friday surge", surge, "×", 0),
    ];
    inputs.extend(server_inputs(&server, "One order server"));
    PromptEstimate {
        prompt: "black-friday-ordering",
        inputs,
        figures: vec![
            fig("Normal peak requests per second", n.peak_qps, "req/s", 0),
            fig(
                "Black Friday peak requests per second",
                s.peak_qps,
                "req/s",
                0,
            ),
            fig("Servers on a normal day", f64::from(n.servers), "", 0),
            fig("Servers on Black Friday", f64::from(s.servers), "", 0),
            fig("Black Friday peak egress", s.peak_egress / MB, "MB/s", 0),
        ],
    }
}

/// The global coffee marketplace: buyers read a shared catalogue in five
/// regions; orders replicate to two other regions.
///
/// ```
/// let e = coffee_patterns::estimates::global_marketplace();
/// assert_eq!(e.figure("Peak requests per second"), Some(13889.0));
/// assert_eq!(e.figure("Peak requests per second per region"), Some(2778.0));
/// assert_eq!(e.figure("Servers per region"), Some(6.0));
/// assert_eq!(e.figure("Catalogue size"), Some(25.0)); // GB: every region holds it
/// ```
#[must_use]
pub fn global_marketplace() -> PromptEstimate {
    let (buyers, per_buyer, peak, orders, order_bytes, regions, copies, listings, listing_bytes) = (
        20_000_000,
        20.0,
        3.0,
        2_000_000.0,
        3_000.0,
        5.0,
        2.0,
        5_000_000.0,
        5_000.0,
    );
    let server = ServerProfile {
        max_qps: 1_000.0,
        target_utilisation: 0.6,
        spares: 1,
    };
    let e = Workload {
        daily_active_users: buyers,
        requests_per_user: per_buyer,
        peak_factor: peak,
        write_ratio: orders / (buyers as f64 * per_buyer),
        bytes_per_write: 3_000,
        bytes_per_response: 10_000,
    }
    .estimate(&server);
    let per_region = e.peak_qps / regions;
    let replicated = orders * order_bytes * copies;
    let mut inputs = vec![
        fig("Daily active buyers", buyers as f64, "", 0),
        fig("Requests per buyer per day", per_buyer, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Orders per day", orders, "", 0),
        fig("Bytes per order", order_bytes, "B", 0),
        fig("Regions", regions, "", 0),
        fig("Other regions each order is copied to", copies, "", 0),
        fig("Listings", listings, "", 0),
        fig("Bytes per listing", listing_bytes, "B", 0),
    ];
    inputs.extend(server_inputs(&server, "One regional server"));
    PromptEstimate {
        prompt: "global-marketplace",
        inputs,
        figures: vec![
            fig("Average requests per second", e.average_qps, "req/s", 0),
            fig("Peak requests per second", e.peak_qps, "req/s", 0),
            fig(
                "Peak requests per second per region",
                per_region,
                "req/s",
                0,
            ),
            fig("Servers per region", servers(per_region, &server), "", 0),
            fig(
                "Orders stored per day",
                e.storage_per_day as f64 / GB,
                "GB",
                1,
            ),
            fig(
                "Cross-region replication, average",
                replicated / SECONDS_PER_DAY / KB,
                "KB/s",
                0,
            ),
            fig("Catalogue size", listings * listing_bytes / GB, "GB", 0),
        ],
    }
}

/// The AI agent platform: tasks are few per second; the tokens they
/// generate size a GPU fleet, and their duration the concurrency.
///
/// ```
/// let e = coffee_patterns::estimates::ai_agent_platform();
/// assert_eq!(e.figure("Peak tasks per second"), Some(463.0));
/// assert_eq!(e.figure("Peak tokens per second"), Some(4.63)); // million
/// assert_eq!(e.figure("GPUs"), Some(1325.0)); // ⌈4 629 630 ÷ 3 500⌉ + 2
/// assert_eq!(e.figure("Tasks running at the peak"), Some(9259.0)); // 463 × 20 s
/// ```
#[must_use]
pub fn ai_agent_platform() -> PromptEstimate {
    let (tasks, peak, calls, tokens, task_s) = (10_000_000, 4.0, 5.0, 2_000.0, 20.0);
    let gpu = ServerProfile {
        max_qps: 5_000.0,
        target_utilisation: 0.7,
        spares: 2,
    };
    let e = Workload {
        daily_active_users: tasks,
        requests_per_user: 1.0,
        peak_factor: peak,
        write_ratio: 1.0,
        bytes_per_write: 10_000,
        bytes_per_response: 0,
    }
    .estimate(&gpu);
    let tokens_per_s = e.peak_qps * calls * tokens;
    let inputs = vec![
        fig("Agent tasks per day", tasks as f64, "", 0),
        fig("Peak factor", peak, "×", 0),
        fig("Model calls per task", calls, "", 0),
        fig("Tokens per model call", tokens, "", 0),
        fig("Seconds per task", task_s, "s", 0),
        fig(
            "Tokens per second one GPU serves",
            gpu.max_qps,
            "tokens/s",
            0,
        ),
        fig(
            "Target GPU utilisation",
            gpu.target_utilisation * 100.0,
            "%",
            0,
        ),
        fig("Spare GPUs", f64::from(gpu.spares), "", 0),
    ];
    PromptEstimate {
        prompt: "ai-agent-platform",
        inputs,
        figures: vec![
            fig("Average tasks per second", e.average_qps, "tasks/s", 0),
            fig("Peak tasks per second", e.peak_qps, "tasks/s", 0),
            fig(
                "Peak model calls per second",
                e.peak_qps * calls,
                "calls/s",
                0,
            ),
            fig("Peak tokens per second", tokens_per_s / 1e6, "million/s", 2),
            fig("GPUs", servers(tokens_per_s, &gpu), "", 0),
            fig("Tasks running at the peak", e.peak_qps * task_s, "", 0),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_ids_are_unique() {
        let all = all();
        let mut ids: Vec<&str> = all.iter().map(|p| p.prompt).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len());
    }

    #[test]
    fn figure_names_are_unique_within_a_prompt() {
        for p in all() {
            let mut names: Vec<&str> = p.inputs.iter().chain(&p.figures).map(|f| f.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(names.len(), before, "{}", p.prompt);
        }
    }

    /// The worked figures, each done by hand.
    #[test]
    fn hand_worked_figures() {
        // 5e6 × 4 / 86 400 = 231.48; × 5 = 1 157.4; × 0.05 = 57.87 → ⌈57.87/300⌉ + 1.
        let menu = menu_api();
        assert_eq!(menu.figure("Average menu reads per second"), Some(231.0));
        assert_eq!(menu.figure("All menus"), Some(1.0));
        // 1 157.4 × 20 kB = 23.1 MB/s.
        assert_eq!(menu.figure("Peak egress from the cache"), Some(23.1));
        // 2e6 / 30 = 66 666.7 renewals, × 1.15 × 30 × 200 B = 460 MB.
        let sub = coffee_subscription();
        assert_eq!(
            sub.figure("Idempotency keys kept for a period"),
            Some(460.0)
        );
        // 2e6 × 3 kB × 2 copies / 86 400 = 138.9 kB/s.
        let market = global_marketplace();
        assert_eq!(
            market.figure("Cross-region replication, average"),
            Some(139.0)
        );
        // 10× the peak is not 10× the servers: ⌈578.7/120⌉ + 1 = 6, ⌈5 787/120⌉ + 1 = 50.
        let bf = black_friday_ordering();
        assert_eq!(bf.figure("Servers on a normal day"), Some(6.0));
    }

    #[test]
    fn shown_rounds_to_the_decimals() {
        let f = fig("x", 4.629_63, "", 2);
        assert_eq!(f.shown(), 4.63);
        assert_eq!(fig("x", 347.22, "", 0).shown(), 347.0);
    }

    #[test]
    fn servers_never_fall_below_the_spares() {
        let server = ServerProfile {
            max_qps: 100.0,
            target_utilisation: 0.5,
            spares: 2,
        };
        assert_eq!(servers(0.0, &server), 2.0);
        assert_eq!(servers(50.0, &server), 3.0);
        assert_eq!(servers(50.1, &server), 4.0);
    }
}
