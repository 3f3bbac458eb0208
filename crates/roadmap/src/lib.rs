//! The roadmap model and its parser: Markdown in, a typed [`Roadmap`] with
//! stable IDs and source spans out, together with every [`Diagnostic`] found
//! on the way. No I/O and no HTML: callers hand it text.

mod blocks;
mod changes;
mod diagnostic;
mod encoding;
mod exercises;
mod hazards;
mod id;
mod kind;
mod lines;
mod missing_word;
mod model;
mod offsets;
mod parse;
mod units;
mod weeks;

pub use changes::check_id_changes;
pub use diagnostic::{Diagnostic, Related, Severity};
pub use encoding::{Mojibake, find_mojibake, first_invalid_utf8};
pub use exercises::{check_exercise_pages, closest, needing_pages};
pub use hazards::{MAX_NESTING, is_safe_link, too_deep, unsafe_links};
pub use id::{is_valid as is_valid_id, slug};
pub use kind::Kind;
pub use lines::LineIndex;
pub use model::*;
pub use offsets::DiskOffsets;
pub use weeks::{duration_named, weeks_named};

/// A parsed roadmap and every problem found while parsing it.
///
/// Parsing never fails: whatever the input, there is a model (possibly
/// empty) and the diagnostics say what is wrong.
#[derive(Debug, Clone)]
#[must_use]
pub struct Parsed {
    /// The model.
    pub roadmap: Roadmap,
    /// Problems, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the roadmap `source`, read from `file` (a path relative to the book
/// root, used in diagnostics).
pub fn parse(source: &str, file: &str) -> Parsed {
    let mut parsed = parse::parse(source, file);
    parsed
        .diagnostics
        .extend(missing_word::find_missing_words(source, file));
    parsed.diagnostics.sort_by_key(|d| d.span.start);
    parsed
}

/// Parses a roadmap read as raw bytes: text that is not UTF-8 is reported
/// (with where it breaks) and decoded lossily, so the rest still parses.
pub fn parse_bytes(bytes: &[u8], file: &str) -> Parsed {
    let Some(bad) = first_invalid_utf8(bytes) else {
        return parse(std::str::from_utf8(bytes).expect("checked above"), file);
    };
    let text = String::from_utf8_lossy(bytes);
    // The lossy text has the same bytes up to the first invalid one.
    let mut parsed = parse(&text, file);
    let span = LineIndex::new(&text).span(&text, bad..bad);
    parsed.diagnostics.insert(
        0,
        Diagnostic::error("not-utf8", file, span, format!("{file} is not valid UTF-8 (byte 0x{:02X} at offset {bad})", bytes[bad]))
            .with_label("invalid UTF-8 starts here")
            .with_help("save the file as UTF-8; an editor's \"reopen with encoding\" then \"save as UTF-8\" does it"),
    );
    parsed
}

/// Every ID of the roadmap a reader can link to or tick, with where it is
/// defined and what kind of element it names (`item`, `week`, …).
#[must_use]
pub fn ids(roadmap: &Roadmap) -> Vec<(String, Span, &'static str)> {
    parse::all_ids(roadmap)
}

/// Every old ID the roadmap records (`<!-- was: old-id -->`), with the ID of
/// the item or milestone that took its progress over.
#[must_use]
pub fn aliases(roadmap: &Roadmap) -> Vec<(String, String)> {
    let items = roadmap
        .items()
        .flat_map(|(_, item)| item.aliases.iter().map(|a| (a.clone(), item.id.clone())));
    let milestones = roadmap.milestones.iter().flat_map(|group| {
        group
            .milestones
            .iter()
            .flat_map(|m| m.aliases.iter().map(|a| (a.clone(), m.id.clone())))
    });
    items.chain(milestones).collect()
}
