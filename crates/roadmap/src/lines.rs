//! Line and column numbers: where each line of a text starts, found once,
//! so that any byte offset becomes a [`Span`] by binary search. Lines end at
//! LF, CRLF or a lone CR, as CommonMark says; columns count characters.

use std::ops::Range;

use crate::Span;

/// The line starts of one text.
///
/// ```
/// let text = "one\r\ntwo\rthree\nfour";
/// let lines = roadmap::LineIndex::new(text);
/// assert_eq!(lines.len(), 4);
/// let at = text.find("three").unwrap();
/// let span = lines.span(text, at..at + 5);
/// assert_eq!((span.line, span.column), (3, 1));
/// assert_eq!(lines.line_start(3), Some(at));
/// assert_eq!(lines.line_start(5), None);
/// ```
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// The lines of `source`.
    #[must_use]
    pub fn new(source: &str) -> Self {
        let bytes = source.as_bytes();
        let ends = bytes
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')));
        let starts = std::iter::once(0).chain(ends.map(|(i, _)| i + 1)).collect();
        Self { starts }
    }

    /// How many lines the text has (a final line ending starts an empty
    /// last line; the empty text has one line).
    #[must_use]
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Never: every text has at least one line.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The 1-based line holding byte `offset` (an offset past the end is on
    /// the last line).
    #[must_use]
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    /// The byte offset where 1-based line `line` starts, if the text has it.
    #[must_use]
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// The span of `range` in `source` (the text this index was made
    /// from), with the line and column of its start.
    #[must_use]
    pub fn span(&self, source: &str, range: Range<usize>) -> Span {
        let line = self.line(range.start);
        let line_start = self.starts[line - 1];
        let column = source
            .get(line_start..range.start)
            .map_or(1, |before| before.chars().count() + 1);
        Span {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            start: range.start,
            end: range.end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_ending_starts_a_line() {
        let text = "a\nb\r\nc\rd";
        let lines = LineIndex::new(text);
        let at = |c: char| lines.line(text.find(c).unwrap());
        assert_eq!([at('a'), at('b'), at('c'), at('d')], [1, 2, 3, 4]);
        // The LF of a CRLF is on the line the CR ends.
        assert_eq!(lines.line(text.find('\n').unwrap()), 1);
        assert_eq!(lines.line(4), 2, "the LF of CRLF belongs to line 2");
        assert_eq!(LineIndex::new("").len(), 1);
        assert_eq!(LineIndex::new("x\n").len(), 2);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "# Überblick: ☕ tasks";
        let at = text.find("tasks").unwrap();
        let span = LineIndex::new(text).span(text, at..at + 5);
        assert_eq!((span.line, span.column), (1, 16));
    }

    #[test]
    fn an_offset_past_the_end_is_on_the_last_line() {
        let lines = LineIndex::new("a\nb");
        assert_eq!(lines.line(99), 2);
        assert_eq!(lines.line_start(0), None);
        assert_eq!(lines.line_start(2), Some(2));
    }
}
