//! Reference implementations of the system-design patterns that the roadmap's
//! exercises ask for, told in a coffee-shop domain: orders, menu, payments,
//! loyalty, kitchen and coffee machines.
//!
//! Every module is plain, deterministic Rust: time comes from a [`clock::Clock`]
//! and randomness from a seeded [`rng::SeededRng`], so each example in the
//! documentation asserts exact behaviour and the book can show it as verified
//! code.
//!
//! ```
//! use coffee_patterns::clock::{Clock, ManualClock};
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! clock.advance(Duration::from_millis(250));
//! assert_eq!(clock.now().as_millis(), 250);
//! ```
#![doc(test(attr(deny(warnings))))]

pub mod clock;
pub mod rng;

// Weeks 1-2: fundamentals, reliability, architecture patterns.
// (modules are added below this line)
pub mod capacity;
pub mod circuit_breaker;
pub mod discovery;
pub mod event_bus;
pub mod event_sourcing;
pub mod health;
pub mod idempotency;
pub mod latency;
pub mod pipeline;
pub mod ports;
pub mod retry;
pub mod subscription;

// Weeks 3-4: data, caching, consistency, APIs and messaging.
// (modules are added below this line)
pub mod analytics;
pub mod api;
pub mod cache;
pub mod cluster;
pub mod consistency;
pub mod order_tracking;
pub mod partitioning;
pub mod pool;
pub mod saga;
pub mod streaming;

// Week 5: load balancing, auto-scaling, latency.
// (modules are added below this line)
pub mod autoscale;
pub mod latency_budget;
pub mod load_balancer;
pub mod rate_limit;

// Week 10: global scale, edge computing, global monitoring.
// (modules are added below this line)
pub mod courier_assignment;
pub mod edge_crdt;
pub mod edge_machine;
pub mod hlc;
pub mod outbox;
pub mod predictive_alert;
pub mod region_routing;
pub mod remediation;
pub mod road_eta;
pub mod slo_aggregation;
pub mod tail_sampling;
pub mod trace_context;
