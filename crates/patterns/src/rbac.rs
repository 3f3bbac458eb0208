//! Role-based access control for Go Coffee's staff and payment operations.
//!
//! Permissions are granted to **roles**, roles to **people**, and a check
//! asks one question: may this subject do this action on this resource? The
//! policy here has the four properties an interviewer asks about:
//!
//! - **Deny by default**: no role, an unknown role, or a permission nobody
//!   granted all mean no.
//! - **Inheritance**: a shift lead is a cashier plus more; roles inherit
//!   other roles' permissions (cycles in the hierarchy are harmless).
//! - **Scope**: a cashier's grant holds for their own store; only roles
//!   marked global (regional staff, finance) act across stores.
//! - **Step-up and separation of duties**: refunds need a session that passed
//!   a second factor ([`crate::totp`]) recently, and nobody approves a refund
//!   they requested.
//!
//! ```
//! use coffee_patterns::rbac::{Denied, Permission, Policy, Subject};
//!
//! let policy = Policy::go_coffee();
//! let cashier = Subject::new("ana", ["cashier"]).at_store(12);
//!
//! assert!(policy.check(&cashier, Permission::TakePayment, 12).is_ok());
//! assert_eq!(
//!     policy.check(&cashier, Permission::TakePayment, 7),
//!     Err(Denied::OutOfScope { store: 7 })
//! );
//! assert_eq!(
//!     policy.check(&cashier, Permission::IssueRefund, 12),
//!     Err(Denied::NotGranted(Permission::IssueRefund))
//! );
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// An action that needs permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// Take a card or cash payment at the counter.
    TakePayment,
    /// Void an unpaid order.
    VoidOrder,
    /// Refund a captured payment (needs a recent second factor).
    IssueRefund,
    /// Approve a refund someone else issued above the approval limit.
    ApproveRefund,
    /// Read a store's sales report.
    ViewSalesReport,
    /// Add or remove staff accounts.
    ManageStaff,
}

impl Permission {
    /// Whether a check needs a session that passed a second factor.
    #[must_use]
    pub fn needs_second_factor(self) -> bool {
        matches!(
            self,
            Self::IssueRefund | Self::ApproveRefund | Self::ManageStaff
        )
    }
}

/// Someone acting: a staff member's session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Who (the `sub` of their token).
    pub id: String,
    /// The roles granted to them.
    pub roles: Vec<String>,
    /// The store their grants are scoped to, if any.
    pub store: Option<u32>,
    /// Whether this session passed a second factor recently.
    pub second_factor: bool,
}

impl Subject {
    /// A subject with roles, no store and no second factor.
    pub fn new<const N: usize>(id: &str, roles: [&str; N]) -> Self {
        Self {
            id: id.to_owned(),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            store: None,
            second_factor: false,
        }
    }

    /// The same subject working at `store`.
    #[must_use]
    pub fn at_store(self, store: u32) -> Self {
        Self {
            store: Some(store),
            ..self
        }
    }

    /// The same subject after a successful second factor.
    #[must_use]
    pub fn with_second_factor(self) -> Self {
        Self {
            second_factor: true,
            ..self
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    /// None of the subject's roles grants the permission.
    NotGranted(Permission),
    /// Granted, but for another store.
    OutOfScope {
        /// The store the action was on.
        store: u32,
    },
    /// Granted, but the session has not passed a second factor.
    SecondFactorRequired,
    /// The approver is the requester.
    SameApprover,
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotGranted(p) => write!(f, "no role grants {p:?}"),
            Self::OutOfScope { store } => write!(f, "not granted for store {store}"),
            Self::SecondFactorRequired => f.write_str("a second factor is required"),
            Self::SameApprover => f.write_str("a refund cannot be approved by its requester"),
        }
    }
}

impl std::error::Error for Denied {}

#[derive(Debug, Clone, Default)]
struct Role {
    permissions: BTreeSet<Permission>,
    inherits: Vec<String>,
    global: bool,
}

/// Roles and what they grant.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    roles: BTreeMap<String, Role>,
}

impl Policy {
    /// A policy with no roles: everything is denied.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or extends) a store-scoped role.
    #[must_use]
    pub fn role(mut self, name: &str, permissions: &[Permission], inherits: &[&str]) -> Self {
        let role = self.roles.entry(name.to_owned()).or_default();
        role.permissions.extend(permissions);
        role.inherits
            .extend(inherits.iter().map(|s| (*s).to_owned()));
        self
    }

    /// Marks a role as acting across all stores.
    #[must_use]
    pub fn global(mut self, name: &str) -> Self {
        self.roles.entry(name.to_owned()).or_default().global = true;
        self
    }

    /// Go Coffee's roles: cashier < shift lead < store manager, and the
    /// global regional manager and finance roles.
    #[must_use]
    pub fn go_coffee() -> Self {
        use Permission::*;
        Self::new()
            .role("cashier", &[TakePayment, VoidOrder], &[])
            .role("shift-lead", &[IssueRefund], &["cashier"])
            .role(
                "store-manager",
                &[ApproveRefund, ViewSalesReport, ManageStaff],
                &["shift-lead"],
            )
            .role("regional-manager", &[ViewSalesReport, ApproveRefund], &[])
            .global("regional-manager")
            .role("finance", &[ViewSalesReport], &[])
            .global("finance")
    }

    // ANCHOR: check
    // ANCHOR: solution
    /// Whether `subject` may use `permission` on something at `store`.
    pub fn check(
        &self,
        subject: &Subject,
        permission: Permission,
        store: u32,
    ) -> Result<(), Denied> {
        let mut granted_elsewhere = false;
        for role in &subject.roles {
            let (permissions, global) = self.closure(role);
            if !permissions.contains(&permission) {
                continue;
            }
            if global || subject.store == Some(store) {
                if permission.needs_second_factor() && !subject.second_factor {
                    return Err(Denied::SecondFactorRequired);
                }
                return Ok(());
            }
            granted_elsewhere = true;
        }
        Err(if granted_elsewhere {
            Denied::OutOfScope { store }
        } else {
            Denied::NotGranted(permission)
        })
    }

    /// Approving a refund: the permission, and not one's own request.
    pub fn check_approval(
        &self,
        approver: &Subject,
        requester: &str,
        store: u32,
    ) -> Result<(), Denied> {
        self.check(approver, Permission::ApproveRefund, store)?;
        if approver.id == requester {
            return Err(Denied::SameApprover);
        }
        Ok(())
    }

    /// A role's permissions including everything it inherits, and whether
    /// any role on the way is global. Unknown roles grant nothing; a cycle
    /// is walked once.
    fn closure(&self, role: &str) -> (BTreeSet<Permission>, bool) {
        let (mut permissions, mut global) = (BTreeSet::new(), false);
        let mut seen = BTreeSet::new();
        let mut stack = vec![role];
        while let Some(name) = stack.pop() {
            if !seen.insert(name) {
                continue;
            }
            if let Some(role) = self.roles.get(name) {
                permissions.extend(&role.permissions);
                global |= role.global;
                stack.extend(role.inherits.iter().map(String::as_str));
            }
        }
        (permissions, global)
    }
    // ANCHOR_END: solution
    // ANCHOR_END: check
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;
    use proptest::prelude::*;

    const ALL: [Permission; 6] = [
        TakePayment,
        VoidOrder,
        IssueRefund,
        ApproveRefund,
        ViewSalesReport,
        ManageStaff,
    ];

    #[test]
    fn inheritance_gives_a_manager_everything_below() {
        let policy = Policy::go_coffee();
        let manager = Subject::new("mo", ["store-manager"])
            .at_store(3)
            .with_second_factor();
        for permission in ALL {
            assert_eq!(
                policy.check(&manager, permission, 3),
                Ok(()),
                "{permission:?}"
            );
        }
    }

    #[test]
    fn refunds_need_a_second_factor() {
        let policy = Policy::go_coffee();
        let lead = Subject::new("li", ["shift-lead"]).at_store(3);
        assert_eq!(
            policy.check(&lead, IssueRefund, 3),
            Err(Denied::SecondFactorRequired)
        );
        assert_eq!(
            policy.check(&lead.with_second_factor(), IssueRefund, 3),
            Ok(())
        );
    }

    #[test]
    fn global_roles_cross_stores_and_scoped_ones_do_not() {
        let policy = Policy::go_coffee();
        let finance = Subject::new("fi", ["finance"]);
        assert_eq!(policy.check(&finance, ViewSalesReport, 99), Ok(()));
        assert_eq!(
            policy.check(&finance, TakePayment, 99),
            Err(Denied::NotGranted(TakePayment))
        );
        let manager = Subject::new("mo", ["store-manager"]).at_store(3);
        assert_eq!(
            policy.check(&manager, ViewSalesReport, 4),
            Err(Denied::OutOfScope { store: 4 })
        );
    }

    #[test]
    fn nobody_approves_their_own_refund() {
        let policy = Policy::go_coffee();
        let manager = Subject::new("mo", ["store-manager"])
            .at_store(3)
            .with_second_factor();
        assert_eq!(
            policy.check_approval(&manager, "mo", 3),
            Err(Denied::SameApprover)
        );
        assert_eq!(policy.check_approval(&manager, "li", 3), Ok(()));
    }

    #[test]
    fn unknown_roles_and_cycles_grant_nothing_extra() {
        let policy = Policy::new().role("a", &[VoidOrder], &["b"]).role(
            "b",
            &[TakePayment],
            &["a", "ghost"],
        );
        let s = Subject::new("x", ["a"]).at_store(1);
        assert_eq!(policy.check(&s, TakePayment, 1), Ok(()));
        assert_eq!(
            policy.check(&s, ManageStaff, 1),
            Err(Denied::NotGranted(ManageStaff))
        );
        let ghost = Subject::new("y", ["ghost"]).at_store(1);
        assert_eq!(
            policy.check(&ghost, VoidOrder, 1),
            Err(Denied::NotGranted(VoidOrder))
        );
    }

    fn roles() -> impl Strategy<Value = Vec<String>> {
        let names = [
            "cashier",
            "shift-lead",
            "store-manager",
            "regional-manager",
            "finance",
            "intern",
        ];
        proptest::collection::vec(proptest::sample::select(names.to_vec()), 0..4)
            .prop_map(|v| v.into_iter().map(str::to_owned).collect())
    }

    proptest! {
        /// Adding a role never takes a permission away (monotonicity), and
        /// a subject without roles is refused everything.
        #[test]
        fn more_roles_never_mean_fewer_permissions(
            base in roles(),
            extra in roles(),
            store in 0u32..3,
            home in proptest::option::of(0u32..3),
            mfa in any::<bool>(),
        ) {
            let policy = Policy::go_coffee();
            let subject = Subject { id: "s".into(), roles: base.clone(), store: home, second_factor: mfa };
            let more = Subject { roles: [base, extra].concat(), ..subject.clone() };
            let nobody = Subject { roles: vec![], ..subject.clone() };
            for permission in ALL {
                if policy.check(&subject, permission, store).is_ok() {
                    prop_assert!(policy.check(&more, permission, store).is_ok());
                }
                prop_assert_eq!(
                    policy.check(&nobody, permission, store),
                    Err(Denied::NotGranted(permission))
                );
            }
        }
    }
}
