//! `roadbook show`: one exercise, week or item from the search index,
//! printed for reading in the terminal and paged when long.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use anyhow::Result;
use roadbook_search::render::{self, Style};

use crate::cli::ShowArgs;
use crate::cmd::search::open_index;
use crate::config::Config;

/// Runs `roadbook show`.
pub(crate) fn run(root: &Path, args: &ShowArgs) -> Result<ExitCode> {
    let config = Config::load(root)?;
    let index = open_index(&config)?;
    let id = args.id.trim();
    let Some(entry) = index.lookup(id)? else {
        eprintln!("error: no exercise, week or item has the ID `{id}`");
        let suggestions = index.suggest(id, 5)?;
        if !suggestions.is_empty() {
            eprintln!("  did you mean: {}", suggestions.join(", "));
        }
        eprintln!("  (`roadbook search WORDS` finds IDs by their text)");
        return Ok(ExitCode::from(1));
    };
    let style = Style {
        color: render::use_color(),
    };
    let book = config.build_dir.clone();
    let locate = |url: &str| {
        if url.contains(".rs#L") {
            url.replace("#L", ":")
        } else {
            let book = book.strip_prefix(".").unwrap_or(&book);
            format!("{}/{url}", book.display())
        }
    };
    let mut text = Vec::new();
    render::write_entry(&mut text, &entry, style, &locate)?;
    if !args.no_pager && std::io::stdout().is_terminal() {
        page(&text)?;
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(&text)?;
        out.flush()?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Shows `text` through `$PAGER` (`less` by default, told to keep colours
/// and to quit when the text fits on one screen); prints it when no pager
/// can be started.
fn page(text: &[u8]) -> Result<()> {
    let pager = std::env::var("PAGER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "less".into());
    let mut words = pager.split_whitespace();
    let program = words.next().unwrap_or("less");
    let mut command = Command::new(program);
    command.args(words).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    match command.spawn() {
        Ok(mut child) => {
            if let Some(mut stdin) = child.stdin.take() {
                // The reader may quit before reading everything.
                let _ = stdin.write_all(text);
            }
            child.wait()?;
        }
        Err(_) => {
            let mut out = std::io::stdout().lock();
            out.write_all(text)?;
            out.flush()?;
        }
    }
    Ok(())
}
