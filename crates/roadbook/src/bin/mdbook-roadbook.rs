//! `mdbook-roadbook`: roadbook's generated pages as an mdBook preprocessor,
//! for a book built by `mdbook build` with
//! `[preprocessor.roadbook] command = "mdbook-roadbook"` in its book.toml.

fn main() -> std::process::ExitCode {
    roadbook::preprocessor_main()
}
