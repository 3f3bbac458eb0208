//! Strong entity tags from a hash of the body, and `If-None-Match`.
//!
//! The app asks for the menu on every launch; the menu changes a few times a
//! day. With an ETag, the server labels each body with a hash of its bytes,
//! the app sends the label back in `If-None-Match`, and an unchanged menu
//! costs a `304 Not Modified` with no body — a few hundred bytes instead of
//! tens of kilobytes over a mobile network.

// ANCHOR: etag
// ANCHOR: solution
/// The 64-bit FNV-1a hash: small, fast and well spread. Not cryptographic;
/// fine for telling versions of a body apart.
#[must_use]
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A strong ETag for `body`: its hash in hex, in double quotes.
#[must_use]
pub fn strong_etag(body: &[u8]) -> String {
    format!("\"{:016x}\"", fnv1a64(body))
}

/// Whether an `If-None-Match` header value matches `etag`, so the answer is
/// `304 Not Modified`. The header is `*` or a list of tags; per RFC 9110 the
/// comparison is weak: a `W/` prefix on either side is ignored.
#[must_use]
pub fn if_none_match(header: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_string();
    header.trim() == "*" || header.split(',').any(|tag| opaque(tag) == opaque(etag))
}
// ANCHOR_END: solution
// ANCHOR_END: etag

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::hash::Hasher as _;

    /// Test vectors of the FNV reference test suite (Fowler, Noll and Vo,
    /// `test_fnv.c`; also in the `fnv` crate's tests) for 64-bit FNV-1a.
    #[test]
    fn matches_the_fnv_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn matches_tags_as_rfc_9110_says() {
        let tag = strong_etag(b"menu v1");
        assert!(if_none_match(&tag, &tag));
        assert!(if_none_match(&format!("\"other\", W/{tag}"), &tag));
        assert!(if_none_match("*", &tag));
        assert!(!if_none_match("\"other\"", &tag));
        assert_ne!(strong_etag(b"menu v1"), strong_etag(b"menu v2"));
    }

    proptest! {
        /// Same bytes, same hash as the `fnv` crate's `FnvHasher`.
        #[test]
        fn agrees_with_the_fnv_crate(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let mut hasher = fnv::FnvHasher::default();
            hasher.write(&bytes);
            prop_assert_eq!(fnv1a64(&bytes), hasher.finish());
        }
    }
}
