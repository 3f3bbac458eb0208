//! SHA-256 digests and HMAC-SHA-256 tags, the primitives under Go Coffee's
//! payment flow, and the hexadecimal that test vectors are printed in.
//!
//! A **digest** (SHA-256) says whether bytes changed; anyone can compute it,
//! so it proves nothing about *who* wrote them. An **HMAC** mixes a secret key
//! into the hash: only a holder of the key can produce the tag, which is what
//! signs a session token (`jwt`), a one-time password (`totp`) or a webhook
//! from the card processor, and fingerprints a card in the vault
//! (`card_vault`). Checking a tag, in constant time, is the job of `mac`.
//!
//! Both come from the RustCrypto `sha2` and `hmac` crates; this module pins
//! them to the published test vectors (FIPS 180-4's examples, RFC 4231's
//! HMAC-SHA-256 cases) so that a wrong wiring cannot pass.
//!
//! ```
//! use coffee_patterns::digest::{hex, hmac_sha256, sha256};
//!
//! // FIPS 180-4, example "abc".
//! assert_eq!(
//!     hex(&sha256(b"abc")),
//!     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
//! );
//! // RFC 4231 §4.3, test case 2.
//! assert_eq!(
//!     hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
//!     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
//! );
//! ```

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

/// The SHA-256 digest of `data`.
#[must_use]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

// ANCHOR: hmac
/// The HMAC-SHA-256 tag of `message` under `key` (RFC 2104; any key length:
/// keys longer than the 64-byte block are hashed first).
#[must_use]
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().into()
}
// ANCHOR_END: hmac

/// Lowercase hexadecimal, the way test vectors are printed.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fips_180_4_sha256_examples() {
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    /// RFC 4231 §4.2-§4.8, the HMAC-SHA-256 results.
    #[test]
    fn rfc_4231_hmac_sha256_test_cases() {
        let cases: [(Vec<u8>, Vec<u8>, &str); 6] = [
            // 1
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            // 2: a key shorter than the output
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            // 3
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            // 4
            (
                (1..=25).collect(),
                vec![0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            // 6: a key longer than the block, hashed first
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            // 7
            (
                vec![0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, data, expected) in cases {
            assert_eq!(hex(&hmac_sha256(&key, &data)), expected);
        }
    }

    /// RFC 4231 §4.6: a tag truncated to 128 bits is its first 16 bytes.
    #[test]
    fn rfc_4231_test_case_5_truncation() {
        let tag = hmac_sha256(&[0x0c; 20], b"Test With Truncation");
        assert_eq!(hex(&tag[..16]), "a3b6167473100ee06e0c796c2955552b");
    }
}
