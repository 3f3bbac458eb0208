//! Problems found in a roadmap or its pages, each with where it is and how to
//! fix it. Rendering them is the caller's business.

use serde::Serialize;

use crate::Span;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the book still builds as the author meant.
    Warning,
    /// The book would be wrong or incomplete; `check` fails.
    Error,
}

/// One problem, in one file, at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A short stable name for the kind of problem (`duplicate-id`).
    pub code: &'static str,
    /// What is wrong, lowercase, without a trailing period.
    pub message: String,
    /// The file, relative to the book root (`roadmap.md`).
    pub file: String,
    /// Where in the file; `start == end` marks a point.
    pub span: Span,
    /// A short note under the underline (`first defined here`, …).
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// Replacement text for the spanned source, when the fix is mechanical.
    pub suggestion: Option<String>,
    /// Other places that explain this one (the first definition of a
    /// duplicate ID, …).
    pub related: Vec<Related>,
}

/// A secondary place a diagnostic points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Related {
    /// The file, relative to the book root.
    pub file: String,
    /// Where in the file.
    pub span: Span,
    /// What this place is.
    pub message: String,
}

impl Diagnostic {
    /// An error of kind `code` at `span` of `file`.
    #[must_use]
    pub fn error(code: &'static str, file: &str, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, file, span, message.into())
    }

    /// A warning of kind `code` at `span` of `file`.
    #[must_use]
    pub fn warning(code: &'static str, file: &str, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, file, span, message.into())
    }

    fn new(
        severity: Severity,
        code: &'static str,
        file: &str,
        span: Span,
        message: String,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            message,
            file: file.to_owned(),
            span,
            label: None,
            help: None,
            suggestion: None,
            related: Vec::new(),
        }
    }

    /// Adds the note shown under the underline.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Adds how to fix it.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds the replacement text for the spanned source.
    #[must_use]
    pub fn with_suggestion(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }

    /// Adds a secondary place.
    #[must_use]
    pub fn with_related(mut self, file: &str, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file: file.to_owned(),
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this is an error.
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
