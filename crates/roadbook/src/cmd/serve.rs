//! `roadbook serve`: build, serve the book on localhost, rebuild on every
//! change of its sources and reload the open page. A broken edit prints its
//! diagnostics and the last good build stays served.
//!
//! The reload script is added to HTML pages as they are served, never to the
//! files on disk: it polls `/__roadbook/version`, which counts good builds.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use notify::{EventKind, RecursiveMode, Watcher};

use crate::book::Progress;
use crate::cli::{Format, ServeArgs};
use crate::cmd::build::{self, Outcome, Request};
use crate::config::Config;

/// The URL path answering the number of good builds so far.
const VERSION_PATH: &str = "/__roadbook/version";

/// Added before `</body>` of every served page.
const RELOAD_SCRIPT: &str = r#"<script>
(() => {
    let seen = null;
    const poll = async () => {
        try {
            const response = await fetch('/__roadbook/version', { cache: 'no-store' });
            const version = await response.text();
            if (seen !== null && version !== seen) {
                window.location.reload();
                return;
            }
            seen = version;
        } catch (e) {
            // The server restarts or is gone: keep trying.
        }
        setTimeout(poll, 700);
    };
    poll();
})();
</script>
"#;

/// How long the sources must stay quiet before a rebuild starts (an editor's
/// save is often several events).
const DEBOUNCE: Duration = Duration::from_millis(250);

/// Runs `roadbook serve`.
pub(crate) fn run(root: &Path, quiet: bool, args: &ServeArgs) -> Result<ExitCode> {
    let progress = Progress::new(quiet);
    // Absolute, so that the watcher's paths compare with ours.
    let root = &root
        .canonicalize()
        .with_context(|| format!("cannot find the book root {}", root.display()))?;
    let config = Config::load(root)?;
    let dest = config.build_dir.clone();
    let request = Request {
        format: Format::Human,
        dest: None,
        emit_sources: None,
        api_docs: true,
    };
    // Watching starts before the first build, so that an edit made while
    // it runs, or just after the address is printed, is not missed.
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).context("cannot watch the book's files")?;
    let watched = watched(&config);
    let mut watching = vec![false; watched.len()];
    watch_existing(&mut watcher, &watched, &mut watching)?;
    let version = Arc::new(AtomicU64::new(0));
    if rebuild(root, progress, &request) {
        version.fetch_add(1, Ordering::SeqCst);
    }
    // A folder the first build made (theme/ of a new book).
    watch_existing(&mut watcher, &watched, &mut watching)?;

    let server = tiny_http::Server::http((args.hostname.as_str(), args.port))
        .map_err(|err| anyhow!("cannot listen on {}:{}: {err}", args.hostname, args.port))?;
    let address = server
        .server_addr()
        .to_ip()
        .context("the server is not listening on an IP address")?;
    let url = format!("http://{address}/");
    progress.line("Serving", &format!("the book at {url} (Ctrl-C stops)"));
    {
        let version = Arc::clone(&version);
        let dest = dest.clone();
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                respond(request, &dest, &version);
            }
        });
    }
    if args.open {
        open_in_browser(&url);
    }

    let roots: Vec<PathBuf> = watched.iter().map(|(path, _)| path.clone()).collect();
    let root_files = [config.roadmap_path(), config.root.join("book.toml")];

    loop {
        let Ok(first) = rx.recv() else {
            return Ok(ExitCode::SUCCESS);
        };
        let mut changed = relevant(first, &roots, &root_files, &config.root);
        // Wait for the burst of events to settle.
        loop {
            match rx.recv_timeout(DEBOUNCE) {
                Ok(event) => changed |= relevant(event, &roots, &root_files, &config.root),
                Err(mpsc::RecvTimeoutError::Timeout) => break,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(ExitCode::SUCCESS),
            }
        }
        if changed && rebuild(root, progress, &request) {
            version.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Builds once; says whether a new book was written. Failures are printed,
/// never fatal: the previous build keeps being served.
fn rebuild(root: &Path, progress: Progress, request: &Request) -> bool {
    match build::build(root, progress, request) {
        Ok(Outcome::Built) => true,
        Ok(Outcome::InputErrors) => {
            eprintln!("error: the book was not rebuilt; still serving the last good build");
            false
        }
        Err(err) => {
            eprintln!("error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            eprintln!("error: the book was not rebuilt; still serving the last good build");
            false
        }
    }
}

/// Watches each of `watched` that exists and is not watched yet
/// (`watching`, one flag each).
fn watch_existing(
    watcher: &mut impl Watcher,
    watched: &[(PathBuf, RecursiveMode)],
    watching: &mut [bool],
) -> Result<()> {
    for ((path, mode), on) in watched.iter().zip(watching.iter_mut()) {
        if !*on && path.exists() {
            watcher
                .watch(path, *mode)
                .with_context(|| format!("cannot watch {}", path.display()))?;
            *on = true;
        }
    }
    Ok(())
}

/// What to watch: the folders recursively, the book root itself only for
/// the roadmap and book.toml (not the output written into it).
fn watched(config: &Config) -> Vec<(PathBuf, RecursiveMode)> {
    let mut paths = vec![(config.root.clone(), RecursiveMode::NonRecursive)];
    let roadmap_dir = config.roadmap_path().parent().map(Path::to_path_buf);
    if let Some(dir) = roadmap_dir.filter(|dir| *dir != config.root) {
        paths.push((dir, RecursiveMode::NonRecursive));
    }
    for dir in [
        config.src.clone(),
        config.root.join(&config.roadbook.diagrams),
        config.root.join("theme"),
    ]
    .into_iter()
    .chain(
        config
            .roadbook
            .templates
            .iter()
            .map(|dir| config.root.join(dir)),
    )
    .chain(
        config
            .roadbook
            .reference
            .iter()
            .map(|c| config.root.join(&c.src)),
    ) {
        paths.push((dir, RecursiveMode::Recursive));
    }
    paths
}

/// Whether `event` changes a source: a write, creation, removal or rename
/// under a watched folder, or of the roadmap or book.toml. Reads (mdBook
/// opening files while it builds) are not changes.
fn relevant(
    event: notify::Result<notify::Event>,
    roots: &[PathBuf],
    root_files: &[PathBuf],
    root: &Path,
) -> bool {
    let Ok(event) = event else {
        return false;
    };
    if !matches!(
        event.kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
    ) {
        return false;
    }
    event.paths.iter().any(|path| {
        root_files.iter().any(|file| path == file)
            || roots
                .iter()
                .any(|dir| dir.as_path() != root && path.starts_with(dir) && !is_hidden(path, dir))
    })
}

/// Editor swap and backup files (`.page.md.swp`, `page.md~`).
fn is_hidden(path: &Path, dir: &Path) -> bool {
    path.strip_prefix(dir).is_ok_and(|rest| {
        rest.components().any(|part| {
            let part = part.as_os_str().to_string_lossy();
            part.starts_with('.') || part.ends_with('~')
        })
    })
}

/// Answers one HTTP request from the built book in `dest`.
fn respond(request: tiny_http::Request, dest: &Path, version: &AtomicU64) {
    // A static book is only read (tiny_http leaves a HEAD answer's body out).
    if !matches!(
        request.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    ) {
        let mut response = reply(
            405,
            "text/plain; charset=utf-8",
            b"method not allowed: the book is read with GET or HEAD\n".to_vec(),
        );
        if let Ok(allow) = tiny_http::Header::from_bytes("Allow", "GET, HEAD") {
            response.add_header(allow);
        }
        let _ = request.respond(response);
        return;
    }
    let url = request.url().to_owned();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let response = if path == VERSION_PATH {
        reply(
            200,
            "text/plain; charset=utf-8",
            version.load(Ordering::SeqCst).to_string().into_bytes(),
        )
    } else {
        match resolve(dest, path) {
            Some(file) => match std::fs::read(&file) {
                Ok(bytes) => page(200, &file, bytes),
                Err(_) => not_found(dest),
            },
            None => not_found(dest),
        }
    };
    // The browser went away: nothing to do.
    let _ = request.respond(response);
}

/// The file under `dest` that the URL path `path` names, if any: `/` and
/// folders mean their index.html; `..` never leaves `dest`.
fn resolve(dest: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|part| !matches!(part, Component::Normal(_)))
    {
        return None;
    }
    let mut file = dest.join(relative);
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn not_found(dest: &Path) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let file = dest.join("404.html");
    match std::fs::read(&file) {
        Ok(bytes) => page(404, &file, bytes),
        Err(_) => reply(404, "text/plain; charset=utf-8", b"not found".to_vec()),
    }
}

/// A file's response; HTML pages get the reload script.
fn page(
    status: u16,
    file: &Path,
    mut bytes: Vec<u8>,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    if extension == "html" {
        bytes = inject_reload(&bytes);
    }
    reply(status, content_type(extension), bytes)
}

fn reply(
    status: u16,
    content_type: &str,
    bytes: Vec<u8>,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let mut response = tiny_http::Response::from_data(bytes).with_status_code(status);
    for (name, value) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
    ] {
        if let Ok(header) = tiny_http::Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    response
}

/// The page with [`RELOAD_SCRIPT`] before its last `</body>`.
fn inject_reload(html: &[u8]) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|window| window.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + RELOAD_SCRIPT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(RELOAD_SCRIPT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn content_type(extension: &str) -> &'static str {
    match extension {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" | "rs" | "mmd" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `%20` → ` `; `None` for bytes that are not UTF-8. A malformed escape
/// stays as written (it then names no file of the book).
fn percent_decode(path: &str) -> Option<String> {
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// Best effort: a browser that does not open is not an error.
fn open_in_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(err) = command {
        eprintln!("warning: cannot open a browser ({err}); open {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reload_script_goes_before_the_last_body_end() {
        let page = inject_reload(b"<html><body><p>x</p></BODY></html>");
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with("<html><body><p>x</p><script>"), "{page}");
        assert!(page.ends_with("</script>\n</BODY></html>"), "{page}");
    }

    #[test]
    fn urls_resolve_inside_the_book_only() {
        let dest = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dest.path().join("weeks")).unwrap();
        std::fs::write(dest.path().join("index.html"), "i").unwrap();
        std::fs::write(dest.path().join("weeks/week 1.html"), "w").unwrap();
        let at = |path: &str| {
            resolve(dest.path(), path).map(|p| p.strip_prefix(dest.path()).unwrap().to_path_buf())
        };
        assert_eq!(at("/"), Some(PathBuf::from("index.html")));
        assert_eq!(
            at("/weeks/week%201.html"),
            Some(PathBuf::from("weeks/week 1.html"))
        );
        assert_eq!(at("/weeks/../index.html"), None);
        assert_eq!(at("/%2e%2e/etc/passwd"), None);
        assert_eq!(at("/missing.html"), None);
        assert_eq!(at("/bad%zz"), None);
    }

    #[test]
    fn reads_and_output_are_not_changes() {
        let root = PathBuf::from("/b");
        let roots = vec![root.clone(), root.join("src")];
        let files = vec![root.join("roadmap.md")];
        let event =
            |kind: EventKind, path: &str| Ok(notify::Event::new(kind).add_path(root.join(path)));
        let modify = EventKind::Modify(notify::event::ModifyKind::Any);
        let open = EventKind::Access(notify::event::AccessKind::Open(
            notify::event::AccessMode::Read,
        ));
        assert!(relevant(event(modify, "roadmap.md"), &roots, &files, &root));
        assert!(relevant(
            event(modify, "src/week.md"),
            &roots,
            &files,
            &root
        ));
        assert!(!relevant(event(open, "src/week.md"), &roots, &files, &root));
        assert!(!relevant(
            event(modify, "book/index.html"),
            &roots,
            &files,
            &root
        ));
        assert!(!relevant(
            event(modify, "src/.week.md.swp"),
            &roots,
            &files,
            &root
        ));
    }
}
