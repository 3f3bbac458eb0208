//! Exercise coverage: which hands-on items have a page, which reference
//! modules each page verifies, which roadmap tasks the pages say their code
//! implements, and the `ignore`d blocks that verify nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use book_tests::{BlockKind, CodeCrate, rust_blocks};
use roadmap::{Diagnostic, LineIndex, Roadmap, Span, UnitKind};

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
    /// Per unit (by number): (task ID, the modules of the pages that cover
    /// it), for every plain task of the unit.
    pub(crate) tasks: BTreeMap<u32, Vec<(String, BTreeSet<String>)>>,
    /// Each unit's label in lowercase (`week 3`, `day 1-3`), by number.
    pub(crate) labels: BTreeMap<u32, String>,
    /// What the plan's units are called, plural (`weeks`, `days`).
    pub(crate) units: String,
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
        for (range, target) in task_links(page.text) {
            if task_ids.contains(target.as_str()) {
                coverage.tasks.insert(target);
            } else {
                let mut diagnostic = Diagnostic::error(
                    "unknown-task",
                    page.path,
                    range_span(page.text, range),
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

    let mut coverage = Coverage {
        units: format!(
            "{}s",
            roadmap
                .weeks()
                .next()
                .map_or(UnitKind::Week, |w| w.unit)
                .name()
        ),
        ..Coverage::default()
    };
    for phase in &roadmap.phases {
        for week in &phase.weeks {
            coverage
                .labels
                .insert(week.number, week.label.to_lowercase());
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

/// Links to unit pages with a fragment (`../weeks/week-01.md#ID`,
/// `../days/day-1-3.md#ID`, a module's, lesson's or version's): the
/// fragment and its byte range in the text.
fn task_links(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let folders: Vec<String> = UnitKind::ALL
        .iter()
        .map(|unit| format!("{}s/", unit.name()))
        .collect();
    let mut links = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        // Where a unit folder starts a path segment on this line.
        let mut starts: Vec<usize> = folders
            .iter()
            .flat_map(|folder| line.match_indices(folder.as_str()).map(|(at, _)| at))
            .filter(|&at| {
                at == 0 || matches!(line.as_bytes()[at - 1], b'/' | b'(' | b'"' | b' ' | b'<')
            })
            .collect();
        starts.sort_unstable();
        let mut from = 0;
        for start in starts {
            if start < from {
                continue;
            }
            let end = start
                + line[start..]
                    .find([')', '"', ' ', '>', '\n', '\r'])
                    .unwrap_or(line.len() - start);
            if let Some(hash) = line[start..end].find('#') {
                let fragment = start + hash + 1;
                links.push((
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

/// The span of line `line` (1-based) of `text`.
fn line_span(text: &str, line: usize) -> Span {
    let start = LineIndex::new(text).line_start(line).unwrap_or(text.len());
    let end = start + text[start..].find('\n').unwrap_or(text.len() - start);
    range_span(text, start..end)
}

/// The span of `range` of `text`, with its line and column.
fn range_span(text: &str, range: std::ops::Range<usize>) -> Span {
    LineIndex::new(text).span(text, range)
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
        let _ = writeln!(
            out,
            "  {} 1-{max}: {done}/{} have a page",
            coverage.units,
            upto.len()
        );
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
        let label = coverage
            .labels
            .get(week)
            .map_or_else(|| format!("week {week}"), Clone::clone);
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
        let _ = writeln!(out, "  {label}: {}/{} tasks", covered.len(), tasks.len());
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
    fn task_links_to_pages_of_any_unit_count() {
        let plan = "# P\n## Plan\n### Day 1-3: Starter\n- [ ] Mix flour and water\n- [ ] Buy a scale\n- [ ] **Exercise**: Feed the starter\n### Day 4: Bake\n- [ ] Shape a boule\n";
        let parsed = roadmap::parse(plan, "roadmap.md");
        let page = "# Feeding\n\n```rust\nuse demo_patterns::retry::Backoff;\n```\n\nIt does [the mix](../days/day-1-3.md#day-1-3-mix-flour-water) and\n[the shaping](../days/day-4.md#day-4-shape-boule), not\n[holidays/x.md#day-1-3-buy-scale](holidays/x.md#day-1-3-buy-scale).\n";
        let pages = [PageText {
            id: "day-1-3-feed-starter",
            path: "src/exercises/day-1-3-feed-starter.md",
            text: page,
        }];
        let crates = [CodeCrate {
            name: "demo_patterns".into(),
            src: "crates/patterns/src".into(),
        }];
        let reference = Reference {
            crates: &crates,
            support: &[],
        };
        let (coverage, diagnostics) = measure(&parsed.roadmap, &pages, &reference);
        let codes: Vec<_> = diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, Vec::<&str>::new());
        let covered = |unit: u32| -> Vec<&str> {
            coverage.tasks[&unit]
                .iter()
                .filter(|(_, modules)| !modules.is_empty())
                .map(|(id, _)| id.as_str())
                .collect()
        };
        assert_eq!(covered(1), ["day-1-3-mix-flour-water"]);
        assert_eq!(covered(2), ["day-4-shape-boule"]);
        let report = report(&coverage, Some(2));
        assert!(report.contains("days 1-2: 1/1 have a page"), "{report}");
        assert!(report.contains("  day 1-3: 1/2 tasks\n"), "{report}");
        assert!(report.contains("  day 4: 1/1 tasks\n"), "{report}");
    }

    #[test]
    fn a_link_to_an_unknown_item_of_a_unit_page_is_found_at_its_column() {
        let text = "# R\n\nSee [it](../versions/version-1-1.md#version-1-1-nope).\n";
        let links = task_links(text);
        assert_eq!(links.len(), 1);
        let (range, target) = &links[0];
        assert_eq!(target, "version-1-1-nope");
        let span = range_span(text, range.clone());
        assert_eq!((span.line, span.column), (3, 37));
        assert_eq!(&text[range.clone()], "version-1-1-nope");
    }

    #[test]
    fn ignored_blocks_unknown_tasks_and_unverified_pages_are_reported() {
        let page = "# R\n\n```rust,ignore\nfn x() {}\n```\n\n[x](../weeks/week-01.md#w01-implement-circut-breaker)\n";
        let (_, codes) = measure_page(page);
        assert_eq!(codes, ["ignored-block", "unverified-page", "unknown-task"]);
    }
}
