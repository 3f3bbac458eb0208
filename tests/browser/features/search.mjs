// roadbook's in-browser search (theme/search.js and the engine it loads,
// theme/search-engine.js, over the book's search/
// shards), as a reader uses it: the menu bar's button and the `s` key, the
// relevance set of the terminal search typed into the bar (>= 90 % of the
// queries must show their page in the top 3), the kind and week filters,
// the arrow keys and Escape, a result followed to its section, the bytes a
// first search loads, accessibility at desktop and phone width.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const RESULTS = '#mdbook-searchresults li a';

export default {
  name: 'search',
  async run(ctx) {
    const url = ctx.base + ctx.pages.home;
    const { context, page, log } = await ctx.openPage();
    const bytes = countSearchBytes(page);
    await ctx.load(page, url);
    await ctx.step(() => expectFirstSearch(ctx, page, url, bytes));
    await ctx.step(() => expectRelevance(ctx, page, url));
    await ctx.step(() => expectFilters(ctx, page, url));
    await ctx.step(() => expectKeyboard(ctx, page, url));
    await ctx.step(() => ctx.expectAccessible(page, url));
    await page.setViewportSize({ width: 375, height: 740 });
    await ctx.step(() => expectPhoneWidth(ctx, page, url));
    await ctx.step(() => ctx.expectAccessible(page, url));
    await ctx.step(() => ctx.expectClean(url, log));
    await context.close();
  },
};

/**
 * Bytes of every response a search loads, as Chromium got them: the index
 * under search/ and the engine (theme/search-engine.js, loaded on the first
 * search).
 */
function countSearchBytes(page) {
  const seen = { bytes: 0, files: [] };
  page.on('response', async (response) => {
    const url = response.url();
    if (!/\/search\/[^/]+\.js$/u.test(url) && !/\/theme\/search-engine\.js$/u.test(url)) return;
    try {
      const body = await response.body();
      seen.bytes += body.length;
      seen.files.push(url.replace(/.*\/(search\/|theme\/)/u, ''));
    } catch {
      // A response without a body (a redirect) has no bytes to count.
    }
  });
  return seen;
}

/** Types `query` into the bar and returns the results' hrefs once they show. */
async function searchFor(page, query) {
  const input = page.locator('#mdbook-searchbar');
  await input.fill('');
  const before = await page.evaluate(() => document.getElementById('mdbook-searchresults-header').textContent);
  await input.fill(query);
  await page.waitForFunction((old) => {
    const header = document.getElementById('mdbook-searchresults-header').textContent;
    return header && header !== old && header.includes('search result');
  }, before, { timeout: 10000 }).catch(() => {});
  // Results for an earlier prefix may still be replaced: wait until they
  // name this query.
  await page.waitForFunction((q) => document.getElementById('mdbook-searchresults-header').textContent.includes(`'${q}'`),
    query, { timeout: 10000 }).catch(() => {});
  return page.$$eval(RESULTS, (links) => links.map((a) => a.getAttribute('href')));
}

/** The first search: the button opens the bar, results come, few bytes. */
async function expectFirstSearch(ctx, page, url, bytes) {
  await page.click('#mdbook-search-toggle');
  if (!(await page.locator('#mdbook-searchbar').isVisible())) {
    ctx.fail(url, 'the search button does not show the search bar');
    return;
  }
  const hrefs = await searchFor(page, 'circuit breaker');
  await page.screenshot({ path: `${ctx.artifacts}/search.png`, fullPage: false });
  const kb = (bytes.bytes / 1024).toFixed(1);
  console.log(`  first search "circuit breaker": ${hrefs.length} results, ${kb} KB of engine and index in ${bytes.files.length} files (${bytes.files.join(' ')})`);
  if (!hrefs.some((h) => h.includes('exercises/w01-design-failure-recovery-payment-service.html'))) {
    ctx.fail(url, `"circuit breaker" does not find the week 1 exercise: ${hrefs.slice(0, 3).join(' | ')}`);
  }
  if (!bytes.files.includes('search-engine.js')) ctx.fail(url, 'the first search did not load the engine (theme/search-engine.js)');
  if (bytes.bytes > 150 * 1024) ctx.fail(url, `the first search loaded ${kb} KB (> 150 KB)`);
}

/** The relevance set of crates/search/tests/relevance/queries.tsv, typed. */
async function expectRelevance(ctx, page, url) {
  const set = readFileSync(join(ctx.root, 'crates/search/tests/relevance/queries.tsv'), 'utf8')
    .split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.split('\t'));
  const misses = [];
  for (const [query, wanted] of set) {
    const hrefs = await searchFor(page, query);
    const pages = hrefs.slice(0, 3).map((h) => new URL(h, page.url()).href.replace(/#.*/u, ''));
    if (!pages.includes(new URL(wanted, ctx.base).href)) misses.push(`${query} → ${hrefs.slice(0, 3).join(', ') || 'nothing'} (wants ${wanted})`);
  }
  const rate = (set.length - misses.length) / set.length;
  console.log(`  relevance: ${set.length - misses.length}/${set.length} in the top 3 (${(rate * 100).toFixed(1)} %)`);
  for (const miss of misses) console.log(`    miss: ${miss}`);
  if (rate < 0.9) ctx.fail(url, `relevance ${(rate * 100).toFixed(1)} % < 90 % in the top 3`);
}

/** Kind and week filters narrow the results to their kind and week. */
async function expectFilters(ctx, page, url) {
  await page.selectOption('#roadbook-search-kind', 'exercise');
  await page.selectOption('#roadbook-search-week', '3');
  const hrefs = await searchFor(page, 'redis');
  const kinds = await page.$$eval(RESULTS, (links) => links.map((a) => a.dataset.kind));
  const where = await page.$$eval(RESULTS, (links) => links.map((a) => a.textContent));
  if (hrefs.length === 0) ctx.fail(url, 'kind exercise, week 3: "redis" finds nothing');
  if (kinds.some((k) => k !== 'exercise')) ctx.fail(url, `the kind filter lets through ${kinds.join(', ')}`);
  if (where.some((w) => !/week [\d, ]*\b3\b/u.test(w))) ctx.fail(url, `the week filter lets through: ${where.join(' | ')}`);
  console.log(`  filters exercise + week 3, "redis": ${hrefs.length} results`);
  await page.selectOption('#roadbook-search-kind', '');
  await page.selectOption('#roadbook-search-week', '');
}

/** Arrow keys walk the results, Enter follows one to its section, Escape closes, `s` opens. */
async function expectKeyboard(ctx, page, url) {
  await searchFor(page, 'transactional outbox');
  await page.focus('#mdbook-searchbar');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const second = await page.evaluate(() => document.activeElement.getAttribute('href'));
  const links = await page.$$eval(RESULTS, (l) => l.map((a) => a.getAttribute('href')));
  if (second !== links[1]) ctx.fail(url, `ArrowDown twice focuses ${second}, not the second result ${links[1]}`);
  await page.keyboard.press('ArrowUp');
  const first = await page.evaluate(() => document.activeElement.getAttribute('href'));
  if (first !== links[0]) ctx.fail(url, 'ArrowUp does not go back to the first result');
  const withAnchor = links.find((h) => h.includes('#')) ?? links[0];
  await page.locator(`${RESULTS}[href="${withAnchor}"]`).focus();
  await Promise.all([page.waitForURL((u) => u.href.includes(withAnchor.replace(/^(\.\.\/)+/u, '')), { timeout: 10000 }).catch(() => {}),
    page.keyboard.press('Enter')]);
  const fragment = decodeURIComponent(withAnchor.split('#')[1] ?? '');
  if (fragment) {
    const inView = await page.evaluate((id) => {
      const el = document.getElementById(id);
      if (!el) return 'missing';
      const r = el.getBoundingClientRect();
      return r.top >= -2 && r.top < window.innerHeight ? 'ok' : `at ${Math.round(r.top)}px`;
    }, fragment);
    if (inView !== 'ok') ctx.fail(url, `the result ${withAnchor} opens, but its section #${fragment} is ${inView}`);
    else console.log(`  followed ${withAnchor} to its section`);
  }
  await page.keyboard.press('s');
  if (!(await page.locator('#mdbook-searchbar').isVisible())) ctx.fail(url, 'the s key does not open the search bar');
  const focused = await page.evaluate(() => document.activeElement.id);
  if (focused !== 'mdbook-searchbar') ctx.fail(url, `the s key focuses #${focused}, not the search bar`);
  await page.keyboard.press('Escape');
  if (await page.locator('#mdbook-searchbar').isVisible()) ctx.fail(url, 'Escape does not close the search bar');
  await page.keyboard.press('/');
  if (!(await page.locator('#mdbook-searchbar').isVisible())) ctx.fail(url, 'the / key does not open the search bar');
  await page.goto(url);
}

/** At phone width the bar and its results fit the screen. */
async function expectPhoneWidth(ctx, page, url) {
  // mdBook keeps the sidebar open from the desktop width, pushing the page
  // aside; a reader on a phone has it closed.
  if (await page.evaluate(() => document.documentElement.classList.contains('sidebar-visible'))) {
    await page.click('#mdbook-sidebar-toggle');
    await page.waitForTimeout(400);
  }
  await page.click('#mdbook-search-toggle');
  await searchFor(page, 'consistent hashing');
  await page.screenshot({ path: `${ctx.artifacts}/search-phone.png`, fullPage: false });
  const overflow = await page.evaluate(() => {
    const wide = [...document.querySelectorAll('#mdbook-search-wrapper, #mdbook-search-wrapper *')]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1);
    return wide.slice(0, 3).map((el) => el.id || el.className || el.tagName);
  });
  if (overflow.length) ctx.fail(url, `at 375 px the search spills over the screen: ${overflow.join(', ')}`);
}
