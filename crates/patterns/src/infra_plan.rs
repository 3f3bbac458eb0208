//! Infrastructure as code, the core of it: a desired configuration, the
//! recorded state, and a plan that turns one into the other in dependency
//! order.
//!
//! Terraform, Pulumi and Crossplane differ in syntax, not in this loop:
//!
//! 1. every resource names what it **depends on** (the subnet needs the VPC,
//!    the database needs the subnet), which makes the configuration a directed
//!    graph;
//! 2. **plan** compares the configuration with the state: resources missing
//!    from the state are created, resources whose attributes differ are
//!    updated (the diff is the plan's output), resources no longer configured
//!    are deleted;
//! 3. **apply** carries the plan out in a topological order, dependencies
//!    first; deletes and `destroy` go in the reverse order, dependents first
//!    (a VPC cannot be deleted while its subnets exist);
//! 4. a second plan right after an apply is **empty**: the operation is
//!    idempotent, which is what makes running it from CI on every merge safe;
//! 5. someone resizes the database in the console: the state (refreshed from
//!    the cloud) no longer matches, and the next plan shows the **drift** as a
//!    diff that puts it back.
//!
//! The order is deterministic: among the resources whose dependencies are
//! done, the first by address goes next (Kahn's algorithm over a sorted set),
//! so the same configuration always gives the same plan. A dependency cycle is
//! an error that names the cycle, and a dependency on an address that does
//! not exist is one too.
//!
//! # Example
//!
//! ```
//! use coffee_patterns::infra_plan::{Config, PlanError, State, plan};
//!
//! let config = Config::new()
//!     .resource("aws_vpc.main", [("cidr", "10.0.0.0/16")], [])
//!     .resource("aws_subnet.a", [("zone", "eu-west-1a")], ["aws_vpc.main"])
//!     .resource("aws_db_instance.orders", [("class", "db.r6g.large")], ["aws_subnet.a"]);
//! let mut state = State::default();
//!
//! let first = plan(&config, &state).unwrap();
//! assert_eq!(first.summary(), (3, 0, 0)); // 3 to add
//! assert_eq!(first.addresses(), ["aws_vpc.main", "aws_subnet.a", "aws_db_instance.orders"]);
//! state.apply(&first);
//! assert!(plan(&config, &state).unwrap().is_empty()); // idempotent
//!
//! // Someone resizes the database by hand: the next plan shows the drift.
//! state.drift("aws_db_instance.orders", "class", "db.r6g.xlarge");
//! let fix = plan(&config, &state).unwrap();
//! assert!(fix.render().contains(r#"class: "db.r6g.xlarge" -> "db.r6g.large""#));
//!
//! // A cycle is refused, and named.
//! let cyclic = Config::new()
//!     .resource("a", [], ["b"])
//!     .resource("b", [], ["a"]);
//! let err = plan(&cyclic, &State::default()).unwrap_err();
//! assert_eq!(err, PlanError::Cycle(vec!["a".into(), "b".into(), "a".into()]));
//! assert_eq!(err.to_string(), "dependency cycle: a -> b -> a");
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

/// One resource: an address, its attributes, and what it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The attributes the provider would set (`class = "db.r6g.large"`).
    pub attributes: BTreeMap<String, String>,
    /// Addresses of the resources that must exist first.
    pub depends_on: BTreeSet<String>,
}

/// The desired infrastructure, as written in the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    resources: BTreeMap<String, Resource>,
}

/// What exists, as recorded after the last apply (and refreshed from the cloud).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    resources: BTreeMap<String, Resource>,
}

/// One attribute's change in an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The attribute's name.
    pub attribute: String,
    /// The value now (`None`: not set).
    pub before: Option<String>,
    /// The value wanted (`None`: to be removed).
    pub after: Option<String>,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Create the resource at this address as configured.
    Create(String, Resource),
    /// Change attributes (or dependencies) of an existing resource.
    Update(String, Resource, Vec<Change>),
    /// Delete the resource at this address.
    Delete(String),
}

impl Action {
    /// The address the action is about.
    #[must_use]
    pub fn address(&self) -> &str {
        match self {
            Self::Create(a, _) | Self::Update(a, _, _) | Self::Delete(a) => a,
        }
    }
}

/// The actions that make the state match the configuration, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Creates and updates in dependency order, then deletes in reverse order.
    pub actions: Vec<Action>,
}

/// A configuration that cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// Resources depend on each other in a ring: `a -> b -> a`.
    Cycle(Vec<String>),
    /// `resource` depends on `missing`, which is not configured.
    UnknownDependency {
        /// The resource with the bad reference.
        resource: String,
        /// The address it names.
        missing: String,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cycle(path) => write!(f, "dependency cycle: {}", path.join(" -> ")),
            Self::UnknownDependency { resource, missing } => {
                write!(f, "{resource} depends on {missing}, which is not declared")
            }
        }
    }
}

impl std::error::Error for PlanError {}

impl Config {
    /// An empty configuration.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the resource at `address`.
    #[must_use]
    pub fn resource<'a, const A: usize, const D: usize>(
        mut self,
        address: &str,
        attributes: [(&'a str, &'a str); A],
        depends_on: [&'a str; D],
    ) -> Self {
        let resource = Resource {
            attributes: attributes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            depends_on: depends_on.iter().map(|d| (*d).to_owned()).collect(),
        };
        self.resources.insert(address.to_owned(), resource);
        self
    }

    /// Removes the resource at `address` from the configuration.
    #[must_use]
    pub fn without(mut self, address: &str) -> Self {
        self.resources.remove(address);
        self
    }

    /// The order `apply` creates everything in.
    ///
    /// # Errors
    ///
    /// [`PlanError`] for a cycle or an unknown dependency.
    pub fn apply_order(&self) -> Result<Vec<String>, PlanError> {
        topological_order(&dependencies(&self.resources))
    }

    /// The order `destroy` deletes everything in: dependents first.
    ///
    /// # Errors
    ///
    /// [`PlanError`] for a cycle or an unknown dependency.
    pub fn destroy_order(&self) -> Result<Vec<String>, PlanError> {
        let mut order = self.apply_order()?;
        order.reverse();
        Ok(order)
    }
}

fn dependencies(resources: &BTreeMap<String, Resource>) -> BTreeMap<&str, Vec<&str>> {
    resources
        .iter()
        .map(|(a, r)| {
            (
                a.as_str(),
                r.depends_on.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

// ANCHOR: order
// ANCHOR: solution
/// A dependency-first order of the graph `node → the nodes it depends on`:
/// Kahn's algorithm, always taking the smallest ready node, so the order is
/// the same on every run.
///
/// # Errors
///
/// [`PlanError::UnknownDependency`] for an edge to a node that is not in the
/// graph; [`PlanError::Cycle`] naming one cycle if the graph has any.
pub fn topological_order(graph: &BTreeMap<&str, Vec<&str>>) -> Result<Vec<String>, PlanError> {
    let mut waiting_on: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (&node, deps) in graph {
        let unique: BTreeSet<&str> = deps.iter().copied().collect();
        for &dep in &unique {
            if !graph.contains_key(dep) {
                return Err(PlanError::UnknownDependency {
                    resource: node.to_owned(),
                    missing: dep.to_owned(),
                });
            }
            dependents.entry(dep).or_default().push(node);
        }
        waiting_on.insert(node, unique.len());
    }
    let mut ready: BTreeSet<&str> = waiting_on
        .iter()
        .filter(|&(_, &n)| n == 0)
        .map(|(&node, _)| node)
        .collect();
    let mut order = Vec::with_capacity(graph.len());
    while let Some(node) = ready.pop_first() {
        order.push(node.to_owned());
        for &dependent in dependents.get(node).into_iter().flatten() {
            let n = waiting_on
                .get_mut(dependent)
                .expect("every node is counted");
            *n -= 1;
            if *n == 0 {
                ready.insert(dependent);
            }
        }
    }
    if order.len() == graph.len() {
        return Ok(order);
    }
    // Every node left waits on another node left: walking from the first one
    // along waiting edges must come back to a node already seen.
    let left = |n: &str| waiting_on[n] > 0;
    let start = graph
        .keys()
        .copied()
        .find(|&n| left(n))
        .expect("a node is left");
    let mut path = vec![start];
    loop {
        let here = *path.last().expect("the path starts non-empty");
        let next = graph[here]
            .iter()
            .copied()
            .filter(|&d| left(d))
            .min()
            .expect("a waiting node has a waiting dependency");
        if let Some(at) = path.iter().position(|&n| n == next) {
            let mut cycle: Vec<String> = path[at..].iter().map(|&n| n.to_owned()).collect();
            cycle.push(next.to_owned());
            return Err(PlanError::Cycle(cycle));
        }
        path.push(next);
    }
}
// ANCHOR_END: solution
// ANCHOR_END: order

// ANCHOR: plan
// ANCHOR: solution
/// The plan that brings `state` to `config`.
///
/// # Errors
///
/// [`PlanError`] if the configuration (or, for deletes, the state) has a
/// cycle or an unknown dependency.
pub fn plan(config: &Config, state: &State) -> Result<Plan, PlanError> {
    let mut actions = Vec::new();
    for address in config.apply_order()? {
        let wanted = &config.resources[&address];
        match state.resources.get(&address) {
            None => actions.push(Action::Create(address, wanted.clone())),
            Some(existing) => {
                let mut changes = diff(&existing.attributes, &wanted.attributes);
                if existing.depends_on != wanted.depends_on {
                    let listed = |deps: &BTreeSet<String>| {
                        Some(deps.iter().cloned().collect::<Vec<_>>().join(", "))
                    };
                    changes.push(Change {
                        attribute: "depends_on".to_owned(),
                        before: listed(&existing.depends_on),
                        after: listed(&wanted.depends_on),
                    });
                }
                if !changes.is_empty() {
                    actions.push(Action::Update(address, wanted.clone(), changes));
                }
            }
        }
    }
    // Deletes: dependents before what they depend on, after everything that
    // may have moved off them has been updated.
    let recorded = dependencies(&state.resources);
    let mut deletes = topological_order(&recorded)?;
    deletes.reverse();
    actions.extend(
        deletes
            .into_iter()
            .filter(|a| !config.resources.contains_key(a))
            .map(Action::Delete),
    );
    Ok(Plan { actions })
}

fn diff(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<Change> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names
        .into_iter()
        .filter(|&n| before.get(n) != after.get(n))
        .map(|n| Change {
            attribute: n.clone(),
            before: before.get(n).cloned(),
            after: after.get(n).cloned(),
        })
        .collect()
}
// ANCHOR_END: solution
// ANCHOR_END: plan

impl State {
    /// Carries out `plan`: each action as the provider would.
    pub fn apply(&mut self, plan: &Plan) {
        for action in &plan.actions {
            match action {
                Action::Create(address, resource) | Action::Update(address, resource, _) => {
                    self.resources.insert(address.clone(), resource.clone());
                }
                Action::Delete(address) => {
                    self.resources.remove(address);
                }
            }
        }
    }

    /// An out-of-band change, as a refresh would record it.
    ///
    /// # Panics
    ///
    /// Panics if nothing exists at `address`.
    pub fn drift(&mut self, address: &str, attribute: &str, value: &str) {
        let resource = self
            .resources
            .get_mut(address)
            .expect("a recorded resource");
        resource
            .attributes
            .insert(attribute.to_owned(), value.to_owned());
    }

    /// The plan that deletes everything recorded, dependents first.
    ///
    /// # Errors
    ///
    /// [`PlanError`] if the recorded dependencies have a cycle.
    pub fn destroy(&self) -> Result<Plan, PlanError> {
        plan(&Config::new(), self)
    }

    /// The addresses recorded.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.resources.keys().map(String::as_str)
    }
}

impl Plan {
    /// Nothing to do.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// The addresses acted on, in order.
    #[must_use]
    pub fn addresses(&self) -> Vec<&str> {
        self.actions.iter().map(Action::address).collect()
    }

    /// `(to add, to change, to destroy)`.
    #[must_use]
    pub fn summary(&self) -> (usize, usize, usize) {
        let count = |f: fn(&Action) -> bool| self.actions.iter().filter(|a| f(a)).count();
        (
            count(|a| matches!(a, Action::Create(..))),
            count(|a| matches!(a, Action::Update(..))),
            count(|a| matches!(a, Action::Delete(..))),
        )
    }

    // ANCHOR: render
    // ANCHOR: solution
    /// The plan as a reviewer reads it in the pull request.
    #[must_use]
    pub fn render(&self) -> String {
        let quoted =
            |v: &Option<String>| v.as_ref().map_or("(none)".to_owned(), |v| format!("{v:?}"));
        let mut out = String::new();
        for action in &self.actions {
            match action {
                Action::Create(address, resource) => {
                    let _ = writeln!(out, "+ {address}");
                    for (k, v) in &resource.attributes {
                        let _ = writeln!(out, "    {k} = {v:?}");
                    }
                }
                Action::Update(address, _, changes) => {
                    let _ = writeln!(out, "~ {address}");
                    for c in changes {
                        let (before, after) = (quoted(&c.before), quoted(&c.after));
                        let _ = writeln!(out, "    {}: {before} -> {after}", c.attribute);
                    }
                }
                Action::Delete(address) => {
                    let _ = writeln!(out, "- {address}");
                }
            }
        }
        let (add, change, destroy) = self.summary();
        let _ = write!(
            out,
            "Plan: {add} to add, {change} to change, {destroy} to destroy."
        );
        out
    }
    // ANCHOR_END: solution
    // ANCHOR_END: render
}

#[cfg(test)]
mod tests {
    use super::*;
    use petgraph::algo::{is_cyclic_directed, toposort};
    use petgraph::graph::DiGraph;
    use proptest::prelude::*;

    fn go_coffee() -> Config {
        Config::new()
            .resource("aws_vpc.main", [("cidr", "10.0.0.0/16")], [])
            .resource("aws_subnet.a", [("zone", "eu-west-1a")], ["aws_vpc.main"])
            .resource("aws_subnet.b", [("zone", "eu-west-1b")], ["aws_vpc.main"])
            .resource(
                "aws_eks_cluster.main",
                [("version", "1.31")],
                ["aws_subnet.a", "aws_subnet.b"],
            )
            .resource(
                "aws_db_instance.orders",
                [("class", "db.r6g.large"), ("multi_az", "true")],
                ["aws_subnet.a", "aws_subnet.b"],
            )
    }

    #[test]
    fn apply_order_is_dependencies_first_and_the_same_every_time() {
        let order = go_coffee().apply_order().unwrap();
        assert_eq!(
            order,
            [
                "aws_vpc.main",
                "aws_subnet.a",
                "aws_subnet.b",
                "aws_db_instance.orders",
                "aws_eks_cluster.main",
            ]
        );
        let mut destroy = go_coffee().destroy_order().unwrap();
        destroy.reverse();
        assert_eq!(destroy, order);
    }

    #[test]
    fn removing_a_resource_deletes_it_after_its_dependents_move() {
        let mut state = State::default();
        state.apply(&plan(&go_coffee(), &state).unwrap());
        // Move the cluster to subnet a only and drop subnet b.
        let smaller = go_coffee()
            .resource(
                "aws_eks_cluster.main",
                [("version", "1.31")],
                ["aws_subnet.a"],
            )
            .resource(
                "aws_db_instance.orders",
                [("class", "db.r6g.large"), ("multi_az", "true")],
                ["aws_subnet.a"],
            )
            .without("aws_subnet.b");
        let p = plan(&smaller, &state).unwrap();
        assert_eq!(
            p.addresses(),
            [
                "aws_db_instance.orders",
                "aws_eks_cluster.main",
                "aws_subnet.b"
            ]
        );
        assert_eq!(p.summary(), (0, 2, 1));
        state.apply(&p);
        assert!(plan(&smaller, &state).unwrap().is_empty());
        // Destroy: dependents first, the VPC last.
        let d = state.destroy().unwrap();
        assert_eq!(
            d.addresses(),
            [
                "aws_eks_cluster.main",
                "aws_db_instance.orders",
                "aws_subnet.a",
                "aws_vpc.main"
            ]
        );
        state.apply(&d);
        assert_eq!(state.addresses().count(), 0);
    }

    #[test]
    fn drift_is_shown_as_a_diff_and_repaired() {
        let mut state = State::default();
        state.apply(&plan(&go_coffee(), &state).unwrap());
        state.drift("aws_db_instance.orders", "multi_az", "false");
        state.drift("aws_vpc.main", "tag", "hand-made");
        let p = plan(&go_coffee(), &state).unwrap();
        assert_eq!(
            p.render(),
            "~ aws_vpc.main\n    tag: \"hand-made\" -> (none)\n\
             ~ aws_db_instance.orders\n    multi_az: \"false\" -> \"true\"\n\
             Plan: 0 to add, 2 to change, 0 to destroy."
        );
        state.apply(&p);
        assert!(plan(&go_coffee(), &state).unwrap().is_empty());
    }

    #[test]
    fn cycles_and_unknown_dependencies_are_named() {
        let three = Config::new()
            .resource("dns", [], ["lb"])
            .resource("lb", [], ["cert"])
            .resource("cert", [], ["dns"])
            .resource("vpc", [], []);
        let err = three.apply_order().unwrap_err();
        assert_eq!(
            err.to_string(),
            "dependency cycle: cert -> dns -> lb -> cert"
        );
        let own = Config::new().resource("a", [], ["a"]);
        assert_eq!(
            own.apply_order(),
            Err(PlanError::Cycle(vec!["a".into(), "a".into()]))
        );
        let typo = Config::new().resource("subnet", [], ["vcp"]);
        assert_eq!(
            typo.apply_order().unwrap_err().to_string(),
            "subnet depends on vcp, which is not declared"
        );
    }

    /// Checks our order against petgraph on `n` nodes `r00`.. and `edges`
    /// `(from, to)`, meaning `from` depends on `to`.
    fn check_against_petgraph(n: usize, edges: &[(usize, usize)]) -> Result<(), TestCaseError> {
        let names: Vec<String> = (0..n).map(|i| format!("r{i:02}")).collect();
        let mut g: BTreeMap<&str, Vec<&str>> =
            names.iter().map(|s| (s.as_str(), Vec::new())).collect();
        let mut pg = DiGraph::<usize, ()>::new();
        let ids: Vec<_> = (0..n).map(|i| pg.add_node(i)).collect();
        for &(from, to) in edges {
            g.get_mut(names[from].as_str())
                .unwrap()
                .push(names[to].as_str());
            pg.add_edge(ids[to], ids[from], ()); // dependency → dependent
        }
        let ours = topological_order(&g);
        prop_assert_eq!(ours.is_ok(), toposort(&pg, None).is_ok());
        prop_assert_eq!(ours.is_err(), is_cyclic_directed(&pg));
        match ours {
            Ok(order) => {
                prop_assert_eq!(order.len(), n);
                let at: BTreeMap<&str, usize> = order
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (a.as_str(), i))
                    .collect();
                prop_assert_eq!(at.len(), n);
                for &(from, to) in edges {
                    prop_assert!(at[names[to].as_str()] < at[names[from].as_str()]);
                }
            }
            Err(PlanError::Cycle(cycle)) => {
                prop_assert!(cycle.len() >= 2);
                prop_assert_eq!(cycle.first(), cycle.last());
                for w in cycle.windows(2) {
                    prop_assert!(g[w[0].as_str()].contains(&w[1].as_str()), "{:?}", cycle);
                }
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn random_dags_order_like_petgraph(
            n in 1usize..25,
            raw in proptest::collection::vec((0usize..25, 0usize..25), 0..60),
        ) {
            // Only edges from a later node to an earlier one: always acyclic.
            let edges: Vec<_> = raw
                .into_iter()
                .map(|(a, b)| (a % n, b % n))
                .filter(|(a, b)| a > b)
                .collect();
            check_against_petgraph(n, &edges)?;
        }

        #[test]
        fn random_graphs_agree_with_petgraph_on_cycles(
            n in 1usize..15,
            raw in proptest::collection::vec((0usize..15, 0usize..15), 0..30),
        ) {
            let edges: Vec<_> = raw.into_iter().map(|(a, b)| (a % n, b % n)).collect();
            check_against_petgraph(n, &edges)?;
        }

        #[test]
        fn a_second_plan_after_apply_is_empty(
            n in 1usize..15,
            raw in proptest::collection::vec((0usize..15, 0usize..15, 0u8..3), 0..30),
            keep in proptest::collection::vec(any::<bool>(), 15),
        ) {
            // A random DAG configuration, applied over a random earlier one.
            let build = |version: u8, only: &dyn Fn(usize) -> bool| {
                let mut c = Config::new();
                for i in (0..n).filter(|&i| only(i)) {
                    let deps: BTreeSet<String> = raw
                        .iter()
                        .map(|&(a, b, _)| (a % n, b % n))
                        .filter(|&(a, b)| a == i && b < a && only(b))
                        .map(|(_, b)| format!("r{b:02}"))
                        .collect();
                    let size = raw.get(i).map_or(0, |r| r.2) + version;
                    c.resources.insert(
                        format!("r{i:02}"),
                        Resource {
                            attributes: BTreeMap::from([("size".to_owned(), size.to_string())]),
                            depends_on: deps,
                        },
                    );
                }
                c
            };
            let old = build(0, &|i| keep[i]);
            let new = build(1, &|_| true);
            let mut state = State::default();
            state.apply(&plan(&old, &state).unwrap());
            let p = plan(&new, &state).unwrap();
            state.apply(&p);
            prop_assert!(plan(&new, &state).unwrap().is_empty());
            prop_assert_eq!(&state.resources, &new.resources);
        }
    }
}
