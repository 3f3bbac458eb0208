//! `roadbook practice` on the shipped book: kits cut from the reference code,
//! the zips of the built book, and broken solution markers.

mod common;

use std::io::Read;
use std::path::Path;

use common::{roadbook, shipped_book};

const W01: &str = "w01-design-failure-recovery-payment-service";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

#[test]
fn a_kit_is_the_reference_code_with_the_solution_cut_out() {
    let book = shipped_book();
    let root = book.path();

    let list = roadbook(root, &["practice", "--list"]);
    assert!(list.status.success(), "{}", text(&list.stderr));
    let list = text(&list.stdout);
    assert!(
        list.lines()
            .any(|l| l == format!("{W01}  (circuit_breaker, health, idempotency, retry)")),
        "{list}"
    );

    let made = roadbook(root, &["practice", W01, "kit"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let kit = root.join("kit");
    let reference = read(&root.join("crates/patterns/src/retry.rs"));
    let cut = read(&kit.join("src/retry.rs"));
    // The body of `next_delay` is gone, its signature and the tests stay.
    assert!(reference.contains("2u32.saturating_pow(self.attempt)"));
    assert!(!cut.contains("2u32.saturating_pow(self.attempt)"));
    assert!(cut.contains(
        "pub fn next_delay(&mut self, rng: &mut SeededRng) -> Duration {\n        todo!()\n    }"
    ));
    assert!(cut.contains("fn without_jitter_delays_double_up_to_the_cap()"));
    assert!(!cut.contains("ANCHOR"));
    // Support code comes whole, without its tests.
    let clock = read(&kit.join("src/clock.rs"));
    assert!(clock.contains("pub struct ManualClock"));
    assert!(!clock.contains("#[cfg(test)]"));
    let lib = read(&kit.join("src/lib.rs"));
    for module in [
        "circuit_breaker",
        "clock",
        "health",
        "idempotency",
        "retry",
        "rng",
    ] {
        assert!(lib.contains(&format!("pub mod {module};\n")), "{lib}");
    }
    assert!(!lib.contains("pub mod capacity;"));
    let manifest = read(&kit.join("Cargo.toml"));
    assert!(
        manifest.contains("name = \"coffee_patterns\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("proptest = { version = \"1\" }"),
        "{manifest}"
    );
    assert!(!manifest.contains("sha2"), "{manifest}");
    assert!(manifest.contains(&format!("exercise = \"{W01}\"")));
    let lock = read(&kit.join("Cargo.lock"));
    assert!(lock.contains("name = \"proptest\""));
    assert!(!lock.contains("name = \"tantivy\""));
    let readme = read(&kit.join("README.md"));
    assert!(readme.contains("### The problem"), "{readme}");
    assert!(readme.contains("- `Backoff::next_delay` in `src/retry.rs`, line "));
    assert!(readme.contains("- `without_jitter_delays_double_up_to_the_cap` (line "));
    assert!(!readme.contains("{{#include"));

    // Never over an existing folder.
    let again = roadbook(root, &["practice", W01, "kit"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        text(&again.stderr).contains("exists"),
        "{}",
        text(&again.stderr)
    );
    let unknown = roadbook(root, &["practice", "w01-design-failure-recovery"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains(&format!("did you mean `{W01}`?")),
        "{}",
        text(&unknown.stderr)
    );
}

fn zips(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zips: Vec<_> = std::fs::read_dir(dir.join("practice"))
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&path).unwrap(),
            )
        })
        .collect();
    zips.sort();
    zips
}

#[test]
fn the_book_offers_each_kit_as_a_zip_with_the_same_bytes_every_build() {
    let book = shipped_book();
    let root = book.path();
    for dest in ["one", "two"] {
        let built = roadbook(root, &["build", "-q", "--no-api-docs", "-d", dest]);
        assert!(built.status.success(), "{}", text(&built.stderr));
    }
    let one = zips(&root.join("one"));
    assert_eq!(one, zips(&root.join("two")));
    // Every exercise page has a kit.
    let pages = std::fs::read_dir(root.join("src/exercises"))
        .unwrap()
        .filter(|entry| {
            let path = entry.as_ref().unwrap().path();
            path.extension().is_some_and(|ext| ext == "md")
        })
        .count();
    assert!(pages >= 30, "{pages} exercise pages");
    assert_eq!(
        one.len(),
        pages,
        "{} kits for {pages} exercise pages",
        one.len()
    );

    let (_, bytes) = one
        .iter()
        .find(|(name, _)| *name == format!("{W01}.zip"))
        .expect("the week 1 kit");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let mut retry = String::new();
    archive
        .by_name(&format!("{W01}/src/retry.rs"))
        .unwrap()
        .read_to_string(&mut retry)
        .unwrap();
    let made = roadbook(root, &["practice", W01, "kit"]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert_eq!(retry, read(&root.join("kit/src/retry.rs")));

    let page = read(&root.join(format!("one/exercises/{W01}.html")));
    assert!(
        page.contains(&format!("href=\"../practice/{W01}.zip\"")),
        "no download link"
    );
    assert!(page.contains(&format!("roadbook practice {W01}")));
}

#[test]
fn a_broken_solution_marker_is_reported_at_its_line() {
    let book = shipped_book();
    let root = book.path();
    let module = root.join("crates/patterns/src/retry.rs");
    let mut text_of_module = read(&module);
    text_of_module.push_str("// ANCHOR: solution\n");
    let line = text_of_module.lines().count();
    std::fs::write(&module, text_of_module).unwrap();
    let checked = roadbook(root, &["check"]);
    assert_eq!(checked.status.code(), Some(1));
    let stderr = text(&checked.stderr);
    assert!(stderr.contains("error[solution-marker]"), "{stderr}");
    assert!(
        stderr.contains(&format!("crates/patterns/src/retry.rs:{line}:1")),
        "{stderr}"
    );
    assert!(stderr.contains("never closed"), "{stderr}");
}

/// Ctrl-C during `practice --check` ends the kit's tests too: they run in a
/// process group of their own (for the time limit), which the terminal's
/// interrupt no longer reaches, so roadbook passes it on.
#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_check_leaves_no_test_running() {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    use std::time::{Duration, Instant};

    let kit = tempfile::tempdir().unwrap();
    std::fs::create_dir(kit.path().join("src")).unwrap();
    std::fs::write(
        kit.path().join("Cargo.toml"),
        "[package]\nname = \"spins\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [package.metadata.roadbook]\nexercise = \"w01-spins\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        kit.path().join("src/lib.rs"),
        r#"
#[cfg(test)]
mod tests {
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
    let mut check = std::process::Command::new(env!("CARGO_BIN_EXE_roadbook"))
        .args(["practice", "--check"])
        .arg(kit.path())
        .args(["--time-limit", "600"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid_file = kit.path().join("pid");
    let deadline = Instant::now() + Duration::from_secs(300);
    while !pid_file.exists() {
        assert!(Instant::now() < deadline, "the kit's test never started");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let test_pid = std::fs::read_to_string(&pid_file).unwrap();
    kill(Pid::from_raw(check.id() as i32), Signal::SIGINT).unwrap();
    let status = check.wait().unwrap();
    assert!(!status.success(), "roadbook ends as interrupted");
    let stat = format!("/proc/{test_pid}/stat");
    let alive = || {
        std::fs::read_to_string(&stat).is_ok_and(|s| {
            s.rsplit_once(") ")
                .is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X'))
        })
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !alive(),
        "the kit's test {test_pid} still runs after Ctrl-C"
    );
}
