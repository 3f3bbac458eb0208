//! The roadmap model and its parser: Markdown in, a typed [`Roadmap`] with
//! stable IDs and source spans out, together with every [`Diagnostic`] found
//! on the way. No I/O and no HTML: callers hand it text.

mod diagnostic;
mod model;

pub use diagnostic::{Diagnostic, Related, Severity};
pub use model::*;

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
    let _ = (source, file);
    Parsed {
        roadmap: Roadmap::default(),
        diagnostics: Vec::new(),
    }
}
