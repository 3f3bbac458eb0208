//! Kubernetes' "int or percent" fields and the way they round.
//!
//! `maxSurge`, `maxUnavailable` (of a Deployment's rolling update) and
//! `minAvailable`, `maxUnavailable` (of a PodDisruptionBudget) each take either
//! a pod count (`2`) or a percentage of the replicas (`"25%"`). A percentage is
//! turned into pods by `intstr.GetScaledValueFromIntOrPercent`, which rounds
//! **up** or **down** depending on who asks, and the direction is the whole
//! point: a rolling update rounds the surge up (more room to make progress)
//! and the unavailability down (never below the floor), while a disruption
//! budget rounds both of its fields up.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::int_or_percent::{IntOrPercent, Rounding};
//!
//! let quarter: IntOrPercent = "25%".parse().unwrap();
//! assert_eq!(quarter.scaled(10, Rounding::Up), 3); // 2.5 pods → 3
//! assert_eq!(quarter.scaled(10, Rounding::Down), 2); // 2.5 pods → 2
//! assert_eq!(IntOrPercent::Int(4).scaled(10, Rounding::Down), 4);
//! assert!("25.5%".parse::<IntOrPercent>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

/// A count of pods, or a percentage of the replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOrPercent {
    /// An absolute number of pods.
    Int(u32),
    /// A percentage of the desired replicas (may exceed 100 where a field allows it).
    Percent(u32),
}

/// Which way a fractional number of pods is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Towards more pods (`ceil`).
    Up,
    /// Towards fewer pods (`floor`).
    Down,
}

/// Why a value such as `"12.5%"` or `"-1"` is not an int-or-percent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseIntOrPercentError {
    /// The text that was refused.
    pub input: String,
}

impl fmt::Display for ParseIntOrPercentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is neither a whole number of pods nor a whole percentage like \"25%\"",
            self.input
        )
    }
}

impl std::error::Error for ParseIntOrPercentError {}

impl IntOrPercent {
    // ANCHOR: scaled
    // ANCHOR: solution
    /// The number of pods this value means out of `total`, rounded as asked
    /// (Kubernetes' `GetScaledValueFromIntOrPercent`).
    #[must_use]
    pub fn scaled(self, total: u32, rounding: Rounding) -> u32 {
        match self {
            Self::Int(n) => n,
            Self::Percent(p) => {
                let exact = u64::from(p) * u64::from(total);
                let pods = match rounding {
                    Rounding::Up => exact.div_ceil(100),
                    Rounding::Down => exact / 100,
                };
                u32::try_from(pods).unwrap_or(u32::MAX)
            }
        }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: scaled

    /// Whether this is `0` or `0%`: a value that allows nothing.
    #[must_use]
    pub fn is_zero(self) -> bool {
        matches!(self, Self::Int(0) | Self::Percent(0))
    }
}

impl FromStr for IntOrPercent {
    type Err = ParseIntOrPercentError;

    // ANCHOR: solution
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let refuse = || ParseIntOrPercentError {
            input: text.to_owned(),
        };
        let digits = |s: &str| -> Result<u32, ParseIntOrPercentError> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(refuse());
            }
            s.parse().map_err(|_| refuse())
        };
        match text.strip_suffix('%') {
            Some(number) => digits(number).map(Self::Percent),
            None => digits(text).map(Self::Int),
        }
    }
    // ANCHOR_END: solution
}

impl fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(n) => write!(f, "{n}"),
            Self::Percent(p) => write!(f, "{p}%"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_kubernetes_documentation_examples() {
        // Deployment docs: 10 replicas, maxSurge 25% → 3 extra pods at most,
        // maxUnavailable 25% → at most 2 down (2.5 rounded each way).
        let quarter = IntOrPercent::Percent(25);
        assert_eq!(quarter.scaled(10, Rounding::Up), 3);
        assert_eq!(quarter.scaled(10, Rounding::Down), 2);
        // Whole results do not move: 25% of 8 is 2 either way.
        assert_eq!(quarter.scaled(8, Rounding::Up), 2);
        assert_eq!(quarter.scaled(8, Rounding::Down), 2);
        // A small percentage of a small deployment: up gives 1, down gives 0.
        assert_eq!(IntOrPercent::Percent(10).scaled(3, Rounding::Up), 1);
        assert_eq!(IntOrPercent::Percent(10).scaled(3, Rounding::Down), 0);
        // Surge may exceed 100%.
        assert_eq!(IntOrPercent::Percent(150).scaled(4, Rounding::Up), 6);
    }

    #[test]
    fn parsing_accepts_counts_and_whole_percentages_only() {
        assert_eq!("3".parse(), Ok(IntOrPercent::Int(3)));
        assert_eq!("66%".parse(), Ok(IntOrPercent::Percent(66)));
        for bad in ["", "%", "-1", "2.5", "12.5%", "25 %", "ten", "+3"] {
            let err = bad.parse::<IntOrPercent>().unwrap_err();
            assert_eq!(err.input, bad);
            assert!(err.to_string().contains("whole percentage"), "{err}");
        }
    }

    proptest! {
        #[test]
        fn rounding_brackets_the_exact_share(p in 0u32..=300, total in 0u32..10_000) {
            let v = IntOrPercent::Percent(p);
            let exact = f64::from(p) * f64::from(total) / 100.0;
            let (up, down) = (v.scaled(total, Rounding::Up), v.scaled(total, Rounding::Down));
            prop_assert!(f64::from(down) <= exact && exact <= f64::from(up));
            prop_assert!(up - down <= 1);
            prop_assert_eq!(up == down, (u64::from(p) * u64::from(total)) % 100 == 0);
        }

        #[test]
        fn display_round_trips(n in 0u32..100_000, percent in any::<bool>()) {
            let v = if percent { IntOrPercent::Percent(n) } else { IntOrPercent::Int(n) };
            prop_assert_eq!(v.to_string().parse::<IntOrPercent>(), Ok(v));
        }
    }
}
