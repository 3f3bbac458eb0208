// Highlight.js in pieces: a page with code loads theme/highlight/core.js
// and the files of the languages its blocks name, no other (rust.js on an
// exercise page; yaml.js, and rust.js for its Rust, on a page with YAML),
// never the whole highlighter (highlight.full.js), and its blocks are
// coloured (hljs spans); a page without a block naming a language loads
// none of it. From file:// and over http.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export default {
  name: 'highlighting in pieces',
  async run(ctx) {
    await ctx.step(() => coloured(ctx, ctx.pages.exercise, 'rust'));
    const yaml = pageWith(ctx.book, 'exercises', 'class="language-yaml');
    if (yaml) await ctx.step(() => coloured(ctx, yaml, 'yaml'));
    else ctx.fail(ctx.base, 'no exercise page with a YAML block to check');
    await ctx.step(() => plain(ctx, ctx.pages.week));
  },
};

/** The first page of `dir` (by name) whose HTML contains `text`. */
function pageWith(book, dir, text) {
  const name = readdirSync(join(book, dir)).sort()
    .find((n) => n.endsWith('.html') && readFileSync(join(book, dir, n), 'utf8').includes(text));
  return name ? `${dir}/${name}` : null;
}

/** The highlighter's scripts a page requested, by their path under theme/. */
function highlighterRequests(urls) {
  return urls.map((u) => new URL(u).pathname).filter((p) => /\/theme\/highlight[/.]/.test(p))
    .map((p) => p.replace(/^.*\/theme\//, ''));
}

/** The languages the page's HTML names in `language-…` classes, lower case. */
function namedLanguages(html) {
  return [...new Set([...html.matchAll(/class="[^"]*\blanguage-([\w-]+)/g)].map((m) => m[1].toLowerCase()))];
}

async function coloured(ctx, path, language) {
  const url = ctx.base + path;
  const { context, page, log } = await ctx.openPage();
  const urls = [];
  page.on('request', (req) => urls.push(req.url()));
  await ctx.load(page, url);
  const spans = await page.waitForFunction((lang) => {
    const block = document.querySelector(`code.language-${lang}`);
    const n = block ? block.querySelectorAll('span[class^="hljs-"]').length : 0;
    return n > 0 ? n : false;
  }, language, { timeout: 10000 }).then((handle) => handle.jsonValue()).catch(() => 0);
  if (!spans) ctx.fail(url, `the first ${language} block is not coloured (no hljs-* spans)`);
  const loaded = highlighterRequests(urls);
  const names = namedLanguages(readFileSync(join(ctx.book, path), 'utf8'));
  if (!names.includes(language)) ctx.fail(url, `the page names no ${language} block`);
  const table = await page.evaluate(() => window.roadbookHighlightFiles ?? null);
  if (!table || table.rs !== 'rust.js') ctx.fail(url, `core.js's table is missing or wrong: rs -> ${table?.rs}`);
  const files = ['core.js', ...new Set(names.filter((n) => table && Object.hasOwn(table, n)).map((n) => table[n]))];
  const expected = files.map((f) => `highlight/${f}`);
  if (JSON.stringify([...new Set(loaded)].sort()) !== JSON.stringify(expected.sort())) {
    ctx.fail(url, `the page loaded ${JSON.stringify(loaded)} of the highlighter, not ${JSON.stringify(expected)}`);
  }
  const real = await page.evaluate(() => Boolean(window.hljs && !window.hljs.roadbookStandIn && window.hljs.getLanguage));
  if (!real) ctx.fail(url, 'window.hljs is not the real highlighter after the page loaded');
  ctx.expectClean(url, log);
  console.log(`  ${path}: ${language} coloured (${spans} spans in its first block), loaded ${loaded.join(', ')}`);
  await context.close();
}

async function plain(ctx, path) {
  const url = ctx.base + path;
  if (readFileSync(join(ctx.book, path), 'utf8').includes('class="language-')) {
    ctx.fail(url, 'the page chosen as having no code names a language');
    return;
  }
  const { context, page, log } = await ctx.openPage();
  const urls = [];
  page.on('request', (req) => urls.push(req.url()));
  await ctx.load(page, url);
  const loaded = highlighterRequests(urls);
  if (loaded.length > 0) ctx.fail(url, `a page without highlighted code loads ${loaded.join(', ')}`);
  ctx.expectClean(url, log);
  await context.close();
}
