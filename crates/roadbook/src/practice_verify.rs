//! `roadbook practice --verify`, the CI check of every kit: it compiles as
//! cut, each test of its modules fails while the bodies are `todo!()` (a
//! test that passes then cannot fail, and is an error naming it), and every
//! test passes once the reference bodies are put back.
//!
//! The kits build one after the other into one target folder,
//! `target/roadbook-practice/`, so their shared dependencies compile once.
//! Only the modules' own tests run (`cargo test --lib`): the doc examples
//! are the reference crate's, and its own `cargo test` runs them.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use roadmap::Diagnostic;

use crate::cli::Format;
use crate::practice::{self, Kit, Offer};
use crate::practice_run::{self, Outcome, Run, Scope, TestResult};
use crate::project::Project;
use crate::report::{self, Sources};

/// Where the kits build, under the book root.
const TARGET_DIR: &str = "target/roadbook-practice";

/// Verifies every kit of `project` (or only the kit of `only`), printing
/// one line per kit and the problems found as diagnostics.
pub(crate) fn run(
    project: &Project,
    quiet: bool,
    only: Option<&str>,
    limit: Duration,
) -> Result<ExitCode> {
    let target = project.config.root.join(TARGET_DIR);
    let scratch = tempfile::tempdir().context("cannot create a folder for the kits")?;
    let mut sources = Sources::default();
    let mut diagnostics = Vec::new();
    let mut unsound = 0;
    let offers = match only {
        Some(id) => vec![practice::offer(project, id)?],
        None => practice::offers(project)?,
    };
    for offer in &offers {
        let kit = practice::kit(project, offer)?;
        let dir = scratch.path().join(&offer.id);
        practice::write(&kit, &dir)?;
        let reference = reference_files(project, offer, &kit)?;
        for (name, text, _) in reference.values() {
            sources.add(name, text.clone());
        }
        let page = project
            .config
            .exercises_dir()
            .join(format!("{}.md", offer.id));
        let page_name = crate::project::relative(&project.config.root, &page);
        if let Ok(text) = std::fs::read_to_string(&page) {
            sources.add(&page_name, text);
        }
        let plain = |code, message: &str| plain(code, &page_name, offer, message);

        let cut = practice_run::run(&dir, Some(&target), Scope::Lib, limit)?;
        let found_before = diagnostics.len();
        let mut failing = 0;
        if cut.compiled {
            let tests = practice_tests(&cut, &kit);
            if tests.is_empty() {
                diagnostics.push(plain(
                    "kit-without-tests",
                    "the kit has no test of its modules: nothing says when the learner's code is right",
                ));
            }
            for result in tests {
                match result.outcome {
                    Outcome::Passed => diagnostics.push(at_test(
                        "test-cannot-fail",
                        &reference,
                        result,
                        format!(
                            "`{}` passes with `todo!()` in place of the solution: it cannot tell the learner anything",
                            result.name
                        ),
                        "mark the code this test checks as solution, or test it elsewhere",
                    )),
                    Outcome::Failed { .. } => failing += 1,
                    Outcome::Unfinished => diagnostics.push(hangs(
                        &reference,
                        result,
                        limit,
                        "with `todo!()` in place of the solution",
                    )),
                    Outcome::Ignored => {}
                }
            }
        } else {
            diagnostics.push(
                plain(
                    "kit-does-not-compile",
                    "the kit does not compile with `todo!()` bodies",
                )
                .with_help(tail(&cut.stderr)),
            );
        }

        // The reference bodies back: every test must pass.
        for (file, (_, _, in_kit)) in &reference {
            std::fs::write(dir.join(file), in_kit)
                .with_context(|| format!("cannot restore {file} in {}", dir.display()))?;
        }
        let restored = practice_run::run(&dir, Some(&target), Scope::Lib, limit)?;
        if restored.compiled {
            for result in practice_tests(&restored, &kit) {
                match result.outcome {
                    Outcome::Failed { .. } => diagnostics.push(at_test(
                        "kit-test-fails",
                        &reference,
                        result,
                        format!("`{}` fails with the reference bodies restored", result.name),
                        "the kit must carry everything the module's tests need",
                    )),
                    Outcome::Unfinished => diagnostics.push(hangs(
                        &reference,
                        result,
                        limit,
                        "with the reference bodies restored",
                    )),
                    Outcome::Passed | Outcome::Ignored => {}
                }
            }
        } else {
            diagnostics.push(
                plain(
                    "kit-does-not-compile",
                    "the kit does not compile with the reference bodies restored",
                )
                .with_help(tail(&restored.stderr)),
            );
        }
        if !quiet {
            let verdict = if diagnostics.len() == found_before {
                "ok"
            } else {
                "PROBLEMS"
            };
            eprintln!(
                "{verdict:<9}{}: {failing} tests fail with todo!(), {} pass with the reference",
                offer.id,
                practice_tests(&restored, &kit)
                    .iter()
                    .filter(|r| r.outcome == Outcome::Passed)
                    .count()
            );
        }
        // Each kit's problems as soon as they are known.
        report::print(&diagnostics[found_before..], &sources, Format::Human)?;
        if diagnostics.len() > found_before {
            unsound += 1;
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if !quiet || errors > 0 {
        eprintln!(
            "verified {} practice kits: {}",
            offers.len(),
            match unsound {
                0 => "all sound".to_owned(),
                n => format!("{n} with problems"),
            }
        );
    }
    Ok(if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The kit files of the practice modules → (the reference file's path
/// relative to the book root, its text, its text as the kit reads it).
fn reference_files(
    project: &Project,
    offer: &Offer,
    kit: &Kit,
) -> Result<BTreeMap<String, (String, String, String)>> {
    let src = project.config.root.join(&offer.reference.src);
    let mut files = BTreeMap::new();
    for module in &kit.practice {
        for file in practice::module_files(&src, module)? {
            let path = src.join(&file);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let name = crate::project::relative(&project.config.root, &path);
            // As in the kit: included files are read from the kit's copies.
            let in_kit = practice::carry_includes(&path, &src, &text, &mut BTreeMap::new())?;
            files.insert(format!("src/{file}"), (name, text, in_kit));
        }
    }
    Ok(files)
}

/// The results of tests that belong to the kit's practice modules.
fn practice_tests<'r>(run: &'r Run, kit: &Kit) -> Vec<&'r TestResult> {
    run.results
        .iter()
        .filter(|result| {
            let module = result.name.split("::").next().unwrap_or_default();
            kit.practice.iter().any(|m| m == module)
        })
        .collect()
}

fn at_test(
    code: &'static str,
    reference: &BTreeMap<String, (String, String, String)>,
    result: &TestResult,
    message: String,
    help: &str,
) -> Diagnostic {
    let located = result.file(|f| reference.contains_key(f)).and_then(|file| {
        // A doctest's name gives its file, which may be no practice file.
        let (name, text, _) = reference.get(&file)?;
        crate::practice_solution::tests_in(text)
            .into_iter()
            .find(|test| test.name == result.function())
            .map(|test| (name.clone(), practice::line_span(text, test.line, 1)))
    });
    let (file, span) = located.unwrap_or_default();
    Diagnostic::error(code, &file, span, message).with_help(help.to_owned())
}

/// `test-hangs`: `result` had not reported when the run's time limit ran
/// out (`when`: with which bodies).
fn hangs(
    reference: &BTreeMap<String, (String, String, String)>,
    result: &TestResult,
    limit: Duration,
    when: &str,
) -> Diagnostic {
    at_test(
        "test-hangs",
        reference,
        result,
        format!(
            "`{}` had not finished after {} s (the time limit) {when}",
            result.name,
            limit.as_secs()
        ),
        "a test must fail fast on a cut body: bound its loops and waits (a deadline, \
         `recv_timeout`, `JoinHandle::is_finished`) so a `todo!()` panic ends it; \
         `--time-limit SECS` if it is only slow",
    )
}

/// A problem of the whole kit, reported at the first line of its exercise
/// page.
fn plain(code: &'static str, page: &str, offer: &Offer, message: &str) -> Diagnostic {
    Diagnostic::error(
        code,
        page,
        roadmap::Span {
            line: 1,
            column: 1,
            start: 0,
            end: 0,
        },
        format!("{}: {message}", offer.id),
    )
}

/// The last lines of cargo's output: the compiler's errors.
fn tail(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
