#!/usr/bin/env node
// The real-browser check of the built book, in headless Chromium: what a
// reader of the published site (or of book/ opened from disk) would get.
//
// For the home page, a week page, an exercise page and a phase page, opened
// both from file:// and from a local static server (under the site's
// site-url, as on GitHub Pages):
//   - no console error and no uncaught exception;
//   - no network request outside the site;
//   - no serious or critical axe-core accessibility violation;
//   - a screenshot in tests/browser/artifacts/<mode>/<page>.png.
// Also: every Mermaid diagram of the book renders as SVG (a broken one is
// reported with its source file and line); then each learner feature's own
// checks of features/*.mjs (search, progress, ...) run in both modes.
//
// Usage: node check.mjs [--root DIR] [--book DIR] [--only file|http] [--feature NAME]
// (--feature: only features/NAME.mjs, without the page checks, while working on it)
// Exit code: 0 all passed; 1 a check failed (each failure is printed with the
// page it is on); 2 the check could not run. The last line is the tally,
// `browser: N passed, M failed`.

import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import AxeBuilder from '@axe-core/playwright';

const here = dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2));
const root = resolve(args.root ?? join(here, '..', '..'));
const book = resolve(args.book ?? join(root, 'book'));
const artifacts = join(here, 'artifacts');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const failures = [];
const fail = (where, what) => {
  failures.push(`${where}: ${what}`);
  console.log(`  FAIL ${what}`);
};
// Each named check of a page passes when it adds no failure.
const tally = { passed: 0, failed: 0 };
async function step(run) {
  const before = failures.length;
  await run();
  if (failures.length === before) tally.passed += 1;
  else tally.failed += 1;
}

main().catch((err) => {
  console.error(`error: the browser check could not run: ${err.stack ?? err}`);
  process.exit(2);
});

async function main() {
  if (!existsSync(join(book, 'index.html'))) {
    throw new Error(`no built book at ${book}: run \`cargo run --release -- build\` first`);
  }
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: apt-get install chromium (or set CHROMIUM)`);
  }
  const pages = choosePages();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    if (args.only !== 'http') {
      const base = pathToFileURL(book + sep).href;
      await checkSite(browser, 'file', base, pages);
      if (!args.feature) await checkDiagrams(browser, base, [pages.phase]);
    }
    if (args.only !== 'file') {
      const { server, base } = await serve(book, siteUrl());
      try {
        await checkSite(browser, 'http', base, pages);
      } finally {
        server.close();
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`\nscreenshots in ${relative(process.cwd(), artifacts) || '.'}`);
  for (const failure of failures) console.log(`error: ${failure}`);
  console.log(`browser: ${tally.passed} passed, ${tally.failed} failed`);
  if (failures.length > 0) process.exit(1);
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].replace(/^--/, '');
    if (!['root', 'book', 'only', 'feature'].includes(name) || argv[i + 1] === undefined) {
      console.error(`usage: node check.mjs [--root DIR] [--book DIR] [--only file|http] [--feature NAME]`);
      process.exit(2);
    }
    out[name] = argv[i + 1];
    i += 1;
  }
  return out;
}

/** The pages every mode visits, by name: paths relative to the book. */
function choosePages() {
  const first = (dir, filter) => {
    const names = readdirSync(join(book, dir)).filter(filter).sort();
    if (names.length === 0) throw new Error(`no page in ${join(book, dir)}`);
    return `${dir}/${names[0]}`;
  };
  return {
    home: 'index.html',
    week: first('weeks', (n) => n.endsWith('.html')),
    exercise: first('exercises', (n) => n.endsWith('.html') && n !== 'index.html'),
    phase: first('phases', (n) => n.endsWith('.html')),
  };
}

/** `[output.html] site-url` of book.toml (where GitHub Pages serves the book). */
function siteUrl() {
  const toml = readFileSync(join(root, 'book.toml'), 'utf8');
  const found = toml.match(/^\s*site-url\s*=\s*"([^"]*)"/m);
  let url = found ? found[1] : '/';
  if (!url.startsWith('/')) url = `/${url}`;
  return url.endsWith('/') ? url : `${url}/`;
}

/** A browser page that records console errors and requests outside `base`. */
async function openPage(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const inside = (url) => url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:');
  const log = { errors: [], outside: [] };
  // Never let a request leave the machine; record it instead.
  await context.route((url) => !inside(url.href), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.errors.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => log.errors.push(`uncaught exception: ${err.message}`));
  page.on('request', (req) => {
    if (!inside(req.url())) log.outside.push(req.url());
  });
  return { context, page, log };
}

/** Loads `url` and waits until Mermaid has handled every diagram. */
async function load(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await page
    .waitForFunction(() => [...document.querySelectorAll('pre.mermaid')]
      .every((pre) => pre.getAttribute('data-processed') === 'true'), null, { timeout: 15000 })
    .catch(() => {});
  await page.evaluate(() => document.fonts.ready);
}

async function checkSite(browser, mode, base, pages) {
  console.log(`\n== ${mode}: ${base}`);
  mkdirSync(join(artifacts, mode), { recursive: true });
  for (const [name, path] of Object.entries(args.feature ? {} : pages)) {
    const url = base + path;
    console.log(`${name}: ${url}`);
    const { context, page, log } = await openPage(browser, base);
    await load(page, url);
    await page.screenshot({ path: join(artifacts, mode, `${name}.png`), fullPage: false });
    if (name === 'phase') await step(() => expectDiagrams(page, url, path));
    await step(() => expectAccessible(page, url));
    await step(() => expectClean(url, log));
    await context.close();
  }
  await runFeatures(browser, mode, base, pages);
}

/**
 * The feature checks of features/*.mjs, in name order, once per mode. Each
 * module's default export is `{ name, run(ctx) }`; `run` gets the context
 * below and reports through `ctx.step`/`ctx.fail` like the checks above:
 * `ctx.openPage(base?)` gives `{ context, page, log }` for the site (or
 * another one at `base`; close the context when done), `ctx.expectClean(url, log)` fails on console errors and requests
 * outside the site, `ctx.expectAccessible(page, url)` on axe violations.
 * A learner feature brings its own file, so features do not edit this one.
 */
async function runFeatures(browser, mode, base, pages) {
  const dir = join(here, 'features');
  if (!existsSync(dir)) return;
  const names = readdirSync(dir).filter((n) => n.endsWith('.mjs') && (!args.feature || n === `${args.feature}.mjs`)).sort();
  if (names.length === 0) throw new Error(`no feature ${args.feature}: features/ has ${readdirSync(dir).join(', ')}`);
  for (const file of names) {
    const feature = (await import(pathToFileURL(join(dir, file)).href)).default;
    console.log(`${feature.name} (features/${file})`);
    await feature.run({
      browser, mode, base, pages, book, root, artifacts: join(artifacts, mode),
      openPage: (other) => openPage(browser, other ?? base), load, step, fail, expectAccessible, expectClean,
    });
  }
}

/** No console error, no uncaught exception, no request outside the site. */
function expectClean(url, log) {
  for (const error of log.errors) fail(url, error);
  for (const request of [...new Set(log.outside)]) fail(url, `request outside the site: ${request}`);
}

/**
 * Every other page with a diagram (but the print page, which repeats them
 * all; `checked` pages were seen already).
 */
async function checkDiagrams(browser, base, checked) {
  const withDiagrams = htmlFiles(book)
    .filter((path) => path !== 'print.html' && !checked.includes(path))
    .filter((path) => readFileSync(join(book, path), 'utf8').includes('<pre class="mermaid">'));
  console.log(`\n== diagrams: ${withDiagrams.length} pages`);
  for (const path of withDiagrams) {
    const url = base + path;
    const { context, page, log } = await openPage(browser, base);
    await load(page, url);
    const before = failures.length;
    await step(() => expectDiagrams(page, url, path));
    await step(() => {
      for (const error of log.errors) fail(url, error);
    });
    if (failures.length === before) console.log(`  ok ${path}`);
    await context.close();
  }
}

function htmlFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = prefix + entry.name;
    if (entry.isDirectory()) return htmlFiles(join(dir, entry.name), `${path}/`);
    return path.endsWith('.html') ? [path] : [];
  }).sort();
}

/** Each `pre.mermaid` of the page holds a rendered SVG, not text or an error. */
async function expectDiagrams(page, url, path) {
  const sources = diagramSources(readFileSync(join(book, path), 'utf8'));
  const states = await page.evaluate(() => [...document.querySelectorAll('pre.mermaid')].map((pre) => {
    const svg = pre.querySelector('svg');
    return {
      svg: Boolean(svg),
      error: Boolean(svg && svg.getAttribute('aria-roledescription') === 'error')
        || pre.textContent.includes('Syntax error'),
      shapes: svg ? svg.querySelectorAll('g.node, g.cluster, .actor, .state, rect, path').length : 0,
    };
  }));
  if (states.length === 0) {
    fail(url, 'no diagram on the page (expected a pre.mermaid block)');
    return;
  }
  for (const [i, state] of states.entries()) {
    if (state.svg && !state.error && state.shapes > 0) continue;
    const source = sources[i] ?? '';
    const where = locateDiagram(source);
    const why = await page.evaluate(async (text) => {
      if (!window.mermaid) return 'Mermaid did not load';
      try {
        await window.mermaid.parse(text);
        return null;
      } catch (err) {
        return String(err.message ?? err);
      }
    }, source);
    const line = why && /line (\d+)/.exec(why);
    const offset = line ? sourceLine(source, Number(line[1])) - 1 : 0;
    const at = where ? `${where.file}:${where.line + offset}` : 'an unknown source';
    const how = state.error ? 'renders as "Syntax error"' : state.svg ? 'renders empty' : 'stays text';
    const message = (why ?? 'no parse error').replace(/ on line \d+/, '').split('\n').join(' | ');
    fail(url, `diagram ${i + 1} (${at}) ${how}: ${message}`);
  }
}

/**
 * The line of `source` that Mermaid calls line `n`: Mermaid drops `%%`
 * comment lines before it parses, so its line numbers skip them.
 */
function sourceLine(source, n) {
  const lines = source.replace(/^\n+/, '').split('\n');
  let seen = 0;
  for (const [i, text] of lines.entries()) {
    if (/^\s*%%(?!\{)./.test(text)) continue;
    seen += 1;
    if (seen === n) return i + 1;
  }
  return n;
}

/** The text of each `<pre class="mermaid">` block of an HTML page, in order. */
function diagramSources(html) {
  const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'").replace(/&amp;/g, '&');
  return [...html.matchAll(/<pre class="mermaid">([\s\S]*?)<\/pre>/g)].map((m) => unescape(m[1]));
}

/** The file and line where a diagram's text starts: diagrams/*.mmd or a page under src/. */
function locateDiagram(source) {
  const lines = source.split('\n').map((l) => l.trimEnd());
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined) return null;
  const candidates = [];
  const diagrams = join(root, 'diagrams');
  if (existsSync(diagrams)) {
    for (const name of readdirSync(diagrams).filter((n) => n.endsWith('.mmd')).sort()) {
      candidates.push(`diagrams/${name}`);
    }
  }
  const src = join(root, 'src');
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
    ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : []));
  if (existsSync(src)) candidates.push(...walk(src).sort().map((f) => relative(root, f)));
  const want = lines.join('\n').trim();
  for (const file of candidates) {
    const text = readFileSync(join(root, file), 'utf8');
    const fileLines = text.split('\n').map((l) => l.trimEnd());
    const joined = fileLines.join('\n');
    const at = joined.indexOf(want);
    if (at >= 0) {
      const line = joined.slice(0, at).split('\n').length;
      // Line 1 of the diagram is the line of its first character.
      const lead = lines.findIndex((l) => l.trim() !== '');
      return { file, line: line - lead };
    }
  }
  return null;
}

/** No serious or critical axe-core violation. */
async function expectAccessible(page, url) {
  // axe "preloads" stylesheets with XMLHttpRequest, which Chromium refuses
  // for file:// (a console error that is axe's, not the book's); the
  // stylesheet rule it serves is checked over http.
  const preload = !url.startsWith('file:');
  const results = await new AxeBuilder({ page }).options({ preload }).analyze();
  for (const v of results.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical') continue;
    const targets = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ');
    fail(url, `accessibility (${v.impact}) ${v.id}: ${v.help} — ${v.nodes.length} element(s), e.g. ${targets}`);
  }
}
