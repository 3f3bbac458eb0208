//! A cross-chain atomic swap with hash time-locked contracts (HTLCs): Alice
//! trades loyalty beans on Go Coffee's chain for Bob's stablecoins on another
//! chain, and neither can end up with both or lose both.
//!
//! An HTLC holds funds for a recipient who can claim them by revealing a
//! secret whose SHA-256 is the contract's *hash lock*, before a deadline; after
//! the deadline the sender can take them back. The swap:
//!
//! 1. Alice picks a secret `s` and locks her beans for Bob under `H(s)`, with
//!    a long deadline (48 h).
//! 2. Bob sees that contract and locks his coins for Alice under the same
//!    `H(s)`, with a shorter deadline (24 h).
//! 3. Alice claims Bob's coins, which publishes `s` on his chain.
//! 4. Bob reads `s` there and claims Alice's beans before 48 h.
//!
//! If anyone stops, the deadlines refund both. The order of the deadlines is
//! the safety rule: the second contract must expire first, with enough margin
//! for Bob to see `s` and claim. [`swap_is_safe`] checks it.
//!
//! ```
//! use coffee_patterns::atomic_swap::{Htlc, hash_lock};
//! use std::time::Duration;
//!
//! let hour = Duration::from_secs(3600);
//! let secret = [7u8; 32];
//! let mut beans = Htlc::new("alice", "bob", 500, hash_lock(&secret), 48 * hour);
//! let mut coins = Htlc::new("bob", "alice", 20, hash_lock(&secret), 24 * hour);
//!
//! assert_eq!(coins.claim("alice", &secret, 2 * hour), Ok(20));
//! let revealed = coins.revealed_secret().unwrap();
//! assert_eq!(beans.claim("bob", &revealed, 3 * hour), Ok(500));
//! assert!(beans.refund("alice", 49 * hour).is_err(), "already claimed");
//! ```

use crate::merkle::Hash;
use sha2::{Digest, Sha256};
use std::fmt;
use std::time::Duration;

// ANCHOR: solution
/// The hash lock for `secret`: its SHA-256.
#[must_use]
pub fn hash_lock(secret: &[u8; 32]) -> Hash {
    Sha256::digest(secret).into()
}
// ANCHOR_END: solution

/// Where an HTLC's funds are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtlcState {
    /// Locked, waiting for a claim or the deadline.
    Locked,
    /// Paid to the recipient, who revealed this secret.
    Claimed([u8; 32]),
    /// Returned to the sender after the deadline.
    Refunded,
}

/// Why a claim or refund was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtlcError {
    /// Only the recipient may claim and only the sender may refund.
    NotAllowed,
    /// The secret does not hash to the lock.
    WrongSecret,
    /// A claim at or after the deadline.
    Expired,
    /// A refund before the deadline.
    NotYetExpired,
    /// The funds were already claimed or refunded.
    Settled,
}

impl fmt::Display for HtlcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotAllowed => "only the recipient may claim and only the sender may refund",
            Self::WrongSecret => "the secret does not match the hash lock",
            Self::Expired => "the deadline has passed",
            Self::NotYetExpired => "the deadline has not passed yet",
            Self::Settled => "the contract is already settled",
        })
    }
}

impl std::error::Error for HtlcError {}

// ANCHOR: htlc
// ANCHOR: solution
/// A hash time-locked contract on one chain. Times are that chain's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Htlc {
    sender: String,
    recipient: String,
    amount: u64,
    lock: Hash,
    deadline: Duration,
    state: HtlcState,
}

impl Htlc {
    /// `sender` locks `amount` for `recipient` under `lock` until `deadline`.
    #[must_use]
    pub fn new(sender: &str, recipient: &str, amount: u64, lock: Hash, deadline: Duration) -> Self {
        Self {
            sender: sender.to_owned(),
            recipient: recipient.to_owned(),
            amount,
            lock,
            deadline,
            state: HtlcState::Locked,
        }
    }

    /// The recipient takes the funds by revealing `secret` before the deadline.
    ///
    /// # Errors
    ///
    /// If `who` is not the recipient, the secret is wrong, the deadline has
    /// passed or the contract is settled.
    pub fn claim(&mut self, who: &str, secret: &[u8; 32], now: Duration) -> Result<u64, HtlcError> {
        if self.state != HtlcState::Locked {
            return Err(HtlcError::Settled);
        }
        if who != self.recipient {
            return Err(HtlcError::NotAllowed);
        }
        if now >= self.deadline {
            return Err(HtlcError::Expired);
        }
        if hash_lock(secret) != self.lock {
            return Err(HtlcError::WrongSecret);
        }
        self.state = HtlcState::Claimed(*secret);
        Ok(self.amount)
    }

    /// The sender takes the funds back once the deadline has passed.
    ///
    /// # Errors
    ///
    /// If `who` is not the sender, the deadline has not passed or the
    /// contract is settled.
    pub fn refund(&mut self, who: &str, now: Duration) -> Result<u64, HtlcError> {
        if self.state != HtlcState::Locked {
            return Err(HtlcError::Settled);
        }
        if who != self.sender {
            return Err(HtlcError::NotAllowed);
        }
        if now < self.deadline {
            return Err(HtlcError::NotYetExpired);
        }
        self.state = HtlcState::Refunded;
        Ok(self.amount)
    }

    /// The secret, once a claim has published it on the chain.
    #[must_use]
    pub fn revealed_secret(&self) -> Option<[u8; 32]> {
        match self.state {
            HtlcState::Claimed(secret) => Some(secret),
            _ => None,
        }
    }

    /// Where the funds are.
    #[must_use]
    pub fn state(&self) -> HtlcState {
        self.state
    }

    /// The deadline.
    #[must_use]
    pub fn deadline(&self) -> Duration {
        self.deadline
    }
}

/// Whether a swap whose first contract (the secret holder's) expires at
/// `first` and second at `second` is safe for the second party: they need
/// `margin` after the last moment the secret can appear (just before
/// `second`) to see it and claim the first contract.
#[must_use]
pub fn swap_is_safe(first: Duration, second: Duration, margin: Duration) -> bool {
    second + margin <= first
}
// ANCHOR_END: solution
// ANCHOR_END: htlc

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);
    const SECRET: [u8; 32] = [42; 32];

    fn swap(first: Duration, second: Duration) -> (Htlc, Htlc) {
        let lock = hash_lock(&SECRET);
        (
            Htlc::new("alice", "bob", 500, lock, first),
            Htlc::new("bob", "alice", 20, lock, second),
        )
    }

    #[test]
    fn sha256_of_the_secret_is_the_lock() {
        // SHA-256 of 32 zero bytes, a widely published value.
        let lock = hash_lock(&[0; 32]);
        assert_eq!(
            crate::merkle::to_hex(&lock),
            "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
        );
    }

    #[test]
    fn when_bob_never_locks_alice_gets_her_beans_back() {
        let (mut beans, _) = swap(48 * HOUR, 24 * HOUR);
        assert_eq!(
            beans.refund("alice", 47 * HOUR),
            Err(HtlcError::NotYetExpired)
        );
        assert_eq!(beans.refund("bob", 48 * HOUR), Err(HtlcError::NotAllowed));
        assert_eq!(beans.refund("alice", 48 * HOUR), Ok(500));
        assert_eq!(
            beans.claim("bob", &SECRET, 48 * HOUR),
            Err(HtlcError::Settled)
        );
    }

    #[test]
    fn a_wrong_secret_or_a_late_claim_is_refused() {
        let (_, mut coins) = swap(48 * HOUR, 24 * HOUR);
        assert_eq!(
            coins.claim("alice", &[0; 32], HOUR),
            Err(HtlcError::WrongSecret)
        );
        assert_eq!(
            coins.claim("mallory", &SECRET, HOUR),
            Err(HtlcError::NotAllowed)
        );
        assert_eq!(
            coins.claim("alice", &SECRET, 24 * HOUR),
            Err(HtlcError::Expired)
        );
        assert_eq!(coins.refund("bob", 24 * HOUR), Ok(20));
        assert_eq!(coins.revealed_secret(), None);
    }

    /// Alice's best play against a swap: wait until the last moment before
    /// the second contract expires to claim Bob's coins, then see whether
    /// Bob can still claim her beans once he notices (after `reaction`).
    fn bob_is_paid(first: Duration, second: Duration, reaction: Duration) -> bool {
        let (mut beans, mut coins) = swap(first, second);
        let last_moment = second - Duration::from_secs(1);
        coins.claim("alice", &SECRET, last_moment).unwrap();
        let secret = coins.revealed_secret().unwrap();
        // If Bob cannot claim in time, Alice refunds her beans: she has both.
        beans.claim("bob", &secret, last_moment + reaction).is_ok()
    }

    #[test]
    fn the_deadlines_must_be_ordered_with_a_margin() {
        let reaction = 2 * HOUR;
        for (first, second) in [(48, 24), (26, 24), (25, 24), (24, 24), (24, 48)] {
            let (first, second) = (first * HOUR, second * HOUR);
            assert_eq!(
                bob_is_paid(first, second, reaction),
                swap_is_safe(first, second, reaction),
                "first {first:?}, second {second:?}"
            );
        }
        assert!(!swap_is_safe(24 * HOUR, 48 * HOUR, Duration::ZERO));
    }
}
