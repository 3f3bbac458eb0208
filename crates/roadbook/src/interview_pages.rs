//! The interview practice part of the book, generated from the prompt
//! library (`interview.rs`): an index with the shared rubric, a page per
//! prompt and the timed mock interview page, whose script
//! (`theme/mock.js`) gets the prompts as JSON inlined in the page — no
//! fetch, so it works from `file://`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use tera::Tera;

use crate::config::Config;
use crate::interview::{Dimension, Figure, Level, Library, Prompt, QuestionKind};
use crate::pages::{Page, PageSource};

/// The folder of the part, relative to `src/`.
const DIR: &str = "interview";

/// The theme files the mock page loads itself (not every page needs them).
const MOCK_ASSETS: [&str; 2] = ["theme/mock.js", "theme/mock.css"];

/// The prompt library as read from disk.
pub(crate) struct Loaded {
    /// The library, when its TOML parses.
    pub(crate) library: Option<Library>,
    /// Every problem found in it.
    pub(crate) diagnostics: Vec<roadmap::Diagnostic>,
    /// Its path relative to the book root, as diagnostics name it.
    pub(crate) path: String,
    /// Its text, for the report.
    pub(crate) text: String,
}

/// Reads the library book.toml names, if any.
pub(crate) fn load(config: &Config, exercise_pages: &[(String, String)]) -> Result<Option<Loaded>> {
    let Some(file) = &config.roadbook.interview else {
        return Ok(None);
    };
    let path = config.root.join(file);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read the interview library {} (book.toml: [preprocessor.roadbook] interview)",
            path.display()
        )
    })?;
    let name = crate::project::relative(&config.root, &path);
    let pages = exercise_pages.iter().map(|(id, _)| id.clone()).collect();
    let (library, diagnostics) = crate::interview::load(&name, &text, &pages);
    Ok(Some(Loaded {
        library,
        diagnostics,
        path: name,
        text,
    }))
}

/// The part's pages: the index, with the mock page and one page per prompt
/// under it. `exercises` are the exercise pages' titles by ID.
pub(crate) fn generate(
    tera: &Tera,
    library: &Library,
    config: &Config,
    exercises: &BTreeMap<String, String>,
) -> Result<Page> {
    let render = |name: &str, context: &tera::Context| -> Result<String> {
        tera.render(name, context)
            .with_context(|| format!("cannot render the page template {name}"))
    };
    let prompts: Vec<PromptView> = library
        .prompts
        .iter()
        .zip(&library.lines)
        .map(|(p, line)| PromptView::of(p, *line, library, config, exercises))
        .collect();

    let mut context = tera::Context::new();
    context.insert("rubric", &RubricView::of(library));
    context.insert(
        "levels",
        &Level::ALL
            .iter()
            .map(|level| LevelView {
                title: level.title(),
                prompts: prompts.iter().filter(|p| p.level == *level).collect(),
            })
            .filter(|l| !l.prompts.is_empty())
            .collect::<Vec<_>>(),
    );
    context.insert("count", &prompts.len());
    context.insert("edit_url", &config.edit_url(&library.path, None));
    context.insert("path", &library.path);
    let mut index = generated(
        &format!("{DIR}/index.md"),
        "Interview practice",
        render("interview-index.md.tera", &context)?,
    );

    let mut context = tera::Context::new();
    context.insert("prompts", &prompts);
    context.insert("data", &mock_data(library, &prompts)?);
    index.children.push(generated(
        &format!("{DIR}/mock.md"),
        "Mock interview",
        render("interview-mock.md.tera", &context)?,
    ));

    for prompt in &prompts {
        let mut context = tera::Context::new();
        context.insert("prompt", prompt);
        context.insert("rubric", &RubricView::of(library));
        index.children.push(generated(
            &format!("{DIR}/{}.md", prompt.id),
            &prompt.title,
            render("interview-prompt.md.tera", &context)?,
        ));
    }
    Ok(index)
}

/// The files the mock page loads: the book's own `theme/mock.*` when it
/// has them, else roadbook's built-in ones. None without a library.
pub(crate) fn files(config: &Config) -> Result<Vec<(PathBuf, Vec<u8>)>> {
    if config.roadbook.interview.is_none() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for name in MOCK_ASSETS {
        let own = config.root.join(name);
        let bytes = if own.is_file() {
            std::fs::read(&own).with_context(|| format!("cannot read {}", own.display()))?
        } else {
            crate::assets::THEME
                .iter()
                .find(|(asset, _)| *asset == name)
                .map(|(_, bytes)| bytes.to_vec())
                .with_context(|| format!("roadbook has no built-in {name}"))?
        };
        files.push((Path::new(name).to_path_buf(), bytes));
    }
    Ok(files)
}

fn generated(path: &str, title: &str, markdown: String) -> Page {
    Page {
        path: path.to_owned(),
        title: title.to_owned(),
        source: PageSource::Generated(crate::escape::links(&markdown)),
        children: Vec::new(),
        appendix: None,
    }
}

/// What the mock page's script needs, as JSON safe inside a `<script>`
/// element (no `<`, `>` or `&` left unescaped).
fn mock_data(library: &Library, prompts: &[PromptView]) -> Result<String> {
    #[derive(Serialize)]
    struct Data<'a> {
        rubric: &'a crate::interview::Rubric,
        prompts: Vec<MockPrompt<'a>>,
    }
    #[derive(Serialize)]
    struct MockPrompt<'a> {
        id: &'a str,
        title: &'a str,
        level: Level,
        minutes: u32,
        ask: &'a str,
        questions: &'a [QuestionView],
        rubric: &'a BTreeMap<String, crate::interview::Expectation>,
    }
    let data = Data {
        rubric: &library.rubric,
        prompts: prompts
            .iter()
            .map(|p| MockPrompt {
                id: &p.id,
                title: &p.title,
                level: p.level,
                minutes: p.minutes,
                ask: &p.ask,
                questions: &p.questions,
                rubric: &p.expectations,
            })
            .collect(),
    };
    let json = serde_json::to_string(&data).context("cannot write the mock page's data")?;
    Ok(json
        .replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e"))
}

#[derive(Serialize)]
struct LevelView<'a> {
    title: &'static str,
    prompts: Vec<&'a PromptView>,
}

#[derive(Serialize)]
struct RubricView<'a> {
    scores: Vec<ScoreView<'a>>,
    dimensions: Vec<DimensionView<'a>>,
}

#[derive(Serialize)]
struct ScoreView<'a> {
    value: usize,
    label: &'a str,
}

#[derive(Serialize)]
struct DimensionView<'a> {
    id: &'a str,
    name: &'a str,
    question: &'a str,
    anchors: Vec<(ScoreView<'a>, &'a str)>,
}

impl<'a> RubricView<'a> {
    fn of(library: &'a Library) -> Self {
        let scores = |rubric: &'a crate::interview::Rubric| {
            rubric
                .scores
                .iter()
                .enumerate()
                .map(|(i, label)| ScoreView {
                    value: i + 1,
                    label,
                })
                .collect::<Vec<_>>()
        };
        let rubric = &library.rubric;
        RubricView {
            scores: scores(rubric),
            dimensions: rubric
                .dimensions
                .iter()
                .map(|d: &'a Dimension| DimensionView {
                    id: &d.id,
                    name: &d.name,
                    question: &d.question,
                    anchors: scores(rubric)
                        .into_iter()
                        .zip(d.anchors.iter().map(String::as_str))
                        .collect(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct PromptView {
    id: String,
    title: String,
    level: Level,
    level_title: &'static str,
    minutes: u32,
    ask: String,
    scope: String,
    out_of_scope: Vec<String>,
    functional: Vec<String>,
    non_functional: Vec<String>,
    inputs: Vec<FigureView>,
    figures: Vec<FigureView>,
    design: Vec<String>,
    diagram: String,
    questions: Vec<QuestionView>,
    red_flags: Vec<String>,
    teaches: Vec<TeachesView>,
    /// What strong and weak look like here, by dimension ID.
    expectations: BTreeMap<String, crate::interview::Expectation>,
    edit_url: Option<String>,
    line: u32,
}

#[derive(Serialize)]
struct FigureView {
    name: String,
    value: String,
    how: String,
}

#[derive(Serialize)]
struct QuestionView {
    at: u32,
    kind: QuestionKind,
    kind_title: &'static str,
    text: String,
    listen_for: String,
}

#[derive(Serialize)]
struct TeachesView {
    part: String,
    page: String,
    title: String,
}

impl PromptView {
    fn of(
        prompt: &Prompt,
        line: u32,
        library: &Library,
        config: &Config,
        exercises: &BTreeMap<String, String>,
    ) -> Self {
        let figures = |figures: &[Figure]| figures.iter().map(FigureView::of).collect();
        PromptView {
            id: prompt.id.get_ref().clone(),
            title: prompt.title.clone(),
            level: prompt.level,
            level_title: prompt.level.title(),
            minutes: *prompt.minutes.get_ref(),
            ask: prompt.ask.clone(),
            scope: prompt.scope.clone(),
            out_of_scope: prompt.out_of_scope.clone(),
            functional: prompt.functional.clone(),
            non_functional: prompt.non_functional.clone(),
            inputs: figures(&prompt.numbers.inputs),
            figures: figures(&prompt.numbers.figures),
            design: prompt
                .design
                .split("\n\n")
                .map(|p| p.trim().replace('\n', " "))
                .filter(|p| !p.is_empty())
                .collect(),
            diagram: prompt.diagram.get_ref().trim().to_owned(),
            questions: prompt
                .questions
                .iter()
                .map(|q| QuestionView {
                    at: *q.at.get_ref(),
                    kind: q.kind,
                    kind_title: match q.kind {
                        QuestionKind::DeepDive => "Deep dive",
                        QuestionKind::FollowUp => "Follow-up",
                    },
                    text: q.text.clone(),
                    listen_for: q.listen_for.clone(),
                })
                .collect(),
            red_flags: prompt.red_flags.clone(),
            teaches: prompt
                .teaches
                .iter()
                .map(|t| TeachesView {
                    part: t.part.clone(),
                    page: t.page.get_ref().clone(),
                    title: exercises
                        .get(t.page.get_ref())
                        .cloned()
                        .unwrap_or_else(|| t.page.get_ref().clone()),
                })
                .collect(),
            expectations: prompt
                .rubric
                .get_ref()
                .iter()
                .map(|(k, v)| (k.clone(), v.get_ref().clone()))
                .collect(),
            edit_url: config.edit_url(&library.path, Some(line)),
            line,
        }
    }
}

impl FigureView {
    fn of(figure: &Figure) -> Self {
        let number = group_thousands(&format!(
            "{:.*}",
            usize::from(figure.decimals),
            figure.value
        ));
        let value = match figure.unit.as_str() {
            "" => number,
            "×" => format!("{number}×"),
            "%" => format!("{number} %"),
            unit => format!("{number} {unit}"),
        };
        FigureView {
            name: figure.name.clone(),
            value,
            how: figure.how.clone(),
        }
    }
}

/// `1234567.5` as `1,234,567.5`.
fn group_thousands(number: &str) -> String {
    let (sign, rest) = number
        .strip_prefix('-')
        .map_or(("", number), |rest| ("-", rest));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(frac) => format!("{sign}{grouped}.{frac}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands("5000000"), "5,000,000");
        assert_eq!(group_thousands("347"), "347");
        assert_eq!(group_thousands("1234.56"), "1,234.56");
        assert_eq!(group_thousands("-1000"), "-1,000");
    }
}

#[cfg(test)]
mod page_tests {
    use std::collections::BTreeSet;

    use super::*;

    fn shipped() -> (Page, Library) {
        let config = Config::from_toml(
            Path::new("/b"),
            "[output.html]\ngit-repository-url = \"https://example.org/r\"\n\
             [preprocessor.roadbook]\ninterview = \"interview/prompts.toml\"\n",
        )
        .unwrap();
        let exercises: BTreeMap<String, String> = [
            (
                "w06-optimize-global-coffee-shop-discovery",
                "Finding the nearest coffee shop",
            ),
            (
                "w01-mock-interview-coffee-ordering-system-scaling",
                "Mock interview",
            ),
            (
                "w06-build-global-menu-caching-system",
                "A global menu cache",
            ),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        let pages: BTreeSet<String> = exercises.keys().cloned().collect();
        let (library, _) = crate::interview::load(
            "interview/prompts.toml",
            include_str!("../../../interview/prompts.toml"),
            &pages,
        );
        let library = library.unwrap();
        let tera = crate::pages::templates(&config).unwrap();
        let index = generate(&tera, &library, &config, &exercises).unwrap();
        (index, library)
    }

    fn markdown<'a>(index: &'a Page, path: &str) -> &'a str {
        let page = std::iter::once(index)
            .chain(&index.children)
            .find(|p| p.path == path)
            .unwrap_or_else(|| panic!("no page {path}"));
        match &page.source {
            PageSource::Generated(text) => text,
            PageSource::Written => panic!("{path} is written"),
        }
    }

    #[test]
    fn a_page_per_prompt_under_the_index_after_the_mock() {
        let (index, library) = shipped();
        assert_eq!(index.path, "interview/index.md");
        assert_eq!(index.children[0].path, "interview/mock.md");
        assert_eq!(index.children.len(), library.prompts.len() + 1);
        assert!(
            markdown(&index, "interview/index.md")
                .contains("[Coffee shop locator](coffee-shop-locator.md)")
        );
    }

    #[test]
    fn prompt_page_of_the_shipped_library() {
        let (index, _) = shipped();
        insta::assert_snapshot!(markdown(&index, "interview/coffee-shop-locator.md"));
    }

    #[test]
    fn the_mock_page_inlines_every_prompt_as_json_a_script_cannot_end_early() {
        let (index, library) = shipped();
        let page = markdown(&index, "interview/mock.md");
        let start = page
            .find("<script type=\"application/json\" id=\"mock-data\">")
            .unwrap();
        let rest = &page[start..];
        let json = &rest[rest.find('>').unwrap() + 1..rest.find("</script>").unwrap()];
        assert!(
            !json.contains('<'),
            "a `<` inside the data could close the script"
        );
        let data: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            data["prompts"].as_array().unwrap().len(),
            library.prompts.len()
        );
        assert_eq!(data["rubric"]["dimension"][0]["id"], "requirements");
        let locator = &data["prompts"][0];
        assert_eq!(locator["minutes"], 45);
        assert_eq!(locator["questions"][0]["at"], 8);
        assert!(locator["rubric"]["estimation"]["strong"].is_string());
        // Loaded from the book's root, so print.html (which repeats the
        // page) links nothing outside the book.
        assert!(page.contains("js.src = path_to_root + 'theme/mock.js';"));
        assert!(!page.contains("../theme/"));
    }

    #[test]
    fn figures_show_their_unit_and_decimals() {
        let figure = |value, unit: &str, decimals| {
            FigureView::of(&Figure {
                name: "x".into(),
                value,
                unit: unit.into(),
                decimals,
                how: String::new(),
            })
            .value
        };
        assert_eq!(figure(5_000_000.0, "", 0), "5,000,000");
        assert_eq!(figure(1.736, "MB/s", 1), "1.7 MB/s");
        assert_eq!(figure(3.0, "×", 0), "3×");
        assert_eq!(figure(60.0, "%", 0), "60 %");
    }
}
