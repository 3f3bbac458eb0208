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
pub mod estimates;
pub mod event_bus;
pub mod event_sourcing;
pub mod health;
pub mod idempotency;
pub mod latency;
pub mod notification;
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

// Week 6: global caching, CDN edges, geo lookups, performance monitoring.
// (modules are added below this line)
pub mod coalesce;
pub mod edge_cache;
pub mod geohash;
pub mod playbook;
pub mod proximity;
pub mod region_cache;
pub mod slo;

// Week 7: security: authentication, the gateway, money that adds up.
// (modules are added below this line)
pub mod audit_chain;
pub mod base64url;
pub mod card_number;
pub mod card_vault;
pub mod cidr;
pub mod digest;
pub mod jwt;
pub mod jwt_claims;
pub mod ledger;
pub mod mac;
pub mod rbac;
pub mod sql_query;
pub mod sql_shape;
pub mod totp;
pub mod uri_path;
pub mod waf;
pub mod waf_rules;

// Week 8: Kubernetes, CI/CD and infrastructure as code.
// (modules are added below this line)
pub mod availability;
pub mod canary;
pub mod disaster_recovery;
pub mod disruption_budget;
pub mod infra_plan;
pub mod int_or_percent;
pub mod mesh_retry;
pub mod network_policy;
pub mod release_gate;
pub mod rollout;
pub mod schema_migration;
pub mod topology_spread;

// Week 9: consensus, ledgers and verifiable logs.
// (modules are added below this line)
pub mod atomic_swap;
pub mod blockchain;
pub mod lock_service;
pub mod merkle;
pub mod provenance;
pub mod quorum;
pub mod raft;
pub mod raft_sim;

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
