//! The command line: one clap-derive struct whose doc comments are the help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turn a learning roadmap written in Markdown into a searchable static book.
///
/// Run from the book's root (the folder holding book.toml), or pass --root.
///
/// Exit codes: 0 success; 1 the roadmap or pages have errors; 2 roadbook
/// could not run (bad arguments, unreadable files, I/O failure).
#[derive(Debug, Parser)]
#[command(name = "roadbook", version, max_term_width = 100)]
pub(crate) struct Cli {
    /// The book's root folder (holding book.toml).
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,

    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,

    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the book into book/ (with the reference crates' rustdoc under
    /// book/api/) and the search index into search-index/.
    Build(BuildArgs),
    /// Check the roadmap and the pages without writing anything; the
    /// pull-request gate.
    Check(CheckArgs),
    /// Build, serve on localhost, rebuild and reload on every change.
    Serve(ServeArgs),
    /// Print the parsed roadmap as JSON.
    Model,
    /// Search the built book offline.
    Search(SearchArgs),
    /// Print an exercise, week or item in the terminal.
    Show(ShowArgs),
    /// Write a new book to start from: book.toml, a sample roadmap, pages,
    /// theme, a diagram and GitHub workflows. Never overwrites a book.
    Init(InitArgs),
    /// Score an answers file of the self-assessment (the JSON the
    /// assessment page exports): the score per area, overall and the level.
    Assess(AssessArgs),
    /// Write a starter kit for an exercise: its reference modules with the
    /// marked bodies replaced by todo!(), their tests and a README; or list
    /// the exercises that have one, or run a kit's tests.
    Practice(PracticeArgs),
}

/// Options of `roadbook assess`.
#[derive(Debug, Args)]
pub(crate) struct AssessArgs {
    /// The answers file (JSON, as the assessment page exports it).
    #[arg(value_name = "ANSWERS")]
    pub(crate) answers: PathBuf,

    /// The assessment spec (default: book.toml's `assessment`); relative
    /// to the current folder.
    #[arg(long, value_name = "PATH")]
    pub(crate) spec: Option<PathBuf>,

    /// How to print the result.
    #[arg(long, value_enum, default_value_t = AssessFormat::Human)]
    pub(crate) format: AssessFormat,
}

/// How `roadbook assess` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AssessFormat {
    /// A table for people.
    Human,
    /// One JSON object: per-area scores, overall, level.
    Json,
}

/// Options of `roadbook practice`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("runs").args(["check", "verify"])))]
pub(crate) struct PracticeArgs {
    /// The exercise's stable ID (`--list` shows those with a kit).
    #[arg(required_unless_present_any = ["list", "check", "verify"])]
    pub(crate) id: Option<String>,

    /// The folder to write the kit to (default: the exercise's ID); relative
    /// to --root. Never overwritten: it must not exist.
    #[arg(value_name = "DIR", requires = "id")]
    pub(crate) dir: Option<PathBuf>,

    /// List the exercises that have a kit, with the modules to write.
    #[arg(long, conflicts_with_all = ["id", "check", "verify"])]
    pub(crate) list: bool,

    /// Run the tests of the kit in DIR and report each; exit 0 when all
    /// pass. Relative to --root.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["id", "verify"])]
    pub(crate) check: Option<PathBuf>,

    /// With --check, when every test passes: add the exercise's ID to this
    /// JSON list of done exercises (created if missing), which the book's
    /// progress import reads.
    #[arg(long, value_name = "FILE", requires = "check")]
    pub(crate) mark_done: Option<PathBuf>,

    /// Verify every kit, or the kit of ID (CI): it compiles, each of its
    /// modules' tests fails with the todo!() bodies and passes with the
    /// reference bodies restored.
    #[arg(long, conflicts_with = "dir")]
    pub(crate) verify: bool,

    /// With --check or --verify: how many seconds each `cargo test` of a kit
    /// may run its tests (1-3600; the build before them is not timed). A
    /// test still running then is killed and reported as hanging.
    #[arg(
        long,
        value_name = "SECS",
        requires = "runs",
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub(crate) time_limit: Option<u64>,
}

/// Options of `roadbook init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The folder to write the book to (created if missing); relative to
    /// --root.
    #[arg(default_value = ".", value_name = "DIR")]
    pub(crate) dir: PathBuf,

    /// Also write a reference crate (a Cargo workspace with one tested
    /// module) that the exercise page runs, the search indexes and the API
    /// reference documents.
    #[arg(long)]
    pub(crate) with_code: bool,
}

/// Options of `roadbook build`.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// Also write the generated pages as an ordinary mdBook source tree to
    /// DIR (buildable with plain `mdbook build DIR`); relative to the book
    /// root.
    #[arg(long, value_name = "DIR")]
    pub(crate) emit_sources: Option<PathBuf>,

    /// Write the book here instead of book.toml's build-dir; relative to the
    /// book root, as with mdBook's -d.
    #[arg(long, short = 'd', value_name = "DIR")]
    pub(crate) dest_dir: Option<PathBuf>,

    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,

    /// Leave out the API reference of the reference crates (no `cargo doc`,
    /// and the exercise pages get no API links).
    #[arg(long)]
    pub(crate) no_api_docs: bool,
}

/// Options of `roadbook check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,

    /// Treat warnings as errors.
    #[arg(long)]
    pub(crate) deny_warnings: bool,

    /// Also print the exercise coverage: each hands-on item, its page, the
    /// reference modules it verifies, and the tasks with reference code.
    #[arg(long)]
    pub(crate) coverage: bool,

    /// Also check the built book's links (run `roadbook build` first): every
    /// local href and #fragment must resolve; external links are listed,
    /// not fetched.
    #[arg(long)]
    pub(crate) links: bool,

    /// Compare the IDs with another version of the roadmap (e.g. `git show
    /// origin/main:roadmap.md > base.md`): a changed ID is an error, since
    /// learners' saved progress and links use it; a removed one a warning.
    #[arg(long, value_name = "FILE")]
    pub(crate) base: Option<std::path::PathBuf>,
}

/// Options of `roadbook serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The port to listen on (0 picks a free one).
    #[arg(long, short, default_value_t = 3000)]
    pub(crate) port: u16,

    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) hostname: String,

    /// Open the book in the default web browser.
    #[arg(long, short)]
    pub(crate) open: bool,
}

/// Options of `roadbook search`.
#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// What to look for: words, "quoted phrases", -exclusions, prefix*.
    #[arg(required = true, num_args = 1..)]
    pub(crate) query: Vec<String>,

    /// Only results about these weeks (`3` or `3-4`).
    #[arg(long, value_name = "N|N-M", value_parser = week_range)]
    pub(crate) week: Option<String>,

    /// Only results of this kind (week, block, task, exercise, hands-on,
    /// deliverable, milestone, metric, track, certification, phase, prose,
    /// code).
    #[arg(long)]
    pub(crate) kind: Option<String>,

    /// How many results to show (1 to 10000).
    #[arg(
        long,
        short = 'n',
        default_value_t = 10,
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=MAX_LIMIT)
    )]
    pub(crate) limit: usize,

    /// Print results as a JSON array, best first.
    #[arg(long)]
    pub(crate) json: bool,

    /// Show results as URLs under this base instead of file paths.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
}

/// Options of `roadbook show`.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The stable ID of an exercise, week or item (e.g. `w01`).
    pub(crate) id: String,

    /// Never page the output.
    #[arg(long)]
    pub(crate) no_pager: bool,
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// rustc-style, with the source line underlined.
    Human,
    /// One JSON array of diagnostics.
    Json,
    /// GitHub workflow commands (`::error file=…`), for annotations on a
    /// pull request.
    Github,
}

/// The most results `search --limit` shows.
const MAX_LIMIT: u64 = roadbook_search::MAX_LIMIT as u64;

/// `--week`: checked when the arguments are read, so a bad value is a usage
/// error like any other.
fn week_range(text: &str) -> Result<String, String> {
    roadbook_search::parse_week_range(text)
        .map(|_| text.to_owned())
        .map_err(|err| err.to_string())
}
