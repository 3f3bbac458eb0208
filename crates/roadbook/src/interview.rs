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
