//! Card tokenization: the Go Coffee payment service charges cards without
//! ever storing a card number (PAN).
//!
//! PCI DSS puts every system that stores, processes or transmits a PAN *in
//! scope*: audited, segmented, hardened. Tokenization shrinks that scope to
//! one small service, the **vault**. The app sends the PAN to the vault (in
//! production straight from the payment form, so it never touches our API
//! servers); the vault checks it, keeps it, and returns a random token. The
//! payment service keeps only the token, the brand and the last four digits
//! (PCI DSS allows showing at most the first six and last four), and asks the
//! vault's processor connector to charge "the card behind `tok_…`".
//!
//! Two details matter:
//!
//! - **Tokens are random, not derived from the PAN.** A hash of a PAN is not
//!   a secret: with the issuer's 6-digit BIN and the last four known, a
//!   16-digit PAN has 6 unknown digits, and the Luhn check digit leaves only
//!   100 000 candidates; hashing them all takes milliseconds (a test below
//!   does it).
//! - **Same card, same token** lets the service recognise a returning card
//!   (one loyalty account per card, fraud velocity checks). The vault finds
//!   the existing token by a *keyed* fingerprint, HMAC-SHA-256 under a vault
//!   secret, which the brute force above cannot reproduce without the key.
//!
//! The Luhn check ([`crate::card_number`], ISO/IEC 7812) catches every single
//! mistyped digit and most swapped neighbours before a charge is even
//! attempted.
//!
//! Tokens here come from the injected [`SeededRng`] so that examples are
//! exact; a real vault draws them from the operating system's CSPRNG.
//!
//! ```
//! use coffee_patterns::card_vault::{luhn_valid, Brand, Vault};
//! use coffee_patterns::rng::SeededRng;
//!
//! assert!(luhn_valid("4242 4242 4242 4242"));
//! assert!(!luhn_valid("4242 4242 4242 4241"));
//!
//! let mut vault = Vault::new(b"vault-fingerprint-key".to_vec(), SeededRng::new(7));
//! let card = vault.tokenize("4242 4242 4242 4242").unwrap();
//! assert_eq!((card.brand, card.last4.as_str()), (Brand::Visa, "4242"));
//! assert!(card.token.as_str().starts_with("tok_"));
//! assert_eq!(card.masked(), "**** **** **** 4242");
//! // The same card again: the same token, found by the keyed fingerprint.
//! assert_eq!(vault.tokenize("4242424242424242").unwrap().token, card.token);
//! ```

use crate::card_number::{digits, luhn_sum};
use crate::digest::hmac_sha256;
use crate::rng::SeededRng;
use std::collections::HashMap;
use std::fmt;

pub use crate::card_number::{Brand, luhn_valid};

/// A vault token: random, meaningless outside the vault.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CardToken(String);

impl CardToken {
    /// The token text, `tok_` and 16 hex digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What the payment service may keep about a card: nothing that is a PAN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCard {
    /// The vault token to charge.
    pub token: CardToken,
    /// The network.
    pub brand: Brand,
    /// The last four digits, for receipts and "which card?" screens.
    pub last4: String,
}

impl StoredCard {
    /// The number as a receipt shows it.
    #[must_use]
    pub fn masked(&self) -> String {
        format!("**** **** **** {}", self.last4)
    }
}

/// Why a card number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardError {
    /// Characters other than digits, spaces and dashes, or not 12-19 digits.
    NotACardNumber,
    /// The Luhn check digit is wrong: most likely a typo.
    LuhnFailed,
    /// No card behind this token.
    UnknownToken,
}

impl fmt::Display for CardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotACardNumber => "not a card number",
            Self::LuhnFailed => "card number fails the Luhn check",
            Self::UnknownToken => "unknown card token",
        })
    }
}

impl std::error::Error for CardError {}

/// The card vault: the only place a PAN lives.
pub struct Vault {
    fingerprint_key: Vec<u8>,
    rng: SeededRng,
    by_token: HashMap<CardToken, String>,
    by_fingerprint: HashMap<[u8; 32], CardToken>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Even the vault's debug output shows no PAN.
        write!(f, "Vault({} cards)", self.by_token.len())
    }
}

// ANCHOR: tokenize
// ANCHOR: solution
impl Vault {
    /// An empty vault with a fingerprint key and a token generator.
    #[must_use]
    pub fn new(fingerprint_key: Vec<u8>, rng: SeededRng) -> Self {
        Self {
            fingerprint_key,
            rng,
            by_token: HashMap::new(),
            by_fingerprint: HashMap::new(),
        }
    }

    /// Checks a PAN and returns what the payment service may store. A card
    /// seen before gets its existing token.
    pub fn tokenize(&mut self, pan: &str) -> Result<StoredCard, CardError> {
        let digits = digits(pan).ok_or(CardError::NotACardNumber)?;
        if !luhn_sum(&digits).is_multiple_of(10) {
            return Err(CardError::LuhnFailed);
        }
        let pan: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        let fingerprint = hmac_sha256(&self.fingerprint_key, pan.as_bytes());
        let token = match self.by_fingerprint.get(&fingerprint) {
            Some(token) => token.clone(),
            None => {
                let token = CardToken(format!("tok_{:016x}", self.rng.next_u64()));
                self.by_token.insert(token.clone(), pan.clone());
                self.by_fingerprint.insert(fingerprint, token.clone());
                token
            }
        };
        Ok(StoredCard {
            token,
            brand: Brand::of(&digits),
            last4: pan[pan.len() - 4..].to_owned(),
        })
    }

    /// The PAN behind a token, for the processor connector only (the one
    /// caller inside the vault's PCI scope).
    pub fn detokenize_for_processor(&self, token: &CardToken) -> Result<&str, CardError> {
        self.by_token
            .get(token)
            .map(String::as_str)
            .ok_or(CardError::UnknownToken)
    }
}
// ANCHOR_END: solution
// ANCHOR_END: tokenize

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::{hex, sha256};

    #[test]
    fn the_payment_side_never_holds_the_pan() {
        let mut vault = Vault::new(b"k".to_vec(), SeededRng::new(1));
        let stored = vault.tokenize("5555-5555-5555-4444").unwrap();
        let everything_kept = format!("{stored:?} {}", stored.masked());
        assert!(!everything_kept.contains("5555555555554444"));
        assert!(!everything_kept.contains("555555555555"));
        assert!(!format!("{vault:?}").contains("5555"));
        assert_eq!(
            vault.detokenize_for_processor(&stored.token),
            Ok("5555555555554444")
        );
        let other = vault.tokenize("4111 1111 1111 1111").unwrap();
        assert_ne!(other.token, stored.token);
        assert_eq!(
            vault.detokenize_for_processor(&CardToken("tok_0".into())),
            Err(CardError::UnknownToken)
        );
    }

    #[test]
    fn the_same_card_keeps_its_token_however_it_is_written() {
        let mut vault = Vault::new(b"k".to_vec(), SeededRng::new(1));
        let first = vault.tokenize("4242 4242 4242 4242").unwrap();
        assert_eq!(vault.tokenize("4242-4242-4242-4242"), Ok(first.clone()));
        assert_eq!(vault.tokenize("4242424242424242"), Ok(first.clone()));
        assert_eq!(
            vault.detokenize_for_processor(&first.token),
            Ok("4242424242424242")
        );
    }

    #[test]
    fn brand_and_last_four_are_what_the_payment_side_keeps() {
        let mut vault = Vault::new(b"k".to_vec(), SeededRng::new(1));
        for (pan, brand, last4) in [
            ("4111 1111 1111 1111", Brand::Visa, "1111"),
            ("2223-0031-2200-3222", Brand::Mastercard, "3222"),
            ("378282246310005", Brand::Amex, "0005"),
            ("6011111111111117", Brand::Discover, "1117"),
        ] {
            let stored = vault.tokenize(pan).unwrap();
            assert_eq!(
                (stored.brand, stored.last4.as_str()),
                (brand, last4),
                "{pan}"
            );
            assert_eq!(stored.masked(), format!("**** **** **** {last4}"));
        }
    }

    #[test]
    fn malformed_numbers_are_refused() {
        let mut vault = Vault::new(b"k".to_vec(), SeededRng::new(1));
        assert_eq!(
            vault.tokenize("4242424242424241"),
            Err(CardError::LuhnFailed)
        );
        assert_eq!(
            vault.tokenize("4242-4242-4242-424x"),
            Err(CardError::NotACardNumber)
        );
        assert_eq!(vault.tokenize("42424242"), Err(CardError::NotACardNumber));
        assert_eq!(vault.tokenize(""), Err(CardError::NotACardNumber));
        assert_eq!(
            vault.tokenize("79927398713"),
            Err(CardError::NotACardNumber),
            "a valid Luhn number, but 11 digits are no card"
        );
    }

    /// Why the token is random and the fingerprint keyed: an unkeyed hash of
    /// a PAN falls to brute force over the 100 000 Luhn-valid candidates that
    /// the BIN and the last four leave, and a token made from one would too.
    #[test]
    fn an_unkeyed_pan_hash_is_reversed_by_brute_force_and_a_token_is_not_one() {
        let pan = "4012888888881881";
        let mut vault = Vault::new(b"vault-fingerprint-key".to_vec(), SeededRng::new(3));
        let stored = vault.tokenize(pan).unwrap();
        let (bin, last4) = ("401288", stored.last4.as_str());
        let candidates: Vec<String> = (0..1_000_000u32)
            .map(|middle| format!("{bin}{middle:06}{last4}"))
            .filter(|pan| luhn_valid(pan))
            .collect();
        assert_eq!(candidates.len(), 100_000);

        let leaked = sha256(pan.as_bytes());
        let found = candidates.iter().find(|c| sha256(c.as_bytes()) == leaked);
        assert_eq!(found.map(String::as_str), Some(pan));

        // The vault's token is no unkeyed hash of any candidate, in whole
        // or in part, so the same search finds nothing behind it.
        let token = stored.token.as_str().trim_start_matches("tok_");
        assert!(!token.is_empty());
        assert!(
            candidates
                .iter()
                .all(|c| !hex(&sha256(c.as_bytes())).contains(token)),
            "{token} is part of the SHA-256 of a candidate PAN"
        );
    }
}
