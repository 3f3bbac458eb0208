//! One small roadmap per diagnostic: the right code, at the right place.

use roadmap::Severity;

/// Parses `source` and compares its diagnostics, as `severity code
/// line:column`, with `expect`.
#[track_caller]
fn check(source: &str, expect: &[&str]) {
    let parsed = roadmap::parse(source, "roadmap.md");
    let found: Vec<String> = parsed
        .diagnostics
        .iter()
        .map(|d| {
            let severity = if d.severity == Severity::Error {
                "error"
            } else {
                "warning"
            };
            format!("{severity} {} {}:{}", d.code, d.span.line, d.span.column)
        })
        .collect();
    assert_eq!(found, expect);
}

const WEEK_1: &str = "# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] first task\n";

#[test]
fn a_valid_roadmap_has_no_diagnostics() {
    check(WEEK_1, &[]);
}

#[test]
fn empty_file() {
    check("", &["error empty-file 1:1"]);
    check("  \n\n", &["error empty-file 1:1"]);
}

#[test]
fn duplicate_ids() {
    check(
        &format!("{WEEK_1}- [ ] First task!\n"),
        &["error duplicate-id 7:1"],
    );
    let parsed = roadmap::parse(&format!("{WEEK_1}- [ ] First task!\n"), "roadmap.md");
    assert_eq!(
        parsed.diagnostics[0].related[0].span.line, 6,
        "points at the first definition"
    );
}

#[test]
fn id_override_that_collides() {
    check(
        &format!("{WEEK_1}- [ ] other <!-- id: w01-first-task -->\n"),
        &["error id-collision 7:1"],
    );
}

#[test]
fn id_override_that_is_invalid() {
    check(
        &format!("{WEEK_1}- [ ] other <!-- id: Not Valid -->\n"),
        &["error invalid-id 7:13"],
    );
}

#[test]
fn an_alias_is_read_into_the_model_and_out_of_the_text() {
    let source = format!(
        "{WEEK_1}- [x] second task <!-- was: w01-old-second, w01-older -->\n\n## Milestones\n### Week 1 Milestones\n- [ ] **Done**: all <!-- was: ms-w01-finished -->\n"
    );
    let parsed = roadmap::parse(&source, "roadmap.md");
    assert_eq!(parsed.diagnostics.len(), 0, "{:?}", parsed.diagnostics);
    let (_, item) = parsed.roadmap.items().nth(1).unwrap();
    assert_eq!(
        (item.id.as_str(), item.text.as_str()),
        ("w01-second-task", "second task")
    );
    assert_eq!(item.aliases, ["w01-old-second", "w01-older"]);
    assert_eq!(
        roadmap::aliases(&parsed.roadmap),
        [
            ("w01-old-second".to_owned(), "w01-second-task".to_owned()),
            ("w01-older".to_owned(), "w01-second-task".to_owned()),
            ("ms-w01-finished".to_owned(), "ms-w01-done".to_owned()),
        ]
    );
}

#[test]
fn an_alias_with_an_id_override_on_one_line() {
    let parsed = roadmap::parse(
        &format!("{WEEK_1}- [ ] other <!-- was: w01-x --> <!-- id: w01-mine -->\n"),
        "roadmap.md",
    );
    let (_, item) = parsed.roadmap.items().nth(1).unwrap();
    assert_eq!(
        (item.id.as_str(), item.text.as_str()),
        ("w01-mine", "other")
    );
    assert_eq!(item.aliases, ["w01-x"]);
}

#[test]
fn an_alias_that_is_a_live_id() {
    check(
        &format!("{WEEK_1}- [ ] other <!-- was: w01-first-task -->\n"),
        &["error alias-collision 7:13"],
    );
    check(
        &format!("{WEEK_1}- [ ] other <!-- was: w01-other -->\n"),
        &["error alias-collision 7:13"],
    );
    let parsed = roadmap::parse(
        &format!("{WEEK_1}- [ ] other <!-- was: w01-first-task -->\n"),
        "roadmap.md",
    );
    assert_eq!(
        parsed.diagnostics[0].related[0].span.line, 6,
        "points at the live ID"
    );
}

#[test]
fn an_alias_claimed_twice() {
    check(
        &format!(
            "{WEEK_1}- [ ] other <!-- was: w01-gone -->\n- [ ] third <!-- was: w01-gone -->\n"
        ),
        &["error duplicate-alias 8:13"],
    );
}

#[test]
fn an_alias_that_is_invalid_or_unused() {
    check(
        &format!("{WEEK_1}- [ ] other <!-- was: Old One -->\n"),
        &["error invalid-alias 7:13"],
    );
    check(
        &format!("{WEEK_1}\n**Deliverables**:\n- shipped <!-- was: w01-x -->\n"),
        &["warning unused-alias 9:11"],
    );
}

#[test]
fn week_out_of_order() {
    let source = "# P\n### Week 1: A\n**D: T**\n- [ ] alpha\n### Week 3: C\n**D: T**\n- [ ] gamma\n### Week 2: B\n**D: T**\n- [ ] beta\n";
    check(source, &["error missing-week 5:1", "error week-order 8:1"]);
}

#[test]
fn missing_week() {
    check(
        "# P\n### Week 2: B\n**D: T**\n- [ ] beta\n",
        &["error missing-week 2:1"],
    );
}

#[test]
fn empty_block() {
    check(
        &format!("{WEEK_1}\n**Tue: B**\n\n**Wed: C**\n- [ ] x\n"),
        &["warning empty-block 8:1"],
    );
}

#[test]
fn malformed_emphasis_is_read_as_a_label() {
    let source = format!("{WEEK_1}- [ ] **Mock **: a session\n");
    check(&source, &["warning malformed-emphasis 7:7"]);
    let parsed = roadmap::parse(&source, "roadmap.md");
    assert_eq!(
        parsed.diagnostics[0].suggestion.as_deref(),
        Some("**Mock**")
    );
}

#[test]
fn double_encoded_text() {
    let parsed = roadmap::parse(
        "# \u{f8ff}üöÄ Plan\n\n### Week 1: ‚ö° Fast\n**D: T**\n- [ ] alpha\n",
        "roadmap.md",
    );
    let found: Vec<_> = parsed
        .diagnostics
        .iter()
        .map(|d| (d.code, d.span.line, d.span.column, d.suggestion.clone()))
        .collect();
    assert_eq!(
        found,
        [
            ("mojibake", 1, 3, Some("🚀".to_owned())),
            ("mojibake", 3, 13, Some("⚡".to_owned()))
        ]
    );
}

#[test]
fn not_utf8() {
    let parsed = roadmap::parse_bytes(
        b"# Plan\n\n### Week 1: Caf\xe9\n**D: T**\n- [ ] alpha\n",
        "roadmap.md",
    );
    let d = &parsed.diagnostics[0];
    assert_eq!((d.code, d.span.line, d.span.column), ("not-utf8", 3, 16));
    assert!(d.message.contains("0xE9"), "{}", d.message);
    assert_eq!(
        parsed.roadmap.phases[0].weeks[0].title, "Caf\u{fffd}",
        "the rest still parses"
    );
}

#[test]
fn week_outside_its_phase() {
    check(
        "# P\n## Week 1-2: Start\n### Week 1: A\n**D: T**\n- [ ] alpha\n### Week 2: B\n**D: T**\n- [ ] beta\n### Week 3: C\n**D: T**\n- [ ] gamma\n",
        &["warning week-outside-phase 9:1"],
    );
}

#[test]
fn no_weeks_at_all_is_prose() {
    let parsed = roadmap::parse("# Notes\n\nJust text.\n", "roadmap.md");
    assert_eq!(
        parsed
            .diagnostics
            .iter()
            .map(|d| d.code)
            .collect::<Vec<_>>(),
        ["no-weeks"]
    );
    assert_eq!(parsed.roadmap.introduction[0].markdown, "Just text.");
}

#[test]
fn parsing_never_panics_on_odd_input() {
    for source in [
        "**",
        "- [ ] **",
        "### Week : x",
        "### Week 99999999999: x",
        "#### Week 1-: x\n**A:**\n- [ ] ** **:",
        "\u{feff}# T\r\n### Week 1: A\r\n**D: T**\r\n- [ ] alpha\r\n",
        "> quote\n\n```\ncode\n```\n---\n",
    ] {
        let _ = roadmap::parse(source, "roadmap.md");
    }
}
