//! The query language a learner types: words, "quoted phrases", -exclusions
//! and prefix*. Parsing never fails: anything odd reads as plain words.

/// One part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word; `prefix` when it ended with `*`.
    Word {
        /// The word as typed (without `*` or `-`).
        text: String,
        /// Match words that start with it.
        prefix: bool,
    },
    /// Words that must appear in this order.
    Phrase(String),
}

/// A parsed query: what to look for and what to leave out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    /// Clauses a result should match (the more, the better).
    pub include: Vec<Clause>,
    /// Clauses a result must not match.
    pub exclude: Vec<Clause>,
}

impl ParsedQuery {
    /// Parses a query; unbalanced quotes and stray operators are read as
    /// plain text.
    pub fn parse(query: &str) -> ParsedQuery {
        let mut parsed = ParsedQuery::default();
        let chars: Vec<char> = query.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_whitespace() {
                i += 1;
                continue;
            }
            let mut negated = false;
            while i < chars.len() && matches!(chars[i], '-' | '+' | '!') {
                negated |= chars[i] != '+';
                i += 1;
            }
            if i >= chars.len() {
                break;
            }
            let closing = (chars[i] == '"')
                .then(|| chars[i + 1..].iter().position(|c| *c == '"'))
                .flatten();
            if chars[i] == '"' && closing.is_none() {
                // An unclosed quote: the rest is plain words.
                i += 1;
                continue;
            }
            let clause = if let Some(length) = closing {
                let start = i + 1;
                let end = start + length;
                i = end + 1;
                let text: String = chars[start..end].iter().collect();
                if text.trim().is_empty() {
                    continue;
                }
                Clause::Phrase(text.trim().to_string())
            } else {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
                    i += 1;
                }
                let raw: String = chars[start..i].iter().collect();
                let prefix = raw.ends_with('*');
                let text = raw.trim_end_matches('*').to_string();
                if text.is_empty() {
                    continue;
                }
                if !negated && matches!(text.as_str(), "AND" | "OR" | "&&" | "||") {
                    continue;
                }
                if !negated && text == "NOT" {
                    // `NOT x` reads as `-x`.
                    let rest: String = chars[i..].iter().collect();
                    let next = ParsedQuery::parse(rest.trim_start());
                    let mut next_include = next.include.into_iter();
                    parsed.exclude.extend(next_include.next());
                    parsed.include.extend(next_include);
                    parsed.exclude.extend(next.exclude);
                    return parsed;
                }
                Clause::Word { text, prefix }
            };
            if negated {
                parsed.exclude.push(clause);
            } else {
                parsed.include.push(clause);
            }
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Clause {
        Clause::Word {
            text: text.into(),
            prefix: false,
        }
    }

    #[track_caller]
    fn check(query: &str, include: Vec<Clause>, exclude: Vec<Clause>) {
        assert_eq!(ParsedQuery::parse(query), ParsedQuery { include, exclude });
    }

    #[test]
    fn words_phrases_exclusions_prefixes() {
        check(
            r#"circuit "half open" -retry idem*"#,
            vec![
                word("circuit"),
                Clause::Phrase("half open".into()),
                Clause::Word {
                    text: "idem".into(),
                    prefix: true,
                },
            ],
            vec![word("retry")],
        );
        check(
            r#"-"black friday" cache"#,
            vec![word("cache")],
            vec![Clause::Phrase("black friday".into())],
        );
        check(
            "redis NOT cluster failover",
            vec![word("redis"), word("failover")],
            vec![word("cluster")],
        );
        check(
            "saga AND compensation",
            vec![word("saga"), word("compensation")],
            vec![],
        );
    }

    #[test]
    fn an_unclosed_quote_after_a_phrase_is_plain() {
        check(
            r#"a "b c" "d"#,
            vec![word("a"), Clause::Phrase("b c".into()), word("d")],
            vec![],
        );
    }

    #[test]
    fn malformed_queries_read_as_plain_text() {
        check(
            r#""unclosed phrase"#,
            vec![word("unclosed"), word("phrase")],
            vec![],
        );
        check(r#"a "" - * -- "#, vec![word("a")], vec![]);
        check("title:(jwt", vec![word("title:(jwt")], vec![]);
        check("", vec![], vec![]);
    }
}
