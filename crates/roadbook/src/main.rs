//! The `roadbook` command: builds, checks, serves and searches a roadmap book.
//!
//! Exit codes: 0 success; 1 the input has errors (diagnostics were printed);
//! 2 roadbook could not run (bad arguments, unreadable files, I/O failure).

fn main() -> std::process::ExitCode {
    roadbook::roadbook_main()
}
