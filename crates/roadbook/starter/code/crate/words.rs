//! Counting words: the exercise of week 1.

/// The number of words in `text`: runs of characters between whitespace.
///
/// ```
/// use reference_code::words::count;
///
/// assert_eq!(count("hello world"), 2);
/// assert_eq!(count("  spaces   everywhere  "), 2);
/// assert_eq!(count("\n\t"), 0);
/// ```
#[must_use]
pub fn count(text: &str) -> usize {
    text.split_whitespace().count()
}
