//! Quorum sizes for crash faults and for Byzantine faults, and why the bounds
//! are `n ≥ 2f + 1` and `n ≥ 3f + 1`.
//!
//! A quorum system is safe when any two quorums overlap in enough nodes that
//! the overlap can be trusted to remember what the first quorum decided:
//!
//! - with **crash** faults (Raft, Paxos) nodes stop but never lie, so one
//!   common node suffices: majorities, `q = ⌊n/2⌋ + 1`, with `n = 2f + 1` to
//!   stay available while `f` are down;
//! - with **Byzantine** faults (PBFT, Tendermint) up to `f` nodes may say
//!   anything, so the overlap must hold at least `f + 1` nodes, one of which
//!   is honest. Two quorums of size `q` overlap in at least `2q − n` nodes, and
//!   a quorum must be reachable with `f` nodes silent (`q ≤ n − f`). Together,
//!   `2(n − f) − n ≥ f + 1`, that is `n ≥ 3f + 1`, with `q = 2f + 1`.
//!
//! ```
//! use coffee_patterns::quorum::{FaultModel, min_overlap, nodes_needed, quorum, tolerated};
//!
//! // Surviving one faulty node: 3 nodes if it can only crash, 4 if it can lie.
//! assert_eq!(nodes_needed(1, FaultModel::Crash), 3);
//! assert_eq!(nodes_needed(1, FaultModel::Byzantine), 4);
//! // Seven nodes tolerate three crashes but only two liars.
//! assert_eq!(tolerated(7, FaultModel::Crash), 3);
//! assert_eq!(tolerated(7, FaultModel::Byzantine), 2);
//! // n = 3f + 1 = 7, f = 2: quorums of 5 share at least 3 nodes, one honest.
//! assert_eq!(quorum(7, FaultModel::Byzantine), 5);
//! assert_eq!(min_overlap(7, 5), 3);
//! ```

/// What a faulty node may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultModel {
    /// It stops (and may come back), but never sends anything wrong.
    Crash,
    /// It may send anything, including different answers to different nodes.
    Byzantine,
}

// ANCHOR: bounds
/// The fewest nodes that tolerate `f` faulty ones.
#[must_use]
pub fn nodes_needed(f: usize, model: FaultModel) -> usize {
    match model {
        FaultModel::Crash => 2 * f + 1,
        FaultModel::Byzantine => 3 * f + 1,
    }
}

/// How many faulty nodes `n` nodes tolerate.
#[must_use]
pub fn tolerated(n: usize, model: FaultModel) -> usize {
    match model {
        FaultModel::Crash => n.saturating_sub(1) / 2,
        FaultModel::Byzantine => n.saturating_sub(1) / 3,
    }
}

/// The quorum size for `n` nodes: the smallest `q` whose pairwise overlap is
/// enough for the model (one node for crashes, `f + 1` for Byzantine faults).
#[must_use]
pub fn quorum(n: usize, model: FaultModel) -> usize {
    let needed_overlap = match model {
        FaultModel::Crash => 1,
        FaultModel::Byzantine => tolerated(n, model) + 1,
    };
    // 2q - n >= overlap  <=>  q >= (n + overlap) / 2, rounded up.
    (n + needed_overlap).div_ceil(2)
}

/// The fewest nodes two quorums of size `q` out of `n` can share.
#[must_use]
pub fn min_overlap(n: usize, q: usize) -> usize {
    (2 * q).saturating_sub(n)
}
// ANCHOR_END: bounds

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest intersection of two `q`-subsets of `n` nodes, by trying
    /// every pair of subsets (bitmasks).
    fn brute_min_overlap(n: usize, q: usize) -> usize {
        let sets: Vec<u32> = (0u32..1 << n)
            .filter(|s| s.count_ones() as usize == q)
            .collect();
        let mut least = n;
        for &a in &sets {
            for &b in &sets {
                least = least.min((a & b).count_ones() as usize);
            }
        }
        least
    }

    #[test]
    fn the_overlap_formula_matches_brute_force() {
        for n in 1..=9 {
            for q in 1..=n {
                assert_eq!(min_overlap(n, q), brute_min_overlap(n, q), "n={n} q={q}");
            }
        }
    }

    #[test]
    fn quorums_are_safe_and_available_exactly_within_the_bounds() {
        for n in 1..=12 {
            for model in [FaultModel::Crash, FaultModel::Byzantine] {
                let f = tolerated(n, model);
                let q = quorum(n, model);
                let trusted = if model == FaultModel::Crash { 1 } else { f + 1 };
                assert!(min_overlap(n, q) >= trusted, "safe: n={n} {model:?}");
                assert!(q <= n - f, "available with f down: n={n} {model:?}");
                assert!(nodes_needed(f, model) <= n);
                // One more fault and no quorum size is both safe and available.
                let f = f + 1;
                let trusted = if model == FaultModel::Crash { 1 } else { f + 1 };
                let any = (1..=n).any(|q| min_overlap(n, q) >= trusted && q + f <= n);
                assert!(!any, "n={n} cannot tolerate {f} {model:?} faults");
            }
        }
    }

    #[test]
    fn three_nodes_cannot_survive_one_liar() {
        // n = 3, f = 1: a quorum reachable with one node silent has 2 nodes,
        // and two such quorums may share only the liar, who tells each side
        // a different story: {0, 1} decide "latte", {1, 2} decide "mocha".
        assert_eq!(min_overlap(3, 2), 1);
        assert_eq!(tolerated(3, FaultModel::Byzantine), 0);
        assert_eq!(quorum(4, FaultModel::Byzantine), 3);
        assert_eq!(min_overlap(4, 3), 2);
    }
}
