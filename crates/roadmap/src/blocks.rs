//! The first pass: the Markdown source cut into a flat list of top-level
//! blocks (headings, paragraphs, list items, rules) with their byte ranges,
//! using pulldown-cmark's offsets. The second pass (`parse`) gives them
//! meaning.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// A top-level block of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawBlock {
    pub(crate) kind: RawKind,
    /// The block's bytes in the source (a heading without its trailing newline).
    pub(crate) range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RawKind {
    /// A heading with its level and its text as written (markers removed).
    Heading { level: u8, text: String },
    /// A paragraph.
    Paragraph,
    /// An item of a top-level list; `checked` is `Some` for task items.
    /// `body` is the item's text range after the list and task markers.
    Item {
        checked: Option<bool>,
        body: Range<usize>,
    },
    /// A thematic break (`---`).
    Rule,
    /// Anything else (code block, quote, table, HTML): kept as is.
    Other,
}

/// Cuts `source` into top-level blocks.
pub(crate) fn split(source: &str) -> Vec<RawBlock> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut list_depth = 0usize;
    let mut item: Option<(usize, Option<bool>, Option<usize>)> = None;
    let options =
        Options::ENABLE_TASKLISTS | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                match &tag {
                    Tag::List(_) => list_depth += 1,
                    Tag::Item if list_depth == 1 => item = Some((range.start, None, None)),
                    Tag::Paragraph | Tag::Heading { .. } if list_depth == 1 => {
                        if let Some((_, _, body @ None)) = &mut item {
                            *body = Some(range.start);
                        }
                    }
                    _ => {}
                }
                if depth == 0 {
                    let kind = match tag {
                        Tag::Heading { level, .. } => Some(RawKind::Heading {
                            level: level as u8,
                            text: heading_text(&source[range.clone()]),
                        }),
                        Tag::Paragraph => Some(RawKind::Paragraph),
                        Tag::List(_) => None,
                        _ => Some(RawKind::Other),
                    };
                    if let Some(kind) = kind {
                        blocks.push(RawBlock {
                            kind,
                            range: trim_end(source, range.clone()),
                        });
                    }
                }
                depth += 1;
            }
            Event::End(tag) => {
                depth -= 1;
                match tag {
                    TagEnd::List(_) => list_depth -= 1,
                    TagEnd::Item if list_depth == 1 => {
                        if let Some((start, checked, body)) = item.take() {
                            let range = trim_end(source, start..range.end);
                            let body = body
                                .unwrap_or_else(|| after_marker(source, start))
                                .min(range.end)..range.end;
                            blocks.push(RawBlock {
                                kind: RawKind::Item { checked, body },
                                range,
                            });
                        }
                    }
                    _ => {}
                }
            }
            Event::TaskListMarker(checked) if list_depth == 1 => {
                if let Some((_, marker, body)) = &mut item {
                    *marker = Some(checked);
                    // The item's text starts after `[ ] `.
                    let after = source[range.end..].len() - source[range.end..].trim_start().len();
                    *body = Some(range.end + after);
                }
            }
            Event::Rule if depth == 0 => blocks.push(RawBlock {
                kind: RawKind::Rule,
                range: trim_end(source, range),
            }),
            Event::Html(_) | Event::Text(_) if depth == 0 => blocks.push(RawBlock {
                kind: RawKind::Other,
                range: trim_end(source, range),
            }),
            _ => {}
        }
    }
    blocks
}

/// Where an item's text starts: after its `-`, `*`, `+` or `1.` marker.
fn after_marker(source: &str, start: usize) -> usize {
    let rest = &source[start..];
    let marker = rest.bytes().take_while(u8::is_ascii_digit).count();
    let marker = if marker > 0 { marker + 1 } else { 1 };
    let rest = &rest[marker.min(rest.len())..];
    start + marker + (rest.len() - rest.trim_start_matches([' ', '\t']).len())
}

/// A heading's text without `#` markers (or setext underline) and spaces.
fn heading_text(source: &str) -> String {
    let first = source.lines().next().unwrap_or_default();
    let text = if first.trim_start().starts_with('#') {
        first
            .trim_start()
            .trim_start_matches('#')
            .trim_end()
            .trim_end_matches('#')
    } else {
        first
    };
    text.trim().to_owned()
}

fn trim_end(source: &str, range: Range<usize>) -> Range<usize> {
    let text = &source[range.clone()];
    range.start..range.start + text.trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_headings_paragraphs_items_and_rules() {
        let source = "# Title\n\nSome *text*.\n\n- [ ] **Exercise**: do it\n- [x] done\n\n---\n\n## Two ##\n";
        let blocks = split(source);
        let kinds: Vec<_> = blocks.iter().map(|b| &b.kind).collect();
        assert_eq!(kinds.len(), 6, "{blocks:#?}");
        assert_eq!(
            *kinds[0],
            RawKind::Heading {
                level: 1,
                text: "Title".into()
            }
        );
        assert_eq!(*kinds[1], RawKind::Paragraph);
        let RawKind::Item { checked, body } = kinds[2] else {
            panic!()
        };
        assert_eq!(*checked, Some(false));
        assert_eq!(&source[body.clone()], "**Exercise**: do it");
        let RawKind::Item { checked, body } = kinds[3] else {
            panic!()
        };
        assert_eq!((*checked, &source[body.clone()]), (Some(true), "done"));
        assert_eq!(*kinds[4], RawKind::Rule);
        assert_eq!(
            *kinds[5],
            RawKind::Heading {
                level: 2,
                text: "Two".into()
            }
        );
        assert_eq!(&source[blocks[0].range.clone()], "# Title");
    }

    #[test]
    fn plain_items_have_their_text_as_body() {
        let source = "- **Label**: value\n  continued\n";
        let blocks = split(source);
        let RawKind::Item {
            checked: None,
            body,
        } = &blocks[0].kind
        else {
            panic!("{blocks:?}")
        };
        assert_eq!(&source[body.clone()], "**Label**: value\n  continued");
    }
}
