//! A Merkle tree as Certificate Transparency defines it (RFC 6962, revised as
//! RFC 9162 §2.1): an append-only list of entries whose single 32-byte root
//! commits to every entry, with short proofs that an entry is in the list
//! (*inclusion*) and that a later list only appended to an earlier one
//! (*consistency*).
//!
//! Leaves are hashed as `SHA-256(0x00 || entry)` and interior nodes as
//! `SHA-256(0x01 || left || right)`. The different prefixes make a leaf
//! impossible to pass off as an interior node (the second-preimage attack on
//! plain Merkle trees). A tree of `n > 1` leaves splits at `k`, the largest
//! power of two smaller than `n`: the left subtree is always full, so a
//! growing log never rehashes old subtrees.
//!
//! A proof is `O(log n)` hashes, so a café can check that the roaster's record
//! of its coffee lot is in the log by fetching 6 hashes out of 64 entries,
//! without downloading the log.
//!
//! ```
//! use coffee_patterns::merkle::{MerkleTree, leaf_hash, verify_inclusion, verify_consistency};
//!
//! let mut log = MerkleTree::new();
//! for event in ["harvested", "washed", "shipped", "roasted", "brewed"] {
//!     log.push(event.as_bytes());
//! }
//! let root = log.root();
//!
//! // "roasted" is entry 3 of 5; the proof is three hashes.
//! let proof = log.inclusion_proof(3, 5).unwrap();
//! assert_eq!(proof.len(), 3);
//! assert!(verify_inclusion(3, 5, &leaf_hash(b"roasted"), &proof, &root));
//! assert!(!verify_inclusion(3, 5, &leaf_hash(b"burnt"), &proof, &root));
//!
//! // The log of 5 entries extends the log of 3 the café saw yesterday.
//! let old_root = log.root_at(3).unwrap();
//! let proof = log.consistency_proof(3, 5).unwrap();
//! assert!(verify_consistency(3, 5, &old_root, &root, &proof));
//! ```

use sha2::{Digest, Sha256};
use std::fmt;

/// A SHA-256 digest: a leaf hash, a node hash or a tree root.
pub type Hash = [u8; 32];

// ANCHOR: hashing
// ANCHOR: solution
/// The hash of an entry: `SHA-256(0x00 || entry)` (RFC 9162 §2.1.1).
#[must_use]
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x00]);
    hasher.update(entry);
    hasher.finalize().into()
}

/// The hash of an interior node: `SHA-256(0x01 || left || right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// The root of the empty tree: the hash of the empty string.
#[must_use]
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// `k`, the largest power of two smaller than `n` (for `n > 1`): where the
/// RFC splits a tree of `n` leaves.
fn split(n: usize) -> usize {
    debug_assert!(n > 1);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// `MTH(D[n])`: the root of the tree whose leaf hashes are `leaves`.
fn subtree_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&subtree_root(&leaves[..k]), &subtree_root(&leaves[k..]))
        }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: hashing

/// Why a proof could not be produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofError {
    /// The tree size asked for is larger than the tree.
    SizeBeyondTree {
        /// The size asked for.
        size: usize,
        /// The number of leaves in the tree.
        len: usize,
    },
    /// The leaf index is not below the tree size.
    IndexOutOfRange {
        /// The index asked for.
        index: usize,
        /// The tree size.
        size: usize,
    },
    /// A consistency proof from a larger tree to a smaller one.
    SizesOutOfOrder {
        /// The first (older) size.
        first: usize,
        /// The second (newer) size.
        second: usize,
    },
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SizeBeyondTree { size, len } => {
                write!(f, "tree size {size} is beyond the {len} leaves of the log")
            }
            Self::IndexOutOfRange { index, size } => {
                write!(f, "leaf {index} is not in a tree of {size} leaves")
            }
            Self::SizesOutOfOrder { first, second } => {
                write!(
                    f,
                    "cannot prove tree {first} is a prefix of smaller tree {second}"
                )
            }
        }
    }
}

impl std::error::Error for ProofError {}

/// An append-only Merkle tree of leaf hashes.
#[derive(Debug, Clone, Default)]
pub struct MerkleTree {
    leaves: Vec<Hash>,
}

impl MerkleTree {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `entry` and returns its leaf index.
    pub fn push(&mut self, entry: &[u8]) -> usize {
        self.leaves.push(leaf_hash(entry));
        self.leaves.len() - 1
    }

    /// The number of leaves.
    #[must_use]
    pub fn len(&self) -> usize {
        self.leaves.len()
    }

    /// Whether the tree has no leaves.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// The leaf hash at `index`, if there is one.
    #[must_use]
    pub fn leaf(&self, index: usize) -> Option<Hash> {
        self.leaves.get(index).copied()
    }

    /// The root of the whole tree.
    #[must_use]
    pub fn root(&self) -> Hash {
        subtree_root(&self.leaves)
    }

    /// The root the tree had when it held its first `size` leaves.
    ///
    /// # Errors
    ///
    /// [`ProofError::SizeBeyondTree`] if `size` exceeds the tree.
    pub fn root_at(&self, size: usize) -> Result<Hash, ProofError> {
        Ok(subtree_root(self.prefix(size)?))
    }

    fn prefix(&self, size: usize) -> Result<&[Hash], ProofError> {
        self.leaves.get(..size).ok_or(ProofError::SizeBeyondTree {
            size,
            len: self.leaves.len(),
        })
    }

    // ANCHOR: prove
    // ANCHOR: solution
    /// The audit path of leaf `index` in the tree of the first `size` leaves
    /// (RFC 9162 §2.1.3.1), leaf to root.
    ///
    /// # Errors
    ///
    /// If `size` exceeds the tree or `index` is not below `size`.
    pub fn inclusion_proof(&self, index: usize, size: usize) -> Result<Vec<Hash>, ProofError> {
        let leaves = self.prefix(size)?;
        if index >= size {
            return Err(ProofError::IndexOutOfRange { index, size });
        }
        fn path(m: usize, d: &[Hash], out: &mut Vec<Hash>) {
            if d.len() <= 1 {
                return;
            }
            let k = split(d.len());
            if m < k {
                path(m, &d[..k], out);
                out.push(subtree_root(&d[k..]));
            } else {
                path(m - k, &d[k..], out);
                out.push(subtree_root(&d[..k]));
            }
        }
        let mut out = Vec::new();
        path(index, leaves, &mut out);
        Ok(out)
    }

    /// The proof that the tree of `first` leaves is a prefix of the tree of
    /// `second` leaves (RFC 9162 §2.1.4.1). Empty when `first` is 0 or equals
    /// `second`.
    ///
    /// # Errors
    ///
    /// If `second` exceeds the tree or `first > second`.
    pub fn consistency_proof(&self, first: usize, second: usize) -> Result<Vec<Hash>, ProofError> {
        let leaves = self.prefix(second)?;
        if first > second {
            return Err(ProofError::SizesOutOfOrder { first, second });
        }
        fn subproof(m: usize, d: &[Hash], complete: bool, out: &mut Vec<Hash>) {
            let n = d.len();
            if m == n {
                if !complete {
                    out.push(subtree_root(d));
                }
                return;
            }
            let k = split(n);
            if m <= k {
                subproof(m, &d[..k], complete, out);
                out.push(subtree_root(&d[k..]));
            } else {
                subproof(m - k, &d[k..], false, out);
                out.push(subtree_root(&d[..k]));
            }
        }
        let mut out = Vec::new();
        if first > 0 && first < second {
            subproof(first, leaves, true, &mut out);
        }
        Ok(out)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: prove
}

// ANCHOR: verify
// ANCHOR: solution
/// Checks that `leaf` is entry `index` of the tree of `size` leaves whose
/// root is `root`, with the RFC 9162 §2.1.3.2 algorithm.
#[must_use]
pub fn verify_inclusion(
    index: usize,
    size: usize,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> bool {
    if index >= size {
        return false;
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    s == 0 && r == *root
}

/// Checks that the tree of `first` leaves with root `first_root` is a prefix
/// of the tree of `second` leaves with root `second_root`, with the
/// RFC 9162 §2.1.4.2 algorithm (and the empty proofs for `first == 0` and
/// `first == second`).
#[must_use]
pub fn verify_consistency(
    first: usize,
    second: usize,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> bool {
    if first > second {
        return false;
    }
    if first == 0 {
        return proof.is_empty() && *first_root == empty_root();
    }
    if first == second {
        return proof.is_empty() && first_root == second_root;
    }
    let Some((head, rest)) = proof.split_first() else {
        return false;
    };
    // When `first` is a power of two its root is a node of the new tree and
    // the proof leaves it out: start from it.
    let (start, path) = if first.is_power_of_two() {
        (first_root, proof)
    } else {
        (head, rest)
    };
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*start, *start);
    for c in path {
        if s == 0 {
            return false;
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    fr == *first_root && sr == *second_root && s == 0
}
// ANCHOR_END: solution
// ANCHOR_END: verify

/// `hash` as lowercase hex, the way logs publish their roots.
#[must_use]
pub fn to_hex(hash: &Hash) -> String {
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// The Certificate Transparency reference tree: 8 entries and the roots of
    /// each prefix (used by the RFC 6962 implementations' test suites).
    fn reference_tree() -> MerkleTree {
        let mut tree = MerkleTree::new();
        for entry in [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ] {
            tree.push(&hex(entry));
        }
        tree
    }

    const REFERENCE_ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn the_rfc_hashes_of_the_empty_tree_and_the_empty_leaf() {
        // RFC 9162 §2.1.1: MTH({}) = SHA-256() and MTH({d0}) = SHA-256(0x00 || d0).
        assert_eq!(to_hex(&empty_root()), REFERENCE_ROOTS[0]);
        assert_eq!(to_hex(&MerkleTree::new().root()), REFERENCE_ROOTS[0]);
        assert_eq!(to_hex(&leaf_hash(b"")), REFERENCE_ROOTS[1]);
        let sha_of_zero: Hash = Sha256::digest([0x00]).into();
        assert_eq!(leaf_hash(b""), sha_of_zero);
    }

    #[test]
    fn roots_match_the_reference_tree_at_every_size() {
        let tree = reference_tree();
        for (size, want) in REFERENCE_ROOTS.iter().enumerate() {
            assert_eq!(to_hex(&tree.root_at(size).unwrap()), *want, "size {size}");
        }
    }

    #[test]
    fn proofs_match_the_reference_vectors() {
        let tree = reference_tree();
        let check = |got: Vec<Hash>, want: &[&str]| {
            assert_eq!(got.iter().map(to_hex).collect::<Vec<_>>(), want);
        };
        check(
            tree.inclusion_proof(0, 8).unwrap(),
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        );
        check(
            tree.inclusion_proof(5, 8).unwrap(),
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        );
        check(
            tree.consistency_proof(2, 8).unwrap(),
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        );
        check(
            tree.consistency_proof(6, 8).unwrap(),
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        );
    }

    fn tree_of(n: usize) -> MerkleTree {
        let mut tree = MerkleTree::new();
        for i in 0..n {
            tree.push(format!("lot-{i}").as_bytes());
        }
        tree
    }

    fn flipped(hash: &Hash, byte: usize) -> Hash {
        let mut out = *hash;
        out[byte] ^= 0x01;
        out
    }

    #[test]
    fn every_inclusion_proof_up_to_64_verifies_and_any_flipped_byte_fails() {
        let tree = tree_of(64);
        let mut proofs = 0;
        for n in 1..=64 {
            let root = tree.root_at(n).unwrap();
            for m in 0..n {
                let leaf = tree.leaf(m).unwrap();
                let proof = tree.inclusion_proof(m, n).unwrap();
                assert!(verify_inclusion(m, n, &leaf, &proof, &root), "{m} in {n}");
                proofs += 1;
                for byte in (0..32).step_by(7) {
                    assert!(!verify_inclusion(
                        m,
                        n,
                        &flipped(&leaf, byte),
                        &proof,
                        &root
                    ));
                    assert!(!verify_inclusion(
                        m,
                        n,
                        &leaf,
                        &proof,
                        &flipped(&root, byte)
                    ));
                    for i in 0..proof.len() {
                        let mut bad = proof.clone();
                        bad[i] = flipped(&bad[i], byte);
                        assert!(
                            !verify_inclusion(m, n, &leaf, &bad, &root),
                            "{m} {n} node {i}"
                        );
                    }
                }
                // A proof one hash short or long fails.
                if let Some((_, shorter)) = proof.split_last() {
                    assert!(!verify_inclusion(m, n, &leaf, shorter, &root));
                }
                let mut longer = proof.clone();
                longer.push(root);
                assert!(!verify_inclusion(m, n, &leaf, &longer, &root));
            }
        }
        assert_eq!(proofs, 64 * 65 / 2);
    }

    #[test]
    fn every_consistency_proof_up_to_64_verifies_and_any_flipped_byte_fails() {
        let tree = tree_of(64);
        let roots: Vec<Hash> = (0..=64).map(|n| tree.root_at(n).unwrap()).collect();
        for n in 1..=64 {
            for m in 1..=n {
                let proof = tree.consistency_proof(m, n).unwrap();
                assert!(
                    verify_consistency(m, n, &roots[m], &roots[n], &proof),
                    "{m} to {n}"
                );
                if m == n {
                    assert!(proof.is_empty());
                    if n > 1 {
                        assert!(!verify_consistency(m, n, &roots[m - 1], &roots[n], &proof));
                    }
                    continue;
                }
                // A log that rewrote history has a different old root.
                assert!(!verify_consistency(m, n, &roots[m - 1], &roots[n], &proof));
                for byte in (0..32).step_by(5) {
                    let (old, new) = (&roots[m], &roots[n]);
                    assert!(!verify_consistency(m, n, &flipped(old, byte), new, &proof));
                    assert!(!verify_consistency(m, n, old, &flipped(new, byte), &proof));
                    for i in 0..proof.len() {
                        let mut bad = proof.clone();
                        bad[i] = flipped(&bad[i], byte);
                        assert!(
                            !verify_consistency(m, n, old, new, &bad),
                            "{m} {n} node {i}"
                        );
                    }
                }
                assert!(!verify_consistency(m, n, &roots[m], &roots[n], &proof[1..]));
            }
        }
    }

    #[test]
    fn bad_requests_are_errors_not_panics() {
        let tree = tree_of(5);
        assert_eq!(
            tree.inclusion_proof(5, 5),
            Err(ProofError::IndexOutOfRange { index: 5, size: 5 })
        );
        assert_eq!(
            tree.inclusion_proof(0, 6),
            Err(ProofError::SizeBeyondTree { size: 6, len: 5 })
        );
        assert_eq!(
            tree.consistency_proof(4, 3),
            Err(ProofError::SizesOutOfOrder {
                first: 4,
                second: 3
            })
        );
        assert_eq!(
            tree.consistency_proof(4, 3).unwrap_err().to_string(),
            "cannot prove tree 4 is a prefix of smaller tree 3"
        );
        assert!(verify_consistency(0, 5, &empty_root(), &tree.root(), &[]));
        assert!(!verify_inclusion(
            0,
            0,
            &tree.leaf(0).unwrap(),
            &[],
            &tree.root()
        ));
    }

    /// Recomputing the root from a leaf and its proof by hand, the way the
    /// RFC's recursive definition reads, agrees with the RFC's iterative
    /// verifier (a differential check of the two formulations).
    fn root_from_path(m: usize, n: usize, leaf: Hash, proof: &[Hash]) -> Hash {
        if n == 1 {
            return leaf;
        }
        let k = split(n);
        let (last, rest) = proof.split_last().unwrap();
        if m < k {
            node_hash(&root_from_path(m, k, leaf, rest), last)
        } else {
            node_hash(last, &root_from_path(m - k, n - k, leaf, rest))
        }
    }

    proptest! {
        #[test]
        fn the_recursive_and_iterative_verifiers_agree(n in 1usize..200, pick in any::<usize>()) {
            let tree = tree_of(n);
            let m = pick % n;
            let proof = tree.inclusion_proof(m, n).unwrap();
            prop_assert_eq!(root_from_path(m, n, tree.leaf(m).unwrap(), &proof), tree.root());
            prop_assert!(proof.len() <= (usize::BITS - (n - 1).leading_zeros()) as usize);
        }
    }
}
