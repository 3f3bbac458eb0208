//! The learner's part of a reference module: the functions inside
//! `// ANCHOR: solution` … `// ANCHOR_END: solution` regions, whose bodies a
//! practice kit replaces with `todo!()`.
//!
//! The markers are mdBook's anchor comments, so a page's
//! `{{#include file:anchor}}` drops them like any other anchor line, and
//! several regions may share the name (mdBook only ever includes the first
//! region of a name, and no page includes `solution`). A region holds whole
//! functions (a method, an impl block's methods, a free function) or every
//! statement of one body; each function whose statements all lie inside a
//! region gets `todo!()` as its body. Everything else stays as written.

use book_tests::include::{anchor_end, anchor_start};
use proc_macro2::LineColumn;
use syn::spanned::Spanned;

/// The anchor name that marks what the learner writes.
pub(crate) const SOLUTION: &str = "solution";

/// A problem with a module's solution markers or its syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MarkerError {
    /// 1-based line.
    pub(crate) line: usize,
    /// 1-based column, in characters.
    pub(crate) column: usize,
    /// What is wrong.
    pub(crate) message: String,
}

/// A function of a module: its name as a reader calls it (`Backoff::next_delay`)
/// and the 1-based line of its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Function {
    /// `Type::method` or `function`.
    pub(crate) name: String,
    /// The line of the function's name.
    pub(crate) line: usize,
}

/// A module with its marked bodies replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cut {
    /// The module's text for the kit.
    pub(crate) text: String,
    /// The functions left for the learner, in file order, with their lines
    /// in `text`.
    pub(crate) todo: Vec<Function>,
}

/// Whether `text` has a solution region.
pub(crate) fn has_solution(text: &str) -> bool {
    text.lines()
        .any(|line| anchor_start(line) == Some(SOLUTION))
}

/// One solution region: from the start of its `ANCHOR` line to the end of
/// its `ANCHOR_END` line.
struct Region {
    start: usize,
    end: usize,
    line: usize,
}

fn regions(text: &str) -> Result<Vec<Region>, MarkerError> {
    let mut regions = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let number = index + 1;
        if anchor_start(line) == Some(SOLUTION) {
            if let Some((_, opened)) = open {
                return Err(error_at(
                    number,
                    format!("a solution region opens inside the one opened at line {opened}"),
                ));
            }
            open = Some((offset, number));
        } else if anchor_end(line) == Some(SOLUTION) {
            let Some((start, opened)) = open.take() else {
                return Err(error_at(
                    number,
                    "`ANCHOR_END: solution` closes no region: add `// ANCHOR: solution` before it",
                ));
            };
            regions.push(Region {
                start,
                end: offset + line.len(),
                line: opened,
            });
        }
        offset += line.len();
    }
    if let Some((_, opened)) = open {
        return Err(error_at(
            opened,
            "this solution region is never closed: add `// ANCHOR_END: solution` after it",
        ));
    }
    Ok(regions)
}

fn error_at(line: usize, message: impl Into<String>) -> MarkerError {
    MarkerError {
        line,
        column: 1,
        message: message.into(),
    }
}

/// Replaces the body of every function inside a solution region of `text`
/// with `todo!()`, and drops the anchor comment lines (they mean nothing to
/// the learner). A region that holds no whole function body is an error.
pub(crate) fn cut(text: &str) -> Result<Cut, MarkerError> {
    let regions = regions(text)?;
    let file = parse(text)?;
    let lines = LineIndex::new(text);
    let mut bodies = Vec::new();
    for_each_function(&file.items, text, &lines, &mut |function| {
        bodies.push(function);
    });
    let mut used = vec![false; regions.len()];
    let mut replace = Vec::new();
    // `todo!()` cannot stand for an `impl Trait` it has no type for: such a
    // function keeps its body, as a given helper.
    for body in bodies.iter().filter(|body| !body.returns_impl_trait) {
        if let Some(index) = regions
            .iter()
            .position(|r| r.start <= body.inner.start && body.inner.end <= r.end)
        {
            used[index] = true;
            replace.push(body);
        }
    }
    if let Some(index) = used.iter().position(|used| !used) {
        return Err(error_at(
            regions[index].line,
            "this solution region holds no whole function body: put the markers around whole \
             functions, or around every statement of one body",
        ));
    }
    let mut out = text.to_owned();
    for body in replace.iter().rev() {
        let indent = lines.indent(text, body.close);
        let filling = if lines.line_of(body.open) == lines.line_of(body.close) {
            " todo!() ".to_owned()
        } else {
            format!("\n{indent}    todo!()\n{indent}")
        };
        out.replace_range(body.open + 1..body.close, &filling);
    }
    let out = without_anchor_lines(&out);
    let todo = todo_functions(&out)?;
    Ok(Cut { text: out, todo })
}

/// `text` without its `#[cfg(test)]` modules: support code comes into a kit
/// without its own tests.
pub(crate) fn without_tests(text: &str) -> Result<String, MarkerError> {
    let file = parse(text)?;
    let lines = LineIndex::new(text);
    let mut cuts = Vec::new();
    for item in &file.items {
        if let syn::Item::Mod(module) = item
            && module.attrs.iter().any(is_cfg_test)
        {
            let span = module.span();
            let start = lines.line_start(span.start().line);
            let end = lines.line_end(text, span.end().line);
            cuts.push(start..end);
        }
    }
    let mut out = text.to_owned();
    for range in cuts.into_iter().rev() {
        out.replace_range(range, "");
    }
    Ok(without_anchor_lines(out.trim_end()) + "\n")
}

/// A test of a module: its function's name, its line and its doc comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TestFn {
    /// The function's name (the last segment of the name libtest prints).
    pub(crate) name: String,
    /// 1-based line of `fn`.
    pub(crate) line: usize,
    /// Its `///` comment, joined into one line.
    pub(crate) doc: Option<String>,
}

/// The `#[test]` functions of `text`, those of `proptest!` blocks included,
/// in file order.
pub(crate) fn tests_in(text: &str) -> Vec<TestFn> {
    let mut tests = Vec::new();
    let mut doc: Vec<&str> = Vec::new();
    let mut is_test = false;
    for (index, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix("///") {
            doc.push(comment.trim());
        } else if trimmed.starts_with("#[") {
            is_test |= trimmed.starts_with("#[test]");
        } else if let Some(name) = fn_name(trimmed).filter(|_| is_test) {
            tests.push(TestFn {
                name: name.to_owned(),
                line: index + 1,
                doc: (!doc.is_empty()).then(|| doc.join(" ")),
            });
            doc.clear();
            is_test = false;
        } else {
            doc.clear();
            is_test = false;
        }
    }
    tests
}

/// The name of the function a line declares (`fn name(`, `pub fn name<`).
fn fn_name(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("pub ")
        .unwrap_or(line)
        .strip_prefix("fn ")?;
    let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    (end > 0).then(|| &rest[..end])
}

fn parse(text: &str) -> Result<syn::File, MarkerError> {
    syn::parse_file(text).map_err(|err| {
        let at = err.span().start();
        MarkerError {
            line: at.line,
            column: at.column + 1,
            message: format!("cannot parse the module: {err}"),
        }
    })
}

fn is_cfg_test(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg")
        && attr
            .meta
            .require_list()
            .is_ok_and(|list| list.tokens.to_string() == "test")
}

/// Lines that are nothing but an anchor comment are left out.
fn without_anchor_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .filter(|line| {
            let trimmed = line.trim_start();
            !(trimmed.starts_with("//")
                && (anchor_start(trimmed).is_some() || anchor_end(trimmed).is_some()))
        })
        .collect()
}

/// A function body: its braces' offsets and the range its statements take.
struct Body {
    returns_impl_trait: bool,
    open: usize,
    close: usize,
    inner: std::ops::Range<usize>,
    function: Function,
}

fn for_each_function(
    items: &[syn::Item],
    text: &str,
    lines: &LineIndex,
    visit: &mut dyn FnMut(Body),
) {
    for item in items {
        match item {
            syn::Item::Fn(f) => visit(body(&f.sig, &f.block, None, text, lines)),
            syn::Item::Impl(block) => {
                let owner = lines.slice(text, block.self_ty.span());
                for item in &block.items {
                    if let syn::ImplItem::Fn(f) = item {
                        visit(body(&f.sig, &f.block, Some(owner), text, lines));
                    }
                }
            }
            syn::Item::Trait(t) => {
                for item in &t.items {
                    if let syn::TraitItem::Fn(f) = item
                        && let Some(block) = &f.default
                    {
                        let owner = t.ident.to_string();
                        visit(body(&f.sig, block, Some(&owner), text, lines));
                    }
                }
            }
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    for_each_function(items, text, lines, visit);
                }
            }
            _ => {}
        }
    }
}

fn body(
    sig: &syn::Signature,
    block: &syn::Block,
    owner: Option<&str>,
    text: &str,
    lines: &LineIndex,
) -> Body {
    let open = lines.offset(text, block.brace_token.span.open().start());
    let close = lines.offset(text, block.brace_token.span.close().start());
    let inner = match (block.stmts.first(), block.stmts.last()) {
        (Some(first), Some(last)) => {
            lines.offset(text, first.span().start())..lines.offset(text, last.span().end())
        }
        _ => open + 1..close,
    };
    let name = match owner {
        // `CircuitBreaker<C>` reads as `CircuitBreaker`.
        Some(owner) => {
            let owner: String = owner.split_whitespace().collect();
            let owner = owner.split('<').next().unwrap_or_default();
            format!("{owner}::{}", sig.ident)
        }
        None => sig.ident.to_string(),
    };
    Body {
        returns_impl_trait: matches!(&sig.output, syn::ReturnType::Type(_, ty) if matches!(**ty, syn::Type::ImplTrait(_))),
        open,
        close,
        inner,
        function: Function {
            name,
            line: sig.ident.span().start().line,
        },
    }
}

/// The functions of `text` whose body is `todo!()` alone.
fn todo_functions(text: &str) -> Result<Vec<Function>, MarkerError> {
    let file = parse(text)?;
    let lines = LineIndex::new(text);
    let mut todo = Vec::new();
    for_each_function(&file.items, text, &lines, &mut |body| {
        if text[body.open + 1..body.close].trim() == "todo!()" {
            todo.push(body.function);
        }
    });
    Ok(todo)
}

/// Line starts of a text, to turn proc-macro2's line and column into byte
/// offsets.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        Self { starts }
    }

    fn line_start(&self, line: usize) -> usize {
        self.starts[line.saturating_sub(1).min(self.starts.len() - 1)]
    }

    /// The offset just past the end of `line`, its newline included.
    fn line_end(&self, text: &str, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(text.len())
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }

    /// The byte offset of a line and (character) column.
    fn offset(&self, text: &str, at: LineColumn) -> usize {
        let start = self.line_start(at.line);
        let line = &text[start..self.line_end(text, at.line)];
        start
            + line
                .char_indices()
                .nth(at.column)
                .map_or(line.len(), |(i, _)| i)
    }

    /// The leading whitespace of the line holding `offset`.
    fn indent<'t>(&self, text: &'t str, offset: usize) -> &'t str {
        let start = self.line_start(self.line_of(offset));
        let line = &text[start..];
        &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
    }

    /// The source text a span covers.
    fn slice<'t>(&self, text: &'t str, span: proc_macro2::Span) -> &'t str {
        &text[self.offset(text, span.start())..self.offset(text, span.end())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODULE: &str = "\
/// A counter.
pub struct Counter(u32);

impl Counter {
    // ANCHOR: page
    // ANCHOR: solution
    /// One more.
    pub fn bump(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
    // ANCHOR_END: solution
    // ANCHOR_END: page

    /// The count.
    pub fn get(&self) -> u32 {
        self.0
    }
}

/// Twice `n`.
pub fn double(n: u32) -> u32 {
    // ANCHOR: solution
    let twice = n * 2;
    twice
    // ANCHOR_END: solution
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bumping counts up.
    #[test]
    fn bump_counts() {
        assert_eq!(Counter(0).bump(), 1);
    }

    #[test]
    fn doubles() {
        assert_eq!(double(2), 4);
    }
}
";

    #[test]
    fn marked_bodies_become_todo_and_the_rest_stays() {
        let cut = cut(MODULE).unwrap();
        assert!(cut.text.contains(
            "    /// One more.\n    pub fn bump(&mut self) -> u32 {\n        todo!()\n    }\n"
        ));
        assert!(
            cut.text
                .contains("pub fn double(n: u32) -> u32 {\n    todo!()\n}\n")
        );
        assert!(
            cut.text
                .contains("pub fn get(&self) -> u32 {\n        self.0\n    }")
        );
        assert!(!cut.text.contains("ANCHOR"));
        assert!(!cut.text.contains("self.0 += 1"));
        assert!(cut.text.contains("fn bump_counts()"));
        let names: Vec<_> = cut.todo.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Counter::bump", "double"]);
        let bump_line = cut
            .text
            .lines()
            .position(|l| l.contains("fn bump"))
            .unwrap()
            + 1;
        assert_eq!(cut.todo[0].line, bump_line);
        syn::parse_file(&cut.text).unwrap();
    }

    /// What mdBook shows of the page's anchor is unchanged by the markers.
    #[test]
    fn the_page_anchor_reads_as_before() {
        let shown = book_tests::include::take_anchored_lines(MODULE, "page");
        assert_eq!(
            shown,
            "    /// One more.\n    pub fn bump(&mut self) -> u32 {\n        self.0 += 1;\n        self.0\n    }"
        );
    }

    #[test]
    fn a_function_returning_impl_trait_keeps_its_body() {
        let text = "// ANCHOR: solution\nfn one() -> u8 { 1 }\nfn all() -> impl Iterator<Item = u8> { 0..3 }\n// ANCHOR_END: solution\n";
        assert_eq!(
            cut(text).unwrap().text,
            "fn one() -> u8 { todo!() }\nfn all() -> impl Iterator<Item = u8> { 0..3 }\n"
        );
    }

    #[test]
    fn a_one_line_body_stays_on_one_line() {
        let text = "// ANCHOR: solution\nfn one() -> u8 { 1 }\n// ANCHOR_END: solution\n";
        assert_eq!(cut(text).unwrap().text, "fn one() -> u8 { todo!() }\n");
    }

    #[test]
    fn bad_markers_are_reported_at_their_line() {
        let check = |text: &str, line: usize, words: &str| {
            let err = cut(text).unwrap_err();
            assert_eq!(err.line, line, "{err:?}");
            assert!(err.message.contains(words), "{}", err.message);
        };
        check("fn a() {}\n// ANCHOR: solution\n", 2, "never closed");
        check("// ANCHOR_END: solution\n", 1, "closes no region");
        check(
            "// ANCHOR: solution\n// ANCHOR: solution\n// ANCHOR_END: solution\n",
            2,
            "inside the one opened at line 1",
        );
        // Half a body cannot become `todo!()`.
        check(
            "fn a() -> u8 {\n    let x = 1;\n    // ANCHOR: solution\n    x\n    // ANCHOR_END: solution\n}\n",
            3,
            "no whole function body",
        );
        check(
            "// ANCHOR: solution\npub struct S;\n// ANCHOR_END: solution\n",
            1,
            "no whole function body",
        );
        check("fn a( {\n", 1, "cannot parse");
    }

    #[test]
    fn support_code_loses_its_tests_only() {
        let out = without_tests(MODULE).unwrap();
        assert!(!out.contains("mod tests"));
        assert!(!out.contains("bump_counts"));
        assert!(out.contains("self.0 += 1"));
        assert!(out.ends_with("}\n"));
        syn::parse_file(&out).unwrap();
    }

    #[test]
    fn tests_are_listed_with_their_doc() {
        let tests = tests_in(MODULE);
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0].name, "bump_counts");
        assert_eq!(tests[0].doc.as_deref(), Some("Bumping counts up."));
        assert_eq!(
            MODULE.lines().nth(tests[0].line - 1).unwrap().trim(),
            "fn bump_counts() {"
        );
        assert_eq!(tests[1].name, "doubles");
        assert_eq!(tests[1].doc, None);
        let proptest =
            "proptest! {\n    /// Holds.\n    #[test]\n    fn holds(x in 0u8..) {\n    }\n}\n";
        assert_eq!(
            tests_in(proptest),
            [TestFn {
                name: "holds".into(),
                line: 4,
                doc: Some("Holds.".into())
            }]
        );
    }
}
