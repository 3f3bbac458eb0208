//! The scored rules of the Go Coffee security gateway, in the style of the
//! OWASP Core Rule Set's anomaly scoring: each rule looks at the decoded,
//! lowercased inputs of a request (or its `User-Agent`) and, when it
//! matches, adds its severity to the request's score. The gateway (`waf`)
//! blocks at a threshold, so a critical rule blocks alone and weak signals
//! block only together.
//!
//! Pattern rules are a second line: each has evasions it misses (`||` for
//! `OR`, a comment inside `UNION/**/SELECT`), which is why injection is
//! stopped by parameterised queries first. Their numbers follow the CRS's
//! (930 path traversal, 941 XSS, 942 SQL injection, 920 protocol, 913
//! scanners).
//!
//! ```
//! use coffee_patterns::waf_rules::{default_rules, Severity, Target};
//!
//! let rules = default_rules();
//! let tautology = rules.iter().find(|r| r.id == 942100).unwrap();
//! assert_eq!((tautology.severity, tautology.target), (Severity::Critical, Target::Input));
//! assert!((tautology.matches)("x' or '1'='1"));
//! assert!(!(tautology.matches)("o'brien or sons"));
//! ```

/// How much a matching rule adds to the anomaly score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// 5: enough to block alone.
    Critical = 5,
    /// 4.
    Error = 4,
    /// 3.
    Warning = 3,
    /// 2.
    Notice = 2,
}

/// What a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Each decoded query value and the body, lowercased.
    Input,
    /// The `User-Agent` header, lowercased (`""` if absent).
    UserAgent,
}

/// One scored rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Its number (CRS-style).
    pub id: u32,
    /// What it detects.
    pub description: &'static str,
    /// Its score.
    pub severity: Severity,
    /// Where it looks.
    pub target: Target,
    /// Whether the (lowercased, decoded) text matches.
    pub matches: fn(&str) -> bool,
}

// ANCHOR: rules
/// Whether `word` occurs in `text` as a whole word.
fn has_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric()) && !after.is_some_and(|c| c.is_alphanumeric())
    })
}

/// A quote, then `or`/`and`, then a comparison: `' or '1'='1`, `' and 1=1`.
fn sql_tautology(s: &str) -> bool {
    s.match_indices('\'').any(|(i, _)| {
        let rest = s[i + 1..].trim_start();
        ["or ", "and "].iter().any(|op| {
            rest.strip_prefix(op).is_some_and(|tail| {
                tail.contains('=')
                    || tail.contains('<')
                    || tail.contains('>')
                    || has_word(tail, "like")
            })
        })
    })
}

/// The rules the gateway scores with.
#[must_use]
pub fn default_rules() -> Vec<Rule> {
    use Severity::{Critical, Notice, Warning};
    vec![
        Rule {
            id: 930100,
            description: "path traversal in a parameter",
            severity: Critical,
            target: Target::Input,
            matches: |s| s.contains("../") || s.contains("..\\"),
        },
        Rule {
            id: 941100,
            description: "script injection (XSS)",
            severity: Critical,
            target: Target::Input,
            matches: |s| {
                s.contains("<script")
                    || s.contains("javascript:")
                    || s.contains("onerror=")
                    || s.contains("onload=")
            },
        },
        Rule {
            id: 942100,
            description: "SQL tautology after a quote",
            severity: Critical,
            target: Target::Input,
            matches: sql_tautology,
        },
        Rule {
            id: 942190,
            description: "UNION SELECT",
            severity: Critical,
            target: Target::Input,
            matches: |s| {
                s.match_indices("union")
                    .any(|(i, _)| s[i + 5..].trim_start().starts_with("select"))
            },
        },
        Rule {
            id: 942440,
            description: "SQL comment or statement end after a quote",
            severity: Critical,
            target: Target::Input,
            matches: |s| {
                ["'--", "' --", "';", "'/*", "'#"]
                    .iter()
                    .any(|p| s.contains(p))
            },
        },
        Rule {
            id: 920270,
            description: "control character in a parameter",
            severity: Critical,
            target: Target::Input,
            matches: |s| {
                s.chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
            },
        },
        Rule {
            id: 942300,
            description: "SQL keywords SELECT … FROM",
            severity: Warning,
            target: Target::Input,
            matches: |s| {
                s.find("select").is_some_and(|i| has_word(&s[i..], "from")) && has_word(s, "select")
            },
        },
        Rule {
            id: 913100,
            description: "scanner user agent",
            severity: Warning,
            target: Target::UserAgent,
            matches: |ua| {
                ["sqlmap", "nikto", "nmap", "masscan", "dirbuster"]
                    .iter()
                    .any(|t| ua.contains(t))
            },
        },
        Rule {
            id: 920320,
            description: "missing User-Agent",
            severity: Notice,
            target: Target::UserAgent,
            matches: str::is_empty,
        },
    ]
}
// ANCHOR_END: rules

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_helpers_respect_word_boundaries() {
        assert!(has_word("select x from y", "from"));
        assert!(!has_word("fromage blanc", "from"));
        assert!(sql_tautology("x' or '1'='1"));
        assert!(sql_tautology("x' and 1=1"));
        assert!(!sql_tautology("o'brien or sons"));
        assert!(!sql_tautology("rock 'n' roll and jazz"));
    }

    #[test]
    fn each_rule_matches_its_attack_and_not_an_ordinary_order() {
        let examples = [
            (930100, "../../etc/passwd"),
            (941100, "<script>alert(1)</script>"),
            (942100, "x' or '1'='1"),
            (942190, "x' union  select pan from cards"),
            (942440, "x'; drop table orders"),
            (920270, "a\u{0}b"),
            (942300, "select dark roast from kenya"),
            (913100, "sqlmap/1.7"),
            (920320, ""),
        ];
        let rules = default_rules();
        assert_eq!(rules.len(), examples.len());
        for (rule, (id, attack)) in rules.iter().zip(examples) {
            assert_eq!(rule.id, id, "{}", rule.description);
            assert!((rule.matches)(attack), "{id} misses {attack:?}");
            let ordinary = match rule.target {
                Target::Input => "flat white, oat milk, name: o'brien",
                Target::UserAgent => "gocoffee-ios/5.2.1",
            };
            assert!(!(rule.matches)(ordinary), "{id} matches {ordinary:?}");
        }
    }
}
