//! The assessment page, generated from the spec at build time: every
//! question as a form field (so the page reads, and its links are checked,
//! without JavaScript), the spec as inline JSON for `theme/assess.js` (no
//! fetch, so it works from `file://`), and the certification page's view of
//! the levels. Pure: the spec comes in, Markdown goes out.

use anyhow::{Context, Result};
use serde::Serialize;
use tera::Tera;

use crate::assess::{AnswerKey, Link, Spec};
use crate::assess_score::percent_text;
use crate::pages::{Page, PageSource};

/// Where the page lives, relative to `src/`.
pub(crate) const PATH: &str = "assessment.md";

/// The theme files only this page loads (not listed in book.toml, so
/// roadbook writes them into the book itself).
pub(crate) const ASSETS: &[&str] = &["theme/assess.js", "theme/assess.css"];

/// The assessment page, when the book has a spec.
pub(crate) fn pages(spec: Option<&Spec>, tera: &Tera) -> Result<Vec<Page>> {
    let Some(spec) = spec else {
        return Ok(Vec::new());
    };
    let mut context = tera::Context::new();
    context.insert("title", &spec.title);
    context.insert("intro", &spec.intro);
    context.insert("minutes", &spec.minutes);
    context.insert("hours", &hours(spec.minutes));
    context.insert("areas", &areas(spec));
    context.insert("levels", &levels(spec));
    context.insert("timed", &spec.timed);
    context.insert("spec_json", &spec.to_page_json());
    let markdown = tera
        .render("assessment.md.tera", &context)
        .context("cannot render the page template assessment.md.tera")?;
    Ok(vec![Page {
        path: PATH.to_owned(),
        title: spec.title.clone(),
        source: PageSource::Generated(crate::escape::links(&markdown)),
        children: Vec::new(),
        appendix: None,
    }])
}

/// What the certification page says of the assessment: its levels with
/// their ranges, what the book gives at each, and which of the roadmap's
/// benefits the book gives in some form (by label). Null without a spec.
pub(crate) fn certification(spec: Option<&Spec>) -> serde_json::Value {
    let Some(spec) = spec else {
        return serde_json::Value::Null;
    };
    let benefits: serde_json::Map<String, serde_json::Value> = spec
        .benefits
        .iter()
        .map(|b| (b.label.clone(), serde_json::json!({ "book": b.book })))
        .collect();
    serde_json::json!({
        "title": spec.title,
        "href": html_path(PATH),
        "minutes": spec.minutes,
        "hours": hours(spec.minutes),
        "below": spec.below,
        "lowest": spec.levels.last().map(|l| percent_text(l.min)),
        "levels": levels(spec),
        "benefits": benefits,
    })
}

fn hours(minutes: u32) -> String {
    if minutes.is_multiple_of(60) {
        format!("{}-hour", minutes / 60)
    } else {
        format!("{minutes}-minute")
    }
}

#[derive(Serialize)]
struct LevelView {
    id: String,
    name: String,
    range: String,
    /// Its threshold (`75.00`).
    starts: String,
    /// A hundredth below it (`74.99`), and the level that is.
    just_below: String,
    below_name: String,
    gives: Vec<String>,
    next: Vec<LinkView>,
}

#[derive(Serialize)]
struct LinkView {
    title: String,
    /// The page under `src/`, for Markdown links (mdBook rewrites them).
    page: String,
    /// The built page, for HTML links.
    href: String,
}

fn links(links: &[Link]) -> Vec<LinkView> {
    links
        .iter()
        .map(|l| LinkView {
            title: l.title.clone(),
            page: l.page.clone(),
            href: html_path(&l.page),
        })
        .collect()
}

/// `weeks/week-01.md#x` as the built page's path, `weeks/week-01.html#x`
/// (the assessment page is at the book's root, so paths under `src/` are
/// also paths from it).
fn html_path(page: &str) -> String {
    let (path, fragment) = page
        .split_once('#')
        .map_or((page, None), |(p, f)| (p, Some(f)));
    let path = path
        .strip_suffix(".md")
        .map_or_else(|| path.to_owned(), |p| format!("{p}.html"));
    match fragment {
        Some(f) => format!("{path}#{f}"),
        None => path,
    }
}

fn levels(spec: &Spec) -> Vec<LevelView> {
    spec.levels
        .iter()
        .enumerate()
        .map(|(i, l)| LevelView {
            id: l.id.clone(),
            name: l.name.clone(),
            range: crate::assess_score::level_range(spec, Some(&l.id)),
            starts: percent_text(l.min),
            just_below: percent_text(l.min.saturating_sub(1)),
            below_name: spec
                .levels
                .get(i + 1)
                .map_or_else(|| spec.below.clone(), |below| below.name.clone()),
            gives: l.gives.clone(),
            next: links(&l.next),
        })
        .collect()
}

#[derive(Serialize)]
struct AreaView {
    id: String,
    name: String,
    weight: u32,
    learn: Vec<LinkView>,
    questions: Vec<QuestionView>,
}

#[derive(Serialize)]
struct QuestionView {
    id: String,
    kind: &'static str,
    prompt: String,
    points: u32,
    unit: String,
    options: Vec<String>,
    scale: u32,
    dimensions: Vec<DimensionView>,
    computed_by: Option<String>,
}

#[derive(Serialize)]
struct DimensionView {
    id: String,
    name: String,
    anchors: Vec<String>,
}

fn areas(spec: &Spec) -> Vec<AreaView> {
    spec.areas
        .iter()
        .map(|area| AreaView {
            id: area.id.clone(),
            name: area.name.clone(),
            weight: area.weight,
            learn: links(&area.learn),
            questions: spec
                .questions
                .iter()
                .filter(|q| q.area == area.id)
                .map(|q| {
                    let mut view = QuestionView {
                        id: q.id.clone(),
                        kind: "",
                        prompt: q.prompt.clone(),
                        points: q.points,
                        unit: String::new(),
                        options: Vec::new(),
                        scale: 0,
                        dimensions: Vec::new(),
                        computed_by: q.computed_by.clone(),
                    };
                    match &q.answer {
                        AnswerKey::Numeric { unit, .. } => {
                            view.kind = "numeric";
                            view.unit.clone_from(unit);
                        }
                        AnswerKey::Single { options, .. } => {
                            view.kind = "single";
                            view.options.clone_from(options);
                        }
                        AnswerKey::Multiple { options, .. } => {
                            view.kind = "multiple";
                            view.options.clone_from(options);
                        }
                        AnswerKey::Rubric { scale, dimensions } => {
                            view.kind = "rubric";
                            view.scale = *scale;
                            view.dimensions = dimensions
                                .iter()
                                .map(|d| DimensionView {
                                    id: d.id.clone(),
                                    name: d.name.clone(),
                                    anchors: d.anchors.clone(),
                                })
                                .collect();
                        }
                    }
                    view
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_point_at_built_pages() {
        assert_eq!(html_path("weeks/week-01.md"), "weeks/week-01.html");
        assert_eq!(
            html_path("weeks/week-01.md#w01-x"),
            "weeks/week-01.html#w01-x"
        );
        assert_eq!(html_path("about.html"), "about.html");
    }
}
