//! Any bytes as a roadmap: parsing never panics, never recurses without
//! bound, and every diagnostic points at a line and a byte range that exist.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let parsed = roadmap::parse_bytes(bytes, "roadmap.md");
    let text = String::from_utf8_lossy(bytes);
    // Lines end at LF, CRLF or a lone CR.
    let lines =
        1 + text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    for diagnostic in &parsed.diagnostics {
        let span = diagnostic.span;
        assert!(
            span.line >= 1 && span.line as usize <= lines,
            "{diagnostic:?}"
        );
        assert!(
            span.start <= span.end && span.end <= text.len(),
            "{diagnostic:?}"
        );
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    }
});
