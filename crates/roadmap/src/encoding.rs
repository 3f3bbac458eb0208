//! Text that arrived in the wrong encoding: bytes that are not UTF-8, and
//! UTF-8 text that was decoded once too often ("mojibake", e.g. `üó∫Ô∏è` for
//! 🗺️ after a trip through Mac Roman).

use encoding_rs::{Encoding, MACINTOSH, WINDOWS_1252};

/// The legacy encodings whose mojibake we recognise, most likely first.
const LEGACY: [&Encoding; 2] = [MACINTOSH, WINDOWS_1252];

/// A run of double-encoded text found in a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mojibake {
    /// Byte range of the run in the text.
    pub range: std::ops::Range<usize>,
    /// The text as it was meant.
    pub repaired: String,
    /// The legacy encoding it went through (`macintosh`, `windows-1252`).
    pub via: &'static str,
}

/// Finds every run of non-ASCII characters in `text` that is UTF-8 read as
/// Mac Roman or Windows-1252: re-encoding the run gives valid UTF-8 with at
/// least one multi-byte character.
///
/// ```
/// let found = roadmap::find_mojibake("# \u{f8ff}üó∫Ô∏è Plan");
/// assert_eq!(found[0].repaired, "🗺️");
/// assert_eq!(found[0].via, "macintosh");
/// assert!(roadmap::find_mojibake("café ☕ 🗺️").is_empty());
/// ```
#[must_use]
pub fn find_mojibake(text: &str) -> Vec<Mojibake> {
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_ascii() {
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if next.is_ascii() {
                break;
            }
            end = i + next.len_utf8();
            chars.next();
        }
        if let Some((repaired, via)) = repair(&text[start..end]) {
            found.push(Mojibake {
                range: start..end,
                repaired,
                via,
            });
        }
    }
    found
}

/// The text `run` was before it was decoded with a legacy encoding, if it
/// reads as such.
fn repair(run: &str) -> Option<(String, &'static str)> {
    LEGACY.iter().find_map(|encoding| {
        let (bytes, _, unmappable) = encoding.encode(run);
        if unmappable {
            return None;
        }
        let original = std::str::from_utf8(&bytes).ok()?;
        // Combining marks and C1 controls on their own are what a wrong
        // guess of the legacy encoding produces, not what an author wrote.
        if original
            .chars()
            .any(|c| matches!(c, '\u{80}'..='\u{9f}' | '\u{300}'..='\u{36f}'))
        {
            return None;
        }
        // Plain Latin text re-encodes to itself only when it was ASCII; a
        // real repair shortens the text (several legacy characters make one).
        (original.chars().count() < run.chars().count())
            .then(|| (original.to_owned(), encoding.name()))
    })
}

/// Where `bytes` stops being valid UTF-8, as a byte offset, if it does.
#[must_use]
pub fn first_invalid_utf8(bytes: &[u8]) -> Option<usize> {
    std::str::from_utf8(bytes)
        .err()
        .map(|err| err.valid_up_to())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_every_emoji_of_the_seed_roadmap() {
        // Each pair: what the seed file holds, what its author wrote.
        let cases = [
            ("\u{f8ff}üó∫Ô∏è", "🗺️"),
            ("\u{f8ff}üìã", "📋"),
            ("‚ö°", "⚡"),
            ("‚òï", "☕"),
            ("\u{f8ff}üõ°Ô∏è", "🛡️"),
            ("\u{f8ff}üéâ", "🎉"),
        ];
        for (seen, meant) in cases {
            let found = find_mojibake(&format!("a {seen} b"));
            assert_eq!(found.len(), 1, "{seen}");
            assert_eq!(found[0].repaired, meant);
            assert_eq!(found[0].range, 2..2 + seen.len());
        }
    }

    #[test]
    fn repairs_windows_1252_mojibake() {
        let found = find_mojibake("CafÃ© au lait");
        assert_eq!(found[0].repaired, "é");
        assert_eq!(found[0].via, "windows-1252");
    }

    #[test]
    fn leaves_correct_text_alone() {
        for text in ["naïve café", "Ünïcödé", "→ ✓ 🎯", "日本語", "a – b — c"] {
            assert_eq!(find_mojibake(text), vec![], "{text}");
        }
    }

    #[test]
    fn finds_where_utf8_breaks() {
        assert_eq!(first_invalid_utf8(b"ok \xff"), Some(3));
        assert_eq!(first_invalid_utf8("ok ✓".as_bytes()), None);
    }
}
