//! The self-assessment's answer keys (`assessment/spec.toml`) are computed by
//! this crate wherever a function computes them: every question with
//! `computed-by = "module::function"` is recomputed here from its `inputs`,
//! and its `answer` must be within a tenth of the question's tolerance of
//! the result (exactly the result when the tolerance is 0). If someone edits
//! the spec's numbers, or the arithmetic, the two cannot drift apart.

use std::fs;
use std::path::Path;
use std::time::Duration;

use coffee_patterns::autoscale::{MetricSample, Tolerance, desired_replicas};
use coffee_patterns::availability::serial;
use coffee_patterns::capacity::{ServerProfile, Workload};
use coffee_patterns::clock::ManualClock;
use coffee_patterns::disruption_budget::{Budget, DisruptionBudget};
use coffee_patterns::int_or_percent::IntOrPercent;
use coffee_patterns::mesh_retry::amplification;
use coffee_patterns::pipeline::{erlang_c, mmc};
use coffee_patterns::quorum::{FaultModel, nodes_needed, quorum, tolerated};
use coffee_patterns::rate_limit::{Gcra, Quota};
use coffee_patterns::slo::Slo;
use toml::Value;

fn spec() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assessment/spec.toml");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The question's inputs, read by name.
struct Inputs<'a> {
    id: &'a str,
    table: &'a toml::Table,
}

impl Inputs<'_> {
    fn value(&self, key: &str) -> &Value {
        self.table
            .get(key)
            .unwrap_or_else(|| panic!("question `{}`: no input `{key}`", self.id))
    }

    fn float(&self, key: &str) -> f64 {
        match self.value(key) {
            Value::Float(f) => *f,
            Value::Integer(i) => *i as f64,
            other => panic!("question `{}`: `{key}` is not a number: {other}", self.id),
        }
    }

    fn int(&self, key: &str) -> u32 {
        let v = self.value(key);
        let n = v
            .as_integer()
            .unwrap_or_else(|| panic!("question `{}`: `{key}` is not an integer: {v}", self.id));
        u32::try_from(n).unwrap()
    }

    fn text(&self, key: &str) -> &str {
        let v = self.value(key);
        v.as_str()
            .unwrap_or_else(|| panic!("question `{}`: `{key}` is not a string: {v}", self.id))
    }

    fn model(&self) -> FaultModel {
        match self.text("model") {
            "crash" => FaultModel::Crash,
            "byzantine" => FaultModel::Byzantine,
            other => panic!("question `{}`: no fault model `{other}`", self.id),
        }
    }
}

/// What `function` computes from `inputs`, in the unit the question asks.
fn compute(function: &str, inputs: &Inputs<'_>) -> f64 {
    match function {
        "capacity::Workload::estimate" => {
            let workload = Workload {
                daily_active_users: u64::from(inputs.int("daily-active-users")),
                requests_per_user: inputs.float("requests-per-user"),
                peak_factor: inputs.float("peak-factor"),
                write_ratio: inputs.float("write-ratio"),
                bytes_per_write: u64::from(inputs.int("bytes-per-write")),
                bytes_per_response: u64::from(inputs.int("bytes-per-response")),
            };
            let server = ServerProfile {
                max_qps: inputs.float("max-qps"),
                target_utilisation: inputs.float("target-utilisation"),
                spares: inputs.int("spares"),
            };
            let estimate = workload.estimate(&server);
            match inputs.text("field") {
                "peak_qps" => estimate.peak_qps,
                "servers" => f64::from(estimate.servers),
                "storage_gb_per_day" => estimate.storage_per_day as f64 / 1e9,
                other => panic!("question `{}`: no estimate field `{other}`", inputs.id),
            }
        }
        "availability::serial" => {
            let parts: Vec<f64> = inputs
                .value("parts")
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_float().unwrap())
                .collect();
            serial(&parts) * 100.0
        }
        "mesh_retry::amplification" => {
            amplification(inputs.int("attempts"), inputs.int("depth")) as f64
        }
        "rate_limit::Gcra" => {
            let quota = Quota::per_period(
                inputs.int("requests"),
                Duration::from_millis(u64::from(inputs.int("period-ms"))),
            )
            .with_burst(inputs.int("burst"));
            let clock = ManualClock::new();
            let mut limiter = Gcra::new(quota, clock.clone());
            let every = Duration::from_millis(u64::from(inputs.int("every-ms")));
            let mut admitted = 0;
            for i in 0..inputs.int("count") {
                if i > 0 {
                    clock.advance(every);
                }
                if limiter.check().is_ok() {
                    admitted += 1;
                }
            }
            f64::from(admitted)
        }
        "pipeline::mmc" => {
            let queue = mmc(
                inputs.float("arrival-rate"),
                inputs.float("service-rate"),
                inputs.int("servers"),
            )
            .unwrap_or_else(|| panic!("question `{}`: the queue is unstable", inputs.id));
            match inputs.text("field") {
                "mean_wait" => queue.mean_wait,
                "mean_queue_length" => queue.mean_queue_length,
                other => panic!("question `{}`: no queue field `{other}`", inputs.id),
            }
        }
        "pipeline::erlang_c" => {
            let p = erlang_c(inputs.int("servers"), inputs.float("offered-load"));
            if inputs.value("percent").as_bool() == Some(true) {
                p * 100.0
            } else {
                p
            }
        }
        "slo::Slo::time_to_exhaustion" => {
            let slo = Slo::new(
                inputs.float("objective"),
                Duration::from_secs(u64::from(inputs.int("period-days")) * 86_400),
            );
            slo.time_to_exhaustion(inputs.float("burn-rate"))
                .as_secs_f64()
                / 3600.0
        }
        "slo::Slo::burn_rate" => {
            let slo = Slo::new(
                inputs.float("objective"),
                Duration::from_secs(u64::from(inputs.int("period-days")) * 86_400),
            );
            slo.burn_rate(inputs.float("error-ratio"))
        }
        "autoscale::desired_replicas" => {
            let metric = MetricSample::new("cpu", inputs.float("current"), inputs.float("target"));
            f64::from(desired_replicas(
                inputs.int("current-replicas"),
                &metric,
                Tolerance::default(),
            ))
        }
        "disruption_budget::DisruptionBudget::disruptions_allowed" => {
            let budget = DisruptionBudget::new(Budget::MinAvailable(IntOrPercent::Percent(
                inputs.int("min-available-percent"),
            )));
            f64::from(budget.disruptions_allowed(inputs.int("expected"), inputs.int("healthy")))
        }
        "quorum::nodes_needed" => nodes_needed(inputs.int("f") as usize, inputs.model()) as f64,
        "quorum::tolerated" => tolerated(inputs.int("n") as usize, inputs.model()) as f64,
        "quorum::quorum" => quorum(inputs.int("n") as usize, inputs.model()) as f64,
        other => panic!(
            "question `{}`: computed-by names `{other}`, which this test does not know: add it to `compute`",
            inputs.id
        ),
    }
}

#[test]
fn answer_keys_match_the_reference_code() {
    let spec = spec();
    let questions = spec["question"].as_array().unwrap();
    let mut checked = Vec::new();
    let mut wrong = Vec::new();
    for question in questions {
        let Some(function) = question.get("computed-by").and_then(Value::as_str) else {
            continue;
        };
        let id = question["id"].as_str().unwrap();
        assert_eq!(
            question["kind"].as_str(),
            Some("numeric"),
            "question `{id}`: only a numeric key is computed"
        );
        let table = question
            .get("inputs")
            .and_then(Value::as_table)
            .unwrap_or_else(|| panic!("question `{id}`: computed-by without `inputs`"));
        let computed = compute(function, &Inputs { id, table });
        let answer = match &question["answer"] {
            Value::Float(f) => *f,
            Value::Integer(i) => *i as f64,
            other => panic!("question `{id}`: the answer is not a number: {other}"),
        };
        let tolerance = match &question["tolerance"] {
            Value::Float(f) => *f,
            Value::Integer(i) => *i as f64,
            other => panic!("question `{id}`: the tolerance is not a number: {other}"),
        };
        if !key_matches(computed, answer, tolerance) {
            wrong.push(format!(
                "question `{id}`: the key is {answer}, {function} computes {computed}"
            ));
        }
        checked.push(function);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The keys the assessment promises come from the code: an Erlang-C wait,
    // a GCRA count, an HPA replica count, a quorum size, an SLO burn time.
    for promised in [
        "pipeline::mmc",
        "rate_limit::Gcra",
        "autoscale::desired_replicas",
        "quorum::nodes_needed",
        "slo::Slo::time_to_exhaustion",
    ] {
        assert!(
            checked.contains(&promised),
            "no key is computed by {promised}"
        );
    }
    assert!(
        checked.len() >= 12,
        "only {} keys are computed",
        checked.len()
    );
}

/// Whether a stated key agrees with the computed value: exactly for a
/// tolerance of 0, else within a tenth of the tolerance.
fn key_matches(computed: f64, answer: f64, tolerance: f64) -> bool {
    if tolerance == 0.0 {
        computed == answer
    } else {
        (computed - answer).abs() <= tolerance / 10.0
    }
}

#[test]
fn an_off_key_is_caught() {
    // Erlang C for 3 baristas at 2.5 Erlangs, stated to two decimals.
    let table: toml::Table =
        toml::from_str("servers = 3\noffered-load = 2.5\npercent = true").unwrap();
    let computed = compute(
        "pipeline::erlang_c",
        &Inputs {
            id: "t",
            table: &table,
        },
    );
    assert!(key_matches(computed, 70.22, 1.0));
    assert!(
        !key_matches(computed, 70.4, 1.0),
        "off by more than a tenth of the tolerance"
    );
    assert!(key_matches(14.0, 14.0, 0.0));
    assert!(!key_matches(14.0, 15.0, 0.0), "a count is exact");
}
