//! IDs are URL fragments and the keys of learners' saved progress: comparing
//! two versions of a roadmap tells which IDs a change renames or removes.

use crate::{Diagnostic, Roadmap};

/// Compares the IDs of `before` (the roadmap as it was, e.g. on the main
/// branch) with those of `after` (read from `file`). An ID that disappeared
/// while a similar new one appeared is reported as a rename (an error: saved
/// progress would be lost); an ID that just disappeared, as a removal (a
/// warning).
#[must_use]
pub fn check_id_changes(before: &Roadmap, after: &Roadmap, file: &str) -> Vec<Diagnostic> {
    let old: Vec<(String, &'static str)> = crate::ids(before)
        .into_iter()
        .map(|(id, _, what)| (id, what))
        .collect();
    let new = crate::ids(after);
    let aliased = crate::aliases(after);
    let is_new = |id: &str| !old.iter().any(|(o, _)| o == id);
    let added: Vec<&(String, crate::Span, &'static str)> =
        new.iter().filter(|(id, ..)| is_new(id)).collect();
    let mut diagnostics = Vec::new();
    for (id, what) in &old {
        if new.iter().any(|(n, ..)| n == id) || aliased.iter().any(|(a, _)| a == id) {
            // Still there, or renamed with the old ID recorded.
            continue;
        }
        let candidates = added
            .iter()
            .filter(|(_, _, kind)| kind == what)
            .map(|(n, ..)| n.as_str());
        match crate::closest(id, candidates).and_then(|n| added.iter().find(|(a, ..)| a == n)) {
            Some((renamed, span, _)) => diagnostics.push(
                Diagnostic::error("changed-id", file, *span, format!("this {what} changed its ID from `{id}` to `{renamed}`"))
                    .with_label("learners' saved progress and links use the old ID")
                    .with_help(format!("keep the old ID by ending the line with `<!-- id: {id} -->`, or keep the new one and let saved progress follow it with `<!-- was: {id} -->`")),
            ),
            None => diagnostics.push(
                Diagnostic::warning("removed-id", file, crate::Span { line: 1, column: 1, start: 0, end: 0 }, format!("the {what} `{id}` is gone"))
                    .with_help("links to it and progress saved under it no longer lead anywhere; ignore this if the removal is meant"),
            ),
        }
    }
    diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(before: &str, after: &str) -> Vec<(&'static str, u32, String)> {
        let before = crate::parse(before, "roadmap.md").roadmap;
        let after = crate::parse(after, "roadmap.md").roadmap;
        check_id_changes(&before, &after, "roadmap.md")
            .into_iter()
            .map(|d| (d.code, d.span.line, d.message))
            .collect()
    }

    const PLAN: &str = "# P\n### Week 1: A\n**Mon: B**\n- [ ] Implement the circuit breaker\n- [ ] Add health checks\n";

    #[test]
    fn unchanged_ids_are_fine() {
        assert_eq!(check(PLAN, &PLAN.replace("# P", "# Plan")), vec![]);
    }

    #[test]
    fn a_reworded_item_is_a_changed_id() {
        let found = check(
            PLAN,
            &PLAN.replace(
                "Implement the circuit breaker",
                "Implement a circuit breaker pattern",
            ),
        );
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].0, found[0].1), ("changed-id", 4));
        assert!(
            found[0].2.contains(
                "from `w01-implement-circuit-breaker` to `w01-implement-circuit-breaker-pattern`"
            ),
            "{}",
            found[0].2
        );
    }

    #[test]
    fn an_override_keeps_the_id() {
        let after = PLAN.replace(
            "Implement the circuit breaker",
            "Implement a circuit breaker pattern <!-- id: w01-implement-circuit-breaker -->",
        );
        assert_eq!(check(PLAN, &after), vec![]);
    }

    #[test]
    fn an_alias_records_the_rename() {
        let after = PLAN.replace(
            "Implement the circuit breaker",
            "Implement a circuit breaker pattern <!-- was: w01-implement-circuit-breaker -->",
        );
        assert_eq!(check(PLAN, &after), vec![]);
        let other = PLAN.replace(
            "Implement the circuit breaker",
            "Implement a circuit breaker pattern <!-- was: w01-something-else -->",
        );
        assert_eq!(
            check(PLAN, &other).iter().map(|f| f.0).collect::<Vec<_>>(),
            ["changed-id"],
            "an alias of another ID does not excuse this rename"
        );
    }

    #[test]
    fn a_deleted_item_is_a_removed_id() {
        let found = check(PLAN, &PLAN.replace("- [ ] Add health checks\n", ""));
        assert_eq!(
            found.iter().map(|f| f.0).collect::<Vec<_>>(),
            ["removed-id"]
        );
    }
}
