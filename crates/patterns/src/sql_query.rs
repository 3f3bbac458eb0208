//! SQL injection and its cure, side by side: a query built by pasting user
//! input into SQL text, and the same query with the input bound as a
//! parameter.
//!
//! Injection happens when **data becomes code**: the order-history lookup
//! pastes a customer name between quotes, and a name containing a quote ends
//! the string early, so the rest of the "name" is parsed as SQL. The cure is
//! not escaping, and not a WAF rule (that is a second line, see
//! [`crate::waf`]); it is keeping data out of the SQL text entirely. A
//! parameterised query sends the text `... WHERE customer = $1` and the value
//! separately; the database parses the text before it ever sees the value, so
//! no value can change the statement's shape.
//!
//! Placeholders stand for *values* only. Column names and sort directions
//! cannot be bound, so [`OrderQuery`] takes them as enums: the user chooses
//! among names the code wrote.
//!
//! [`shape`] ([`crate::sql_shape`]) lexes SQL into its tokens with every
//! literal replaced by `?`, which is how the tests tell "same statement,
//! other data" from "a different statement".
//!
//! ```
//! use coffee_patterns::sql_query::{injectable_lookup, shape, OrderQuery};
//!
//! let attack = "x' OR '1'='1";
//! let pasted = injectable_lookup(attack);
//! assert_eq!(pasted, "SELECT id, total FROM orders WHERE customer = 'x' OR '1'='1'");
//! assert_ne!(shape(&pasted), shape(&injectable_lookup("ana"))); // a new statement
//!
//! let bound = OrderQuery::by_customer(attack).build();
//! assert_eq!(bound.sql, "SELECT id, total FROM orders WHERE customer = $1");
//! assert_eq!(bound.params, [attack]); // just a strange name
//! ```

pub use crate::sql_shape::shape;

/// The vulnerable lookup: the customer's name pasted into the SQL text.
#[must_use]
// ANCHOR: injectable
pub fn injectable_lookup(customer: &str) -> String {
    format!("SELECT id, total FROM orders WHERE customer = '{customer}'")
}
// ANCHOR_END: injectable

/// A statement and its bound values, as a driver sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// SQL text with `$1`, `$2`, … placeholders.
    pub sql: String,
    /// The values, in placeholder order.
    pub params: Vec<String>,
}

/// The columns a client may sort orders by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    /// `created_at`.
    CreatedAt,
    /// `total`.
    Total,
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// `ASC`.
    Ascending,
    /// `DESC`.
    Descending,
}

/// The order-history query, parameterised.
#[derive(Debug, Clone)]
pub struct OrderQuery {
    customer: String,
    store: Option<String>,
    sort: Option<(SortColumn, Direction)>,
}

// ANCHOR: parameterised
// ANCHOR: solution
impl OrderQuery {
    /// Orders of one customer.
    #[must_use]
    pub fn by_customer(customer: &str) -> Self {
        Self {
            customer: customer.to_owned(),
            store: None,
            sort: None,
        }
    }

    /// Only orders placed at `store` (a second bound value).
    #[must_use]
    pub fn at_store(self, store: &str) -> Self {
        Self {
            store: Some(store.to_owned()),
            ..self
        }
    }

    /// Sorted by a column the code names, never by client text.
    #[must_use]
    pub fn sorted(self, column: SortColumn, direction: Direction) -> Self {
        Self {
            sort: Some((column, direction)),
            ..self
        }
    }

    /// The SQL text and its values. The text depends only on which options
    /// were chosen, never on the values.
    #[must_use]
    pub fn build(&self) -> Query {
        let mut sql = String::from("SELECT id, total FROM orders WHERE customer = $1");
        let mut params = vec![self.customer.clone()];
        if let Some(store) = &self.store {
            params.push(store.clone());
            sql.push_str(&format!(" AND store = ${}", params.len()));
        }
        if let Some((column, direction)) = self.sort {
            sql.push_str(match column {
                SortColumn::CreatedAt => " ORDER BY created_at",
                SortColumn::Total => " ORDER BY total",
            });
            sql.push_str(match direction {
                Direction::Ascending => " ASC",
                Direction::Descending => " DESC",
            });
        }
        Query { sql, params }
    }
}
// ANCHOR_END: solution
// ANCHOR_END: parameterised

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The classic payloads, bound: the statement is the honest one, and
    /// each payload is nothing but a strange name.
    #[test]
    fn classic_payloads_stay_values_when_bound() {
        let honest = OrderQuery::by_customer("ana").build().sql;
        for payload in [
            "x' OR '1'='1",
            "x'; DROP TABLE orders; --",
            "x' UNION SELECT pan, cvv FROM cards --",
            "O'Brien",
        ] {
            let bound = OrderQuery::by_customer(payload).build();
            assert_eq!(bound.sql, honest, "{payload}");
            assert_eq!(bound.params, [payload]);
        }
    }

    #[test]
    fn options_choose_among_texts_the_code_wrote() {
        let q = OrderQuery::by_customer("ana")
            .at_store("store-12")
            .sorted(SortColumn::Total, Direction::Descending)
            .build();
        assert_eq!(
            q.sql,
            "SELECT id, total FROM orders WHERE customer = $1 AND store = $2 ORDER BY total DESC"
        );
        assert_eq!(q.params, ["ana", "store-12"]);
        let q = OrderQuery::by_customer("bo")
            .sorted(SortColumn::CreatedAt, Direction::Ascending)
            .build();
        assert_eq!(
            q.sql,
            "SELECT id, total FROM orders WHERE customer = $1 ORDER BY created_at ASC"
        );
        assert_eq!(q.params, ["bo"]);
    }

    proptest! {
        /// Whatever the values, the parameterised text is the same and the
        /// values come back untouched: data never becomes code.
        #[test]
        fn bound_values_never_change_the_statement(
            customer in any::<String>(),
            store in any::<String>(),
        ) {
            let q = OrderQuery::by_customer(&customer).at_store(&store).build();
            let reference = OrderQuery::by_customer("a").at_store("b").build();
            prop_assert_eq!(&q.sql, &reference.sql);
            prop_assert_eq!(q.params, vec![customer, store]);
        }
    }
}
