//! Highlight.js in pieces, so that a page loads the languages it shows and
//! no others. The one Highlight.js file (mdBook's bundle, 137 KB with 48
//! languages; a book's own `theme/highlight.full.js` wins) is cut, at build
//! time, into `theme/highlight/core.js` (the library, then a table of every
//! language name and alias to the file that holds it) and one file per
//! language: its `hljs.registerLanguage(…)` chunk with the chunks it needs,
//! those it asks for when registered (`getLanguage("c-like")`) and the
//! sub-languages it highlights parts in (`subLanguage:"xml"`), transitively,
//! in the bundle's order. The book's `theme/highlight.js` stand-in loads
//! `core.js`, then the files of the languages its blocks name.
//!
//! A bundle of another shape (a book that ships another Highlight.js) is not
//! guessed at: `core.js` is then the whole file with an empty table, and the
//! stand-in loads that one file, as it loaded the whole highlighter before.

use std::collections::BTreeMap;

/// The folder of the pieces, in the built book's `theme/`.
pub(crate) const DIR: &str = "highlight";

/// The library and the table, in [`DIR`].
pub(crate) const CORE: &str = "core.js";

/// What begins each language's chunk in the bundle, at the start of a line.
const REGISTER: &str = "hljs.registerLanguage(\"";

/// One `hljs.registerLanguage(…)` statement of the bundle.
#[derive(Debug)]
struct Chunk<'a> {
    /// The language's name, the statement's first argument.
    name: &'a str,
    /// The statement, as in the bundle (with its line end, when it has one).
    text: &'a str,
    /// The names its definition gives itself besides `name`.
    aliases: Vec<&'a str>,
    /// The languages it needs: asked for when registered, or highlighting
    /// parts of its code.
    needs: Vec<&'a str>,
}

/// The bundle cut at its chunks: `core` followed by every chunk's `text`,
/// in order, is the bundle.
#[derive(Debug)]
struct Bundle<'a> {
    core: &'a str,
    chunks: Vec<Chunk<'a>>,
}

/// Files by name, with their bytes.
type Files = Vec<(String, Vec<u8>)>;

/// The files to write into `theme/` + [`DIR`] for the Highlight.js bundle
/// `full`, by file name, sorted: [`CORE`] and one file a language; or, when
/// `full` is not a bundle [`split`] understands, [`CORE`] alone holding all
/// of it (the `Err` says why, for a message).
pub(crate) fn pieces(full: &[u8]) -> (Files, Result<(), String>) {
    let split = std::str::from_utf8(full)
        .map_err(|err| format!("not UTF-8: {err}"))
        .and_then(split);
    match split {
        Ok(bundle) => (files(&bundle), Ok(())),
        Err(why) => {
            let mut whole = full.to_vec();
            whole.extend_from_slice(
                b"\n// roadbook could not cut this Highlight.js into languages: all of them are above.\n\
                  var roadbookHighlightFiles = {};\n",
            );
            (vec![(CORE.to_owned(), whole)], Err(why))
        }
    }
}

/// Cuts `text` at each line that starts with [`REGISTER`], and reads what
/// each chunk is called and needs; an `Err` for anything unexpected.
fn split(text: &str) -> Result<Bundle<'_>, String> {
    let mut starts: Vec<usize> = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find(REGISTER) {
        let start = at + found;
        if start != 0 && text.as_bytes()[start - 1] != b'\n' {
            return Err(format!("a language is registered mid-line at byte {start}"));
        }
        starts.push(start);
        at = start + REGISTER.len();
    }
    let Some(&first) = starts.first() else {
        return Err("it registers no language".to_owned());
    };
    let core = &text[..first];
    if !core.contains("var hljs=") {
        return Err("its core does not define `var hljs`".to_owned());
    }
    let mut chunks: Vec<Chunk<'_>> = Vec::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        let chunk = read_chunk(&text[start..end])?;
        if chunks.iter().any(|c| c.name == chunk.name) {
            return Err(format!("{} is registered twice", chunk.name));
        }
        chunks.push(chunk);
    }
    // What a chunk asks for when registered must be there before it, or the
    // bundle itself would fail.
    for (i, chunk) in chunks.iter().enumerate() {
        for asked in asked_for(chunk.text)? {
            if !chunks[..i].iter().any(|c| c.name == asked) {
                return Err(format!(
                    "{} asks for {asked}, not registered before it",
                    chunk.name
                ));
            }
        }
    }
    Ok(Bundle { core, chunks })
}

/// One chunk's name, aliases and needs.
fn read_chunk(text: &str) -> Result<Chunk<'_>, String> {
    let rest = &text[REGISTER.len()..];
    let name = rest
        .split_once('"')
        .map(|(name, _)| name)
        .filter(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
        .ok_or_else(|| format!("a language name is not a plain word: {:.40}", text))?;
    if text.matches("registerLanguage(").count() != 1 {
        return Err(format!(
            "the chunk of {name} registers more than one language"
        ));
    }
    if text.contains("requireLanguage") || text.contains("registerAliases") {
        return Err(format!(
            "the chunk of {name} names languages in a way roadbook does not read"
        ));
    }
    let mut alias_lists = Vec::new();
    for key in ["aliases:[", ".aliases=["] {
        for (at, _) in text.match_indices(key) {
            alias_lists.push(
                strings(&text[at + key.len() - 1..])
                    .map_err(|e| format!("{name}'s aliases: {e}"))?,
            );
        }
    }
    if alias_lists.len() > 1 {
        return Err(format!("{name} has {} lists of aliases", alias_lists.len()));
    }
    let aliases = alias_lists.pop().unwrap_or_default();
    let mut needs = asked_for(text)?;
    let key = "subLanguage:";
    for (at, _) in text.match_indices(key) {
        let value = &text[at + key.len()..];
        let names = if value.starts_with('"') {
            string(value).map(|(s, _)| vec![s])
        } else {
            strings(value)
        }
        .map_err(|e| format!("{name}'s sub-language: {e}"))?;
        needs.extend(names);
    }
    if text.matches("subLanguage").count() != text.matches(key).count() {
        return Err(format!("{name} sets a sub-language roadbook does not read"));
    }
    Ok(Chunk {
        name,
        text,
        aliases,
        needs,
    })
}

/// The languages `text` asks Highlight.js for by `getLanguage("NAME")`.
fn asked_for(text: &str) -> Result<Vec<&str>, String> {
    let key = "getLanguage(";
    text.match_indices(key)
        .map(|(at, _)| {
            let value = &text[at + key.len()..];
            string(value)
                .ok()
                .filter(|(_, rest)| rest.starts_with(')'))
                .map(|(name, _)| name)
                .ok_or_else(|| {
                    format!("getLanguage with an argument roadbook does not read: {value:.30}")
                })
        })
        .collect()
}

/// The double-quoted string without escapes that `text` starts with, and
/// what follows it.
fn string(text: &str) -> Result<(&str, &str), String> {
    let inner = text
        .strip_prefix('"')
        .ok_or_else(|| format!("not a string: {text:.20}"))?;
    let (value, rest) = inner
        .split_once('"')
        .ok_or_else(|| "an unclosed string".to_owned())?;
    if value.contains('\\') {
        return Err(format!("a string with an escape: {value:.20}"));
    }
    Ok((value, rest))
}

/// The strings of the array literal `["a","b"]` that `text` starts with.
fn strings(text: &str) -> Result<Vec<&str>, String> {
    let mut rest = text
        .strip_prefix('[')
        .ok_or_else(|| format!("not a list: {text:.20}"))?;
    let mut out = Vec::new();
    loop {
        if rest.starts_with(']') {
            return Ok(out);
        }
        let (value, after) = string(rest)?;
        out.push(value);
        rest = after.strip_prefix(',').unwrap_or(after);
        if !rest.starts_with(['"', ']']) {
            return Err(format!("not a list of strings: {text:.40}"));
        }
    }
}

/// The file of the language `name`, in [`DIR`].
fn file_of(name: &str) -> String {
    format!("{name}.js")
}

/// Every name and alias, as Highlight.js resolves it (`getLanguage`: a
/// language's own name first, else the alias the last registered language
/// claimed), to the file of that language.
fn table(bundle: &Bundle<'_>) -> BTreeMap<String, String> {
    let mut table = BTreeMap::new();
    for chunk in &bundle.chunks {
        for alias in &chunk.aliases {
            table.insert((*alias).to_owned(), file_of(chunk.name));
        }
    }
    for chunk in &bundle.chunks {
        table.insert(chunk.name.to_owned(), file_of(chunk.name));
    }
    table
}

/// The chunks language `index` needs, itself included, by index, in the
/// bundle's order. A name the bundle lacks is left out: Highlight.js leaves
/// that part plain, the whole bundle as well as the pieces.
fn closure(bundle: &Bundle<'_>, table: &BTreeMap<String, String>, index: usize) -> Vec<usize> {
    let mut wanted = vec![index];
    let mut next = 0;
    while next < wanted.len() {
        for need in &bundle.chunks[wanted[next]].needs {
            let Some(file) = table.get(*need) else {
                continue;
            };
            if let Some(found) = bundle.chunks.iter().position(|c| &file_of(c.name) == file)
                && !wanted.contains(&found)
            {
                wanted.push(found);
            }
        }
        next += 1;
    }
    wanted.sort_unstable();
    wanted
}

/// [`CORE`] and every language's file, by file name.
fn files(bundle: &Bundle<'_>) -> Files {
    let table = table(bundle);
    let json = serde_json::to_string(&table).expect("a map of strings serialises");
    let core = format!(
        "{core}{newline}// Written by roadbook build: each language name and alias to the file in theme/highlight/ that registers it.\n\
         var roadbookHighlightFiles = {json};\n",
        core = bundle.core,
        newline = if bundle.core.ends_with('\n') {
            ""
        } else {
            "\n"
        },
    );
    let mut out = vec![(CORE.to_owned(), core.into_bytes())];
    for (index, chunk) in bundle.chunks.iter().enumerate() {
        let members = closure(bundle, &table, index);
        let names: Vec<&str> = members.iter().map(|&i| bundle.chunks[i].name).collect();
        let mut text = format!(
            "// Highlight.js's {}, cut from theme/highlight.full.js by roadbook build (BSD-3-Clause; the notice is in core.js): {}. \
             A language already registered by another file of the page is not registered again.\n",
            chunk.name,
            names.join(", ")
        );
        for &member in &members {
            let part = &bundle.chunks[member];
            text.push_str(&format!(
                "if(hljs.listLanguages().indexOf(\"{}\")<0)",
                part.name
            ));
            text.push_str(part.text);
            if !part.text.ends_with('\n') {
                text.push('\n');
            }
        }
        out.push((file_of(chunk.name), text.into_bytes()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &[u8] = include_bytes!("../../../../theme/highlight.full.js");

    fn bundle() -> Bundle<'static> {
        split(std::str::from_utf8(FULL).unwrap()).unwrap()
    }

    fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
        let (_, bytes) = files
            .iter()
            .find(|(file, _)| file == name)
            .unwrap_or_else(|| panic!("no {name}"));
        std::str::from_utf8(bytes).unwrap()
    }

    #[test]
    fn the_pieces_reassemble_to_the_bundle() {
        let bundle = bundle();
        let mut again = bundle.core.to_owned();
        for chunk in &bundle.chunks {
            again.push_str(chunk.text);
        }
        assert_eq!(again.as_bytes(), FULL);
        assert_eq!(bundle.chunks.len(), 48);
        assert!(bundle.core.starts_with("/*\n  Highlight.js 10.1.1"));
    }

    #[test]
    fn each_chunk_registers_one_language() {
        for chunk in bundle().chunks {
            assert!(
                chunk
                    .text
                    .starts_with(&format!("{REGISTER}{}\",", chunk.name)),
                "{}",
                chunk.name
            );
            assert_eq!(chunk.text.matches("registerLanguage(").count(), 1);
        }
    }

    #[test]
    fn a_language_file_holds_what_it_needs_first() {
        let files = files(&bundle());
        let c = file(&files, "c.js");
        let c_like = c
            .find("registerLanguage(\"c-like\"")
            .expect("c needs c-like");
        let own = c.find("registerLanguage(\"c\"").unwrap();
        assert!(c_like < own, "c-like is registered before c");
        assert!(!c.contains("registerLanguage(\"cpp\""));
        // xml highlights <style> as css and <script> as javascript (or
        // handlebars), which highlights its templates as xml again.
        let xml = file(&files, "xml.js");
        let order: Vec<usize> = ["css", "javascript", "xml", "handlebars"]
            .iter()
            .map(|name| {
                xml.find(&format!("registerLanguage(\"{name}\""))
                    .unwrap_or_else(|| panic!("xml.js lacks {name}"))
            })
            .collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "the bundle's order: {order:?}"
        );
        let rust = file(&files, "rust.js");
        assert_eq!(
            rust.matches("registerLanguage(").count(),
            1,
            "rust needs nothing else"
        );
        let yaml = file(&files, "yaml.js");
        assert!(
            yaml.contains("registerLanguage(\"ruby\""),
            "yaml highlights ruby parts"
        );
        assert!(
            rust.contains(
                "if(hljs.listLanguages().indexOf(\"rust\")<0)hljs.registerLanguage(\"rust\","
            ),
            "a language is registered once a page"
        );
        assert_eq!(files.len(), 49, "core.js and one file a language");
    }

    #[test]
    fn the_table_maps_every_name_and_alias_to_its_file() {
        let bundle = bundle();
        let table = table(&bundle);
        assert_eq!(table["rs"], "rust.js");
        assert_eq!(table["yml"], "yaml.js");
        assert_eq!(table["html"], "xml.js");
        // c-like claims "c", "h", "cpp"'s aliases first; c and cpp claim
        // them after it, as Highlight.js resolves them.
        assert_eq!(table["h"], "c.js");
        assert_eq!(table["hpp"], "cpp.js");
        assert_eq!(table["c"], "c.js");
        for chunk in &bundle.chunks {
            assert_eq!(table[chunk.name], format!("{}.js", chunk.name));
        }
        let core = file(&files(&bundle), CORE).to_owned();
        let json = serde_json::to_string(&table).unwrap();
        assert!(core.ends_with(&format!("var roadbookHighlightFiles = {json};\n")));
        assert!(
            core.starts_with(bundle.core),
            "the library, unchanged, first"
        );
    }

    #[test]
    fn the_pieces_are_the_same_every_build() {
        assert_eq!(pieces(FULL).0, pieces(FULL).0);
        assert!(pieces(FULL).1.is_ok());
    }

    #[track_caller]
    fn falls_back(full: &str, why: &str) {
        let (files, outcome) = pieces(full.as_bytes());
        let err = outcome.expect_err("cannot be cut");
        assert!(err.contains(why), "{err}");
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, CORE);
        let whole = std::str::from_utf8(&files[0].1).unwrap();
        assert!(whole.starts_with(full), "the whole file, unchanged");
        assert!(
            whole.ends_with("var roadbookHighlightFiles = {};\n"),
            "an empty table: nothing more to load"
        );
    }

    #[test]
    fn another_highlighter_is_kept_whole() {
        let core = "var hljs=function(){}();\n";
        falls_back("var hljs=function(){}();", "registers no language");
        falls_back(
            "var x=1;\nhljs.registerLanguage(\"a\",function(){}());",
            "does not define",
        );
        falls_back(
            &format!(
                "{core}hljs.registerLanguage(\"b\",function(){{return e.getLanguage(\"a\")}}());\n"
            ),
            "asks for a",
        );
        falls_back(
            &format!(
                "{core}hljs.registerLanguage(\"b\",function(){{return e.getLanguage(n)}}());\n"
            ),
            "getLanguage",
        );
        falls_back(
            &format!(
                "{core}hljs.registerLanguage(\"b\",function(){{return{{subLanguage:n}}}}());\n"
            ),
            "sub-language",
        );
        falls_back(
            &format!("{core}hljs.registerLanguage(\"A b\",function(){{}}());\n"),
            "plain word",
        );
        falls_back(
            &format!("{core}hljs.registerLanguage(\"a\",x);hljs.registerLanguage(\"b\",x);\n"),
            "mid-line",
        );
        falls_back(
            &format!("{core}hljs.registerLanguage(\"a\",x);\nhljs.registerLanguage(\"a\",x);\n"),
            "twice",
        );
        falls_back(
            &format!("{core}hljs.registerLanguage(\"a\",{{aliases:[x]}});\n"),
            "aliases",
        );
        let mut not_utf8 = core.as_bytes().to_vec();
        not_utf8.push(0xff);
        assert!(pieces(&not_utf8).1.unwrap_err().contains("UTF-8"));
    }

    #[test]
    fn a_small_bundle_is_cut_with_its_aliases_and_needs() {
        let full = "var hljs=function(){}();\n\
                    hljs.registerLanguage(\"a\",function(){return{aliases:[\"x\",\"y\"]}}());\n\
                    hljs.registerLanguage(\"b\",function(){return{aliases:[],contains:[{subLanguage:[\"a\",\"gone\"]}]}}());";
        let (files, outcome) = pieces(full.as_bytes());
        outcome.unwrap();
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["a.js", "b.js", "core.js"]);
        let b = file(&files, "b.js");
        assert!(b.find("\"a\",function").unwrap() < b.find("\"b\",function").unwrap());
        assert!(b.ends_with("}}());\n"), "the last chunk gets a line end");
        assert!(file(&files, CORE).ends_with(
            "var roadbookHighlightFiles = {\"a\":\"a.js\",\"b\":\"b.js\",\"x\":\"a.js\",\"y\":\"a.js\"};\n"
        ));
    }
}
