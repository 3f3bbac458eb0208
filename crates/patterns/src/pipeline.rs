//! Finding the bottleneck of an order pipeline with a stage model and queueing
//! theory.
//!
//! An order passes through stages (validate, take payment, queue a kitchen
//! ticket, ...). Each [`Stage`] has a mean service time `S` and a number of
//! workers `c` that serve in parallel. With orders arriving at rate `λ`, a
//! stage's **utilisation** is `ρ = λ·S / c`: the share of time its workers are
//! busy. The stage with the highest utilisation is the **bottleneck**: it caps
//! the whole pipeline at `c / S` orders per second, and as `ρ` nears 1 its
//! queue, and so every order's latency, grows without bound.
//!
//! Two views are offered and can be checked against each other:
//!
//! - [`Pipeline::analyse`] predicts utilisation, queueing and latency with the
//!   M/M/c formulas ([`mmc`], [`mm1`]). For Poisson arrivals and exponential
//!   service, a chain of such stages behaves like independent M/M/c queues
//!   (Burke's theorem), so the predictions add up stage by stage.
//! - [`Pipeline::simulate`] runs a deterministic discrete-event simulation
//!   (seeded, first-come first-served at every stage) and measures the same
//!   quantities, including the time-average number of orders in the system,
//!   so that Little's law `L = λW` can be observed rather than assumed.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::pipeline::{Pipeline, Stage};
//! use std::time::Duration;
//!
//! let pipeline = Pipeline::new(vec![
//!     Stage::new("validate", Duration::from_millis(5), 2),
//!     Stage::new("payment", Duration::from_millis(200), 4),
//!     Stage::new("kitchen ticket", Duration::from_millis(20), 1),
//! ]);
//! // 15 orders per second: payment is 75% busy, the others far less.
//! let analysis = pipeline.analyse(15.0);
//! assert_eq!(analysis.bottleneck().name, "payment");
//! assert!((analysis.bottleneck().utilisation - 0.75).abs() < 1e-9);
//! // Payment caps the pipeline at 4 workers / 0.2 s = 20 orders per second.
//! assert!((pipeline.max_throughput() - 20.0).abs() < 1e-9);
//! ```

use crate::rng::SeededRng;
use std::time::Duration;

// ANCHOR: stage
// ANCHOR: solution
/// One step of the pipeline: `workers` servers, each taking `service_time`
/// on average per order.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// What the stage does (`"payment"`).
    pub name: String,
    /// Mean time one worker spends on one order.
    pub service_time: Duration,
    /// How many orders the stage can work on at once.
    pub workers: u32,
}

impl Stage {
    /// A stage with `workers` parallel workers and a mean `service_time`.
    ///
    /// # Panics
    ///
    /// Panics if `workers` is zero or `service_time` is zero.
    #[must_use]
    pub fn new(name: impl Into<String>, service_time: Duration, workers: u32) -> Self {
        assert!(workers > 0, "a stage needs at least one worker");
        assert!(
            !service_time.is_zero(),
            "a stage needs a positive service time"
        );
        Self {
            name: name.into(),
            service_time,
            workers,
        }
    }

    /// The most orders per second this stage can finish: `c / S`.
    #[must_use]
    pub fn capacity(&self) -> f64 {
        f64::from(self.workers) / self.service_time.as_secs_f64()
    }

    /// The share of worker time spent busy at `arrival_rate` orders per
    /// second: `ρ = λ·S / c`. At 1 or above the queue grows without bound.
    #[must_use]
    pub fn utilisation(&self, arrival_rate: f64) -> f64 {
        arrival_rate / self.capacity()
    }
}
// ANCHOR_END: solution
// ANCHOR_END: stage

/// Steady-state figures of one queue, in seconds and orders.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueMetrics {
    /// Utilisation per worker, `ρ = λ / (c·μ)`.
    pub utilisation: f64,
    /// Probability that an arriving order has to wait (Erlang C).
    pub wait_probability: f64,
    /// Mean number of orders waiting, not yet in service (`Lq`).
    pub mean_queue_length: f64,
    /// Mean number of orders waiting or in service (`L`).
    pub mean_in_system: f64,
    /// Mean time spent waiting before service (`Wq`).
    pub mean_wait: f64,
    /// Mean time spent waiting plus in service (`W`).
    pub mean_time_in_system: f64,
}

// ANCHOR: formulas
// ANCHOR: solution
/// Erlang's C formula: the probability that an arrival waits in an M/M/c
/// queue with `servers` servers and offered load `a = λ/μ` (in Erlangs).
/// Returns 1 when the queue is unstable (`a >= servers`).
#[must_use]
pub fn erlang_c(servers: u32, offered_load: f64) -> f64 {
    let c = f64::from(servers);
    if offered_load >= c {
        return 1.0;
    }
    // Erlang B by its stable recurrence, then C = c·B / (c − a·(1 − B)).
    let mut b = 1.0;
    for k in 1..=servers {
        b = offered_load * b / (f64::from(k) + offered_load * b);
    }
    c * b / (c - offered_load * (1.0 - b))
}

/// The M/M/c queue: Poisson arrivals at rate `λ`, `servers` workers each
/// serving at exponential rate `μ`. `None` when `λ >= c·μ` (no steady state).
#[must_use]
pub fn mmc(arrival_rate: f64, service_rate: f64, servers: u32) -> Option<QueueMetrics> {
    let c = f64::from(servers);
    let a = arrival_rate / service_rate;
    let rho = a / c;
    if rho >= 1.0 {
        return None;
    }
    let wait_probability = erlang_c(servers, a);
    let mean_queue_length = wait_probability * rho / (1.0 - rho);
    let mean_wait = mean_queue_length / arrival_rate; // Little's law on the queue
    let mean_time_in_system = mean_wait + 1.0 / service_rate;
    Some(QueueMetrics {
        utilisation: rho,
        wait_probability,
        mean_queue_length,
        mean_in_system: arrival_rate * mean_time_in_system, // and on the system
        mean_wait,
        mean_time_in_system,
    })
}

/// The M/M/1 queue, `mmc` with one server: `L = ρ/(1−ρ)`, `W = 1/(μ−λ)`.
#[must_use]
pub fn mm1(arrival_rate: f64, service_rate: f64) -> Option<QueueMetrics> {
    mmc(arrival_rate, service_rate, 1)
}
// ANCHOR_END: solution
// ANCHOR_END: formulas

/// An ordered chain of stages that every order goes through.
#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    stages: Vec<Stage>,
}

/// The prediction for one stage at a given arrival rate.
#[derive(Debug, Clone, PartialEq)]
pub struct StageAnalysis {
    /// The stage's name.
    pub name: String,
    /// `ρ = λ·S / c`.
    pub utilisation: f64,
    /// The stage's capacity in orders per second, `c / S`.
    pub capacity: f64,
    /// M/M/c figures, or `None` if the stage is overloaded (`ρ >= 1`).
    pub queue: Option<QueueMetrics>,
}

/// What [`Pipeline::analyse`] predicts.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// One entry per stage, in pipeline order.
    pub stages: Vec<StageAnalysis>,
    bottleneck: usize,
}

impl Analysis {
    /// The most utilised stage: the one to scale first.
    #[must_use]
    pub fn bottleneck(&self) -> &StageAnalysis {
        &self.stages[self.bottleneck]
    }

    /// Whether every stage keeps up (`ρ < 1` everywhere).
    #[must_use]
    pub fn is_stable(&self) -> bool {
        self.stages.iter().all(|s| s.queue.is_some())
    }

    /// Predicted mean end-to-end latency, the sum of each stage's `W`;
    /// `None` if a stage is overloaded.
    #[must_use]
    pub fn mean_latency(&self) -> Option<f64> {
        self.stages
            .iter()
            .map(|s| s.queue.map(|q| q.mean_time_in_system))
            .sum()
    }
}

/// What one stage did during a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct StageReport {
    /// The stage's name.
    pub name: String,
    /// Busy worker-time divided by available worker-time.
    pub utilisation: f64,
    /// Mean time an order waited for a free worker, in seconds.
    pub mean_wait: f64,
    /// Longest time an order waited for a free worker, in seconds.
    pub max_wait: f64,
}

/// What [`Pipeline::simulate`] measured.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationReport {
    /// Per stage, in pipeline order.
    pub stages: Vec<StageReport>,
    /// Orders that went through.
    pub orders: usize,
    /// Time from the first arrival's clock origin to the last departure, in
    /// seconds.
    pub duration: f64,
    /// Observed arrival rate `λ`: orders divided by the span of arrivals.
    pub arrival_rate: f64,
    /// Observed throughput: orders divided by the duration.
    pub throughput: f64,
    /// Observed mean end-to-end latency `W`, in seconds.
    pub mean_latency: f64,
    /// Observed time-average number of orders in the pipeline `L`,
    /// integrated over the whole run.
    pub mean_in_system: f64,
}

impl SimulationReport {
    /// The stage with the highest measured utilisation.
    #[must_use]
    pub fn bottleneck(&self) -> &StageReport {
        self.stages
            .iter()
            .max_by(|a, b| a.utilisation.total_cmp(&b.utilisation))
            .expect("a pipeline has at least one stage")
    }
}

impl Pipeline {
    /// A pipeline of `stages`, in the order orders pass them.
    ///
    /// # Panics
    ///
    /// Panics if `stages` is empty.
    #[must_use]
    pub fn new(stages: Vec<Stage>) -> Self {
        assert!(!stages.is_empty(), "a pipeline needs at least one stage");
        Self { stages }
    }

    /// The stages, in order.
    #[must_use]
    pub fn stages(&self) -> &[Stage] {
        &self.stages
    }

    /// The highest sustainable arrival rate: the smallest stage capacity.
    #[must_use]
    pub fn max_throughput(&self) -> f64 {
        self.stages
            .iter()
            .map(Stage::capacity)
            .fold(f64::INFINITY, f64::min)
    }

    // ANCHOR: analyse
    // ANCHOR: solution
    /// Predicts each stage's load at `arrival_rate` orders per second and
    /// names the bottleneck: the stage with the highest utilisation.
    #[must_use]
    pub fn analyse(&self, arrival_rate: f64) -> Analysis {
        let stages: Vec<StageAnalysis> = self
            .stages
            .iter()
            .map(|stage| StageAnalysis {
                name: stage.name.clone(),
                utilisation: stage.utilisation(arrival_rate),
                capacity: stage.capacity(),
                queue: mmc(
                    arrival_rate,
                    1.0 / stage.service_time.as_secs_f64(),
                    stage.workers,
                ),
            })
            .collect();
        let bottleneck = (0..stages.len())
            .max_by(|&a, &b| stages[a].utilisation.total_cmp(&stages[b].utilisation))
            .expect("a pipeline has at least one stage");
        Analysis { stages, bottleneck }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: analyse

    /// Simulates `orders` orders arriving as a Poisson stream at
    /// `arrival_rate` per second, each stage serving first come first served
    /// with exponential service times. The same `seed` gives the same report.
    #[must_use]
    pub fn simulate(&self, arrival_rate: f64, orders: usize, seed: u64) -> SimulationReport {
        assert!(orders > 0, "simulate at least one order");
        let mut rng = SeededRng::new(seed);
        let mut exp = |mean: f64| -mean * (1.0 - rng.next_f64()).ln();

        let mut t = 0.0;
        let arrivals: Vec<f64> = (0..orders)
            .map(|_| {
                t += exp(1.0 / arrival_rate);
                t
            })
            .collect();

        // ANCHOR: simulate
        let mut ready = arrivals.clone(); // when each order reaches the next stage
        let mut stage_reports = Vec::with_capacity(self.stages.len());
        for stage in &self.stages {
            // Serve in order of arrival at this stage (ties by order number).
            let mut queue: Vec<usize> = (0..orders).collect();
            queue.sort_by(|&a, &b| ready[a].total_cmp(&ready[b]).then(a.cmp(&b)));
            let mut free_at = vec![0.0_f64; stage.workers as usize];
            let (mut busy, mut total_wait, mut max_wait) = (0.0, 0.0, 0.0_f64);
            for order in queue {
                let worker = (0..free_at.len())
                    .min_by(|&a, &b| free_at[a].total_cmp(&free_at[b]))
                    .expect("a stage has workers");
                let start = ready[order].max(free_at[worker]);
                let service = exp(stage.service_time.as_secs_f64());
                free_at[worker] = start + service;
                busy += service;
                total_wait += start - ready[order];
                max_wait = max_wait.max(start - ready[order]);
                ready[order] = start + service;
            }
            stage_reports.push((stage, busy, total_wait, max_wait));
        }
        // ANCHOR_END: simulate
        let departures = ready;

        let duration = departures.iter().copied().fold(0.0, f64::max);
        let total_latency: f64 = departures.iter().zip(&arrivals).map(|(d, a)| d - a).sum();
        SimulationReport {
            stages: stage_reports
                .into_iter()
                .map(|(stage, busy, total_wait, max_wait)| StageReport {
                    name: stage.name.clone(),
                    utilisation: busy / (duration * f64::from(stage.workers)),
                    mean_wait: total_wait / orders as f64,
                    max_wait,
                })
                .collect(),
            orders,
            duration,
            arrival_rate: orders as f64 / arrivals[orders - 1],
            throughput: orders as f64 / duration,
            mean_latency: total_latency / orders as f64,
            mean_in_system: time_average_in_system(&arrivals, &departures, duration),
        }
    }
}

/// The integral of "orders in the system" over `[0, duration]`, divided by
/// `duration`, computed by sweeping arrival (+1) and departure (−1) events.
fn time_average_in_system(arrivals: &[f64], departures: &[f64], duration: f64) -> f64 {
    let mut events: Vec<(f64, i64)> = arrivals
        .iter()
        .map(|&t| (t, 1))
        .chain(departures.iter().map(|&t| (t, -1)))
        .collect();
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut area, mut in_system, mut last) = (0.0, 0_i64, 0.0);
    for (t, delta) in events {
        area += in_system as f64 * (t - last);
        in_system += delta;
        last = t;
    }
    area / duration
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn close(actual: f64, expected: f64, relative: f64) -> bool {
        (actual - expected).abs() <= relative * expected.abs()
    }

    #[track_caller]
    fn assert_close(actual: f64, expected: f64, relative: f64) {
        assert!(
            close(actual, expected, relative),
            "{actual} is not within {relative} of {expected}"
        );
    }

    /// The textbook M/M/1 example: λ = 8/s, μ = 10/s gives ρ = 0.8,
    /// L = ρ/(1−ρ) = 4, Lq = ρ²/(1−ρ) = 3.2, W = 1/(μ−λ) = 0.5 s,
    /// Wq = ρ/(μ−λ) = 0.4 s (closed forms worked by hand).
    #[test]
    fn mm1_matches_the_closed_forms() {
        let q = mm1(8.0, 10.0).unwrap();
        assert_close(q.utilisation, 0.8, 1e-12);
        assert_close(q.wait_probability, 0.8, 1e-12);
        assert_close(q.mean_in_system, 4.0, 1e-12);
        assert_close(q.mean_queue_length, 3.2, 1e-12);
        assert_close(q.mean_time_in_system, 0.5, 1e-12);
        assert_close(q.mean_wait, 0.4, 1e-12);
        assert!(mm1(10.0, 10.0).is_none());
    }

    /// Known Erlang C values worked by hand from the closed form
    /// C = (a^c/c!)·(c/(c−a)) / (Σ_{k<c} a^k/k! + (a^c/c!)·(c/(c−a))):
    /// a = 2 Erlangs on 3 servers gives 4/9; λ = 2, μ = 3 on 2 servers gives
    /// P0 = 1/2, C = 1/6 and Lq = 1/12.
    #[test]
    fn erlang_c_matches_known_values() {
        assert_close(erlang_c(3, 2.0), 4.0 / 9.0, 1e-12);
        assert_close(erlang_c(1, 0.5), 0.5, 1e-12);
        let q = mmc(2.0, 3.0, 2).unwrap();
        assert_close(q.wait_probability, 1.0 / 6.0, 1e-12);
        assert_close(q.mean_queue_length, 1.0 / 12.0, 1e-12);
        assert_close(q.mean_wait, 1.0 / 24.0, 1e-12);
        assert_close(q.mean_time_in_system, 1.0 / 24.0 + 1.0 / 3.0, 1e-12);
    }

    #[test]
    fn the_bottleneck_is_the_most_utilised_stage() {
        let pipeline = Pipeline::new(vec![
            Stage::new("validate", Duration::from_millis(10), 1),
            Stage::new("payment", Duration::from_millis(300), 8),
            Stage::new("barista", Duration::from_secs(60), 3),
        ]);
        // Capacities: 100/s, 26.7/s, 0.05/s: the baristas are the bottleneck.
        let a = pipeline.analyse(0.04);
        assert_eq!(a.bottleneck().name, "barista");
        assert_close(a.bottleneck().utilisation, 0.8, 1e-12);
        assert!(a.is_stable());
        assert!(!pipeline.analyse(0.05).is_stable());
        assert_close(pipeline.max_throughput(), 0.05, 1e-12);
    }

    #[test]
    fn simulating_a_single_stage_matches_mm1() {
        let pipeline = Pipeline::new(vec![Stage::new("till", Duration::from_millis(100), 1)]);
        let report = pipeline.simulate(5.0, 200_000, 1);
        let theory = mm1(5.0, 10.0).unwrap();
        assert_close(report.arrival_rate, 5.0, 0.02);
        assert_close(report.stages[0].utilisation, theory.utilisation, 0.03);
        assert_close(report.mean_latency, theory.mean_time_in_system, 0.05);
        assert_close(report.mean_in_system, theory.mean_in_system, 0.05);
    }

    #[test]
    fn simulating_a_chain_matches_the_sum_of_mmc_stages() {
        // By Burke's theorem each M/M/c stage of a chain sees Poisson arrivals.
        let pipeline = Pipeline::new(vec![
            Stage::new("validate", Duration::from_millis(40), 1),
            Stage::new("payment", Duration::from_millis(300), 4),
        ]);
        let predicted = pipeline.analyse(10.0);
        let report = pipeline.simulate(10.0, 200_000, 7);
        assert_eq!(report.bottleneck().name, predicted.bottleneck().name);
        assert_close(report.mean_latency, predicted.mean_latency().unwrap(), 0.05);
        for (seen, expected) in report.stages.iter().zip(&predicted.stages) {
            assert_close(seen.utilisation, expected.utilisation, 0.03);
            assert_close(seen.mean_wait, expected.queue.unwrap().mean_wait, 0.1);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_report() {
        let pipeline = Pipeline::new(vec![Stage::new("till", Duration::from_millis(50), 2)]);
        assert_eq!(
            pipeline.simulate(20.0, 1000, 3),
            pipeline.simulate(20.0, 1000, 3)
        );
        assert_ne!(
            pipeline.simulate(20.0, 1000, 3),
            pipeline.simulate(20.0, 1000, 4)
        );
    }

    #[test]
    fn a_stage_over_capacity_builds_a_growing_queue() {
        let pipeline = Pipeline::new(vec![Stage::new("barista", Duration::from_millis(100), 1)]);
        let short = pipeline.simulate(12.0, 1_000, 5);
        let long = pipeline.simulate(12.0, 10_000, 5);
        assert!(long.stages[0].max_wait > 5.0 * short.stages[0].max_wait);
        assert!(long.stages[0].utilisation > 0.99);
    }

    proptest! {
        /// Little's law, L = λW, on the simulated sample path: the time
        /// integral of orders in the system (a sweep over events) must equal
        /// throughput times mean latency (a sum over orders).
        #[test]
        fn littles_law_holds_on_the_simulation(
            seed in any::<u64>(),
            rate in 1.0f64..40.0,
            workers in 1u32..4,
            orders in 50usize..2000,
        ) {
            let pipeline = Pipeline::new(vec![
                Stage::new("validate", Duration::from_millis(10), 1),
                Stage::new("payment", Duration::from_millis(80), workers),
            ]);
            let r = pipeline.simulate(rate, orders, seed);
            let l = r.throughput * r.mean_latency;
            prop_assert!(close(r.mean_in_system, l, 1e-9), "L = {} but λW = {}", r.mean_in_system, l);
        }
    }
}
