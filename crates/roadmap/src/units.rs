//! Plans of other shapes than weeks: headings that start a day, module,
//! lesson or version (`Day 1-3: Setup`, `Module 2: Ownership`, `Version 1.1
//! (Short-term: 1-3 months)`). Each becomes a unit of the plan, modelled as a
//! [`Week`](crate::Week) of its [`UnitKind`], with its own page.
//!
//! Inside such a unit, a sub-heading starts a block (a section of items),
//! and checklist items before any block form a block of their own, so a
//! version's `[ ]`/`[x]` lists need no bold day labels.

use crate::model::UnitKind;

/// A unit heading, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnitHeading<'a> {
    /// What it starts.
    pub(crate) kind: UnitKind,
    /// The unit's name as written (`Day 1-3`, `Version 1.1`).
    pub(crate) label: String,
    /// The title after the colon or dash; may be empty.
    pub(crate) title: &'a str,
    /// The text in parentheses after the label (`Short-term: 1-3 months`).
    pub(crate) time_frame: Option<String>,
}

/// Reads `text` (a heading without its icon) as a unit heading: a unit word
/// (`Day`/`Days`, `Module`, `Lesson`, `Version`/`Release`/`Milestone`, or a
/// `v1.2` token), a number (`3`, `1-3` for days, modules and lessons; `1.1`
/// for versions), an optional `(time frame)`, then nothing or `: title`
/// (`-` or `—` also separate the title).
pub(crate) fn unit_heading(text: &str) -> Option<UnitHeading<'_>> {
    let text = text.trim();
    let (word, rest) = match text.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim_start()),
        None => (text, ""),
    };
    let lower = word.to_lowercase();
    let (kind, label_word, rest) = match lower.as_str() {
        "day" | "days" => (UnitKind::Day, word, rest),
        "module" => (UnitKind::Module, word, rest),
        "lesson" => (UnitKind::Lesson, word, rest),
        "version" | "release" | "milestone" => (UnitKind::Version, word, rest),
        // `v1.2 …`: the token is the whole label.
        _ if lower.starts_with('v') && lower[1..].starts_with(|c: char| c.is_ascii_digit()) => {
            (UnitKind::Version, "", &text[1..])
        }
        _ => return None,
    };
    let number_len = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '\u{2013}')))
        .unwrap_or(rest.len());
    let number = rest[..number_len].trim_end_matches(['-', '\u{2013}', '.']);
    if !is_number(number, kind) {
        return None;
    }
    let mut after = rest[number.len()..].trim_start();
    let mut time_frame = None;
    if let Some(inner) = after.strip_prefix('(') {
        let close = inner.find(')')?;
        time_frame = Some(inner[..close].trim().to_owned()).filter(|t| !t.is_empty());
        after = inner[close + 1..].trim_start();
    }
    let title = if after.is_empty() {
        ""
    } else {
        after
            .strip_prefix(':')
            .or_else(|| after.strip_prefix('-'))
            .or_else(|| after.strip_prefix('\u{2014}'))
            .or_else(|| after.strip_prefix('\u{2013}'))?
            .trim()
    };
    let label = if label_word.is_empty() {
        format!("v{number}")
    } else {
        format!("{label_word} {}", number.replace('\u{2013}', "-"))
    };
    Some(UnitHeading {
        kind,
        label,
        title,
        time_frame,
    })
}

/// `3` or `1-3` for days, modules and lessons; `1`, `1.1` or `2.0.1` for
/// versions.
fn is_number(number: &str, kind: UnitKind) -> bool {
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    match kind {
        UnitKind::Version => number.split('.').all(digits),
        _ => {
            let mut parts = number.split(['-', '\u{2013}']);
            let first = parts.next().is_some_and(digits);
            let second = parts.next().is_none_or(digits);
            first && second && parts.next().is_none()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(UnitKind, String, String, Option<String>)> {
        unit_heading(text).map(|h| (h.kind, h.label, h.title.to_owned(), h.time_frame))
    }

    #[test]
    fn days_modules_and_lessons() {
        assert_eq!(
            read("Day 1-3: Setting Up"),
            Some((UnitKind::Day, "Day 1-3".into(), "Setting Up".into(), None))
        );
        assert_eq!(
            read("Days 4\u{2013}5 - Review"),
            Some((UnitKind::Day, "Days 4-5".into(), "Review".into(), None))
        );
        assert_eq!(
            read("Module 2: Ownership"),
            Some((
                UnitKind::Module,
                "Module 2".into(),
                "Ownership".into(),
                None
            ))
        );
        assert_eq!(
            read("Lesson 10"),
            Some((UnitKind::Lesson, "Lesson 10".into(), String::new(), None))
        );
    }

    #[test]
    fn versions_with_time_frames() {
        assert_eq!(
            read("Version 1.1 (Short-term: 1-3 months)"),
            Some((
                UnitKind::Version,
                "Version 1.1".into(),
                String::new(),
                Some("Short-term: 1-3 months".into())
            ))
        );
        assert_eq!(
            read("v2.0 (Long-term): Plugins"),
            Some((
                UnitKind::Version,
                "v2.0".into(),
                "Plugins".into(),
                Some("Long-term".into())
            ))
        );
        assert_eq!(
            read("Milestone 3: Public beta"),
            Some((
                UnitKind::Version,
                "Milestone 3".into(),
                "Public beta".into(),
                None
            ))
        );
    }

    #[test]
    fn other_headings_are_not_units() {
        for text in [
            "Daily Practice",
            "Day one",
            "Module Overview",
            "Version history",
            "Milestones",
            "Week 1-2 Milestones",
            "Day 1-2-3: Too many",
            "Version 1.x",
            "Day 3 without a separator",
            "Version 1.1 (unclosed",
            "vacation plans",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}
