//! Checking a message authentication code for Go Coffee's payment flow: the
//! HMAC-SHA-256 tag of a session token, a webhook from the card processor or
//! a one-time password, compared in constant time.
//!
//! The tag itself comes from [`crate::digest::hmac_sha256`] (the RustCrypto
//! crates, pinned to RFC 4231's vectors there). What this module adds is the
//! comparison, and that is where a classic mistake lives: checking a tag with
//! `==`. Slice equality stops at the first differing byte, so an attacker who
//! can time the answer learns how many leading bytes of a forged tag were
//! right and can guess the tag byte by byte. [`constant_time_eq`] looks at
//! every byte whatever it finds.
//!
//! ```
//! use coffee_patterns::digest::hmac_sha256;
//! use coffee_patterns::mac::verify_hmac_sha256;
//!
//! // A webhook body signed with the shared secret verifies; one changed byte does not.
//! let secret = b"processor-webhook-secret";
//! let tag = hmac_sha256(secret, b"{\"charge\":\"ch_1\",\"status\":\"captured\"}");
//! assert!(verify_hmac_sha256(secret, b"{\"charge\":\"ch_1\",\"status\":\"captured\"}", &tag));
//! assert!(!verify_hmac_sha256(secret, b"{\"charge\":\"ch_1\",\"status\":\"refunded\"}", &tag));
//! ```

use crate::digest::hmac_sha256;

/// Whether `tag` is the HMAC-SHA-256 of `message` under `key`, compared in
/// constant time.
#[must_use]
pub fn verify_hmac_sha256(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    constant_time_eq(&hmac_sha256(key, message), tag)
}

// ANCHOR: constant_time_eq
// ANCHOR: solution
/// Byte-slice equality whose running time depends only on the lengths, not
/// on where the first difference is.
///
/// Every byte pair is XORed and the differences ORed together; there is no
/// early exit to time. (Lengths are not secret here: a tag's length is public.)
#[must_use]
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimiser from turning the fold back into an
    // early-exit comparison.
    std::hint::black_box(difference) == 0
}
// ANCHOR_END: solution
// ANCHOR_END: constant_time_eq

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 4231's published tags (test cases 1, 2 and 6) verify; the same
    /// tag with any one bit flipped does not.
    #[test]
    fn rfc_4231_tags_verify_and_no_flipped_bit_does() {
        let cases: [(Vec<u8>, &[u8], &str); 3] = [
            (
                vec![0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, data, expected) in cases {
            let tag = unhex(expected);
            assert!(verify_hmac_sha256(&key, data, &tag));
            for bit in 0..tag.len() * 8 {
                let mut forged = tag.clone();
                forged[bit / 8] ^= 1 << (bit % 8);
                assert!(!verify_hmac_sha256(&key, data, &forged), "bit {bit}");
            }
        }
    }

    #[test]
    fn a_tag_of_the_wrong_length_never_verifies() {
        let tag = hmac_sha256(b"k", b"m");
        assert!(!verify_hmac_sha256(b"k", b"m", &tag[..31]));
        assert!(!verify_hmac_sha256(b"k", b"m", &[]));
    }

    proptest! {
        #[test]
        fn constant_time_eq_agrees_with_slice_equality(
            a in proptest::collection::vec(any::<u8>(), 0..40),
            b in proptest::collection::vec(any::<u8>(), 0..40),
            flip in any::<(usize, u8)>(),
        ) {
            prop_assert_eq!(constant_time_eq(&a, &b), a == b);
            prop_assert!(constant_time_eq(&a, &a.clone()));
            if !a.is_empty() && flip.1 != 0 {
                let mut c = a.clone();
                c[flip.0 % a.len()] ^= flip.1;
                prop_assert!(!constant_time_eq(&a, &c));
            }
        }

        #[test]
        fn any_changed_message_byte_breaks_the_tag(
            key in proptest::collection::vec(any::<u8>(), 0..100),
            msg in proptest::collection::vec(any::<u8>(), 1..100),
            at in any::<usize>(),
            flip in 1u8..,
        ) {
            let tag = hmac_sha256(&key, &msg);
            let mut forged = msg.clone();
            forged[at % msg.len()] ^= flip;
            prop_assert!(verify_hmac_sha256(&key, &msg, &tag));
            prop_assert!(!verify_hmac_sha256(&key, &forged, &tag));
        }
    }
}
