//! The "My plan" page and the data its scripts read: the roadmap's weeks
//! with their day blocks, the study tracks as week sets and timelines, and
//! the hours a week the roadmap asks for. The page lets a learner choose a
//! track and a start date; `theme/plan-model.js` does the schedule
//! arithmetic, `theme/ics.js` the calendar file, `theme/plan.js` the page.
//! The same data, without the items' text, drives the home page's "This
//! week" block.
//!
//! The data is written into the page as JSON (`<script
//! type="application/json">`), so the page needs no data file and works
//! from `file://`; the scripts are added to the built book by
//! [`files`], so only the two pages that use them load them.

use std::path::PathBuf;

use anyhow::{Context, Result};
use roadmap::{Roadmap, UnitKind, WeekEffect};
use serde::Serialize;

use crate::config::Config;
use crate::pages::{Page, PageSource};

/// Where the page lives, relative to `src/`.
pub(crate) const PATH: &str = "plan.md";

/// The scripts and the stylesheet the plan's pages load, by their path in
/// the book.
const ASSETS: &[&str] = &[
    "theme/plan-model.js",
    "theme/ics.js",
    "theme/plan.js",
    "theme/plan.css",
];

/// The data of the plan's scripts.
#[derive(Debug, Serialize)]
struct PlanData {
    /// The book's ID in calendar UIDs (a slug of the roadmap's title).
    book: String,
    /// The calendar's name.
    title: String,
    /// The weekly effort the roadmap states (`10-15 hours per week`).
    hours: Option<Hours>,
    weeks: Vec<WeekData>,
    tracks: Vec<TrackData>,
}

/// A range of hours.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Hours {
    min: f64,
    max: f64,
}

#[derive(Debug, Serialize)]
struct WeekData {
    id: String,
    number: u32,
    name: String,
    title: String,
    /// The week page, relative to the book's root.
    path: String,
    blocks: Vec<BlockData>,
}

#[derive(Debug, Serialize)]
struct BlockData {
    id: String,
    days: String,
    topic: String,
    /// The block's items as plain text (the calendar's descriptions); only
    /// on the plan page.
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
struct TrackData {
    id: String,
    title: String,
    /// The weeks the track skips.
    skip: Vec<u32>,
    /// The weeks it puts first.
    focus: Vec<u32>,
    /// Its timeline in weeks (`16-20 weeks instead of 12`).
    duration: Option<roadmap::WeekRange>,
    /// Its daily practice (`3-4 hours daily commitment`).
    daily_hours: Option<Hours>,
}

/// Whether the roadmap gets a plan page: a plan by weeks (days, modules or
/// versions have no calendar length of their own).
pub(crate) fn applies(roadmap: &Roadmap) -> bool {
    roadmap.weeks().next().is_some() && roadmap.weeks().all(|w| w.unit == UnitKind::Week)
}

/// The plan's data as JSON safe inside a `<script>` element: `<`, `>` and
/// `&` are written as `\u` escapes, so no roadmap text can end the element.
/// `with_items` adds the items' text (the calendar's descriptions).
pub(crate) fn data_json(roadmap: &Roadmap, with_items: bool) -> String {
    let weeks = roadmap
        .weeks()
        .map(|week| WeekData {
            id: week.id.clone(),
            number: week.number,
            name: if week.label.is_empty() {
                format!("Week {}", week.number)
            } else {
                week.label.clone()
            },
            title: week.title.clone(),
            path: crate::pages::unit_path(week).replace(".md", ".html"),
            blocks: week
                .blocks
                .iter()
                .map(|block| BlockData {
                    id: block.id.clone(),
                    days: block.days.clone(),
                    topic: crate::pages::plain_text(&block.topic),
                    items: with_items.then(|| {
                        block
                            .items
                            .iter()
                            .map(|item| match &item.hands_on {
                                Some(h) => format!(
                                    "{}: {}",
                                    h.label_text,
                                    crate::pages::plain_text(&item.text)
                                ),
                                None => crate::pages::plain_text(&item.text),
                            })
                            .collect()
                    }),
                })
                .collect(),
        })
        .collect();
    let tracks = roadmap
        .tracks
        .iter()
        .map(|track| {
            let weeks_with = |effect| {
                let mut weeks: Vec<u32> = track
                    .options
                    .iter()
                    .filter(|o| o.effect == effect)
                    .flat_map(|o| o.weeks.iter().copied())
                    .collect();
                weeks.sort_unstable();
                weeks.dedup();
                weeks
            };
            TrackData {
                id: track.id.clone(),
                title: track.title.clone(),
                skip: weeks_with(WeekEffect::Skip),
                focus: weeks_with(WeekEffect::Focus),
                duration: track.options.iter().find_map(|o| o.duration),
                daily_hours: track
                    .options
                    .iter()
                    .find_map(|o| hours_named(&format!("{}: {}", o.label, o.text), Per::Day)),
            }
        })
        .collect();
    let data = PlanData {
        book: roadmap::slug(crate::pages::strip_icon(&roadmap.title)),
        title: crate::pages::strip_icon(&roadmap.title).to_owned(),
        hours: weekly_hours(roadmap),
        weeks,
        tracks,
    };
    // Strings, whole numbers and finite hours: serialising cannot fail.
    let json = serde_json::to_string(&data).expect("plan data serialises");
    script_safe(&json)
}

/// The home page's plan data (its "This week"): [`data_json`] without
/// the items when that is small, else [`WeekShapes`]: the schedule needs
/// only each week's number and its blocks' day names, and theme/plan.js
/// reads the week of today's name, title and blocks from the roadmap's
/// data part that holds it (book_data.rs), so the home page of a big book
/// does not carry every week.
pub(crate) fn home_json(roadmap: &Roadmap) -> String {
    let whole = data_json(roadmap, false);
    if whole.len() <= HOME_WHOLE {
        return whole;
    }
    let mut shapes: Vec<Vec<&str>> = Vec::new();
    let mut runs: Vec<[u32; 3]> = Vec::new();
    let mut ids = std::collections::BTreeMap::new();
    for week in roadmap.weeks() {
        let days: Vec<&str> = week.blocks.iter().map(|b| b.days.as_str()).collect();
        let shape = match shapes.iter().position(|s| *s == days) {
            Some(at) => at,
            None => {
                shapes.push(days);
                shapes.len() - 1
            }
        } as u32;
        match runs.last_mut() {
            Some(run) if run[2] == shape && run[1].checked_add(1) == Some(week.number) => {
                run[1] = week.number;
            }
            _ => runs.push([week.number, week.number, shape]),
        }
        if week.id != format!("w{:02}", week.number) {
            ids.insert(week.number, week.id.as_str());
        }
    }
    let whole: serde_json::Value = serde_json::from_str(&whole).expect("plan data is JSON");
    let data = WeekShapes {
        book: &whole["book"],
        title: &whole["title"],
        hours: &whole["hours"],
        tracks: &whole["tracks"],
        shapes,
        runs,
        ids,
    };
    script_safe(&serde_json::to_string(&data).expect("plan data serialises"))
}

/// Plan data up to this size goes into the home page whole (the shipped
/// book's is 5 KB).
const HOME_WHOLE: usize = 16_000;

/// The weeks of a big plan for the home page: the same `book`, `title`,
/// `hours` and `tracks` as [`PlanData`], the weeks as runs of numbers
/// with the same day blocks.
#[derive(Serialize)]
struct WeekShapes<'a> {
    book: &'a serde_json::Value,
    title: &'a serde_json::Value,
    hours: &'a serde_json::Value,
    tracks: &'a serde_json::Value,
    /// The distinct lists of block day names (`Monday-Tuesday`, …).
    shapes: Vec<Vec<&'a str>>,
    /// `[first, last, shape]`: weeks `first..=last` have blocks `shapes[shape]`.
    runs: Vec<[u32; 3]>,
    /// The weeks whose ID is not `wNN`, by number.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    ids: std::collections::BTreeMap<u32, &'a str>,
}

/// `json` safe inside a `<script>` element.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The hours a week the roadmap's introduction states (its "Time
/// Commitment": `**Weekly Effort**: 10-15 hours per week`), if it does.
pub(crate) fn weekly_hours(roadmap: &Roadmap) -> Option<Hours> {
    roadmap
        .introduction
        .iter()
        .chain(&roadmap.prose)
        .find_map(|section| hours_named(&section.markdown, Per::Week))
}

/// What an amount of hours is per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Per {
    /// `per week`, `a week`, `each week`, `weekly`.
    Week,
    /// `daily`, `per day`, `a day`, `each day`.
    Day,
}

/// The first `N hours` or `N-M hours` of `text` followed by words saying
/// `per`: `10-15 hours per week`, `3-4 hours daily`, `1.5 hours a day`.
pub(crate) fn hours_named(text: &str, per: Per) -> Option<Hours> {
    let lower = text.to_lowercase();
    let units: &[&str] = match per {
        Per::Week => &[
            "per week",
            "a week",
            "each week",
            "every week",
            "weekly",
            "/week",
        ],
        Per::Day => &["per day", "a day", "each day", "every day", "daily", "/day"],
    };
    lower.match_indices("hour").find_map(|(at, _)| {
        let after = lower[at..].trim_start_matches(char::is_alphabetic);
        let after = after.trim_start_matches([' ', '\t']);
        if !units.iter().any(|unit| after.starts_with(unit)) {
            return None;
        }
        range_before(lower[..at].trim_end())
    })
}

/// The number or `N-M` range that `text` ends with.
fn range_before(text: &str) -> Option<Hours> {
    let number_at_end = |text: &str| -> Option<(f64, usize)> {
        let digits = text
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        let start = text.len() - digits;
        let value: f64 = text[start..].trim_start_matches('.').parse().ok()?;
        Some((value, start))
    };
    let (max, start) = number_at_end(text)?;
    let before = text[..start].trim_end();
    let min = before
        .strip_suffix(['-', '–'])
        .or_else(|| before.strip_suffix(" to"))
        .and_then(|rest| number_at_end(rest.trim_end()))
        .map_or(max, |(min, _)| min);
    (min <= max && max > 0.0 && max.is_finite()).then_some(Hours { min, max })
}

/// The plan page, rendered with `plan.md.tera`, or none when the roadmap
/// is not a plan by weeks.
pub(crate) fn generate(roadmap: &Roadmap, tera: &tera::Tera) -> Result<Option<Page>> {
    if !applies(roadmap) {
        return Ok(None);
    }
    let tracks: Vec<serde_json::Value> = roadmap
        .tracks
        .iter()
        .map(|t| serde_json::json!({ "id": t.id, "title": t.title }))
        .collect();
    let mut context = tera::Context::new();
    context.insert("tracks", &tracks);
    context.insert("weeks", &roadmap.weeks().count());
    context.insert("hours", &weekly_hours(roadmap));
    context.insert("data", &data_json(roadmap, true));
    let markdown = tera
        .render("plan.md.tera", &context)
        .context("cannot render the page template plan.md.tera")?;
    Ok(Some(Page {
        path: PATH.to_owned(),
        title: "My plan".to_owned(),
        source: PageSource::Generated(markdown),
        children: Vec::new(),
        appendix: None,
    }))
}

/// The plan's scripts and stylesheet for the built book (`BuildOptions::files`):
/// the book's own `theme/` copy when it has one, else roadbook's.
pub(crate) fn files(config: &Config) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    crate::assets::page_assets(&config.root, ASSETS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(min: f64, max: f64) -> Option<Hours> {
        Some(Hours { min, max })
    }

    #[test]
    fn hours_of_the_roadmaps_wording() {
        let week = |t| hours_named(t, Per::Week);
        let day = |t| hours_named(t, Per::Day);
        assert_eq!(
            week("- **Weekly Effort**: 10-15 hours per week"),
            hours(10.0, 15.0)
        );
        assert_eq!(week("about 8 hours a week"), hours(8.0, 8.0));
        assert_eq!(week("6 to 9 hours weekly"), hours(6.0, 9.0));
        assert_eq!(
            day("**Daily Practice**: 3-4 hours daily commitment"),
            hours(3.0, 4.0)
        );
        assert_eq!(day("1.5-2 hours per day"), hours(1.5, 2.0));
        // Hours of another unit, or no number, are not a weekly effort.
        assert_eq!(week("1.5-2 hours on weekdays, 3-4 hours on weekends"), None);
        assert_eq!(week("3-4 hours daily"), None);
        assert_eq!(day("10-15 hours per week"), None);
        assert_eq!(week("hours per week"), None);
        assert_eq!(week("15-10 hours per week"), None, "a reversed range");
        let huge = format!("{} hours per week", "9".repeat(400));
        assert_eq!(week(&huge), None, "too large to be a number of hours");
        // The first matching mention wins, not the first number.
        assert_eq!(
            week("12 weeks, 1.5-2 hours on weekdays; in all 10-15 hours per week"),
            hours(10.0, 15.0)
        );
    }

    #[test]
    fn the_shipped_roadmap_gives_its_tracks_and_hours() {
        let parsed = roadmap::parse(include_str!("../../../roadmap.md"), "roadmap.md");
        let data: serde_json::Value =
            serde_json::from_str(&data_json(&parsed.roadmap, true)).unwrap();
        assert_eq!(data["hours"], serde_json::json!({"min": 10.0, "max": 15.0}));
        assert_eq!(data["weeks"].as_array().unwrap().len(), 12);
        let block = &data["weeks"][0]["blocks"][0];
        assert_eq!(block["id"], "w01-monday-tuesday");
        assert_eq!(block["days"], "Monday-Tuesday");
        assert_eq!(
            block["items"][3],
            "Exercise: Identify bottlenecks in order processing pipeline"
        );
        assert_eq!(data["weeks"][0]["path"], "weeks/week-01.html");
        let tracks = data["tracks"].as_array().unwrap();
        let summary: Vec<_> = tracks
            .iter()
            .map(|t| {
                (
                    t["skip"].clone(),
                    t["focus"].clone(),
                    t["duration"].clone(),
                    t["daily_hours"].clone(),
                )
            })
            .collect();
        use serde_json::json;
        assert_eq!(
            summary,
            [
                (json!([1, 2]), json!([9, 10]), json!(null), json!(null)),
                (
                    json!([]),
                    json!([1, 2, 3, 4]),
                    json!({"min": 16, "max": 20}),
                    json!(null)
                ),
                (
                    json!([]),
                    json!([1, 3, 5, 11, 12]),
                    json!({"min": 6, "max": 8}),
                    json!({"min": 3.0, "max": 4.0})
                ),
            ]
        );
        let light: serde_json::Value =
            serde_json::from_str(&data_json(&parsed.roadmap, false)).unwrap();
        assert!(light["weeks"][0]["blocks"][0].get("items").is_none());
    }

    #[test]
    fn roadmap_text_cannot_end_the_script_element() {
        let parsed = roadmap::parse(
            "# P\n### Week 1: </script><script>alert(1)</script> & co\n**Mon: B**\n- [ ] x\n",
            "roadmap.md",
        );
        let json = data_json(&parsed.roadmap, true);
        assert!(!json.contains('<') && !json.contains('&'), "{json}");
        let data: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(
            data["weeks"][0]["title"]
                .as_str()
                .unwrap()
                .contains("</script>")
        );
    }

    #[test]
    fn only_plans_by_weeks_get_a_plan_page() {
        let weeks = roadmap::parse("# P\n### Week 1: A\n**Mon: B**\n- [ ] x\n", "r.md");
        assert!(applies(&weeks.roadmap));
        let days = roadmap::parse("# P\n## Day 1-3: A\n- [ ] x\n", "r.md");
        assert!(!applies(&days.roadmap));
        let none = roadmap::parse("# P\nJust text.\n", "r.md");
        assert!(!applies(&none.roadmap));
    }
}
