// Page weight: a page without a diagram loads none of Mermaid, no page
// loads the search engine before a search (features/search.mjs sees the
// first search load it), a first visit of a page with neither a diagram
// nor highlighted code (the home and week pages) stays within 400 KB
// (uncompressed bodies, see ../page-weight.mjs), and a page with
// highlighted code (the exercise page, 422 KB on the shipped book, 400 KB
// without Highlight.js) loads Highlight.js's pieces, not the whole 137 KB
// file: at most 40 KB of them (the core is 19 KB, a language 2-12 KB;
// features/highlight.mjs holds which). The phase page, which has a diagram, must load
// Mermaid: otherwise "no Mermaid" would hold because it never loads at all.
// The home page of a synthetic book of 100 weeks (../synthetic.mjs; 656 KB
// when its home page loaded every data part and inlined the whole plan)
// holds the same limit and loads at most two data parts; with a dated plan
// its "This week" names the week of today, read from that week's data part
// (the page carries the weeks' numbers and day names only).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { firstVisit, kb } from '../page-weight.mjs';
import { buildSynthetic, openSynthetic } from '../synthetic.mjs';

const LIMIT = 400_000;
const HIGHLIGHTER_LIMIT = 40_000;
const WEEKS = 100;
let built = null;

export default {
  name: 'page weight',
  async run(ctx) {
    for (const [name, path] of Object.entries(ctx.pages)) {
      const url = ctx.base + path;
      const hasDiagram = readFileSync(join(ctx.book, path), 'utf8').includes('<pre class="mermaid">');
      const visit = await firstVisit(ctx.browser, url);
      const mermaid = visit.urls.filter((u) => /mermaid[^/]*\.min\.js/.test(u));
      const isHighlighter = (u) => /\/theme\/highlight(\/|\.full)[^/]*/.test(u);
      const highlighterBytes = visit.largest.filter((r) => isHighlighter(r.url)).reduce((n, r) => n + r.bytes, 0);
      const notes = [hasDiagram ? 'has a diagram' : '', highlighterBytes > 0 ? `highlights code with ${kb(highlighterBytes)}` : ''].filter(Boolean);
      console.log(`  ${name}: ${visit.requests} requests, ${kb(visit.bytes)}${notes.length ? ` (${notes.join(', ')})` : ''}`);
      await ctx.step(() => {
        if (!hasDiagram && mermaid.length > 0) ctx.fail(url, `a page without a diagram loads Mermaid: ${mermaid.join(', ')}`);
        if (hasDiagram && mermaid.length === 0) ctx.fail(url, 'a page with a diagram did not load Mermaid');
        for (const failed of visit.failed) ctx.fail(url, `request failed: ${failed}`);
        const engine = visit.urls.filter((u) => /search-engine[^/]*\.js/.test(u));
        if (engine.length > 0) ctx.fail(url, `a first visit loads the search engine: ${engine.join(', ')}`);
        if (visit.urls.some((u) => /highlight\.full[^/]*\.js/.test(u))) ctx.fail(url, 'the page loads the whole Highlight.js, not its pieces');
        if (highlighterBytes > HIGHLIGHTER_LIMIT) ctx.fail(url, `the page loads ${kb(highlighterBytes)} of Highlight.js, over ${kb(HIGHLIGHTER_LIMIT)}`);
        if (!hasDiagram && highlighterBytes === 0 && visit.bytes > LIMIT) {
          const largest = visit.largest.slice(0, 3).map((r) => `${r.url.split('/').pop()} ${kb(r.bytes)}`).join(', ');
          ctx.fail(url, `first visit of the ${name} page is ${kb(visit.bytes)}, over ${kb(LIMIT)} (largest: ${largest})`);
        }
      });
    }
    await ctx.step(async () => {
      built ??= buildSynthetic(ctx, 'synthetic weight book', { weeks: WEEKS });
      if (!built) return;
      await openSynthetic(ctx, built, async (base) => {
        const url = base + 'index.html';
        const visit = await firstVisit(ctx.browser, url);
        const parts = visit.urls.filter((u) => /\/data\/\d+-[0-9a-f]+\.js$/.test(u));
        console.log(`  home page of ${WEEKS} weeks: ${visit.requests} requests, ${kb(visit.bytes)}, ${parts.length} data parts`);
        if (visit.bytes > LIMIT) {
          const largest = visit.largest.slice(0, 3).map((r) => `${r.url.split('/').pop()} ${kb(r.bytes)}`).join(', ');
          ctx.fail(url, `first visit of a ${WEEKS}-week book's home page is ${kb(visit.bytes)}, over ${kb(LIMIT)} (largest: ${largest})`);
        }
        if (parts.length > 2) ctx.fail(url, `a fresh visit of the home page loads ${parts.length} data parts`);
        for (const failed of visit.failed) ctx.fail(url, `request failed: ${failed}`);
        await thisWeek(ctx, built, base);
      });
    });
  },
};

async function thisWeek(ctx, book, base) {
  const url = base + 'index.html';
  const html = readFileSync(join(book, 'index.html'), 'utf8');
  const data = JSON.parse(html.match(/id="roadbook-plan-week-data">([^<]*)</)[1]);
  if (!data.runs) ctx.fail(url, `the home page of ${WEEKS} weeks carries the whole plan (${kb(JSON.stringify(data).length)})`);
  const week3 = readFileSync(join(book, 'weeks', 'week-03.html'), 'utf8').match(/<h1[^>]*>([^<]*)</)[1];
  const { context, page, log } = await ctx.openPage(base);
  try {
    await ctx.load(page, url);
    // Started 15 days ago: today is in week 3.
    await page.evaluate(() => {
      const d = new Date();
      d.setDate(d.getDate() - 15);
      const iso = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      window.roadbookStore.set('plan', { track: null, start: iso });
    });
    await ctx.load(page, url);
    await page.waitForSelector('[data-plan-this-week] strong a', { timeout: 10000 }).catch(() => {});
    const text = await page.textContent('[data-plan-this-week]');
    const href = await page.getAttribute('[data-plan-this-week] strong a', 'href').catch(() => null);
    if (href !== 'weeks/week-03.html' || !text.includes('Day 16 of') || !text.includes('today:')) {
      ctx.fail(url, `"This week" of a plan started 15 days ago links ${href} and says: ${text.trim()} (week 3: ${week3})`);
    }
    ctx.expectClean(url, log);
  } finally {
    await context.close();
  }
}
