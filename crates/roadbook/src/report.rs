//! Printing diagnostics: rustc-style for people, JSON for tools, workflow
//! commands for GitHub annotations.
