//! Exercise coverage: which hands-on items have a page, which reference
//! modules each page verifies, which roadmap tasks the pages say their code
//! implements, and the `ignore`d blocks that verify nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use book_tests::{BlockKind, CodeCrate, rust_blocks};
use roadmap::{Diagnostic, Roadmap, Span};

/// The reference code the pages are measured against (book.toml's
/// `[[preprocessor.roadbook.reference]]`).
#[derive(Debug, Default)]
pub(crate) struct Reference<'a> {
    /// The crates whose modules a page can use.
    pub(crate) crates: &'a [CodeCrate],
    /// Modules nearly every example uses: not what a page is about.
    pub(crate) support: &'a [&'a str],
}

/// An exercise page as coverage sees it.
pub(crate) struct PageText<'a> {
    /// The page's ID (its file stem).
    pub(crate) id: &'a str,
    /// Its path relative to the book root.
    pub(crate) path: &'a str,
    /// Its Markdown.
    pub(crate) text: &'a str,
}

/// What one exercise page verifies.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct PageCoverage {
    /// Rust blocks run as doctests.
    pub(crate) doctests: usize,
    /// Anchored excerpts of compiled files.
    pub(crate) excerpts: usize,
    /// Blocks marked `ignore`.
    pub(crate) ignored: usize,
    /// The reference modules it uses.
    pub(crate) modules: BTreeSet<String>,
    /// The roadmap tasks it links to as implemented.
    pub(crate) tasks: BTreeSet<String>,
}

/// The coverage of a whole book.
#[derive(Debug, Default)]
pub(crate) struct Coverage {
    /// Per hands-on item needing a page, in roadmap order: its ID, week and
    /// its page's coverage when it has one.
    pub(crate) items: Vec<(String, u32, Option<PageCoverage>)>,
    /// Per week: (task ID, the modules of the pages that cover it), for
    /// every plain task of the week.
    pub(crate) tasks: BTreeMap<u32, Vec<(String, BTreeSet<String>)>>,
}

/// Measures `pages` against `roadmap`; problems (an `ignore`d block on an
/// exercise page, a page with nothing verified, a link to a task that does
/// not exist) come back as diagnostics.
pub(crate) fn measure(
    roadmap: &Roadmap,
    pages: &[PageText<'_>],
    reference: &Reference<'_>,
) -> (Coverage, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let task_ids: BTreeSet<&str> = roadmap.items().map(|(_, i)| i.id.as_str()).collect();
    let mut by_page: BTreeMap<&str, PageCoverage> = BTreeMap::new();
    for page in pages {
        let mut coverage = PageCoverage::default();
        for block in rust_blocks(page.text, reference.crates) {
            match block.kind {
                BlockKind::Doctest => coverage.doctests += 1,
                BlockKind::Excerpt { .. } => coverage.excerpts += 1,
                BlockKind::Ignored => {
                    coverage.ignored += 1;
                    diagnostics.push(
                        Diagnostic::error("ignored-block", page.path, line_span(page.text, block.line), "an exercise page shows a Rust block that is not compiled")
                            .with_label("marked `ignore`")
                            .with_help("make it a doctest that runs against the reference code, or show an anchored excerpt of a tested module"),
                    );
                }
            }
            coverage.modules.extend(
                block
                    .modules
                    .into_iter()
                    .filter(|m| !reference.support.contains(&m.as_str())),
            );
        }
        // A book without reference code has no example to run.
        if coverage.doctests == 0 && !reference.crates.is_empty() {
            diagnostics.push(
                Diagnostic::warning(
                    "unverified-page",
                    page.path,
                    line_span(page.text, 1),
                    "this exercise page runs no example",
                )
                .with_help(
                    "add a ```rust block that asserts the behaviour with the reference code",
                ),
            );
        }
        for (line, range, target) in task_links(page.text) {
            if task_ids.contains(target.as_str()) {
                coverage.tasks.insert(target);
            } else {
                let mut diagnostic = Diagnostic::error(
                    "unknown-task",
                    page.path,
                    range_span(page.text, line, range),
                    format!("the link to `{target}` names no roadmap item"),
                )
                .with_label("no item has this ID");
                if let Some(best) = roadmap::closest(&target, task_ids.iter().copied()) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{best}`?"));
                }
                diagnostics.push(diagnostic);
            }
        }
        by_page.insert(page.id, coverage);
    }

    let mut coverage = Coverage::default();
    for phase in &roadmap.phases {
        for week in &phase.weeks {
            for item in week.blocks.iter().flat_map(|b| &b.items) {
                if item
                    .hands_on
                    .as_ref()
                    .is_some_and(|h| h.label.needs_exercise_page())
                {
                    coverage.items.push((
                        item.id.clone(),
                        week.number,
                        by_page.remove(item.id.as_str()),
                    ));
                } else if item.hands_on.is_none() {
                    coverage
                        .tasks
                        .entry(week.number)
                        .or_default()
                        .push((item.id.clone(), BTreeSet::new()));
                }
            }
        }
    }
    // Tasks are listed before their week's later hands-on items: fill them
    // in once every page is known, from one index (linear in the pages).
    let covering = pages_covering(&coverage.items);
    for tasks in coverage.tasks.values_mut() {
        for (id, modules) in tasks.iter_mut() {
            if let Some(found) = covering.get(id.as_str()) {
                modules.clone_from(found);
            }
        }
    }
    (coverage, diagnostics)
}

/// Task ID → the modules of every page that links to the task as implemented.
fn pages_covering(
    items: &[(String, u32, Option<PageCoverage>)],
) -> BTreeMap<&str, BTreeSet<String>> {
    let mut covering: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for page in items.iter().filter_map(|(_, _, page)| page.as_ref()) {
        for task in &page.tasks {
            covering
                .entry(task.as_str())
                .or_default()
                .extend(page.modules.iter().cloned());
        }
    }
    covering
}

/// Links to week pages with a fragment (`../weeks/week-01.md#ID`): the
/// fragment, with the line it stands on and its byte range in the text.
fn task_links(text: &str) -> Vec<(usize, std::ops::Range<usize>, String)> {
    let mut links = Vec::new();
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let mut from = 0;
        while let Some(at) = line[from..].find("weeks/week-") {
            let start = from + at;
            let end = start
                + line[start..]
                    .find([')', '"', ' ', '>', '\n'])
                    .unwrap_or(line.len() - start);
            if let Some(hash) = line[start..end].find('#') {
                let fragment = start + hash + 1;
                links.push((
                    index + 1,
                    offset + fragment..offset + end,
                    line[fragment..end].to_owned(),
                ));
            }
            from = end;
        }
        offset += line.len();
    }
    links
}

/// The span of line `line` (1-based) of `text`, or of `range` on it.
fn line_span(text: &str, line: usize) -> Span {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let end = start + text[start..].find('\n').unwrap_or(text.len() - start);
    Span {
        line: line as u32,
        column: 1,
        start,
        end,
    }
}

fn range_span(text: &str, line: usize, range: std::ops::Range<usize>) -> Span {
    let line_start = line_span(text, line).start;
    Span {
        line: line as u32,
        column: text[line_start..range.start].chars().count() as u32 + 1,
        start: range.start,
        end: range.end,
    }
}

/// The coverage report `roadbook check --coverage` prints.
pub(crate) fn report(coverage: &Coverage, max_week: Option<u32>) -> String {
    let mut out = String::new();
    let written = coverage
        .items
        .iter()
        .filter(|(_, _, page)| page.is_some())
        .count();
    let _ = writeln!(
        out,
        "exercise coverage: {written}/{} hands-on items have a page",
        coverage.items.len()
    );
    if let Some(max) = max_week {
        let upto: Vec<_> = coverage
            .items
            .iter()
            .filter(|(_, week, _)| *week <= max)
            .collect();
        let done = upto.iter().filter(|(_, _, page)| page.is_some()).count();
        let _ = writeln!(out, "  weeks 1-{max}: {done}/{} have a page", upto.len());
    }
    for (id, _, page) in &coverage.items {
        match page {
            Some(page) => {
                let modules: Vec<&str> = page.modules.iter().map(String::as_str).collect();
                let _ = writeln!(
                    out,
                    "  {id} → src/exercises/{id}.md → {} ({} doctests, {} excerpts, {} ignored)",
                    if modules.is_empty() {
                        "no module".to_owned()
                    } else {
                        modules.join(", ")
                    },
                    page.doctests,
                    page.excerpts,
                    page.ignored
                );
            }
            None => {
                let _ = writeln!(out, "  {id} → no page yet");
            }
        }
    }
    let ignored: usize = coverage
        .items
        .iter()
        .filter_map(|(_, _, page)| page.as_ref())
        .map(|page| page.ignored)
        .sum();
    let _ = writeln!(out, "ignored Rust blocks on exercise pages: {ignored}");
    let _ = writeln!(out, "tasks with reference code:");
    for (week, tasks) in &coverage.tasks {
        if max_week.is_some_and(|max| *week > max) {
            continue;
        }
        let covered: Vec<String> = tasks
            .iter()
            .filter(|(_, modules)| !modules.is_empty())
            .map(|(id, modules)| {
                format!(
                    "{id} ({})",
                    modules.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  week {week}: {}/{} tasks",
            covered.len(),
            tasks.len()
        );
        for line in covered {
            let _ = writeln!(out, "    {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "# P\n### Week 1: A\n**Mon: B**\n- [ ] Implement circuit breaker\n- [ ] Add health checks\n- [ ] **Exercise**: Design failure recovery\n";

    fn measure_page(text: &str) -> (Coverage, Vec<&'static str>) {
        let parsed = roadmap::parse(PLAN, "roadmap.md");
        let pages = [PageText {
            id: "w01-design-failure-recovery",
            path: "src/exercises/w01-design-failure-recovery.md",
            text,
        }];
        let crates = [CodeCrate {
            name: "demo_patterns".into(),
            src: "crates/patterns/src".into(),
        }];
        let reference = Reference {
            crates: &crates,
            support: &["clock"],
        };
        let (coverage, diagnostics) = measure(&parsed.roadmap, &pages, &reference);
        (coverage, diagnostics.iter().map(|d| d.code).collect())
    }

    #[test]
    fn a_page_covers_its_item_and_the_tasks_it_links() {
        let page = "# Recovery\n\n```rust,noplayground\n{{#include ../../crates/patterns/src/circuit_breaker.rs:state}}\n```\n\n```rust\nuse demo_patterns::{clock::Manual, retry::Backoff};\n```\n\n- [Implement circuit breaker](../weeks/week-01.md#w01-implement-circuit-breaker)\n";
        let (coverage, codes) = measure_page(page);
        assert_eq!(codes, Vec::<&str>::new());
        let page = coverage.items[0].2.as_ref().unwrap();
        assert_eq!((page.doctests, page.excerpts, page.ignored), (1, 1, 0));
        assert_eq!(
            page.modules.iter().collect::<Vec<_>>(),
            ["circuit_breaker", "retry"]
        );
        let week1 = &coverage.tasks[&1];
        assert_eq!(week1[0].0, "w01-implement-circuit-breaker");
        assert_eq!(week1[0].1.len(), 2);
        assert!(week1[1].1.is_empty(), "health checks are not linked");
        let report = report(&coverage, Some(5));
        assert!(report.contains("exercise coverage: 1/1"), "{report}");
        assert!(report.contains("weeks 1-5: 1/1 have a page"), "{report}");
        assert!(report.contains("week 1: 1/2 tasks"), "{report}");
    }

    #[test]
    fn ignored_blocks_unknown_tasks_and_unverified_pages_are_reported() {
        let page = "# R\n\n```rust,ignore\nfn x() {}\n```\n\n[x](../weeks/week-01.md#w01-implement-circut-breaker)\n";
        let (_, codes) = measure_page(page);
        assert_eq!(codes, ["ignored-block", "unverified-page", "unknown-task"]);
    }
}
