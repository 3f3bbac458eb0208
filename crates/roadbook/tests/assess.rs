//! `roadbook assess`: the real binary on the shipped book's spec, scoring
//! the README's example answers file, and rejecting bad answers files and
//! specs with diagnostics at their line and column.

mod common;

use std::path::Path;

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn book() -> tempfile::TempDir {
    let dir = common::shipped_book();
    std::fs::copy(
        common::workspace().join("assessment/example-answers.json"),
        dir.path().join("answers.json"),
    )
    .unwrap();
    dir
}

#[test]
fn the_example_answers_score_as_the_readme_shows() {
    let dir = book();
    let output = common::roadbook(dir.path(), &["assess", "answers.json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "\
Comprehensive assessment (self-assessed)

area                          weight    score
Fundamentals                      10  100.00 %
Architecture patterns             10   66.66 %
Data management                   10   66.66 %
Communication and APIs            10   66.66 %
Scalability and performance       10  100.00 %
Security                          10   66.66 %
Monitoring and observability      10  100.00 %
Infrastructure and DevOps         10  100.00 %
Advanced distributed systems      10   66.66 %
Interview mastery                 10   70.83 %
overall                                80.41 %

level: Silver (75.00-89.99 %)
answered: 31 of 31 questions
work on: Architecture patterns (66.66 %): Week 2: Architecture Patterns Deep Dive; Failure recovery for the payment service
work on: Data management (66.66 %): Week 3: Data Management Excellence; Data consistency for a global coffee marketplace
work on: Communication and APIs (66.66 %): Week 4: Communication & API Design; Mobile-optimised API endpoints
"
    );
    let json = common::roadbook(dir.path(), &["assess", "answers.json", "--format", "json"]);
    assert!(json.status.success());
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["overall"], 8041);
    assert_eq!(value["level"], "silver");
    assert_eq!(value["areas"].as_array().unwrap().len(), 10);
}

#[test]
fn bad_answers_are_reported_at_their_line_and_column() {
    let dir = book();
    std::fs::write(
        dir.path().join("bad.json"),
        r#"{ "format": "roadbook-assessment", "version": 1,
  "answers": {
    "read-quorum": "3",
    "saga-or-2pc": 7,
    "erlang-c-wiat": 70,
    "design-answer": { "requirements": 3, "desing": 2 }
  } }
"#,
    )
    .unwrap();
    let output = common::roadbook(dir.path(), &["assess", "bad.json"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    for expected in [
        "error[assessment-answers]: question `read-quorum`: the answer is a number (in replicas)",
        "bad.json:3:20",
        "error[assessment-answers]: question `saga-or-2pc`: the answer is the index of one option",
        "bad.json:4:20",
        "options are numbered from 0: 0 to 3",
        "the assessment has no question `erlang-c-wiat`",
        "bad.json:5:5",
        "did you mean `erlang-c-wait`?",
        "the rubric has no dimension `desing`",
        "bad.json:6:53",
        "error: 4 errors emitted",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    assert!(stdout(&output).is_empty(), "no score for a bad file");
}

#[test]
fn a_json_syntax_error_names_its_place() {
    let dir = book();
    std::fs::write(
        dir.path().join("broken.json"),
        "{\n  \"answers\": { \"peak-qps\": 740,, }\n}\n",
    )
    .unwrap();
    let output = common::roadbook(dir.path(), &["assess", "broken.json"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("error[assessment-answers]: invalid answers file"),
        "{err}"
    );
    assert!(err.contains("broken.json:2:"), "{err}");
}

#[test]
fn a_bad_spec_is_reported_in_the_spec() {
    let dir = book();
    let spec = dir.path().join("assessment/spec.toml");
    let text = std::fs::read_to_string(&spec).unwrap();
    let broken = text.replacen("area = \"security\"", "area = \"securty\"", 1);
    assert_ne!(broken, text);
    std::fs::write(&spec, broken).unwrap();
    let output = common::roadbook(dir.path(), &["assess", "answers.json"]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("error[assessment-spec]: question `jwt-alg` is in no area `securty`"),
        "{err}"
    );
    assert!(err.contains("did you mean `security`?"), "{err}");
    assert!(err.contains("assessment/spec.toml:"), "{err}");
    // `check` and `build` report the same, with the spec as book.toml names it.
    let check = common::roadbook(dir.path(), &["check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stderr(&check).contains("assessment/spec.toml:"),
        "{}",
        stderr(&check)
    );
}

#[test]
fn a_book_without_an_assessment_says_how_to_add_one() {
    let dir = book();
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    let without: String = toml
        .lines()
        .filter(|l| !l.starts_with("assessment = "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("book.toml"), without).unwrap();
    let output = common::roadbook(dir.path(), &["assess", "answers.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("book.toml names no assessment spec"),
        "{}",
        stderr(&output)
    );
    let spec = Path::new("assessment").join("spec.toml");
    let with_spec = common::roadbook(
        dir.path(),
        &["assess", "answers.json", "--spec", spec.to_str().unwrap()],
    );
    assert!(with_spec.status.success(), "{}", stderr(&with_spec));
}
