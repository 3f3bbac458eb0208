// The sidebar in pieces (crates/roadbook/src/book/sidebar.rs). The shipped
// book's chapter list is within the budget, so its toc.js is mdBook's, whole,
// with no pieces. To see the pieces at work this builds a small synthetic
// book (benches/synthetic-roadmap.py, folding on) with a tiny budget
// (ROADBOOK_SIDEBAR_BUDGET, a setting for tests only) and checks, from
// file:// and over http: a deep page's link is marked active with its parents
// expanded and in view; expanding a folded entry loads its piece; scrolled
// through, the sidebar holds every link of mdBook's list, in order; no
// console error (the book: ../synthetic.mjs).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { serve } from '../serve.mjs';
import { buildSynthetic } from '../synthetic.mjs';

const BUDGET = 1500;
const WEEKS = 8;
let built = null;

export default {
  name: 'sidebar in pieces',
  async run(ctx) {
    await ctx.step(() => shippedIsWhole(ctx));
    await ctx.step(async () => {
      built ??= buildWithPieces(ctx);
      const book = built;
      if (!book) return;
      await checkPieces(ctx, book);
    });
  },
};

/** The shipped book: toc.js as mdBook writes it (the whole list), no pieces. */
async function shippedIsWhole(ctx) {
  const where = `${ctx.book}/toc*.js`;
  const names = readdirSync(ctx.book).filter((n) => /^toc(-[0-9a-f]+)?\.js$/.test(n));
  if (names.length !== 1) {
    ctx.fail(where, `expected one toc script, found ${names.length}`);
    return;
  }
  const script = readFileSync(join(ctx.book, names[0]), 'utf8');
  if (script.includes('roadbookToc') || !script.includes("this.innerHTML = '<ol class=\"chapter\">")) {
    ctx.fail(where, 'the shipped book\'s toc.js is not mdBook\'s whole list (its list is within the budget)');
  }
  if (existsSync(join(ctx.book, 'toc'))) ctx.fail(where, 'the shipped book has sidebar pieces (toc/)');
  const links = (s) => (s.match(/<a href="/g) ?? []).length;
  const toc = readFileSync(join(ctx.book, 'toc.html'), 'utf8');
  if (links(script) !== links(toc)) ctx.fail(where, `toc.js has ${links(script)} links, toc.html ${links(toc)}`);
}

/** Builds the synthetic book with the tiny budget; its folder, or null. */
function buildWithPieces(ctx) {
  const where = 'synthetic sidebar book';
  // Folding on, as many books have it: phases folded, so a piece loads on expanding one.
  const book = buildSynthetic(ctx, where, {
    weeks: WEEKS,
    toml: '[output.html.fold]\nenable = true\nlevel = 0\n',
    env: { ROADBOOK_SIDEBAR_BUDGET: String(BUDGET) },
  });
  if (book && (!existsSync(join(book, 'toc')) || readdirSync(join(book, 'toc')).length < 3)) {
    ctx.fail(where, `a ${BUDGET}-byte budget gave no pieces`);
    return null;
  }
  return book;
}

/** A page recording console errors, requests outside `base` (blocked) and the pieces it asked for. */
async function open(ctx, base) {
  const { context, page, log } = await ctx.openPage(base);
  log.pieces = [];
  page.on('request', (req) => {
    if (/\/toc\/\d+-[0-9a-f]+\.js$/.test(req.url())) log.pieces.push(req.url());
  });
  return { context, page, log };
}

/** The page of the synthetic book that loads the most pieces up front. */
function deepestPage(book) {
  let best = null;
  for (const dir of ['exercises', 'practice', 'weeks']) {
    if (!existsSync(join(book, dir))) continue;
    for (const name of readdirSync(join(book, dir)).filter((n) => n.endsWith('.html')).sort()) {
      const html = readFileSync(join(book, dir, name), 'utf8');
      const tags = (html.match(/<script src="[^"]*toc\/\d+-[0-9a-f]+\.js"><\/script>/g) ?? []).length;
      if (!best || tags > best.tags) best = { path: `${dir}/${name}`, tags };
    }
  }
  return best;
}

async function checkPieces(ctx, book) {
  let base;
  let server = null;
  if (ctx.mode === 'file') {
    base = pathToFileURL(book + '/').href;
  } else {
    ({ server, base } = await serve(book, '/roadbook/'));
  }
  try {
    const deep = deepestPage(book);
    if (!deep || deep.tags < 1) {
      ctx.fail(book, 'no page of the synthetic book loads a piece up front');
      return;
    }
    await activePage(ctx, base, deep);
    await foldedEntry(ctx, base, deep.path);
    await everyLink(ctx, base, book, 'index.html');
  } finally {
    if (server) server.close();
  }
}

/** The page's own link is there at once: active, its parents expanded, in view. */
async function activePage(ctx, base, deep) {
  const url = base + deep.path;
  const { context, page, log } = await open(ctx, base);
  await ctx.load(page, url);
  const state = await page.evaluate(() => {
    const box = document.querySelector('mdbook-sidebar-scrollbox');
    const active = box && box.querySelector('a.active');
    if (!active) return null;
    const folded = [];
    for (let li = active.closest('li'); li; li = li.parentElement.closest('li')) {
      if (li.classList.contains('chapter-item') && !li.classList.contains('expanded')) folded.push(li.textContent.slice(0, 40));
    }
    const a = active.getBoundingClientRect();
    const b = box.getBoundingClientRect();
    return {
      href: active.href,
      here: location.href.split('#')[0],
      folded,
      inView: a.top >= b.top && a.bottom <= b.bottom,
    };
  });
  if (!state) ctx.fail(url, 'no active link in the sidebar');
  else {
    if (state.href !== state.here) ctx.fail(url, `the active link is ${state.href}`);
    if (state.folded.length) ctx.fail(url, `the active link's parents are folded: ${state.folded.join(' | ')}`);
    if (!state.inView) ctx.fail(url, 'the active link is not scrolled into view');
  }
  if (log.pieces.length < deep.tags) ctx.fail(url, `loaded ${log.pieces.length} pieces, the page names ${deep.tags}`);
  ctx.expectClean(url, log);
  await context.close();
}

/** Expanding a folded entry whose list is a placeholder loads its piece. */
async function foldedEntry(ctx, base, path) {
  const url = base + path;
  const { context, page, log } = await open(ctx, base);
  await ctx.load(page, url);
  const index = await page.evaluate(() => {
    const items = Array.from(document.querySelectorAll('mdbook-sidebar-scrollbox li.chapter-item'));
    const i = items.findIndex((li) => !li.classList.contains('expanded')
      && li.querySelector(':scope > ol[data-roadbook-piece]')
      && li.querySelector(':scope > span > .chapter-fold-toggle')
      && li.offsetParent !== null);
    if (i >= 0) items[i].scrollIntoView({ block: 'center' });
    return i;
  });
  if (index < 0) {
    ctx.fail(url, 'no folded entry with a placeholder in the sidebar');
    await context.close();
    return;
  }
  const before = log.pieces.length;
  const item = page.locator('mdbook-sidebar-scrollbox li.chapter-item').nth(index);
  await item.locator(':scope > span > .chapter-fold-toggle').click();
  const loaded = await page.waitForFunction((i) => {
    const li = document.querySelectorAll('mdbook-sidebar-scrollbox li.chapter-item')[i];
    const ol = li && li.querySelector(':scope > ol');
    return li.classList.contains('expanded') && ol && !ol.hasAttribute('data-roadbook-piece')
      && ol.querySelector('a[href]') && ol.offsetHeight > 0;
  }, index, { timeout: 5000 }).then(() => true).catch(() => false);
  if (!loaded) ctx.fail(url, 'expanding a folded entry did not show its piece');
  if (log.pieces.length <= before) ctx.fail(url, 'expanding a folded entry loaded no piece');
  // Its links are the book's, from this page's folder (as mdBook's code makes them).
  const broken = await page.evaluate(([i, root]) => {
    const li = document.querySelectorAll('mdbook-sidebar-scrollbox li.chapter-item')[i];
    return Array.from(li.querySelectorAll(':scope > ol a[href]'))
      .filter((a) => !a.href.startsWith(root) || a.href.includes('/exercises/exercises/')).map((a) => a.href);
  }, [index, base]);
  if (broken.length) ctx.fail(url, `links of the loaded piece point elsewhere: ${broken.slice(0, 3).join(', ')}`);
  ctx.expectClean(url, log);
  await context.close();
}

/** Scrolled through with every entry expanded, the sidebar is mdBook's whole list. */
async function everyLink(ctx, base, book, path) {
  const url = base + path;
  const { context, page, log } = await open(ctx, base);
  await ctx.load(page, url);
  let left = -1;
  for (let round = 0; round < 200; round += 1) {
    left = await page.evaluate(() => {
      const placeholders = document.querySelectorAll('mdbook-sidebar-scrollbox [data-roadbook-piece]');
      const first = placeholders[0];
      if (!first) return 0;
      for (let li = first.closest('li.chapter-item'); li; li = li.parentElement.closest('li.chapter-item')) {
        li.classList.add('expanded');
      }
      first.scrollIntoView({ block: 'center' });
      return placeholders.length;
    });
    if (left === 0) break;
    await page.waitForTimeout(50);
  }
  if (left !== 0) ctx.fail(url, `${left} placeholders still in the sidebar after scrolling through it`);
  const shown = await page.evaluate(() => Array.from(
    document.querySelectorAll('mdbook-sidebar-scrollbox ol.chapter a[href]:not(.header-in-summary)'),
  ).map((a) => a.href));
  const toc = readFileSync(join(book, 'toc.html'), 'utf8');
  const list = toc.slice(toc.indexOf('<ol class="chapter">'));
  const want = [...list.matchAll(/<a href="([^"]+)"/g)].map((m) => new URL(m[1], base).href);
  if (shown.length !== want.length || shown.some((h, i) => h !== want[i])) {
    const i = shown.findIndex((h, k) => h !== want[k]);
    ctx.fail(url, `the sidebar's ${shown.length} links are not mdBook's ${want.length} (first difference at ${i}: ${shown[i]} / ${want[i]})`);
  }
  ctx.expectClean(url, log);
  await context.close();
}
