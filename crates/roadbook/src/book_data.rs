//! The roadmap's structure as data for the scripts of the built book
//! (progress counts, "continue where you left off", plans, export), in
//! classic scripts, because scripts cannot `fetch` a JSON file from
//! `file://`:
//!
//! - `roadbook-data.js`, loaded by every page, defines `window.roadbookData`,
//!   the **outline**: what is small whatever the size of the book (the
//!   planned hours, the tracks, the aliases, which unit each exercise page
//!   belongs to) and the names of the parts;
//! - `data/N-DIGEST.js`, the **parts**, hold the phases, units, items and
//!   milestones. A record goes to part `fnv1a(ID) mod parts` (an item to its
//!   unit's part, a milestone to its group's), so a page finds the part of
//!   any unit from its ID alone, with no index that grows with the book: a
//!   week page loads one part, not the whole roadmap. A book whose data is
//!   small (`whole`) has every page load every part, so the sidebar can mark
//!   every finished unit.
//!
//! The formats are documented for the scripts in theme/README.md; page
//! paths are relative to the book's root. Optional fields are left out
//! rather than written as `null`/`false`, to keep the files small.

use std::collections::BTreeMap;
use std::path::PathBuf;

use roadmap::{Kind, Roadmap, WeekEffect, WeekRange};
use serde::Serialize;

use crate::pages::Inputs;

/// The outline's path inside the built book.
pub(crate) const PATH: &str = "roadbook-data.js";

/// The folder of the parts inside the built book.
pub(crate) const PARTS_DIR: &str = "data";

/// Bumped when a field changes meaning, so scripts can tell.
const VERSION: u32 = 2;

/// The longest short text of an item, in characters.
const SHORT_TEXT: usize = 90;

/// About how many bytes of JSON a part holds: the number of parts is the
/// data's size over this, so a week page of a big book loads ~16 KB.
const PART_BUDGET: usize = 16_000;

/// Data up to this size is `whole`: every page loads all of it.
const WHOLE: usize = 64_000;

#[derive(Serialize)]
struct Outline<'a> {
    version: u32,
    /// Planned hours per unit, when the introduction states them
    /// (`10-15 hours per week`).
    #[serde(skip_serializing_if = "Option::is_none")]
    hours: Option<WeekRange>,
    tracks: Vec<TrackData<'a>>,
    /// Old ID → the ID that took its progress over.
    aliases: BTreeMap<String, String>,
    /// The ID of each item with an exercise page → its unit's ID.
    exercises: BTreeMap<&'a str, &'a str>,
    /// The number of parts: record `ID` is in part `fnv1a(ID) % parts`.
    parts: usize,
    /// A digest of the parts, in their file names: part `N` is
    /// `data/N-STAMP.js`, so a changed roadmap gets new names throughout
    /// and a page never puts parts of two builds together.
    stamp: String,
    /// The data is small: every page loads every part.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    whole: bool,
}

/// The lists of a part.
#[derive(Clone, Copy)]
enum List {
    Phases,
    Weeks,
    Items,
    Milestones,
}

/// The records of one part, each list in roadmap order.
#[derive(Default)]
struct Part {
    phases: Vec<String>,
    weeks: Vec<String>,
    items: Vec<String>,
    milestones: Vec<String>,
}

impl Part {
    fn json(&self) -> String {
        let list = |records: &[String]| format!("[{}]", records.join(","));
        format!(
            "{{\"phases\":{},\"weeks\":{},\"items\":{},\"milestones\":{}}}",
            list(&self.phases),
            list(&self.weeks),
            list(&self.items),
            list(&self.milestones)
        )
    }
}

#[derive(Serialize)]
struct PhaseData<'a> {
    id: &'a str,
    /// The phase's place in the roadmap (0, 1, …): parts do not keep the
    /// roadmap's order.
    at: usize,
    title: &'a str,
    /// The phase page.
    path: String,
    /// The IDs of its units.
    weeks: Vec<&'a str>,
}

#[derive(Serialize)]
struct WeekData<'a> {
    id: &'a str,
    /// The unit's place in the roadmap (0, 1, …).
    at: usize,
    number: u32,
    /// The unit's name as its heading gives it (`Week 3`, `Day 1-3`).
    name: String,
    title: &'a str,
    /// The unit page.
    path: String,
    phase: &'a str,
    /// Its day blocks, for the home page's "This week" (theme/plan.js).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    blocks: Vec<BlockData<'a>>,
}

#[derive(Serialize)]
struct BlockData<'a> {
    id: &'a str,
    days: &'a str,
    topic: String,
}

/// What the home page counts the whole book with, without its parts
/// (`data/counts-STAMP.js`): each list in roadmap order, numbers rather
/// than records, so that it stays a few bytes a unit.
#[derive(Serialize, Default)]
struct Counts<'a> {
    /// The IDs of the units whose ID is not `w` and their number of at
    /// least two digits (`w07`, `w123`), by their place: the others are
    /// the reader's to make.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    ids: BTreeMap<usize, &'a str>,
    /// The units' numbers, as runs `[first, last]`.
    numbers: Vec<[u32; 2]>,
    /// The number of items of each unit.
    items: Vec<usize>,
    /// The number of units of each phase, in order: a phase's units follow
    /// the previous phase's.
    phases: Vec<usize>,
    /// The number of milestones.
    milestones: usize,
    /// Items ticked in the roadmap (`- [x]`) → their unit.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    checked: BTreeMap<&'a str, &'a str>,
    /// Items whose ID does not start with their unit's ID and `-` (an
    /// `<!-- id: … -->` override) → their unit.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    away: BTreeMap<&'a str, &'a str>,
    /// Milestones ticked in the roadmap.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    checked_milestones: Vec<&'a str>,
    /// Milestones whose ID is not `ms-` and their group's ID without its
    /// leading `milestones-`, then `-` → their group.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    away_milestones: BTreeMap<&'a str, &'a str>,
}

#[derive(Serialize)]
struct ItemData<'a> {
    id: &'a str,
    /// The unit's ID; a part lists a unit's items in roadmap order.
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
    /// The milestone group's ID; a part lists a group's milestones in order.
    group: &'a str,
    /// The group's place among the roadmap's milestone groups (0, 1, …).
    at: usize,
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
    /// The unit numbers a learner on this track studies, as runs
    /// `[first, last]`.
    weeks: Vec<[u32; 2]>,
    /// The unit numbers it asks more time for, as runs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    focus: Vec<[u32; 2]>,
    /// The total duration it names (`16-20 weeks instead of 12`).
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<WeekRange>,
    /// The option that names the duration, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_text: Option<String>,
}

/// The data files of `roadmap`: the outline at [`PATH`] and its parts
/// under [`PARTS_DIR`], as (path in the book, bytes).
pub(crate) fn files(roadmap: &Roadmap, inputs: &Inputs) -> Vec<(PathBuf, Vec<u8>)> {
    let page = |path: String| path.replace(".md", ".html");
    fn json(value: &impl Serialize) -> String {
        serde_json::to_string(value).expect("plain data serialises")
    }
    // Each record as JSON, with the list it goes in and the ID that places it.
    let mut records: Vec<(&str, List, String)> = Vec::new();
    for (at, phase) in roadmap.phases.iter().enumerate() {
        let data = PhaseData {
            id: &phase.id,
            at,
            title: &phase.title,
            path: format!("phases/{}.html", phase.id),
            weeks: phase.weeks.iter().map(|w| w.id.as_str()).collect(),
        };
        records.push((&phase.id, List::Phases, json(&data)));
    }
    let units = roadmap
        .phases
        .iter()
        .flat_map(|phase| phase.weeks.iter().map(move |week| (phase, week)));
    for (at, (phase, week)) in units.enumerate() {
        let data = WeekData {
            id: &week.id,
            at,
            number: week.number,
            name: if week.label.is_empty() {
                format!("Week {}", week.number)
            } else {
                week.label.clone()
            },
            title: &week.title,
            path: page(crate::pages::unit_path(week)),
            phase: &phase.id,
            blocks: week
                .blocks
                .iter()
                .map(|block| BlockData {
                    id: &block.id,
                    days: &block.days,
                    topic: crate::pages::plain_text(&block.topic),
                })
                .collect(),
        };
        records.push((&week.id, List::Weeks, json(&data)));
    }
    for (week, item) in roadmap.items() {
        let data = ItemData {
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
        };
        records.push((&week.id, List::Items, json(&data)));
    }
    for (at, group) in roadmap.milestones.iter().enumerate() {
        for m in &group.milestones {
            let data = MilestoneData {
                id: &m.id,
                group: &group.id,
                at,
                weeks: &group.weeks,
                label: &m.label,
                text: short_text(&m.text),
                checked: m.checked,
            };
            records.push((&group.id, List::Milestones, json(&data)));
        }
    }

    let counts = counts(roadmap);

    let size: usize = records.iter().map(|(_, _, json)| json.len() + 1).sum();
    let count = size.div_ceil(PART_BUDGET).max(1);
    let mut parts: Vec<Part> = (0..count).map(|_| Part::default()).collect();
    for (owner, kind, json) in records {
        let part = &mut parts[part_of(owner, count)];
        match kind {
            List::Phases => part.phases.push(json),
            List::Weeks => part.weeks.push(json),
            List::Items => part.items.push(json),
            List::Milestones => part.milestones.push(json),
        }
    }
    let parts: Vec<String> = parts.iter().map(Part::json).collect();
    let counts = serde_json::to_string(&counts).expect("plain data serialises");
    let stamp = crate::build_stamp::digest(&(parts.concat() + &counts));
    let mut files = Vec::with_capacity(count + 2);
    for (n, json) in parts.iter().enumerate() {
        let script = format!(
            "// Part {n} of the roadmap's data, written by roadbook build (see roadbook-data.js).\n\
             (window.roadbookDataParts = window.roadbookDataParts || {{}})[{n}] = {json};\n"
        );
        files.push((part_path(n, &stamp), script.into_bytes()));
    }
    files.push((
        counts_path(&stamp),
        format!(
            "// The counts of the roadmap's data for the home page, written by roadbook build (see roadbook-data.js).\n\
             window.roadbookDataCounts = {counts};\n"
        )
        .into_bytes(),
    ));

    let all: Vec<u32> = roadmap.weeks().map(|w| w.number).collect();
    let outline = Outline {
        version: VERSION,
        hours: planned_hours(roadmap),
        tracks: roadmap
            .tracks
            .iter()
            .map(|track| track_data(track, &all))
            .collect(),
        aliases: roadmap::aliases(roadmap).into_iter().collect(),
        exercises: roadmap
            .items()
            .filter(|(_, item)| inputs.exercises.contains_key(&item.id))
            .map(|(week, item)| (item.id.as_str(), week.id.as_str()))
            .collect(),
        parts: count,
        stamp,
        whole: size <= WHOLE,
    };
    let outline = serde_json::to_string(&outline).expect("plain data serialises");
    files.insert(
        0,
        (
            PathBuf::from(PATH),
            format!(
                "// The roadmap as data for the book's scripts, written by roadbook build.\n\
                 window.roadbookData = {outline};\n"
            )
            .into_bytes(),
        ),
    );
    files
}

/// What the home page counts with (see [`Counts`]).
fn counts(roadmap: &Roadmap) -> Counts<'_> {
    let mut counts = Counts::default();
    let mut numbers = Vec::new();
    for phase in &roadmap.phases {
        counts.phases.push(phase.weeks.len());
        for week in &phase.weeks {
            if week.id != format!("w{:02}", week.number) {
                counts.ids.insert(numbers.len(), &week.id);
            }
            numbers.push(week.number);
            counts
                .items
                .push(week.blocks.iter().map(|b| b.items.len()).sum());
        }
    }
    counts.numbers = runs(&numbers);
    for (week, item) in roadmap.items() {
        if item.checked {
            counts.checked.insert(&item.id, &week.id);
        }
        let prefixed = item
            .id
            .strip_prefix(week.id.as_str())
            .is_some_and(|rest| rest.starts_with('-'));
        if !prefixed {
            counts.away.insert(&item.id, &week.id);
        }
    }
    for group in &roadmap.milestones {
        let stem = group.id.strip_prefix("milestones-").unwrap_or(&group.id);
        for m in &group.milestones {
            counts.milestones += 1;
            if m.checked {
                counts.checked_milestones.push(&m.id);
            }
            let prefixed =
                m.id.strip_prefix("ms-")
                    .and_then(|rest| rest.strip_prefix(stem))
                    .is_some_and(|rest| rest.starts_with('-'));
            if !prefixed {
                counts.away_milestones.insert(&m.id, &group.id);
            }
        }
    }
    counts
}

/// The counts' file in the book; theme/progress-model.js's `countsFile`
/// names the same.
fn counts_path(stamp: &str) -> PathBuf {
    PathBuf::from(format!("{PARTS_DIR}/counts-{stamp}.js"))
}

/// Part `n`'s file in the book; theme/progress-model.js's `partFile` names
/// the same.
fn part_path(n: usize, stamp: &str) -> PathBuf {
    PathBuf::from(format!("{PARTS_DIR}/{n}-{stamp}.js"))
}

/// The part of the record with ID `id` among `count`: FNV-1a (32 bits)
/// of its UTF-8 bytes, modulo `count`; theme/progress-model.js's `partOf`
/// computes the same.
fn part_of(id: &str, count: usize) -> usize {
    fnv1a(id) as usize % count
}

/// FNV-1a, 32 bits, of `text`'s UTF-8 bytes.
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

/// The runs of consecutive numbers in sorted `numbers`, as `[first, last]`.
fn runs(numbers: &[u32]) -> Vec<[u32; 2]> {
    let mut runs: Vec<[u32; 2]> = Vec::new();
    for &n in numbers {
        match runs.last_mut() {
            Some(run) if run[1].checked_add(1) == Some(n) => run[1] = n,
            _ => runs.push([n, n]),
        }
    }
    runs
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
    let weeks: Vec<u32> = all
        .iter()
        .copied()
        .filter(|n| skip.binary_search(n).is_err())
        .filter(|n| !compressed || focus.is_empty() || focus.binary_search(n).is_ok())
        .collect();
    TrackData {
        id: &track.id,
        name: &track.title,
        weeks: runs(&weeks),
        focus: runs(&focus),
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
    use std::path::Path;

    use super::*;

    /// The outline and the parts of `source`'s data, as JSON.
    fn built(source: &str, exercises: &[&str]) -> (serde_json::Value, Vec<serde_json::Value>) {
        let (outline, parts, _) = built_with_counts(source, exercises);
        (outline, parts)
    }

    /// The outline, the parts and the counts of `source`'s data, as JSON.
    fn built_with_counts(
        source: &str,
        exercises: &[&str],
    ) -> (serde_json::Value, Vec<serde_json::Value>, serde_json::Value) {
        let roadmap = roadmap::parse(source, "roadmap.md").roadmap;
        let inputs = Inputs {
            exercises: exercises
                .iter()
                .map(|id| ((*id).to_owned(), "T".to_owned()))
                .collect(),
            ..Inputs::default()
        };
        let files = files(&roadmap, &inputs);
        let value = |bytes: &[u8], before: &str| -> serde_json::Value {
            let text = std::str::from_utf8(bytes).unwrap();
            let json = text
                .split_once(before)
                .and_then(|(_, rest)| rest.strip_suffix(";\n"))
                .expect("one assignment");
            serde_json::from_str(json).unwrap()
        };
        assert_eq!(files[0].0, Path::new(PATH));
        let outline = value(&files[0].1, "window.roadbookData = ");
        let count = outline["parts"].as_u64().unwrap() as usize;
        assert_eq!(count, files.len() - 2);
        let stamp = outline["stamp"].as_str().unwrap();
        let (last, bytes) = files.last().unwrap();
        assert_eq!(
            last,
            &Path::new(PARTS_DIR).join(format!("counts-{stamp}.js"))
        );
        let counts = value(bytes, "window.roadbookDataCounts = ");
        let parts = files[1..=count]
            .iter()
            .enumerate()
            .map(|(n, (path, bytes))| {
                assert_eq!(path, &Path::new(PARTS_DIR).join(format!("{n}-{stamp}.js")));
                value(bytes, &format!("[{n}] = "))
            })
            .collect();
        (outline, parts, counts)
    }

    /// The parts put together, each list in roadmap order (what
    /// theme/progress-model.js's `assemble` does).
    fn assembled(parts: &[serde_json::Value]) -> serde_json::Value {
        let list = |name: &str| {
            let mut all: Vec<serde_json::Value> = parts
                .iter()
                .flat_map(|p| p[name].as_array().unwrap().clone())
                .collect();
            all.sort_by_key(|r| r["at"].as_u64());
            all
        };
        let weeks = list("weeks");
        let mut items: Vec<serde_json::Value> = Vec::new();
        for week in &weeks {
            let part = parts
                .iter()
                .find(|p| p["weeks"].as_array().unwrap().contains(week))
                .unwrap();
            items.extend(
                part["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|i| i["week"] == week["id"])
                    .cloned(),
            );
        }
        serde_json::json!({"phases": list("phases"), "weeks": weeks, "items": items, "milestones": list("milestones")})
    }

    #[test]
    fn the_shipped_roadmap_as_data() {
        let source = include_str!("../../../roadmap.md");
        let (outline, parts) = built(
            source,
            &["w01-identify-bottlenecks-order-processing-pipeline"],
        );
        assert_eq!(outline["version"], 2);
        assert_eq!(outline["hours"], serde_json::json!({"min": 10, "max": 15}));
        assert_eq!(
            outline["whole"], true,
            "the shipped book is small: every page loads all"
        );
        assert_eq!(
            outline["exercises"],
            serde_json::json!({"w01-identify-bottlenecks-order-processing-pipeline": "w01"})
        );
        let data = assembled(&parts);
        assert_eq!(data["weeks"].as_array().unwrap().len(), 12);
        assert_eq!(
            data["phases"][0]["weeks"],
            serde_json::json!(["w01", "w02"])
        );
        assert_eq!(data["weeks"][2]["path"], "weeks/week-03.html");
        assert_eq!(data["weeks"][2]["phase"], "weeks-03-04");
        let items = data["items"].as_array().unwrap();
        assert_eq!(
            items[0]["id"], "w01-study-horizontal-vertical-scaling-concepts",
            "roadmap order"
        );
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
        let tracks = outline["tracks"].as_array().unwrap();
        let weeks_of = |needle: &str| {
            tracks
                .iter()
                .find(|t| t["name"].as_str().unwrap().contains(needle))
                .map(|t| t["weeks"].clone())
                .unwrap()
        };
        assert_eq!(weeks_of("Experienced"), serde_json::json!([[3, 12]]));
        assert_eq!(
            weeks_of("Urgent"),
            serde_json::json!([[1, 1], [3, 3], [5, 5], [11, 12]])
        );
        assert_eq!(
            weeks_of("Career"),
            serde_json::json!([[1, 12]]),
            "a longer plan studies every week"
        );
        assert!(!data["milestones"].as_array().unwrap().is_empty());
    }

    #[test]
    fn each_record_is_in_the_part_its_id_names() {
        let mut source = String::from("# Plan\n");
        for phase in 0..40 {
            source.push_str(&format!("\n## Phase {phase}: Topic {phase}\n"));
            for week in 0..3 {
                let n = phase * 3 + week + 1;
                source.push_str(&format!("\n### Week {n}: Subject {n}\n**Mon: Block**\n"));
                for item in 0..12 {
                    source.push_str(&format!(
                        "- [ ] Study the {item} part of subject number {n} in some depth\n"
                    ));
                }
            }
        }
        let (outline, parts) = built(&source, &[]);
        assert!(outline.get("whole").is_none(), "{} parts", parts.len());
        let count = parts.len();
        assert!(count > 3, "{count} parts");
        for (n, part) in parts.iter().enumerate() {
            for week in part["weeks"].as_array().unwrap() {
                assert_eq!(part_of(week["id"].as_str().unwrap(), count), n);
            }
            for phase in part["phases"].as_array().unwrap() {
                assert_eq!(part_of(phase["id"].as_str().unwrap(), count), n);
            }
            for item in part["items"].as_array().unwrap() {
                assert_eq!(
                    part_of(item["week"].as_str().unwrap(), count),
                    n,
                    "an item goes with its unit"
                );
            }
            let size = serde_json::to_string(part).unwrap().len();
            assert!(size < 3 * PART_BUDGET, "part {n}: {size} bytes");
        }
        let data = assembled(&parts);
        assert_eq!(data["weeks"].as_array().unwrap().len(), 120);
        assert_eq!(data["items"].as_array().unwrap().len(), 120 * 12);
        let numbers: Vec<u64> = data["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["number"].as_u64().unwrap())
            .collect();
        assert_eq!(numbers, (1..=120).collect::<Vec<u64>>());
    }

    #[test]
    fn the_counts_match_the_parts() {
        let source = "# P\n## Phase 1: A\n### Week 1: A\n**Mon: B**\n- [x] Read the guide\n- [ ] Write it <!-- id: custom-write -->\n\
                      ### Week 2: B\n**Mon: C**\n- [ ] One\n- [ ] Two\n- [ ] Three\n\
                      ## Phase 2: C\n### Week 3: D\n**Mon: E**\n- [ ] Four\n\
                      ## Milestones\n### Week 1-2\n- [x] **Basics**: done <!-- id: own-milestone -->\n- [ ] **More**: also\n";
        let (_, parts, counts) = built_with_counts(source, &[]);
        let data = assembled(&parts);
        assert!(counts.get("ids").is_none(), "units named wNN go without");
        assert_eq!(counts["numbers"], serde_json::json!([[1, 3]]));
        assert_eq!(counts["items"], serde_json::json!([2, 3, 1]));
        let sizes: Vec<usize> = data["phases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["weeks"].as_array().unwrap().len())
            .collect();
        assert_eq!(counts["phases"], serde_json::json!(sizes));
        assert_eq!(sizes.iter().sum::<usize>(), 3);
        assert_eq!(
            counts["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_u64().unwrap())
                .sum::<u64>(),
            data["items"].as_array().unwrap().len() as u64
        );
        assert_eq!(
            counts["checked"],
            serde_json::json!({"w01-read-guide": "w01"})
        );
        assert_eq!(counts["away"], serde_json::json!({"custom-write": "w01"}));
        let milestones = data["milestones"].as_array().unwrap();
        assert_eq!(counts["milestones"], milestones.len());
        assert_eq!(
            counts["checked_milestones"],
            serde_json::json!(["own-milestone"])
        );
        assert_eq!(
            counts["away_milestones"].as_object().unwrap().len(),
            1,
            "{:?}",
            milestones
        );
        assert_eq!(data["weeks"][0]["blocks"][0]["days"], "Mon");
        assert_eq!(data["weeks"][0]["blocks"][0]["topic"], "B");
    }

    #[test]
    fn the_counts_name_units_not_named_by_their_number() {
        let source = "# P\n## Part 1: A\n### Day 1-3: A\n**Mon: B**\n- [ ] Read\n### Day 4: B\n- [ ] One\n- [ ] Two\n";
        let (_, parts, counts) = built_with_counts(source, &[]);
        let data = assembled(&parts);
        let weeks = data["weeks"].as_array().unwrap();
        assert_eq!(
            counts["ids"],
            serde_json::json!({"0": weeks[0]["id"], "1": weeks[1]["id"]})
        );
        assert_eq!(counts["numbers"], serde_json::json!([[1, 2]]));
    }

    #[test]
    fn fnv1a_matches_the_published_vectors() {
        // From the FNV reference (draft-eastlake-fnv, test vectors).
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
        // UTF-8 bytes; tests/js/progress-model.test.mjs checks the same value.
        assert_eq!(fnv1a("wöche-1"), 0x7a7b_3ca5);
    }

    #[test]
    fn runs_of_weeks() {
        assert_eq!(runs(&[]), Vec::<[u32; 2]>::new());
        assert_eq!(runs(&[1, 2, 3, 5, 7, 8]), vec![[1, 3], [5, 5], [7, 8]]);
        assert_eq!(runs(&[u32::MAX]), vec![[u32::MAX, u32::MAX]]);
    }

    #[test]
    fn aliases_and_ticks_are_carried() {
        let (outline, parts) = built(
            "# P\n### Week 1: A\n**Mon: B**\n- [x] Read **the** [guide](https://x.org) <!-- was: w01-old -->\n",
            &[],
        );
        assert_eq!(
            outline["aliases"],
            serde_json::json!({"w01-old": "w01-read-guide-https-x-org"})
        );
        let data = assembled(&parts);
        assert_eq!(data["items"][0]["checked"], true);
        assert_eq!(data["items"][0]["text"], "Read the guide");
        assert!(outline.get("hours").is_none());
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
