//! A double-entry ledger for Go Coffee's money: gift-card wallets, store
//! revenue, the card processor's clearing account and payouts.
//!
//! Every movement of money is a **transaction** of two or more **postings**
//! (account, signed amount in cents) that **sum to zero**: money is never
//! created or destroyed, only moved. A balance is not a number someone
//! updates; it is the sum of the account's postings, so it can always be
//! recomputed from the journal and checked. Consequences an auditor relies
//! on: the sum of all balances is zero at every moment, and a bug that
//! "loses" a cent shows up as a transaction that does not balance, which is
//! refused before it is written.
//!
//! On top of that:
//!
//! - **Idempotent transfers.** A transfer carries a client-chosen key. The
//!   same key with the same request returns the first result without moving
//!   money again; the same key with a different request is refused. The key
//!   record is written together with the postings (one state change here,
//!   one database transaction in production): stored apart, a crash between
//!   the two either loses the record (double charge on retry) or the money.
//! - **Overdraft rules per account.** Customer wallets cannot go below zero;
//!   system accounts (processor clearing, revenue) carry any sign.
//! - **An audit trail.** Every accepted transaction is appended to a
//!   hash-chained journal ([`crate::audit_chain`]).
//!
//! ```
//! use coffee_patterns::ledger::{Ledger, LedgerError, Overdraft, Transfer};
//!
//! let mut ledger = Ledger::new();
//! ledger.open("processor:clearing", Overdraft::Allowed);
//! ledger.open("wallet:ana", Overdraft::Forbidden);
//! ledger.open("store:12:revenue", Overdraft::Allowed);
//!
//! // Ana tops up her gift card with 20.00 EUR by card, then buys a 4.50 latte.
//! ledger.transfer("top-up-7f3a", &Transfer::new("processor:clearing", "wallet:ana", 2000)).unwrap();
//! let latte = Transfer::new("wallet:ana", "store:12:revenue", 450);
//! let first = ledger.transfer("order-1041", &latte).unwrap();
//! let retry = ledger.transfer("order-1041", &latte).unwrap(); // the app retried
//! assert_eq!(first, retry);
//! assert_eq!(ledger.balance("wallet:ana"), 1550); // charged once
//! assert_eq!(ledger.total(), 0); // money is only moved
//!
//! let reused = ledger.transfer("order-1041", &Transfer::new("wallet:ana", "store:12:revenue", 900));
//! assert_eq!(reused, Err(LedgerError::KeyReused { key: "order-1041".into() }));
//! ```

use crate::audit_chain::{self, AuditLog, ChainError};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One leg of a transaction: an account and a signed amount in cents
/// (positive in, negative out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    /// The account name.
    pub account: String,
    /// Cents; the postings of a transaction sum to zero.
    pub amount: i64,
}

/// Whether an account may have a negative balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overdraft {
    /// Customer money: never below zero.
    Forbidden,
    /// System accounts: any sign.
    Allowed,
}

/// A request to move `amount` cents from one account to another.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Transfer {
    /// Debited account.
    pub from: String,
    /// Credited account.
    pub to: String,
    /// Cents, positive.
    pub amount: i64,
}

impl Transfer {
    /// A transfer of `amount` cents.
    #[must_use]
    pub fn new(from: &str, to: &str, amount: i64) -> Self {
        Self {
            from: from.to_owned(),
            to: to.to_owned(),
            amount,
        }
    }
}

/// The identifier of a posted transaction.
pub type TxId = u64;

/// Why a transaction or transfer was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerError {
    /// The postings do not sum to zero.
    Unbalanced {
        /// Their sum.
        sum: i64,
    },
    /// Fewer than two postings, or a posting of zero.
    Degenerate,
    /// A posting names an account that was never opened.
    UnknownAccount(String),
    /// The posting would take a no-overdraft account below zero.
    InsufficientFunds {
        /// The account.
        account: String,
        /// Its balance before.
        balance: i64,
        /// The amount asked for.
        needed: i64,
    },
    /// A balance would leave the range of `i64` cents.
    Overflow,
    /// The idempotency key was used for a different request.
    KeyReused {
        /// The key.
        key: String,
    },
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unbalanced { sum } => write!(f, "postings sum to {sum}, not zero"),
            Self::Degenerate => f.write_str("a transaction needs two non-zero postings"),
            Self::UnknownAccount(a) => write!(f, "no account {a:?}"),
            Self::InsufficientFunds {
                account,
                balance,
                needed,
            } => write!(f, "{account} has {balance}, needs {needed}"),
            Self::Overflow => f.write_str("a balance would overflow"),
            Self::KeyReused { key } => {
                write!(f, "idempotency key {key:?} was used for another request")
            }
        }
    }
}

impl std::error::Error for LedgerError {}

/// The ledger: accounts, the journal of transactions, idempotency records
/// and the audit chain, changed together.
#[derive(Debug, Default)]
pub struct Ledger {
    accounts: BTreeMap<String, (Overdraft, i64)>,
    journal: Vec<(TxId, Vec<Posting>)>,
    transfers: HashMap<String, (Transfer, Result<TxId, LedgerError>)>,
    audit: AuditLog,
}

impl Ledger {
    /// An empty ledger.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens an account with a zero balance (opening twice changes nothing).
    pub fn open(&mut self, account: &str, overdraft: Overdraft) {
        self.accounts
            .entry(account.to_owned())
            .or_insert((overdraft, 0));
    }

    // ANCHOR: post
    // ANCHOR: solution
    /// Posts a balanced transaction, all legs or none.
    pub fn post(&mut self, postings: &[Posting]) -> Result<TxId, LedgerError> {
        if postings.len() < 2 || postings.iter().any(|p| p.amount == 0) {
            return Err(LedgerError::Degenerate);
        }
        let sum = postings
            .iter()
            .try_fold(0i64, |s, p| s.checked_add(p.amount));
        if sum != Some(0) {
            return Err(LedgerError::Unbalanced {
                sum: sum.unwrap_or(i64::MAX),
            });
        }
        // Work out every balance the transaction would leave, and check them
        // all before changing any: a refused transaction leaves no trace.
        let mut after: BTreeMap<&str, i64> = BTreeMap::new();
        for p in postings {
            let (_, balance) = self
                .accounts
                .get(&p.account)
                .ok_or_else(|| LedgerError::UnknownAccount(p.account.clone()))?;
            let next = after.entry(&p.account).or_insert(*balance);
            *next = next.checked_add(p.amount).ok_or(LedgerError::Overflow)?;
        }
        for (&account, &next) in &after {
            let (overdraft, balance) = self.accounts[account];
            if overdraft == Overdraft::Forbidden && next < 0 {
                return Err(LedgerError::InsufficientFunds {
                    account: account.to_owned(),
                    balance,
                    needed: balance - next,
                });
            }
        }
        for (account, balance) in after {
            self.accounts.get_mut(account).expect("checked above").1 = balance;
        }
        let id = self.journal.len() as TxId;
        let legs: Vec<String> = postings
            .iter()
            .map(|p| format!("{} {:+}", p.account, p.amount))
            .collect();
        self.audit.append(&format!("tx {id}: {}", legs.join(", ")));
        self.journal.push((id, postings.to_vec()));
        Ok(id)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: post

    // ANCHOR: transfer
    // ANCHOR: solution
    /// Moves money once per idempotency key: a retry with the same request
    /// gets the first outcome (success or refusal) back; the same key with
    /// another request is refused.
    pub fn transfer(&mut self, key: &str, transfer: &Transfer) -> Result<TxId, LedgerError> {
        if let Some((first, outcome)) = self.transfers.get(key) {
            if first != transfer {
                return Err(LedgerError::KeyReused {
                    key: key.to_owned(),
                });
            }
            return outcome.clone();
        }
        let outcome = if transfer.amount <= 0 || transfer.from == transfer.to {
            Err(LedgerError::Degenerate)
        } else {
            self.post(&[
                Posting {
                    account: transfer.from.clone(),
                    amount: -transfer.amount,
                },
                Posting {
                    account: transfer.to.clone(),
                    amount: transfer.amount,
                },
            ])
        };
        self.transfers
            .insert(key.to_owned(), (transfer.clone(), outcome.clone()));
        outcome
    }
    // ANCHOR_END: solution
    // ANCHOR_END: transfer

    /// The current balance of `account` (0 if unknown).
    #[must_use]
    pub fn balance(&self, account: &str) -> i64 {
        self.accounts.get(account).map_or(0, |(_, b)| *b)
    }

    /// The balance recomputed from the journal: the sum of the postings.
    #[must_use]
    pub fn balance_from_journal(&self, account: &str) -> i64 {
        self.journal
            .iter()
            .flat_map(|(_, postings)| postings)
            .filter(|p| p.account == account)
            .map(|p| p.amount)
            .sum()
    }

    /// The sum of all balances; zero in a correct ledger.
    #[must_use]
    pub fn total(&self) -> i64 {
        self.accounts.values().map(|(_, b)| b).sum()
    }

    /// The posted transactions, oldest first.
    #[must_use]
    pub fn journal(&self) -> &[(TxId, Vec<Posting>)] {
        &self.journal
    }

    /// The audit chain of every posted transaction.
    #[must_use]
    pub fn audit(&self) -> &AuditLog {
        &self.audit
    }

    /// Verifies the audit chain.
    pub fn verify_audit(&self) -> Result<(), ChainError> {
        audit_chain::verify(self.audit.entries(), None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn shop() -> Ledger {
        let mut l = Ledger::new();
        l.open("processor:clearing", Overdraft::Allowed);
        l.open("store:12:revenue", Overdraft::Allowed);
        l.open("fees", Overdraft::Allowed);
        for w in ["wallet:ana", "wallet:bo", "wallet:cy"] {
            l.open(w, Overdraft::Forbidden);
        }
        l
    }

    fn p(account: &str, amount: i64) -> Posting {
        Posting {
            account: account.into(),
            amount,
        }
    }

    #[test]
    fn unbalanced_and_degenerate_transactions_are_refused_whole() {
        let mut l = shop();
        assert_eq!(
            l.post(&[p("processor:clearing", -1000), p("wallet:ana", 999)]),
            Err(LedgerError::Unbalanced { sum: -1 })
        );
        assert_eq!(
            l.post(&[p("wallet:ana", 0), p("fees", 0)]),
            Err(LedgerError::Degenerate)
        );
        assert_eq!(l.post(&[p("fees", 5)]), Err(LedgerError::Degenerate));
        assert_eq!(
            l.post(&[p("fees", -5), p("wallet:zed", 5)]),
            Err(LedgerError::UnknownAccount("wallet:zed".into()))
        );
        assert_eq!(
            l.post(&[p("fees", i64::MAX), p("fees", 1), p("store:12:revenue", 1)]),
            Err(LedgerError::Unbalanced { sum: i64::MAX })
        );
        assert!(l.journal().is_empty());
        assert_eq!(l.audit().entries().len(), 0);
    }

    #[test]
    fn a_card_payment_with_a_fee_is_three_legs() {
        let mut l = shop();
        // 4.50 charged by card: the processor keeps 0.12, the store gets 4.38.
        l.post(&[
            p("processor:clearing", -450),
            p("fees", 12),
            p("store:12:revenue", 438),
        ])
        .unwrap();
        assert_eq!(l.balance("store:12:revenue"), 438);
        assert_eq!(l.total(), 0);
    }

    #[test]
    fn wallets_cannot_go_negative_and_a_refusal_is_replayed_too() {
        let mut l = shop();
        l.transfer("t1", &Transfer::new("processor:clearing", "wallet:bo", 300))
            .unwrap();
        let big = Transfer::new("wallet:bo", "store:12:revenue", 450);
        let refused = Err(LedgerError::InsufficientFunds {
            account: "wallet:bo".into(),
            balance: 300,
            needed: 450,
        });
        assert_eq!(l.transfer("t2", &big), refused);
        l.transfer("t3", &Transfer::new("processor:clearing", "wallet:bo", 500))
            .unwrap();
        // The same key still answers what it answered the first time.
        assert_eq!(l.transfer("t2", &big), refused);
        assert_eq!(l.transfer("t4", &big), Ok(2));
        assert_eq!(l.balance("wallet:bo"), 350);
    }

    #[test]
    fn the_audit_chain_records_every_posting_and_catches_an_edit() {
        let mut l = shop();
        l.transfer(
            "a",
            &Transfer::new("processor:clearing", "wallet:ana", 2000),
        )
        .unwrap();
        l.transfer("b", &Transfer::new("wallet:ana", "store:12:revenue", 450))
            .unwrap();
        assert_eq!(l.verify_audit(), Ok(()));
        assert_eq!(
            l.audit().entries()[1].payload,
            "tx 1: wallet:ana -450, store:12:revenue +450"
        );
        let mut entries = l.audit().entries().to_vec();
        entries[1].payload = "tx 1: wallet:ana -45, store:12:revenue +45".into();
        assert_eq!(
            audit_chain::verify(&entries, None),
            Err(ChainError::Edited { seq: 1 })
        );
    }

    #[derive(Debug, Clone)]
    struct Op {
        key: u8,
        from: usize,
        to: usize,
        amount: i64,
    }

    const ACCOUNTS: [&str; 5] = [
        "processor:clearing",
        "store:12:revenue",
        "wallet:ana",
        "wallet:bo",
        "wallet:cy",
    ];

    fn ops() -> impl Strategy<Value = Vec<Op>> {
        proptest::collection::vec(
            (0u8..20, 0usize..5, 0usize..5, -5i64..3000).prop_map(|(key, from, to, amount)| Op {
                key,
                from,
                to,
                amount,
            }),
            0..60,
        )
    }

    proptest! {
        /// After any sequence of transfers and retries: every posted
        /// transaction sums to zero, all balances sum to zero, each balance
        /// equals the sum of its postings, wallets are never negative, the
        /// audit chain verifies, and money moved once per key.
        #[test]
        fn ledger_invariants_hold(ops in ops()) {
            let mut l = shop();
            let mut first: HashMap<u8, (Transfer, Result<TxId, LedgerError>)> = HashMap::new();
            for op in ops {
                let t = Transfer::new(ACCOUNTS[op.from], ACCOUNTS[op.to], op.amount);
                let key = format!("k{}", op.key);
                let outcome = l.transfer(&key, &t);
                match first.get(&op.key) {
                    None => { first.insert(op.key, (t, outcome)); }
                    Some((t0, o0)) if *t0 == t => prop_assert_eq!(&outcome, o0),
                    Some(_) => prop_assert_eq!(outcome, Err(LedgerError::KeyReused { key })),
                }
            }
            for (_, postings) in l.journal() {
                prop_assert_eq!(postings.iter().map(|p| p.amount).sum::<i64>(), 0);
            }
            prop_assert_eq!(l.total(), 0);
            for a in ACCOUNTS {
                prop_assert_eq!(l.balance(a), l.balance_from_journal(a));
                if a.starts_with("wallet:") {
                    prop_assert!(l.balance(a) >= 0);
                }
            }
            let successes = first.values().filter(|(_, o)| o.is_ok()).count();
            prop_assert_eq!(l.journal().len(), successes);
            prop_assert_eq!(l.verify_audit(), Ok(()));
        }
    }
}
