//! What the terminal shows: search results and `show` entries, with
//! matched words and code highlighted when colour is on.

use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;

use syntect::easy::HighlightLines;
use syntect::highlighting::{Theme, ThemeSet};
use syntect::parsing::SyntaxSet;
use syntect::util::{LinesWithEndings, as_24_bit_terminal_escaped};

use crate::extract::{Block, Unit};
use crate::searcher::{Entry, Hit};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const MATCH: &str = "\x1b[1;33m";
const KIND: &str = "\x1b[36m";
const PLACE: &str = "\x1b[32m";

/// Whether to colour what goes to stdout: only on a terminal, and never
/// when `NO_COLOR` is set to something.
pub fn use_color() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// How to print.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Colour and highlight.
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// Writes search results for a person: title, kind and week, heading path,
/// snippet, and where to open it (`locate` turns a hit into a path or URL).
///
/// # Errors
///
/// When writing fails (a closed pipe included).
pub fn write_hits(
    out: &mut dyn Write,
    hits: &[Hit],
    style: Style,
    locate: &dyn Fn(&Hit) -> String,
) -> io::Result<()> {
    for (n, hit) in hits.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        let mut about = hit.kind.clone();
        match hit.weeks.as_slice() {
            [] => {}
            [one] => about.push_str(&format!(" · week {one}")),
            [first, .., last] => about.push_str(&format!(" · weeks {first}-{last}")),
        }
        writeln!(
            out,
            "{} {}  {}",
            style.paint(DIM, &format!("{:>2}.", n + 1)),
            style.paint(BOLD, &hit.title),
            style.paint(KIND, &format!("[{about}]"))
        )?;
        let path: Vec<&str> = hit
            .heading_path
            .iter()
            .map(String::as_str)
            .skip_while(|h| *h == hit.title)
            .collect();
        if !path.is_empty() {
            writeln!(out, "    {}", style.paint(DIM, &path.join(" › ")))?;
        }
        if !hit.snippet.is_empty() {
            writeln!(out, "    {}", highlight_matches(hit, style))?;
        }
        if let Some(code) = &hit.code_excerpt {
            write_code(out, code, "rust", style, "    ")?;
        }
        writeln!(out, "    {}", style.paint(PLACE, &locate(hit)))?;
    }
    Ok(())
}

/// The snippet on one line, matched words painted.
fn highlight_matches(hit: &Hit, style: Style) -> String {
    let text = &hit.snippet;
    let mut out = String::new();
    let mut from = 0;
    if style.color {
        for range in &hit.highlights {
            if range.start < from || range.end > text.len() {
                continue;
            }
            out.push_str(&text[from..range.start]);
            out.push_str(&style.paint(MATCH, &text[range.clone()]));
            from = range.end;
        }
    }
    out.push_str(&text[from..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes search results as a JSON array, best first.
///
/// # Errors
///
/// When writing fails.
pub fn write_json(out: &mut dyn Write, hits: &[Hit]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, hits)?;
    writeln!(out)
}

/// Writes an exercise, week, item or code item for reading in the
/// terminal: where it comes from, its text, its checklist and its code.
///
/// # Errors
///
/// When writing fails.
pub fn write_entry(
    out: &mut dyn Write,
    entry: &Entry,
    style: Style,
    locate: &dyn Fn(&str) -> String,
) -> io::Result<()> {
    let Some(first) = entry.records.first() else {
        return Ok(());
    };
    let mut about = first.kind.clone();
    match first.weeks.as_slice() {
        [] => {}
        [one] => about.push_str(&format!(" · week {one}")),
        [a, .., b] => about.push_str(&format!(" · weeks {a}-{b}")),
    }
    let title = if first.unit == Unit::Item {
        first
            .heading_path
            .last()
            .cloned()
            .unwrap_or_else(|| first.title.clone())
    } else {
        first.title.clone()
    };
    writeln!(
        out,
        "{}  {}",
        style.paint(BOLD, &title),
        style.paint(KIND, &format!("[{about}] {}", entry.id))
    )?;
    let source = match first.line {
        Some(line) => format!("{}:{line}", first.source),
        None => first.source.clone(),
    };
    writeln!(
        out,
        "{}",
        style.paint(DIM, &format!("{} · {}", locate(&first.url), source))
    )?;
    let base_depth = first.heading_path.len();
    for record in &entry.records {
        writeln!(out)?;
        match record.unit {
            Unit::Section => {
                if let Some(heading) = record.heading_path.last()
                    && !(record.heading_path.len() == 1 && *heading == title)
                {
                    let depth = record.heading_path.len().saturating_sub(base_depth) + 1;
                    let marks = "#".repeat(depth.clamp(1, 4));
                    writeln!(out, "{}", style.paint(BOLD, &format!("{marks} {heading}")))?;
                    writeln!(out)?;
                }
            }
            Unit::Code => {
                let name = match record.line {
                    Some(line) => format!("{} ({}:{line})", record.id, record.source),
                    None => record.id.clone(),
                };
                writeln!(out, "{}", style.paint(BOLD, &format!("## {name}")))?;
                writeln!(out)?;
            }
            Unit::Item => {
                if !record.heading_path.is_empty() {
                    writeln!(
                        out,
                        "{}",
                        style.paint(DIM, &record.heading_path.join(" › "))
                    )?;
                }
            }
        }
        write_blocks(out, &record.blocks, style)?;
    }
    if !entry.exercises.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", style.paint(BOLD, "Exercises this week"))?;
        for (id, title) in &entry.exercises {
            writeln!(
                out,
                "  {title}  {}",
                style.paint(DIM, &format!("roadbook show {id}"))
            )?;
        }
    }
    Ok(())
}

fn write_blocks(out: &mut dyn Write, blocks: &[Block], style: Style) -> io::Result<()> {
    let mut previous_item = false;
    for block in blocks {
        let is_item = matches!(block, Block::Item { .. });
        if !is_item && previous_item {
            writeln!(out)?;
        }
        previous_item = is_item;
        match block {
            Block::Heading { text } => {
                writeln!(out, "{}", style.paint(BOLD, text))?;
                writeln!(out)?;
            }
            Block::Text { text } => {
                writeln!(out, "{}", wrap(text, 88, ""))?;
                writeln!(out)?;
            }
            Block::Item { text, checkbox, id } => {
                let mark = if *checkbox { "☐" } else { "•" };
                let mut line = wrap(&format!("{mark} {text}"), 88, "    ");
                if let Some(id) = id {
                    line.push_str(&format!("  {}", style.paint(DIM, id)));
                }
                writeln!(out, "  {line}")?;
            }
            Block::Code { lang, text } => {
                write_code(out, text, lang, style, "    ")?;
                writeln!(out)?;
            }
        }
    }
    Ok(())
}

/// Writes code indented, highlighted with syntect when colour is on.
fn write_code(
    out: &mut dyn Write,
    code: &str,
    lang: &str,
    style: Style,
    indent: &str,
) -> io::Result<()> {
    if !style.color {
        for line in code.lines() {
            writeln!(out, "{indent}{line}")?;
        }
        return Ok(());
    }
    let highlighted = highlight(code, lang);
    for line in highlighted.lines() {
        writeln!(out, "{indent}{line}{RESET}")?;
    }
    Ok(())
}

struct Highlighter {
    syntaxes: SyntaxSet,
    theme: Theme,
}

/// The syntaxes and theme, loaded on first use only (loading them takes
/// longer than the whole search).
fn highlighter() -> &'static Highlighter {
    static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();
    HIGHLIGHTER.get_or_init(|| {
        let syntaxes = SyntaxSet::load_defaults_newlines();
        let mut themes = ThemeSet::load_defaults();
        let theme = themes
            .themes
            .remove("base16-ocean.dark")
            .or_else(|| themes.themes.into_values().next())
            .unwrap_or_default();
        Highlighter { syntaxes, theme }
    })
}

/// `code` with 24-bit terminal colours for `lang` (plain when the language
/// is unknown).
pub fn highlight(code: &str, lang: &str) -> String {
    let h = highlighter();
    let token = match lang {
        "" | "text" | "console" => "txt",
        "shell" | "bash" | "sh" => "sh",
        other => other,
    };
    let syntax = h
        .syntaxes
        .find_syntax_by_token(token)
        .unwrap_or_else(|| h.syntaxes.find_syntax_plain_text());
    let mut lines = HighlightLines::new(syntax, &h.theme);
    let mut out = String::new();
    for line in LinesWithEndings::from(code) {
        match lines.highlight_line(line, &h.syntaxes) {
            Ok(ranges) => out.push_str(&as_24_bit_terminal_escaped(&ranges, false)),
            Err(_) => out.push_str(line),
        }
    }
    out.push_str(RESET);
    out
}

/// Wraps `text` at `width` columns, continuation lines indented.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut column = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if column > 0 && column + 1 + len > width {
            out.push('\n');
            out.push_str(indent);
            column = indent.len();
        } else if column > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_long_text_with_indent() {
        assert_eq!(wrap("a bb ccc dddd", 6, "  "), "a bb\n  ccc\n  dddd");
        assert_eq!(wrap("short", 80, ""), "short");
    }

    #[test]
    fn highlighting_colours_rust_keywords() {
        let out = highlight("fn main() {}\n", "rust");
        assert!(out.contains("\x1b[38;2;"), "{out:?}");
        assert!(out.contains("fn"));
        assert!(out.ends_with(RESET));
    }
}
