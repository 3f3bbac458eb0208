//! Time-based one-time passwords (TOTP, RFC 6238, built on HOTP, RFC 4226):
//! the second factor a Go Coffee store manager types before issuing a refund.
//!
//! Phone and server share a secret. Every `step` seconds (30 by default) both
//! compute `HMAC(secret, counter)` with `counter = unix_time / step`, cut four
//! bytes out of the tag at an offset the tag itself chooses (*dynamic
//! truncation*) and keep the last 6 or 8 decimal digits. No network is
//! involved, so the code proves possession of the phone.
//!
//! A verifier has three jobs beyond the arithmetic:
//!
//! - **Skew**: the phone's clock may be a step off, so codes of the previous
//!   and next step are accepted too (RFC 6238 §5.2 recommends at most one).
//! - **Replay**: a code seen over a shoulder or phished must not work twice.
//!   The verifier remembers the last step it accepted for the user and refuses
//!   that step and every earlier one (§5.2: "MUST NOT accept the second
//!   attempt").
//! - **Guessing**: with three acceptable codes out of a million, each guess
//!   succeeds with probability 3·10⁻⁶, so failures must be limited (RFC 4226
//!   §7.3); here five failures in a row lock the factor until an
//!   administrator resets it.
//!
//! ```
//! use coffee_patterns::clock::ManualClock;
//! use coffee_patterns::totp::{Algorithm, Totp, TotpError, TotpVerifier};
//! use std::time::Duration;
//!
//! let totp = Totp::new(Algorithm::Sha1, b"12345678901234567890".to_vec(), 6);
//! let clock = ManualClock::new();
//! clock.set(Duration::from_secs(59));
//! let mut verifier = TotpVerifier::new(totp.clone(), clock.clone());
//!
//! let code = totp.code_at(59); // what the manager's phone shows
//! assert_eq!(code, "287082");
//! assert_eq!(verifier.verify(&code), Ok(1)); // accepted for step 1
//! assert_eq!(verifier.verify(&code), Err(TotpError::Replayed)); // never twice
//! ```

use crate::clock::Clock;
use crate::mac::constant_time_eq;
use hmac::{Hmac, KeyInit, Mac};
use std::fmt;

/// The HMAC hash of a TOTP secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// HMAC-SHA-1, what authenticator apps default to (20-byte secrets).
    Sha1,
    /// HMAC-SHA-256 (32-byte secrets in RFC 6238's tests).
    Sha256,
    /// HMAC-SHA-512 (64-byte secrets in RFC 6238's tests).
    Sha512,
}

fn tag(algorithm: Algorithm, secret: &[u8], counter: u64) -> Vec<u8> {
    let message = counter.to_be_bytes();
    macro_rules! mac {
        ($hash:ty) => {{
            let mut mac = Hmac::<$hash>::new_from_slice(secret).expect("any key length");
            mac.update(&message);
            mac.finalize().into_bytes().to_vec()
        }};
    }
    match algorithm {
        Algorithm::Sha1 => mac!(sha1::Sha1),
        Algorithm::Sha256 => mac!(sha2::Sha256),
        Algorithm::Sha512 => mac!(sha2::Sha512),
    }
}

// ANCHOR: hotp
// ANCHOR: solution
/// HOTP (RFC 4226 §5.3): the `digits`-digit code for `counter`.
#[must_use]
pub fn hotp(algorithm: Algorithm, secret: &[u8], counter: u64, digits: u32) -> u32 {
    let tag = tag(algorithm, secret, counter);
    // Dynamic truncation: the low nibble of the last byte picks where to
    // read 31 bits.
    let offset = usize::from(tag[tag.len() - 1] & 0x0f);
    let bits = u32::from_be_bytes([
        tag[offset],
        tag[offset + 1],
        tag[offset + 2],
        tag[offset + 3],
    ]) & 0x7fff_ffff;
    bits % 10u32.pow(digits)
}
// ANCHOR_END: solution
// ANCHOR_END: hotp

/// One user's TOTP factor: algorithm, shared secret, code length and step.
#[derive(Clone)]
pub struct Totp {
    algorithm: Algorithm,
    secret: Vec<u8>,
    digits: u32,
    step: u64,
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Totp")
            .field("algorithm", &self.algorithm)
            .field("secret", &"<redacted>")
            .field("digits", &self.digits)
            .field("step", &self.step)
            .finish()
    }
}

impl Totp {
    /// A factor with 30-second steps counted from the Unix epoch (T0 = 0).
    ///
    /// # Panics
    ///
    /// Panics unless `digits` is 6, 7 or 8 (RFC 4226 §5.3).
    #[must_use]
    pub fn new(algorithm: Algorithm, secret: Vec<u8>, digits: u32) -> Self {
        assert!((6..=8).contains(&digits), "TOTP codes have 6 to 8 digits");
        Self {
            algorithm,
            secret,
            digits,
            step: 30,
        }
    }

    /// The time step that `unix_seconds` falls in.
    #[must_use]
    pub fn step_at(&self, unix_seconds: u64) -> u64 {
        unix_seconds / self.step
    }

    /// The code of a step, zero-padded to `digits`.
    #[must_use]
    pub fn code_for_step(&self, step: u64) -> String {
        let code = hotp(self.algorithm, &self.secret, step, self.digits);
        format!("{code:0width$}", width = self.digits as usize)
    }

    /// The code shown at `unix_seconds`.
    #[must_use]
    pub fn code_at(&self, unix_seconds: u64) -> String {
        self.code_for_step(self.step_at(unix_seconds))
    }
}

/// Why a code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpError {
    /// Not the code of the current, previous or next step.
    Invalid,
    /// The code of a step already used (or older than one used).
    Replayed,
    /// Too many failures in a row: the factor is locked.
    Locked,
}

impl fmt::Display for TotpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Invalid => "invalid one-time code",
            Self::Replayed => "one-time code already used",
            Self::Locked => "too many failed codes: factor locked",
        })
    }
}

impl std::error::Error for TotpError {}

/// Checks one user's codes, refusing replays and locking after failures.
#[derive(Debug, Clone)]
pub struct TotpVerifier<C> {
    totp: Totp,
    clock: C,
    last_step: Option<u64>,
    failures: u32,
}

/// Failures in a row after which [`TotpVerifier`] locks.
pub const MAX_FAILURES: u32 = 5;

// ANCHOR: verify
impl<C: Clock> TotpVerifier<C> {
    /// A verifier for `totp` reading Unix time from `clock`.
    pub fn new(totp: Totp, clock: C) -> Self {
        Self {
            totp,
            clock,
            last_step: None,
            failures: 0,
        }
    }

    // ANCHOR: solution
    /// Accepts `code` if it belongs to the current step or one step either
    /// side, and that step is later than any accepted before. Returns the
    /// step it matched.
    pub fn verify(&mut self, code: &str) -> Result<u64, TotpError> {
        if self.failures >= MAX_FAILURES {
            return Err(TotpError::Locked);
        }
        let now = self.totp.step_at(self.clock.now().as_secs());
        // Compare against every candidate, in constant time, without
        // stopping early: the answer's timing says nothing about which step.
        let mut matched = None;
        for step in now.saturating_sub(1)..=now + 1 {
            let candidate = self.totp.code_for_step(step);
            if constant_time_eq(candidate.as_bytes(), code.as_bytes()) {
                matched = Some(step);
            }
        }
        match matched {
            Some(step) if self.last_step.is_some_and(|last| step <= last) => {
                Err(TotpError::Replayed)
            }
            Some(step) => {
                self.last_step = Some(step);
                self.failures = 0;
                Ok(step)
            }
            None => {
                self.failures += 1;
                Err(TotpError::Invalid)
            }
        }
    }
    // ANCHOR_END: solution
}
// ANCHOR_END: verify

impl<C> TotpVerifier<C> {
    /// Unlocks the factor after an administrator has checked the user.
    pub fn reset_failures(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use proptest::prelude::*;
    use std::time::Duration;

    const SEED_20: &[u8] = b"12345678901234567890";
    const SEED_32: &[u8] = b"12345678901234567890123456789012";
    const SEED_64: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";

    /// RFC 4226 Appendix D: HOTP-SHA-1, 6 digits, counters 0-9.
    #[test]
    fn rfc_4226_appendix_d() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, code) in expected.into_iter().enumerate() {
            assert_eq!(hotp(Algorithm::Sha1, SEED_20, counter as u64, 6), code);
        }
    }

    /// RFC 6238 Appendix B: 8 digits, 30 s steps, one seed length per hash.
    #[test]
    fn rfc_6238_appendix_b() {
        let table: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1_111_111_109, "07081804", "68084774", "25091201"),
            (1_111_111_111, "14050471", "67062674", "99943326"),
            (1_234_567_890, "89005924", "91819424", "93441116"),
            (2_000_000_000, "69279037", "90698825", "38618901"),
            (20_000_000_000, "65353130", "77737706", "47863826"),
        ];
        let sha1 = Totp::new(Algorithm::Sha1, SEED_20.to_vec(), 8);
        let sha256 = Totp::new(Algorithm::Sha256, SEED_32.to_vec(), 8);
        let sha512 = Totp::new(Algorithm::Sha512, SEED_64.to_vec(), 8);
        for (time, code1, code256, code512) in table {
            assert_eq!(sha1.code_at(time), code1, "SHA-1 at {time}");
            assert_eq!(sha256.code_at(time), code256, "SHA-256 at {time}");
            assert_eq!(sha512.code_at(time), code512, "SHA-512 at {time}");
        }
        // The table's step column, for the first and last rows.
        assert_eq!(sha1.step_at(59), 1);
        assert_eq!(sha1.step_at(20_000_000_000), 0x27BC_86AA);
    }

    fn verifier_at(unix: u64) -> (TotpVerifier<ManualClock>, ManualClock, Totp) {
        let totp = Totp::new(Algorithm::Sha256, SEED_32.to_vec(), 6);
        let clock = ManualClock::new();
        clock.set(Duration::from_secs(unix));
        (TotpVerifier::new(totp.clone(), clock.clone()), clock, totp)
    }

    #[test]
    fn one_step_of_skew_each_way_and_no_more() {
        let (mut v, _, totp) = verifier_at(3000); // step 100
        assert_eq!(v.verify(&totp.code_for_step(98)), Err(TotpError::Invalid));
        assert_eq!(v.verify(&totp.code_for_step(99)), Ok(99));
        assert_eq!(v.verify(&totp.code_for_step(101)), Ok(101));
        assert_eq!(v.verify(&totp.code_for_step(102)), Err(TotpError::Invalid));
    }

    #[test]
    fn a_code_is_refused_for_the_rest_of_its_step_and_older_ones_too() {
        let (mut v, clock, totp) = verifier_at(3000);
        let now = totp.code_at(3000);
        assert_eq!(v.verify(&now), Ok(100));
        clock.advance(Duration::from_secs(29)); // same step
        assert_eq!(v.verify(&now), Err(TotpError::Replayed));
        clock.advance(Duration::from_secs(1)); // step 101: step 100 is still in the window
        assert_eq!(v.verify(&now), Err(TotpError::Replayed));
        assert_eq!(v.verify(&totp.code_at(3030)), Ok(101));
    }

    #[test]
    fn five_failures_lock_the_factor_until_reset() {
        let (mut v, _, totp) = verifier_at(3000);
        for _ in 0..MAX_FAILURES {
            assert_eq!(v.verify("000000"), Err(TotpError::Invalid));
        }
        assert_eq!(v.verify(&totp.code_at(3000)), Err(TotpError::Locked));
        v.reset_failures();
        assert_eq!(v.verify(&totp.code_at(3000)), Ok(100));
    }

    #[test]
    fn codes_keep_their_leading_zeros_and_secrets_do_not_print() {
        let sha1 = Totp::new(Algorithm::Sha1, SEED_20.to_vec(), 8);
        assert_eq!(sha1.code_at(1_111_111_109), "07081804");
        assert!(!format!("{sha1:?}").contains("1234"));
    }

    // Differential: the same codes as the `totp-rs` crate for all three
    // hashes, any secret and any time.
    proptest! {
        #[test]
        fn agrees_with_totp_rs(
            secret in proptest::collection::vec(any::<u8>(), 16..64),
            time in 0u64..40_000_000_000,
            digits in 6u32..=8,
            which in 0usize..3,
        ) {
            let (ours, theirs) = [
                (Algorithm::Sha1, totp_rs::Algorithm::SHA1),
                (Algorithm::Sha256, totp_rs::Algorithm::SHA256),
                (Algorithm::Sha512, totp_rs::Algorithm::SHA512),
            ][which];
            let reference =
                totp_rs::TOTP::new_unchecked(theirs, digits as usize, 1, 30, secret.clone());
            let totp = Totp::new(ours, secret, digits);
            prop_assert_eq!(totp.code_at(time), reference.generate(time));
        }
    }
}
