//! The JSON of a token's header and claims: one flat object whose values are
//! strings, integers, booleans or `null`. The `jwt` module reads and writes
//! its tokens' parts with it, and names it `jwt::claims`.
//!
//! That is all a Go Coffee session token carries (`sub`, `role`, `exp`, …),
//! so the parser accepts exactly that and refuses the rest: nested objects,
//! arrays, fractions and **duplicate names**. RFC 7515 §4 lets a parser either
//! refuse duplicates or keep the last one; refusing is the safe reading, since
//! two components that pick different duplicates disagree about who the
//! token is for. The tests check every accepted object against `serde_json`.
//!
//! ```
//! use coffee_patterns::jwt_claims::{parse, to_json, Value};
//!
//! let claims = parse(r#"{"sub":"barista-17", "exp":1800000900, "mfa":true}"#).unwrap();
//! assert_eq!(claims["exp"], Value::Int(1_800_000_900));
//! assert_eq!(to_json(&claims), r#"{"exp":1800000900,"mfa":true,"sub":"barista-17"}"#);
//! assert_eq!(parse(r#"{"sub":"ana","sub":"admin"}"#).unwrap_err().reason, "duplicate member name");
//! ```

use std::collections::BTreeMap;
use std::fmt;

/// One claim value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A JSON string, unescaped.
    Str(String),
    /// A JSON number without fraction or exponent (NumericDate claims are
    /// whole seconds here).
    Int(i64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// A parsed flat JSON object, names in sorted order.
pub type Object = BTreeMap<String, Value>;

/// Why a header or claims set was refused, with the byte offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset into the JSON text.
    pub at: usize,
    /// What was wrong there.
    pub reason: &'static str,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.reason, self.at)
    }
}

impl std::error::Error for JsonError {}

/// Parses one flat JSON object.
pub fn parse(text: &str) -> Result<Object, JsonError> {
    let mut p = Parser {
        s: text.as_bytes(),
        at: 0,
    };
    p.ws();
    p.expect(b'{')?;
    let mut object = Object::new();
    p.ws();
    if p.peek() == Some(b'}') {
        p.at += 1;
    } else {
        loop {
            p.ws();
            let name_at = p.at;
            let name = p.string()?;
            p.ws();
            p.expect(b':')?;
            p.ws();
            let value = p.value()?;
            if object.insert(name, value).is_some() {
                return Err(JsonError {
                    at: name_at,
                    reason: "duplicate member name",
                });
            }
            p.ws();
            match p.bump() {
                Some(b',') => {}
                Some(b'}') => break,
                _ => return Err(p.error_before("expected `,` or `}`")),
            }
        }
    }
    p.ws();
    if p.at != p.s.len() {
        return Err(p.error("trailing characters after the object"));
    }
    Ok(object)
}

/// Writes `object` as compact JSON (names sorted).
#[must_use]
pub fn to_json(object: &Object) -> String {
    let mut out = String::from("{");
    for (i, (name, value)) in object.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(&mut out, name);
        out.push(':');
        match value {
            Value::Str(s) => write_string(&mut out, s),
            Value::Int(n) => out.push_str(&n.to_string()),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Null => out.push_str("null"),
        }
    }
    out.push('}');
    out
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    s: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    fn error(&self, reason: &'static str) -> JsonError {
        JsonError {
            at: self.at,
            reason,
        }
    }

    fn error_before(&self, reason: &'static str) -> JsonError {
        JsonError {
            at: self.at.saturating_sub(1),
            reason,
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), JsonError> {
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(match c {
                b'{' => "expected `{`",
                b':' => "expected `:`",
                _ => "expected `\"`",
            }))
        }
    }

    fn value(&mut self) -> Result<Value, JsonError> {
        match self.peek() {
            Some(b'"') => self.string().map(Value::Str),
            Some(b'-' | b'0'..=b'9') => self.integer(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'{' | b'[') => Err(self.error("nested objects and arrays are not accepted")),
            _ => Err(self.error("expected a value")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, JsonError> {
        if self.s[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn integer(&mut self) -> Result<Value, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            // JSON forbids leading zeros: `0` alone, or a non-zero first digit.
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.at += 1;
                }
            }
            _ => return Err(self.error("expected a digit")),
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E' | b'0'..=b'9')) {
            return Err(self.error("only whole numbers are accepted"));
        }
        let digits = std::str::from_utf8(&self.s[start..self.at]).expect("ASCII digits");
        digits.parse().map(Value::Int).map_err(|_| JsonError {
            at: start,
            reason: "integer out of range",
        })
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.at;
            // Copy a run of plain characters at once; the input is a &str, so
            // any run between ASCII delimiters is valid UTF-8.
            while matches!(self.peek(), Some(c) if c != b'"' && c != b'\\' && c >= 0x20) {
                self.at += 1;
            }
            out.push_str(std::str::from_utf8(&self.s[start..self.at]).expect("input is UTF-8"));
            match self.bump() {
                Some(b'"') => return Ok(out),
                Some(b'\\') => out.push(self.escape()?),
                Some(_) => return Err(self.error_before("control character in a string")),
                None => return Err(self.error("unterminated string")),
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        Ok(match self.bump() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&high) {
                    // A surrogate pair: `\uD83D\uDE00` is one character.
                    if self.bump() != Some(b'\\') || self.bump() != Some(b'u') {
                        return Err(self.error("unpaired surrogate"));
                    }
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(self.error("unpaired surrogate"));
                    }
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                char::from_u32(code).ok_or_else(|| self.error("unpaired surrogate"))?
            }
            _ => return Err(self.error_before("invalid escape")),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .s
            .get(self.at..self.at + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .filter(|d| d.bytes().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("expected four hex digits"))?;
        self.at += 4;
        Ok(u32::from_str_radix(digits, 16).expect("checked hex digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn from_serde(v: &serde_json::Value) -> Option<Object> {
        let map = v.as_object()?;
        map.iter()
            .map(|(k, v)| {
                let value = match v {
                    serde_json::Value::String(s) => Value::Str(s.clone()),
                    serde_json::Value::Number(n) => Value::Int(n.as_i64()?),
                    serde_json::Value::Bool(b) => Value::Bool(*b),
                    serde_json::Value::Null => Value::Null,
                    _ => return None,
                };
                Some((k.clone(), value))
            })
            .collect()
    }

    #[test]
    fn the_rfc_7515_example_claims_parse() {
        let claims = parse(
            "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}",
        )
        .unwrap();
        assert_eq!(claims["iss"], Value::Str("joe".into()));
        assert_eq!(claims["exp"], Value::Int(1_300_819_380));
        assert_eq!(claims["http://example.com/is_root"], Value::Bool(true));
    }

    #[test]
    fn refusals_name_the_offset() {
        let dup = parse(r#"{"sub":"ana","sub":"admin"}"#).unwrap_err();
        assert_eq!((dup.at, dup.reason), (13, "duplicate member name"));
        assert_eq!(parse(r#"{"a":[1]}"#).unwrap_err().at, 5);
        assert_eq!(
            parse(r#"{"exp":1.5}"#).unwrap_err().reason,
            "only whole numbers are accepted"
        );
        assert_eq!(
            parse(r#"{"exp":01}"#).unwrap_err().reason,
            "only whole numbers are accepted"
        );
        assert_eq!(parse(r#"{"a":1} x"#).unwrap_err().at, 8);
        assert!(parse(r#"{"a":"\ud800"}"#).is_err());
        assert_eq!(
            parse(r#"{"e":"\ud83d\ude00\n"}"#).unwrap()["e"],
            Value::Str("\u{1f600}\n".into())
        );
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<String>().prop_map(Value::Str),
            any::<i64>().prop_map(Value::Int),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ]
    }

    proptest! {
        #[test]
        fn written_objects_parse_back_and_agree_with_serde_json(
            object in proptest::collection::btree_map(any::<String>(), value(), 0..6),
        ) {
            let json = to_json(&object);
            prop_assert_eq!(parse(&json).unwrap(), object.clone());
            let theirs: serde_json::Value = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(from_serde(&theirs), Some(object));
        }

        #[test]
        fn whatever_we_accept_serde_json_reads_the_same(
            text in r#"[{}\[\]":, a-c0-9.\\nu-]{0,24}"#,
        ) {
            if let Ok(ours) = parse(&text) {
                let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
                prop_assert_eq!(from_serde(&theirs), Some(ours));
            }
        }

        #[test]
        fn serde_json_output_is_read_the_same(
            object in proptest::collection::btree_map("[a-z]{1,5}", value(), 0..6),
        ) {
            let map: serde_json::Map<String, serde_json::Value> = object
                .iter()
                .map(|(k, v)| (k.clone(), match v {
                    Value::Str(s) => serde_json::json!(s),
                    Value::Int(n) => serde_json::json!(n),
                    Value::Bool(b) => serde_json::json!(b),
                    Value::Null => serde_json::Value::Null,
                }))
                .collect();
            let pretty = serde_json::to_string_pretty(&map).unwrap();
            prop_assert_eq!(parse(&pretty).unwrap(), object);
        }
    }
}
