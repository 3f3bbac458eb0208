//! The contract between hands-on items and their pages: an item with ID `X`
//! that needs an exercise page is explained on `src/exercises/X.md`, and every
//! such page belongs to an item.

use std::collections::HashSet;

use crate::{Diagnostic, Item, Roadmap, Severity, Span};

/// The hands-on items of `roadmap` that need an exercise page, in order.
pub fn needing_pages(roadmap: &Roadmap) -> impl Iterator<Item = &Item> {
    roadmap.items().map(|(_, item)| item).filter(|i| {
        i.hands_on
            .as_ref()
            .is_some_and(|h| h.label.needs_exercise_page())
    })
}

/// Checks the exercise pages that exist (`pages`: their IDs, i.e. file
/// stems, and their paths relative to the book root) against the items of
/// `roadmap` (read from `file`). `missing` is the severity of an item
/// without a page.
#[must_use]
pub fn check_exercise_pages(
    roadmap: &Roadmap,
    file: &str,
    pages: &[(String, String)],
    missing: Severity,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let items: Vec<&Item> = needing_pages(roadmap).collect();
    // Sets, so that a book of many items and pages is checked in linear time.
    let page_ids: HashSet<&str> = pages.iter().map(|(id, _)| id.as_str()).collect();
    let item_ids: HashSet<&str> = items.iter().map(|item| item.id.as_str()).collect();
    for item in &items {
        if !page_ids.contains(item.id.as_str()) {
            let message = format!("the hands-on item `{}` has no exercise page", item.id);
            let diagnostic = match missing {
                Severity::Error => {
                    Diagnostic::error("missing-exercise-page", file, item.span, message)
                }
                Severity::Warning => {
                    Diagnostic::warning("missing-exercise-page", file, item.span, message)
                }
            };
            diagnostics.push(
                diagnostic
                    .with_label("this item needs a page")
                    .with_help(format!("write src/exercises/{}.md (or set `missing-exercise-page = \"warning\"` in book.toml's [preprocessor.roadbook] while pages are being written)", item.id)),
            );
        }
    }
    for (id, path) in pages {
        if item_ids.contains(id.as_str()) {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            "orphan-exercise-page",
            path,
            Span {
                line: 1,
                column: 1,
                start: 0,
                end: 0,
            },
            format!("the exercise page `{id}` matches no hands-on item of {file}"),
        );
        diagnostic = match closest(id, items.iter().map(|i| i.id.as_str())) {
            Some(best) => diagnostic.with_help(format!("did you mean `{best}`? rename the page to src/exercises/{best}.md")),
            None => diagnostic.with_help(format!("rename the page after a hands-on item's ID, or give the item the ID `{id}` with `<!-- id: {id} -->`")),
        };
        diagnostics.push(diagnostic);
    }
    diagnostics
}

/// The candidate most like `id`, if any is reasonably close.
#[must_use]
pub fn closest<'a>(id: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(id, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "# P\n### Week 1: A\n**Mon: B**\n- [ ] task\n- [ ] **Exercise**: Build a circuit breaker\n- [ ] **Mock**: a session\n";

    fn check(pages: &[&str]) -> Vec<(String, &'static str, String, Option<String>)> {
        let parsed = crate::parse(PLAN, "roadmap.md");
        let pages: Vec<(String, String)> = pages
            .iter()
            .map(|id| ((*id).to_owned(), format!("src/exercises/{id}.md")))
            .collect();
        check_exercise_pages(&parsed.roadmap, "roadmap.md", &pages, Severity::Error)
            .into_iter()
            .map(|d| (d.file, d.code, d.message, d.help))
            .collect()
    }

    #[test]
    fn an_item_with_its_page_is_fine_and_mocks_need_none() {
        assert_eq!(check(&["w01-build-circuit-breaker"]), vec![]);
    }

    #[test]
    fn a_missing_page_is_reported_at_the_item() {
        let found = check(&[]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].0.as_str(), found[0].1),
            ("roadmap.md", "missing-exercise-page")
        );
    }

    #[test]
    fn a_page_for_no_item_suggests_the_closest_id() {
        let found = check(&["w01-build-circuit-breaker", "w01-build-circut-breaker"]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "orphan-exercise-page");
        assert_eq!(found[0].0, "src/exercises/w01-build-circut-breaker.md");
        assert!(
            found[0]
                .3
                .as_deref()
                .unwrap()
                .starts_with("did you mean `w01-build-circuit-breaker`?"),
            "{:?}",
            found[0].3
        );
    }
}
