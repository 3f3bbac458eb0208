//! The lines a diagnostic points at, shaped for codespan-reporting: lines end
//! at LF, CRLF or a lone CR, and a long line is cut to a window around what
//! is underlined, so a one-line 100 KB file prints a few dozen characters
//! per diagnostic, not the whole line each time. Line and column numbers stay
//! those of the file.

use std::collections::BTreeSet;
use std::ops::Range;

use codespan_reporting::files::{Error, Files};
use roadmap::LineIndex;

/// Lines longer than this many bytes are shown cut around the span.
pub(crate) const WIDTH: usize = 160;

/// Where each line of a text starts, computed once per file.
#[derive(Debug, Clone)]
pub(crate) struct Lines {
    index: LineIndex,
    /// Whether some line ends with a lone CR (codespan would not see it).
    lone_cr: bool,
}

impl Lines {
    /// The lines of `text`.
    pub(crate) fn of(text: &str) -> Lines {
        let bytes = text.as_bytes();
        let lone_cr = bytes
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        Lines {
            index: LineIndex::new(text),
            lone_cr,
        }
    }

    /// The 0-based line of byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.index.line(offset) - 1
    }

    /// Where 0-based line `line` starts (the end of the text past the last).
    fn start(&self, text: &str, line: usize) -> usize {
        self.index.line_start(line + 1).unwrap_or(text.len())
    }

    /// The text of line `line`, without its line ending.
    fn content(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.start(text, line);
        let end = self.start(text, line + 1);
        let body = text[start..end].trim_end_matches(['\n', '\r']);
        start..start + body.len()
    }

    /// Whether codespan-reporting would show `ranges` of `text` wrongly or
    /// at great length: a lone CR anywhere, or a long line under a range.
    pub(crate) fn need_excerpt(&self, text: &str, ranges: &[Range<usize>]) -> bool {
        self.lone_cr
            || ranges.iter().any(|range| {
                [range.start, range.end].into_iter().any(|offset| {
                    let line = self.line_of(offset.min(text.len()));
                    self.content(text, line).len() > WIDTH
                })
            })
    }
}

/// One shown line.
#[derive(Debug)]
struct Shown {
    /// Its 0-based line in the file.
    line: usize,
    /// The part of the file's line that is shown.
    kept: Range<usize>,
    /// The line in the excerpt's text, with its marks and newline.
    text: Range<usize>,
    /// Where `kept.start` is in the excerpt's text.
    body: usize,
    /// Characters of the file's line before `kept.start`.
    column_base: usize,
}

/// The shown lines of one file.
#[derive(Debug)]
pub(crate) struct Excerpt {
    name: String,
    text: String,
    shown: Vec<Shown>,
}

impl Excerpt {
    /// The lines of `text` (named `name`, split as `lines`) that `ranges`
    /// touch, with one line of context either side.
    pub(crate) fn new(name: &str, text: &str, lines: &Lines, ranges: &[Range<usize>]) -> Excerpt {
        let last = lines.index.len() - 1;
        let mut wanted = BTreeSet::new();
        for range in ranges {
            let first = lines.line_of(range.start.min(text.len()));
            let end = lines.line_of(range.end.min(text.len()));
            wanted.extend(first.saturating_sub(1)..=(end + 1).min(last));
        }
        let mut excerpt = Excerpt {
            name: name.to_owned(),
            text: String::new(),
            shown: Vec::new(),
        };
        for line in wanted {
            let content = lines.content(text, line);
            let kept = if content.len() <= WIDTH {
                content.clone()
            } else {
                let focus = ranges
                    .iter()
                    .flat_map(|r| [r.start, r.end])
                    .find(|offset| content.contains(offset) || *offset == content.end)
                    .unwrap_or(content.start);
                let start = floor(text, focus.saturating_sub(WIDTH / 3).max(content.start));
                let end = ceil(text, (start + WIDTH).min(content.end));
                start..end
            };
            let at = excerpt.text.len();
            if kept.start > content.start {
                excerpt.text.push('…');
            }
            let body = excerpt.text.len();
            excerpt.text.push_str(&text[kept.clone()]);
            if kept.end < content.end {
                excerpt.text.push('…');
            }
            excerpt.text.push('\n');
            excerpt.shown.push(Shown {
                line,
                column_base: text[content.start..kept.start].chars().count(),
                kept,
                text: at..excerpt.text.len(),
                body,
            });
        }
        excerpt
    }

    /// Where the file's byte `offset` is in the excerpt's text (clamped to
    /// the shown part of its line).
    pub(crate) fn map(&self, lines: &Lines, offset: usize) -> usize {
        let line = lines.line_of(offset);
        match self.shown.binary_search_by_key(&line, |s| s.line) {
            Ok(i) => {
                let shown = &self.shown[i];
                let offset = offset.clamp(shown.kept.start, shown.kept.end);
                shown.body + (offset - shown.kept.start)
            }
            Err(_) => 0,
        }
    }

    fn shown(&self, line: usize) -> Result<&Shown, Error> {
        self.shown
            .binary_search_by_key(&line, |s| s.line)
            .map(|i| &self.shown[i])
            .map_err(|_| Error::LineTooLarge {
                given: line,
                max: self.shown.last().map_or(0, |s| s.line),
            })
    }
}

/// The excerpts of the files one diagnostic points into, by file id.
#[derive(Debug, Default)]
pub(crate) struct Excerpts {
    /// The excerpts; a label's file id is its index here.
    pub(crate) files: Vec<Excerpt>,
}

impl<'a> Files<'a> for Excerpts {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.files.get(id).ok_or(Error::FileMissing)?.name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        Ok(&self.files.get(id).ok_or(Error::FileMissing)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        let excerpt = self.files.get(id).ok_or(Error::FileMissing)?;
        let at = excerpt
            .shown
            .partition_point(|s| s.text.start <= byte_index)
            .max(1)
            - 1;
        excerpt
            .shown
            .get(at)
            .map(|s| s.line)
            .ok_or(Error::IndexTooLarge {
                given: byte_index,
                max: excerpt.text.len(),
            })
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let excerpt = self.files.get(id).ok_or(Error::FileMissing)?;
        Ok(excerpt.shown(line_index)?.text.clone())
    }

    fn column_number(
        &'a self,
        id: usize,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, Error> {
        let excerpt = self.files.get(id).ok_or(Error::FileMissing)?;
        let shown = excerpt.shown(line_index)?;
        let end = shown.body + shown.kept.len();
        let within = byte_index.clamp(shown.body, end);
        Ok(shown.column_base + excerpt.text[shown.body..within].chars().count() + 1)
    }
}

fn floor(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let text = "a\nb\r\nc\rd";
        let lines = Lines::of(text);
        let starts: Vec<usize> = (0..4).map(|line| lines.start(text, line)).collect();
        assert_eq!(starts, [0, 2, 5, 7]);
        assert!(lines.lone_cr);
        assert_eq!(&text[lines.content(text, 1)], "b");
        assert_eq!(lines.line_of(text.find('d').unwrap()), 3);
    }

    #[test]
    fn a_long_line_is_cut_around_the_range_keeping_its_column() {
        let text = format!("{}TARGET{}\nnext\n", "x".repeat(5000), "y".repeat(5000));
        let lines = Lines::of(&text);
        let at = text.find("TARGET").unwrap();
        let range = at..at + 6;
        assert!(lines.need_excerpt(&text, std::slice::from_ref(&range)));
        let excerpt = Excerpt::new("f.md", &text, &lines, std::slice::from_ref(&range));
        assert!(excerpt.text.len() < 3 * WIDTH, "{}", excerpt.text.len());
        let mapped = excerpt.map(&lines, at);
        assert_eq!(&excerpt.text[mapped..mapped + 6], "TARGET");
        let files = Excerpts {
            files: vec![excerpt],
        };
        assert_eq!(files.line_index(0, mapped).unwrap(), 0);
        assert_eq!(files.column_number(0, 0, mapped).unwrap(), 5001);
        assert!(files.source(0).unwrap().contains("next"), "context line");
    }
}
