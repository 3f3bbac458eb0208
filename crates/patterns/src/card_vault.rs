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
//! The Luhn check (ISO/IEC 7812) catches every single mistyped digit and most
//! swapped neighbours before a charge is even attempted.
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

use crate::mac::hmac_sha256;
use crate::rng::SeededRng;
use std::collections::HashMap;
use std::fmt;

// ANCHOR: luhn
/// Whether `number` (digits, optionally grouped by spaces or dashes) has
/// 12 to 19 digits and a valid Luhn check digit.
#[must_use]
pub fn luhn_valid(number: &str) -> bool {
    digits(number).is_some_and(|d| luhn_sum(&d).is_multiple_of(10))
}

/// The Luhn sum: from the right, every second digit is doubled and, if
/// that gives two digits, their sum is taken (`2 × 8 = 16 → 7`).
fn luhn_sum(digits: &[u8]) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 1 {
                if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
            } else {
                d
            }
        })
        .sum()
}
// ANCHOR_END: luhn

/// The digits of a card number, or `None` if it has other characters or a
/// length outside 12..=19.
fn digits(number: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(19);
    for c in number.chars() {
        match c {
            '0'..='9' => out.push(c as u8 - b'0'),
            ' ' | '-' => {}
            _ => return None,
        }
    }
    (12..=19).contains(&out.len()).then_some(out)
}

/// The card network, from the number's leading digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brand {
    /// Starts with 4.
    Visa,
    /// 51-55 or 2221-2720.
    Mastercard,
    /// 34 or 37.
    Amex,
    /// 6011 or 65.
    Discover,
    /// Anything else.
    Other,
}

impl Brand {
    fn of(digits: &[u8]) -> Self {
        let prefix = |n: usize| {
            digits[..n]
                .iter()
                .fold(0u32, |acc, &d| acc * 10 + u32::from(d))
        };
        match (prefix(1), prefix(2), prefix(4)) {
            (4, _, _) => Self::Visa,
            (_, 51..=55, _) | (_, _, 2221..=2720) => Self::Mastercard,
            (_, 34 | 37, _) => Self::Amex,
            (_, 65, _) | (_, _, 6011) => Self::Discover,
            _ => Self::Other,
        }
    }
}

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
// ANCHOR_END: tokenize

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mac::sha256;

    /// Published test numbers: the Luhn example of ISO/IEC 7812 texts
    /// (79927398713) and the card networks' test PANs.
    #[test]
    fn published_valid_numbers_pass() {
        for pan in [
            "79927398713",      // 11 digits: a valid Luhn number, too short for a card
            "4111111111111111", // Visa
            "4242424242424242", // Visa
            "4012888888881881", // Visa
            "5555555555554444", // Mastercard
            "2223003122003222", // Mastercard 2-series
            "378282246310005",  // Amex
            "6011111111111117", // Discover
        ] {
            assert!(
                luhn_sum(&pan.bytes().map(|b| b - b'0').collect::<Vec<_>>()).is_multiple_of(10),
                "{pan}"
            );
        }
        assert!(!luhn_valid("79927398713"), "cards have at least 12 digits");
        assert!(luhn_valid("378282246310005"));
    }

    #[test]
    fn every_other_check_digit_fails() {
        for last in 0..=9 {
            assert_eq!(luhn_valid(&format!("411111111111111{last}")), last == 1);
            let short = format!("7992739871{last}");
            assert_eq!(
                luhn_sum(&short.bytes().map(|b| b - b'0').collect::<Vec<_>>()).is_multiple_of(10),
                last == 3
            );
        }
    }

    #[test]
    fn every_single_digit_typo_is_caught() {
        let pan: Vec<u8> = "4242424242424242".bytes().map(|b| b - b'0').collect();
        for at in 0..pan.len() {
            for d in 0..=9 {
                if d != pan[at] {
                    let mut typo = pan.clone();
                    typo[at] = d;
                    assert!(!luhn_sum(&typo).is_multiple_of(10));
                }
            }
        }
    }

    #[test]
    fn brands_come_from_the_prefix() {
        let brand = |pan: &str| Brand::of(&digits(pan).unwrap());
        assert_eq!(brand("4111111111111111"), Brand::Visa);
        assert_eq!(brand("5555555555554444"), Brand::Mastercard);
        assert_eq!(brand("2223003122003222"), Brand::Mastercard);
        assert_eq!(brand("378282246310005"), Brand::Amex);
        assert_eq!(brand("6011111111111117"), Brand::Discover);
        assert_eq!(brand("3566002020360505"), Brand::Other); // JCB
    }

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
    }

    /// Why the token is random and the fingerprint keyed: an unkeyed hash of
    /// a PAN falls to brute force over the 100 000 Luhn-valid candidates.
    #[test]
    fn an_unkeyed_pan_hash_is_reversed_by_brute_force() {
        let leaked = sha256(b"4012888888881881");
        let (bin, last4) = ("401288", "1881");
        let mut tried = 0;
        let found = (0..1_000_000u32)
            .map(|middle| format!("{bin}{middle:06}{last4}"))
            .filter(|pan| luhn_valid(pan))
            .inspect(|_| tried += 1)
            .find(|pan| sha256(pan.as_bytes()) == leaked);
        assert_eq!(found.as_deref(), Some("4012888888881881"));
        assert!(tried <= 100_000);
    }
}
