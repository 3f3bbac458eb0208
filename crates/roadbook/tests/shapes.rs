//! Roadmaps other than the shipped one build into books too: the raw seed
//! as it reached us (double-encoded emoji), and a plan of another shape.

use std::path::Path;
use std::process::Command;

fn build(roadmap: &[u8]) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let toml = "[book]\ntitle = \"Shapes\"\n\n[preprocessor.roadbook]\noptional = true\nmissing-exercise-page = \"warning\"\n";
    std::fs::write(dir.path().join("book.toml"), toml).unwrap();
    std::fs::write(dir.path().join("roadmap.md"), roadmap).unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/SUMMARY.md"), "# Summary\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .arg("--root")
        .arg(dir.path())
        .arg("build")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (dir, output)
}

fn page(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join("book").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The seed as it reached us: every emoji double-encoded through Mac Roman.
/// It builds, with one warning per damaged emoji telling what it should be.
#[test]
fn the_raw_seed_builds_with_encoding_warnings() {
    let seed = include_bytes!("../../roadmap/tests/fixtures/seed-double-encoded.md");
    let (dir, output) = build(seed);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr.matches("warning[mojibake]: roadmap.md:").count(),
        17,
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "warning[mojibake]: roadmap.md:1:3: `\u{f8ff}üó∫Ô∏è` looks like double-encoded text"
        ),
        "{stderr}"
    );
    // `check` shows each in full, with the repaired text to write instead.
    let check = Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .arg("--root")
        .arg(dir.path())
        .arg("check")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&check.stderr).contains("help: replace it with `🗺️`"));
    let week = page(dir.path(), "weeks/week-01.html");
    assert!(week.contains("Identify bottlenecks in order processing pipeline"));
}

#[test]
fn a_four_week_plan_with_other_section_names_builds() {
    let plan = include_bytes!("../../roadmap/tests/fixtures/four-week-plan.md");
    let (dir, output) = build(plan);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    for path in [
        "index.html",
        "phases/weeks-01-04.html",
        "weeks/week-04.html",
        "milestones.html",
        "notes/further-reading.html",
        "exercises/index.html",
    ] {
        assert!(
            dir.path().join("book").join(path).is_file(),
            "{path} is missing"
        );
    }
    let week = page(dir.path(), "weeks/week-01.html");
    assert!(
        week.contains(r#"id="w01-day-1-2""#),
        "blocks keep their IDs"
    );
    assert!(week.contains("Trace a panic back to its cause"));
    assert!(
        week.contains(r#"data-progress-id="w02-worker-pool""#)
            || page(dir.path(), "weeks/week-02.html")
                .contains(r#"data-progress-id="w02-worker-pool""#)
    );
    assert!(
        page(dir.path(), "notes/further-reading.html").contains("<table>"),
        "unrecognised prose keeps its table"
    );
}

/// The `<li>` of the item `id` on a built page.
fn item<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(r#"<li id="{id}""#))
        .unwrap_or_else(|| panic!("no item {id} in:\n{html}"));
    &html[start..start + html[start..].find("</li>").unwrap()]
}

/// A plan by days: one page per `Day N-M` heading, its items tickable with
/// their IDs, `[x]` items ticked from the start.
#[test]
fn a_plan_by_days_builds_a_page_per_day_range() {
    let (dir, output) = build(include_bytes!("../../roadmap/tests/fixtures/days-plan.md"));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let day = page(dir.path(), "days/day-1-3.html");
    assert!(day.contains("Day 1-3: The Starter"), "{day}");
    assert!(
        day.contains("data-progress-summary"),
        "the page shows its progress"
    );
    let scale = item(&day, "day-1-3-buy-kitchen-scale");
    assert!(
        scale.contains(r#"data-progress-id="day-1-3-buy-kitchen-scale" checked=""#),
        "{scale}"
    );
    let jar = item(&day, "day-1-3-mix-flour-water-clean-jar");
    assert!(!jar.contains("checked"), "{jar}");
    assert!(
        item(&day, "day-1-3-feed-starter-twice-day-log-its-rise")
            .contains("data-kind=\"exercise\"")
    );
    let loaf = page(dir.path(), "days/day-4-5.html");
    assert!(
        loaf.contains("Timing the bulk ferment"),
        "the focus line is kept"
    );
    assert!(page(dir.path(), "days/day-6.html").contains("Read about hydration"));
    let overview = page(dir.path(), "overview.html");
    assert!(
        overview.contains(r#"href="days/day-4-5.html""#),
        "{overview}"
    );
}

/// A course by modules: a sub-heading inside a module is a section of its
/// items.
#[test]
fn a_course_by_modules_builds_a_page_per_module() {
    let (dir, output) = build(include_bytes!(
        "../../roadmap/tests/fixtures/modules-course.md"
    ));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let module = page(dir.path(), "modules/module-2.html");
    assert!(module.contains(r#"id="module-2-landmarks""#), "{module}");
    assert!(module.contains(r#"id="module-2-headings""#), "{module}");
    assert!(
        item(&module, "module-2-rebuild-form-labels")
            .contains("<strong class=\"roadbook-label\">Practice</strong>")
    );
    let first = page(dir.path(), "modules/module-1.html");
    assert!(item(&first, "module-1-read-wcag-overview").contains(" checked=\"\""));
    assert!(page(dir.path(), "modules/module-3.html").contains("Audit a site without a mouse"));
}

/// A product roadmap by versions with time frames: a page per version, its
/// sections of `[ ]`/`[x]` items, shipped items ticked.
#[test]
fn a_roadmap_by_versions_builds_a_page_per_version() {
    let (dir, output) = build(include_bytes!(
        "../../roadmap/tests/fixtures/versions-roadmap.md"
    ));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let next = page(dir.path(), "versions/version-1-1.html");
    assert!(next.contains("Short-term: 1-3 months"), "{next}");
    assert!(next.contains(r#"id="version-1-1-performance""#), "{next}");
    assert!(item(&next, "version-1-1-cache-search-results").contains(" checked=\"\""));
    assert!(!item(&next, "version-1-1-load-images-lazily").contains("checked"));
    let released = page(dir.path(), "versions/version-1-0.html");
    assert!(item(&released, "version-1-0-export-csv").contains(" checked=\"\""));
    let later = page(dir.path(), "versions/version-2-0.html");
    assert!(later.contains("Version 2.0: Teams"), "{later}");
    assert!(later.contains("Long-term: 6-12 months"), "{later}");
}
