//! How long syntect's default syntaxes and themes take to load (they are
//! loaded only when a code result is printed in colour).

use std::time::Instant;

fn main() {
    let t = Instant::now();
    let syntaxes = syntect::parsing::SyntaxSet::load_defaults_newlines();
    let syntax_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let theme_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    let out = roadbook_search::render::highlight("pub fn f() -> u8 { 1 }\n", "rust");
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    println!(
        "syntaxes {syntax_ms:.1} ms ({} syntaxes), themes {theme_ms:.1} ms ({} themes), first highlight {first_ms:.1} ms ({} bytes)",
        syntaxes.syntaxes().len(),
        themes.themes.len(),
        out.len()
    );
}
