//! Week numbers named in prose: `Weeks 1, 3, 5, 11-12`, `Skip Weeks 1-2`,
//! `16-20 weeks instead of 12`.

use crate::WeekRange;

/// The week numbers that follow the word "week(s)" in `text`, sorted and
/// without duplicates: `Focus on Weeks 1, 3, 5, 11-12` gives 1, 3, 5, 11, 12.
///
/// ```
/// assert_eq!(roadmap::weeks_named("Weeks 1, 3, 5, 11-12"), [1, 3, 5, 11, 12]);
/// assert_eq!(roadmap::weeks_named("Skip Weeks 1-2"), [1, 2]);
/// assert_eq!(roadmap::weeks_named("Take 16-20 weeks instead of 12"), Vec::<u32>::new());
/// ```
#[must_use]
pub fn weeks_named(text: &str) -> Vec<u32> {
    let lower = text.to_lowercase();
    let mut weeks = Vec::new();
    let mut rest = lower.as_str();
    while let Some(at) = find_word(rest, "week") {
        rest = &rest[at + 4..];
        rest = rest.strip_prefix('s').unwrap_or(rest);
        let mut cursor = Cursor(rest);
        cursor.spaces();
        while let Some(range) = cursor.range() {
            // A range like 1-200 is a typo, not a plan: cap what we expand.
            if range.max >= range.min && range.max - range.min < 1000 {
                weeks.extend(range.min..=range.max);
            }
            let before = cursor.0;
            cursor.spaces();
            if !(cursor.eat(",") || cursor.eat("&") || cursor.eat("and ")) {
                cursor.0 = before;
                break;
            }
            cursor.spaces();
            cursor.eat("and ");
            cursor.spaces();
        }
        rest = cursor.0;
    }
    weeks.sort_unstable();
    weeks.dedup();
    weeks
}

/// A duration in weeks named in `text` (`16-20 weeks`, `6 weeks`).
///
/// ```
/// let range = roadmap::duration_named("Take 16-20 weeks instead of 12").unwrap();
/// assert_eq!((range.min, range.max), (16, 20));
/// assert!(roadmap::duration_named("Weeks 1-2").is_none());
/// ```
#[must_use]
pub fn duration_named(text: &str) -> Option<WeekRange> {
    let lower = text.to_lowercase();
    let bytes = lower.as_bytes();
    (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
        .find_map(|i| {
            let mut cursor = Cursor(&lower[i..]);
            let range = cursor.range()?;
            cursor.spaces();
            cursor.eat("week").then_some(range)
        })
}

/// The byte offset of `word` in `text` where it starts a word.
fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || !text.as_bytes()[i - 1].is_ascii_alphanumeric())
}

/// A tiny hand-written scanner over the rest of a string.
struct Cursor<'a>(&'a str);

impl Cursor<'_> {
    fn spaces(&mut self) {
        self.0 = self.0.trim_start();
    }

    fn eat(&mut self, token: &str) -> bool {
        match self.0.strip_prefix(token) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    fn number(&mut self) -> Option<u32> {
        let digits = self.0.bytes().take_while(u8::is_ascii_digit).count();
        let value = self.0[..digits].parse().ok()?;
        self.0 = &self.0[digits..];
        Some(value)
    }

    /// `N` or `N-M` (hyphen, en dash, or "to").
    fn range(&mut self) -> Option<WeekRange> {
        let min = self.number()?;
        let before = self.0;
        self.spaces();
        if self.eat("-") || self.eat("\u{2013}") || self.eat("to ") {
            self.spaces();
            if let Some(max) = self.number() {
                return Some(WeekRange { min, max });
            }
        }
        self.0 = before;
        Some(WeekRange { min, max: min })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_week_sets_of_the_shipped_tracks() {
        assert_eq!(
            weeks_named("Start with Week 3 if fundamentals are solid"),
            [3]
        );
        assert_eq!(weeks_named("Spend more time on Weeks 9-10"), [9, 10]);
        assert_eq!(weeks_named("Spend extra time on Weeks 1-4"), [1, 2, 3, 4]);
        assert_eq!(weeks_named("Weeks 1 and 3"), [1, 3]);
        assert_eq!(weeks_named("Weeks 2 – 3, 1"), [1, 2, 3]);
        assert!(weeks_named("Multiple sessions per week").is_empty());
        assert!(weeks_named("midweek 3").is_empty());
    }

    #[test]
    fn reads_durations() {
        let range = duration_named("6-8 weeks intensive preparation").unwrap();
        assert_eq!((range.min, range.max), (6, 8));
        let range = duration_named("Total: 12 weeks (3 months)").unwrap();
        assert_eq!((range.min, range.max), (12, 12));
        assert!(duration_named("3-4 hours daily").is_none());
    }
}
