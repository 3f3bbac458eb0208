//! Card numbers (PANs): their digits, the Luhn check digit and the card
//! network, as the Go Coffee card vault reads them before it stores one.
//!
//! A PAN has 12 to 19 digits (ISO/IEC 7812), written with or without spaces
//! or dashes between groups. Its last digit is a **Luhn** check digit: from
//! the right, every second digit is doubled (a two-digit result counts as the
//! sum of its digits) and the total must be a multiple of 10. That catches
//! every single mistyped digit and most swapped neighbours before a charge is
//! even attempted, and exactly one number in ten passes it by chance. The
//! leading digits name the **brand** (the card network).
//!
//! ```
//! use coffee_patterns::card_number::luhn_valid;
//!
//! assert!(luhn_valid("4242 4242 4242 4242"));
//! assert!(luhn_valid("4242-4242-4242-4242"));
//! assert!(!luhn_valid("4242 4242 4242 4241")); // one digit off
//! assert!(!luhn_valid("79927398713")); // valid Luhn, but 11 digits are no card
//! ```

// ANCHOR: luhn
/// Whether `number` (digits, optionally grouped by spaces or dashes) has
/// 12 to 19 digits and a valid Luhn check digit.
#[must_use]
pub fn luhn_valid(number: &str) -> bool {
    digits(number).is_some_and(|d| luhn_sum(&d).is_multiple_of(10))
}

/// The Luhn sum: from the right, every second digit is doubled and, if
/// that gives two digits, their sum is taken (`2 × 8 = 16 → 7`).
pub(crate) fn luhn_sum(digits: &[u8]) -> u32 {
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
pub(crate) fn digits(number: &str) -> Option<Vec<u8>> {
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
    /// The brand of a card number's digits (at least 12 of them).
    pub(crate) fn of(digits: &[u8]) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn digits_allow_spaces_and_dashes_only() {
        assert_eq!(digits("4242-4242 4242-4242").map(|d| d.len()), Some(16));
        assert_eq!(digits("4242-4242-4242-424x"), None);
        assert_eq!(digits("42424242"), None);
        assert_eq!(digits("4".repeat(20).as_str()), None);
        assert_eq!(digits(""), None);
    }
}
