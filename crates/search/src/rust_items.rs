//! Reference code as search records: a module's doc, and each public
//! function, type and trait (with impl methods) with its doc comment, read
//! with `syn`.

use syn::spanned::Spanned;
use syn::{Attribute, ImplItem, Item, TraitItem, Visibility};

use crate::extract::{Block, Record, Unit};

/// The records of one Rust source file: `module` is its path in the crate
/// (`circuit_breaker`), `source` the file relative to the book root.
///
/// # Errors
///
/// When the file is not valid Rust.
pub fn scan_file(text: &str, module: &str, source: &str) -> syn::Result<Vec<Record>> {
    let file = syn::parse_file(text)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut scan = Scan {
        lines: &lines,
        module,
        source,
        records: Vec::new(),
    };
    let doc = doc_text(&file.attrs);
    if !doc.trim().is_empty() {
        scan.push_doc_only(module, "module", &doc, 1);
    }
    for item in &file.items {
        scan.item(item, module);
    }
    Ok(scan.records)
}

struct Scan<'a> {
    lines: &'a [&'a str],
    module: &'a str,
    source: &'a str,
    records: Vec<Record>,
}

impl Scan<'_> {
    fn item(&mut self, item: &Item, scope: &str) {
        match item {
            Item::Fn(f) if is_pub(&f.vis) => {
                let path = format!("{scope}::{}", f.sig.ident);
                self.push(&path, "function", &f.attrs, item.span());
            }
            Item::Struct(s) if is_pub(&s.vis) => {
                let path = format!("{scope}::{}", s.ident);
                self.push(&path, "struct", &s.attrs, item.span());
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let path = format!("{scope}::{}", e.ident);
                self.push(&path, "enum", &e.attrs, item.span());
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                let path = format!("{scope}::{}", t.ident);
                self.push(&path, "trait", &t.attrs, item.span());
                for inner in &t.items {
                    if let TraitItem::Fn(f) = inner {
                        let method = format!("{path}::{}", f.sig.ident);
                        self.push(&method, "method", &f.attrs, inner.span());
                    }
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                let Some(ty) = type_name(&imp.self_ty) else {
                    return;
                };
                for inner in &imp.items {
                    if let ImplItem::Fn(f) = inner
                        && is_pub(&f.vis)
                    {
                        let method = format!("{scope}::{ty}::{}", f.sig.ident);
                        self.push(&method, "method", &f.attrs, inner.span());
                    }
                }
            }
            Item::Mod(m) if is_pub(&m.vis) => {
                if let Some((_, items)) = &m.content {
                    let path = format!("{scope}::{}", m.ident);
                    for inner in items {
                        self.item(inner, &path);
                    }
                }
            }
            _ => {}
        }
    }

    /// A record for an item spanning `span`, its doc comment lines left out
    /// of the code.
    fn push(&mut self, path: &str, what: &str, attrs: &[Attribute], span: proc_macro2::Span) {
        let start = span.start().line.max(1);
        let end = span.end().line.max(start);
        let mut first = start;
        while first < end
            && self
                .lines
                .get(first - 1)
                .is_some_and(|l| l.trim_start().starts_with("///") || l.trim().is_empty())
        {
            first += 1;
        }
        let code_lines = self
            .lines
            .get(first - 1..end.min(self.lines.len()))
            .unwrap_or_default();
        let code = dedent(code_lines);
        let doc = doc_text(attrs);
        let (prose, mut blocks) = split_doc(&doc);
        blocks.push(Block::Code {
            lang: "rust".into(),
            text: code.clone(),
        });
        let mut codes: Vec<String> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Code { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect();
        codes.dedup();
        let name = path.rsplit("::").next().unwrap_or(path).to_string();
        self.records.push(Record {
            unit: Unit::Code,
            kind: "code".into(),
            id: path.to_string(),
            scopes: scopes_of(path),
            page: self.source.to_string(),
            url: format!("{}#L{first}", self.source),
            title: path.to_string(),
            page_top: false,
            heading_path: vec![format!("{} {what}", self.module), name.clone()],
            heading: split_identifier(&name),
            body: prose,
            code: codes,
            blocks,
            weeks: Vec::new(),
            source: self.source.to_string(),
            line: Some(first as u64),
        });
    }

    fn push_doc_only(&mut self, path: &str, what: &str, doc: &str, line: u64) {
        let (prose, blocks) = split_doc(doc);
        let code = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Code { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect();
        self.records.push(Record {
            unit: Unit::Code,
            kind: "code".into(),
            id: path.to_string(),
            scopes: Vec::new(),
            page: self.source.to_string(),
            url: format!("{}#L{line}", self.source),
            title: path.to_string(),
            page_top: true,
            heading_path: vec![format!("{path} {what}")],
            heading: path.to_string(),
            body: prose,
            code,
            blocks,
            weeks: Vec::new(),
            source: self.source.to_string(),
            line: Some(line),
        });
    }
}

/// `CircuitBreaker` and `try_acquire` as words: `Circuit Breaker`,
/// `try acquire`.
fn split_identifier(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for ch in name.chars() {
        if ch == '_' {
            out.push(' ');
            previous_lower = false;
            continue;
        }
        if ch.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = ch.is_lowercase() || ch.is_ascii_digit();
        out.push(ch);
    }
    out
}

/// `a::B::c` is inside `a` and `a::B`.
fn scopes_of(path: &str) -> Vec<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..parts.len()).map(|n| parts[..n].join("::")).collect()
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The doc comment of an item: its `#[doc = "…"]` lines, one leading space
/// removed.
fn doc_text(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            let value = s.value();
            for line in value.lines() {
                lines.push(line.strip_prefix(' ').unwrap_or(line).to_string());
            }
            if value.is_empty() {
                lines.push(String::new());
            }
        }
    }
    lines.join("\n")
}

/// Splits a doc comment into its prose (paragraphs joined) and blocks, the
/// fenced examples becoming code blocks with rustdoc's hidden `# ` lines
/// left out.
fn split_doc(doc: &str) -> (String, Vec<Block>) {
    let mut blocks = Vec::new();
    let mut para = Vec::new();
    let mut code: Option<(String, Vec<&str>)> = None;
    let flush = |para: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        let text = plain_markdown(&crate::extract::normalize(&para.join(" ")));
        para.clear();
        if text.is_empty() {
            return;
        }
        if let Some(heading) = text.strip_prefix("# ") {
            blocks.push(Block::Heading {
                text: heading.to_string(),
            });
        } else if let Some(item) = text.strip_prefix("- ") {
            blocks.push(Block::Item {
                text: item.to_string(),
                checkbox: false,
                id: None,
            });
        } else {
            blocks.push(Block::Text { text });
        }
    };
    for line in doc.lines() {
        let trimmed = line.trim_start();
        if let Some((lang, body)) = &mut code {
            if trimmed.starts_with("```") {
                let is_rust = lang.is_empty() || lang.split(',').any(|l| l == "rust");
                let kept: Vec<&str> = body
                    .iter()
                    .copied()
                    .filter(|l| !(is_rust && (l.trim() == "#" || l.trim_start().starts_with("# "))))
                    .collect();
                blocks.push(Block::Code {
                    lang: if is_rust { "rust".into() } else { lang.clone() },
                    text: kept.join("\n"),
                });
                code = None;
            } else {
                body.push(line);
            }
            continue;
        }
        if let Some(info) = trimmed.strip_prefix("```") {
            flush(&mut para, &mut blocks);
            code = Some((info.trim().to_string(), Vec::new()));
        } else if trimmed.is_empty() || trimmed.starts_with("- ") || trimmed.starts_with('#') {
            flush(&mut para, &mut blocks);
            if !trimmed.is_empty() {
                para.push(trimmed);
            }
        } else {
            para.push(trimmed);
        }
    }
    flush(&mut para, &mut blocks);
    let prose = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text } | Block::Text { text } | Block::Item { text, .. } => {
                Some(text.as_str())
            }
            Block::Code { .. } => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    (prose, blocks)
}

/// Doc-comment Markdown as a reader of rustdoc sees it: no backticks, and
/// links (`[text](target)`, intra-doc `[`Item`]`) as their text.
fn plain_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '[' => {}
            ']' => {
                if chars.peek() == Some(&'(') {
                    let mut depth = 0;
                    for c in chars.by_ref() {
                        match c {
                            '(' => depth += 1,
                            ')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Removes the indentation common to all non-blank lines.
fn dedent(lines: &[&str]) -> String {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"//! A breaker.
//!
//! ```
//! # use x::y;
//! let b = 1;
//! ```

use std::time::Duration;

/// When it opens.
#[derive(Debug)]
pub struct Config {
    /// Threshold.
    pub threshold: f64,
}

struct Private;

/// The breaker.
pub struct Breaker;

impl Breaker {
    /// Runs `f` unless open.
    pub fn call(&mut self) -> bool {
        true
    }

    fn hidden(&self) {}
}

impl Default for Breaker {
    fn default() -> Self { Breaker }
}
"#;

    #[test]
    fn scans_public_items_with_their_docs_and_lines() {
        let records =
            scan_file(SOURCE, "circuit_breaker", "crates/p/src/circuit_breaker.rs").unwrap();
        let ids: Vec<_> = records.iter().map(|r| (r.id.as_str(), r.line)).collect();
        assert_eq!(
            ids,
            vec![
                ("circuit_breaker", Some(1)),
                ("circuit_breaker::Config", Some(11)),
                ("circuit_breaker::Breaker", Some(20)),
                ("circuit_breaker::Breaker::call", Some(24)),
            ]
        );
        let module = &records[0];
        assert_eq!(module.body, "A breaker.");
        assert_eq!(module.code, vec!["let b = 1;".to_string()]);
        let config = &records[1];
        assert_eq!(config.body, "When it opens.");
        assert!(config.code[0].starts_with("#[derive(Debug)]\npub struct Config {"));
        let call = &records[3];
        assert_eq!(
            call.code,
            vec!["pub fn call(&mut self) -> bool {\n    true\n}".to_string()]
        );
        assert_eq!(
            call.scopes,
            vec!["circuit_breaker", "circuit_breaker::Breaker"]
        );
        assert_eq!(call.url, "crates/p/src/circuit_breaker.rs#L24");
    }

    #[test]
    fn doc_markdown_reads_as_plain_text() {
        assert_eq!(
            plain_markdown("Runs `f`; see [`CallError::Rejected`] and [the guide](../x.md#a(b))."),
            "Runs f; see CallError::Rejected and the guide."
        );
    }

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(split_identifier("CircuitBreaker"), "Circuit Breaker");
        assert_eq!(split_identifier("try_acquire"), "try acquire");
        assert_eq!(split_identifier("HTTPServer2"), "HTTPServer2");
    }

    #[test]
    fn invalid_rust_is_an_error_not_a_panic() {
        assert!(scan_file("pub fn (", "m", "m.rs").is_err());
    }
}
