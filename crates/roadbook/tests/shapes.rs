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
