//! The token structure of a SQL statement, which is how Go Coffee's tests
//! tell "the same statement with other data" from "a different statement".
//!
//! [`shape`] lexes SQL the way a database's parser sees its outline:
//! keywords and identifiers uppercased, punctuation kept, every string or
//! number literal replaced by `?`, a `--` comment marked and the rest of the
//! line dropped. Two statements with the same shape differ only in their
//! literals; a pasted value that changes the shape has become code.
//!
//! ```
//! use coffee_patterns::sql_shape::shape;
//!
//! let honest = shape("SELECT id FROM orders WHERE customer = 'ana'");
//! assert_eq!(honest, ["SELECT", "ID", "FROM", "ORDERS", "WHERE", "CUSTOMER", "=", "?"]);
//! assert_eq!(shape("select id from orders where customer = 'bo'"), honest);
//! assert_ne!(shape("SELECT id FROM orders WHERE customer = 'x' OR '1'='1'"), honest);
//! ```

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
    use crate::sql_query::injectable_lookup;
    use proptest::prelude::*;

    #[test]
    fn literals_comments_and_placeholders_keep_their_place() {
        assert_eq!(
            shape("SELECT id, total FROM orders WHERE customer = $1 AND total > 4.50"),
            [
                "SELECT", "ID", ",", "TOTAL", "FROM", "ORDERS", "WHERE", "CUSTOMER", "=", "$1",
                "AND", "TOTAL", ">", "?", ".", "?"
            ]
        );
        // '' inside a string is an escaped quote, not its end.
        assert_eq!(
            shape("WHERE name = 'O''Brien'"),
            ["WHERE", "NAME", "=", "?"]
        );
        assert_eq!(
            shape("WHERE name = 'O'Brien'"),
            ["WHERE", "NAME", "=", "?", "BRIEN", "'…"]
        );
        assert_eq!(
            shape("DROP TABLE orders; -- 'x'"),
            ["DROP", "TABLE", "ORDERS", ";", "--"]
        );
        assert_eq!(shape("  "), Vec::<String>::new());
    }

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

    proptest! {
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
