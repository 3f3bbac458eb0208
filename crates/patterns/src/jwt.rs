//! HS256 JSON Web Tokens (RFC 7515 JWS compact form, RFC 7519 claims): how
//! the Go Coffee gateway knows who sent a payment request without asking the
//! user service every time.
//!
//! A token is three base64url parts, `header.claims.signature`; the signature
//! is HMAC-SHA-256 over the first two parts' text. The verifier here makes the
//! choices that the well-known JWT vulnerabilities got wrong:
//!
//! - **The algorithm comes from the key, never from the token.** A verifier
//!   holds an [`Hs256Key`] and accepts only `"alg":"HS256"`. `"none"` (an
//!   unsigned token) and every other name are refused before any signature
//!   is looked at, so there is no *algorithm confusion*: a token that says
//!   `RS256` cannot make it try the key as something else, and a token that
//!   says `HS256` cannot make an RS256 verifier use its public key as an HMAC
//!   secret.
//! - **The signature is checked before the claims are read**, and in constant
//!   time ([`crate::mac::constant_time_eq`]).
//! - **Time comes from an injected clock** read as seconds since the Unix
//!   epoch; `exp` and `nbf` are checked with a small leeway for clock skew
//!   between servers.
//! - Keys shorter than the 256-bit hash output are refused (RFC 7518 §3.2).
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::jwt::{Hs256Key, JwtError, Verifier, claims::Value};
//! use std::time::Duration;
//!
//! let key = Hs256Key::new(b"go-coffee-session-signing-key-2026!".to_vec()).unwrap();
//! let clock = ManualClock::new();
//! clock.set(Duration::from_secs(1_800_000_000));
//! let verifier = Verifier::new(key.clone(), clock.clone());
//!
//! let token = key.sign(&[
//!     ("sub", Value::Str("barista-17".into())),
//!     ("role", Value::Str("cashier".into())),
//!     ("exp", Value::Int(1_800_000_900)), // 15 minutes
//! ]);
//! let claims = verifier.verify(&token).unwrap();
//! assert_eq!(claims["role"], Value::Str("cashier".into()));
//!
//! clock.advance(Duration::from_secs(900 + 30)); // past exp and the 30 s leeway
//! assert!(matches!(verifier.verify(&token), Err(JwtError::Expired { .. })));
//! ```

/// The JSON of a token's header and claims ([`crate::jwt_claims`]).
pub use crate::jwt_claims as claims;

use crate::base64url;
use crate::clock::Clock;
use crate::digest::hmac_sha256;
use crate::mac::constant_time_eq;
use claims::{Object, Value};
use std::fmt;

/// An HMAC-SHA-256 signing key of at least 32 bytes.
#[derive(Clone)]
pub struct Hs256Key(Vec<u8>);

impl fmt::Debug for Hs256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A key never appears in logs.
        write!(f, "Hs256Key({} bytes)", self.0.len())
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JwtError {
    /// A key shorter than 32 bytes.
    KeyTooShort(usize),
    /// Not three base64url parts, or a part that does not decode or parse.
    Malformed(&'static str),
    /// The header names an algorithm this verifier does not use (`none`,
    /// `RS256`, `HS512`, …).
    AlgorithmNotAllowed(String),
    /// The header lists `crit` extensions, none of which are understood.
    UnknownCritical,
    /// The signature does not match.
    BadSignature,
    /// `now ≥ exp + leeway`.
    Expired {
        /// The token's `exp`.
        exp: i64,
        /// The clock's reading, in Unix seconds.
        now: i64,
    },
    /// `now < nbf − leeway`.
    NotYetValid {
        /// The token's `nbf`.
        nbf: i64,
        /// The clock's reading, in Unix seconds.
        now: i64,
    },
    /// `exp` is absent or not an integer: a session token must end.
    MissingExpiry,
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::KeyTooShort(n) => write!(f, "an HS256 key needs 32 bytes, got {n}"),
            Self::Malformed(what) => write!(f, "malformed token: {what}"),
            Self::AlgorithmNotAllowed(alg) => write!(f, "algorithm {alg:?} is not accepted"),
            Self::UnknownCritical => f.write_str("unknown critical header parameters"),
            Self::BadSignature => f.write_str("signature does not match"),
            Self::Expired { exp, now } => write!(f, "expired at {exp}, now {now}"),
            Self::NotYetValid { nbf, now } => write!(f, "not valid before {nbf}, now {now}"),
            Self::MissingExpiry => f.write_str("the token has no integer `exp`"),
        }
    }
}

impl std::error::Error for JwtError {}

impl Hs256Key {
    // ANCHOR: solution
    /// A key from raw bytes; refuses fewer than 32.
    pub fn new(bytes: Vec<u8>) -> Result<Self, JwtError> {
        if bytes.len() < 32 {
            return Err(JwtError::KeyTooShort(bytes.len()));
        }
        Ok(Self(bytes))
    }
    // ANCHOR_END: solution

    /// Signs `claims` with the header `{"alg":"HS256","typ":"JWT"}`.
    #[must_use]
    pub fn sign(&self, claims: &[(&str, Value)]) -> String {
        let claims: Object = claims
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        self.sign_parts(r#"{"alg":"HS256","typ":"JWT"}"#, &claims::to_json(&claims))
    }

    // ANCHOR: solution
    /// Signs a header and claims given as JSON text, exactly as written (the
    /// RFC examples put `\r\n` inside theirs).
    #[must_use]
    pub fn sign_parts(&self, header_json: &str, claims_json: &str) -> String {
        let signing_input = format!(
            "{}.{}",
            base64url::encode(header_json.as_bytes()),
            base64url::encode(claims_json.as_bytes())
        );
        let tag = hmac_sha256(&self.0, signing_input.as_bytes());
        format!("{signing_input}.{}", base64url::encode(&tag))
    }
    // ANCHOR_END: solution
}

/// Checks HS256 tokens against one key and a clock.
#[derive(Debug, Clone)]
pub struct Verifier<C> {
    key: Hs256Key,
    clock: C,
    leeway: i64,
}

// ANCHOR: verify
impl<C: Clock> Verifier<C> {
    /// A verifier with 30 s of leeway; `clock.now()` is read as time since
    /// the Unix epoch.
    pub fn new(key: Hs256Key, clock: C) -> Self {
        Self {
            key,
            clock,
            leeway: 30,
        }
    }

    /// The same verifier with `seconds` of leeway on `exp` and `nbf`.
    #[must_use]
    pub fn with_leeway(self, seconds: i64) -> Self {
        Self {
            leeway: seconds,
            ..self
        }
    }

    // ANCHOR: solution
    /// The claims of a valid token, or why it is refused.
    pub fn verify(&self, token: &str) -> Result<Object, JwtError> {
        let mut parts = token.split('.');
        let (Some(header_b64), Some(claims_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed("a JWS has three parts"));
        };
        let header = decode_json(header_b64, "header")?;
        // 1. The algorithm is ours to choose: anything but HS256 is refused,
        //    `none` included, before the signature is even decoded.
        match header.get("alg") {
            Some(Value::Str(alg)) if alg == "HS256" => {}
            Some(Value::Str(alg)) => return Err(JwtError::AlgorithmNotAllowed(alg.clone())),
            _ => return Err(JwtError::Malformed("header without a string `alg`")),
        }
        if header.contains_key("crit") {
            return Err(JwtError::UnknownCritical);
        }
        // 2. The signature, in constant time, before trusting any claim.
        let signature = base64url::decode(signature_b64)
            .map_err(|_| JwtError::Malformed("signature is not base64url"))?;
        let signing_input = &token[..header_b64.len() + 1 + claims_b64.len()];
        let expected = hmac_sha256(&self.key.0, signing_input.as_bytes());
        if !constant_time_eq(&expected, &signature) {
            return Err(JwtError::BadSignature);
        }
        // 3. Only now are the claims worth reading.
        let claims = decode_json(claims_b64, "claims")?;
        let now = i64::try_from(self.clock.now().as_secs()).unwrap_or(i64::MAX);
        let Some(&Value::Int(exp)) = claims.get("exp") else {
            return Err(JwtError::MissingExpiry);
        };
        if now >= exp.saturating_add(self.leeway) {
            return Err(JwtError::Expired { exp, now });
        }
        if let Some(&Value::Int(nbf)) = claims.get("nbf")
            && now < nbf.saturating_sub(self.leeway)
        {
            return Err(JwtError::NotYetValid { nbf, now });
        }
        Ok(claims)
    }
    // ANCHOR_END: solution
}
// ANCHOR_END: verify

fn decode_json(part: &str, what: &'static str) -> Result<Object, JwtError> {
    let bytes = base64url::decode(part).map_err(|_| {
        JwtError::Malformed(if what == "header" {
            "header is not base64url"
        } else {
            "claims are not base64url"
        })
    })?;
    let text = String::from_utf8(bytes).map_err(|_| JwtError::Malformed("part is not UTF-8"))?;
    claims::parse(&text).map_err(|_| {
        JwtError::Malformed(if what == "header" {
            "header is not a flat JSON object"
        } else {
            "claims are not a flat JSON object"
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use hmac::{Hmac, KeyInit, Mac};
    use proptest::prelude::*;
    use std::time::Duration;

    /// RFC 7515 Appendix A.1: the JWK `k` of the example key.
    const RFC_7515_KEY: &str =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
    /// RFC 7515 Appendix A.1: the complete JWS Compact Serialization.
    const RFC_7515_TOKEN: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9\
        .eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ\
        .dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const RFC_7515_EXP: u64 = 1_300_819_380;

    fn rfc_key() -> Hs256Key {
        Hs256Key::new(base64url::decode(RFC_7515_KEY).unwrap()).unwrap()
    }

    fn at(unix_seconds: u64) -> ManualClock {
        let clock = ManualClock::new();
        clock.set(Duration::from_secs(unix_seconds));
        clock
    }

    fn test_key() -> Hs256Key {
        Hs256Key::new(b"0123456789abcdef0123456789abcdef".to_vec()).unwrap()
    }

    #[test]
    fn rfc_7515_appendix_a1_signs_to_the_published_token() {
        let header = "{\"typ\":\"JWT\",\r\n \"alg\":\"HS256\"}";
        let claims =
            "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
        assert_eq!(rfc_key().sign_parts(header, claims), RFC_7515_TOKEN);
    }

    #[test]
    fn rfc_7515_appendix_a1_verifies_until_its_expiry() {
        let verifier = Verifier::new(rfc_key(), at(RFC_7515_EXP - 60)).with_leeway(0);
        let claims = verifier.verify(RFC_7515_TOKEN).unwrap();
        assert_eq!(claims["iss"], Value::Str("joe".into()));
        assert_eq!(claims["http://example.com/is_root"], Value::Bool(true));

        let late = Verifier::new(rfc_key(), at(RFC_7515_EXP)).with_leeway(0);
        assert_eq!(
            late.verify(RFC_7515_TOKEN),
            Err(JwtError::Expired {
                exp: 1_300_819_380,
                now: 1_300_819_380
            })
        );
    }

    #[test]
    fn leeway_covers_clock_skew_on_both_ends() {
        let key = test_key();
        let token = key.sign(&[("exp", Value::Int(1000)), ("nbf", Value::Int(900))]);
        let verify_at = |now| {
            Verifier::new(key.clone(), at(now))
                .with_leeway(30)
                .verify(&token)
        };
        assert!(verify_at(1029).is_ok());
        assert_eq!(
            verify_at(1030),
            Err(JwtError::Expired {
                exp: 1000,
                now: 1030
            })
        );
        assert!(verify_at(870).is_ok());
        assert_eq!(
            verify_at(869),
            Err(JwtError::NotYetValid { nbf: 900, now: 869 })
        );
    }

    #[test]
    fn alg_none_is_refused_in_every_spelling() {
        let claims = base64url::encode(br#"{"sub":"admin","exp":99999999999}"#);
        let verifier = Verifier::new(test_key(), at(0));
        for alg in ["none", "None", "NONE", "nOnE"] {
            let header = base64url::encode(format!(r#"{{"alg":"{alg}"}}"#).as_bytes());
            for token in [format!("{header}.{claims}."), format!("{header}.{claims}")] {
                let refused = verifier.verify(&token).unwrap_err();
                assert!(
                    matches!(
                        refused,
                        JwtError::AlgorithmNotAllowed(_) | JwtError::Malformed(_)
                    ),
                    "{alg}: {refused:?}"
                );
            }
        }
        let header = base64url::encode(br#"{"alg":"none"}"#);
        assert_eq!(
            verifier.verify(&format!("{header}.{claims}.")),
            Err(JwtError::AlgorithmNotAllowed("none".into()))
        );
    }

    /// Algorithm confusion: a token correctly signed with the same secret
    /// under another algorithm, or claiming RS256, is refused by name.
    #[test]
    fn other_algorithms_are_refused_even_with_a_valid_mac() {
        let key = test_key();
        let signing_input = format!(
            "{}.{}",
            base64url::encode(br#"{"alg":"HS512"}"#),
            base64url::encode(br#"{"exp":99999999999}"#)
        );
        let mut mac = Hmac::<sha2::Sha512>::new_from_slice(&key.0).unwrap();
        mac.update(signing_input.as_bytes());
        let token = format!(
            "{signing_input}.{}",
            base64url::encode(&mac.finalize().into_bytes())
        );
        let verifier = Verifier::new(key.clone(), at(0));
        assert_eq!(
            verifier.verify(&token),
            Err(JwtError::AlgorithmNotAllowed("HS512".into()))
        );

        // An "RS256" token HMAC-signed with our key (what an attacker does
        // with an RSA public key) is refused before the MAC is computed.
        let rs256 = format!(
            "{}.{}",
            base64url::encode(br#"{"alg":"RS256"}"#),
            base64url::encode(br#"{"exp":99999999999}"#)
        );
        let tag = hmac_sha256(&key.0, rs256.as_bytes());
        let token = format!("{rs256}.{}", base64url::encode(&tag));
        assert_eq!(
            verifier.verify(&token),
            Err(JwtError::AlgorithmNotAllowed("RS256".into()))
        );
    }

    #[test]
    fn tampering_and_malformed_tokens_are_refused() {
        let key = test_key();
        let verifier = Verifier::new(key.clone(), at(0));
        let token = key.sign(&[
            ("role", Value::Str("customer".into())),
            ("exp", Value::Int(60)),
        ]);
        let parts: Vec<&str> = token.split('.').collect();
        let promoted = base64url::encode(br#"{"exp":60,"role":"admin"}"#);
        let forged = format!("{}.{promoted}.{}", parts[0], parts[2]);
        assert_eq!(verifier.verify(&forged), Err(JwtError::BadSignature));
        assert!(matches!(
            verifier.verify(&format!("{token}.x")),
            Err(JwtError::Malformed(_))
        ));
        assert!(matches!(
            verifier.verify("abc"),
            Err(JwtError::Malformed(_))
        ));
        let other = Verifier::new(
            Hs256Key::new(b"another-key-another-key-another!".to_vec()).unwrap(),
            at(0),
        );
        assert_eq!(other.verify(&token), Err(JwtError::BadSignature));
        let crit = key.sign_parts(r#"{"alg":"HS256","crit":"b64"}"#, r#"{"exp":60}"#);
        assert_eq!(verifier.verify(&crit), Err(JwtError::UnknownCritical));
        let no_exp = key.sign(&[("sub", Value::Str("x".into()))]);
        assert_eq!(verifier.verify(&no_exp), Err(JwtError::MissingExpiry));
    }

    #[test]
    fn short_keys_are_refused_and_keys_never_print() {
        assert_eq!(
            Hs256Key::new(vec![7; 31]).unwrap_err(),
            JwtError::KeyTooShort(31)
        );
        assert_eq!(format!("{:?}", test_key()), "Hs256Key(32 bytes)");
    }

    // Differential: tokens from `jsonwebtoken` verify here and ours verify
    // there, with the same claims.
    proptest! {
        #[test]
        fn agrees_with_the_jsonwebtoken_crate(
            sub in "[a-z0-9-]{1,12}",
            exp in 1_000_000i64..2_000_000,
            now in 1_000_000u64..2_000_000,
            secret in proptest::collection::vec(any::<u8>(), 32..48),
        ) {
            use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
            let key = Hs256Key::new(secret.clone()).unwrap();
            let ours = key.sign(&[("sub", Value::Str(sub.clone())), ("exp", Value::Int(exp))]);
            let claims = serde_json::json!({ "sub": sub, "exp": exp });
            let theirs = jsonwebtoken::encode(
                &Header::new(Algorithm::HS256),
                &claims,
                &EncodingKey::from_secret(&secret),
            ).unwrap();

            // Signature only: both accept both tokens.
            let mut signature_only = Validation::new(Algorithm::HS256);
            signature_only.validate_exp = false;
            signature_only.required_spec_claims.clear();
            for token in [&ours, &theirs] {
                let decoded = jsonwebtoken::decode::<serde_json::Value>(
                    token, &DecodingKey::from_secret(&secret), &signature_only,
                );
                prop_assert_eq!(decoded.unwrap().claims, claims.clone());
                let far_past = Verifier::new(key.clone(), at(0));
                prop_assert_eq!(far_past.verify(token).unwrap()["sub"].clone(), Value::Str(sub.clone()));
            }

            // Expiry, by RFC 7519 §4.1.4 (`jsonwebtoken` reads the system
            // clock, so only our side can be set to `now`).
            let verdict = Verifier::new(key.clone(), at(now)).with_leeway(0).verify(&theirs).is_ok();
            prop_assert_eq!(verdict, (now as i64) < exp);
        }
    }
}
