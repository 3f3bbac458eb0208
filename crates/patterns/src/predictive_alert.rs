//! Predictive alerting: fit a line through recent samples and alert when it
//! crosses the limit within the horizon, hours before a static threshold
//! would fire.
//!
//! The order database in ap-southeast fills its disk at a steady few
//! gigabytes an hour. An alert at "90% full" fires when there may be too
//! little time left to add storage; an alert at "60% full" fires every day
//! on a disk that is not growing. What an operator wants to know is *when it
//! will be full*: [`LinearTrend::fit`] computes the least-squares line
//! through the samples and [`LinearTrend::crossing`] the time it reaches the
//! limit. [`PredictiveAlert`] fires when that time is within the horizon
//! (say, the 4 hours it takes to provision a bigger volume). Prometheus'
//! `predict_linear()` is the same least-squares fit.
//!
//! A line is the simplest model that works for things that grow steadily
//! (disks, queues, certificate expiry, error budget burn). It is wrong for
//! daily cycles (traffic), so the window should be short compared to the
//! cycle, or the alert should use a seasonal model instead.
//!
//! # Example: four hours of warning instead of none
//!
//! ```
//! use coffee_patterns::predictive_alert::{LinearTrend, PredictiveAlert};
//!
//! // Disk use (%) sampled every 10 minutes: 70% and growing 1.5% an hour.
//! let samples: Vec<(f64, f64)> = (0..12).map(|i| {
//!     let hours = f64::from(i) / 6.0;
//!     (hours, 70.0 + 1.5 * hours)
//! }).collect();
//! let trend = LinearTrend::fit(&samples).unwrap();
//! assert!((trend.slope - 1.5).abs() < 1e-9);
//! // Full (100%) at hour 20, 18.2 hours after the last sample.
//! assert!((trend.crossing(100.0).unwrap() - 20.0).abs() < 1e-9);
//!
//! let alert = PredictiveAlert { limit: 100.0, horizon: 24.0 };
//! assert!(alert.fires(&samples), "will be full within the day");
//! let static_90 = samples.iter().any(|&(_, used)| used >= 90.0);
//! assert!(!static_90, "a 90% threshold says nothing yet");
//! ```

// ANCHOR: trend
// ANCHOR: solution
/// The least-squares line `value = intercept + slope × time`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearTrend {
    /// Change per unit of time.
    pub slope: f64,
    /// The value at time zero.
    pub intercept: f64,
    /// The last sample's time: predictions are about what comes after it.
    pub last_time: f64,
}

impl LinearTrend {
    /// Fits `(time, value)` samples; `None` with fewer than two distinct
    /// times (no line is determined).
    #[must_use]
    pub fn fit(samples: &[(f64, f64)]) -> Option<Self> {
        let n = samples.len() as f64;
        if samples.len() < 2 {
            return None;
        }
        // Centre the times first: the textbook Σt² − (Σt)²/n loses every
        // digit when the times are Unix timestamps.
        let mean_t = samples.iter().map(|s| s.0).sum::<f64>() / n;
        let mean_v = samples.iter().map(|s| s.1).sum::<f64>() / n;
        let (mut stt, mut stv) = (0.0, 0.0);
        for &(t, v) in samples {
            stt += (t - mean_t) * (t - mean_t);
            stv += (t - mean_t) * (v - mean_v);
        }
        if stt == 0.0 {
            return None;
        }
        let slope = stv / stt;
        let last_time = samples
            .iter()
            .map(|s| s.0)
            .fold(f64::NEG_INFINITY, f64::max);
        Some(Self {
            slope,
            intercept: mean_v - slope * mean_t,
            last_time,
        })
    }

    /// The predicted value at `time`.
    #[must_use]
    pub fn at(&self, time: f64) -> f64 {
        self.intercept + self.slope * time
    }

    /// When the line reaches the ceiling `limit`: the last sample's time if
    /// the fit is already there, `None` if it is flat or falling.
    #[must_use]
    pub fn crossing(&self, limit: f64) -> Option<f64> {
        let now = self.at(self.last_time);
        if now >= limit {
            Some(self.last_time)
        } else if self.slope > 0.0 {
            Some(self.last_time + (limit - now) / self.slope)
        } else {
            None
        }
    }
}

/// Fires when the trend reaches `limit` within `horizon` of the last sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PredictiveAlert {
    /// The ceiling that must not be reached (100% disk, the queue's capacity).
    pub limit: f64,
    /// How far ahead to look, in the samples' time unit.
    pub horizon: f64,
}

impl PredictiveAlert {
    /// Whether the samples' trend crosses the limit within the horizon.
    #[must_use]
    pub fn fires(&self, samples: &[(f64, f64)]) -> bool {
        LinearTrend::fit(samples)
            .and_then(|trend| Some(trend.crossing(self.limit)? - trend.last_time))
            .is_some_and(|left| left <= self.horizon)
    }
}
// ANCHOR_END: solution
// ANCHOR_END: trend

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SeededRng;
    use proptest::prelude::*;

    #[test]
    fn the_textbook_fit() {
        // Points (1,6), (2,5), (3,7), (4,10): y = 3.5 + 1.4x.
        let t = LinearTrend::fit(&[(1.0, 6.0), (2.0, 5.0), (3.0, 7.0), (4.0, 10.0)]).unwrap();
        assert!((t.slope - 1.4).abs() < 1e-12);
        assert!((t.intercept - 3.5).abs() < 1e-12);
    }

    #[test]
    fn degenerate_inputs_fit_nothing() {
        assert_eq!(LinearTrend::fit(&[(1.0, 5.0)]), None);
        assert_eq!(LinearTrend::fit(&[(1.0, 5.0), (1.0, 9.0)]), None);
    }

    #[test]
    fn a_flat_or_shrinking_series_never_fires() {
        let flat: Vec<(f64, f64)> = (0..10).map(|i| (f64::from(i), 60.0)).collect();
        let shrinking: Vec<(f64, f64)> = (0..10)
            .map(|i| (f64::from(i), 60.0 - f64::from(i)))
            .collect();
        let alert = PredictiveAlert {
            limit: 100.0,
            horizon: 1e9,
        };
        assert!(!alert.fires(&flat));
        assert!(!alert.fires(&shrinking));
        let full: Vec<(f64, f64)> = (0..10).map(|i| (f64::from(i), 100.0)).collect();
        assert!(alert.fires(&full), "already at the limit");
    }

    #[test]
    fn unix_timestamps_do_not_lose_the_slope() {
        let start = 1.8e9; // seconds since 1970
        let samples: Vec<(f64, f64)> = (0..60)
            .map(|i| (start + 60.0 * f64::from(i), 0.001 * 60.0 * f64::from(i)))
            .collect();
        let t = LinearTrend::fit(&samples).unwrap();
        assert!((t.slope - 0.001).abs() < 1e-9, "{}", t.slope);
    }

    #[test]
    fn noise_does_not_hide_a_steady_climb() {
        let mut rng = SeededRng::new(3);
        let samples: Vec<(f64, f64)> = (0..72)
            .map(|i| {
                (
                    f64::from(i),
                    50.0 + 0.5 * f64::from(i) + (rng.next_f64() - 0.5) * 4.0,
                )
            })
            .collect();
        let t = LinearTrend::fit(&samples).unwrap();
        assert!((t.slope - 0.5).abs() < 0.05, "{}", t.slope);
        // Truth: 100% at hour 100, 29 hours after the last sample.
        assert!(
            PredictiveAlert {
                limit: 100.0,
                horizon: 36.0
            }
            .fires(&samples)
        );
        assert!(
            !PredictiveAlert {
                limit: 100.0,
                horizon: 20.0
            }
            .fires(&samples)
        );
    }

    proptest! {
        /// On exact linear data the fit recovers the line and the crossing is
        /// where the line meets the limit.
        #[test]
        fn exact_lines_are_recovered(
            intercept in -1000.0f64..1000.0,
            slope in 0.01f64..50.0,
            n in 2usize..50,
            step in 0.1f64..100.0,
            above in 1.0f64..1000.0,
        ) {
            let samples: Vec<(f64, f64)> = (0..n).map(|i| {
                let t = i as f64 * step;
                (t, intercept + slope * t)
            }).collect();
            let trend = LinearTrend::fit(&samples).unwrap();
            prop_assert!((trend.slope - slope).abs() <= 1e-9 * slope.max(1.0));
            let limit = trend.at(trend.last_time) + above;
            let expected = trend.last_time + above / slope;
            let got = trend.crossing(limit).unwrap();
            prop_assert!((got - expected).abs() <= 1e-6 * expected.abs().max(1.0), "{got} vs {expected}");
            let alert = PredictiveAlert { limit, horizon: above / slope * 1.001 };
            prop_assert!(alert.fires(&samples));
            let alert = PredictiveAlert { limit, horizon: above / slope * 0.999 };
            prop_assert!(!alert.fires(&samples));
        }
    }
}
