//! Running a practice kit's tests with cargo and reading libtest's report:
//! one result per test, with where and why a failing one panicked.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use wait_timeout::ChildExt;

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
    /// It had not reported when the run's time limit ran out: it hangs,
    /// or was waiting for a thread of libtest that did.
    Unfinished,
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
    /// The time limit, when the tests were still running at its end and
    /// were killed.
    pub(crate) timed_out: Option<Duration>,
}

/// Which tests a run takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// `cargo test`: unit tests, property tests and doctests.
    All,
    /// `cargo test --lib`: the modules' own tests.
    Lib,
}

/// How long one `cargo test` of a kit may run its tests when no
/// `--time-limit` is given. A kit's tests take a second or two once built
/// (the building is not timed); the rest is room for a slow machine.
pub(crate) const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(120);

/// Runs the tests of the kit in `dir` (every test, none stopping the
/// others), building into `target_dir` when given.
///
/// The build (`cargo test --no-run`) may take as long as it takes; the
/// test run after it gets `limit`. When that runs out, cargo and the test
/// binary it started are killed, and the tests that had not reported are
/// [`Outcome::Unfinished`].
pub(crate) fn run(
    dir: &Path,
    target_dir: Option<&PathBuf>,
    scope: Scope,
    limit: Duration,
) -> Result<Run> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let command = |extra: &[&str]| {
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
        command.args(extra);
        command
    };
    let cannot = || format!("cannot run {} test", cargo.to_string_lossy());

    let build = command(&["--no-run"]).output().with_context(cannot)?;
    if !build.status.success() {
        return Ok(Run {
            results: Vec::new(),
            compiled: false,
            stderr: String::from_utf8_lossy(&build.stderr).into_owned(),
            timed_out: None,
        });
    }
    let (stdout, stderr, finished) = output_within(command(&[]), limit).with_context(cannot)?;
    let stdout = String::from_utf8_lossy(&stdout);
    let mut results = parse(&stdout);
    if !finished {
        let (listed, _, _) =
            output_within(command(&["--", "--list"]), limit).with_context(cannot)?;
        let unfinished = unreported(&stdout, &results, &String::from_utf8_lossy(&listed));
        results.extend(unfinished.into_iter().map(|name| TestResult {
            name,
            outcome: Outcome::Unfinished,
        }));
    }
    Ok(Run {
        results,
        compiled: stdout.contains("test result:") || !finished,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        timed_out: (!finished).then_some(limit),
    })
}

/// Runs `command` with its output read, for at most `limit`: its stdout,
/// its stderr, and whether it finished (`false`: it was killed, with every
/// process it started, when the time ran out).
fn output_within(
    mut command: Command,
    limit: Duration,
) -> std::io::Result<(Vec<u8>, Vec<u8>, bool)> {
    #[cfg(unix)]
    {
        // Its own process group, so the test binary cargo starts can be
        // killed with it.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // In a group of its own, Ctrl-C in the terminal no longer reaches the
    // tests: roadbook passes it on, so that a test left spinning on a cut
    // body does not outlive it.
    let _interrupts = interrupt::Forward::to(&child);
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                // A read error ends the output there; what came is kept.
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let finished = match child.wait_timeout(limit)? {
        Some(_) => true,
        None => {
            kill_tree(&mut child);
            child.wait()?;
            false
        }
    };
    // The pipes close when the last process holding them is gone.
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok((stdout, stderr, finished))
}

/// Ctrl-C (and `kill`, and a closed terminal) while a kit's tests run in a
/// process group of their own: the group is killed before roadbook ends the
/// way the signal asks.
mod interrupt {
    use std::process::Child;

    /// The group's forwarding while it lives.
    pub(super) struct Forward;

    #[cfg(unix)]
    mod unix {
        use std::sync::Once;
        use std::sync::atomic::{AtomicI32, Ordering};

        use nix::sys::signal::{
            SaFlags, SigAction, SigHandler, SigSet, Signal, killpg, raise, sigaction,
        };
        use nix::unistd::Pid;

        /// The running tests' process group, 0 when none runs.
        pub(super) static GROUP: AtomicI32 = AtomicI32::new(0);

        const SIGNALS: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

        /// Only async-signal-safe calls: killpg, sigaction, raise.
        extern "C" fn forward(signal: nix::libc::c_int) {
            let group = GROUP.load(Ordering::SeqCst);
            if group > 0 {
                let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
            }
            if let Ok(signal) = Signal::try_from(signal) {
                let default = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
                // SAFETY: restoring the default disposition is always sound.
                let _ = unsafe { sigaction(signal, &default) };
                let _ = raise(signal);
            }
        }

        pub(super) fn install() {
            static INSTALLED: Once = Once::new();
            INSTALLED.call_once(|| {
                let action = SigAction::new(
                    SigHandler::Handler(forward),
                    SaFlags::SA_RESTART,
                    SigSet::empty(),
                );
                for signal in SIGNALS {
                    // SAFETY: `forward` makes only async-signal-safe calls
                    // and touches nothing but an atomic.
                    let _ = unsafe { sigaction(signal, &action) };
                }
            });
        }
    }

    impl Forward {
        /// Forwards the signals above to `child`'s group until dropped.
        pub(super) fn to(child: &Child) -> Forward {
            #[cfg(unix)]
            {
                unix::install();
                let group = i32::try_from(child.id()).unwrap_or(0);
                unix::GROUP.store(group, std::sync::atomic::Ordering::SeqCst);
            }
            #[cfg(not(unix))]
            let _ = child;
            Forward
        }
    }

    impl Drop for Forward {
        fn drop(&mut self) {
            #[cfg(unix)]
            unix::GROUP.store(0, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// Kills `child` and, on unix, every process of its group (the test
/// binary cargo runs); elsewhere only `child` itself.
fn kill_tree(child: &mut Child) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(pid) = i32::try_from(child.id()) {
            // The group is gone already if everything in it has ended.
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
    // Already dead on unix; the one kill there is elsewhere.
    let _ = child.kill();
}

/// The tests of a run cut short that had not reported (of `results`, read
/// from its `stdout`): those of the binary that was running, as `listing`
/// (`cargo test -- --list`, the binaries in the order cargo runs them)
/// names them. The binaries after it had not started.
fn unreported(stdout: &str, results: &[TestResult], listing: &str) -> Vec<String> {
    let done = stdout
        .lines()
        .filter(|line| line.starts_with("test result:"))
        .count();
    listed_tests(listing)
        .into_iter()
        .nth(done)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| !results.iter().any(|r| &r.name == name))
        .collect()
}

/// The test names of `cargo test -- --list`, one list per test binary in
/// the order they ran (each list ends with libtest's `N tests, M
/// benchmarks` line).
fn listed_tests(stdout: &str) -> Vec<Vec<String>> {
    let mut binaries = Vec::new();
    let mut current = Vec::new();
    for line in stdout.lines() {
        if let Some(name) = line.strip_suffix(": test") {
            current.push(name.to_owned());
        } else if line.ends_with(" benchmarks") || line.ends_with(" benchmark") {
            binaries.push(std::mem::take(&mut current));
        }
    }
    binaries
}

/// The results in libtest's human output.
pub(crate) fn parse(stdout: &str) -> Vec<TestResult> {
    let mut results: Vec<TestResult> = stdout
        .lines()
        .filter_map(|line| {
            let (name, status) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
            // `#[should_panic]` tests are printed `NAME - should panic`.
            let name = name.strip_suffix(" - should panic").unwrap_or(name);
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
running 4 tests
test retry::tests::gives_up_after_max_attempts ... FAILED
test retry::tests::jitter_spreads_clients_apart ... ok
test retry::tests::slow ... ignored, takes a minute
test retry::tests::refuses_zero - should panic ... ok

failures:

---- retry::tests::gives_up_after_max_attempts stdout ----

thread 'retry::tests::gives_up_after_max_attempts' panicked at src/retry.rs:140:9:
not yet implemented
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    retry::tests::gives_up_after_max_attempts

test result: FAILED. 2 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s

running 1 test
test src/retry.rs - retry (line 28) ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.20s
";

    #[test]
    fn reads_each_result_and_where_a_failure_panicked() {
        let results = parse(LIBTEST);
        assert_eq!(results.len(), 5);
        assert_eq!(
            results[0].outcome,
            Outcome::Failed {
                message: Some("not yet implemented".into()),
                at: Some(("src/retry.rs".into(), 140, 9)),
            }
        );
        assert_eq!(results[1].outcome, Outcome::Passed);
        assert_eq!(results[2].outcome, Outcome::Ignored);
        assert_eq!(
            results[3].name, "retry::tests::refuses_zero",
            "not a doctest"
        );
        assert_eq!(results[4].name, "src/retry.rs - retry (line 28)");
        assert_eq!(results[4].outcome, Outcome::Passed);
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

    #[test]
    fn the_unfinished_tests_are_those_of_the_binary_that_was_running() {
        let stdout = "\
running 1 test
test a::tests::one ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

running 3 tests
test retry::tests::quick ... ok
";
        let listing = "\
a::tests::one: test

1 test, 0 benchmarks
retry::tests::quick: test
retry::tests::spins: test
retry::tests::waits: test

3 tests, 0 benchmarks
src/retry.rs - retry (line 28): test

1 test, 0 benchmarks
";
        assert_eq!(
            unreported(stdout, &parse(stdout), listing),
            ["retry::tests::spins", "retry::tests::waits"],
            "the doctest had not started"
        );
    }

    /// A kit-like crate whose test never ends: the run stops at the limit,
    /// kills the test binary with cargo, and names the test.
    #[test]
    fn a_hanging_test_is_killed_at_the_time_limit_and_named() {
        let kit = tempfile::tempdir().unwrap();
        std::fs::create_dir(kit.path().join("src")).unwrap();
        std::fs::write(
            kit.path().join("Cargo.toml"),
            "[package]\nname = \"spins\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        )
        .unwrap();
        std::fs::write(
            kit.path().join("src/lib.rs"),
            r#"
#[cfg(test)]
mod tests {
    #[test]
    fn quick() {}

    #[test]
    fn spins() {
        let pid = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pid");
        std::fs::write(pid, std::process::id().to_string()).unwrap();
        loop {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}
"#,
        )
        .unwrap();
        let target = kit.path().join("target");
        let limit = Duration::from_secs(2);
        let (sent, received) = std::sync::mpsc::channel();
        let dir = kit.path().to_owned();
        std::thread::spawn(move || {
            let _ = sent.send(run(&dir, Some(&target), Scope::Lib, limit));
        });
        // The build is not timed; the wait for the run is bounded anyway.
        let run = received
            .recv_timeout(Duration::from_secs(300))
            .expect("the run stops at its time limit")
            .unwrap();
        assert_eq!(run.timed_out, Some(limit));
        assert!(run.compiled);
        let outcome = |name: &str| {
            run.results
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.outcome.clone())
        };
        assert_eq!(outcome("tests::quick"), Some(Outcome::Passed));
        assert_eq!(outcome("tests::spins"), Some(Outcome::Unfinished));

        // The test binary (cargo's child) is gone too: dead or a zombie.
        #[cfg(target_os = "linux")]
        {
            let pid = std::fs::read_to_string(kit.path().join("pid")).unwrap();
            let stat = format!("/proc/{pid}/stat");
            let alive = || {
                std::fs::read_to_string(&stat).is_ok_and(|s| {
                    s.rsplit_once(") ")
                        .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
                })
            };
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while alive() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            assert!(!alive(), "the test binary {pid} still runs");
        }
    }
}
