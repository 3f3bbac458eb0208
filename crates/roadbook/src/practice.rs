//! Practice kits: for an exercise page whose reference modules have
//! solution markers (`practice_solution`), a standalone Cargo crate with
//! those modules' marked bodies replaced by `todo!()`, the support modules
//! they use, their tests, and a README with the task.
//!
//! A kit is made from the reference code on every call, so it cannot drift
//! from it; `practice_verify` checks in CI that each kit's tests fail as cut
//! and pass with the reference bodies back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use roadmap::{Diagnostic, Span};

use crate::config::ReferenceCrate;
use crate::practice_solution::{self as solution, Function, MarkerError, TestFn};
use crate::project::Project;

/// An exercise that has a kit: its page's modules with solution markers.
#[derive(Debug, Clone)]
pub(crate) struct Offer {
    /// The exercise's stable ID.
    pub(crate) id: String,
    /// Its page's title.
    pub(crate) title: String,
    /// The page's modules that have solution markers, sorted.
    pub(crate) modules: Vec<String>,
    /// The reference crate they belong to.
    pub(crate) reference: ReferenceCrate,
}

/// A generated kit: its files by path (`/`-separated, relative to the kit's
/// folder, sorted) and what the learner writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kit {
    /// The exercise's stable ID (also the package name).
    pub(crate) id: String,
    /// Every file of the kit.
    pub(crate) files: BTreeMap<String, Vec<u8>>,
    /// The modules with `todo!()` bodies.
    pub(crate) practice: Vec<String>,
    /// The functions left to write, by module.
    pub(crate) todo: BTreeMap<String, Vec<Function>>,
}

/// The folder in the built book that holds the kits' zips.
pub(crate) const ZIP_DIR: &str = "practice";

/// The exercises of `project` that have a kit, in roadmap order: those
/// whose page shows excerpts of modules with solution markers. A module
/// the page only uses in its examples comes into the kit as support code.
pub(crate) fn offers(project: &Project) -> Result<Vec<Offer>> {
    let mut offers = Vec::new();
    for (id, _, page) in &project.coverage.items {
        if page.is_none() {
            continue;
        }
        let page_path = project
            .config
            .root
            .join(project.config.exercises_dir())
            .join(format!("{id}.md"));
        let text = read(&page_path)?;
        for reference in &project.config.roadbook.reference {
            let src = project.config.root.join(&reference.src);
            let shown: BTreeSet<String> = book_tests::rust_blocks(&text, &[reference.code_crate()])
                .into_iter()
                .filter(|block| matches!(block.kind, book_tests::BlockKind::Excerpt { .. }))
                .flat_map(|block| block.modules)
                .collect();
            // A kit cuts every module the page shows: a page showing one
            // without markers has none yet (the learner would get that
            // module's tests passing untouched).
            let mut modules = Vec::new();
            let mut all_marked = true;
            for module in shown {
                let mut marked = false;
                for file in module_files(&src, &module)? {
                    marked |= solution::has_solution(&read(&src.join(file))?);
                }
                if marked {
                    modules.push(module);
                } else {
                    all_marked = false;
                }
            }
            if all_marked && !modules.is_empty() {
                offers.push(Offer {
                    id: id.clone(),
                    title: title_of(&text, id),
                    modules,
                    reference: reference.clone(),
                });
                break;
            }
        }
    }
    Ok(offers)
}

/// The offer for `id`, or an error that lists the IDs that have one.
pub(crate) fn offer(project: &Project, id: &str) -> Result<Offer> {
    let offers = offers(project)?;
    if let Some(offer) = offers.iter().find(|offer| offer.id == id) {
        return Ok(offer.clone());
    }
    let known: Vec<&str> = offers.iter().map(|offer| offer.id.as_str()).collect();
    let hint = match roadmap::closest(id, known.iter().copied()) {
        Some(best) => format!(" (did you mean `{best}`?)"),
        None => String::new(),
    };
    bail!(
        "`{id}` has no practice kit{hint}: `roadbook practice --list` shows the exercises that have one"
    )
}

/// Each practice module's file cut for its kit, by path: parsed once a
/// build, for `check`'s diagnostics and for every kit that carries it.
pub(crate) type Cuts = BTreeMap<PathBuf, Result<solution::Cut, MarkerError>>;

/// The diagnostics of every marked module of `project` (markers that do
/// not close, regions with no whole function body, modules that do not
/// parse), with the text each points into, and the cuts they come from.
/// `check` reports them; a kit is only made from clean modules. The files
/// are parsed on every core: syn is most of this stage's time.
pub(crate) fn marker_diagnostics(project: &Project) -> Result<(Vec<(Diagnostic, String)>, Cuts)> {
    use rayon::prelude::*;
    let mut paths = BTreeSet::new();
    for offer in offers(project)? {
        let src = project.config.root.join(&offer.reference.src);
        for module in &offer.modules {
            paths.extend(
                module_files(&src, module)?
                    .into_iter()
                    .map(|file| src.join(file)),
            );
        }
    }
    let read_and_cut = |path: &PathBuf| -> Result<(String, Result<solution::Cut, MarkerError>)> {
        let text = read(path)?;
        let cut = solution::cut(&text);
        Ok((text, cut))
    };
    let results: Vec<_> = paths.par_iter().map(read_and_cut).collect::<Result<_>>()?;
    let mut found = Vec::new();
    let mut cuts = Cuts::new();
    for (path, (text, cut)) in paths.into_iter().zip(results) {
        if let Err(err) = &cut {
            let name = crate::project::relative(&project.config.root, &path);
            found.push((marker_diagnostic(&name, &text, err), text));
        }
        cuts.insert(path, cut);
    }
    Ok((found, cuts))
}

fn marker_diagnostic(file: &str, text: &str, err: &MarkerError) -> Diagnostic {
    Diagnostic::error(
        "solution-marker",
        file,
        line_span(text, err.line, err.column),
        err.message.clone(),
    )
    .with_help("a practice kit replaces the body of each function inside `// ANCHOR: solution` … `// ANCHOR_END: solution` with `todo!()` (CONTRIBUTING.md, \"Mark what the learner writes\")")
}

/// The span of `line` from `column` (both 1-based) to the line's end.
pub(crate) fn line_span(text: &str, line: usize, column: usize) -> Span {
    let start_of_line: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[start_of_line.min(text.len())..];
    let line_text = rest.split('\n').next().unwrap_or_default();
    let skip = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    Span {
        line: line as u32,
        column: column as u32,
        start: start_of_line + skip,
        end: start_of_line + line_text.len().max(skip),
    }
}

/// Makes the kit of `offer`.
pub(crate) fn kit(project: &Project, offer: &Offer) -> Result<Kit> {
    kit_with(project, offer, &BTreeMap::new())
}

/// [`kit`], taking its support modules' texts from `plain` where it has
/// them (the support files without their tests, by path).
fn kit_with(
    project: &Project,
    offer: &Offer,
    plain: &BTreeMap<PathBuf, Result<String, MarkerError>>,
) -> Result<Kit> {
    let root = &project.config.root;
    let src = root.join(&offer.reference.src);
    let crate_name = offer.reference.crate_name();
    let modules = closure(&src, &offer.modules, &crate_name)?;

    let mut files = BTreeMap::new();
    let mut todo = BTreeMap::new();
    let mut tests = BTreeMap::new();
    for module in &modules {
        let practice = offer.modules.contains(module);
        for file in module_files(&src, module)? {
            let path = src.join(&file);
            let text = read(&path)?;
            let name = crate::project::relative(root, &path);
            let at = |err: MarkerError| {
                anyhow::anyhow!("{name}:{}:{}: {}", err.line, err.column, err.message)
            };
            let kit_text = if practice {
                let cut = match project.cuts.get(&path) {
                    Some(cut) => cut.clone(),
                    None => solution::cut(&text),
                }
                .map_err(at)?;
                if !cut.todo.is_empty() {
                    todo.insert(file.clone(), cut.todo);
                }
                tests.insert(file.clone(), solution::tests_in(&cut.text));
                cut.text
            } else {
                match plain.get(&path) {
                    Some(plain) => plain.clone(),
                    None => solution::without_tests(&text),
                }
                .map_err(at)?
            };
            let kit_text = carry_includes(&path, &src, &kit_text, &mut files)?;
            files.insert(format!("src/{file}"), kit_text.into_bytes());
        }
    }

    let manifest = crate::practice_manifest::Manifest::read(root, &offer.reference)?;
    let all_text: String = files
        .values()
        .map(|bytes| String::from_utf8_lossy(bytes))
        .collect();
    let (cargo_toml, cargo_lock) = manifest.kit_files(&offer.id, &offer.modules, &all_text)?;
    files.insert("Cargo.toml".into(), cargo_toml.into_bytes());
    if let Some(lock) = cargo_lock {
        files.insert("Cargo.lock".into(), lock.into_bytes());
    }
    files.insert(
        "src/lib.rs".into(),
        lib_rs(offer, &modules, &crate_name).into_bytes(),
    );
    let page = read(
        &root
            .join(project.config.exercises_dir())
            .join(format!("{}.md", offer.id)),
    )?;
    files.insert(
        "README.md".into(),
        readme(offer, &page, &todo, &tests, &modules).into_bytes(),
    );
    files.insert(".gitignore".into(), b"/target\n".to_vec());
    Ok(Kit {
        id: offer.id.clone(),
        files,
        practice: offer.modules.clone(),
        todo,
    })
}

/// Files a module reads with `include_str!`/`include_bytes!` come along:
/// one inside the crate's folder keeps its place (the kit's root stands for
/// the crate's), one outside it goes to `included/` and the path in the
/// text is rewritten to it.
pub(crate) fn carry_includes(
    module: &Path,
    src: &Path,
    text: &str,
    files: &mut BTreeMap<String, Vec<u8>>,
) -> Result<String> {
    let normalize = book_tests::include::normalize;
    let crate_dir = normalize(src.parent().unwrap_or(src));
    let module = normalize(module);
    let depth = module
        .strip_prefix(&crate_dir)
        .map_or(1, |inside| inside.components().count() - 1);
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = ["include_str!(\"", "include_bytes!(\""]
        .iter()
        .filter_map(|m| rest.find(m).map(|i| i + m.len()))
        .min()
    {
        let Some(len) = rest[at..].find('"') else {
            break;
        };
        let literal = &rest[at..at + len];
        out.push_str(&rest[..at]);
        let target = normalize(&module.parent().unwrap_or(src).join(literal));
        let bytes = std::fs::read(&target).with_context(|| {
            format!(
                "{} includes {}, which cannot be read",
                module.display(),
                target.display()
            )
        })?;
        match target.strip_prefix(&crate_dir) {
            Ok(inside) => {
                files.insert(inside.to_string_lossy().replace('\\', "/"), bytes);
                out.push_str(literal);
            }
            Err(_) => {
                let name = target
                    .file_name()
                    .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
                files.insert(format!("included/{name}"), bytes);
                out.push_str(&format!("{}included/{name}", "../".repeat(depth)));
            }
        }
        rest = &rest[at + len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Writes `kit` into `dir`, which must not exist.
pub(crate) fn write(kit: &Kit, dir: &Path) -> Result<()> {
    if dir.exists() {
        bail!(
            "{} exists: roadbook practice writes a new kit and never overwrites a folder",
            dir.display()
        );
    }
    for (path, bytes) in &kit.files {
        crate::assets::write_new(&dir.join(path), bytes)?;
    }
    Ok(())
}

/// The files of `module` under `src`, relative to it and `/`-separated:
/// `M.rs` and everything under `M/`, sorted.
pub(crate) fn module_files(src: &Path, module: &str) -> Result<Vec<String>> {
    let mut files = Vec::new();
    if src.join(format!("{module}.rs")).is_file() {
        files.push(format!("{module}.rs"));
    }
    let dir = src.join(module);
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            if entry.file_type().is_file()
                && entry.path().extension().is_some_and(|ext| ext == "rs")
            {
                let inside = entry
                    .path()
                    .strip_prefix(src)
                    .expect("walked under src")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push(inside);
            }
        }
    }
    Ok(files)
}

/// `start` and every module of the crate they use (`crate::m`,
/// `CRATE::m` in examples), sorted.
fn closure(src: &Path, start: &[String], crate_name: &str) -> Result<Vec<String>> {
    let mut seen: BTreeSet<String> = start.iter().cloned().collect();
    let mut queue: Vec<String> = start.to_vec();
    while let Some(module) = queue.pop() {
        for file in module_files(src, &module)? {
            let text = read(&src.join(&file))?;
            let used = book_tests::blocks::used_modules(&text, "crate")
                .into_iter()
                .chain(book_tests::blocks::used_modules(&text, crate_name));
            for used in used {
                if !seen.contains(&used) && !module_files(src, &used)?.is_empty() {
                    seen.insert(used.clone());
                    queue.push(used);
                }
            }
        }
    }
    Ok(seen.into_iter().collect())
}

fn lib_rs(offer: &Offer, modules: &[String], crate_name: &str) -> String {
    let practice = offer
        .modules
        .iter()
        .map(|m| format!("`{m}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = format!(
        "//! Practice kit for \"{}\" (`{}`), cut from the reference crate `{}` by\n\
         //! `roadbook practice`.\n\
         //!\n\
         //! Write the bodies left as `todo!()` in {practice}; `cargo test` says when\n\
         //! they are right (README.md lists the tests). The crate keeps the\n\
         //! reference crate's name, `{crate_name}`, so the exercise page's examples\n\
         //! run here as written.\n\
         \n\
         // Until their bodies are written, functions ignore their arguments and\n\
         // helpers go unused.\n\
         #![allow(unused_variables, unused_mut, unused_imports, dead_code)]\n\n",
        offer.title, offer.id, offer.reference.package
    );
    for module in modules {
        out.push_str(&format!("pub mod {module};\n"));
    }
    out
}

fn readme(
    offer: &Offer,
    page: &str,
    todo: &BTreeMap<String, Vec<Function>>,
    tests: &BTreeMap<String, Vec<TestFn>>,
    modules: &[String],
) -> String {
    let mut out = format!("# Practice: {}\n\n", offer.title);
    if let Some(quote) = page.lines().find(|l| l.starts_with("> ")) {
        out.push_str(quote);
        out.push_str("\n\n");
    }
    out.push_str(&format!(
        "A starter kit for the exercise `{}`, cut from its verified reference code \
         (the crate `{}`). The code is the reference code as it is, except for the \
         bodies of the functions listed under *What you write*: they are `todo!()`. \
         The tests are the reference tests; they fail with `not yet implemented` until \
         your code is in, and pass when it is right.\n\n\
         ```sh\n\
         cargo test                        # every test, the examples of the docs included\n\
         roadbook practice --check .       # the same, reported test by test\n\
         ```\n\n",
        offer.id, offer.reference.package
    ));
    out.push_str("## The task\n\n");
    out.push_str(&task(page));
    out.push_str("## What you write\n\n");
    for (file, functions) in todo {
        for function in functions {
            out.push_str(&format!(
                "- `{}` in `src/{file}`, line {}\n",
                function.name, function.line
            ));
        }
    }
    out.push_str(
        "\nThe signatures, types, doc comments and helpers around them are given; \
         a helper that only the missing code used may show as unused until then.\n\n",
    );
    out.push_str("## The tests\n\n");
    for (file, tests) in tests {
        if tests.is_empty() {
            continue;
        }
        out.push_str(&format!("In `src/{file}`:\n\n"));
        for test in tests {
            let what = test
                .doc
                .clone()
                .unwrap_or_else(|| test.name.replace('_', " "));
            out.push_str(&format!("- `{}` (line {}): {what}\n", test.name, test.line));
        }
        out.push('\n');
    }
    out.push_str(
        "The examples in the modules' doc comments run as doctests too: they show \
         the API in use.\n\n",
    );
    let support: Vec<String> = modules
        .iter()
        .filter(|m| !offer.modules.contains(m))
        .map(|m| format!("`{m}`"))
        .collect();
    if !support.is_empty() {
        out.push_str(&format!(
            "## Support code\n\n{} {} the reference code the exercise uses, complete \
             and without {} tests.\n",
            support.join(", "),
            if support.len() == 1 { "is" } else { "are" },
            if support.len() == 1 { "its" } else { "their" },
        ));
    }
    out
}

/// The page's sections before the first one that shows code: the problem
/// and the design, as the page tells them.
fn task(page: &str) -> String {
    let mut sections: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut in_fence = false;
    for line in page.lines() {
        let fence = line.trim_start().starts_with("```");
        if line.starts_with("## ") && !in_fence {
            if let Some(section) = current.take() {
                sections.push(section);
            }
            current = Some(format!("#{line}\n"));
            continue;
        }
        if fence {
            in_fence = !in_fence;
        }
        if let Some(section) = current.as_mut() {
            if fence || line.contains("{{#") {
                sections.push(std::mem::take(section));
                return finish_task(sections);
            }
            section.push_str(line);
            section.push('\n');
        }
    }
    if let Some(section) = current {
        sections.push(section);
    }
    finish_task(sections)
}

fn finish_task(sections: Vec<String>) -> String {
    // The section cut at its first code block is not part of the task.
    let mut out: String = sections
        .iter()
        .take(sections.len().saturating_sub(1))
        .map(String::as_str)
        .collect();
    if out.is_empty() {
        out = "See the exercise page.\n".into();
    }
    out.trim_end().to_owned() + "\n\n"
}

fn title_of(page: &str, id: &str) -> String {
    page.lines()
        .find_map(|line| line.strip_prefix("# "))
        .map_or_else(|| id.to_owned(), |title| title.trim().to_owned())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The kits of the book's exercises for a build: each exercise page with a
/// kit gets the notice that offers it, and the zips come back as
/// (path in the book, bytes) for `BuildOptions::files`.
pub(crate) fn for_book(
    project: &Project,
    pages: &mut [crate::pages::Page],
) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    use rayon::prelude::*;
    let offers = offers(project)?;
    // The support modules most kits share (the clock, the random numbers)
    // lose their tests once, not once a kit; then the kits are made on
    // every core.
    let mut support = BTreeSet::new();
    for offer in &offers {
        let src = project.config.root.join(&offer.reference.src);
        let crate_name = offer.reference.crate_name();
        for module in closure(&src, &offer.modules, &crate_name)? {
            if !offer.modules.contains(&module) {
                support.extend(
                    module_files(&src, &module)?
                        .into_iter()
                        .map(|file| src.join(file)),
                );
            }
        }
    }
    let plain: BTreeMap<PathBuf, Result<String, MarkerError>> = support
        .into_par_iter()
        .map(|path| {
            let text = read(&path)?;
            let plain = solution::without_tests(&text);
            Ok((path, plain))
        })
        .collect::<Result<_>>()?;
    let kits: Vec<(Kit, Vec<u8>)> = offers
        .par_iter()
        .map(|offer| {
            let kit = kit_with(project, offer, &plain)?;
            let zip = crate::practice_zip::zip(&kit)?;
            Ok((kit, zip))
        })
        .collect::<Result<_>>()?;
    let mut files = Vec::new();
    for (kit, zip) in kits {
        add_notice(pages, &format!("exercises/{}.md", kit.id), &notice(&kit));
        files.push((Path::new(ZIP_DIR).join(format!("{}.zip", kit.id)), zip));
    }
    Ok(files)
}

/// Appends `notice` to the page at `path`, wherever it is in the tree.
fn add_notice(pages: &mut [crate::pages::Page], path: &str, notice: &str) -> bool {
    for page in pages {
        if page.path == path {
            let appendix = page.appendix.get_or_insert_with(String::new);
            if !appendix.is_empty() {
                appendix.push('\n');
            }
            appendix.push_str(notice);
            return true;
        }
        if add_notice(&mut page.children, path, notice) {
            return true;
        }
    }
    false
}

/// The notice an exercise page with a kit ends with: the command and the
/// download.
pub(crate) fn notice(kit: &Kit) -> String {
    let functions: Vec<String> = kit
        .todo
        .values()
        .flatten()
        .map(|f| format!("`{}`", f.name))
        .collect();
    let shown = if functions.len() > 4 {
        format!(
            "{} and {} more",
            functions[..4].join(", "),
            functions.len() - 4
        )
    } else {
        functions.join(", ")
    };
    format!(
        "## Practice kit\n\n\
         Write it yourself: the kit is this page's reference code with the bodies of \
         {shown} replaced by `todo!()`, and the reference tests, which fail until your \
         code is right. Its README holds the task and what each test checks.\n\n\
         - Download [{id}.zip](../{ZIP_DIR}/{id}.zip), unpack it and run `cargo test` in it; or\n\
         - with roadbook: `roadbook practice {id}` writes the kit to `{id}/`, and \
         `roadbook practice --check {id}` runs its tests and reports each one.\n",
        id = kit.id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn included_files_come_along_and_paths_outside_the_crate_are_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("crates/c/src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::create_dir_all(dir.path().join("crates/c/data")).unwrap();
        std::fs::create_dir_all(dir.path().join("diagrams")).unwrap();
        std::fs::write(dir.path().join("crates/c/data/x.txt"), "inside").unwrap();
        std::fs::write(dir.path().join("diagrams/d.mmd"), "outside").unwrap();
        let text = "const A: &str = include_str!(\"../data/x.txt\");\n\
                    const B: &[u8] = include_bytes!(\"../../../diagrams/d.mmd\");\n";
        let mut files = BTreeMap::new();
        let out = carry_includes(&src.join("m.rs"), &src, text, &mut files).unwrap();
        assert_eq!(
            out,
            "const A: &str = include_str!(\"../data/x.txt\");\n\
             const B: &[u8] = include_bytes!(\"../included/d.mmd\");\n"
        );
        assert_eq!(files["data/x.txt"], b"inside");
        assert_eq!(files["included/d.mmd"], b"outside");
        let missing = carry_includes(
            &src.join("m.rs"),
            &src,
            "include_str!(\"nope\")",
            &mut files,
        );
        assert!(missing.unwrap_err().to_string().contains("cannot be read"));
    }

    #[test]
    fn the_task_is_the_page_up_to_its_first_code() {
        let page = "# T\n\n> quote\n\n## The problem\n\nIt fails.\n\n## The design\n\nRetry.\n\n## The code\n\nShown:\n\n```rust\nfn x() {}\n```\n";
        assert_eq!(
            task(page),
            "### The problem\n\nIt fails.\n\n### The design\n\nRetry.\n\n"
        );
        assert_eq!(task("# T\n\nno sections\n"), "See the exercise page.\n\n");
    }
}
