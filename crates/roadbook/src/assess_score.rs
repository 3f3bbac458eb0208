//! Scoring answers against the assessment spec: the Rust twin of the pure
//! functions of `theme/assess.js`. The two do the same floating-point
//! operations in the same order, so they give the same bits; the shared
//! vectors of `assessment/vectors.json` hold them to it.
//!
//! The rules, which the certification page states too:
//! - a question earns its points times the share of it that is right: all
//!   or nothing for a number (within its tolerance) and for a choice (the
//!   exact set, for a multiple choice); for a rubric, each dimension rated
//!   `s` of `1..=scale` earns `(s - 1) / (scale - 1)` of its share;
//! - an area's score is its questions' points earned over their points;
//! - the overall score is the areas' scores averaged by weight;
//! - scores are cut (never rounded up) to hundredths of a percent, and the
//!   level is the highest one whose threshold the cut score reaches: 74.99 is
//!   Bronze, 75.00 Silver, 89.99 Silver, 90.00 Gold, 59.99 below Bronze.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::assess::{AnswerKey, Spec};

/// One learner's answer to one question.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// A number.
    Number(f64),
    /// One option's index.
    Choice(u32),
    /// Some options' indexes.
    Choices(Vec<u32>),
    /// A rating per rubric dimension.
    Ratings(BTreeMap<String, u32>),
}

/// The result of scoring an answers file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Score {
    /// Each area's score, in spec order.
    pub(crate) areas: Vec<AreaScore>,
    /// The overall score in hundredths of a percent, cut (7499 is 74.99 %).
    pub(crate) overall: u32,
    /// The overall score as printed (`74.99`).
    pub(crate) overall_text: String,
    /// The level reached, or `None` below every level.
    pub(crate) level: Option<String>,
    /// The level's name, or the spec's name for no level ("Not yet").
    pub(crate) level_name: String,
    /// How many questions have an answer.
    pub(crate) answered: usize,
    /// How many questions there are.
    pub(crate) questions: usize,
}

/// One area's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct AreaScore {
    /// The area's ID.
    pub(crate) id: String,
    /// Points earned (fractions from rubrics).
    pub(crate) earned: f64,
    /// Points available.
    pub(crate) possible: f64,
    /// The score in hundredths of a percent, cut.
    pub(crate) score: u32,
    /// The score as printed (`66.66`).
    pub(crate) score_text: String,
}

/// The share of `question` that `answer` gets right, from 0 to 1.
pub(crate) fn credit(key: &AnswerKey, answer: Option<&Answer>) -> f64 {
    match (key, answer) {
        (
            AnswerKey::Numeric {
                answer, tolerance, ..
            },
            Some(Answer::Number(given)),
        ) if (given - answer).abs() <= *tolerance => 1.0,
        (AnswerKey::Single { answer, .. }, Some(Answer::Choice(given))) if given == answer => 1.0,
        (AnswerKey::Multiple { answer, .. }, Some(Answer::Choices(given))) => {
            let mut given = given.clone();
            given.sort_unstable();
            given.dedup();
            if &given == answer { 1.0 } else { 0.0 }
        }
        (AnswerKey::Rubric { scale, dimensions }, Some(Answer::Ratings(ratings))) => {
            let mut sum = 0.0;
            for dimension in dimensions {
                if let Some(&rating) = ratings.get(&dimension.id) {
                    let rating = rating.clamp(1, *scale);
                    sum += f64::from(rating - 1);
                }
            }
            sum / (dimensions.len() as f64 * f64::from(scale - 1))
        }
        _ => 0.0,
    }
}

/// A share from 0 to 1 in hundredths of a percent, cut. The small nudge
/// keeps a share that is exactly a threshold in decimal (0.6) from falling
/// below it in binary (0.5999999999999999).
pub(crate) fn hundredths(share: f64) -> u32 {
    (share * 10_000.0 + 1e-6).floor().clamp(0.0, 10_000.0) as u32
}

/// `7499` as `74.99`.
pub(crate) fn percent_text(hundredths: u32) -> String {
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

/// Scores `answers` (by question ID) against `spec`.
pub(crate) fn score(spec: &Spec, answers: &BTreeMap<String, Answer>) -> Score {
    let mut areas = Vec::new();
    let mut weighted = 0.0;
    let mut weights = 0.0;
    for area in &spec.areas {
        let mut earned = 0.0;
        let mut possible = 0.0;
        for question in spec.questions.iter().filter(|q| q.area == area.id) {
            let points = f64::from(question.points);
            earned += points * credit(&question.answer, answers.get(&question.id));
            possible += points;
        }
        let share = if possible > 0.0 {
            earned / possible
        } else {
            0.0
        };
        weighted += f64::from(area.weight) * share;
        weights += f64::from(area.weight);
        let score = hundredths(share);
        areas.push(AreaScore {
            id: area.id.clone(),
            earned,
            possible,
            score,
            score_text: percent_text(score),
        });
    }
    let overall = hundredths(if weights > 0.0 {
        weighted / weights
    } else {
        0.0
    });
    let level = spec.levels.iter().find(|l| overall >= l.min);
    Score {
        areas,
        overall,
        overall_text: percent_text(overall),
        level: level.map(|l| l.id.clone()),
        level_name: level.map_or_else(|| spec.below.clone(), |l| l.name.clone()),
        answered: spec
            .questions
            .iter()
            .filter(|q| answers.contains_key(&q.id))
            .count(),
        questions: spec.questions.len(),
    }
}

/// The score the next level needs: the lowest level's threshold below every
/// level, the next level's above one, and full marks at the top.
pub(crate) fn next_bar(spec: &Spec, score: &Score) -> u32 {
    match spec
        .levels
        .iter()
        .position(|l| Some(&l.id) == score.level.as_ref())
    {
        Some(0) => 10_000,
        Some(i) => spec.levels[i - 1].min,
        None => spec.levels.last().map_or(10_000, |l| l.min),
    }
}

/// The areas to work on: the `n` weakest of those below [`next_bar`]
/// (weakest first, ties in spec order).
pub(crate) fn weakest<'a>(spec: &Spec, score: &'a Score, n: usize) -> Vec<&'a AreaScore> {
    let bar = next_bar(spec, score);
    let mut weak: Vec<&AreaScore> = score.areas.iter().filter(|a| a.score < bar).collect();
    weak.sort_by_key(|a| a.score);
    weak.truncate(n);
    weak
}

/// `75.00-89.99 %`: the scores of a level, or those below every level.
pub(crate) fn level_range(spec: &Spec, level: Option<&str>) -> String {
    let text = percent_text;
    let index = level.and_then(|id| spec.levels.iter().position(|l| l.id == id));
    match index {
        Some(i) => {
            let low = spec.levels[i].min;
            let high = match i {
                0 => 10_000,
                _ => spec.levels[i - 1].min - 1,
            };
            format!("{}-{} %", text(low), text(high))
        }
        None => {
            let lowest = spec.levels.last().map_or(0, |l| l.min);
            format!("below {} %", text(lowest))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_that_are_thresholds_in_decimal_stay_on_them() {
        // (3·0.6 + 4·0.6) / 7 is 60 %, but 0.5999999999999999 in binary.
        let share = (3.0 * (3.0 / 5.0) + 4.0 * (3.0 / 5.0)) / 7.0;
        assert!(share * 10_000.0 < 6000.0);
        assert_eq!(hundredths(share), 6000);
        assert_eq!(hundredths(0.749_999), 7499, "cut, not rounded");
        assert_eq!(hundredths(0.0), 0);
        assert_eq!(hundredths(1.0), 10_000);
        assert_eq!(percent_text(7499), "74.99");
        assert_eq!(percent_text(5), "0.05");
        assert_eq!(percent_text(10_000), "100.00");
    }

    /// The shared vectors of `tests/assess/vectors.json`, which
    /// `tests/js/assess.test.mjs` runs against `theme/assess.js`.
    #[test]
    fn shared_vectors() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let path = root.join("tests/assess/vectors.json");
        let text = std::fs::read_to_string(&path).unwrap();
        let mut vectors: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut specs = BTreeMap::new();
        let mut stale = Vec::new();
        for (name, entry) in vectors["specs"].as_object_mut().unwrap() {
            let source = entry["source"].as_str().unwrap().to_owned();
            let toml = std::fs::read_to_string(root.join(&source)).unwrap();
            let (spec, problems) = crate::assess::load(&toml, &source);
            let spec = spec.unwrap_or_else(|| panic!("{source}: {problems:#?}"));
            let json = serde_json::to_value(&spec).unwrap();
            if entry["spec"] != json {
                stale.push(source);
                entry["spec"] = json;
            }
            specs.insert(name.clone(), spec);
        }
        if !stale.is_empty() {
            if std::env::var_os("ROADBOOK_BLESS").is_some() {
                let mut out = serde_json::to_string_pretty(&vectors).unwrap();
                out.push('\n');
                std::fs::write(&path, out).unwrap();
            } else {
                panic!(
                    "tests/assess/vectors.json holds an old copy of {}: \
                     run ROADBOOK_BLESS=1 cargo test -p roadbook --lib shared_vectors",
                    stale.join(", ")
                );
            }
        }
        let cases = vectors["cases"].as_array().unwrap();
        assert!(cases.len() >= 10);
        for case in cases {
            let name = case["name"].as_str().unwrap();
            let spec = &specs[case["spec"].as_str().unwrap()];
            let file = serde_json::json!({
                "format": "roadbook-assessment", "version": 1, "answers": case["answers"],
            })
            .to_string();
            let (answers, problems) = crate::assess_answers::read(&file, "case.json", spec);
            let answers = answers.unwrap_or_else(|| panic!("{name}: {problems:#?}"));
            let score = score(spec, &answers);
            let expect = &case["expect"];
            let areas: BTreeMap<String, u32> = score
                .areas
                .iter()
                .map(|a| (a.id.clone(), a.score))
                .collect();
            let expected: BTreeMap<String, u32> =
                serde_json::from_value(expect["areas"].clone()).unwrap();
            assert_eq!(areas, expected, "{name}: areas");
            assert_eq!(
                u64::from(score.overall),
                expect["overall"].as_u64().unwrap(),
                "{name}"
            );
            assert_eq!(
                score.level.as_deref(),
                expect["level"].as_str(),
                "{name}: level"
            );
            let weak: Vec<&str> = weakest(spec, &score, 3)
                .iter()
                .map(|a| a.id.as_str())
                .collect();
            let expected: Vec<&str> = expect["weakest"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(weak, expected, "{name}: weakest");
        }
    }
}
