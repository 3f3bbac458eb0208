//! Printing diagnostics: rustc-style for people (codespan-reporting), JSON
//! for tools, workflow commands for GitHub annotations.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};

use anyhow::Result;
use codespan_reporting::diagnostic::{Diagnostic as Report, Label as ReportLabel};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config as TermConfig, termcolor};
use roadmap::{Diagnostic, Severity};

use crate::cli::Format;
use crate::excerpt::{Excerpt, Excerpts, Lines};

/// The text of every file a diagnostic may point into, by its path
/// relative to the book root.
#[derive(Default)]
pub(crate) struct Sources {
    files: SimpleFiles<String, String>,
    ids: BTreeMap<String, usize>,
    /// The lines of each file, by id.
    lines: Vec<Lines>,
    /// For files decoded lossily: the offsets of the file on disk.
    disk: BTreeMap<String, roadmap::DiskOffsets>,
}

impl Sources {
    /// Registers the text of `name`.
    pub(crate) fn add(&mut self, name: &str, text: impl Into<String>) {
        let text = text.into();
        self.lines.push(Lines::of(&text));
        let id = self.files.add(name.to_owned(), text);
        self.ids.insert(name.to_owned(), id);
    }

    /// Registers `name` read as `bytes`: its text decoded lossily, and the
    /// offsets on disk that JSON output reports.
    pub(crate) fn add_bytes(&mut self, name: &str, bytes: &[u8]) {
        self.add(name, String::from_utf8_lossy(bytes));
        let offsets = roadmap::DiskOffsets::of(bytes);
        if offsets != roadmap::DiskOffsets::default() {
            self.disk.insert(name.to_owned(), offsets);
        }
    }

    /// `diagnostic` with its byte offsets moved to the file on disk.
    fn on_disk(&self, diagnostic: &Diagnostic) -> Diagnostic {
        let mut diagnostic = diagnostic.clone();
        let moved = |file: &str, span: &mut roadmap::Span| {
            if let Some(offsets) = self.disk.get(file) {
                span.start = offsets.to_disk(span.start);
                span.end = offsets.to_disk(span.end);
            }
        };
        moved(&diagnostic.file, &mut diagnostic.span);
        for related in &mut diagnostic.related {
            moved(&related.file, &mut related.span);
        }
        diagnostic
    }

    /// Writes `diagnostic` as codespan-reporting shows it, through an
    /// excerpt when its lines are long or end in lone CRs.
    fn emit(
        &self,
        writer: &mut dyn term::WriteStyle,
        config: &TermConfig,
        diagnostic: &Diagnostic,
    ) -> std::result::Result<(), codespan_reporting::files::Error> {
        let report = to_report(diagnostic, self);
        let needs = report.labels.iter().any(|label| {
            let text = self.files.get(label.file_id).map(|f| f.source().as_str());
            text.is_ok_and(|text| {
                self.lines[label.file_id].need_excerpt(text, std::slice::from_ref(&label.range))
            })
        });
        if !needs {
            return term::emit_to_write_style(writer, config, &self.files, &report);
        }
        let mut files: Vec<usize> = report.labels.iter().map(|l| l.file_id).collect();
        files.sort_unstable();
        files.dedup();
        let mut excerpts = Excerpts::default();
        for &id in &files {
            let file = self.files.get(id)?;
            let ranges: Vec<_> = report
                .labels
                .iter()
                .filter(|l| l.file_id == id)
                .map(|l| l.range.clone())
                .collect();
            excerpts.files.push(Excerpt::new(
                file.name(),
                file.source(),
                &self.lines[id],
                &ranges,
            ));
        }
        let mut report = report;
        for label in &mut report.labels {
            let at = files.binary_search(&label.file_id).expect("listed above");
            let lines = &self.lines[label.file_id];
            let excerpt = &excerpts.files[at];
            label.range =
                excerpt.map(lines, label.range.start)..excerpt.map(lines, label.range.end);
            label.file_id = at;
        }
        term::emit_to_write_style(writer, config, &excerpts, &report)
    }
}

/// Counts of what was reported.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    /// How many errors.
    pub(crate) errors: usize,
    /// How many warnings.
    pub(crate) warnings: usize,
}

impl Tally {
    /// Counts `diagnostics`.
    pub(crate) fn of(diagnostics: &[Diagnostic]) -> Tally {
        let errors = diagnostics.iter().filter(|d| d.is_error()).count();
        Tally {
            errors,
            warnings: diagnostics.len() - errors,
        }
    }
}

/// Prints `diagnostics` in `format`: human output to stderr (coloured on a
/// terminal unless NO_COLOR is set), JSON and GitHub commands to stdout.
pub(crate) fn print(diagnostics: &[Diagnostic], sources: &Sources, format: Format) -> Result<()> {
    match format {
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let choice = if color {
                termcolor::ColorChoice::Auto
            } else {
                termcolor::ColorChoice::Never
            };
            let mut stderr = termcolor::StandardStream::stderr(choice);
            let config = TermConfig::default();
            for diagnostic in diagnostics {
                match sources.ids.get(&diagnostic.file) {
                    Some(_) => sources.emit(&mut stderr, &config, diagnostic)?,
                    None => write!(stderr, "{}", plain(diagnostic))?,
                }
            }
            let summary = summary(Tally::of(diagnostics));
            if !summary.is_empty() {
                writeln!(stderr, "{summary}")?;
            }
        }
        Format::Json => {
            let mut stdout = std::io::stdout().lock();
            let on_disk: Vec<Diagnostic> = diagnostics.iter().map(|d| sources.on_disk(d)).collect();
            serde_json::to_writer_pretty(&mut stdout, &on_disk)?;
            writeln!(stdout)?;
        }
        Format::Github => {
            let mut stdout = std::io::stdout().lock();
            for diagnostic in diagnostics {
                writeln!(stdout, "{}", github(diagnostic))?;
            }
        }
    }
    Ok(())
}

/// Prints what a build found: errors in full as [`print`] does, warnings
/// one line each (`roadbook check` shows them in full), so a build of a book
/// with known warnings stays readable.
pub(crate) fn print_for_build(
    diagnostics: &[Diagnostic],
    sources: &Sources,
    format: Format,
) -> Result<()> {
    if format != Format::Human {
        return print(diagnostics, sources, format);
    }
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) =
        diagnostics.iter().cloned().partition(Diagnostic::is_error);
    if !errors.is_empty() {
        return print(&errors, sources, format);
    }
    let mut stderr = std::io::stderr().lock();
    for warning in &warnings {
        writeln!(stderr, "{}", short(warning))?;
    }
    if !warnings.is_empty() {
        writeln!(
            stderr,
            "{} (`roadbook check` shows each with its source line and how to fix it)",
            summary(Tally::of(&warnings))
        )?;
    }
    Ok(())
}

/// One line: `warning[code]: file:line:column: message`.
pub(crate) fn short(diagnostic: &Diagnostic) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!(
        "{severity}[{}]: {}:{}:{}: {}",
        diagnostic.code,
        diagnostic.file,
        diagnostic.span.line,
        diagnostic.span.column,
        diagnostic.message
    )
}

/// The human rendering of `diagnostics`, without colour (for tests).
#[cfg(test)]
pub(crate) fn render(diagnostics: &[Diagnostic], sources: &Sources) -> String {
    let config = TermConfig::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        if sources.ids.contains_key(&diagnostic.file) {
            let mut buffer = termcolor::NoColor::new(Vec::new());
            sources
                .emit(&mut buffer, &config, diagnostic)
                .expect("spans come from these sources");
            out.push_str(&String::from_utf8(buffer.into_inner()).expect("UTF-8 text"));
        } else {
            out.push_str(&plain(diagnostic));
        }
    }
    out
}

/// `error: 2 errors and 1 warning emitted`, or nothing when clean.
pub(crate) fn summary(tally: Tally) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (tally.errors, tally.warnings) {
        (0, 0) => String::new(),
        (0, w) => format!("warning: {} emitted", plural(w, "warning")),
        (e, 0) => format!("error: {} emitted", plural(e, "error")),
        (e, w) => format!(
            "error: {} and {} emitted",
            plural(e, "error"),
            plural(w, "warning")
        ),
    }
}

fn to_report(diagnostic: &Diagnostic, sources: &Sources) -> Report<usize> {
    let report = match diagnostic.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
    };
    let file = sources.ids[&diagnostic.file];
    let mut primary = ReportLabel::primary(file, diagnostic.span.start..diagnostic.span.end);
    if let Some(label) = &diagnostic.label {
        primary = primary.with_message(label);
    }
    let mut labels = vec![primary];
    for related in &diagnostic.related {
        if let Some(&id) = sources.ids.get(&related.file) {
            labels.push(
                ReportLabel::secondary(id, related.span.start..related.span.end)
                    .with_message(&related.message),
            );
        }
    }
    let mut notes = Vec::new();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    report
        .with_code(diagnostic.code)
        .with_message(&diagnostic.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// A diagnostic whose file text we do not have: `error[code]: message` and
/// where.
fn plain(diagnostic: &Diagnostic) -> String {
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!(
        "{severity}[{}]: {}\n  --> {}:{}:{}\n",
        diagnostic.code,
        diagnostic.message,
        diagnostic.file,
        diagnostic.span.line,
        diagnostic.span.column
    );
    if let Some(help) = &diagnostic.help {
        out.push_str(&format!("  = help: {help}\n"));
    }
    out.push('\n');
    out
}

/// A GitHub workflow command that annotates the diagnostic's line in a
/// pull request.
pub(crate) fn github(diagnostic: &Diagnostic) -> String {
    let command = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    format!(
        "::{command} file={},line={},col={},title={}::{}",
        escape_property(&diagnostic.file),
        diagnostic.span.line,
        diagnostic.span.column,
        escape_property(&format!("roadbook {}", diagnostic.code)),
        escape_data(&message)
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnose(source: &str) -> String {
        let parsed = roadmap::parse(source, "roadmap.md");
        let mut sources = Sources::default();
        sources.add("roadmap.md", source);
        render(&parsed.diagnostics, &sources)
    }

    #[test]
    fn renders_like_rustc_with_the_line_underlined() {
        insta::assert_snapshot!(diagnose(
            "# P\n\n### Week 1: A\n\n**Mon: Start**\n- [ ] **Mock **: a session\n- [ ] a session\n"
        ));
    }

    #[test]
    fn renders_the_related_place() {
        insta::assert_snapshot!(diagnose(
            "# P\n### Week 1: A\n**Mon: Start**\n- [ ] alpha\n### Week 3: C\n**Mon: Start**\n- [ ] gamma\n"
        ));
    }

    #[test]
    fn github_annotations_escape_their_fields() {
        let parsed = roadmap::parse("# P\n### Week 2: B\n**D: T**\n- [ ] beta\n", "road,map.md");
        assert_eq!(
            github(&parsed.diagnostics[0]),
            "::error file=road%2Cmap.md,line=2,col=1,title=roadbook missing-week::week 1 is missing before week 2%0Ahelp: add the missing weeks, or renumber this one"
        );
    }

    #[test]
    fn short_lines_say_where() {
        let parsed = roadmap::parse("# P\n### Week 2: B\n**D: T**\n- [ ] beta\n", "roadmap.md");
        assert_eq!(
            short(&parsed.diagnostics[0]),
            "error[missing-week]: roadmap.md:2:1: week 1 is missing before week 2"
        );
    }

    #[test]
    fn summaries_count_what_was_said() {
        assert_eq!(
            summary(Tally {
                errors: 1,
                warnings: 2
            }),
            "error: 1 error and 2 warnings emitted"
        );
        assert_eq!(
            summary(Tally {
                errors: 0,
                warnings: 1
            }),
            "warning: 1 warning emitted"
        );
        assert_eq!(summary(Tally::default()), "");
    }
}
