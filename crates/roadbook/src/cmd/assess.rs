//! `roadbook assess ANSWERS`: scores an answers file of the self-assessment
//! (the JSON the assessment page exports) with the spec book.toml names, and
//! prints the score per area, overall, and the level. The page and this
//! command share the spec and the scoring rules (`assess_score.rs`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::assess::Spec;
use crate::assess_score::{self, Score};
use crate::cli::{AssessArgs, AssessFormat, Format};
use crate::config::Config;
use crate::report::{self, Sources};

/// Runs `roadbook assess`.
pub(crate) fn run(root: &Path, args: &AssessArgs) -> Result<ExitCode> {
    let spec_path = match &args.spec {
        Some(path) => path.clone(),
        None => default_spec(root)?,
    };
    let spec_text = std::fs::read_to_string(&spec_path)
        .with_context(|| format!("cannot read the assessment spec {}", spec_path.display()))?;
    let answers_text = std::fs::read_to_string(&args.answers)
        .with_context(|| format!("cannot read the answers file {}", args.answers.display()))?;
    let spec_name = shown(&spec_path);
    let answers_name = shown(&args.answers);
    let mut sources = Sources::default();
    sources.add(&spec_name, spec_text.clone());
    sources.add(&answers_name, answers_text.clone());

    let (spec, problems) = crate::assess::load(&spec_text, &spec_name);
    let Some(spec) = spec else {
        report::print(&problems, &sources, Format::Human)?;
        return Ok(ExitCode::from(1));
    };
    let (answers, problems) = crate::assess_answers::read(&answers_text, &answers_name, &spec);
    let Some(answers) = answers else {
        report::print(&problems, &sources, Format::Human)?;
        return Ok(ExitCode::from(1));
    };
    let score = assess_score::score(&spec, &answers);
    let mut stdout = std::io::stdout().lock();
    match args.format {
        AssessFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &score)?;
            writeln!(stdout)?;
        }
        AssessFormat::Human => write!(stdout, "{}", human(&spec, &score))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// book.toml's `assessment`, resolved against the book root.
fn default_spec(root: &Path) -> Result<PathBuf> {
    let config = Config::load(root)?;
    match config.assessment_path() {
        Some(path) => Ok(path),
        None => bail!(
            "book.toml names no assessment spec: add `assessment = \"assessment/spec.toml\"` to \
             [preprocessor.roadbook], or pass --spec PATH"
        ),
    }
}

/// A path as the user wrote it, with forward slashes.
fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The result as a table for people.
pub(crate) fn human(spec: &Spec, score: &Score) -> String {
    let mut out = format!("{} (self-assessed)\n\n", spec.title);
    let width = spec
        .areas
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(0)
        .max("overall".len());
    out.push_str(&format!("{:<width$}  weight    score\n", "area"));
    for (area, result) in spec.areas.iter().zip(&score.areas) {
        out.push_str(&format!(
            "{:<width$}  {:>6}  {:>6} %\n",
            area.name, area.weight, result.score_text
        ));
    }
    out.push_str(&format!(
        "{:<width$}  {:>6}  {:>6} %\n\n",
        "overall", "", score.overall_text
    ));
    out.push_str(&format!(
        "level: {} ({})\n",
        score.level_name,
        assess_score::level_range(spec, score.level.as_deref())
    ));
    out.push_str(&format!(
        "answered: {} of {} questions\n",
        score.answered, score.questions
    ));
    for weak in assess_score::weakest(spec, score, 3) {
        let Some(area) = spec.area(&weak.id) else {
            continue;
        };
        let pages: Vec<&str> = area.learn.iter().map(|l| l.title.as_str()).collect();
        out.push_str(&format!("work on: {} ({} %)", area.name, weak.score_text));
        if !pages.is_empty() {
            out.push_str(&format!(": {}", pages.join("; ")));
        }
        out.push('\n');
    }
    out
}
