//! Base64url without padding (RFC 4648 §5), the encoding of every part of a
//! JSON Web Token.
//!
//! The alphabet is ordinary base64's with `-` and `_` in place of `+` and `/`,
//! so the text is safe in URLs and headers, and JWS (RFC 7515 §2) drops the
//! `=` padding. Decoding is strict: padding, characters outside the alphabet,
//! an impossible length and non-zero leftover bits are all refused, so every
//! byte string has exactly one accepted encoding. A lenient decoder would let
//! two different token strings carry the same signature, which breaks any
//! cache or deny-list keyed by the token text.
//!
//! Twenty lines are enough, so the runtime needs no crate for it; the tests
//! check it against the `base64` crate's `URL_SAFE_NO_PAD` engine.
//!
//! ```
//! use coffee_patterns::base64url::{decode, encode};
//!
//! assert_eq!(encode(b"{\"alg\":\"HS256\"}"), "eyJhbGciOiJIUzI1NiJ9");
//! assert_eq!(decode("eyJhbGciOiJIUzI1NiJ9").unwrap(), b"{\"alg\":\"HS256\"}");
//! assert!(decode("eyJhbGciOiJIUzI1NiJ9==").is_err()); // padding is not base64url-in-JWS
//! assert!(decode("ab+/").is_err()); // the plain base64 alphabet is not either
//! ```

use std::fmt;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Why a string is not canonical unpadded base64url.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// A byte outside `A-Z a-z 0-9 - _` at this offset (padding included).
    InvalidByte(usize),
    /// A length of 4n+1 characters, which no byte string encodes to.
    InvalidLength,
    /// The last character carries bits that no byte string would set.
    NonCanonical,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidByte(at) => write!(f, "invalid base64url byte at offset {at}"),
            Self::InvalidLength => f.write_str("invalid base64url length"),
            Self::NonCanonical => f.write_str("non-canonical base64url: trailing bits set"),
        }
    }
}

impl std::error::Error for DecodeError {}

// ANCHOR: codec
/// Encodes `bytes` as unpadded base64url.
#[must_use]
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        // 1 byte -> 2 characters, 2 -> 3, 3 -> 4.
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes canonical unpadded base64url.
pub fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    if text.len() % 4 == 1 {
        return Err(DecodeError::InvalidLength);
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for (at, c) in text.bytes().enumerate() {
        let value = ALPHABET
            .iter()
            .position(|&a| a == c)
            .ok_or(DecodeError::InvalidByte(at))?;
        acc = acc << 6 | value as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits (2 or 4) must be zero, or two strings would decode alike.
    if acc != 0 {
        return Err(DecodeError::NonCanonical);
    }
    Ok(out)
}
// ANCHOR_END: codec

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use proptest::prelude::*;

    /// RFC 4648 §10, with the padding removed.
    #[test]
    fn rfc_4648_test_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    #[test]
    fn the_url_safe_characters_replace_plus_and_slash() {
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(decode("-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode("+_8"), Err(DecodeError::InvalidByte(0)));
    }

    #[test]
    fn malformed_input_is_refused_with_its_reason() {
        assert_eq!(decode("Zm9vY"), Err(DecodeError::InvalidLength));
        assert_eq!(decode("Zh"), Err(DecodeError::NonCanonical)); // "Zg" is canonical
        assert_eq!(decode("Zg=="), Err(DecodeError::InvalidByte(2)));
    }

    proptest! {
        #[test]
        fn encoding_matches_the_base64_crate_and_round_trips(
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
        ) {
            let ours = encode(&bytes);
            prop_assert_eq!(&ours, &URL_SAFE_NO_PAD.encode(&bytes));
            prop_assert_eq!(decode(&ours).unwrap(), bytes);
        }

        #[test]
        fn decoding_accepts_exactly_what_the_base64_crate_accepts(
            text in "[A-Za-z0-9_=+/-]{0,12}",
        ) {
            let theirs = URL_SAFE_NO_PAD.decode(&text);
            match decode(&text) {
                Ok(bytes) => prop_assert_eq!(Ok(bytes), theirs.map_err(|_| ())),
                Err(_) => prop_assert!(theirs.is_err(), "{text:?} accepted by base64 only"),
            }
        }
    }
}
