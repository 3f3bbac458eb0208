//! Delivery ETAs over a road graph: Dijkstra's shortest paths, checked
//! against Bellman-Ford.
//!
//! A city's roads are a directed graph (one-way streets exist): intersections
//! are nodes, road segments are edges weighted by their current travel time
//! in seconds. The ETA a customer sees is the shortest travel time from the
//! store to their door, plus the time to make the drink.
//!
//! [`RoadGraph::shortest_from`] is Dijkstra's algorithm with a binary heap,
//! `O((V + E) log V)`: it settles nodes in order of distance, which is only
//! correct because travel times are never negative (the type, `u32`, makes
//! that a fact rather than a hope). [`RoadGraph::bellman_ford_from`] relaxes
//! every edge `V - 1` times, `O(V E)`: far too slow for a city, but so simple
//! that it serves as the oracle the property tests compare Dijkstra with on
//! thousands of random graphs.
//!
//! # Example: the fastest way is not the fewest turns
//!
//! ```
//! use coffee_patterns::road_eta::RoadGraph;
//!
//! // 0 = store, 3 = customer. The direct avenue is jammed (900 s);
//! // the side streets take 120 + 300 + 240 = 660 s.
//! let mut city = RoadGraph::new(4);
//! city.add_road(0, 3, 900);
//! city.add_road(0, 1, 120);
//! city.add_road(1, 2, 300);
//! city.add_road(2, 3, 240);
//! let route = city.route(0, 3).unwrap();
//! assert_eq!(route.seconds, 660);
//! assert_eq!(route.nodes, [0, 1, 2, 3]);
//! // The customer's street is one-way: there is no way back.
//! assert!(city.route(3, 0).is_none());
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A directed road network with travel times in seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadGraph {
    /// `out[u]` lists `(v, seconds)` for each road leaving `u`.
    out: Vec<Vec<(usize, u32)>>,
}

/// The fastest way between two intersections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Total travel time.
    pub seconds: u64,
    /// The intersections passed, from start to destination.
    pub nodes: Vec<usize>,
}

/// Shortest travel times from one source: `seconds[v]` (`None` if `v` cannot
/// be reached) and the previous node on a fastest route to `v`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortestPaths {
    /// Travel time to each node.
    pub seconds: Vec<Option<u64>>,
    /// The node before each node on one fastest route.
    pub previous: Vec<Option<usize>>,
}

impl RoadGraph {
    /// A graph of `nodes` intersections and no roads.
    #[must_use]
    pub fn new(nodes: usize) -> Self {
        Self {
            out: vec![Vec::new(); nodes],
        }
    }

    /// The number of intersections.
    #[must_use]
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Whether there are no intersections.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// A one-way road from `from` to `to` taking `seconds`.
    ///
    /// # Panics
    ///
    /// Panics if either node is not in the graph.
    pub fn add_road(&mut self, from: usize, to: usize, seconds: u32) {
        assert!(to < self.out.len(), "node {to} is not in the graph");
        self.out[from].push((to, seconds));
    }

    /// A road usable in both directions.
    pub fn add_two_way(&mut self, a: usize, b: usize, seconds: u32) {
        self.add_road(a, b, seconds);
        self.add_road(b, a, seconds);
    }

    // ANCHOR: dijkstra
    // ANCHOR: solution
    /// Dijkstra's algorithm from `source`.
    ///
    /// The heap may hold stale entries for a node already settled at a
    /// shorter distance; they are skipped when popped ("lazy deletion"),
    /// which is simpler and usually faster than a decrease-key heap.
    #[must_use]
    pub fn shortest_from(&self, source: usize) -> ShortestPaths {
        let n = self.out.len();
        let mut seconds: Vec<Option<u64>> = vec![None; n];
        let mut previous = vec![None; n];
        let mut heap = BinaryHeap::new();
        seconds[source] = Some(0);
        heap.push(Reverse((0u64, source)));
        while let Some(Reverse((d, u))) = heap.pop() {
            if seconds[u].is_some_and(|best| d > best) {
                continue; // stale entry
            }
            for &(v, w) in &self.out[u] {
                let through_u = d + u64::from(w);
                if seconds[v].is_none_or(|best| through_u < best) {
                    seconds[v] = Some(through_u);
                    previous[v] = Some(u);
                    heap.push(Reverse((through_u, v)));
                }
            }
        }
        ShortestPaths { seconds, previous }
    }
    // ANCHOR_END: solution
    // ANCHOR_END: dijkstra

    // ANCHOR: bellman_ford
    // ANCHOR: solution
    /// Bellman-Ford from `source`: relax every road until nothing changes
    /// (at most `V - 1` rounds). The oracle for [`shortest_from`](Self::shortest_from).
    #[must_use]
    pub fn bellman_ford_from(&self, source: usize) -> Vec<Option<u64>> {
        let mut seconds = vec![None; self.out.len()];
        seconds[source] = Some(0u64);
        for _ in 1..self.out.len().max(2) {
            let mut changed = false;
            for (u, roads) in self.out.iter().enumerate() {
                let Some(du) = seconds[u] else { continue };
                for &(v, w) in roads {
                    let through_u = du + u64::from(w);
                    if seconds[v].is_none_or(|best| through_u < best) {
                        seconds[v] = Some(through_u);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        seconds
    }
    // ANCHOR_END: solution
    // ANCHOR_END: bellman_ford

    /// The fastest route from `from` to `to`, or `None` if there is none.
    #[must_use]
    pub fn route(&self, from: usize, to: usize) -> Option<Route> {
        let paths = self.shortest_from(from);
        let seconds = paths.seconds[to]?;
        let mut nodes = vec![to];
        let mut at = to;
        while let Some(p) = paths.previous[at] {
            nodes.push(p);
            at = p;
        }
        nodes.reverse();
        Some(Route { seconds, nodes })
    }

    /// The travel time of the road from `a` to `b`, the fastest if there are
    /// several.
    #[must_use]
    pub fn road(&self, a: usize, b: usize) -> Option<u32> {
        self.out[a]
            .iter()
            .filter(|&&(v, _)| v == b)
            .map(|&(_, w)| w)
            .min()
    }
}

/// The ETA a customer is shown: preparation plus the fastest drive, in
/// seconds, or `None` if the address cannot be reached from the store.
#[must_use]
pub fn delivery_eta(
    graph: &RoadGraph,
    store: usize,
    customer: usize,
    prep_seconds: u64,
) -> Option<u64> {
    graph.shortest_from(store).seconds[customer].map(|drive| prep_seconds + drive)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn graph_from(n: usize, roads: &[(usize, usize, u32)]) -> RoadGraph {
        let mut g = RoadGraph::new(n);
        for &(a, b, w) in roads {
            g.add_road(a % n, b % n, w);
        }
        g
    }

    #[test]
    fn the_textbook_graph_gives_the_textbook_distances() {
        // CLRS figure 24.6 (Dijkstra), nodes s t x y z = 0..5.
        let g = graph_from(
            5,
            &[
                (0, 1, 10),
                (0, 3, 5),
                (1, 2, 1),
                (1, 3, 2),
                (2, 4, 4),
                (3, 1, 3),
                (3, 2, 9),
                (3, 4, 2),
                (4, 0, 7),
                (4, 2, 6),
            ],
        );
        let got = g.shortest_from(0).seconds;
        assert_eq!(got, [Some(0), Some(8), Some(9), Some(5), Some(7)]);
        assert_eq!(g.route(0, 2).unwrap().nodes, [0, 3, 1, 2]);
    }

    #[test]
    fn the_eta_adds_preparation_to_the_drive() {
        let mut g = RoadGraph::new(3);
        g.add_two_way(0, 1, 200);
        assert_eq!(delivery_eta(&g, 0, 1, 180), Some(380));
        assert_eq!(delivery_eta(&g, 0, 2, 180), None);
    }

    #[test]
    fn parallel_roads_use_the_fastest() {
        let g = graph_from(2, &[(0, 1, 50), (0, 1, 30)]);
        assert_eq!(g.road(0, 1), Some(30));
        assert_eq!(g.route(0, 1).unwrap().seconds, 30);
    }

    proptest! {
        /// Dijkstra and Bellman-Ford agree on every random road graph, and the
        /// route Dijkstra reports really exists and takes the time it claims.
        #[test]
        fn dijkstra_matches_bellman_ford(
            n in 1usize..12,
            roads in proptest::collection::vec((0usize..12, 0usize..12, 0u32..1000), 0..40),
            source in 0usize..12,
        ) {
            let g = graph_from(n, &roads);
            let source = source % n;
            let dijkstra = g.shortest_from(source);
            prop_assert_eq!(&dijkstra.seconds, &g.bellman_ford_from(source));
            for to in 0..n {
                if let Some(route) = g.route(source, to) {
                    prop_assert_eq!(route.nodes[0], source);
                    prop_assert_eq!(*route.nodes.last().unwrap(), to);
                    let walked: u64 = route
                        .nodes
                        .windows(2)
                        .map(|w| u64::from(g.road(w[0], w[1]).expect("the route uses real roads")))
                        .sum();
                    prop_assert_eq!(walked, route.seconds);
                }
            }
        }
    }
}
