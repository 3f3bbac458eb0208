//! The API reference of the book's reference crates: `cargo doc` run as a
//! build stage, its output copied under the built book's `api/` (book.toml's
//! `api-docs`), and the links the exercise pages get to its module pages.
//!
//! rustdoc is by far the slowest step of a build, so its output is kept in
//! `target/roadbook-api/` (cargo's target folder for it) with a stamp: the
//! hash of every file of the crates (their folder, `Cargo.toml` included)
//! and of the workspace's `Cargo.lock`. A build whose inputs hash the same
//! reuses it without starting cargo. The output and its stamp sit together
//! in `target/roadbook-api/api/` and are replaced together
//! (`roadbook_staging`), so a build killed while cargo runs never leaves a
//! stamp beside output it does not describe.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::config::{Config, ReferenceCrate};

/// cargo's target folder for the rustdoc runs, relative to the book root.
const TARGET_DIR: &str = "target/roadbook-api";

/// The cached output in the target folder: `doc/` (rustdoc's output) and
/// the stamp.
const CACHE: &str = "api";

/// The file of the cache holding the hash of the inputs its output was made
/// from.
const STAMP: &str = "roadbook.stamp";

/// A built API reference, ready to be copied into a book.
#[derive(Debug, Clone)]
pub(crate) struct ApiDocs {
    /// rustdoc's output folder (holding one folder per crate).
    pub(crate) dir: PathBuf,
    /// Whether cargo ran (false: the cached output was up to date).
    pub(crate) ran: bool,
    /// What the exercise pages link to.
    pub(crate) links: ApiLinks,
}

/// How an exercise page links to the rustdoc of a module it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiLinks {
    /// The API folder as seen from an exercise page (`../api`).
    pub(crate) base: String,
    /// Per crate: its name in paths and its source folder (absolute), to
    /// find which crate a module belongs to.
    pub(crate) crates: Vec<(String, PathBuf)>,
}

impl ApiLinks {
    /// The "API reference" section of an exercise page using `modules`: a
    /// link to each module's rustdoc page. `None` when no module is a
    /// module of a reference crate.
    pub(crate) fn section(&self, modules: &[String]) -> Option<String> {
        let mut lines = String::new();
        for module in modules {
            let Some((krate, _)) = self.crates.iter().find(|(_, src)| {
                src.join(format!("{module}.rs")).is_file() || src.join(module).is_dir()
            }) else {
                continue;
            };
            lines.push_str(&format!(
                "- [`{krate}::{module}`]({}/{krate}/{module}/index.html)\n",
                self.base
            ));
        }
        (!lines.is_empty()).then(|| {
            format!("## API reference\n\nThe rustdoc of the modules this page uses:\n\n{lines}")
        })
    }
}

/// Builds (or reuses) the rustdoc of `config`'s reference crates. `None`
/// when the book names no reference crate.
pub(crate) fn build(config: &Config) -> Result<Option<ApiDocs>> {
    let crates = &config.roadbook.reference;
    if crates.is_empty() {
        return Ok(None);
    }
    let target = config.root.join(TARGET_DIR);
    let cache = target.join(CACHE);
    let stamp = format!("{:016x}\n", inputs_hash(config)?);
    let fresh = cache.join("doc").is_dir()
        && std::fs::read_to_string(cache.join(STAMP)).is_ok_and(|old| old == stamp);
    if !fresh {
        crate::leftovers::remove(&cache);
        // rustdoc writes into `target/doc`: output of crates no longer
        // configured must not linger there.
        let doc = target.join("doc");
        if doc.exists() {
            std::fs::remove_dir_all(&doc)
                .with_context(|| format!("cannot remove the old {}", doc.display()))?;
        }
        for krate in crates {
            run_cargo_doc(config, krate, &target)?;
        }
        write_index(&doc, &crates[0].crate_name())?;
        let staging = roadbook_staging::Staging::next_to(&cache)?;
        std::fs::rename(&doc, staging.path().join("doc"))
            .with_context(|| format!("cannot move {} into the cache", doc.display()))?;
        // cargo may have written Cargo.lock just now: hash what the next
        // build will see.
        let stamp = format!("{:016x}\n", inputs_hash(config)?);
        let stamp_file = staging.path().join(STAMP);
        std::fs::write(&stamp_file, &stamp)
            .with_context(|| format!("cannot write {}", stamp_file.display()))?;
        staging.replace(&cache)?;
    }
    let api = config
        .roadbook
        .api_docs
        .to_string_lossy()
        .replace('\\', "/");
    Ok(Some(ApiDocs {
        dir: cache.join("doc"),
        ran: !fresh,
        links: ApiLinks {
            base: format!("../{}", api.trim_end_matches('/')),
            crates: crates
                .iter()
                .map(|c| (c.crate_name(), config.root.join(&c.src)))
                .collect(),
        },
    }))
}

/// The folder of a crate: the parent of its source folder, holding its
/// `Cargo.toml`.
fn crate_dir(config: &Config, krate: &ReferenceCrate) -> PathBuf {
    let src = config.root.join(&krate.src);
    src.parent().map_or(src.clone(), Path::to_path_buf)
}

fn run_cargo_doc(config: &Config, krate: &ReferenceCrate, target: &Path) -> Result<()> {
    let manifest = crate_dir(config, krate).join("Cargo.toml");
    if !manifest.is_file() {
        bail!(
            "the reference crate `{}` has no {}: book.toml's `src` must be the crate's source folder",
            krate.package,
            manifest.display()
        );
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .current_dir(&config.root)
        .args(["doc", "--no-deps", "--quiet", "--package", &krate.package])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(target)
        .output()
        .with_context(|| {
            format!(
                "cannot run `{} doc` for the API reference (build with --no-api-docs to leave it out)",
                cargo.to_string_lossy()
            )
        })?;
    if !output.status.success() {
        bail!(
            "`cargo doc --package {}` failed (build with --no-api-docs to leave the API reference out):\n{}",
            krate.package,
            String::from_utf8_lossy(&output.stderr).trim_end()
        );
    }
    Ok(())
}

/// rustdoc makes no page at the root of its output: one that leads to the
/// first crate, so that `api/` itself is a page.
fn write_index(doc: &Path, krate: &str) -> Result<()> {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{krate}: API reference</title>\n\
         <meta http-equiv=\"refresh\" content=\"0; url={krate}/index.html\">\n</head>\n\
         <body><p><a href=\"{krate}/index.html\">The {krate} API reference</a></p></body>\n</html>\n"
    );
    let path = doc.join("index.html");
    std::fs::write(&path, html).with_context(|| format!("cannot write {}", path.display()))
}

/// The hash of everything the API reference is made from: each crate's
/// package name and every file of its folder (names and bytes, in a fixed
/// order; `target/` left out), and the `Cargo.lock` next to book.toml.
fn inputs_hash(config: &Config) -> Result<u64> {
    let mut hasher = DefaultHasher::new();
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    for krate in &config.roadbook.reference {
        krate.package.hash(&mut hasher);
        let dir = crate_dir(config, krate);
        let files = walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.file_name() != "target");
        for entry in files {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            if entry.file_type().is_file() {
                hash_file(&mut hasher, &dir, entry.path())?;
            }
        }
    }
    let lock = config.root.join("Cargo.lock");
    if lock.is_file() {
        hash_file(&mut hasher, &config.root, &lock)?;
    }
    Ok(hasher.finish())
}

fn hash_file(hasher: &mut DefaultHasher, base: &Path, path: &Path) -> Result<()> {
    crate::project::relative(base, path).hash(hasher);
    std::fs::read(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .hash(hasher);
    Ok(())
}

/// Puts the folder `from` into `to` (created), recursively: each file as a
/// hard link where the file system allows (the API reference is thousands
/// of files, copied on every build before: 3 s of a 4 s build of the
/// shipped book), a copy otherwise. The cache in `from` is only ever
/// replaced whole (a new folder renamed over it), never rewritten in place,
/// so a built book's links keep the files it was built with; nothing may
/// rewrite a file of `to` in place either.
pub(crate) fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.with_context(|| format!("cannot list {}", from.display()))?;
        let inside = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let target = to.join(inside);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)
                .with_context(|| format!("cannot create {}", target.display()))?;
        } else {
            if std::fs::hard_link(entry.path(), &target).is_err() {
                std::fs::copy(entry.path(), &target)
                    .with_context(|| format!("cannot copy {}", entry.path().display()))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_goes_in_as_links_and_keeps_its_files_when_the_cache_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        std::fs::create_dir_all(cache.join("api/retry")).unwrap();
        std::fs::write(cache.join("api/retry/index.html"), "first").unwrap();
        let book = dir.path().join("book/api");
        copy_dir(&cache.join("api"), &book).unwrap();
        let page = book.join("retry/index.html");
        assert_eq!(std::fs::read_to_string(&page).unwrap(), "first");
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ino = |p: &Path| std::fs::metadata(p).unwrap().ino();
            assert_eq!(
                ino(&page),
                ino(&cache.join("api/retry/index.html")),
                "a link, not a copy"
            );
        }
        // The cache is replaced whole, as `build` does it.
        let fresh = dir.path().join("fresh");
        std::fs::create_dir_all(fresh.join("api/retry")).unwrap();
        std::fs::write(fresh.join("api/retry/index.html"), "second").unwrap();
        std::fs::remove_dir_all(&cache).unwrap();
        std::fs::rename(&fresh, &cache).unwrap();
        assert_eq!(std::fs::read_to_string(&page).unwrap(), "first");
    }

    #[test]
    fn links_go_to_the_crate_that_has_the_module() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a/src");
        let b = dir.path().join("b/src");
        std::fs::create_dir_all(a.join("nested")).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(b.join("retry.rs"), "").unwrap();
        let links = ApiLinks {
            base: "../api".into(),
            crates: vec![("first".into(), a), ("second".into(), b)],
        };
        let section = links
            .section(&["nested".into(), "retry".into(), "absent".into()])
            .unwrap();
        assert!(section.contains("- [`first::nested`](../api/first/nested/index.html)\n"));
        assert!(section.contains("- [`second::retry`](../api/second/retry/index.html)\n"));
        assert!(!section.contains("absent"), "{section}");
        assert_eq!(links.section(&["absent".into()]), None);
    }

    #[test]
    fn the_stamp_changes_with_any_source_file() {
        let dir = tempfile::tempdir().unwrap();
        let toml = "[[preprocessor.roadbook.reference]]\npackage = \"p\"\nsrc = \"p/src\"\n";
        let config = Config::from_toml(dir.path(), toml).unwrap();
        std::fs::create_dir_all(dir.path().join("p/src")).unwrap();
        std::fs::write(dir.path().join("p/src/lib.rs"), "//! A").unwrap();
        let first = inputs_hash(&config).unwrap();
        assert_eq!(first, inputs_hash(&config).unwrap());
        std::fs::write(dir.path().join("p/src/lib.rs"), "//! B").unwrap();
        let second = inputs_hash(&config).unwrap();
        assert_ne!(first, second);
        // Build output under the crate is not an input.
        std::fs::create_dir_all(dir.path().join("p/target")).unwrap();
        std::fs::write(dir.path().join("p/target/x"), "x").unwrap();
        assert_eq!(second, inputs_hash(&config).unwrap());
    }
}
