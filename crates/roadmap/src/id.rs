//! Stable IDs: readable slugs derived from an element's own text (never its
//! position), so that editing one item does not change the IDs of others.

/// Words left out of slugs: they make IDs longer without telling items apart.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "in", "on", "for", "to", "with", "at", "by", "from",
    "into", "vs", "is", "are",
];

/// The most words a slug keeps.
const MAX_WORDS: usize = 8;

/// The slug of `text`: lowercase ASCII words of letters and digits joined by
/// `-`, without Markdown, apostrophes or stop words, at most eight words.
///
/// ```
/// assert_eq!(
///     roadmap::slug("Review the **Parser** module's error paths"),
///     "review-parser-modules-error-paths"
/// );
/// assert_eq!(roadmap::slug("Sort 1,000,000 numbers in 2 seconds"), "sort-1-000-000-numbers-2-seconds");
/// assert_eq!(
///     roadmap::slug("one two three four five six seven eight nine"),
///     "one-two-three-four-five-six-seven-eight"
/// );
/// ```
#[must_use]
pub fn slug(text: &str) -> String {
    let lowered: String = text
        .chars()
        .filter(|c| !matches!(c, '\'' | '\u{2019}'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    lowered
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty() && !STOP_WORDS.contains(word))
        .take(MAX_WORDS)
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether `id` is a valid ID: lowercase ASCII letters, digits and inner
/// dashes, so that it is usable as a URL fragment and a file name.
#[must_use]
pub fn is_valid(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The `<!-- id: xyz -->` override in `text`, if any, with its byte range in
/// `text`.
pub(crate) fn find_override(text: &str) -> Option<(String, std::ops::Range<usize>)> {
    comments(text).find_map(|(inner, range)| {
        let value = inner.strip_prefix("id:")?.trim();
        Some((value.to_owned(), range))
    })
}

/// The old IDs an `<!-- was: old-id, older-id -->` comment in `text` records
/// (an alias: progress saved under an old ID follows the item), with the
/// comment's byte range in `text`. Empty names are left out.
pub(crate) fn find_aliases(text: &str) -> Option<(Vec<String>, std::ops::Range<usize>)> {
    comments(text).find_map(|(inner, range)| {
        let value = inner.strip_prefix("was:")?;
        let names = value
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect();
        Some((names, range))
    })
}

/// Every complete `<!-- … -->` comment of `text`: its trimmed inside and its
/// byte range.
fn comments(text: &str) -> impl Iterator<Item = (&str, std::ops::Range<usize>)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + text[from..].find("<!--")?;
        let end = start + 4 + text[start + 4..].find("-->")? + 3;
        from = end;
        Some((text[start + 4..end - 3].trim(), start..end))
    })
}

/// The ID of week `number` (`w01`).
#[must_use]
pub(crate) fn week_id(number: u32) -> String {
    format!("w{number:02}")
}

/// The ID of an element of week `number` whose own text is `text`.
#[must_use]
#[cfg(test)]
pub(crate) fn in_week(number: u32, text: &str) -> String {
    join(&week_id(number), &slug(text))
}

/// `prefix-slug`, or just `prefix` when the slug is empty.
pub(crate) fn join(prefix: &str, slug: &str) -> String {
    if slug.is_empty() {
        prefix.to_owned()
    } else if prefix.is_empty() {
        slug.to_owned()
    } else {
        format!("{prefix}-{slug}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, expect: &str) {
        assert_eq!(slug(text), expect, "slug of {text:?}");
    }

    #[test]
    fn slugs_drop_markup_stop_words_and_apostrophes() {
        check(
            "Identify bottlenecks in order processing pipeline",
            "identify-bottlenecks-order-processing-pipeline",
        );
        check(
            "Mock  on coffee ordering system scaling",
            "mock-coffee-ordering-system-scaling",
        );
        check(
            "Build kitchen-to-customer communication system",
            "build-kitchen-customer-communication-system",
        );
        check(
            "Optimize API response time from 100ms to 50ms",
            "optimize-api-response-time-100ms-50ms",
        );
        check(
            "You've mastered system design! 🎉",
            "youve-mastered-system-design",
        );
        check("🎯 ", "");
    }

    #[test]
    fn slugs_keep_at_most_eight_words() {
        check(
            "one two three four five six seven eight nine ten",
            "one-two-three-four-five-six-seven-eight",
        );
    }

    #[test]
    fn ids_in_a_week_are_prefixed() {
        assert_eq!(
            in_week(1, "Implement circuit breaker pattern in Go Coffee"),
            "w01-implement-circuit-breaker-pattern-go-coffee"
        );
        assert_eq!(in_week(12, ""), "w12");
    }

    #[test]
    fn overrides_are_found_in_comments() {
        let (id, range) = find_override("Do it <!-- id: w01-x --> now").unwrap();
        assert_eq!(id, "w01-x");
        assert_eq!(range, 6..24);
        assert!(find_override("<!-- a note -->").is_none());
        let (id, range) = find_override("Do it <!-- was: w01-y --> <!-- id: w01-x -->").unwrap();
        assert_eq!(
            (id.as_str(), range),
            ("w01-x", 26..44),
            "the override need not come first"
        );
    }

    #[test]
    fn aliases_are_found_in_their_own_comment() {
        let (names, range) =
            find_aliases("Do it <!-- id: w01-x --> <!-- was: w01-a, w01-b , -->").unwrap();
        assert_eq!(names, ["w01-a", "w01-b"]);
        assert_eq!(range, 25..53);
        assert!(find_aliases("Do it <!-- id: w01-x -->").is_none());
        assert!(
            find_aliases("Do it <!-- was: w01-x").is_none(),
            "an unclosed comment is text"
        );
    }

    #[test]
    fn validity() {
        assert!(is_valid("w01-circuit-breaker"));
        for bad in ["", "W01", "a--b", "-a", "a-", "a b", "é"] {
            assert!(!is_valid(bad), "{bad:?}");
        }
    }
}
