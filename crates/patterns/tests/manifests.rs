//! The Kubernetes manifests the week 8 pages show (`manifests/*.yaml`) are
//! parsed here, and every number in them that the reference code computes is
//! checked against it: if someone edits the YAML, or the arithmetic, the two
//! cannot drift apart.

use std::fs;
use std::path::Path;

use coffee_patterns::disruption_budget::{Budget, DisruptionBudget};
use coffee_patterns::int_or_percent::IntOrPercent;
use coffee_patterns::mesh_retry::{RoutePolicy, amplification};
use coffee_patterns::release_gate::is_pinned;
use coffee_patterns::rollout::{Fenceposts, RollingUpdate};
use coffee_patterns::topology_spread::{Placement, largest_zone, replicas_for_zone_loss};
use serde_yaml_ng::Value;

/// Pods the order service needs at the morning peak in one region.
const FLOOR: u32 = 6;
/// Availability zones per region.
const ZONES: u32 = 3;

fn manifest(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("manifests")
        .join(name);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `value` at the `/`-separated path (numbers index sequences).
fn at<'a>(value: &'a Value, path: &str) -> &'a Value {
    path.split('/').fold(value, |v, key| {
        let next = match key.parse::<usize>() {
            Ok(i) => v.get(i),
            Err(_) => v.get(key),
        };
        next.unwrap_or_else(|| panic!("no {key:?} on the way to {path}"))
    })
}

fn number(value: &Value, path: &str) -> u32 {
    let v = at(value, path);
    let n = v
        .as_u64()
        .unwrap_or_else(|| panic!("{path} is not a number: {v:?}"));
    u32::try_from(n).unwrap()
}

fn text<'a>(value: &'a Value, path: &str) -> &'a str {
    let v = at(value, path);
    v.as_str()
        .unwrap_or_else(|| panic!("{path} is not a string: {v:?}"))
}

/// An int-or-string field as Kubernetes reads it: `3` or `"25%"`.
fn int_or_percent(value: &Value, path: &str) -> IntOrPercent {
    let v = at(value, path);
    match v.as_u64() {
        Some(n) => IntOrPercent::Int(u32::try_from(n).unwrap()),
        None => v
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("{path} is neither a count nor a percentage: {v:?}")),
    }
}

#[test]
fn the_deployment_survives_a_zone_loss() {
    let d = manifest("orders-deployment.yaml");
    assert_eq!(text(&d, "kind"), "Deployment");
    let spread = at(&d, "spec/template/spec/topologySpreadConstraints/0");
    assert_eq!(text(spread, "topologyKey"), "topology.kubernetes.io/zone");
    assert_eq!(text(spread, "whenUnsatisfiable"), "DoNotSchedule");
    let max_skew = number(spread, "maxSkew");
    let replicas = number(&d, "spec/replicas");
    assert_eq!(replicas, replicas_for_zone_loss(FLOOR, ZONES, max_skew));
    assert_eq!(replicas, 9);
    assert!(replicas - largest_zone(replicas, ZONES, max_skew) >= FLOOR);

    // Schedule it and take each zone away in turn.
    let zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
    let mut placement = Placement::new(zones, max_skew);
    for _ in 0..replicas {
        placement.schedule().unwrap();
    }
    for zone in zones {
        let mut outage = placement.clone();
        outage.lose_zone(zone);
        assert_eq!(outage.running(), FLOOR, "losing {zone}");
    }

    // The spread selector must select the Deployment's own pods.
    let pod_labels = at(&d, "spec/template/metadata/labels");
    assert_eq!(at(spread, "labelSelector/matchLabels"), pod_labels);
    assert_eq!(at(&d, "spec/selector/matchLabels"), pod_labels);
}

#[test]
fn the_rolling_update_keeps_the_floor() {
    let d = manifest("orders-deployment.yaml");
    let replicas = number(&d, "spec/replicas");
    let strategy = RollingUpdate {
        max_surge: int_or_percent(&d, "spec/strategy/rollingUpdate/maxSurge"),
        max_unavailable: int_or_percent(&d, "spec/strategy/rollingUpdate/maxUnavailable"),
    };
    let f = strategy.fenceposts(replicas).unwrap();
    assert_eq!(
        f,
        Fenceposts {
            surge: 3,
            unavailable: 2
        }
    );
    assert!(replicas - f.unavailable >= FLOOR);
    let image = text(&d, "spec/template/spec/containers/0/image");
    assert!(is_pinned(image), "{image} must be pinned by digest");
}

#[test]
fn the_disruption_budget_matches_the_floor() {
    let d = manifest("orders-deployment.yaml");
    let pdb = manifest("orders-pdb.yaml");
    assert_eq!(text(&pdb, "kind"), "PodDisruptionBudget");
    let replicas = number(&d, "spec/replicas");
    let budget = DisruptionBudget::new(Budget::MinAvailable(int_or_percent(
        &pdb,
        "spec/minAvailable",
    )));
    assert_eq!(budget.desired_healthy(replicas), FLOOR);
    assert_eq!(budget.disruptions_allowed(replicas, replicas), 3);
    assert!(!budget.blocks_every_drain(replicas));
    assert_eq!(
        at(&pdb, "spec/selector/matchLabels"),
        at(&d, "spec/template/metadata/labels")
    );
}

#[test]
fn the_autoscaler_never_goes_below_the_zone_loss_size() {
    let d = manifest("orders-deployment.yaml");
    let hpa = manifest("orders-hpa.yaml");
    assert_eq!(text(&hpa, "kind"), "HorizontalPodAutoscaler");
    assert_eq!(
        text(&hpa, "spec/scaleTargetRef/name"),
        text(&d, "metadata/name")
    );
    assert_eq!(text(&hpa, "spec/scaleTargetRef/kind"), "Deployment");
    let (min, max) = (
        number(&hpa, "spec/minReplicas"),
        number(&hpa, "spec/maxReplicas"),
    );
    assert_eq!(min, number(&d, "spec/replicas"));
    // At every size the autoscaler may choose, a zone loss leaves the floor.
    let max_skew = number(&d, "spec/template/spec/topologySpreadConstraints/0/maxSkew");
    for n in min..=max {
        assert!(
            n - largest_zone(n, ZONES, max_skew) >= FLOOR,
            "{n} replicas"
        );
    }
    assert_eq!(
        number(&hpa, "spec/metrics/0/resource/target/averageUtilization"),
        60
    );
}

/// `"3s"`, `"250ms"`: the durations Istio accepts in these fields.
fn duration(value: &Value, path: &str) -> std::time::Duration {
    let s = text(value, path);
    let parsed = if let Some(ms) = s.strip_suffix("ms") {
        ms.parse().map(std::time::Duration::from_millis)
    } else if let Some(secs) = s.strip_suffix('s') {
        secs.parse().map(std::time::Duration::from_secs)
    } else {
        panic!("{path}: {s:?} has no unit")
    };
    parsed.unwrap_or_else(|e| panic!("{path}: {s:?}: {e}"))
}

#[test]
fn the_mesh_retries_fit_the_route_timeout() {
    let vs = manifest("payments-virtualservice.yaml");
    assert_eq!(text(&vs, "kind"), "VirtualService");
    let route = at(&vs, "spec/http/0");
    let policy = RoutePolicy {
        timeout: duration(route, "timeout"),
        attempts: number(route, "retries/attempts"),
        per_try_timeout: duration(route, "retries/perTryTimeout"),
    };
    assert_eq!(policy.check(), Ok(()));
    assert_eq!(policy.attempts_that_fit(), 3);
    // Only this layer retries, so one order makes at most 3 payment calls.
    assert_eq!(amplification(policy.attempts, 1), 3);
    // Retrying every 5xx would retry a 500 whose charge may have gone through;
    // retry only what never reached the service or said "unavailable".
    let retry_on = text(route, "retries/retryOn");
    assert!(!retry_on.split(',').any(|c| c == "5xx"), "{retry_on}");
}

#[test]
fn the_payments_policy_admits_only_the_order_service() {
    use coffee_patterns::network_policy::{Cluster, NetworkPolicy, Peer, Pod, Rule, Selector};
    let np = manifest("payments-networkpolicy.yaml");
    assert_eq!(text(&np, "kind"), "NetworkPolicy");
    // Read the one label of each selector, and the shape of the peer.
    let label = |v: &Value, path: &str| {
        let map = at(v, path).as_mapping().expect("matchLabels is a map");
        assert_eq!(map.len(), 1, "{path}");
        let (k, v) = map.iter().next().unwrap();
        (
            k.as_str().unwrap().to_owned(),
            v.as_str().unwrap().to_owned(),
        )
    };
    let peers = at(&np, "spec/ingress/0/from").as_sequence().unwrap();
    assert_eq!(peers.len(), 1, "one peer: namespace AND pod selector");
    let (ns_key, ns_value) = label(&peers[0], "namespaceSelector/matchLabels");
    let (pod_key, pod_value) = label(&peers[0], "podSelector/matchLabels");
    let (sel_key, sel_value) = label(&np, "spec/podSelector/matchLabels");
    let port = u16::try_from(number(&np, "spec/ingress/0/ports/0/port")).unwrap();

    let mut cluster = Cluster::default();
    cluster.namespace("shop", [("team", "shop")]);
    cluster.namespace("payments", [("team", "payments")]);
    cluster.add(NetworkPolicy::ingress(
        text(&np, "metadata/namespace"),
        Selector::of([(sel_key.as_str(), sel_value.as_str())]),
        vec![Rule::new(
            vec![Peer::PodsInNamespaces {
                namespaces: Selector::of([(ns_key.as_str(), ns_value.as_str())]),
                pods: Selector::of([(pod_key.as_str(), pod_value.as_str())]),
            }],
            vec![port],
        )],
    ));
    let payments = Pod::new("payments", [("app", "payments")]);
    assert!(cluster.allows(&Pod::new("shop", [("app", "orders")]), &payments, 8443));
    assert!(!cluster.allows(&Pod::new("shop", [("app", "menu")]), &payments, 8443));
    assert!(!cluster.allows(&Pod::new("shop", [("app", "orders")]), &payments, 22));
}
