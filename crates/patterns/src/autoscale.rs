//! Auto-scaling: how many replicas of a service to run, decided from metrics
//! the way Kubernetes' HorizontalPodAutoscaler (HPA) decides it, plus a small
//! predictive scaler that starts replicas before a known rush.
//!
//! [`Hpa`] follows the algorithm in the Kubernetes documentation:
//!
//! - For each metric, `desired = ceil(current_replicas × current_value /
//!   target_value)`. A ratio within the tolerance (by default 10% either way)
//!   leaves the count alone, so noise does not make replicas flap.
//! - With several metrics (CPU, and a custom one such as AI agent tasks
//!   waiting per replica) the largest proposal wins: every metric must be
//!   satisfied.
//! - Scaling up happens at once. Scaling down uses the *highest*
//!   recommendation of the last five minutes (the scale-down stabilisation
//!   window), so a short lull does not remove replicas that the next burst
//!   needs. Time comes from an injected [`Clock`].
//! - The result is clamped to `min_replicas..=max_replicas`.
//!
//! Not modelled: the HPA's default rate policies (at most double, or add 4
//! pods, per 15 s going up; no limit going down), readiness and missing-metric
//! handling.
//!
//! Reactive scaling is always a little late: a replica that needs three
//! minutes to start (loading an AI model, warming caches) helps three minutes
//! after the metric rose. [`HoltForecast`] and [`seasonal_naive`] forecast
//! the load a few steps ahead, and [`PredictiveScaler`] turns the forecast
//! into replicas; run the larger of the reactive and predictive answers, as
//! cloud predictive autoscalers do. They are illustrations of the idea, not a
//! tuned forecaster.
//!
//! # Example: an order rush, then a lull
//!
//! ```
//! use coffee_patterns::autoscale::{Hpa, HpaConfig, MetricSample};
//! use coffee_patterns::clock::ManualClock;
//! use std::time::Duration;
//!
//! let clock = ManualClock::new();
//! let config = HpaConfig { min_replicas: 2, max_replicas: 20, ..HpaConfig::default() };
//! let mut hpa = Hpa::new(config, clock.clone());
//!
//! // 4 replicas at 90% CPU against a 60% target: ceil(4 × 1.5) = 6, at once.
//! let cpu = |percent| MetricSample::new("cpu", percent, 60.0);
//! assert_eq!(hpa.evaluate(4, &[cpu(90.0)]), 6);
//!
//! // The rush ends: 6 replicas at 20% would need only 2, but the window holds.
//! clock.advance(Duration::from_secs(60));
//! assert_eq!(hpa.evaluate(6, &[cpu(20.0)]), 6);
//! // Five minutes after the last high recommendation, it scales down.
//! clock.advance(Duration::from_secs(240));
//! assert_eq!(hpa.evaluate(6, &[cpu(20.0)]), 2);
//! ```

use crate::clock::Clock;
use std::collections::VecDeque;
use std::time::Duration;

/// One metric's current value and its target, both per replica (average CPU
/// percent, requests per second per replica, agent tasks waiting per
/// replica).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSample {
    /// What is measured, for reports.
    pub name: String,
    /// The current average value per replica.
    pub current: f64,
    /// The value per replica the autoscaler aims for.
    pub target: f64,
}

impl MetricSample {
    /// A metric whose per-replica average is already known.
    #[must_use]
    pub fn new(name: &str, current: f64, target: f64) -> Self {
        Self {
            name: name.to_owned(),
            current,
            target,
        }
    }

    /// A metric measured on each pod, averaged as the HPA does.
    #[must_use]
    pub fn from_pods(name: &str, per_pod: &[f64], target: f64) -> Self {
        let mean = per_pod.iter().sum::<f64>() / per_pod.len().max(1) as f64;
        Self::new(name, mean, target)
    }

    /// A metric known as a total (a queue's length) spread over `replicas`,
    /// like an HPA `External` metric with an `AverageValue` target.
    #[must_use]
    pub fn from_total(name: &str, total: f64, replicas: u32, target_per_replica: f64) -> Self {
        Self::new(name, total / f64::from(replicas.max(1)), target_per_replica)
    }

    /// `current / target`: above 1 wants more replicas, below 1 fewer.
    #[must_use]
    pub fn ratio(&self) -> f64 {
        self.current / self.target
    }
}

/// How far the ratio may stray from 1.0 before the HPA acts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    /// Scale up only when the ratio exceeds `1 + up`.
    pub up: f64,
    /// Scale down only when the ratio is below `1 - down`.
    pub down: f64,
}

impl Default for Tolerance {
    /// Kubernetes' default: 0.1 both ways.
    fn default() -> Self {
        Self { up: 0.1, down: 0.1 }
    }
}

// ANCHOR: rule
/// The HPA rule for one metric: `ceil(current_replicas × ratio)`, or
/// `current_replicas` while the ratio is within the tolerance.
#[must_use]
pub fn desired_replicas(current_replicas: u32, metric: &MetricSample, tolerance: Tolerance) -> u32 {
    let ratio = metric.ratio();
    if (1.0 - tolerance.down..=1.0 + tolerance.up).contains(&ratio) {
        return current_replicas;
    }
    (f64::from(current_replicas) * ratio).ceil() as u32
}
// ANCHOR_END: rule

/// The HPA's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct HpaConfig {
    /// Never fewer replicas than this.
    pub min_replicas: u32,
    /// Never more replicas than this.
    pub max_replicas: u32,
    /// When a metric is close enough to its target.
    pub tolerance: Tolerance,
    /// How long a high recommendation holds off a scale-down (Kubernetes'
    /// default: 300 s).
    pub scale_down_window: Duration,
}

impl Default for HpaConfig {
    fn default() -> Self {
        Self {
            min_replicas: 1,
            max_replicas: 10,
            tolerance: Tolerance::default(),
            scale_down_window: Duration::from_secs(300),
        }
    }
}

// ANCHOR: hpa
/// A horizontal autoscaler for one workload, evaluated periodically (the
/// HPA's loop runs every 15 s).
#[derive(Debug, Clone)]
pub struct Hpa<C: Clock> {
    config: HpaConfig,
    clock: C,
    /// Raw recommendations inside the window: (time, replicas).
    recommendations: VecDeque<(Duration, u32)>,
}

impl<C: Clock> Hpa<C> {
    /// The replica count to run now, given the count running and the
    /// current metrics.
    pub fn evaluate(&mut self, current_replicas: u32, metrics: &[MetricSample]) -> u32 {
        let tolerance = self.config.tolerance;
        let desired = metrics
            .iter()
            .map(|m| desired_replicas(current_replicas, m, tolerance))
            .max()
            .unwrap_or(current_replicas);

        // Remember this recommendation; forget those older than the window.
        let now = self.clock.now();
        let window = self.config.scale_down_window;
        self.recommendations.push_back((now, desired));
        while let Some(&(at, _)) = self.recommendations.front() {
            if at + window > now {
                break;
            }
            self.recommendations.pop_front();
        }

        // Up at once; down only as far as the highest recent recommendation.
        let stabilised = if desired >= current_replicas {
            desired
        } else {
            let highest = self.recommendations.iter().map(|&(_, r)| r).max();
            current_replicas.min(highest.unwrap_or(desired))
        };
        stabilised.clamp(self.config.min_replicas, self.config.max_replicas)
    }
}
// ANCHOR_END: hpa

impl<C: Clock> Hpa<C> {
    /// An autoscaler with no history.
    pub fn new(config: HpaConfig, clock: C) -> Self {
        Self {
            config,
            clock,
            recommendations: VecDeque::new(),
        }
    }
}

/// Holt's linear exponential smoothing: a level and a trend, each updated as
/// a weighted average of the new observation and the old estimate.
///
/// `alpha` (0..=1) is how fast the level follows new data, `beta` how fast
/// the trend does. Forecasting `h` steps ahead gives `level + h × trend`.
#[derive(Debug, Clone, PartialEq)]
pub struct HoltForecast {
    alpha: f64,
    beta: f64,
    level: f64,
    trend: f64,
    seen: u64,
}

impl HoltForecast {
    /// A forecaster that has seen nothing.
    #[must_use]
    pub fn new(alpha: f64, beta: f64) -> Self {
        Self {
            alpha,
            beta,
            level: 0.0,
            trend: 0.0,
            seen: 0,
        }
    }

    // ANCHOR: holt
    /// Adds the next observation (say, orders per minute).
    pub fn observe(&mut self, value: f64) {
        match self.seen {
            0 => self.level = value,
            // The first two points give the initial trend.
            1 => {
                self.trend = value - self.level;
                self.level = value;
            }
            _ => {
                let previous = self.level;
                self.level = self.alpha * value + (1.0 - self.alpha) * (previous + self.trend);
                self.trend = self.beta * (self.level - previous) + (1.0 - self.beta) * self.trend;
            }
        }
        self.seen += 1;
    }
    // ANCHOR_END: holt

    /// The value expected `steps` observations from now, once there is data.
    #[must_use]
    pub fn forecast(&self, steps: u32) -> Option<f64> {
        (self.seen > 0).then(|| self.level + f64::from(steps) * self.trend)
    }
}

/// The seasonal naive forecast: `steps` ahead, expect what happened one
/// season earlier (the same minute yesterday, the same hour last week).
/// `None` until a whole season of history exists.
#[must_use]
pub fn seasonal_naive(history: &[f64], season: usize, steps: usize) -> Option<f64> {
    if season == 0 || steps == 0 || history.len() < season {
        return None;
    }
    history
        .get(history.len() - season + (steps - 1) % season)
        .copied()
}

// ANCHOR: predictive
/// Turns a load forecast into replicas.
#[derive(Debug, Clone, PartialEq)]
pub struct PredictiveScaler {
    /// The load one replica handles at its target utilisation.
    pub per_replica: f64,
    /// Never fewer replicas than this.
    pub min_replicas: u32,
    /// Never more replicas than this.
    pub max_replicas: u32,
}

impl PredictiveScaler {
    /// The replicas needed to carry `forecast` load.
    #[must_use]
    pub fn replicas_for(&self, forecast: f64) -> u32 {
        let needed = (forecast.max(0.0) / self.per_replica).ceil() as u32;
        needed.clamp(self.min_replicas, self.max_replicas)
    }
}
// ANCHOR_END: predictive

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;

    fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// The examples in the Kubernetes documentation, "Horizontal Pod
    /// Autoscaling", section "Algorithm details": with a current metric of
    /// 200m against a desired 100m the replicas double; with 50m they halve;
    /// within the 0.1 default tolerance nothing changes.
    #[test]
    fn reproduces_the_kubernetes_algorithm_examples() {
        let tol = Tolerance::default();
        let milli = |current| MetricSample::new("cpu", current, 100.0);
        assert_eq!(desired_replicas(3, &milli(200.0), tol), 6);
        assert_eq!(desired_replicas(6, &milli(50.0), tol), 3);
        assert_eq!(desired_replicas(6, &milli(109.0), tol), 6);
        assert_eq!(desired_replicas(6, &milli(91.0), tol), 6);
        assert_eq!(desired_replicas(6, &milli(111.0), tol), 7);
        assert_eq!(desired_replicas(6, &milli(89.0), tol), 6, "ceil(5.34)");
        assert_eq!(desired_replicas(10, &milli(89.0), tol), 9);
    }

    /// Kubernetes documentation, "Horizontal Pod Autoscaling", section
    /// "Tolerance": with a 100Mi memory target and a 5% scale-up tolerance,
    /// the HPA scales up only above 105Mi.
    #[test]
    fn reproduces_the_kubernetes_tolerance_example() {
        let tol = Tolerance {
            up: 0.05,
            ..Tolerance::default()
        };
        let mem = |mib| MetricSample::new("memory", mib, 100.0);
        assert_eq!(desired_replicas(4, &mem(104.0), tol), 4);
        assert_eq!(desired_replicas(4, &mem(106.0), tol), 5);
    }

    /// The HPA walkthrough in the Kubernetes documentation: one php-apache
    /// replica with a 50% CPU target sees 305% CPU and is resized to 7
    /// replicas (ceil(6.1)); when the load stops, it goes back to 1 after
    /// the stabilisation window.
    #[test]
    fn reproduces_the_kubernetes_walkthrough() {
        let clock = ManualClock::new();
        let mut hpa = Hpa::new(HpaConfig::default(), clock.clone());
        let cpu = |percent| MetricSample::new("cpu", percent, 50.0);
        assert_eq!(hpa.evaluate(1, &[cpu(305.0)]), 7);
        let mut replicas = 7;
        for _ in 0..19 {
            clock.advance(secs(15));
            replicas = hpa.evaluate(replicas, &[cpu(0.0)]);
            assert_eq!(replicas, 7, "held at {:?}", clock.now());
        }
        clock.advance(secs(15));
        assert_eq!(clock.now(), secs(300));
        assert_eq!(hpa.evaluate(replicas, &[cpu(0.0)]), 1);
    }

    #[test]
    fn the_most_demanding_metric_wins() {
        let clock = ManualClock::new();
        let mut hpa = Hpa::new(HpaConfig::default(), clock);
        let metrics = [
            MetricSample::new("cpu", 30.0, 60.0),
            MetricSample::from_total("agent-tasks-waiting", 48.0, 4, 4.0),
        ];
        // CPU alone would halve to 2; 12 tasks per replica against 4 triples.
        assert_eq!(hpa.evaluate(4, &metrics), 10, "clamped to max_replicas");
    }

    #[test]
    fn from_pods_averages() {
        let m = MetricSample::from_pods("cpu", &[40.0, 80.0, 90.0], 70.0);
        assert_eq!(m.current, 70.0);
        assert_eq!(m.ratio(), 1.0);
    }

    #[test]
    fn scale_down_takes_the_highest_recommendation_in_the_window() {
        let clock = ManualClock::new();
        let config = HpaConfig {
            max_replicas: 50,
            ..HpaConfig::default()
        };
        let mut hpa = Hpa::new(config, clock.clone());
        let tasks = |per_replica| MetricSample::new("tasks", per_replica, 1.0);
        assert_eq!(hpa.evaluate(10, &[tasks(2.0)]), 20); // t=0: recommends 20
        clock.advance(secs(100));
        assert_eq!(hpa.evaluate(20, &[tasks(0.6)]), 20); // t=100: recommends 12
        clock.advance(secs(100));
        assert_eq!(hpa.evaluate(20, &[tasks(0.25)]), 20); // t=200: recommends 5
        clock.advance(secs(150));
        // t=350: the 20 has left the window; 12 (t=100) is the highest left.
        assert_eq!(hpa.evaluate(20, &[tasks(0.25)]), 12);
        clock.advance(secs(100));
        // t=450: 5 from t=200 and now.
        assert_eq!(hpa.evaluate(12, &[tasks(0.25)]), 5);
    }

    /// Hand-computed: alpha = beta = 0.5 on 10, 12, 15 gives level 14.5 and
    /// trend 2.25 (level = 0.5·15 + 0.5·(12 + 2), trend = 0.5·2.5 + 0.5·2).
    #[test]
    fn holt_matches_a_hand_computed_example() {
        let mut holt = HoltForecast::new(0.5, 0.5);
        assert_eq!(holt.forecast(1), None);
        for x in [10.0, 12.0, 15.0] {
            holt.observe(x);
        }
        assert_eq!(holt.forecast(0), Some(14.5));
        assert_eq!(holt.forecast(2), Some(19.0));
    }

    #[test]
    fn seasonal_naive_repeats_the_last_season() {
        let history = [1.0, 2.0, 3.0, 10.0, 20.0, 30.0];
        assert_eq!(seasonal_naive(&history, 3, 1), Some(10.0));
        assert_eq!(seasonal_naive(&history, 3, 3), Some(30.0));
        assert_eq!(seasonal_naive(&history, 3, 4), Some(10.0));
        assert_eq!(seasonal_naive(&history[..2], 3, 1), None);
    }

    #[test]
    fn predictive_scaler_rounds_up_and_clamps() {
        let scaler = PredictiveScaler {
            per_replica: 50.0,
            min_replicas: 2,
            max_replicas: 8,
        };
        assert_eq!(scaler.replicas_for(0.0), 2);
        assert_eq!(scaler.replicas_for(151.0), 4);
        assert_eq!(scaler.replicas_for(10_000.0), 8);
    }

    proptest! {
        #[test]
        fn holt_continues_a_straight_line(
            start in -1e3f64..1e3,
            slope in -50f64..50.0,
            alpha in 0.05f64..1.0,
            beta in 0.05f64..1.0,
            n in 2usize..40,
            ahead in 0u32..20,
        ) {
            let mut holt = HoltForecast::new(alpha, beta);
            for i in 0..n {
                holt.observe(start + slope * i as f64);
            }
            let expected = start + slope * (n - 1 + ahead as usize) as f64;
            let got = holt.forecast(ahead).unwrap();
            prop_assert!((got - expected).abs() < 1e-6 * (1.0 + expected.abs()), "{} vs {}", got, expected);
        }

        #[test]
        fn seasonal_naive_is_exact_on_a_periodic_series(
            season_values in proptest::collection::vec(0f64..1e4, 1..24),
            repeats in 1usize..4,
            steps in 1usize..50,
        ) {
            let m = season_values.len();
            let series: Vec<f64> = (0..m * repeats).map(|i| season_values[i % m]).collect();
            let next = season_values[(series.len() + steps - 1) % m];
            prop_assert_eq!(seasonal_naive(&series, m, steps), Some(next));
        }

        #[test]
        fn hpa_result_stays_within_bounds_and_never_drops_below_the_window_max(
            min in 1u32..5,
            extra in 0u32..30,
            steps in proptest::collection::vec((0.0f64..5.0, 0u64..120), 1..40),
        ) {
            let max = min + extra;
            let clock = ManualClock::new();
            let mut hpa = Hpa::new(HpaConfig { min_replicas: min, max_replicas: max, ..HpaConfig::default() }, clock.clone());
            let mut replicas = min;
            let mut history: Vec<(Duration, u32)> = Vec::new();
            for (ratio, gap) in steps {
                clock.advance(secs(gap));
                let metric = MetricSample::new("load", ratio, 1.0);
                let raw = desired_replicas(replicas, &metric, Tolerance::default());
                history.push((clock.now(), raw));
                let next = hpa.evaluate(replicas, &[metric]);
                prop_assert!((min..=max).contains(&next));
                if next < replicas {
                    // A scale-down never goes below a recommendation made in
                    // the last 300 s (before clamping).
                    let recent = history
                        .iter()
                        .filter(|(at, _)| *at + secs(300) > clock.now())
                        .map(|&(_, r)| r)
                        .max()
                        .unwrap();
                    prop_assert!(next >= recent.clamp(min, max));
                }
                replicas = next;
            }
        }
    }
}
