//! Offline after the first visit: the service worker at the book's root.
//! `theme/offline.js` registers it over http(s) (never from `file://`);
//! its logic is `theme/sw.js`, which roadbook writes as `sw.js` behind one
//! line of build data: the build's stamp as the cache version (a new deploy
//! is a new worker, which drops the old build's cache) and the core assets
//! to fetch up front, the local stylesheets, scripts and icons the home page
//! loads, and the sidebar's pieces (`toc/*.js`, see `sidebar.rs`) when the
//! book has them.

use std::path::Path;

use anyhow::{Context, Result};

/// The worker's file name at the book's root.
pub(crate) const FILE: &str = "sw.js";

/// The largest on-demand script fetched up front, in bytes.
const PRECACHE_LIMIT: u64 = 200_000;

/// The registration script whose listing in `additional-js` asks for the worker.
const REGISTRATION: &str = "theme/offline.js";

/// Writes `sw.js` into the book built in `dir`, when `additional_js` lists the
/// registration script. Call it last: its version is the digest of everything
/// else in `dir`, the same stamp `build_stamp` writes for the finished book.
pub(crate) fn write(
    book_root: &Path,
    additional_js: &[std::path::PathBuf],
    dir: &Path,
) -> Result<()> {
    let listed = additional_js
        .iter()
        .any(|path| path.to_string_lossy().replace('\\', "/") == REGISTRATION);
    if !listed {
        return Ok(());
    }
    let home = dir.join("index.html");
    let html = match std::fs::read_to_string(&home) {
        Ok(html) => html,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", home.display())),
    };
    let mut precache = vec!["index.html".to_owned()];
    if dir.join(super::not_found::FILE).is_file() {
        precache.push(super::not_found::FILE.to_owned());
    }
    precache.extend(core_assets(&html));
    // The scripts loaded on demand that are small enough to keep (the search
    // engine; not Mermaid, which a page with a diagram caches when it loads
    // it): a search offline works without one online first.
    for name in super::on_demand::loaded_by(additional_js) {
        let path = format!("theme/{name}");
        let small = std::fs::metadata(dir.join(&path)).is_ok_and(|m| m.len() <= PRECACHE_LIMIT);
        if small && !precache.contains(&path) {
            precache.push(path);
        }
    }
    // The sidebar's pieces, when the book has them: a page read offline
    // loads those that scroll into its sidebar's view, not only its own.
    for piece in super::sidebar::pieces(dir)? {
        if !precache.contains(&piece) {
            precache.push(piece);
        }
    }
    let version = crate::build_stamp::of_book(dir)?;
    let script = crate::assets::theme_file(book_root, FILE)?;
    let build = serde_json::json!({ "version": version, "precache": precache });
    let mut out = format!(
        "// Written by roadbook build: this build's version and core assets, then theme/sw.js.\n\
         self.ROADBOOK_BUILD = {build};\n"
    )
    .into_bytes();
    out.extend_from_slice(&script);
    crate::assets::write_new(&dir.join(FILE), &out)
}

/// The local stylesheets, scripts and icons `html` links to, in order, each
/// once: the relative values of its `href="…"` and `src="…"` attributes with
/// those endings, as paths from the book's root (where the home page is).
fn core_assets(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attribute) {
            let value_start = at + attribute.len();
            let Some(len) = rest[value_start..].find('"') else {
                break;
            };
            let value = &rest[value_start..value_start + len];
            rest = &rest[value_start + len..];
            let local = !value.contains(':') && !value.starts_with(['/', '#', '?']);
            let path = value.split(['?', '#']).next().unwrap_or_default();
            let asset = [".css", ".js", ".svg", ".png", ".woff2"]
                .iter()
                .any(|ending| path.ends_with(ending));
            if local && asset && !path.contains("..") && !out.iter().any(|p| p == path) {
                out.push(path.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_assets_are_the_local_styles_scripts_and_icons() {
        let html = r##"<link rel="icon" href="favicon-1.svg">
<link rel="stylesheet" href="css/general-2.css">
<link rel="stylesheet" href="https://cdn.example/x.css">
<a href="weeks/week-01.html">Week 1</a> <a href="#top">top</a>
<link rel="stylesheet" href="/abs/x.css"><script src="theme/a-3.js?v=1"></script>
<script src="css/general-2.css"></script><script src="../up.js"></script>
<script src="data:text/javascript,1"></script>"##;
        assert_eq!(
            core_assets(html),
            ["favicon-1.svg", "css/general-2.css", "theme/a-3.js"]
        );
    }

    #[test]
    fn the_worker_carries_the_stamp_of_the_rest_of_the_book() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("book");
        std::fs::create_dir_all(book.join("css")).unwrap();
        std::fs::write(
            book.join("index.html"),
            r#"<link href="css/a.css"><script src="toc.js"></script>"#,
        )
        .unwrap();
        std::fs::write(book.join("css/a.css"), "body {}").unwrap();
        let listed = [std::path::PathBuf::from("theme/offline.js")];
        write(dir.path(), &listed, &book).unwrap();
        let worker = std::fs::read_to_string(book.join(FILE)).unwrap();
        let stamp = crate::build_stamp::of_book(&book).unwrap();
        let first = worker.lines().nth(1).unwrap();
        assert_eq!(
            first,
            format!(
                r#"self.ROADBOOK_BUILD = {{"precache":["index.html","css/a.css","toc.js"],"version":"{stamp}"}};"#
            )
        );
        assert!(worker.contains("function install("), "theme/sw.js follows");

        std::fs::write(book.join("css/a.css"), "body { color: red }").unwrap();
        write(dir.path(), &listed, &book).unwrap();
        let again = std::fs::read_to_string(book.join(FILE)).unwrap();
        assert_ne!(again, worker, "another build, another worker");
    }

    #[test]
    fn the_worker_fetches_the_sidebars_pieces_up_front() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path().join("book");
        std::fs::create_dir_all(book.join("toc")).unwrap();
        std::fs::write(
            book.join("index.html"),
            r#"<script src="toc.js"></script><script src="toc/0-aa.js"></script>"#,
        )
        .unwrap();
        for name in ["0-aa.js", "1-bb.js"] {
            std::fs::write(
                book.join("toc").join(name),
                "window.roadbookToc.piece(0, '');",
            )
            .unwrap();
        }
        let listed = [std::path::PathBuf::from("theme/offline.js")];
        write(dir.path(), &listed, &book).unwrap();
        let worker = std::fs::read_to_string(book.join(FILE)).unwrap();
        assert!(
            worker.contains(r#""precache":["index.html","toc.js","toc/0-aa.js","toc/1-bb.js"]"#),
            "{}",
            worker.lines().nth(1).unwrap()
        );
    }

    #[test]
    fn no_worker_unless_the_registration_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[], dir.path()).unwrap();
        assert!(!dir.path().join(FILE).exists());
    }
}
