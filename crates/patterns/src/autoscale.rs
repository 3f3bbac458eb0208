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
//! - Stabilisation: scaling down uses the *highest* recommendation of the
//!   last five minutes (the default scale-down stabilisation window, 300 s),
//!   so a short lull does not remove replicas that the next burst needs.
//!   Scaling up uses the *lowest* recommendation of its own window, whose
//!   default is 0 s: the current recommendation.
//! - Scaling up is **rate-limited**, not immediate. The default scale-up
//!   policies allow, per 15 s period, the larger of `+100 %` and `+4 pods`
//!   (`selectPolicy: Max`), both counted from the replicas at the start of
//!   the period. From one pod under a huge load the HPA goes 1 → 5 → 10 →
//!   20 → 40 in successive periods. (The default scale-down policy, 100 %
//!   per 15 s, removes nothing the window has not already allowed, so it is
//!   not modelled.) Time comes from an injected [`Clock`].
//! - The result is clamped to `min_replicas..=max_replicas`.
//!
//! Not modelled: readiness and missing-metric handling.
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
//! // 4 replicas at 90% CPU against a 60% target: ceil(4 × 1.5) = 6, within
//! // the default rate limit (up to 8 in one period).
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

    // ANCHOR: solution
    /// A metric measured on each pod, averaged as the HPA does.
    #[must_use]
    pub fn from_pods(name: &str, per_pod: &[f64], target: f64) -> Self {
        let mean = per_pod.iter().sum::<f64>() / per_pod.len().max(1) as f64;
        Self::new(name, mean, target)
    }
    // ANCHOR_END: solution

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
// ANCHOR: solution
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
// ANCHOR_END: solution
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
    /// How long a low recommendation holds off a scale-up (Kubernetes'
    /// default: 0 s, scale up on the current recommendation).
    pub scale_up_window: Duration,
    /// Scale-up policy: at most this percentage of the replicas at the start
    /// of a period may be added per period (default 100).
    pub scale_up_percent: u32,
    /// Scale-up policy: at most this many pods may be added per period
    /// (default 4). The larger of the two limits applies.
    pub scale_up_pods: u32,
    /// The period both scale-up policies count over (default 15 s).
    pub scale_up_period: Duration,
}

impl Default for HpaConfig {
    fn default() -> Self {
        Self {
            min_replicas: 1,
            max_replicas: 10,
            tolerance: Tolerance::default(),
            scale_down_window: Duration::from_secs(300),
            scale_up_window: Duration::ZERO,
            scale_up_percent: 100,
            scale_up_pods: 4,
            scale_up_period: Duration::from_secs(15),
        }
    }
}

// ANCHOR: hpa
// ANCHOR: solution
/// A horizontal autoscaler for one workload, evaluated periodically (the
/// HPA's loop runs every 15 s).
#[derive(Debug, Clone)]
pub struct Hpa<C: Clock> {
    config: HpaConfig,
    clock: C,
    /// Raw recommendations inside the longer window: (time, replicas).
    recommendations: VecDeque<(Duration, u32)>,
    /// Scale-ups inside the policy period: (time, pods added).
    scale_ups: VecDeque<(Duration, u32)>,
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

        // Stabilise: up to the lowest recommendation of the scale-up window,
        // down only to the highest of the scale-down window.
        let now = self.clock.now();
        let (up_window, down_window) = (self.config.scale_up_window, self.config.scale_down_window);
        let keep = up_window.max(down_window);
        self.recommendations.retain(|&(at, _)| at + keep > now);
        let within = |window: Duration| {
            let recent = self
                .recommendations
                .iter()
                .filter(move |&&(at, _)| at + window > now);
            recent.map(|&(_, r)| r).chain([desired])
        };
        let up = within(up_window).min().unwrap_or(desired);
        let down = within(down_window).max().unwrap_or(desired);
        self.recommendations.push_back((now, desired));
        let stabilised = current_replicas.max(up).min(down);

        // Rate-limit scale-ups: max(+percent, +pods) of the replicas at the
        // start of the period.
        let period = self.config.scale_up_period;
        self.scale_ups.retain(|&(at, _)| at + period > now);
        let added: u32 = self.scale_ups.iter().map(|&(_, n)| n).sum();
        let start = current_replicas.saturating_sub(added);
        let by_percent =
            (u64::from(start) * u64::from(100 + self.config.scale_up_percent)).div_ceil(100);
        let by_pods = u64::from(start) + u64::from(self.config.scale_up_pods);
        let limit = u32::try_from(by_percent.max(by_pods)).unwrap_or(u32::MAX);
        let next = stabilised
            .min(limit.max(current_replicas))
            .clamp(self.config.min_replicas, self.config.max_replicas);
        if next > current_replicas {
            self.scale_ups.push_back((now, next - current_replicas));
        }
        next
    }
}
// ANCHOR_END: solution
// ANCHOR_END: hpa

impl<C: Clock> Hpa<C> {
    /// An autoscaler with no history.
    pub fn new(config: HpaConfig, clock: C) -> Self {
        Self {
            config,
            clock,
            recommendations: VecDeque::new(),
            scale_ups: VecDeque::new(),
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
    // ANCHOR: solution
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
    // ANCHOR_END: solution
    // ANCHOR_END: holt

    /// The value expected `steps` observations from now, once there is data.
    #[must_use]
    pub fn forecast(&self, steps: u32) -> Option<f64> {
        (self.seen > 0).then(|| self.level + f64::from(steps) * self.trend)
    }
}

// ANCHOR: solution
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
// ANCHOR_END: solution

// ANCHOR: predictive
// ANCHOR: solution
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
// ANCHOR_END: solution
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
    /// replicas (ceil(6.1)), in two steps because of the default scale-up
    /// policy (max(+100 %, +4 pods) per 15 s: 1 → 5, then 7); when the load
    /// stops, it goes back to 1 after the stabilisation window.
    #[test]
    fn reproduces_the_kubernetes_walkthrough() {
        let clock = ManualClock::new();
        let mut hpa = Hpa::new(HpaConfig::default(), clock.clone());
        let cpu = |percent| MetricSample::new("cpu", percent, 50.0);
        assert_eq!(hpa.evaluate(1, &[cpu(305.0)]), 5);
        clock.advance(secs(15));
        // 5 pods now carry the load at 61% each: ceil(5 × 1.22) = 7.
        assert_eq!(hpa.evaluate(5, &[cpu(61.0)]), 7);
        let mut replicas = 7;
        for _ in 0..19 {
            clock.advance(secs(15));
            replicas = hpa.evaluate(replicas, &[cpu(0.0)]);
            assert_eq!(replicas, 7, "held at {:?}", clock.now());
        }
        clock.advance(secs(15));
        assert_eq!(clock.now(), secs(315));
        assert_eq!(hpa.evaluate(replicas, &[cpu(0.0)]), 1);
    }

    /// Kubernetes documentation, "Horizontal Pod Autoscaling", section
    /// "Default Behavior": scale-up policies of 100 % and 4 pods per 15 s,
    /// the larger applying, and no scale-up stabilisation. Under a load
    /// that wants 100 pods, one pod grows 1 → 5 → 10 → 20 → 40 → 80 → 100.
    #[test]
    fn default_scale_up_doubles_or_adds_four_pods_per_15_seconds() {
        let clock = ManualClock::new();
        let config = HpaConfig {
            max_replicas: 100,
            ..HpaConfig::default()
        };
        let mut hpa = Hpa::new(config, clock.clone());
        let mut replicas = 1;
        let mut sizes = vec![replicas];
        for _ in 0..6 {
            // Enough work for 100 pods, whatever the count.
            let load = MetricSample::from_total("tasks", 100.0, replicas, 1.0);
            replicas = hpa.evaluate(replicas, &[load]);
            sizes.push(replicas);
            clock.advance(secs(15));
        }
        assert_eq!(sizes, [1, 5, 10, 20, 40, 80, 100]);
    }

    /// Within one period the limit counts from the replicas at its start:
    /// evaluating twice in 15 s does not double twice.
    #[test]
    fn two_scale_ups_in_one_period_share_its_limit() {
        let clock = ManualClock::new();
        let config = HpaConfig {
            max_replicas: 100,
            ..HpaConfig::default()
        };
        let mut hpa = Hpa::new(config, clock.clone());
        let busy = |replicas| MetricSample::from_total("tasks", 100.0, replicas, 1.0);
        assert_eq!(hpa.evaluate(10, &[busy(10)]), 20);
        clock.advance(secs(5));
        assert_eq!(hpa.evaluate(20, &[busy(20)]), 20, "10 + 100 % already used");
        clock.advance(secs(10));
        assert_eq!(hpa.evaluate(20, &[busy(20)]), 40);
    }

    /// A scale-up window holds off a scale-up until the load has stayed high
    /// for the whole window (the lowest recommendation in it wins).
    #[test]
    fn a_scale_up_window_takes_the_lowest_recent_recommendation() {
        let clock = ManualClock::new();
        let config = HpaConfig {
            max_replicas: 50,
            scale_up_window: secs(60),
            ..HpaConfig::default()
        };
        let mut hpa = Hpa::new(config, clock.clone());
        let tasks = |per_replica| MetricSample::new("tasks", per_replica, 1.0);
        assert_eq!(hpa.evaluate(4, &[tasks(1.0)]), 4);
        clock.advance(secs(15));
        assert_eq!(hpa.evaluate(4, &[tasks(3.0)]), 4, "a spike 15 s long");
        clock.advance(secs(45));
        assert_eq!(hpa.evaluate(4, &[tasks(3.0)]), 8, "the 4 left the window");
    }

    #[test]
    fn the_most_demanding_metric_wins() {
        let clock = ManualClock::new();
        let mut hpa = Hpa::new(HpaConfig::default(), clock.clone());
        let metrics = |replicas| {
            [
                MetricSample::new("cpu", 30.0, 60.0),
                MetricSample::from_total("agent-tasks-waiting", 48.0, replicas, 4.0),
            ]
        };
        // CPU alone would halve to 2; 12 tasks per replica against 4 triples
        // to 12, of which the scale-up policy allows 8 in this period.
        assert_eq!(hpa.evaluate(4, &metrics(4)), 8);
        clock.advance(Duration::from_secs(15));
        assert_eq!(hpa.evaluate(8, &metrics(8)), 10, "clamped to max_replicas");
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
        assert_eq!(hpa.evaluate(10, &[tasks(2.0)]), 20); // t=0: recommends 20, +100 %
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
            // (time, replicas before the evaluation at that time)
            let mut sizes: Vec<(Duration, u32)> = Vec::new();
            for (ratio, gap) in steps {
                clock.advance(secs(gap));
                let metric = MetricSample::new("load", ratio, 1.0);
                let raw = desired_replicas(replicas, &metric, Tolerance::default());
                history.push((clock.now(), raw));
                let next = hpa.evaluate(replicas, &[metric]);
                prop_assert!((min..=max).contains(&next));
                // A scale-up stays within max(+100 %, +4) of the replicas
                // 15 s ago, over all scale-ups of the period.
                let period_start = sizes
                    .iter()
                    .filter(|(at, _)| *at + secs(15) > clock.now())
                    .map(|&(_, before)| before)
                    .next()
                    .unwrap_or(replicas);
                if next > replicas {
                    prop_assert!(next <= (2 * period_start).max(period_start + 4).max(min));
                }
                sizes.push((clock.now(), replicas));
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
