//! Running a practice kit's tests with cargo and reading libtest's report:
//! one result per test, with where and why a failing one panicked.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It passed.
    Passed,
    /// It failed; the panic's message and place when libtest printed them.
    Failed {
        /// The panic message (its first lines).
        message: Option<String>,
        /// `(file, line, column)` of the panic, as printed.
        at: Option<(String, usize, usize)>,
    },
    /// It was not run (`#[ignore]`).
    Ignored,
}

/// One test and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TestResult {
    /// The name libtest prints (`retry::tests::gives_up`, or
    /// `src/retry.rs - retry (line 28)` for a doctest).
    pub(crate) name: String,
    /// How it ended.
    pub(crate) outcome: Outcome,
}

impl TestResult {
    /// The kit file and line a test's name points at: the module path of a
    /// unit test (`api::cursor::tests::x` is in `src/api/cursor.rs` or
    /// `src/api.rs`, whichever `exists`), the file of a doctest.
    pub(crate) fn file(&self, exists: impl Fn(&str) -> bool) -> Option<String> {
        if let Some((file, _)) = self.name.split_once(" - ") {
            return Some(file.to_owned());
        }
        let segments: Vec<&str> = self.name.split("::").collect();
        (1..segments.len())
            .rev()
            .map(|n| format!("src/{}.rs", segments[..n].join("/")))
            .find(|file| exists(file))
    }

    /// The function name of a unit test (the last segment).
    pub(crate) fn function(&self) -> &str {
        self.name.rsplit("::").next().unwrap_or(&self.name)
    }
}

/// What a `cargo test` of a kit reported.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    /// Every test, in the order libtest reported them.
    pub(crate) results: Vec<TestResult>,
    /// Whether cargo got as far as running tests.
    pub(crate) compiled: bool,
    /// cargo's own output (the compiler's errors when it did not compile).
    pub(crate) stderr: String,
}

/// Which tests a run takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// `cargo test`: unit tests, property tests and doctests.
    All,
    /// `cargo test --lib`: the modules' own tests.
    Lib,
}

/// Runs the tests of the kit in `dir` (every test, none stopping the
/// others), building into `target_dir` when given.
pub(crate) fn run(dir: &Path, target_dir: Option<&PathBuf>, scope: Scope) -> Result<Run> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .arg("test")
        .arg("--no-fail-fast")
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .arg("--color")
        .arg("never")
        // A failure's report is its message, not a backtrace.
        .env("RUST_BACKTRACE", "0");
    if scope == Scope::Lib {
        command.arg("--lib");
    }
    if let Some(target) = target_dir {
        command.arg("--target-dir").arg(target);
    }
    let output = command
        .output()
        .with_context(|| format!("cannot run {} test", cargo.to_string_lossy()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    Ok(Run {
        results: parse(&stdout),
        compiled: stdout.contains("test result:"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// The results in libtest's human output.
pub(crate) fn parse(stdout: &str) -> Vec<TestResult> {
    let mut results: Vec<TestResult> = stdout
        .lines()
        .filter_map(|line| {
            let (name, status) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
            let outcome = match status.trim() {
                "ok" => Outcome::Passed,
                "FAILED" => Outcome::Failed {
                    message: None,
                    at: None,
                },
                s if s.starts_with("ignored") => Outcome::Ignored,
                _ => return None,
            };
            Some(TestResult {
                name: name.to_owned(),
                outcome,
            })
        })
        .collect();
    for (name, section) in failure_sections(stdout) {
        if let Some(result) = results.iter_mut().find(|r| r.name == name)
            && let Outcome::Failed { message, at } = &mut result.outcome
        {
            (*message, *at) = panic_of(&section);
        }
    }
    results
}

/// The `---- NAME stdout ----` sections of libtest's failure report.
fn failure_sections(stdout: &str) -> Vec<(String, String)> {
    let mut sections = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        {
            sections.extend(current.take());
            current = Some((name.to_owned(), String::new()));
        } else if line == "failures:" || line.starts_with("test result:") {
            sections.extend(current.take());
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    sections.extend(current);
    sections
}

/// `thread '…' panicked at FILE:LINE:COLUMN:` and the message after it.
fn panic_of(section: &str) -> (Option<String>, Option<(String, usize, usize)>) {
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some((_, place)) = line.split_once("panicked at ") else {
            continue;
        };
        let place = place.trim_end_matches(':');
        let mut parts = place.rsplitn(3, ':');
        let column = parts.next().and_then(|c| c.parse().ok());
        let line_number = parts.next().and_then(|l| l.parse().ok());
        let file = parts.next();
        let at = match (file, line_number, column) {
            (Some(file), Some(line), Some(column)) => Some((file.to_owned(), line, column)),
            _ => None,
        };
        let message: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.is_empty() && !l.starts_with("note: ") && *l != "stack backtrace:")
            .take(6)
            .collect();
        return ((!message.is_empty()).then(|| message.join("\n")), at);
    }
    (None, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIBTEST: &str = "\
running 3 tests
test retry::tests::gives_up_after_max_attempts ... FAILED
test retry::tests::jitter_spreads_clients_apart ... ok
test retry::tests::slow ... ignored, takes a minute

failures:

---- retry::tests::gives_up_after_max_attempts stdout ----

thread 'retry::tests::gives_up_after_max_attempts' panicked at src/retry.rs:140:9:
not yet implemented
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    retry::tests::gives_up_after_max_attempts

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s

running 1 test
test src/retry.rs - retry (line 28) ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.20s
";

    #[test]
    fn reads_each_result_and_where_a_failure_panicked() {
        let results = parse(LIBTEST);
        assert_eq!(results.len(), 4);
        assert_eq!(
            results[0].outcome,
            Outcome::Failed {
                message: Some("not yet implemented".into()),
                at: Some(("src/retry.rs".into(), 140, 9)),
            }
        );
        assert_eq!(results[1].outcome, Outcome::Passed);
        assert_eq!(results[2].outcome, Outcome::Ignored);
        assert_eq!(results[3].name, "src/retry.rs - retry (line 28)");
        assert_eq!(results[3].outcome, Outcome::Passed);
    }

    #[test]
    fn a_test_name_leads_to_its_file() {
        let result = |name: &str| TestResult {
            name: name.into(),
            outcome: Outcome::Passed,
        };
        let files = ["src/retry.rs", "src/api.rs", "src/api/cursor.rs"];
        let exists = |f: &str| files.contains(&f);
        assert_eq!(
            result("retry::tests::x").file(exists).as_deref(),
            Some("src/retry.rs")
        );
        assert_eq!(
            result("api::cursor::tests::x").file(exists).as_deref(),
            Some("src/api/cursor.rs")
        );
        assert_eq!(
            result("api::tests::x").file(exists).as_deref(),
            Some("src/api.rs")
        );
        assert_eq!(
            result("src/api.rs - api (line 3)").file(exists).as_deref(),
            Some("src/api.rs")
        );
        assert_eq!(result("other::tests::x").file(exists), None);
        assert_eq!(result("retry::tests::x").function(), "x");
    }
}
