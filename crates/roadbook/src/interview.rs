//! The interview prompt library: the TOML file book.toml's
//! `[preprocessor.roadbook] interview` names, read into a checked model.
//! A prompt says what to design (scope, requirements), the numbers of its
//! back-of-envelope estimate, a reference design, the interviewer's
//! questions at minute marks, red flags, the exercise pages that teach each
//! part, and what a strong and a weak answer look like on each dimension of
//! the shared rubric. `interview_pages.rs` renders it.
//!
//! Problems are diagnostics at the file's line and column: TOML the parser
//! rejects, a link to an exercise page that does not exist, a question after
//! the end of the interview, a rubric that skips a dimension.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use roadmap::{Diagnostic, Span};
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// How senior the role a prompt is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Level {
    /// Entry-level (new graduate to mid-level).
    Entry,
    /// Senior engineer.
    Senior,
    /// Staff or principal engineer.
    Staff,
}

impl Level {
    /// Every level, in the order the index lists them.
    pub(crate) const ALL: [Level; 3] = [Level::Entry, Level::Senior, Level::Staff];

    /// How the pages name the level.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Level::Entry => "Entry level",
            Level::Senior => "Senior",
            Level::Staff => "Staff / principal",
        }
    }
}

/// What an interviewer's question is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum QuestionKind {
    /// Goes deeper into one part of the candidate's design.
    DeepDive,
    /// Changes the problem (a new requirement, a failure, ten times the load).
    FollowUp,
}

/// The library as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Library {
    /// The file, relative to the book root (for "edit this" links).
    pub(crate) path: String,
    /// The rubric every prompt is scored on.
    pub(crate) rubric: Rubric,
    /// The prompts, in file order.
    pub(crate) prompts: Vec<Prompt>,
    /// The line of each prompt's ID, for "edit this" links.
    pub(crate) lines: Vec<u32>,
}

/// The rubric shared by every prompt.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rubric {
    /// The names of the scores 1, 2, … in order ("No hire", …).
    pub(crate) scores: Vec<String>,
    /// What is scored.
    #[serde(rename = "dimension")]
    pub(crate) dimensions: Vec<Dimension>,
}

/// One thing the interviewer scores.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Dimension {
    /// Stable ID: the key of a recorded score (`mock:…`, the assessment).
    pub(crate) id: String,
    /// Its name on the pages.
    pub(crate) name: String,
    /// The question the interviewer answers with the score.
    pub(crate) question: String,
    /// The behaviour that earns each score, one per score in order.
    pub(crate) anchors: Vec<String>,
}

/// One interview prompt.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Prompt {
    /// Stable ID: the page's file name and the mock's key.
    pub(crate) id: Spanned<String>,
    /// Its title.
    pub(crate) title: String,
    /// The role's level.
    pub(crate) level: Level,
    /// How long the interview is meant to take; question marks are minutes
    /// of this length (the mock scales them to the length chosen).
    pub(crate) minutes: Spanned<u32>,
    /// What the interviewer says to open it.
    pub(crate) ask: String,
    /// What is in scope.
    pub(crate) scope: String,
    /// What is left out, said so the candidate does not design it.
    #[serde(default)]
    pub(crate) out_of_scope: Vec<String>,
    /// Functional requirements.
    pub(crate) functional: Vec<String>,
    /// Non-functional requirements.
    pub(crate) non_functional: Vec<String>,
    /// The back-of-envelope estimate.
    pub(crate) numbers: Numbers,
    /// The reference design, as prose.
    pub(crate) design: String,
    /// The reference design as a Mermaid diagram.
    pub(crate) diagram: Spanned<String>,
    /// The interviewer's questions, in minute order.
    #[serde(rename = "question")]
    pub(crate) questions: Vec<Question>,
    /// What sinks a candidate on this prompt.
    pub(crate) red_flags: Vec<String>,
    /// The exercise pages that teach each part of the design.
    pub(crate) teaches: Vec<Teaches>,
    /// What a strong and a weak answer look like here, by dimension ID.
    pub(crate) rubric: Spanned<BTreeMap<String, Spanned<Expectation>>>,
}

/// The numbers of a prompt's estimate: what the candidate is told or should
/// ask for, and what follows from them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Numbers {
    /// The stated inputs.
    #[serde(rename = "input")]
    pub(crate) inputs: Vec<Figure>,
    /// The figures computed from them.
    #[serde(rename = "figure")]
    pub(crate) figures: Vec<Figure>,
}

/// One number of an estimate.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Figure {
    /// What it is.
    pub(crate) name: String,
    /// Its value, rounded to `decimals`.
    pub(crate) value: f64,
    /// Its unit (`req/s`, `GB/day`, empty for a count).
    #[serde(default)]
    pub(crate) unit: String,
    /// Decimals shown.
    #[serde(default)]
    pub(crate) decimals: u8,
    /// How it follows from the inputs, said aloud.
    #[serde(default)]
    pub(crate) how: String,
}

/// One of the interviewer's questions.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Question {
    /// The minute (of the prompt's length) the interviewer asks it.
    pub(crate) at: Spanned<u32>,
    /// What it is for.
    pub(crate) kind: QuestionKind,
    /// The question.
    pub(crate) text: String,
    /// What a good answer contains.
    pub(crate) listen_for: String,
}

/// A part of the design and the exercise page that teaches it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Teaches {
    /// The part of the design.
    pub(crate) part: String,
    /// The exercise page's ID (`src/exercises/ID.md`).
    pub(crate) page: Spanned<String>,
}

/// A strong and a weak answer on one dimension, for one prompt.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Expectation {
    /// What earns the top score here.
    pub(crate) strong: String,
    /// What earns the bottom scores here.
    pub(crate) weak: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    rubric: Rubric,
    #[serde(rename = "prompt")]
    prompts: Vec<Prompt>,
}

/// Reads the library `text` of the file `path` (relative to the book root),
/// checking its links against the exercise pages that exist (`pages`, by
/// ID). Returns the library (none when the TOML does not parse) and every
/// problem found.
pub(crate) fn load(
    path: &str,
    text: &str,
    pages: &BTreeSet<String>,
) -> (Option<Library>, Vec<Diagnostic>) {
    let file: File = match toml::from_str(text) {
        Ok(file) => file,
        Err(err) => {
            let span = span(text, err.span().unwrap_or(0..0));
            let diagnostic = Diagnostic::error(
                "interview-toml",
                path,
                span,
                format!("the interview library is not valid: {}", err.message()),
            )
            .with_help("see CONTRIBUTING.md, \"Add an interview prompt\", for the file's shape");
            return (None, vec![diagnostic]);
        }
    };
    let lines = file
        .prompts
        .iter()
        .map(|p| span(text, p.id.span()).line)
        .collect();
    let library = Library {
        path: path.to_owned(),
        rubric: file.rubric,
        prompts: file.prompts,
        lines,
    };
    let diagnostics = Checker {
        path,
        text,
        pages,
        out: Vec::new(),
    }
    .run(&library);
    (Some(library), diagnostics)
}

/// The checks of a parsed library.
struct Checker<'a> {
    path: &'a str,
    text: &'a str,
    pages: &'a BTreeSet<String>,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, code: &'static str, at: Range<usize>, message: String) -> &mut Diagnostic {
        let span = span(self.text, at);
        self.out
            .push(Diagnostic::error(code, self.path, span, message));
        self.out.last_mut().expect("just pushed")
    }

    fn run(mut self, library: &Library) -> Vec<Diagnostic> {
        let rubric = &library.rubric;
        let whole = 0..0;
        if rubric.scores.len() < 2 {
            self.error(
                "interview-rubric",
                whole.clone(),
                "the rubric needs at least two scores".to_owned(),
            );
        }
        let mut dimensions = BTreeSet::new();
        for dimension in &rubric.dimensions {
            if !dimensions.insert(dimension.id.as_str()) {
                self.error(
                    "interview-rubric",
                    whole.clone(),
                    format!("the rubric names the dimension `{}` twice", dimension.id),
                );
            }
            if dimension.anchors.len() != rubric.scores.len() {
                self.error(
                    "interview-rubric",
                    whole.clone(),
                    format!(
                        "the dimension `{}` has {} anchors for {} scores",
                        dimension.id,
                        dimension.anchors.len(),
                        rubric.scores.len()
                    ),
                );
            }
        }
        let mut ids = BTreeSet::new();
        for prompt in &library.prompts {
            let id = prompt.id.get_ref();
            if !is_slug(id) {
                self.error(
                    "interview-id",
                    prompt.id.span(),
                    format!("the prompt ID `{id}` is not a slug"),
                )
                .help = Some("use lowercase letters, digits and `-` (it is a file name)".into());
            } else if !ids.insert(id.clone()) {
                self.error(
                    "interview-id",
                    prompt.id.span(),
                    format!("two prompts have the ID `{id}`"),
                );
            }
            let minutes = *prompt.minutes.get_ref();
            if minutes == 0 {
                self.error(
                    "interview-minutes",
                    prompt.minutes.span(),
                    "an interview of 0 minutes".to_owned(),
                );
            }
            let mut last = 0;
            for question in &prompt.questions {
                let at = *question.at.get_ref();
                if at >= minutes {
                    self.error(
                        "interview-question",
                        question.at.span(),
                        format!("a question at minute {at} of a {minutes}-minute interview"),
                    )
                    .help = Some(format!("ask it before minute {minutes}"));
                } else if at < last {
                    self.error(
                        "interview-question",
                        question.at.span(),
                        format!("a question at minute {at} after one at minute {last}"),
                    )
                    .help = Some("list the questions in minute order".into());
                }
                last = last.max(at);
            }
            if prompt.diagram.get_ref().contains("```") {
                self.error(
                    "interview-diagram",
                    prompt.diagram.span(),
                    "the diagram contains a code fence (```)".to_owned(),
                )
                .help = Some("write the Mermaid source only; the page adds the fence".into());
            }
            for teaches in &prompt.teaches {
                let page = teaches.page.get_ref();
                if !self.pages.contains(page) {
                    let near = self
                        .pages
                        .iter()
                        .map(|p| (strsim::jaro_winkler(p, page), p))
                        .filter(|(score, _)| *score > 0.8)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, p)| p.clone());
                    let diagnostic = self.error(
                        "interview-link",
                        teaches.page.span(),
                        format!("no exercise page `src/exercises/{page}.md`"),
                    );
                    diagnostic.label = Some("linked from here".into());
                    diagnostic.help = Some(match &near {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => {
                            "link the ID of a page of src/exercises/ (its file name without .md)"
                                .to_owned()
                        }
                    });
                    diagnostic.suggestion = near;
                }
            }
            let scored = prompt.rubric.get_ref();
            for dimension in &rubric.dimensions {
                if !scored.contains_key(&dimension.id) {
                    self.error(
                        "interview-rubric",
                        prompt.rubric.span(),
                        format!(
                            "the prompt `{id}` says nothing about the rubric's `{}`",
                            dimension.id
                        ),
                    )
                    .help = Some(format!(
                        "add `{} = {{ strong = \"…\", weak = \"…\" }}`",
                        dimension.id
                    ));
                }
            }
            for (key, expectation) in scored {
                if !dimensions.contains(key.as_str()) {
                    self.error(
                        "interview-rubric",
                        expectation.span(),
                        format!("the rubric has no dimension `{key}`"),
                    )
                    .help = Some(format!(
                        "the dimensions are {}",
                        dimensions.iter().copied().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
        self.out
    }
}

/// Whether `id` is lowercase ASCII letters, digits and inner dashes.
fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The span of the byte range `at` of `text`, with its 1-based line and
/// column (in characters).
fn span(text: &str, at: Range<usize>) -> Span {
    let start = floor_char_boundary(text, at.start.min(text.len()));
    let end = floor_char_boundary(text, at.end.clamp(start, text.len()));
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..start].chars().count() + 1;
    Span {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
        start,
        end,
    }
}

/// The largest char boundary of `text` at or before `at`.
fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &str = include_str!("../../../interview/prompts.toml");

    /// The exercise pages of the shipped book.
    fn shipped_pages() -> BTreeSet<String> {
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/exercises"))
            .unwrap()
            .filter_map(|e| {
                let path = e.unwrap().path();
                let stem = path.file_stem()?.to_str()?.to_owned();
                (path.extension()? == "md" && stem != "index").then_some(stem)
            })
            .collect()
    }

    /// A small valid library: one dimension, one prompt.
    const SMALL: &str = r#"[rubric]
scores = ["low", "high"]

[[rubric.dimension]]
id = "requirements"
name = "Requirements"
question = "Q?"
anchors = ["none", "all"]

[[prompt]]
id = "menu-api"
title = "Menu API"
level = "entry"
minutes = 45
ask = "Design it."
scope = "The menu."
functional = ["Read"]
non_functional = ["Fast"]
design = "A cache."
diagram = "flowchart LR\n a --> b"
red_flags = ["No cache"]

[prompt.numbers]
input = [{ name = "Users", value = 5 }]
figure = [{ name = "Peak", value = 10, unit = "req/s" }]

[[prompt.question]]
at = 10
kind = "deep-dive"
text = "How?"
listen_for = "This."

[[prompt.teaches]]
part = "Caching"
page = "w06-menu-cache"

[prompt.rubric]
requirements = { strong = "asks", weak = "does not" }
"#;

    fn pages() -> BTreeSet<String> {
        BTreeSet::from(["w06-menu-cache".to_owned()])
    }

    fn problems(text: &str) -> Vec<Diagnostic> {
        load("interview/prompts.toml", text, &pages()).1
    }

    /// The diagnostics' (code, line, column).
    fn places(text: &str) -> Vec<(&'static str, u32, u32)> {
        problems(text)
            .iter()
            .map(|d| (d.code, d.span.line, d.span.column))
            .collect()
    }

    fn line_of(text: &str, needle: &str) -> u32 {
        let at = text.find(needle).expect(needle);
        u32::try_from(text[..at].matches('\n').count() + 1).unwrap()
    }

    #[test]
    fn the_shipped_library_is_clean_and_covers_week_11() {
        let (library, diagnostics) = load("interview/prompts.toml", SHIPPED, &shipped_pages());
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let library = library.unwrap();
        let at = |level| library.prompts.iter().filter(|p| p.level == level).count();
        assert!(
            at(Level::Entry) >= 5,
            "week 11 asks for five entry-level prompts"
        );
        assert!(at(Level::Senior) >= 3);
        assert!(at(Level::Staff) >= 2);
        assert!(library.prompts.len() > 10, "and spares");
        // The dimension IDs are what recorded scores are kept under.
        let ids: Vec<&str> = library
            .rubric
            .dimensions
            .iter()
            .map(|d| d.id.as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "requirements",
                "estimation",
                "api-data-model",
                "high-level-design",
                "deep-dive",
                "communication"
            ]
        );
        for p in &library.prompts {
            assert!(!p.questions.is_empty(), "{}", p.id.get_ref());
            assert!(!p.numbers.figures.is_empty(), "{}", p.id.get_ref());
            assert!(!p.teaches.is_empty(), "{}", p.id.get_ref());
        }
        assert_eq!(
            library.lines[0],
            line_of(SHIPPED, "id = \"coffee-shop-locator\"")
        );
    }

    #[test]
    fn a_small_library_loads_without_problems() {
        let (library, diagnostics) = load("interview/prompts.toml", SMALL, &pages());
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        let library = library.unwrap();
        assert_eq!(library.prompts[0].questions[0].kind, QuestionKind::DeepDive);
        assert_eq!(library.lines, [line_of(SMALL, "id = \"menu-api\"")]);
    }

    #[test]
    fn toml_that_does_not_parse_is_a_diagnostic_at_its_place() {
        let text = SMALL.replace("minutes = 45", "minutes = 45 45");
        let line = line_of(&text, "minutes = 45 45");
        let found = problems(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].code, found[0].span.line),
            ("interview-toml", line)
        );
        assert!(found[0].span.column > 1);
        assert!(
            found[0]
                .message
                .starts_with("the interview library is not valid")
        );
    }

    #[test]
    fn a_wrong_value_or_an_unknown_key_names_its_line() {
        let text = SMALL.replace("level = \"entry\"", "level = \"junior\"");
        let found = problems(&text);
        assert_eq!(found[0].span.line, line_of(&text, "level = \"junior\""));
        assert!(found[0].message.contains("entry"), "{}", found[0].message);

        let text = SMALL.replace("red_flags", "red_flag");
        let found = problems(&text);
        assert_eq!(found[0].code, "interview-toml");
        assert!(
            found[0].message.contains("red_flag"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_link_to_a_missing_exercise_page_is_an_error_with_a_suggestion() {
        let text = SMALL.replace("\"w06-menu-cache\"", "\"w06-menu-cach\"");
        let found = problems(&text);
        assert_eq!(found.len(), 1);
        let d = &found[0];
        assert_eq!(
            (d.code, d.span.line, d.span.column),
            (
                "interview-link",
                line_of(&text, "page = \"w06-menu-cach\""),
                8
            )
        );
        assert!(d.is_error());
        assert_eq!(d.suggestion.as_deref(), Some("w06-menu-cache"));
    }

    #[test]
    fn questions_must_fall_inside_the_interview_in_order() {
        let late = SMALL.replace("at = 10", "at = 45");
        assert_eq!(
            places(&late),
            [("interview-question", line_of(&late, "at = 45"), 6)]
        );
        let unordered = SMALL.replace(
            "[[prompt.teaches]]",
            "[[prompt.question]]\nat = 5\nkind = \"follow-up\"\ntext = \"a\"\nlisten_for = \"b\"\n\n[[prompt.teaches]]",
        );
        assert_eq!(
            places(&unordered),
            [("interview-question", line_of(&unordered, "at = 5"), 6)]
        );
    }

    #[test]
    fn the_rubric_must_match_its_dimensions() {
        let missing = SMALL.replace(
            "requirements = { strong = \"asks\", weak = \"does not\" }",
            "",
        );
        let found = problems(&missing);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("`requirements`"));
        assert_eq!(found[0].span.line, line_of(&missing, "[prompt.rubric]"));

        let unknown = SMALL.replace(
            "requirements = {",
            "scope = { strong = \"x\", weak = \"y\" }\nrequirements = {",
        );
        assert_eq!(
            places(&unknown),
            [("interview-rubric", line_of(&unknown, "scope = { strong"), 9)]
        );

        let anchors = SMALL.replace("anchors = [\"none\", \"all\"]", "anchors = [\"none\"]");
        let found = problems(&anchors);
        assert!(
            found[0].message.contains("1 anchors for 2 scores"),
            "{found:?}"
        );
    }

    #[test]
    fn ids_are_slugs_and_unique() {
        let bad = SMALL.replace("id = \"menu-api\"", "id = \"Menu API\"");
        assert_eq!(places(&bad)[0].0, "interview-id");
        let twice = format!("{SMALL}\n{}", &SMALL[SMALL.find("[[prompt]]").unwrap()..]);
        let found = problems(&twice);
        assert!(
            found
                .iter()
                .any(|d| d.message.contains("two prompts have the ID")),
            "{found:?}"
        );
    }

    #[test]
    fn a_diagram_with_a_fence_is_refused() {
        let text = SMALL.replace("a --> b", "a --> b\\n```");
        assert_eq!(places(&text)[0].0, "interview-diagram");
    }

    #[test]
    fn spans_count_characters_not_bytes() {
        let s = span("é = 1\n  ü", 9..10);
        assert_eq!((s.line, s.column), (2, 3));
        let end = span("ab", 99..120);
        assert_eq!((end.line, end.column, end.start), (1, 3, 2));
    }
}
