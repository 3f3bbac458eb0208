//! Request-path normalisation for the security gateway: one canonical path
//! before any rule or route looks at it.
//!
//! Path traversal and WAF bypasses live in the gap between what the gateway
//! checks and what the backend serves. `/menu/../admin`, `/menu/%2e%2e/admin`
//! and `/menu/%252e%252e/admin` can all reach `/admin` if the gateway
//! compares raw text while a backend decodes and resolves. The gateway closes
//! the gap by doing the backend's work first, strictly:
//!
//! 1. **Percent-decode once** (RFC 3986 §2.1). A `%` not followed by two hex
//!    digits is refused.
//! 2. **Refuse what no honest client sends**: a second layer of encoding
//!    (`%252e` decodes to `%2e`, which a second decoder would turn into `.`),
//!    an encoded `/` (`%2F`, which backends disagree about), a backslash
//!    (a separator on Windows servers), a NUL byte, or bytes that are not UTF-8.
//! 3. **Remove dot segments** with RFC 3986 §5.2.4's algorithm, so `.` and
//!    `..` are resolved and `..` can never climb above the root.
//!
//! ```
//! use coffee_patterns::uri_path::{normalize_path, remove_dot_segments, PathError};
//!
//! // RFC 3986 §5.2.4's two examples.
//! assert_eq!(remove_dot_segments("/a/b/c/./../../g"), "/a/g");
//! assert_eq!(remove_dot_segments("mid/content=5/../6"), "mid/6");
//!
//! assert_eq!(normalize_path("/menu/%2e%2e/admin").unwrap(), "/admin");
//! assert_eq!(
//!     normalize_path("/menu/%252e%252e/admin"),
//!     Err(PathError::DoubleEncoded { at: 6 })
//! );
//! ```

use std::fmt;

/// Why a path was refused, with the byte offset in the raw path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// `%` not followed by two hex digits.
    BadEscape {
        /// Offset of the `%`.
        at: usize,
    },
    /// An escape that decodes to another escape (`%25` + two hex digits).
    DoubleEncoded {
        /// Offset of the outer `%`.
        at: usize,
    },
    /// `%2F`: an encoded slash.
    EncodedSlash {
        /// Offset of the `%`.
        at: usize,
    },
    /// A backslash, raw or encoded.
    Backslash {
        /// Offset in the raw path.
        at: usize,
    },
    /// A NUL byte, raw or encoded.
    NulByte {
        /// Offset in the raw path.
        at: usize,
    },
    /// The decoded bytes are not UTF-8.
    NotUtf8,
    /// The path does not start with `/`.
    NotAbsolute,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadEscape { at } => write!(f, "invalid percent-escape at byte {at}"),
            Self::DoubleEncoded { at } => write!(f, "double percent-encoding at byte {at}"),
            Self::EncodedSlash { at } => write!(f, "encoded slash at byte {at}"),
            Self::Backslash { at } => write!(f, "backslash at byte {at}"),
            Self::NulByte { at } => write!(f, "NUL byte at byte {at}"),
            Self::NotUtf8 => f.write_str("path is not UTF-8 after decoding"),
            Self::NotAbsolute => f.write_str("path does not start with `/`"),
        }
    }
}

impl std::error::Error for PathError {}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

// ANCHOR: decode
// ANCHOR: solution
/// Percent-decodes `raw` once, returning the bytes and, for each, the offset
/// in `raw` where it came from. Refuses malformed and doubly-encoded
/// escapes.
pub fn percent_decode(raw: &str) -> Result<Vec<(u8, usize)>, PathError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push((bytes[i], i));
            i += 1;
            continue;
        }
        let escape = |j: usize| {
            let hi = hex_value(*bytes.get(j + 1)?)?;
            let lo = hex_value(*bytes.get(j + 2)?)?;
            Some(hi << 4 | lo)
        };
        let byte = escape(i).ok_or(PathError::BadEscape { at: i })?;
        // `%25` decodes to `%`: if two hex digits follow, a second decoder
        // would decode again. Honest clients never produce that.
        if byte == b'%' && escape(i + 2).is_some() {
            return Err(PathError::DoubleEncoded { at: i });
        }
        out.push((byte, i));
        i += 3;
    }
    Ok(out)
}
// ANCHOR_END: solution
// ANCHOR_END: decode

// ANCHOR: remove_dot_segments
// ANCHOR: solution
/// RFC 3986 §5.2.4, step by step: move segments from the input buffer to
/// the output buffer, resolving `.` and `..` on the way.
#[must_use]
pub fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut output = String::with_capacity(path.len());
    while !input.is_empty() {
        if let Some(rest) = input
            .strip_prefix("../")
            .or_else(|| input.strip_prefix("./"))
        {
            // A. A leading `../` or `./` is dropped.
            input = rest;
        } else if input.starts_with("/./") {
            // B. `/./` becomes `/`.
            input = &input[2..];
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") || input == "/.." {
            // C. `/../` or a final `/..` becomes `/` and removes the last
            //    output segment (and its `/`).
            input = if input == "/.." { "/" } else { &input[3..] };
            let cut = output.rfind('/').unwrap_or(0);
            output.truncate(cut);
        } else if input == "." || input == ".." {
            // D. A lone `.` or `..` is dropped.
            input = "";
        } else {
            // E. Move the first segment (with its leading `/`, if any) to
            //    the output.
            let start = usize::from(input.starts_with('/'));
            let end = input[start..].find('/').map_or(input.len(), |i| i + start);
            output.push_str(&input[..end]);
            input = &input[end..];
        }
    }
    output
}
// ANCHOR_END: solution
// ANCHOR_END: remove_dot_segments

// ANCHOR: normalize
/// The canonical form of a request path: decoded once, checked, dot
/// segments removed.
pub fn normalize_path(raw: &str) -> Result<String, PathError> {
    if !raw.starts_with('/') {
        return Err(PathError::NotAbsolute);
    }
    let decoded = percent_decode(raw)?;
    for &(byte, at) in &decoded {
        match byte {
            b'\\' => return Err(PathError::Backslash { at }),
            0 => return Err(PathError::NulByte { at }),
            b'/' if raw.as_bytes()[at] == b'%' => return Err(PathError::EncodedSlash { at }),
            _ => {}
        }
    }
    let bytes: Vec<u8> = decoded.into_iter().map(|(b, _)| b).collect();
    let text = String::from_utf8(bytes).map_err(|_| PathError::NotUtf8)?;
    Ok(remove_dot_segments(&text))
}
// ANCHOR_END: normalize

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rfc_3986_section_5_2_4_examples() {
        assert_eq!(remove_dot_segments("/a/b/c/./../../g"), "/a/g");
        assert_eq!(remove_dot_segments("mid/content=5/../6"), "mid/6");
    }

    /// RFC 3986 §5.4.1 and §5.4.2: every relative-path reference against the
    /// base `http://a/b/c/d;p?q`, merged (§5.2.3) and then dot-removed.
    #[test]
    fn rfc_3986_section_5_4_reference_resolution_paths() {
        let merge = |reference: &str| {
            if reference.starts_with('/') {
                reference.to_owned()
            } else {
                format!("/b/c/{reference}")
            }
        };
        let examples = [
            ("g", "/b/c/g"),
            ("./g", "/b/c/g"),
            ("g/", "/b/c/g/"),
            ("/g", "/g"),
            (".", "/b/c/"),
            ("./", "/b/c/"),
            ("..", "/b/"),
            ("../", "/b/"),
            ("../g", "/b/g"),
            ("../..", "/"),
            ("../../", "/"),
            ("../../g", "/g"),
            // §5.4.2, abnormal examples
            ("../../../g", "/g"),
            ("../../../../g", "/g"),
            ("/./g", "/g"),
            ("/../g", "/g"),
            ("g.", "/b/c/g."),
            (".g", "/b/c/.g"),
            ("g..", "/b/c/g.."),
            ("..g", "/b/c/..g"),
            ("./../g", "/b/g"),
            ("./g/.", "/b/c/g/"),
            ("g/./h", "/b/c/g/h"),
            ("g/../h", "/b/c/h"),
            ("g;x=1/./y", "/b/c/g;x=1/y"),
            ("g;x=1/../y", "/b/c/y"),
        ];
        for (reference, expected) in examples {
            assert_eq!(
                remove_dot_segments(&merge(reference)),
                expected,
                "{reference}"
            );
        }
    }

    #[test]
    fn encoded_dots_are_resolved_and_double_encoding_is_refused() {
        assert_eq!(normalize_path("/menu/%2E%2e/admin").unwrap(), "/admin");
        assert_eq!(
            normalize_path("/menu/.%2e/.%2E/../admin").unwrap(),
            "/admin"
        );
        assert_eq!(
            normalize_path("/menu/%252e%252e/admin"),
            Err(PathError::DoubleEncoded { at: 6 })
        );
        assert_eq!(
            normalize_path("/a/%252F"),
            Err(PathError::DoubleEncoded { at: 3 })
        );
        // `%25` followed by something that is not an escape is a real `%`.
        assert_eq!(
            normalize_path("/discount/50%25off").unwrap(),
            "/discount/50%off"
        );
    }

    #[test]
    fn dangerous_bytes_are_refused_with_their_offset() {
        assert_eq!(
            normalize_path("/a%2fb"),
            Err(PathError::EncodedSlash { at: 2 })
        );
        assert_eq!(
            normalize_path("/a\\..\\b"),
            Err(PathError::Backslash { at: 2 })
        );
        assert_eq!(
            normalize_path("/a%5c..%5cb"),
            Err(PathError::Backslash { at: 2 })
        );
        assert_eq!(
            normalize_path("/a%00.png"),
            Err(PathError::NulByte { at: 2 })
        );
        assert_eq!(normalize_path("/a%zz"), Err(PathError::BadEscape { at: 2 }));
        assert_eq!(normalize_path("/a%2"), Err(PathError::BadEscape { at: 2 }));
        assert_eq!(normalize_path("/caf%C3"), Err(PathError::NotUtf8));
        assert_eq!(normalize_path("menu"), Err(PathError::NotAbsolute));
        assert_eq!(normalize_path("/caf%C3%A9").unwrap(), "/café");
    }

    fn segment_path() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec!["a", "b", ".", "..", "", "c.d", "%2e", "%2E%2e"]),
            0..8,
        )
        .prop_map(|segments| format!("/{}", segments.join("/")))
    }

    proptest! {
        /// Normalised paths start at the root, contain no dot segments and
        /// are fixed points: normalising twice changes nothing.
        #[test]
        fn normal_form_has_no_dot_segments_and_is_stable(raw in segment_path()) {
            let path = normalize_path(&raw).unwrap();
            prop_assert!(path.starts_with('/'), "{path}");
            prop_assert!(path.split('/').all(|s| s != "." && s != ".."), "{raw} -> {path}");
            prop_assert_eq!(remove_dot_segments(&path), path.clone());
        }

        /// Against a stack model: `..` pops a segment (never above the root),
        /// `.` is skipped, anything else is pushed.
        #[test]
        fn agrees_with_a_segment_stack(segments in proptest::collection::vec(
            proptest::sample::select(vec!["a", "b", ".", "..", "x.y"]), 1..10,
        )) {
            let raw = format!("/{}", segments.join("/"));
            let mut stack: Vec<&str> = Vec::new();
            for s in &segments {
                match *s {
                    ".." => { stack.pop(); }
                    "." => {}
                    s => stack.push(s),
                }
            }
            // A final `.` or `..` leaves a trailing slash (it names a directory).
            let trailing = matches!(*segments.last().unwrap(), "." | "..") && !stack.is_empty();
            let expected = format!("/{}{}", stack.join("/"), if trailing { "/" } else { "" });
            prop_assert_eq!(remove_dot_segments(&raw), expected);
        }
    }
}
