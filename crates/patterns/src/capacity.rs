//! Back-of-the-envelope capacity estimation.
//!
//! The first five minutes of a scaling interview are arithmetic: from how many
//! people use the app and how often, work out the request rate, the peak the
//! system must survive, how much data piles up, how much bandwidth leaves the
//! servers, and how many servers that takes. The numbers need only be right
//! within a factor of two, but every step must be said out loud:
//!
//! - average QPS = daily active users × requests per user ÷ 86 400 s;
//! - peak QPS = average × peak factor (the morning coffee rush);
//! - storage per day = requests per day × share that write × bytes per write;
//! - bandwidth = QPS × bytes per response;
//! - servers = ⌈peak QPS ÷ (one server's QPS × target utilisation)⌉ plus
//!   spares, because a server run at 100% has unbounded queues (see
//!   [`pipeline`](crate::pipeline)) and one must be able to fail.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::capacity::{ServerProfile, Workload};
//!
//! let go_coffee = Workload {
//!     daily_active_users: 1_000_000,
//!     requests_per_user: 10.0,
//!     peak_factor: 5.0,
//!     write_ratio: 0.2,
//!     bytes_per_write: 2_000,
//!     bytes_per_response: 10_000,
//! };
//! let server = ServerProfile { max_qps: 200.0, target_utilisation: 0.6, spares: 1 };
//! let estimate = go_coffee.estimate(&server);
//! assert_eq!(estimate.average_qps.round(), 116.0);
//! assert_eq!(estimate.peak_qps.round(), 579.0);
//! assert_eq!(estimate.storage_per_day, 4_000_000_000); // 4 GB a day
//! assert_eq!(estimate.servers, 5 + 1);
//! ```

/// Seconds in a day: 86 400, "about 10^5" when estimating in your head.
pub const SECONDS_PER_DAY: f64 = 86_400.0;

// ANCHOR: inputs
/// Who uses the system and how.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Workload {
    /// Distinct users on an average day.
    pub daily_active_users: u64,
    /// Requests each user makes per day (menu views, orders, status polls).
    pub requests_per_user: f64,
    /// Peak QPS divided by average QPS (a morning rush: 3 to 10).
    pub peak_factor: f64,
    /// Share of requests that store something (0 to 1).
    pub write_ratio: f64,
    /// Bytes stored per writing request (an order row, its items, indexes).
    pub bytes_per_write: u64,
    /// Bytes sent back per request, on average.
    pub bytes_per_response: u64,
}

/// What one application server can take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerProfile {
    /// Requests per second one server handles flat out (from a load test).
    pub max_qps: f64,
    /// The utilisation to plan for (0.5 to 0.7 leaves room for queues).
    pub target_utilisation: f64,
    /// Extra servers so that losing some still carries the peak (N+1: 1).
    pub spares: u32,
}
// ANCHOR_END: inputs

/// The estimate, in requests per second, bytes and bytes per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Requests per second over a whole day.
    pub average_qps: f64,
    /// Requests per second at the peak.
    pub peak_qps: f64,
    /// Bytes written per day.
    pub storage_per_day: u64,
    /// Bytes written per year (365 days), before replication.
    pub storage_per_year: u64,
    /// Bytes per second sent to clients on average.
    pub average_egress: f64,
    /// Bytes per second sent to clients at the peak.
    pub peak_egress: f64,
    /// Servers needed for the peak at the target utilisation, spares included.
    pub servers: u32,
}

impl Workload {
    // ANCHOR: estimate
    // ANCHOR: solution
    /// Works out the estimate for running this workload on `server`s.
    #[must_use]
    pub fn estimate(&self, server: &ServerProfile) -> Estimate {
        let requests_per_day = self.daily_active_users as f64 * self.requests_per_user;
        let average_qps = requests_per_day / SECONDS_PER_DAY;
        let peak_qps = average_qps * self.peak_factor;
        let writes_per_day = requests_per_day * self.write_ratio;
        let storage_per_day = (writes_per_day * self.bytes_per_write as f64).round() as u64;
        let usable_qps = server.max_qps * server.target_utilisation;
        Estimate {
            average_qps,
            peak_qps,
            storage_per_day,
            storage_per_year: storage_per_day * 365,
            average_egress: average_qps * self.bytes_per_response as f64,
            peak_egress: peak_qps * self.bytes_per_response as f64,
            servers: (peak_qps / usable_qps).ceil() as u32 + server.spares,
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: estimate
}

// ANCHOR: solution
/// `bytes` in decimal units, as estimates are said aloud (`"4.0 GB"`).
#[must_use]
pub fn human_bytes(bytes: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut value = bytes;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;

    fn go_coffee() -> Workload {
        Workload {
            daily_active_users: 1_000_000,
            requests_per_user: 10.0,
            peak_factor: 5.0,
            write_ratio: 0.2,
            bytes_per_write: 2_000,
            bytes_per_response: 10_000,
        }
    }

    /// The page's worked example, each figure done by hand:
    /// 10^7 requests / 86 400 s = 115.74 QPS; × 5 = 578.70 QPS;
    /// 2·10^6 writes × 2 kB = 4 GB/day; × 365 = 1.46 TB/year;
    /// 578.70 × 10 kB = 5.787 MB/s; 578.70 / (200 × 0.6) = 4.82 → 5, + 1 spare.
    #[test]
    fn the_worked_coffee_example() {
        let e = go_coffee().estimate(&ServerProfile {
            max_qps: 200.0,
            target_utilisation: 0.6,
            spares: 1,
        });
        assert!((e.average_qps - 115.740_740).abs() < 1e-5);
        assert!((e.peak_qps - 578.703_703).abs() < 1e-5);
        assert_eq!(e.storage_per_day, 4_000_000_000);
        assert_eq!(e.storage_per_year, 1_460_000_000_000);
        assert!((e.peak_egress - 5_787_037.037).abs() < 1e-2);
        assert_eq!(e.servers, 6);
        assert_eq!(human_bytes(e.storage_per_year as f64), "1.5 TB");
        assert_eq!(human_bytes(e.peak_egress), "5.8 MB");
    }

    #[test]
    fn a_lower_target_utilisation_needs_more_servers() {
        let at = |target_utilisation| {
            go_coffee()
                .estimate(&ServerProfile {
                    max_qps: 200.0,
                    target_utilisation,
                    spares: 0,
                })
                .servers
        };
        assert_eq!(at(1.0), 3); // 578.7 / 200 = 2.9
        assert_eq!(at(0.5), 6); // 578.7 / 100 = 5.8
    }

    #[test]
    fn human_bytes_uses_decimal_units() {
        assert_eq!(human_bytes(999.0), "999.0 B");
        assert_eq!(human_bytes(1_000.0), "1.0 KB");
        assert_eq!(human_bytes(2.5e15), "2.5 PB");
        assert_eq!(human_bytes(3e18), "3000.0 PB");
    }
}
