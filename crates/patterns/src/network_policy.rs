//! Kubernetes NetworkPolicy semantics: default deny, additive allows, and the
//! selector trap that opens a namespace by accident.
//!
//! Without any policy, every pod may talk to every pod. A policy **selects**
//! pods (`podSelector`) and, for the directions it lists in `policyTypes`,
//! makes them **isolated**: from then on a connection is allowed only if some
//! policy selecting the pod has a rule that matches the peer and the port.
//! Policies never deny, they only allow, so their order does not matter and
//! adding one can never cut a connection another allowed. A connection needs
//! both ends to agree: egress allowed at the source *and* ingress allowed at
//! the destination.
//!
//! Inside a rule, each entry of `from`/`to` is a **peer**, and the peers are
//! OR-ed. A peer with both a `namespaceSelector` and a `podSelector` means
//! "pods with these labels *in* namespaces with those labels" (AND); written
//! as two list items, it means "any pod in those namespaces, *or* pods with
//! these labels in this namespace". One `-` in the YAML is the difference
//! between "the order service of the shop namespace" and "everything in the
//! shop namespace" ([`Peer::PodsInNamespaces`] versus two peers).
//!
//! # Example
//!
//! ```
//! use coffee_patterns::network_policy::{Cluster, NetworkPolicy, Peer, Pod, Rule, Selector};
//!
//! let mut cluster = Cluster::default();
//! cluster.namespace("shop", [("team", "shop")]);
//! cluster.namespace("payments", [("team", "payments")]);
//! let orders = Pod::new("shop", [("app", "orders")]);
//! let menu = Pod::new("shop", [("app", "menu")]);
//! let payments = Pod::new("payments", [("app", "payments")]);
//!
//! assert!(cluster.allows(&menu, &payments, 8443)); // no policy: all open
//!
//! // Default deny for the payments namespace, then one allow.
//! cluster.add(NetworkPolicy::deny_all_ingress("payments"));
//! assert!(!cluster.allows(&orders, &payments, 8443));
//! cluster.add(NetworkPolicy::ingress("payments", Selector::of([("app", "payments")]), vec![
//!     Rule::new(vec![Peer::PodsInNamespaces {
//!         namespaces: Selector::of([("team", "shop")]),
//!         pods: Selector::of([("app", "orders")]),
//!     }], vec![8443]),
//! ]));
//! assert!(cluster.allows(&orders, &payments, 8443));
//! assert!(!cluster.allows(&orders, &payments, 22)); // wrong port
//! assert!(!cluster.allows(&menu, &payments, 8443)); // wrong pod
//! ```

use std::collections::BTreeMap;

/// Labels `key=value` that must all be present; empty selects everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector(BTreeMap<String, String>);

impl Selector {
    /// A `matchLabels` selector.
    #[must_use]
    pub fn of<const N: usize>(labels: [(&str, &str); N]) -> Self {
        Self(
            labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// The empty selector `{}`: everything.
    #[must_use]
    pub fn all() -> Self {
        Self::default()
    }

    fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|(k, v)| labels.get(k) == Some(v))
    }
}

/// A pod: its namespace and its labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pod {
    namespace: String,
    labels: BTreeMap<String, String>,
}

impl Pod {
    /// A pod in `namespace` with `labels`.
    #[must_use]
    pub fn new<const N: usize>(namespace: &str, labels: [(&str, &str); N]) -> Self {
        Self {
            namespace: namespace.to_owned(),
            labels: Selector::of(labels).0,
        }
    }
}

/// One entry of a rule's `from` (ingress) or `to` (egress) list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    /// `podSelector` alone: pods in the policy's own namespace.
    Pods(Selector),
    /// `namespaceSelector` alone: every pod in matching namespaces.
    Namespaces(Selector),
    /// Both in one entry: matching pods in matching namespaces.
    PodsInNamespaces {
        /// The namespaces' labels.
        namespaces: Selector,
        /// The pods' labels.
        pods: Selector,
    },
}

/// One ingress or egress rule: peers OR-ed, ports OR-ed; empty means any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    peers: Vec<Peer>,
    ports: Vec<u16>,
}

impl Rule {
    /// A rule for `peers` on `ports` (either empty: any).
    #[must_use]
    pub fn new(peers: Vec<Peer>, ports: Vec<u16>) -> Self {
        Self { peers, ports }
    }
}

/// A NetworkPolicy. `None` for a direction means it is not in `policyTypes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicy {
    namespace: String,
    pod_selector: Selector,
    ingress: Option<Vec<Rule>>,
    egress: Option<Vec<Rule>>,
}

impl NetworkPolicy {
    /// Isolates the selected pods for ingress, allowing what `rules` match.
    #[must_use]
    pub fn ingress(namespace: &str, pod_selector: Selector, rules: Vec<Rule>) -> Self {
        Self {
            namespace: namespace.to_owned(),
            pod_selector,
            ingress: Some(rules),
            egress: None,
        }
    }

    /// Isolates the selected pods for egress, allowing what `rules` match.
    #[must_use]
    pub fn egress(namespace: &str, pod_selector: Selector, rules: Vec<Rule>) -> Self {
        Self {
            namespace: namespace.to_owned(),
            pod_selector,
            ingress: None,
            egress: Some(rules),
        }
    }

    /// The namespace's default deny: every pod isolated for ingress, nothing allowed.
    #[must_use]
    pub fn deny_all_ingress(namespace: &str) -> Self {
        Self::ingress(namespace, Selector::all(), Vec::new())
    }
}

/// Namespaces with their labels, and the policies in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cluster {
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
    policies: Vec<NetworkPolicy>,
}

#[derive(Clone, Copy)]
enum Direction {
    Ingress,
    Egress,
}

impl Cluster {
    /// Declares a namespace and its labels.
    pub fn namespace<const N: usize>(&mut self, name: &str, labels: [(&str, &str); N]) {
        self.namespaces
            .insert(name.to_owned(), Selector::of(labels).0);
    }

    /// Applies a policy.
    pub fn add(&mut self, policy: NetworkPolicy) {
        self.policies.push(policy);
    }

    // ANCHOR: allows
    // ANCHOR: solution
    /// Whether `from` may open a connection to `to` on `port`: egress allowed
    /// at the source and ingress allowed at the destination.
    #[must_use]
    pub fn allows(&self, from: &Pod, to: &Pod, port: u16) -> bool {
        self.direction_allows(Direction::Egress, from, to, port)
            && self.direction_allows(Direction::Ingress, to, from, port)
    }

    /// `subject` is the pod the policies select; `peer` is the other end.
    fn direction_allows(&self, dir: Direction, subject: &Pod, peer: &Pod, port: u16) -> bool {
        let mut isolated = false;
        for policy in &self.policies {
            let rules = match dir {
                Direction::Ingress => &policy.ingress,
                Direction::Egress => &policy.egress,
            };
            let Some(rules) = rules else { continue };
            if policy.namespace != subject.namespace
                || !policy.pod_selector.matches(&subject.labels)
            {
                continue;
            }
            isolated = true;
            if rules
                .iter()
                .any(|r| self.rule_matches(r, &policy.namespace, peer, port))
            {
                return true;
            }
        }
        !isolated
    }

    fn rule_matches(&self, rule: &Rule, policy_ns: &str, peer: &Pod, port: u16) -> bool {
        let port_ok = rule.ports.is_empty() || rule.ports.contains(&port);
        let no_labels = BTreeMap::new();
        let ns_labels = self.namespaces.get(&peer.namespace).unwrap_or(&no_labels);
        let peer_ok = rule.peers.is_empty()
            || rule.peers.iter().any(|p| match p {
                Peer::Pods(pods) => peer.namespace == policy_ns && pods.matches(&peer.labels),
                Peer::Namespaces(ns) => ns.matches(ns_labels),
                Peer::PodsInNamespaces { namespaces, pods } => {
                    namespaces.matches(ns_labels) && pods.matches(&peer.labels)
                }
            });
        port_ok && peer_ok
    }
    // ANCHOR_END: solution
    // ANCHOR_END: allows
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn go_coffee() -> (Cluster, Pod, Pod, Pod) {
        let mut c = Cluster::default();
        c.namespace("shop", [("team", "shop")]);
        c.namespace("payments", [("team", "payments")]);
        c.namespace(
            "kube-system",
            [("kubernetes.io/metadata.name", "kube-system")],
        );
        let orders = Pod::new("shop", [("app", "orders")]);
        let menu = Pod::new("shop", [("app", "menu")]);
        let payments = Pod::new("payments", [("app", "payments")]);
        (c, orders, menu, payments)
    }

    #[test]
    fn one_dash_opens_the_whole_namespace() {
        let (mut c, orders, menu, payments) = go_coffee();
        // Meant: orders in shop. Written as two peers: all of shop, or orders in payments.
        c.add(NetworkPolicy::ingress(
            "payments",
            Selector::all(),
            vec![Rule::new(
                vec![
                    Peer::Namespaces(Selector::of([("team", "shop")])),
                    Peer::Pods(Selector::of([("app", "orders")])),
                ],
                vec![8443],
            )],
        ));
        assert!(c.allows(&orders, &payments, 8443));
        assert!(c.allows(&menu, &payments, 8443)); // the accident
    }

    #[test]
    fn egress_default_deny_blocks_dns_until_allowed() {
        let (mut c, orders, _, payments) = go_coffee();
        let dns = Pod::new("kube-system", [("k8s-app", "kube-dns")]);
        c.add(NetworkPolicy::egress(
            "shop",
            Selector::all(),
            vec![Rule::new(
                vec![Peer::PodsInNamespaces {
                    namespaces: Selector::all(),
                    pods: Selector::of([("app", "payments")]),
                }],
                vec![8443],
            )],
        ));
        assert!(c.allows(&orders, &payments, 8443));
        assert!(!c.allows(&orders, &dns, 53)); // name lookups now fail
        c.add(NetworkPolicy::egress(
            "shop",
            Selector::all(),
            vec![Rule::new(
                vec![Peer::PodsInNamespaces {
                    namespaces: Selector::of([("kubernetes.io/metadata.name", "kube-system")]),
                    pods: Selector::of([("k8s-app", "kube-dns")]),
                }],
                vec![53],
            )],
        ));
        assert!(c.allows(&orders, &dns, 53));
    }

    #[test]
    fn an_empty_rule_allows_everything_and_no_rule_allows_nothing() {
        let (mut c, orders, _, payments) = go_coffee();
        c.add(NetworkPolicy::deny_all_ingress("payments"));
        assert!(!c.allows(&orders, &payments, 8443));
        c.add(NetworkPolicy::ingress(
            "payments",
            Selector::all(),
            vec![Rule::new(vec![], vec![])],
        ));
        assert!(c.allows(&orders, &payments, 1));
        // A policy in another namespace does not select these pods.
        let (mut c, orders, _, payments) = go_coffee();
        c.add(NetworkPolicy::deny_all_ingress("shop"));
        assert!(c.allows(&orders, &payments, 8443));
        assert!(!c.allows(&payments, &orders, 8080));
    }

    fn selector() -> impl Strategy<Value = Selector> {
        proptest::option::of(0u8..3).prop_map(|app| match app {
            None => Selector::all(),
            Some(a) => Selector::of([("app", ["orders", "menu", "payments"][a as usize])]),
        })
    }

    fn policy() -> impl Strategy<Value = NetworkPolicy> {
        let rule = (
            proptest::collection::vec(selector(), 0..3),
            proptest::option::of(0u16..3),
        )
            .prop_map(|(pods, port)| {
                Rule::new(
                    pods.into_iter().map(Peer::Pods).collect(),
                    port.map(|p| vec![8440 + p]).unwrap_or_default(),
                )
            });
        (
            any::<bool>(),
            any::<bool>(),
            selector(),
            proptest::collection::vec(rule, 0..3),
        )
            .prop_map(|(shop, ingress, sel, rules)| {
                let ns = if shop { "shop" } else { "payments" };
                if ingress {
                    NetworkPolicy::ingress(ns, sel, rules)
                } else {
                    NetworkPolicy::egress(ns, sel, rules)
                }
            })
    }

    proptest! {
        #[test]
        fn policies_only_add_once_a_pod_is_isolated(
            before in proptest::collection::vec(policy(), 0..5),
            extra in policy(),
        ) {
            let (mut c, orders, menu, payments) = go_coffee();
            let pods = [orders, menu, payments, Pod::new("shop", [("app", "payments")])];
            // Isolate every pod both ways first, so the extra policy can only add.
            for ns in ["shop", "payments"] {
                c.add(NetworkPolicy::deny_all_ingress(ns));
                c.add(NetworkPolicy::egress(ns, Selector::all(), vec![]));
            }
            for p in before {
                c.add(p);
            }
            let mut more = c.clone();
            more.add(extra);
            for from in &pods {
                for to in &pods {
                    for port in 8440..8443 {
                        if c.allows(from, to, port) {
                            prop_assert!(more.allows(from, to, port));
                        }
                    }
                }
            }
            // And the order of policies never matters.
            let mut reversed = more.clone();
            reversed.policies.reverse();
            for from in &pods {
                for to in &pods {
                    prop_assert_eq!(more.allows(from, to, 8441), reversed.allows(from, to, 8441));
                }
            }
        }
    }
}
