//! The template set the pages are rendered with: the built-in templates of
//! `templates/` (compiled in), each replaced by the book's own copy when it
//! has one, and what roadbook adds to tera (its HTML escaping, `anchor()`).

use std::collections::HashMap;

use anyhow::{Context, Result};
use tera::Tera;

use crate::config::Config;

/// The built-in templates, compiled into the binary.
const TEMPLATES: &[(&str, &str)] = &[
    ("week.md.tera", include_str!("../../templates/week.md.tera")),
    (
        "checklist.md.tera",
        include_str!("../../templates/checklist.md.tera"),
    ),
    (
        "phase.md.tera",
        include_str!("../../templates/phase.md.tera"),
    ),
    (
        "overview.md.tera",
        include_str!("../../templates/overview.md.tera"),
    ),
    (
        "milestones.md.tera",
        include_str!("../../templates/milestones.md.tera"),
    ),
    (
        "metrics.md.tera",
        include_str!("../../templates/metrics.md.tera"),
    ),
    (
        "tracks.md.tera",
        include_str!("../../templates/tracks.md.tera"),
    ),
    (
        "certification.md.tera",
        include_str!("../../templates/certification.md.tera"),
    ),
    (
        "exercises.md.tera",
        include_str!("../../templates/exercises.md.tera"),
    ),
    (
        "prose.md.tera",
        include_str!("../../templates/prose.md.tera"),
    ),
    ("plan.md.tera", include_str!("../../templates/plan.md.tera")),
    (
        "interview-index.md.tera",
        include_str!("../../templates/interview-index.md.tera"),
    ),
    (
        "interview-prompt.md.tera",
        include_str!("../../templates/interview-prompt.md.tera"),
    ),
    (
        "interview-mock.md.tera",
        include_str!("../../templates/interview-mock.md.tera"),
    ),
    (
        "assessment.md.tera",
        include_str!("../../templates/assessment.md.tera"),
    ),
];

/// The template set: the built-in templates, each replaced by a file of the
/// same name in the book's `templates` folder when book.toml names one.
pub(crate) fn templates(config: &Config) -> Result<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".md.tera"]);
    tera.set_escape_fn(escape_html);
    let mut sources: Vec<(String, String)> = TEMPLATES
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    if let Some(dir) = &config.roadbook.templates {
        let dir = config.root.join(dir);
        for (name, text) in &mut sources {
            let path = dir.join(&*name);
            if path.is_file() {
                *text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read the template {}", path.display()))?;
            }
        }
    }
    tera.add_raw_templates(sources)
        .context("invalid page template")?;
    tera.register_function("anchor", anchor);
    Ok(tera)
}

/// HTML escaping for text and attribute values. Unlike tera's default it
/// leaves `/` alone, so URLs stay readable in the generated Markdown.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `{{ anchor(id=…, kind=…, week=…, line=…) }}`: a heading attribute block
/// (`{#id data-kind=… data-week=… data-line=…}`) that gives the heading its
/// stable ID and tells the search index what it is.
fn anchor(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = |key: &str| {
        args.get(key).and_then(|v| match v {
            tera::Value::String(s) => Some(s.clone()),
            tera::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let id = text("id").ok_or_else(|| tera::Error::msg("anchor() needs an id"))?;
    let mut out = format!("{{#{id}");
    for key in ["kind", "week", "line"] {
        if let Some(value) = text(key).filter(|v| !v.is_empty()) {
            out.push_str(&format!(" data-{key}={value}"));
        }
    }
    out.push('}');
    Ok(tera::Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_anchor_function_writes_heading_attributes() {
        let args = HashMap::from([
            ("id".to_owned(), tera::Value::from("w01")),
            ("kind".to_owned(), tera::Value::from("week")),
            ("line".to_owned(), tera::Value::from(29)),
        ]);
        assert_eq!(
            anchor(&args).unwrap(),
            tera::Value::from("{#w01 data-kind=week data-line=29}")
        );
    }
}
