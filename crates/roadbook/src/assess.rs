//! The self-assessment's spec: the areas with their weights, the levels with
//! their thresholds, and the questions (numeric with a tolerance, single or
//! multiple choice, rubric-rated design answers), read from the TOML file
//! book.toml's `assessment` names. One spec drives both scorers — `roadbook
//! assess` (`assess_score.rs`) and the assessment page's `theme/assess.js`,
//! which gets [`Spec`] as JSON — so they cannot disagree about what counts.
//!
//! Loading never stops at the first problem: every problem comes back as a
//! [`Diagnostic`] at its line and column, and a spec comes back only when
//! there are none.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use roadmap::{Diagnostic, Span};
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The assessment as both scorers see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Spec {
    /// The page's title.
    pub(crate) title: String,
    /// What the assessment is, shown above the questions.
    pub(crate) intro: String,
    /// The length of the timed mode, in minutes.
    pub(crate) minutes: u32,
    /// The name of a score below every level ("Not yet").
    pub(crate) below: String,
    /// The levels, highest threshold first.
    pub(crate) levels: Vec<Level>,
    /// The areas, in the order they are asked.
    pub(crate) areas: Vec<Area>,
    /// The questions, grouped by area in area order.
    pub(crate) questions: Vec<Question>,
    /// The timed mode's sections, in order; their minutes add up to
    /// `minutes`.
    pub(crate) timed: Vec<TimedSection>,
    /// The roadmap's certification benefits the book gives in some form,
    /// by their label; any other benefit is a promise only a community can
    /// keep, and the certification page says so.
    pub(crate) benefits: Vec<Benefit>,
}

/// A benefit the roadmap's certification levels promise, and what the book
/// gives in its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Benefit {
    /// Its label in the roadmap (`Digital Badge`).
    pub(crate) label: String,
    /// What the book gives for it; none: only a community could keep it.
    #[serde(default)]
    pub(crate) book: Option<String>,
}

/// A level and the lowest score that reaches it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Level {
    /// Its ID (`gold`).
    pub(crate) id: String,
    /// Its name (`Gold`).
    pub(crate) name: String,
    /// The lowest overall score that reaches it, in hundredths of a percent
    /// (`9000` for 90 %).
    pub(crate) min: u32,
    /// What the book gives a learner at this level.
    pub(crate) gives: Vec<String>,
    /// The reading for the step after this level.
    pub(crate) next: Vec<Link>,
}

/// A page of the book, by its path under `src/` and its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Link {
    /// What the link says.
    pub(crate) title: String,
    /// The page, relative to `src/` (`weeks/week-01.md`).
    pub(crate) page: String,
}

/// One of the areas the assessment covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Area {
    /// Its ID (`data-management`).
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: String,
    /// Its share of the overall score, relative to the other areas' weights.
    pub(crate) weight: u32,
    /// The pages that teach it, for a learner whose score here is weak.
    pub(crate) learn: Vec<Link>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Question {
    /// Its ID: the key of its answer in an answers file.
    pub(crate) id: String,
    /// The area it counts for.
    pub(crate) area: String,
    /// The question itself.
    pub(crate) prompt: String,
    /// Its weight within its area.
    pub(crate) points: u32,
    /// Why the key is right, shown with the result.
    pub(crate) explain: Option<String>,
    /// The reference function whose result the key is checked against
    /// (`pipeline::mmc`), when one computes it.
    pub(crate) computed_by: Option<String>,
    /// What kind of answer it takes, and the key.
    #[serde(flatten)]
    pub(crate) answer: AnswerKey,
}

/// The kinds of question, each with its key.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(crate) enum AnswerKey {
    /// A number, right when within `tolerance` of `answer`.
    Numeric {
        /// The key.
        answer: f64,
        /// The largest accepted distance from the key.
        tolerance: f64,
        /// The unit the number is in.
        unit: String,
    },
    /// One of `options` (0-based index).
    Single {
        /// The choices.
        options: Vec<String>,
        /// The right one.
        answer: u32,
    },
    /// A set of `options`, right when exactly the key's set.
    Multiple {
        /// The choices.
        options: Vec<String>,
        /// The right ones, ascending.
        answer: Vec<u32>,
    },
    /// A design answer rated on each dimension from 1 to `scale`: from a
    /// recorded mock interview's rubric, or self-rated.
    Rubric {
        /// The highest score of a dimension (the lowest is 1).
        scale: u32,
        /// What is rated.
        dimensions: Vec<Dimension>,
    },
}

/// The kinds' names, as the spec writes them.
pub(crate) const KINDS: &[&str] = &["numeric", "single", "multiple", "rubric"];

/// One rated dimension of a design answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Dimension {
    /// Its ID (the key of its score in an answers file and in a mock
    /// interview's saved rubric).
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: String,
    /// What each score looks like, from 1 up: one anchor per score.
    pub(crate) anchors: Vec<String>,
}

/// One section of the timed mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TimedSection {
    /// What the section is.
    pub(crate) title: String,
    /// Its length.
    pub(crate) minutes: u32,
    /// The areas answered in it.
    #[serde(default)]
    pub(crate) areas: Vec<String>,
}

impl Spec {
    /// The spec as the assessment page reads it: JSON that is safe inside a
    /// `<script>` element (no `<` to end it early).
    pub(crate) fn to_page_json(&self) -> String {
        serde_json::to_string(self)
            .expect("a spec is plain data")
            .replace('<', "\\u003c")
    }

    /// The area with this ID.
    pub(crate) fn area(&self, id: &str) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }
}

// The file as written. Spans point the diagnostics at the right place.

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawSpec {
    title: String,
    #[serde(default)]
    intro: String,
    minutes: Spanned<u32>,
    below: String,
    level: Vec<Spanned<RawLevel>>,
    area: Vec<Spanned<RawArea>>,
    question: Vec<Spanned<RawQuestion>>,
    #[serde(default)]
    timed: Vec<Spanned<TimedSection>>,
    #[serde(default)]
    benefit: Vec<Benefit>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawLevel {
    id: String,
    name: String,
    min: Spanned<f64>,
    #[serde(default)]
    gives: Vec<String>,
    #[serde(default)]
    next: Vec<Link>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawArea {
    id: Spanned<String>,
    name: String,
    weight: Spanned<u32>,
    #[serde(default)]
    learn: Vec<Link>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    area: Spanned<String>,
    kind: Spanned<String>,
    prompt: String,
    #[serde(default = "one")]
    points: Spanned<u32>,
    explain: Option<String>,
    computed_by: Option<String>,
    /// The reference function's arguments, read by the answer-key test of
    /// the reference crate, not by roadbook.
    #[serde(default)]
    #[allow(dead_code)]
    inputs: Option<toml::Value>,
    answer: Option<Spanned<toml::Value>>,
    tolerance: Option<Spanned<f64>>,
    unit: Option<String>,
    options: Option<Vec<String>>,
    scale: Option<Spanned<u32>>,
    dimensions: Option<Vec<Dimension>>,
}

fn one() -> Spanned<u32> {
    Spanned::new(0..0, 1)
}

/// Reads the spec in `text` (the file `file`): the spec when it has no
/// error, and every problem found.
pub(crate) fn load(text: &str, file: &str) -> (Option<Spec>, Vec<Diagnostic>) {
    let mut problems = Problems {
        text,
        file,
        found: Vec::new(),
    };
    let raw: RawSpec = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(err) => {
            let span = err.span().unwrap_or(0..0);
            problems.error(
                span,
                format!("invalid assessment spec: {}", err.message()),
                "the spec is TOML: `[[area]]`, `[[level]]` and `[[question]]` tables",
            );
            return (None, problems.found);
        }
    };
    let spec = check(raw, &mut problems);
    if problems.found.iter().any(Diagnostic::is_error) {
        (None, problems.found)
    } else {
        (Some(spec), problems.found)
    }
}

/// The spec book.toml names, if any, read and checked: its text joins
/// `sources` and its problems `diagnostics`, for `check` and `build`.
pub(crate) fn load_for_book(
    config: &crate::config::Config,
    sources: &mut crate::report::Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> anyhow::Result<Option<Spec>> {
    use anyhow::Context;
    let (Some(path), Some(name)) = (config.assessment_path(), &config.roadbook.assessment) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the assessment spec {}", path.display()))?;
    let name = name.to_string_lossy().replace('\\', "/");
    let (spec, found) = load(&text, &name);
    diagnostics.extend(found);
    sources.add(&name, text);
    Ok(spec)
}

/// Collects diagnostics about one spec file.
struct Problems<'a> {
    text: &'a str,
    file: &'a str,
    found: Vec<Diagnostic>,
}

impl Problems<'_> {
    fn error(&mut self, range: Range<usize>, message: String, help: &str) {
        let span = span_of(self.text, range);
        let mut diagnostic = Diagnostic::error("assessment-spec", self.file, span, message);
        if !help.is_empty() {
            diagnostic = diagnostic.with_help(help);
        }
        self.found.push(diagnostic);
    }
}

/// The span of bytes `range` of `text`, with its line and column.
pub(crate) fn span_of(text: &str, range: Range<usize>) -> Span {
    let start = floor_char(text, range.start.min(text.len()));
    let end = floor_char(text, range.end.clamp(start, text.len()));
    let before = &text[..start];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Span {
        line: before.matches('\n').count() as u32 + 1,
        column: before[line_start..].chars().count() as u32 + 1,
        start,
        end,
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Turns the file as written into a spec, reporting what is wrong with it.
fn check(raw: RawSpec, problems: &mut Problems<'_>) -> Spec {
    let mut levels = Vec::new();
    let mut level_ids = BTreeSet::new();
    for level in raw.level {
        let span = level.span();
        let level = level.into_inner();
        let min = *level.min.get_ref();
        if !(min > 0.0 && min <= 100.0) {
            problems.error(
                level.min.span(),
                format!("level `{}` starts at {min} %", level.id),
                "a level's `min` is a percentage above 0 and at most 100",
            );
        }
        if !level_ids.insert(level.id.clone()) {
            problems.error(
                span.clone(),
                format!("two levels are called `{}`", level.id),
                "",
            );
        }
        levels.push(Level {
            id: level.id,
            name: level.name,
            min: (min * 100.0).round().clamp(0.0, 10_000.0) as u32,
            gives: level.gives,
            next: level.next,
        });
    }
    if levels.is_empty() {
        problems.error(0..0, "the assessment has no `[[level]]`".into(), "");
    }
    levels.sort_by_key(|l| std::cmp::Reverse(l.min));
    for pair in levels.windows(2) {
        if pair[0].min == pair[1].min {
            problems.error(
                0..0,
                format!(
                    "levels `{}` and `{}` start at the same score",
                    pair[0].id, pair[1].id
                ),
                "each level needs its own `min`",
            );
        }
    }

    let mut areas = Vec::new();
    let mut area_spans = BTreeMap::new();
    for area in raw.area {
        let area = area.into_inner();
        let id = area.id.get_ref().clone();
        if area_spans.insert(id.clone(), area.id.span()).is_some() {
            problems.error(area.id.span(), format!("two areas are called `{id}`"), "");
        }
        if *area.weight.get_ref() == 0 {
            problems.error(
                area.weight.span(),
                format!("area `{id}` has weight 0"),
                "leave the area out instead, or give it a weight of 1 or more",
            );
        }
        areas.push(Area {
            id,
            name: area.name,
            weight: area.weight.into_inner(),
            learn: area.learn,
        });
    }
    if areas.is_empty() {
        problems.error(0..0, "the assessment has no `[[area]]`".into(), "");
    }

    let mut questions = Vec::new();
    let mut question_ids = BTreeSet::new();
    for question in raw.question {
        let span = question.span();
        let raw_question = question.into_inner();
        if let Some(question) = check_question(raw_question, span, &areas, problems) {
            if !question_ids.insert(question.id.clone()) {
                problems.error(
                    question.id_span.clone(),
                    format!("two questions are called `{}`", question.question.id),
                    "an answers file keys its answers by question ID",
                );
            }
            questions.push(question.question);
        }
    }
    // Grouped by area, in area order, each area's questions as written.
    questions.sort_by_key(|q| areas.iter().position(|a| a.id == q.area));
    for area in &areas {
        if !questions.iter().any(|q| q.area == area.id) {
            let span = area_spans.get(&area.id).cloned().unwrap_or(0..0);
            problems.error(
                span,
                format!("area `{}` has no question", area.id),
                "an area's score is the share of its questions' points earned",
            );
        }
    }

    let total: u32 = raw.timed.iter().map(|s| s.get_ref().minutes).sum();
    if !raw.timed.is_empty() && total != *raw.minutes.get_ref() {
        problems.error(
            raw.minutes.span(),
            format!(
                "the timed sections add up to {total} minutes, not the assessment's {}",
                raw.minutes.get_ref()
            ),
            "make `minutes` the sum of the `[[timed]]` sections' minutes",
        );
    }
    let mut timed = Vec::new();
    for section in raw.timed {
        let span = section.span();
        let section = section.into_inner();
        for area in &section.areas {
            if !areas.iter().any(|a| &a.id == area) {
                problems.error(
                    span.clone(),
                    format!("timed section `{}` names no area `{area}`", section.title),
                    "",
                );
            }
        }
        timed.push(section);
    }

    Spec {
        title: raw.title,
        intro: raw.intro,
        minutes: raw.minutes.into_inner(),
        below: raw.below,
        levels,
        areas,
        questions,
        timed,
        benefits: raw.benefit,
    }
}

struct Checked {
    question: Question,
    id: String,
    id_span: Range<usize>,
}

/// One question, or `None` when it is too broken to score.
fn check_question(
    raw: RawQuestion,
    span: Range<usize>,
    areas: &[Area],
    problems: &mut Problems<'_>,
) -> Option<Checked> {
    let id = raw.id.get_ref().clone();
    let area = raw.area.get_ref().clone();
    let mut ok = true;
    if !areas.iter().any(|a| a.id == area) {
        let names: Vec<&str> = areas.iter().map(|a| a.id.as_str()).collect();
        let help = match closest(&area, &names) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("the areas are {}", names.join(", ")),
        };
        problems.error(
            raw.area.span(),
            format!("question `{id}` is in no area `{area}`"),
            &help,
        );
        ok = false;
    }
    if *raw.points.get_ref() == 0 {
        problems.error(
            raw.points.span(),
            format!("question `{id}` is worth 0 points"),
            "",
        );
        ok = false;
    }
    let kind = raw.kind.get_ref().as_str();
    let answer_span = raw.answer.as_ref().map_or(span.clone(), Spanned::span);
    let answer = raw.answer.as_ref().map(Spanned::get_ref);
    let bad = |problems: &mut Problems<'_>, range: Range<usize>, message: String, help: &str| {
        problems.error(range, format!("question `{id}`: {message}"), help);
        None::<AnswerKey>
    };
    let key = match kind {
        "numeric" => match (
            answer
                .and_then(toml::Value::as_float)
                .or_else(|| answer.and_then(toml::Value::as_integer).map(|i| i as f64)),
            &raw.tolerance,
        ) {
            (Some(answer), Some(tolerance)) if *tolerance.get_ref() >= 0.0 => {
                Some(AnswerKey::Numeric {
                    answer,
                    tolerance: *tolerance.get_ref(),
                    unit: raw.unit.clone().unwrap_or_default(),
                })
            }
            (Some(_), Some(tolerance)) => bad(
                problems,
                tolerance.span(),
                "a tolerance below 0 accepts nothing".into(),
                "",
            ),
            (Some(_), None) => bad(
                problems,
                span.clone(),
                "a numeric question needs a `tolerance`".into(),
                "0 accepts only the exact key",
            ),
            (None, _) => bad(
                problems,
                answer_span.clone(),
                "a numeric question's `answer` is a number".into(),
                "",
            ),
        },
        "single" | "multiple" => {
            let options = raw.options.clone().unwrap_or_default();
            if options.len() < 2 {
                bad(
                    problems,
                    span.clone(),
                    "a choice needs at least two `options`".into(),
                    "",
                )
            } else {
                let in_range = |v: &toml::Value| {
                    v.as_integer()
                        .filter(|&i| i >= 0 && (i as usize) < options.len())
                        .map(|i| i as u32)
                };
                let range_help = format!(
                    "options are numbered from 0: this one has 0 to {}",
                    options.len() - 1
                );
                if kind == "single" {
                    match answer.and_then(in_range) {
                        Some(answer) => Some(AnswerKey::Single { options, answer }),
                        None => bad(
                            problems,
                            answer_span.clone(),
                            "`answer` is not the index of an option".into(),
                            &range_help,
                        ),
                    }
                } else {
                    let picked: Option<Vec<u32>> = answer
                        .and_then(toml::Value::as_array)
                        .and_then(|a| a.iter().map(in_range).collect());
                    match picked {
                        Some(mut picked) if !picked.is_empty() => {
                            let before = picked.len();
                            picked.sort_unstable();
                            picked.dedup();
                            if picked.len() == before {
                                Some(AnswerKey::Multiple {
                                    options,
                                    answer: picked,
                                })
                            } else {
                                bad(
                                    problems,
                                    answer_span.clone(),
                                    "`answer` names an option twice".into(),
                                    "",
                                )
                            }
                        }
                        _ => bad(
                            problems,
                            answer_span.clone(),
                            "`answer` is a non-empty list of option indexes".into(),
                            &range_help,
                        ),
                    }
                }
            }
        }
        "rubric" => {
            let scale = raw.scale.as_ref().map_or(0, |s| *s.get_ref());
            let dimensions = raw.dimensions.clone().unwrap_or_default();
            if scale < 2 {
                bad(
                    problems,
                    raw.scale.as_ref().map_or(span.clone(), Spanned::span),
                    "a rubric needs a `scale` of 2 or more".into(),
                    "each dimension is rated from 1 to `scale`",
                )
            } else if dimensions.is_empty() {
                bad(
                    problems,
                    span.clone(),
                    "a rubric needs `dimensions`".into(),
                    "",
                )
            } else if let Some(d) = dimensions
                .iter()
                .find(|d| d.anchors.len() != scale as usize)
            {
                bad(
                    problems,
                    span.clone(),
                    format!(
                        "dimension `{}` has {} anchors for a scale of {scale}",
                        d.id,
                        d.anchors.len()
                    ),
                    "write one anchor per score, from 1 up",
                )
            } else {
                let mut seen = BTreeSet::new();
                if let Some(d) = dimensions.iter().find(|d| !seen.insert(d.id.clone())) {
                    bad(
                        problems,
                        span.clone(),
                        format!("two dimensions are called `{}`", d.id),
                        "",
                    )
                } else {
                    Some(AnswerKey::Rubric { scale, dimensions })
                }
            }
        }
        other => bad(
            problems,
            raw.kind.span(),
            format!("no question kind `{other}`"),
            &format!("the kinds are {}", KINDS.join(", ")),
        ),
    };
    let key = key?;
    if !ok {
        return None;
    }
    Some(Checked {
        id: id.clone(),
        id_span: raw.id.span(),
        question: Question {
            id,
            area,
            prompt: raw.prompt,
            points: raw.points.into_inner(),
            explain: raw.explain,
            computed_by: raw.computed_by,
            answer: key,
        },
    })
}

/// The name in `names` nearest to `wrong`, when one is near.
pub(crate) fn closest<'a>(wrong: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (strsim::jaro_winkler(wrong, n), *n))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}
