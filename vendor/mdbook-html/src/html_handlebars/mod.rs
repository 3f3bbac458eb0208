mod hbs_renderer;
mod helpers;
#[cfg(feature = "search")]
mod search;
mod static_files;

pub use self::hbs_renderer::HtmlHandlebars;
