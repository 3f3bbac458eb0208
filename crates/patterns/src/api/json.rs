//! A minimal JSON writer: enough to emit API bodies and problem details
//! without a serialisation framework.

use std::fmt::{self, Write as _};

/// A JSON value. Objects keep their members in the order they were added,
/// so output is deterministic and reads in a sensible order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: members in insertion order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// A string value.
    #[must_use]
    pub fn str(s: impl Into<String>) -> Self {
        Self::Str(s.into())
    }

    /// An empty object, to fill with [`Json::with`].
    #[must_use]
    pub fn object() -> Self {
        Self::Object(Vec::new())
    }

    /// This object with one more member.
    ///
    /// # Panics
    ///
    /// Panics if `self` is not an object.
    #[must_use]
    pub fn with(mut self, key: &str, value: Json) -> Self {
        match &mut self {
            Self::Object(members) => members.push((key.to_string(), value)),
            _ => panic!("`with` is for objects"),
        }
        self
    }
}

impl fmt::Display for Json {
    // ANCHOR: solution
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(n) => write!(f, "{n}"),
            Self::Str(s) => write_string(f, s),
            Self::Array(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Self::Object(members) => {
                f.write_char('{')?;
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_char(',')?;
                    }
                    write_string(f, key)?;
                    write!(f, ":{value}")?;
                }
                f.write_char('}')
            }
        }
    }
    // ANCHOR_END: solution
}

// ANCHOR: solution
/// Writes `s` as a JSON string (RFC 8259 section 7): quotes, backslashes
/// and control characters escaped, everything else as is.
fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if u32::from(c) < 0x20 => write!(f, "\\u{:04x}", u32::from(c))?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('"')
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn writes_compact_json() {
        let value = Json::object()
            .with("name", Json::str("Flat \"white\"\n"))
            .with(
                "tags",
                Json::Array(vec![Json::Int(-1), Json::Bool(true), Json::Null]),
            );
        assert_eq!(
            value.to_string(),
            r#"{"name":"Flat \"white\"\n","tags":[-1,true,null]}"#
        );
        assert_eq!(Json::str("\u{1}").to_string(), r#""\u0001""#);
    }

    proptest! {
        /// serde_json reads back every string we write, unchanged.
        #[test]
        fn serde_json_parses_our_strings(s in any::<String>()) {
            let parsed: String = serde_json::from_str(&Json::str(s.clone()).to_string()).unwrap();
            prop_assert_eq!(parsed, s);
        }

        /// And every object, member for member.
        #[test]
        fn serde_json_parses_our_objects(members in proptest::collection::vec(("[a-z\"\\\\]{1,6}", any::<i64>()), 0..6)) {
            let mut object = Json::object();
            let mut expected = serde_json::Map::new();
            for (key, n) in &members {
                if expected.contains_key(key) { continue; }
                object = object.with(key, Json::Int(*n));
                expected.insert(key.clone(), serde_json::Value::from(*n));
            }
            let parsed: serde_json::Value = serde_json::from_str(&object.to_string()).unwrap();
            prop_assert_eq!(parsed, serde_json::Value::Object(expected));
        }
    }
}
