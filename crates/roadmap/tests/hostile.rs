//! Hostile and clumsy input: the parser never panics, never recurses
//! without bound, and says where the problems are whatever the line endings
//! or the bytes. The fixtures of `fixtures/hostile/` are inputs that once
//! broke it (and fuzzing finds new ones: they go in that folder too).

use proptest::prelude::*;

/// The number of lines of `text` (lines end at LF, CRLF or a lone CR).
fn line_count(text: &str) -> usize {
    1 + text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count()
}

/// Asserts what holds for any input: the spans of all diagnostics are in
/// the text, on lines that exist.
#[track_caller]
fn assert_sound(bytes: &[u8]) -> roadmap::Parsed {
    let parsed = roadmap::parse_bytes(bytes, "roadmap.md");
    let text = String::from_utf8_lossy(bytes);
    let lines = line_count(&text);
    for d in &parsed.diagnostics {
        assert!(
            (1..=lines).contains(&(d.span.line as usize)),
            "line {} of {lines}: {d:?}",
            d.span.line
        );
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "{d:?}"
        );
        for related in &d.related {
            assert!((1..=lines).contains(&(related.span.line as usize)), "{d:?}");
        }
    }
    parsed
}

#[test]
fn a_part_heading_then_an_empty_title_heading_does_not_panic() {
    // `## Week` opens the plan, `#` is an (empty) title, `-` an empty item.
    let parsed = assert_sound(b"## Week\n#\n-");
    assert_eq!(parsed.roadmap.prose.len(), 1, "{:?}", parsed.roadmap);
}

#[test]
fn every_fixture_that_once_broke_the_parser_parses() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let result = std::panic::catch_unwind(|| assert_sound(&bytes));
        assert!(result.is_ok(), "{} breaks the parser", path.display());
        seen += 1;
    }
    assert!(seen >= 3, "the fixtures are there");
}

#[test]
fn nesting_deeper_than_renderers_can_recurse_is_an_error_at_its_line() {
    let source = format!(
        "# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] task\n\n{} deep\n",
        ">".repeat(2000)
    );
    let parsed = assert_sound(source.as_bytes());
    let deep: Vec<_> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.code == "too-deep")
        .collect();
    assert_eq!(deep.len(), 1, "{:?}", parsed.diagnostics);
    assert!(deep[0].is_error());
    assert_eq!(deep[0].span.line, 8);
    // Lists nest too.
    let lists: String = (0..100)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    let parsed = roadmap::parse(&format!("# Plan\n\n{lists}"), "roadmap.md");
    assert!(parsed.diagnostics.iter().any(|d| d.code == "too-deep"));
    // What a plan really nests is fine.
    let parsed = roadmap::parse("# P\n\n> > quote\n\n- a\n  - b\n    - c\n", "roadmap.md");
    assert!(!parsed.diagnostics.iter().any(|d| d.code == "too-deep"));
}

#[test]
fn cr_crlf_and_lf_line_endings_give_the_same_lines_and_columns() {
    let lf = "# Plan\n\n### Week 1: One\n\n**Mon: A**\n- [ ] task\n\n### Week 3: Three\n\n**Mon: B**\n- [ ] x\n";
    let at = |source: &str| -> Vec<(String, u32, u32)> {
        roadmap::parse(source, "roadmap.md")
            .diagnostics
            .iter()
            .map(|d| (d.code.to_owned(), d.span.line, d.span.column))
            .collect()
    };
    let expected = at(lf);
    assert_eq!(expected, [("missing-week".to_owned(), 8, 1)]);
    assert_eq!(at(&lf.replace('\n', "\r\n")), expected, "CRLF");
    assert_eq!(at(&lf.replace('\n', "\r")), expected, "CR only");
}

#[test]
fn links_that_are_not_web_mail_relative_or_fragments_are_warned_about_at_their_line() {
    let source = "# Plan\n\nSee [docs](https://example.org) and\n[this](javascript:alert(1)) or ![x](data:image/png;base64,AA).\n";
    let parsed = roadmap::parse(source, "roadmap.md");
    let links: Vec<(u32, u32)> = parsed
        .diagnostics
        .iter()
        .filter(|d| d.code == "unsafe-link")
        .map(|d| (d.span.line, d.span.column))
        .collect();
    assert_eq!(links, [(4, 1), (4, 32)]);
}

/// Roadmap-shaped text: headings, labels, items, quotes and rules mixed
/// with arbitrary characters, so that the parser's states are all reached.
fn roadmap_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# ".to_owned()),
        Just("## ".to_owned()),
        Just("### Week ".to_owned()),
        Just("#### Week 1-2: ".to_owned()),
        Just("**Mon: ".to_owned()),
        Just("**Focus**: ".to_owned()),
        Just("**Deliverables**:".to_owned()),
        Just("- [ ] ".to_owned()),
        Just("- [x] **Exercise**: ".to_owned()),
        Just("<!-- id: x -->".to_owned()),
        Just("> ".to_owned()),
        Just("---".to_owned()),
        Just("Milestones".to_owned()),
        Just("Metrics (Weekly)".to_owned()),
        Just("Certification (80-90%)".to_owned()),
        Just("\n".to_owned()),
        Just("\r".to_owned()),
        Just("\r\n".to_owned()),
        "[0-9]{1,3}".prop_map(|s| s),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_and_every_diagnostic_line_exists(source in roadmap_like()) {
        let _ = assert_sound(source.as_bytes());
    }

    #[test]
    fn parse_bytes_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = assert_sound(&bytes);
    }
}
