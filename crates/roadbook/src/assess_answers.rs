//! Reading an answers file: the JSON the assessment page exports,
//!
//! ```json
//! { "format": "roadbook-assessment", "version": 1,
//!   "answers": { "erlang-c-wait": 31.4, "saga-or-2pc": 1,
//!                "design-answer": { "requirements": 3 } } }
//! ```
//!
//! a number for a numeric question, an option index (from 0) for a single
//! choice, a list of them for a multiple choice, and a rating per dimension
//! for a rubric. Anything else the file carries (when it was exported, the
//! page's own result) is left alone. Every problem is a diagnostic at its
//! line and column: serde_json checks the syntax, then [`members`] finds
//! where each answer is written.

use std::collections::BTreeMap;
use std::ops::Range;

use roadmap::Diagnostic;
use serde_json::Value;

use crate::assess::{AnswerKey, Spec, closest, span_of};
use crate::assess_score::Answer;

/// The `format` an answers file says it is.
pub(crate) const FORMAT: &str = "roadbook-assessment";
/// The version of the answers format this roadbook reads.
pub(crate) const VERSION: u64 = 1;

/// Reads the answers in `text` (the file `file`) against `spec`: the
/// answers when there is no error, and every problem found.
pub(crate) fn read(
    text: &str,
    file: &str,
    spec: &Spec,
) -> (Option<BTreeMap<String, Answer>>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let error = |found: &mut Vec<Diagnostic>, range: Range<usize>, message: String, help: &str| {
        let mut d = Diagnostic::error("assessment-answers", file, span_of(text, range), message);
        if !help.is_empty() {
            d = d.with_help(help);
        }
        found.push(d);
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            let at = offset_of(text, err.line(), err.column());
            error(
                &mut found,
                at..at,
                format!("invalid answers file: {err}"),
                "an answers file is JSON, as the assessment page's export writes it",
            );
            return (None, found);
        }
    };
    let start = skip_whitespace(text.as_bytes(), 0);
    let Value::Object(top) = &value else {
        error(
            &mut found,
            start..text.len(),
            "an answers file is a JSON object".into(),
            "{ \"format\": \"roadbook-assessment\", \"version\": 1, \"answers\": { … } }",
        );
        return (None, found);
    };
    let top_members = members(text, start);
    let place = |key: &str| {
        top_members
            .iter()
            .find(|m| m.key == key)
            .map_or(start..start + 1, |m| m.value.clone())
    };
    match top.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(_) => error(
            &mut found,
            place("format"),
            format!(
                "this is not a roadbook assessment answers file (`format` is not \"{FORMAT}\")"
            ),
            "",
        ),
        None => {}
    }
    if let Some(version) = top.get("version")
        && version.as_u64() != Some(VERSION)
    {
        error(
            &mut found,
            place("version"),
            format!("answers format version {version} is not the {VERSION} this roadbook reads"),
            "",
        );
    }
    let Some(answers) = top.get("answers") else {
        error(
            &mut found,
            start..start + 1,
            "the answers file has no `answers` object".into(),
            "put the answers under \"answers\", keyed by question ID",
        );
        return (None, found);
    };
    let Value::Object(answers) = answers else {
        error(
            &mut found,
            place("answers"),
            "`answers` is an object keyed by question ID".into(),
            "",
        );
        return (None, found);
    };
    let answer_members = members(text, place("answers").start);
    let ids: Vec<&str> = spec.questions.iter().map(|q| q.id.as_str()).collect();
    let mut read = BTreeMap::new();
    for (key, given) in answers {
        let member = answer_members.iter().rev().find(|m| &m.key == key);
        let (key_span, value_span) =
            member.map_or((0..0, 0..0), |m| (m.key_span.clone(), m.value.clone()));
        let Some(question) = spec.questions.iter().find(|q| &q.id == key) else {
            let help = match closest(key, &ids) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "the spec's questions are listed on the assessment page".to_owned(),
            };
            error(
                &mut found,
                key_span,
                format!("the assessment has no question `{key}`"),
                &help,
            );
            continue;
        };
        if given.is_null() {
            continue; // left unanswered
        }
        match interpret(&question.answer, given) {
            Ok(answer) => {
                read.insert(key.clone(), answer);
            }
            Err(Wrong { message, help, at }) => {
                let span = match at {
                    Some(dimension) => members(text, value_span.start)
                        .into_iter()
                        .find(|m| m.key == dimension)
                        .map_or(value_span.clone(), |m| m.value),
                    None => value_span.clone(),
                };
                error(
                    &mut found,
                    span,
                    format!("question `{key}`: {message}"),
                    &help,
                );
            }
        }
    }
    found.sort_by_key(|d| d.span.start);
    if found.iter().any(Diagnostic::is_error) {
        (None, found)
    } else {
        (Some(read), found)
    }
}

/// Why an answer does not fit its question.
struct Wrong {
    message: String,
    help: String,
    /// The rubric dimension the problem is in, if any.
    at: Option<String>,
}

fn wrong(message: impl Into<String>, help: impl Into<String>) -> Wrong {
    Wrong {
        message: message.into(),
        help: help.into(),
        at: None,
    }
}

/// `given` as an answer to a question with `key`.
fn interpret(key: &AnswerKey, given: &Value) -> Result<Answer, Wrong> {
    let index = |v: &Value, options: &[String]| {
        v.as_u64()
            .filter(|&i| (i as usize) < options.len())
            .map(|i| i as u32)
    };
    match key {
        AnswerKey::Numeric { unit, .. } => given
            .as_f64()
            .filter(|n| n.is_finite())
            .map(Answer::Number)
            .ok_or_else(|| {
                wrong(
                    format!("the answer is a number{}", in_unit(unit)),
                    "write it without quotes, e.g. 12.5",
                )
            }),
        AnswerKey::Single { options, .. } => {
            index(given, options).map(Answer::Choice).ok_or_else(|| {
                wrong(
                    "the answer is the index of one option",
                    format!("options are numbered from 0: 0 to {}", options.len() - 1),
                )
            })
        }
        AnswerKey::Multiple { options, .. } => given
            .as_array()
            .and_then(|picked| {
                picked
                    .iter()
                    .map(|v| index(v, options))
                    .collect::<Option<Vec<u32>>>()
            })
            .map(Answer::Choices)
            .ok_or_else(|| {
                wrong(
                    "the answer is a list of option indexes",
                    format!("options are numbered from 0: 0 to {}", options.len() - 1),
                )
            }),
        AnswerKey::Rubric { scale, dimensions } => {
            let Some(ratings) = given.as_object() else {
                return Err(wrong(
                    "the answer is a rating per dimension",
                    format!(
                        "{{ {} }}",
                        dimensions
                            .iter()
                            .map(|d| format!("\"{}\": 1 to {scale}", d.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            };
            let mut read = BTreeMap::new();
            for (dimension, rating) in ratings {
                if !dimensions.iter().any(|d| &d.id == dimension) {
                    let names: Vec<&str> = dimensions.iter().map(|d| d.id.as_str()).collect();
                    return Err(Wrong {
                        message: format!("the rubric has no dimension `{dimension}`"),
                        help: match closest(dimension, &names) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => format!("its dimensions are {}", names.join(", ")),
                        },
                        at: Some(dimension.clone()),
                    });
                }
                if rating.is_null() {
                    continue;
                }
                match rating
                    .as_u64()
                    .filter(|r| (1..=u64::from(*scale)).contains(r))
                {
                    Some(r) => {
                        read.insert(dimension.clone(), r as u32);
                    }
                    None => {
                        return Err(Wrong {
                            message: format!("`{dimension}` is rated {rating}"),
                            help: format!("a rating is a whole number from 1 to {scale}"),
                            at: Some(dimension.clone()),
                        });
                    }
                }
            }
            Ok(Answer::Ratings(read))
        }
    }
}

fn in_unit(unit: &str) -> String {
    if unit.is_empty() {
        String::new()
    } else {
        format!(" (in {unit})")
    }
}

/// The byte offset of 1-based `line` and `column` (serde_json's position).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// One `"key": value` of a JSON object, by byte ranges of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Member {
    /// The key, unescaped.
    pub(crate) key: String,
    /// Where the key is written, quotes included.
    pub(crate) key_span: Range<usize>,
    /// Where the value is written.
    pub(crate) value: Range<usize>,
}

/// The members of the JSON object that starts at byte `start` of `text`
/// (valid JSON, as serde_json has checked): where each key and value is.
/// Nothing when no object starts there.
pub(crate) fn members(text: &str, start: usize) -> Vec<Member> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    if bytes.get(start) != Some(&b'{') {
        return out;
    }
    let mut i = skip_whitespace(bytes, start + 1);
    while i < bytes.len() && bytes[i] == b'"' {
        let key_end = skip_value(bytes, i);
        let key = serde_json::from_str::<String>(&text[i..key_end]).unwrap_or_default();
        let colon = skip_whitespace(bytes, key_end);
        let value_start = skip_whitespace(bytes, colon + 1);
        let value_end = skip_value(bytes, value_start);
        out.push(Member {
            key,
            key_span: i..key_end,
            value: value_start..value_end,
        });
        i = skip_whitespace(bytes, value_end);
        if bytes.get(i) == Some(&b',') {
            i = skip_whitespace(bytes, i + 1);
        }
    }
    out
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The end of the JSON value starting at `i`.
fn skip_value(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i) {
        Some(b'"') => {
            let mut j = i + 1;
            while j < bytes.len() {
                match bytes[j] {
                    b'\\' => j += 2,
                    b'"' => return j + 1,
                    _ => j += 1,
                }
            }
            bytes.len()
        }
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < bytes.len() {
                match bytes[j] {
                    b'"' => {
                        j = skip_value(bytes, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            bytes.len()
        }
        Some(_) => {
            let mut j = i;
            while j < bytes.len()
                && !matches!(bytes[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
            {
                j += 1;
            }
            j
        }
        None => i,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_found_where_they_are_written() {
        let text = r#" { "a" : [1, {"x": "]}"}], "b\"q": {"c": 2} ,"d":null}"#;
        let found = members(text, 1);
        let keys: Vec<&str> = found.iter().map(|m| m.key.as_str()).collect();
        assert_eq!(keys, ["a", "b\"q", "d"]);
        assert_eq!(&text[found[0].value.clone()], r#"[1, {"x": "]}"}]"#);
        assert_eq!(&text[found[1].value.clone()], r#"{"c": 2}"#);
        assert_eq!(&text[found[1].key_span.clone()], r#""b\"q""#);
        assert_eq!(&text[found[2].value.clone()], "null");
        let inner = members(text, found[1].value.start);
        assert_eq!(&text[inner[0].value.clone()], "2");
        assert!(members(text, 0).is_empty(), "no object starts at a space");
    }

    /// Whatever JSON object serde_json writes (compact or pretty), each
    /// member's value range parses back to that member's value: over many
    /// seeded random objects with strings full of quotes, brackets and
    /// backslashes.
    #[test]
    fn member_ranges_hold_their_values() {
        for seed in 1..=500u64 {
            let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let Value::Object(object) = random_object(&mut rng, 0) else {
                unreachable!()
            };
            for pretty in [false, true] {
                let value = Value::Object(object.clone());
                let text = if pretty {
                    serde_json::to_string_pretty(&value).unwrap()
                } else {
                    serde_json::to_string(&value).unwrap()
                };
                let found = members(&text, 0);
                assert_eq!(found.len(), object.len(), "seed {seed}: {text}");
                for member in found {
                    let parsed: Value = serde_json::from_str(&text[member.value.clone()]).unwrap();
                    assert_eq!(
                        Some(&parsed),
                        object.get(&member.key),
                        "seed {seed}: {text}"
                    );
                }
            }
        }
    }

    /// xorshift64: the next pseudo-random number.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn random_text(rng: &mut u64) -> String {
        const CHARS: &[char] = &[
            'a', 'z', '"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\n', 'é',
        ];
        let len = next(rng) % 7;
        (0..len)
            .map(|_| CHARS[(next(rng) % CHARS.len() as u64) as usize])
            .collect()
    }

    fn random_value(rng: &mut u64, depth: u32) -> Value {
        match next(rng) % if depth >= 3 { 4 } else { 6 } {
            0 => Value::Null,
            1 => Value::Bool(next(rng).is_multiple_of(2)),
            2 => Value::from((next(rng) % 2001) as i64 - 1000),
            3 => Value::String(random_text(rng)),
            4 => Value::Array(
                (0..next(rng) % 4)
                    .map(|_| random_value(rng, depth + 1))
                    .collect(),
            ),
            _ => random_object(rng, depth + 1),
        }
    }

    fn random_object(rng: &mut u64, depth: u32) -> Value {
        let mut map = serde_json::Map::new();
        for _ in 0..next(rng) % 6 {
            map.insert(random_text(rng), random_value(rng, depth));
        }
        Value::Object(map)
    }
}
