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
//! [`shape`] lexes SQL into its tokens with every literal replaced by `?`,
//! which is how the tests tell "same statement, other data" from "a
//! different statement".
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
// ANCHOR_END: parameterised

/// The token structure of a SQL statement: keywords and identifiers
/// uppercased, punctuation kept, every string or number literal replaced by
/// `?`, comments marked `--`. An unterminated string is `'…`.
#[must_use]
pub fn shape(sql: &str) -> Vec<String> {
    let chars: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            // A string literal; '' inside is an escaped quote.
            i += 1;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('\''), Some('\'')) => i += 2,
                    (Some('\''), _) => {
                        i += 1;
                        tokens.push("?".to_owned());
                        break;
                    }
                    (Some(_), _) => i += 1,
                    (None, _) => {
                        tokens.push("'…".to_owned());
                        break;
                    }
                }
            }
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            tokens.push("--".to_owned());
            break; // the rest of the line is a comment
        } else if c.is_ascii_digit() {
            while chars.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            tokens.push("?".to_owned());
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect::<String>().to_uppercase());
        } else {
            tokens.push(c.to_string());
            i += 1;
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn classic_payloads_change_the_statement_when_pasted() {
        let honest = shape(&injectable_lookup("ana"));
        assert_eq!(
            honest,
            [
                "SELECT", "ID", ",", "TOTAL", "FROM", "ORDERS", "WHERE", "CUSTOMER", "=", "?"
            ]
        );
        let tautology = shape(&injectable_lookup("x' OR '1'='1"));
        assert!(tautology.contains(&"OR".to_owned()), "{tautology:?}");
        let stacked = shape(&injectable_lookup("x'; DROP TABLE orders; --"));
        assert!(stacked.contains(&"DROP".to_owned()), "{stacked:?}");
        assert_eq!(stacked.last().map(String::as_str), Some("--"));
        let union = shape(&injectable_lookup("x' UNION SELECT pan, cvv FROM cards --"));
        assert!(union.contains(&"UNION".to_owned()) && union.contains(&"CARDS".to_owned()));
        // A name with an apostrophe is not an attack, yet breaks the pasted query.
        assert_eq!(
            shape(&injectable_lookup("O'Brien"))
                .last()
                .map(String::as_str),
            Some("'…")
        );
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

        /// Pasting is safe only for values without a quote: any name with
        /// an odd number of quotes breaks the statement's shape.
        #[test]
        fn pasting_a_quote_always_changes_the_shape(
            before in "[a-z ]{0,8}",
            after in "[a-zA-Z0-9=' -]{0,12}",
        ) {
            let honest = shape(&injectable_lookup("ana"));
            let name = format!("{before}'{after}");
            if name.matches('\'').count() % 2 == 1 {
                prop_assert_ne!(&shape(&injectable_lookup(&name)), &honest);
            }
            prop_assert_eq!(shape(&injectable_lookup(&before)), honest);
        }
    }
}
