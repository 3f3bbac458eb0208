//! `roadbook-data.js`: the roadmap's structure as data for the scripts of
//! the built book (progress counts, "continue where you left off", plans,
//! export). A classic script defining `window.roadbookData`, because
//! scripts cannot `fetch` a JSON file from `file://`.
//!
//! The format (documented for the scripts in theme/README.md):
//! `{version, hours, phases, weeks, items, milestones, tracks, aliases}`;
//! page paths are relative to the book's root. Optional fields are left out
//! rather than written as `null`/`false`, to keep the file small.

use std::collections::BTreeMap;

use roadmap::{Kind, Roadmap, WeekEffect, WeekRange};
use serde::Serialize;

use crate::pages::Inputs;

/// The file's path inside the built book.
pub(crate) const PATH: &str = "roadbook-data.js";

/// Bumped when a field changes meaning, so scripts can tell.
const VERSION: u32 = 1;

/// The longest short text of an item, in characters.
const SHORT_TEXT: usize = 90;

#[derive(Serialize)]
struct BookData<'a> {
    version: u32,
    /// Planned hours per unit, when the introduction states them
    /// (`10-15 hours per week`).
    #[serde(skip_serializing_if = "Option::is_none")]
    hours: Option<WeekRange>,
    phases: Vec<PhaseData<'a>>,
    weeks: Vec<WeekData<'a>>,
    items: Vec<ItemData<'a>>,
    milestones: Vec<MilestoneData<'a>>,
    tracks: Vec<TrackData<'a>>,
    /// Old ID → the ID that took its progress over.
    aliases: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct PhaseData<'a> {
    id: &'a str,
    title: &'a str,
    /// The phase page.
    path: String,
    /// The IDs of its units.
    weeks: Vec<&'a str>,
}

#[derive(Serialize)]
struct WeekData<'a> {
    id: &'a str,
    number: u32,
    /// The unit's name as its heading gives it (`Week 3`, `Day 1-3`).
    name: String,
    title: &'a str,
    /// The unit page.
    path: String,
    phase: &'a str,
}

#[derive(Serialize)]
struct ItemData<'a> {
    id: &'a str,
    /// The unit's ID.
    week: &'a str,
    /// `task`, `exercise` or `hands-on` (the pages' `data-kind`).
    kind: &'static str,
    /// The hands-on label as written (`Exercise`, `Mock`).
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    /// The text as plain text, cut at 90 characters.
    text: String,
    /// Ticked in the roadmap (`- [x]`): the learner's starting state.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    checked: bool,
    /// The exercise page, when it exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    exercise: Option<String>,
}

#[derive(Serialize)]
struct MilestoneData<'a> {
    id: &'a str,
    /// The milestone group's ID.
    group: &'a str,
    /// The unit numbers the group closes.
    weeks: &'a [u32],
    label: &'a str,
    text: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    checked: bool,
}

#[derive(Serialize)]
struct TrackData<'a> {
    id: &'a str,
    /// The heading (`For Experienced Developers (6+ years)`).
    name: &'a str,
    /// The unit numbers a learner on this track studies.
    weeks: Vec<u32>,
    /// The unit numbers it asks more time for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    focus: Vec<u32>,
    /// The total duration it names (`16-20 weeks instead of 12`).
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<WeekRange>,
    /// The option that names the duration, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_text: Option<String>,
}

/// The data file of `roadmap` as a script.
pub(crate) fn script(roadmap: &Roadmap, inputs: &Inputs) -> Vec<u8> {
    let data = collect(roadmap, inputs);
    let json = serde_json::to_string(&data).expect("plain data serialises");
    format!(
        "// The roadmap as data for the book's scripts, written by roadbook build.\n\
         window.roadbookData = {json};\n"
    )
    .into_bytes()
}

fn collect<'a>(roadmap: &'a Roadmap, inputs: &Inputs) -> BookData<'a> {
    let page = |path: String| path.replace(".md", ".html");
    let phases = roadmap
        .phases
        .iter()
        .map(|phase| PhaseData {
            id: &phase.id,
            title: &phase.title,
            path: format!("phases/{}.html", phase.id),
            weeks: phase.weeks.iter().map(|w| w.id.as_str()).collect(),
        })
        .collect();
    let weeks = roadmap
        .phases
        .iter()
        .flat_map(|phase| phase.weeks.iter().map(move |week| (phase, week)))
        .map(|(phase, week)| WeekData {
            id: &week.id,
            number: week.number,
            name: if week.label.is_empty() {
                format!("Week {}", week.number)
            } else {
                week.label.clone()
            },
            title: &week.title,
            path: page(crate::pages::unit_path(week)),
            phase: &phase.id,
        })
        .collect();
    let items = roadmap
        .items()
        .map(|(week, item)| ItemData {
            id: &item.id,
            week: &week.id,
            kind: Kind::of_item(item.hands_on.as_ref()).as_str(),
            label: item.hands_on.as_ref().map(|h| h.label_text.as_str()),
            text: short_text(&item.text),
            checked: item.checked,
            exercise: inputs
                .exercises
                .contains_key(&item.id)
                .then(|| format!("exercises/{}.html", item.id)),
        })
        .collect();
    let milestones = roadmap
        .milestones
        .iter()
        .flat_map(|group| {
            group.milestones.iter().map(move |m| MilestoneData {
                id: &m.id,
                group: &group.id,
                weeks: &group.weeks,
                label: &m.label,
                text: short_text(&m.text),
                checked: m.checked,
            })
        })
        .collect();
    let all: Vec<u32> = roadmap.weeks().map(|w| w.number).collect();
    let tracks = roadmap
        .tracks
        .iter()
        .map(|track| track_data(track, &all))
        .collect();
    BookData {
        version: VERSION,
        hours: planned_hours(roadmap),
        phases,
        weeks,
        items,
        milestones,
        tracks,
        aliases: roadmap::aliases(roadmap).into_iter().collect(),
    }
}

/// A track's units: all but the ones it skips; a track that compresses the
/// plan (a duration shorter than the plan) and names weeks to focus on
/// studies only those (`6-8 weeks` with `Weeks 1, 3, 5, 11-12`).
fn track_data<'a>(track: &'a roadmap::Track, all: &[u32]) -> TrackData<'a> {
    let named = |effect: WeekEffect| -> Vec<u32> {
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
    let (skip, focus) = (named(WeekEffect::Skip), named(WeekEffect::Focus));
    let timed = track.options.iter().find(|o| o.duration.is_some());
    let duration = timed.and_then(|o| o.duration);
    let compressed = duration.is_some_and(|d| (d.max as usize) < all.len());
    let weeks = all
        .iter()
        .copied()
        .filter(|n| !skip.contains(n))
        .filter(|n| !compressed || focus.is_empty() || focus.contains(n))
        .collect();
    TrackData {
        id: &track.id,
        name: &track.title,
        weeks,
        focus,
        duration,
        duration_text: timed.map(|o| format!("{}: {}", o.label, o.text)),
    }
}

/// The hours per unit the introduction states (`**Weekly Effort**: 10-15
/// hours per week`): the first entry whose value names hours per week.
fn planned_hours(roadmap: &Roadmap) -> Option<WeekRange> {
    roadmap
        .introduction
        .iter()
        .flat_map(|s| &s.entries)
        .find_map(|entry| {
            let value = entry.value.to_lowercase();
            let (numbers, rest) = value.split_once("hours")?;
            if !rest.contains("week") {
                return None;
            }
            let mut bounds = numbers
                .trim()
                .split(['-', '–'])
                .map(|n| n.trim().parse::<u32>());
            let min = bounds.next()?.ok()?;
            let max = match bounds.next() {
                Some(max) => max.ok()?,
                None => min,
            };
            (bounds.next().is_none() && min <= max).then_some(WeekRange { min, max })
        })
}

/// Inline Markdown as plain text (markup and links dropped, their words
/// kept), cut at a word boundary before `SHORT_TEXT` characters with `…`.
fn short_text(markdown: &str) -> String {
    let text = crate::pages::plain_text(markdown);
    if text.chars().count() <= SHORT_TEXT {
        return text;
    }
    let cut: String = text.chars().take(SHORT_TEXT - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > SHORT_TEXT / 2 => &cut[..space],
        _ => &cut,
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(source: &str, exercises: &[&str]) -> serde_json::Value {
        let roadmap = roadmap::parse(source, "roadmap.md").roadmap;
        let inputs = Inputs {
            exercises: exercises
                .iter()
                .map(|id| ((*id).to_owned(), "T".to_owned()))
                .collect(),
            ..Inputs::default()
        };
        let script = String::from_utf8(script(&roadmap, &inputs)).unwrap();
        let json = script
            .split_once("window.roadbookData = ")
            .and_then(|(_, rest)| rest.strip_suffix(";\n"))
            .expect("one assignment");
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_shipped_roadmap_as_data() {
        let source = include_str!("../../../roadmap.md");
        let data = data(
            source,
            &["w01-identify-bottlenecks-order-processing-pipeline"],
        );
        assert_eq!(data["version"], 1);
        assert_eq!(data["hours"], serde_json::json!({"min": 10, "max": 15}));
        assert_eq!(data["weeks"].as_array().unwrap().len(), 12);
        assert_eq!(
            data["phases"][0]["weeks"],
            serde_json::json!(["w01", "w02"])
        );
        assert_eq!(data["weeks"][2]["path"], "weeks/week-03.html");
        assert_eq!(data["weeks"][2]["phase"], "weeks-03-04");
        let items = data["items"].as_array().unwrap();
        let exercise = items
            .iter()
            .find(|i| i["id"] == "w01-identify-bottlenecks-order-processing-pipeline")
            .unwrap();
        assert_eq!(exercise["kind"], "exercise");
        assert_eq!(exercise["label"], "Exercise");
        assert_eq!(
            exercise["exercise"],
            "exercises/w01-identify-bottlenecks-order-processing-pipeline.html"
        );
        assert!(exercise.get("checked").is_none(), "false is left out");
        assert!(
            items
                .iter()
                .all(|i| i["text"].as_str().unwrap().chars().count() <= SHORT_TEXT)
        );
        let tracks = data["tracks"].as_array().unwrap();
        let weeks_of = |needle: &str| {
            tracks
                .iter()
                .find(|t| t["name"].as_str().unwrap().contains(needle))
                .map(|t| t["weeks"].clone())
                .unwrap()
        };
        assert_eq!(
            weeks_of("Experienced"),
            serde_json::json!([3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        );
        assert_eq!(weeks_of("Urgent"), serde_json::json!([1, 3, 5, 11, 12]));
        assert_eq!(
            weeks_of("Career"),
            serde_json::json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
            "a longer plan studies every week"
        );
        assert!(!data["milestones"].as_array().unwrap().is_empty());
    }

    #[test]
    fn aliases_and_ticks_are_carried() {
        let data = data(
            "# P\n### Week 1: A\n**Mon: B**\n- [x] Read **the** [guide](https://x.org) <!-- was: w01-old -->\n",
            &[],
        );
        assert_eq!(
            data["aliases"],
            serde_json::json!({"w01-old": "w01-read-guide-https-x-org"})
        );
        assert_eq!(data["items"][0]["checked"], true);
        assert_eq!(data["items"][0]["text"], "Read the guide");
        assert!(data.get("hours").is_none());
    }

    #[test]
    fn long_texts_are_cut_at_a_word() {
        let long = "word ".repeat(40);
        let short = short_text(&long);
        assert!(short.ends_with("word…"), "{short}");
        assert!(short.chars().count() <= SHORT_TEXT);
        assert_eq!(short_text("`code` and *emphasis*"), "code and emphasis");
    }
}
