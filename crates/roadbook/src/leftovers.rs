//! The folders a killed build leaves next to its output (named by
//! `roadbook_staging`): `.NAME.building-*` (the new output being written,
//! for `book` and `search-index` alike) and `.NAME.old-*` (the previous
//! output being removed), and `.search-index.tmp-*` from earlier versions of
//! roadbook. Each name carries the id of the process that made it; the next
//! build removes those of processes that are gone (and those without an id,
//! from versions of roadbook that did not write one).

use std::path::Path;

/// The kinds of leftover folder, by the word after the output's name.
const KINDS: &[&str] = &["building", "old", "tmp"];

/// Removes the leftovers of dead builds next to `dest`, returning how many.
pub(crate) fn remove(dest: &Path) -> usize {
    let Some(name) = dest.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return 0;
    };
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = owner(&file_name, &name) else {
            continue;
        };
        if !pid.is_some_and(alive) && std::fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// If `file_name` is a leftover of `name`: the process id in it
/// (`.book.building-1234-Ab3x`, `.search-index.tmp-1234`), if any.
fn owner(file_name: &str, name: &str) -> Option<Option<u32>> {
    let rest = file_name
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?;
    let (kind, rest) = rest.split_once('-')?;
    if !KINDS.contains(&kind) {
        return None;
    }
    Some(rest.split('-').next().and_then(|pid| pid.parse().ok()))
}

/// Whether process `pid` runs. Where there is no `/proc` to ask, only our
/// own process counts as running, so leftovers are always cleared there.
fn alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    proc.join("self").exists() && proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_which_process_left_them() {
        assert_eq!(owner(".book.building-42-Xy1z", "book"), Some(Some(42)));
        assert_eq!(owner(".book.old-42-Xy1z", "book"), Some(Some(42)));
        assert_eq!(owner(".search-index.tmp-7", "search-index"), Some(Some(7)));
        assert_eq!(owner(".book.building-Xy1z", "book"), Some(None));
        assert_eq!(owner(".book.copy-42", "book"), None);
        assert_eq!(owner(".bookish.tmp-7", "book"), None);
        assert_eq!(owner("book", "book"), None);
    }

    #[test]
    fn leftovers_of_dead_processes_go_and_live_ones_stay() {
        let root = tempfile::tempdir().unwrap();
        let dead = u32::MAX - 1;
        let ours = std::process::id();
        for dir in [
            format!(".book.building-{dead}-abc"),
            format!(".book.old-{dead}-abc"),
            ".book.building-Xy1z".to_owned(),
            format!(".book.building-{ours}-abc"),
            "keep".to_owned(),
        ] {
            std::fs::create_dir_all(root.path().join(dir).join("inner")).unwrap();
        }
        assert_eq!(remove(&root.path().join("book")), 3);
        let mut left: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [format!(".book.building-{ours}-abc"), "keep".to_owned()]
        );
    }
}
