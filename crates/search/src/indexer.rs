//! Building the index: every page of the built book and every item of the
//! reference code become records, written to a fresh folder that then
//! replaces the old index in one rename.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use tantivy::{Index, IndexWriter, TantivyDocument};

use crate::extract::{PageInfo, Record, Unit, extract_page};
use crate::rust_items::scan_file;
use crate::schema::{Fields, MANIFEST, Manifest, SCHEMA_VERSION};

/// Where the things to index are, all paths absolute or relative to the
/// working directory.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The book root (holding book.toml); source paths are shown relative
    /// to it.
    pub root: PathBuf,
    /// The built book (mdBook's HTML output).
    pub book_dir: PathBuf,
    /// The hand-written Markdown pages (`src/`).
    pub src_dir: PathBuf,
    /// The roadmap file, which generated pages come from.
    pub roadmap: PathBuf,
    /// Folders of reference Rust code (the `src` of each crate book.toml names).
    pub code_dirs: Vec<PathBuf>,
    /// Folders of the built book, relative to `book_dir`, that hold no
    /// chapters: the API reference rustdoc writes there, whose items the
    /// index already has from `code_dirs`, as code.
    pub not_pages: Vec<PathBuf>,
}

/// What a build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Search documents written.
    pub documents: usize,
    /// Book pages indexed.
    pub pages: usize,
    /// Reference-code items indexed.
    pub code_items: usize,
    /// Things skipped, each with its reason (e.g. a Rust file that does not
    /// parse).
    pub warnings: Vec<String>,
    /// How long it took.
    pub elapsed: Duration,
}

/// Pages of mdBook's output that are not chapters.
const NOT_CHAPTERS: &[&str] = &["print.html", "toc.html", "404.html"];

/// Builds the index of `sources` into `dest`, replacing what was there
/// only once the new index is complete. Files in `dest` that are not part
/// of an index (its README) are kept.
///
/// # Errors
///
/// When the book cannot be read or the index cannot be written; the old
/// index is then left as it was.
pub fn build_index(sources: &Sources, dest: &Path) -> Result<BuildReport> {
    IndexBuild::start(sources, dest).finish()
}

/// The records of a built book's pages, read once: `roadbook build` makes
/// the browser's index from them in the staging folder and hands them to
/// the tantivy index ([`IndexBuild::pages_feed`]), so the pages are not read
/// a second time.
#[derive(Debug, Clone, Default)]
pub struct PageRecords {
    /// The records, in the index's order.
    pub records: Vec<Record>,
    /// How many pages they come from.
    pub pages: usize,
}

impl PageRecords {
    /// Reads the pages of the book `sources` name.
    ///
    /// # Errors
    ///
    /// When the book cannot be read.
    pub fn read(sources: &Sources) -> Result<PageRecords> {
        let (records, pages) = book_records(sources)?;
        Ok(PageRecords { records, pages })
    }
}

/// An index build started before the book is built: the reference code,
/// which does not depend on the book, is read and indexed on another thread
/// while mdBook runs. The pages' records go to the same thread through
/// [`IndexBuild::pages_feed`] as soon as they are read (by the browser
/// index, from the staged book), so they are indexed while the rest of the
/// book is written; [`IndexBuild::finish`] then reads the pages itself if
/// none came, commits and puts the index in place. Dropped unfinished, it
/// leaves the old index as it was.
pub struct IndexBuild {
    start: Instant,
    sources: Sources,
    dest: PathBuf,
    code: Option<std::thread::JoinHandle<Result<Started>>>,
    code_records: CodeRecords,
    feed: PagesFeed,
}

/// Where the pages' records reach an [`IndexBuild`]'s thread, once.
#[derive(Debug, Clone, Default)]
pub struct PagesFeed(Arc<Mutex<Option<mpsc::Sender<PageRecords>>>>);

impl PagesFeed {
    /// Hands the book's page records to the index build, which adds them at
    /// once on its thread. Returns false when the build takes no more (it
    /// has some already, or is finishing): `finish` then reads the pages.
    pub fn send(&self, pages: PageRecords) -> bool {
        let sender = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        sender.is_some_and(|sender| sender.send(pages).is_ok())
    }

    /// No pages will come: the thread stops waiting for them.
    fn close(&self) {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
    }
}

/// The reference code's records as the index's thread read them, for the
/// browser's index to share: the code is parsed once for both.
#[derive(Debug, Clone, Default)]
pub struct CodeRecords(Arc<OnceLock<Arc<Vec<Record>>>>);

impl CodeRecords {
    /// Waits for the records (empty when reading them failed: that error
    /// is [`IndexBuild::finish`]'s to report).
    #[must_use]
    pub fn wait(&self) -> Arc<Vec<Record>> {
        Arc::clone(self.0.wait())
    }

    fn publish(&self, records: Arc<Vec<Record>>) {
        // Only the first value counts: the guard's empty one comes second.
        let _ = self.0.set(records);
    }
}

/// Publishes an empty list if the thread ends before the records are read,
/// so that nobody waits for a thread that is gone.
struct PublishOnDrop(CodeRecords);

impl Drop for PublishOnDrop {
    fn drop(&mut self) {
        self.0.publish(Arc::default());
    }
}

/// What the code thread leaves for `finish`.
struct Started {
    tmp: roadbook_staging::Staging,
    writer: IndexWriter,
    fields: Fields,
    code_items: usize,
    warnings: Vec<String>,
    /// The pages fed to the thread and added: (records, pages).
    fed: Option<(usize, usize)>,
}

/// Code records are ordered after every page: their `order` starts here.
const CODE_ORDER: u64 = 1 << 32;

impl IndexBuild {
    /// Starts indexing the reference code of `sources` into a temporary
    /// folder next to `dest`.
    #[must_use]
    pub fn start(sources: &Sources, dest: &Path) -> IndexBuild {
        let (for_code, dest_owned) = (sources.clone(), dest.to_path_buf());
        let code_records_out = CodeRecords::default();
        let published = PublishOnDrop(code_records_out.clone());
        let (sender, pages) = mpsc::channel::<PageRecords>();
        let feed = PagesFeed(Arc::new(Mutex::new(Some(sender))));
        let code = std::thread::spawn(move || {
            let sources = for_code;
            let (code, warnings) = code_records(&sources)?;
            let code = Arc::new(code);
            published.0.publish(Arc::clone(&code));
            drop(published);
            let tmp = roadbook_staging::Staging::next_to(&dest_owned)?;
            let (writer, fields) = create_index(tmp.path(), &dest_owned)?;
            for (order, record) in code.iter().enumerate() {
                writer.add_document(document(&fields, record, CODE_ORDER + order as u64)?)?;
            }
            // The pages, when the book's build hands them over (it closes
            // the feed otherwise, and `finish` reads them).
            let fed = match pages.recv() {
                Ok(read) => {
                    for (order, record) in read.records.iter().enumerate() {
                        writer.add_document(document(&fields, record, order as u64)?)?;
                    }
                    Some((read.records.len(), read.pages))
                }
                Err(mpsc::RecvError) => None,
            };
            Ok(Started {
                tmp,
                writer,
                fields,
                code_items: code.len(),
                warnings,
                fed,
            })
        });
        IndexBuild {
            start: Instant::now(),
            sources: sources.clone(),
            dest: dest.to_path_buf(),
            code: Some(code),
            code_records: code_records_out,
            feed,
        }
    }

    /// Where the book's build hands the pages' records over, once it has
    /// read them (see [`IndexBuild`]).
    #[must_use]
    pub fn pages_feed(&self) -> PagesFeed {
        self.feed.clone()
    }

    /// The reference code's records, once this build's thread has read
    /// them.
    #[must_use]
    pub fn code_records(&self) -> CodeRecords {
        self.code_records.clone()
    }

    /// Adds the pages of the built book (those fed to the thread, else read
    /// from the book), commits, and renames the new index over the old one.
    ///
    /// # Errors
    ///
    /// When the book cannot be read or the index cannot be written; the old
    /// index is then left as it was.
    pub fn finish(mut self) -> Result<BuildReport> {
        let started = self.join()?;
        let Started {
            tmp,
            mut writer,
            fields,
            code_items,
            warnings,
            fed,
        } = started;
        let written = (|| {
            let (records, pages) = match fed {
                Some(fed) => fed,
                None => {
                    let PageRecords { records, pages } = PageRecords::read(&self.sources)?;
                    for (order, record) in records.iter().enumerate() {
                        writer.add_document(document(&fields, record, order as u64)?)?;
                    }
                    (records.len(), pages)
                }
            };
            writer.commit().context("cannot commit the index")?;
            writer
                .wait_merging_threads()
                .context("cannot finish writing the index")?;
            let documents = records + code_items;
            Manifest {
                schema_version: SCHEMA_VERSION,
                generator: concat!(env!("CARGO_PKG_NAME"), " ", env!("CARGO_PKG_VERSION")).into(),
                documents,
                pages,
                code_items,
            }
            .write(tmp.path())?;
            Ok::<_, anyhow::Error>((documents, pages))
        })();
        let (documents, pages) = written?;
        tmp.replace(&self.dest)?;
        Ok(BuildReport {
            documents,
            pages,
            code_items,
            warnings,
            elapsed: self.start.elapsed(),
        })
    }

    fn join(&mut self) -> Result<Started> {
        // Pages that have not come by now will not: the thread must not wait.
        self.feed.close();
        self.code
            .take()
            .expect("joined once")
            .join()
            .map_err(|_| anyhow::anyhow!("the reference-code indexer panicked"))?
    }
}

impl Drop for IndexBuild {
    fn drop(&mut self) {
        if self.code.is_some()
            && let Ok(started) = self.join()
        {
            // The writer goes before its folder is removed.
            drop(started.writer);
            drop(started.tmp);
        }
    }
}

/// A fresh tantivy index in `dir` and its writer, with the files of
/// `previous` that are not index files (its README) copied over.
fn create_index(dir: &Path, previous: &Path) -> Result<(IndexWriter, Fields)> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    if let Ok(entries) = std::fs::read_dir(previous) {
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let keep = file_name
                .to_str()
                .is_some_and(|n| n.eq_ignore_ascii_case("README.md") || n == ".gitignore");
            if keep && entry.path().is_file() {
                std::fs::copy(entry.path(), dir.join(&file_name)).with_context(|| {
                    format!("cannot copy {} into the new index", entry.path().display())
                })?;
            }
        }
    }
    let (schema, fields) = Fields::schema();
    let index = Index::create_in_dir(dir, schema)
        .with_context(|| format!("cannot create an index in {}", dir.display()))?;
    let writer: IndexWriter = index
        .writer_with_num_threads(1, 50_000_000)
        .context("cannot start the index writer")?;
    Ok((writer, fields))
}

fn document(f: &Fields, r: &Record, order: u64) -> Result<TantivyDocument> {
    let mut doc = TantivyDocument::default();
    if r.page_top {
        doc.add_text(f.title, &r.title);
    }
    doc.add_text(f.heading, &r.heading);
    doc.add_text(f.body, &r.body);
    for code in &r.code {
        doc.add_text(f.code, code);
    }
    doc.add_text(f.words, &r.title);
    doc.add_text(f.words, &r.heading);
    doc.add_text(f.words, &r.body);
    for code in &r.code {
        doc.add_text(f.words, code);
    }
    doc.add_text(f.kind, &r.kind);
    doc.add_text(f.unit, r.unit.as_str());
    doc.add_text(f.id, &r.id);
    for scope in &r.scopes {
        doc.add_text(f.scope, scope);
    }
    doc.add_text(f.page, &r.page);
    doc.add_text(f.page_title, &r.title);
    for heading in &r.heading_path {
        doc.add_text(f.heading_path, heading);
    }
    doc.add_text(f.url, &r.url);
    doc.add_text(f.source, &r.source);
    if let Some(line) = r.line {
        doc.add_u64(f.line, line);
    }
    for week in &r.weeks {
        doc.add_u64(f.week, *week);
    }
    doc.add_u64(f.order, order);
    doc.add_u64(f.weight, weight(r));
    doc.add_text(f.blocks, serde_json::to_string(&r.blocks)?);
    Ok(doc)
}

/// The ranking weight of a record, in percent: what a learner opens first
/// (exercise pages) ranks over the roadmap's items, and reference code
/// (many small items sharing their module's words) below both.
pub(crate) fn weight(r: &Record) -> u64 {
    match (r.unit, r.kind.as_str()) {
        (Unit::Section, "exercise") => 120,
        (Unit::Section, _) => 100,
        (Unit::Item, _) => 90,
        (Unit::Code, _) => 40,
    }
}

/// Reads every page of the built book and every reference-code file into
/// records, in a fixed order (pages by path, then code files by path).
/// Returns the records, the number of pages, and warnings.
///
/// # Errors
///
/// When the book folder cannot be read.
pub fn collect_records(sources: &Sources) -> Result<(Vec<Record>, usize, Vec<String>)> {
    let (mut records, pages) = book_records(sources)?;
    let (code, warnings) = code_records(sources)?;
    records.extend(code);
    Ok((records, pages, warnings))
}

/// The records of every page of the built book, in a fixed order, with the
/// number of pages they come from.
fn book_records(sources: &Sources) -> Result<(Vec<Record>, usize)> {
    if !sources.book_dir.is_dir() {
        anyhow::bail!(
            "no built book at {}: build the book before its index",
            sources.book_dir.display()
        );
    }
    let roadmap = relative(&sources.root, &sources.roadmap);
    let mut html_files = Vec::new();
    for entry in walkdir::WalkDir::new(&sources.book_dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", sources.book_dir.display()))?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let rel = relative(&sources.book_dir, path);
        if NOT_CHAPTERS.contains(&rel.as_str())
            || sources
                .not_pages
                .iter()
                .any(|dir| path.starts_with(sources.book_dir.join(dir)))
        {
            continue;
        }
        html_files.push((rel, path.to_path_buf()));
    }
    // mdBook writes index.html as a copy of the first chapter unless a
    // chapter is index.md/README.md: index it last, and only when it is not
    // a copy.
    html_files.sort_by_key(|(rel, _)| (rel == "index.html", rel.clone()));

    // The pages are read in two halves in parallel, then put back in order.
    let (first, second) = html_files.split_at(html_files.len() / 2);
    let page_records = std::thread::scope(|scope| {
        let second = scope.spawn(|| page_records(second, sources, &roadmap));
        let mut pages = page_records(first, sources, &roadmap)?;
        pages.extend(second.join().expect("page reader panicked")?);
        Ok::<_, anyhow::Error>(pages)
    })?;

    let mut records = Vec::new();
    let mut seen = HashSet::new();
    let mut pages = 0;
    for page in page_records {
        let fingerprint: String = page
            .iter()
            .map(|r| {
                format!(
                    "{}\u{1}{}\u{1}{}\u{2}",
                    r.heading,
                    r.body,
                    r.code.join("\u{3}")
                )
            })
            .collect();
        if !seen.insert(fingerprint) {
            continue;
        }
        pages += 1;
        records.extend(page);
    }
    Ok((records, pages))
}

/// The records of each of `html_files` (relative path, file), in order;
/// pages with nothing to index give no entry.
fn page_records(
    html_files: &[(String, PathBuf)],
    sources: &Sources,
    roadmap: &str,
) -> Result<Vec<Vec<Record>>> {
    let mut all = Vec::new();
    for (rel, path) in html_files {
        let html = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let md_path = markdown_source(&sources.src_dir, rel);
        let markdown = md_path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok());
        let stem = rel.trim_end_matches(".html");
        // An exercise page is a hand-written src/exercises/<ID>.md.
        let exercise = rel
            .strip_prefix("exercises/")
            .map(|r| r.trim_end_matches(".html"))
            .filter(|_| md_path.is_some());
        let info = PageInfo {
            path: rel,
            kind: if exercise.is_some() {
                "exercise"
            } else {
                "prose"
            },
            id: exercise.unwrap_or(stem).to_string(),
            weeks: exercise.and_then(week_of_id).into_iter().collect(),
            source: match &md_path {
                Some(p) => relative(&sources.root, p),
                None => roadmap.to_owned(),
            },
            markdown: markdown.as_deref(),
            roadmap,
        };
        let records = extract_page(&html, &info);
        if !records.is_empty() {
            all.push(records);
        }
    }
    Ok(all)
}

/// The records of the public items of the reference code, and warnings for
/// files that do not parse.
fn code_records(sources: &Sources) -> Result<(Vec<Record>, Vec<String>)> {
    let mut records = Vec::new();
    let mut warnings = Vec::new();
    for dir in &sources.code_dirs {
        let crate_name = crate_name_of(dir);
        let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
            .map(|e| e.into_path())
            .collect();
        files.sort();
        // syn is most of this; the files are parsed on every core (each
        // worker keeps the spans of what it parsed, so the error's line is
        // read there) and taken in order.
        use rayon::prelude::*;
        let scanned: Vec<Result<Vec<Record>, String>> = files
            .par_iter()
            .map(|file| {
                let text = std::fs::read_to_string(file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let module = module_path(dir, file, &crate_name);
                let source = relative(&sources.root, file);
                Ok(scan_file(&text, &module, &source).map_err(|err| {
                    let line = err.span().start().line;
                    format!("{source}:{line}: not indexed: {err}")
                }))
            })
            .collect::<Result<_>>()?;
        for result in scanned {
            match result {
                Ok(items) => records.extend(items),
                Err(warning) => warnings.push(warning),
            }
        }
    }
    Ok((records, warnings))
}

/// The Markdown file a built page came from, if it is hand-written.
fn markdown_source(src_dir: &Path, rel_html: &str) -> Option<PathBuf> {
    let stem = rel_html.trim_end_matches(".html");
    let mut candidates = vec![src_dir.join(format!("{stem}.md"))];
    if let Some(dir) = stem.strip_suffix("index") {
        candidates.push(src_dir.join(format!("{dir}README.md")));
    }
    candidates.into_iter().find(|p| p.is_file())
}

/// The week of an exercise ID such as `w03-redis-cluster`.
pub fn week_of_id(id: &str) -> Option<u64> {
    let rest = id.strip_prefix('w')?;
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || !rest[digits.len()..].starts_with('-') && rest.len() != digits.len() {
        return None;
    }
    digits.parse().ok()
}

/// The crate's name (underscored) from the `Cargo.toml` above a source
/// folder, or the folder's parent's name.
fn crate_name_of(src: &Path) -> String {
    let manifest = src.parent().map(|p| p.join("Cargo.toml"));
    let from_manifest = manifest
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| {
            text.lines().find_map(|line| {
                let rest = line
                    .trim()
                    .strip_prefix("name")?
                    .trim_start()
                    .strip_prefix('=')?;
                Some(rest.trim().trim_matches('"').to_string())
            })
        });
    from_manifest
        .or_else(|| {
            src.parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "crate".into())
        .replace('-', "_")
}

/// `src/a/b.rs` is module `a::b`; `lib.rs` is the crate itself.
fn module_path(src: &Path, file: &Path, crate_name: &str) -> String {
    let rel = relative(src, file);
    let rel = rel.trim_end_matches(".rs");
    let parts: Vec<&str> = rel
        .split('/')
        .filter(|p| *p != "mod" && *p != "lib" && *p != "main")
        .collect();
    if parts.is_empty() {
        crate_name.to_string()
    } else {
        parts.join("::")
    }
}

/// `path` relative to `base`, with `/` separators (the path as given when
/// it is not under `base`).
pub(crate) fn relative(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Whether `dir` holds an index (its manifest).
pub fn index_exists(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn week_of_an_exercise_id() {
        assert_eq!(week_of_id("w03-redis-cluster"), Some(3));
        assert_eq!(week_of_id("w12-final"), Some(12));
        assert_eq!(week_of_id("w1"), Some(1));
        assert_eq!(week_of_id("wx-final"), None);
        assert_eq!(week_of_id("web-api"), None);
    }

    #[test]
    fn module_paths_from_files() {
        let src = Path::new("/c/src");
        assert_eq!(module_path(src, Path::new("/c/src/lib.rs"), "cp"), "cp");
        assert_eq!(
            module_path(src, Path::new("/c/src/retry.rs"), "cp"),
            "retry"
        );
        assert_eq!(module_path(src, Path::new("/c/src/a/mod.rs"), "cp"), "a");
        assert_eq!(module_path(src, Path::new("/c/src/a/b.rs"), "cp"), "a::b");
    }

    fn sources_with_code(dir: &Path) -> Sources {
        Sources {
            root: dir.to_path_buf(),
            book_dir: dir.join("book"),
            src_dir: dir.join("src"),
            roadmap: dir.join("roadmap.md"),
            code_dirs: vec![dir.join("code/src")],
            not_pages: Vec::new(),
        }
    }

    #[test]
    fn the_code_records_are_shared_once_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("code/src")).unwrap();
        std::fs::write(
            dir.path().join("code/src/lib.rs"),
            "/// Adds.\npub fn add() {}\n",
        )
        .unwrap();
        let build = IndexBuild::start(&sources_with_code(dir.path()), &dir.path().join("idx"));
        let code = build.code_records().wait();
        assert_eq!(code.len(), 1);
        assert_eq!(code[0].id, "code::add");
    }

    #[test]
    fn a_failed_code_read_does_not_leave_the_browser_index_waiting() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("code/src")).unwrap();
        // Not UTF-8: reading it fails, and the index's thread ends early.
        std::fs::write(dir.path().join("code/src/lib.rs"), b"\xff\xfe").unwrap();
        let build = IndexBuild::start(&sources_with_code(dir.path()), &dir.path().join("idx"));
        assert!(build.code_records().wait().is_empty());
        let err = build.finish().unwrap_err();
        assert!(format!("{err:#}").contains("lib.rs"), "{err:#}");
    }

    /// A book of one built page, a roadmap and one code item.
    fn book_with_one_page() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("code/src")).unwrap();
        std::fs::write(root.join("code/src/lib.rs"), "/// Adds.\npub fn add() {}\n").unwrap();
        std::fs::create_dir_all(root.join("book")).unwrap();
        std::fs::write(
            root.join("book/about.html"),
            "<html><head><title>About</title></head><body><main><h1 id=\"about\">About</h1>\
             <p>Circuit breakers trip.</p></main></body></html>",
        )
        .unwrap();
        std::fs::write(root.join("roadmap.md"), "# Plan\n").unwrap();
        dir
    }

    #[test]
    fn pages_fed_to_the_thread_are_indexed_without_reading_the_book_again() {
        let dir = book_with_one_page();
        let root = dir.path();
        let sources = sources_with_code(root);
        let read = PageRecords::read(&sources).unwrap();
        let (records, pages) = (read.records.len(), read.pages);
        assert!(
            records > 0 && pages == 1,
            "{records} records of {pages} pages"
        );

        let build = IndexBuild::start(&sources, &root.join("idx"));
        let feed = build.pages_feed();
        assert!(feed.send(read));
        assert!(
            !feed.send(PageRecords {
                records: Vec::new(),
                pages: 0
            }),
            "the thread takes the pages once"
        );
        // The book is gone: finish must use what it was fed, not read it.
        std::fs::remove_dir_all(root.join("book")).unwrap();
        let report = build.finish().unwrap();
        assert_eq!(
            report.documents,
            records + 1,
            "the pages and the one code item"
        );
        assert_eq!(report.pages, 1);
        let index = crate::SearchIndex::open(&root.join("idx")).unwrap();
        let hits = index
            .search("circuit breakers", &crate::Filters::default(), 5)
            .unwrap();
        assert!(
            hits.iter().any(|h| h.url.contains("about.html")),
            "{hits:?}"
        );
    }

    #[test]
    fn without_pages_fed_finish_reads_the_book_and_a_dropped_build_does_not_hang() {
        let dir = book_with_one_page();
        let root = dir.path();
        let sources = sources_with_code(root);
        let expected = PageRecords::read(&sources).unwrap().records.len();
        let report = IndexBuild::start(&sources, &root.join("idx"))
            .finish()
            .unwrap();
        assert_eq!(report.documents, expected + 1);
        // Started and dropped, as a failed book build does: the thread stops waiting.
        drop(IndexBuild::start(&sources, &root.join("idx2")));
        assert!(!root.join("idx2").exists(), "nothing left behind");
    }
}
