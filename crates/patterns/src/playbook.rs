//! The first step of the performance playbook, as code: when a burn-rate
//! page fires, is it one region (drain it) or all of them (look for a global
//! cause), and can the other regions take the traffic?
//!
//! A playbook is the page an alert links to. Its first step is the same for
//! every latency or error page of a multi-region service, and it is
//! mechanical enough to compute:
//!
//! - **No region burns** above the threshold any more: watch, the short
//!   window will end the alert.
//! - **Every region burns:** the cause is shared (the last global deploy, a
//!   shared dependency, a bad menu push). Draining would move the fire, not
//!   put it out: roll back or fail the dependency over.
//! - **Some regions burn:** drain them at the geographic load balancer, but
//!   only if the healthy regions have the headroom. Draining a region into
//!   neighbours that then overload turns a regional incident into a global
//!   one, which is how many multi-region outages grow. If the headroom is
//!   missing, scale the healthy regions out first, by the computed amount.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::playbook::{first_step, RegionStatus, Step};
//!
//! let regions = [
//!     RegionStatus { name: "eu-west", burn_rate: 22.0, load_rps: 4_000.0, capacity_rps: 10_000.0 },
//!     RegionStatus { name: "us-east", burn_rate: 0.4, load_rps: 5_000.0, capacity_rps: 10_000.0 },
//!     RegionStatus { name: "ap-southeast", burn_rate: 0.2, load_rps: 2_000.0, capacity_rps: 5_000.0 },
//! ];
//! // eu-west is burning at 22x; the others can take its 4,000 requests a
//! // second and stay under 80% busy (they have 12,000 - 7,000 = 5,000 spare).
//! assert_eq!(first_step(&regions, 14.4, 0.8), Step::Drain(vec!["eu-west"]));
//! ```

/// One region's state when the alert fires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionStatus<'a> {
    /// The region.
    pub name: &'a str,
    /// Its burn rate over the alert's long window.
    pub burn_rate: f64,
    /// Requests per second it serves now.
    pub load_rps: f64,
    /// Requests per second it can serve at full utilisation.
    pub capacity_rps: f64,
}

/// What to do first.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<'a> {
    /// Nothing burns any more; the alert is ending.
    Watch,
    /// Every region burns: a shared cause. Roll back the last global change
    /// or fail over the shared dependency.
    LookForGlobalCause,
    /// Route these regions' traffic to the others.
    Drain(Vec<&'a str>),
    /// The healthy regions cannot absorb the traffic: add this much capacity
    /// (requests per second, at the utilisation ceiling) before draining.
    ScaleOutFirst {
        /// The regions to drain once capacity is there.
        drain: Vec<&'a str>,
        /// The capacity missing, in requests per second.
        missing_rps: f64,
    },
}

// ANCHOR: first_step
// ANCHOR: solution
/// The first step for an alert with burn-rate `threshold`, keeping healthy
/// regions at or below `max_utilisation` (0.8: 80% busy) after a drain.
#[must_use]
pub fn first_step<'a>(
    regions: &[RegionStatus<'a>],
    threshold: f64,
    max_utilisation: f64,
) -> Step<'a> {
    let (burning, healthy): (Vec<&RegionStatus<'a>>, Vec<_>) =
        regions.iter().partition(|r| r.burn_rate >= threshold);
    if burning.is_empty() {
        return Step::Watch;
    }
    if healthy.is_empty() {
        return Step::LookForGlobalCause;
    }
    let drain: Vec<&str> = burning.iter().map(|r| r.name).collect();
    let moved: f64 = burning.iter().map(|r| r.load_rps).sum();
    let spare: f64 = healthy
        .iter()
        .map(|r| r.capacity_rps * max_utilisation - r.load_rps)
        .sum();
    if moved <= spare {
        Step::Drain(drain)
    } else {
        Step::ScaleOutFirst {
            drain,
            missing_rps: moved - spare,
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: first_step

#[cfg(test)]
mod tests {
    use super::*;

    fn region(name: &str, burn_rate: f64, load_rps: f64, capacity_rps: f64) -> RegionStatus<'_> {
        RegionStatus {
            name,
            burn_rate,
            load_rps,
            capacity_rps,
        }
    }

    #[test]
    fn all_regions_burning_is_a_global_cause() {
        let regions = [region("eu", 20.0, 1.0, 10.0), region("us", 15.0, 1.0, 10.0)];
        assert_eq!(first_step(&regions, 14.4, 0.8), Step::LookForGlobalCause);
    }

    #[test]
    fn nothing_burning_means_watch() {
        let regions = [region("eu", 14.3, 1.0, 10.0), region("us", 0.0, 1.0, 10.0)];
        assert_eq!(first_step(&regions, 14.4, 0.8), Step::Watch);
        assert_eq!(first_step(&[], 14.4, 0.8), Step::Watch);
    }

    #[test]
    fn a_drain_that_would_overload_the_others_scales_out_first() {
        // us-east burns with 6,000 rps; eu and ap have 0.8 * 15,000 - 9,000
        // = 3,000 rps to spare: 3,000 rps short.
        let regions = [
            region("us-east", 30.0, 6_000.0, 10_000.0),
            region("eu-west", 0.5, 6_000.0, 10_000.0),
            region("ap-southeast", 0.5, 3_000.0, 5_000.0),
        ];
        assert_eq!(
            first_step(&regions, 14.4, 0.8),
            Step::ScaleOutFirst {
                drain: vec!["us-east"],
                missing_rps: 3_000.0
            }
        );
        // At a 100% ceiling it fits exactly: 15,000 - 9,000 = 6,000.
        assert_eq!(
            first_step(&regions, 14.4, 1.0),
            Step::Drain(vec!["us-east"])
        );
    }

    #[test]
    fn the_threshold_decides_which_regions_burn() {
        let regions = [
            region("eu", 7.0, 100.0, 1_000.0),
            region("us", 1.0, 100.0, 1_000.0),
        ];
        assert_eq!(first_step(&regions, 14.4, 0.8), Step::Watch);
        assert_eq!(first_step(&regions, 6.0, 0.8), Step::Drain(vec!["eu"]));
    }
}
