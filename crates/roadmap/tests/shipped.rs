//! The parser on the roadmap roadbook ships (`roadmap.md` at the repository
//! root) and on the seed it was repaired from.

use roadmap::{Label, Parsed, Roadmap, WeekEffect};

fn shipped() -> Parsed {
    roadmap::parse(include_str!("../../../roadmap.md"), "roadmap.md")
}

fn items(roadmap: &Roadmap) -> impl Iterator<Item = &roadmap::Item> {
    roadmap
        .phases
        .iter()
        .flat_map(|p| &p.weeks)
        .flat_map(|w| &w.blocks)
        .flat_map(|b| &b.items)
}

#[test]
fn the_plan_has_twelve_weeks_in_six_phases() {
    let Parsed { roadmap, .. } = shipped();
    assert_eq!(
        roadmap.title,
        "🗺️ System Design Interview Preparation - Implementation Roadmap"
    );
    let phases: Vec<_> = roadmap
        .phases
        .iter()
        .map(|p| (p.id.as_str(), p.first_week, p.last_week, p.weeks.len()))
        .collect();
    assert_eq!(
        phases,
        [
            ("weeks-01-02", 1, 2, 2),
            ("weeks-03-04", 3, 4, 2),
            ("weeks-05-06", 5, 6, 2),
            ("weeks-07-08", 7, 8, 2),
            ("weeks-09-10", 9, 10, 2),
            ("weeks-11-12", 11, 12, 2),
        ]
    );
    assert_eq!(roadmap.phases[1].title, "Data & Communication Mastery");
    assert_eq!(roadmap.phases[1].icon.as_deref(), Some("🏗️"));
    let weeks: Vec<_> = roadmap.phases.iter().flat_map(|p| &p.weeks).collect();
    assert_eq!(
        weeks.iter().map(|w| w.number).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>()
    );
    assert_eq!(weeks[0].title, "System Design Basics");
    assert_eq!(
        weeks[0].focus.as_deref(),
        Some("Core concepts and Go Coffee architecture analysis")
    );
    assert!(
        weeks
            .iter()
            .all(|w| w.blocks.len() == 3 && w.deliverables.len() == 3 && w.notes.is_empty())
    );
    assert_eq!(weeks.iter().map(|w| w.blocks.len()).sum::<usize>(), 36);
}

#[test]
fn every_block_has_four_items_one_of_them_hands_on() {
    let Parsed { roadmap, .. } = shipped();
    let blocks: Vec<_> = roadmap
        .phases
        .iter()
        .flat_map(|p| &p.weeks)
        .flat_map(|w| &w.blocks)
        .collect();
    assert_eq!(
        (blocks[0].days.as_str(), blocks[0].topic.as_str()),
        ("Monday-Tuesday", "Scalability Fundamentals")
    );
    assert_eq!(blocks[0].id, "w01-monday-tuesday");
    for block in &blocks {
        assert_eq!(block.items.len(), 4, "{}", block.id);
        assert_eq!(
            block.items.iter().filter(|i| i.hands_on.is_some()).count(),
            1,
            "{}",
            block.id
        );
        assert!(block.items[3].hands_on.is_some(), "{}", block.id);
    }
    assert_eq!(items(&roadmap).count(), 144);
    let count = |label: Label| {
        items(&roadmap)
            .filter(|i| i.hands_on.as_ref().is_some_and(|h| h.label == label))
            .count()
    };
    assert_eq!(count(Label::Exercise), 20);
    assert_eq!(count(Label::Practice), 10);
    assert_eq!(count(Label::Mock), 3);
    assert_eq!(
        (
            count(Label::Study),
            count(Label::Assessment),
            count(Label::Celebration)
        ),
        (1, 1, 1)
    );
    let needing_pages = items(&roadmap)
        .filter(|i| {
            i.hands_on
                .as_ref()
                .is_some_and(|h| h.label.needs_exercise_page())
        })
        .count();
    assert_eq!(needing_pages, 30);
}

#[test]
fn labels_are_read_even_when_their_emphasis_is_malformed() {
    let Parsed { roadmap, .. } = shipped();
    let mock = items(&roadmap)
        .find(|i| i.id == "w11-45-minute-session-feedback")
        .expect("the first mock interview");
    assert_eq!(
        mock.hands_on.as_ref().map(|h| h.label_text.as_str()),
        Some("Mock Interview")
    );
    assert_eq!(mock.text, "45-minute session with feedback");
    let ready = &roadmap.milestones[0].milestones[3];
    assert_eq!(
        (ready.label.as_str(), ready.text.as_str()),
        (
            "Interview Ready",
            "Can handle basic system design questions"
        )
    );
    assert_eq!(ready.id, "ms-w01-02-interview-ready");
    // The word the seed lost is back in the item and its ID.
    let practice = items(&roadmap)
        .find(|i| i.id == "w01-mock-interview-coffee-ordering-system-scaling")
        .unwrap();
    assert_eq!(
        practice.text,
        "Mock interview on coffee ordering system scaling"
    );
}

#[test]
fn ids_are_the_documented_ones() {
    let Parsed { roadmap, .. } = shipped();
    let ids: Vec<String> = roadmap::ids(&roadmap)
        .into_iter()
        .map(|(id, ..)| id)
        .collect();
    for expected in [
        "w01",
        "w01-identify-bottlenecks-order-processing-pipeline",
        "w01-implement-circuit-breaker-pattern-go-coffee",
        "w05-handle-black-friday-traffic-10x-normal-load",
        "w01-deliverable-circuit-breaker-implementation",
        "milestones-w01-02",
        "kpi-interview-readiness",
        "track-interview-preparation-urgent-focus-essentials",
        "cert-gold",
    ] {
        assert!(ids.iter().any(|id| id == expected), "missing {expected}");
    }
    assert!(ids.iter().all(|id| roadmap::is_valid_id(id)), "{ids:?}");
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "IDs are unique");
}

#[test]
fn progress_metrics_tracks_and_certification() {
    let Parsed { roadmap, .. } = shipped();
    assert_eq!(roadmap.milestones.len(), 6);
    assert!(roadmap.milestones.iter().all(|g| g.milestones.len() == 4));
    assert_eq!(roadmap.milestones[5].weeks, [11, 12]);
    let metrics: Vec<_> = roadmap
        .metrics
        .iter()
        .map(|g| (g.name.as_str(), g.cadence.as_deref(), g.metrics.len()))
        .collect();
    assert_eq!(
        metrics,
        [
            ("Technical Competency", Some("Weekly"), 4),
            ("Interview Readiness", Some("Bi-Weekly"), 4),
            ("Practical Application", Some("Monthly"), 4)
        ]
    );
    let options = |t: usize| {
        roadmap.tracks[t]
            .options
            .iter()
            .map(|o| (o.label.as_str(), o.effect, o.weeks.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        options(0)[0],
        ("Skip Weeks 1-2", WeekEffect::Skip, vec![1, 2])
    );
    assert_eq!(
        options(0)[1],
        ("Focus on Advanced Topics", WeekEffect::Focus, vec![9, 10])
    );
    assert_eq!(
        options(2)[1],
        (
            "Focus on Essentials",
            WeekEffect::Focus,
            vec![1, 3, 5, 11, 12]
        )
    );
    let extended = &roadmap.tracks[1].options[0];
    assert_eq!(extended.duration.map(|d| (d.min, d.max)), Some((16, 20)));
    let certs: Vec<_> = roadmap
        .certifications
        .iter()
        .map(|c| {
            (
                c.name.as_str(),
                c.score.map(|s| (s.min, s.max)),
                c.inherits.as_deref(),
                c.benefits.len(),
            )
        })
        .collect();
    assert_eq!(
        certs,
        [
            ("Bronze", Some((60, 74)), None, 4),
            ("Silver", Some((75, 89)), Some("cert-bronze"), 3),
            ("Gold", Some((90, 100)), Some("cert-silver"), 4)
        ]
    );
    let time = &roadmap
        .introduction
        .iter()
        .find(|s| s.title == "Time Commitment")
        .unwrap()
        .entries;
    assert_eq!(
        (time[1].label.as_str(), time[1].value.as_str()),
        ("Weekly Effort", "10-15 hours per week")
    );
}

#[test]
fn the_shipped_roadmap_has_no_warnings() {
    let Parsed { diagnostics, .. } = shipped();
    let found: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.severity, d.code, d.span.line))
        .collect();
    assert_eq!(found, []);
}

/// The seed arrived with its emoji double-encoded and the word "Interview"
/// deleted about twenty times: it still parses to the same plan, with one
/// warning per damaged emoji and one per place the lost word left a trace.
#[test]
fn the_raw_seed_parses_the_same_with_encoding_warnings() {
    let seed = roadmap::parse(
        include_str!("fixtures/seed-double-encoded.md"),
        "roadmap.md",
    );
    let mojibake: Vec<_> = seed
        .diagnostics
        .iter()
        .filter(|d| d.code == "mojibake")
        .collect();
    assert_eq!(mojibake.len(), 17);
    assert_eq!(mojibake[0].suggestion.as_deref(), Some("🗺️"));
    assert_eq!((mojibake[0].span.line, mojibake[0].span.column), (1, 3));
    let ids = |parsed: &Parsed| {
        roadmap::ids(&parsed.roadmap)
            .into_iter()
            .map(|(id, ..)| id)
            .collect::<Vec<_>>()
    };
    let restored: Vec<String> = ids(&shipped())
        .iter()
        .map(|id| id.replace("interview-", ""))
        .collect();
    assert_eq!(ids(&seed), restored);

    // Where the seed has two spaces, or a bold label hollowed at one end, the
    // shipped roadmap has the word back.
    let shipped_lines: Vec<&str> = include_str!("../../../roadmap.md").lines().collect();
    let mut traces: Vec<u32> = seed
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "missing-word" | "malformed-emphasis"))
        .map(|d| d.span.line)
        .collect();
    traces.dedup();
    // 21 of the 25 damaged lines: `-  readiness` reads as a list marker with
    // extra spacing, and `Mock s` lost a word without leaving a double space.
    assert_eq!(traces.len(), 21, "{traces:?}");
    for line in traces {
        let restored = shipped_lines[line as usize - 1];
        assert!(restored.contains("nterview"), "line {line}: {restored}");
    }
}

/// Every word of the source ends up somewhere in the model: nothing is
/// dropped, whatever the parser understood of it.
#[test]
fn no_text_is_lost() {
    for (name, source) in [
        ("roadmap.md", include_str!("../../../roadmap.md")),
        (
            "four-week-plan.md",
            include_str!("fixtures/four-week-plan.md"),
        ),
    ] {
        let parsed = roadmap::parse(source, name);
        let model = serde_json::to_string(&parsed.roadmap).unwrap();
        let model: String = serde_json::from_str::<serde_json::Value>(&model)
            .map(|v| strings(&v))
            .unwrap();
        let missing: Vec<&str> = source
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !model.contains(w) && !STRUCTURAL.contains(w))
            .collect();
        assert_eq!(
            missing,
            Vec::<&str>::new(),
            "{name}: words missing from the model"
        );
    }
}

/// Labels the model turns into structure (a field) rather than text.
/// (`Measured Weekly` is a cadence, `All Bronze Benefits +` an inheritance,
/// `<!-- id: … -->` an ID.)
const STRUCTURAL: &[&str] = &[
    "id",
    "Focus",
    "Deliverables",
    "Outcomes",
    "Measured",
    "All",
    "Benefits",
];

fn strings(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => format!("{s} "),
        serde_json::Value::Array(items) => items.iter().map(strings).collect(),
        serde_json::Value::Object(map) => map.values().map(strings).collect(),
        _ => String::new(),
    }
}

#[test]
fn a_plan_of_another_shape_parses_too() {
    let parsed = roadmap::parse(include_str!("fixtures/four-week-plan.md"), "plan.md");
    assert_eq!(parsed.diagnostics, vec![]);
    let roadmap = parsed.roadmap;
    assert_eq!(
        roadmap.phases.len(),
        1,
        "weeks without phase headings form one phase"
    );
    assert_eq!(
        (
            roadmap.phases[0].id.as_str(),
            roadmap.phases[0].title.as_str()
        ),
        ("weeks-01-04", "Schedule")
    );
    let week1 = &roadmap.phases[0].weeks[0];
    assert_eq!(
        week1
            .blocks
            .iter()
            .map(|b| b.days.as_str())
            .collect::<Vec<_>>(),
        ["Day 1-2", "Day 3-5"]
    );
    assert!(week1.blocks[0].items[1].checked);
    assert_eq!(week1.deliverables.len(), 2);
    let lab = &week1.blocks[1].items[1];
    assert_eq!(
        lab.hands_on
            .as_ref()
            .map(|h| (&h.label, h.label_text.as_str())),
        Some((&Label::Other, "Lab"))
    );
    assert_eq!(
        roadmap.phases[0].weeks[1].blocks[0].items[0].id,
        "w02-worker-pool"
    );
    assert_eq!(
        roadmap.phases[0].weeks[1].blocks[0].items[0].text,
        "Build a worker pool"
    );
    assert_eq!(roadmap.milestones.len(), 1);
    assert_eq!(roadmap.introduction.len(), 2);
    assert_eq!(roadmap.introduction[1].entries.len(), 2);
    assert_eq!(
        roadmap
            .prose
            .iter()
            .map(|s| s.title.as_str())
            .collect::<Vec<_>>(),
        ["Further reading"]
    );
}

/// The other shapes of plan: units of their own kind, labels and IDs, with
/// their items (ticked ones ticked) and sections.
#[test]
fn plans_by_days_modules_and_versions_have_their_units() {
    use roadmap::UnitKind;
    let units = |source: &str| {
        let parsed = roadmap::parse(source, "roadmap.md");
        assert!(
            !parsed.diagnostics.iter().any(roadmap::Diagnostic::is_error),
            "{:#?}",
            parsed.diagnostics
        );
        parsed
            .roadmap
            .phases
            .iter()
            .flat_map(|p| p.weeks.clone())
            .collect::<Vec<_>>()
    };
    let days = units(include_str!("fixtures/days-plan.md"));
    let labels: Vec<_> = days
        .iter()
        .map(|d| (d.unit, d.label.as_str(), d.id.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            (UnitKind::Day, "Day 1-3", "day-1-3"),
            (UnitKind::Day, "Day 4-5", "day-4-5"),
            (UnitKind::Day, "Day 6", "day-6"),
        ]
    );
    let first: Vec<_> = days[0].blocks[0]
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.checked))
        .collect();
    assert_eq!(
        first,
        [
            ("day-1-3-mix-flour-water-clean-jar", false),
            ("day-1-3-buy-kitchen-scale", true),
            ("day-1-3-feed-starter-twice-day-log-its-rise", false),
        ]
    );
    assert_eq!(days[1].focus.as_deref(), Some("Timing the bulk ferment"));

    let modules = units(include_str!("fixtures/modules-course.md"));
    assert_eq!(modules.len(), 3);
    assert!(modules.iter().all(|m| m.unit == UnitKind::Module));
    let sections: Vec<_> = modules[1]
        .blocks
        .iter()
        .map(|b| (b.topic.as_str(), b.items.len()))
        .collect();
    assert_eq!(sections, [("Landmarks", 2), ("Headings", 1)]);

    let versions = units(include_str!("fixtures/versions-roadmap.md"));
    let frames: Vec<_> = versions
        .iter()
        .map(|v| (v.label.as_str(), v.title.as_str(), v.time_frame.as_deref()))
        .collect();
    assert_eq!(
        frames,
        [
            ("Version 1.0", "", Some("Released")),
            ("Version 1.1", "", Some("Short-term: 1-3 months")),
            ("Version 2.0", "Teams", Some("Long-term: 6-12 months")),
        ]
    );
    let ticked: Vec<bool> = versions[1]
        .blocks
        .iter()
        .flat_map(|b| &b.items)
        .map(|i| i.checked)
        .collect();
    assert_eq!(ticked, [true, false, false, false]);
}
