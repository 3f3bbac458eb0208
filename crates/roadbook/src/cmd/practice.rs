//! `roadbook practice`: write an exercise's starter kit, list the exercises
//! that have one, check a kit's tests, or verify every kit (CI).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use roadmap::Diagnostic;

use crate::cli::{Format, PracticeArgs};
use crate::practice;
use crate::practice_run::{self, Outcome, Scope};
use crate::project::Project;
use crate::report::{self, Sources};

/// Runs `roadbook practice`.
pub(crate) fn run(root: &Path, quiet: bool, args: &PracticeArgs) -> Result<ExitCode> {
    let limit = args
        .time_limit
        .map_or(practice_run::DEFAULT_TIME_LIMIT, Duration::from_secs);
    if let Some(dir) = &args.check {
        return check(&root.join(dir), quiet, args.mark_done.as_deref(), limit);
    }
    let project = Project::load(root)?;
    if args.list {
        for offer in practice::offers(&project)? {
            println!("{}  ({})", offer.id, offer.modules.join(", "));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.verify {
        return crate::practice_verify::run(&project, quiet, args.id.as_deref(), limit);
    }
    let Some(id) = &args.id else {
        bail!(
            "name an exercise (`roadbook practice --list` shows them), or pass --list, --check DIR or --verify"
        );
    };
    let offer = practice::offer(&project, id)?;
    let kit = practice::kit(&project, &offer)?;
    let dir = root.join(args.dir.clone().unwrap_or_else(|| PathBuf::from(id)));
    practice::write(&kit, &dir)?;
    if !quiet {
        let functions: usize = kit.todo.values().map(Vec::len).sum();
        eprintln!(
            "Wrote the practice kit of {id} to {} ({functions} functions to write in {}). Next:\n  cd {}\n  cargo test                     # fails with `not yet implemented` until your code is in\n  roadbook practice --check .    # each test, and whether the exercise is done",
            dir.display(),
            kit.practice.join(", "),
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `--check DIR`: runs the kit's tests and reports each.
fn check(dir: &Path, quiet: bool, mark_done: Option<&Path>, limit: Duration) -> Result<ExitCode> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).with_context(|| {
        format!(
            "cannot read {}: is {} a practice kit?",
            manifest.display(),
            dir.display()
        )
    })?;
    let table: toml::Table = text
        .parse()
        .with_context(|| format!("cannot parse {}", manifest.display()))?;
    let Some(id) = table
        .get("package")
        .and_then(|p| p.get("metadata"))
        .and_then(|m| m.get("roadbook"))
        .and_then(|r| r.get("exercise"))
        .and_then(toml::Value::as_str)
    else {
        bail!(
            "{} is not a practice kit (no `[package.metadata.roadbook] exercise`): write one with `roadbook practice ID`",
            manifest.display()
        );
    };
    if !quiet {
        eprintln!("Testing the practice kit of {id} (cargo test)");
    }
    let run = practice_run::run(dir, None, Scope::All, limit)?;
    if !run.compiled {
        eprint!("{}", run.stderr);
        eprintln!("error: the kit does not compile (cargo's errors above)");
        return Ok(ExitCode::from(1));
    }

    let mut sources = Sources::default();
    let mut texts = std::collections::BTreeMap::new();
    // `src/retry.rs` for the kit in `.`, `k/src/retry.rs` for `k`.
    let shown = |file: &str| {
        let path: PathBuf = dir
            .join(file)
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        path.to_string_lossy().replace('\\', "/")
    };
    for entry in walkdir::WalkDir::new(dir.join("src")).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if entry.file_type().is_file() {
            let file = entry
                .path()
                .strip_prefix(dir)
                .expect("walked under the kit")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(entry.path())
                .with_context(|| format!("cannot read {}", entry.path().display()))?;
            sources.add(&shown(&file), text.clone());
            texts.insert(file, text);
        }
    }
    let mut diagnostics = Vec::new();
    let mut stdout = String::new();
    for result in &run.results {
        let status = match result.outcome {
            Outcome::Passed => "ok",
            Outcome::Failed { .. } => "FAILED",
            Outcome::Ignored => "ignored",
            Outcome::Unfinished => "HANGS",
        };
        stdout.push_str(&format!("{status:<8}{}\n", result.name));
        // The test's `fn` (or doctest) line, else the kit's lib.rs.
        let at_test = |code: &'static str, message: String| {
            let file = result.file(|f| texts.contains_key(f));
            let line = file
                .as_ref()
                .and_then(|file| test_line(&texts[file], result));
            match (&file, line) {
                (Some(file), Some(line)) => Diagnostic::error(
                    code,
                    &shown(file),
                    practice::line_span(&texts[file], line, 1),
                    message,
                ),
                _ => Diagnostic::error(
                    code,
                    &shown("src/lib.rs"),
                    roadmap::Span::default(),
                    message,
                ),
            }
            .with_label("this test")
        };
        match &result.outcome {
            Outcome::Failed { message, at } => {
                let summary = message
                    .as_deref()
                    .and_then(|m| m.lines().next())
                    .unwrap_or("it failed");
                let mut diagnostic =
                    at_test("test-failed", format!("`{}` fails: {summary}", result.name));
                if let Some((panic_file, line, column)) = at
                    && let Some(text) = texts.get(panic_file)
                {
                    diagnostic = diagnostic.with_related(
                        &shown(panic_file),
                        practice::line_span(text, *line, *column),
                        "it panicked here",
                    );
                }
                if let Some(message) = message.as_deref().filter(|m| m.lines().count() > 1) {
                    diagnostic = diagnostic.with_help(message.to_owned());
                }
                diagnostics.push(diagnostic);
            }
            Outcome::Unfinished => diagnostics.push(
                at_test(
                    "test-hangs",
                    format!(
                        "`{}` had not finished when the time limit ({} s) ran out",
                        result.name,
                        limit.as_secs()
                    ),
                )
                .with_help(
                    "a loop or a wait that never ends: on a lock, a channel or a thread nobody \
                     releases? (`--time-limit SECS` gives a slow test longer)"
                        .to_owned(),
                ),
            ),
            Outcome::Passed | Outcome::Ignored => {}
        }
    }
    if let Some(limit) = run.timed_out {
        eprintln!(
            "the tests were stopped after {} s (the time limit)",
            limit.as_secs()
        );
    }
    print!("{stdout}");
    report::print(&diagnostics, &sources, Format::Human)?;
    let total = run
        .results
        .iter()
        .filter(|r| r.outcome != Outcome::Ignored)
        .count();
    if diagnostics.is_empty() && total > 0 {
        eprintln!("all {total} tests of {id} pass: the exercise is done");
        if let Some(file) = mark_done {
            mark(file, id)?;
            eprintln!("marked {id} done in {}", file.display());
        }
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} of {total} tests of {id} pass; write the `todo!()` bodies until all do",
            total - diagnostics.len()
        );
        Ok(ExitCode::from(1))
    }
}

/// The 1-based line of `result`'s test in `text`: its `fn`, or the line a
/// doctest's name gives.
fn test_line(text: &str, result: &practice_run::TestResult) -> Option<usize> {
    if let Some((_, rest)) = result.name.split_once("(line ") {
        return rest.trim_end_matches(')').parse().ok();
    }
    crate::practice_solution::tests_in(text)
        .into_iter()
        .find(|test| test.name == result.function())
        .map(|test| test.line)
}

/// Adds `id` to the JSON list of done exercise IDs in `file`.
fn mark(file: &Path, id: &str) -> Result<()> {
    let mut done: Vec<String> = if file.exists() {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a JSON list of done exercise IDs (`[\"w01-…\"]`)",
                file.display()
            )
        })?
    } else {
        Vec::new()
    };
    done.push(id.to_owned());
    done.sort();
    done.dedup();
    let text = serde_json::to_string_pretty(&done)? + "\n";
    crate::assets::write_new(file, text.as_bytes())
}
