// The site's search box, as a reader uses it from the home page.

const searchTerm = 'circuit breaker';

export default {
  name: 'search',
  async run(ctx) {
    const url = ctx.base + ctx.pages.home;
    const { context, page, log } = await ctx.openPage();
    await ctx.load(page, url);
    await ctx.step(() => expectSearch(ctx, page, url, `${ctx.artifacts}/search.png`));
    await ctx.step(() => ctx.expectClean(url, log));
    await context.close();
  },
};

/** The site's search box finds `searchTerm`. */
async function expectSearch(ctx, page, url, screenshot) {
  // Type as a reader does: mdBook searches on keyup, once its index loaded.
  await page.click('#mdbook-search-toggle');
  await page.locator('#mdbook-searchbar').pressSequentially(searchTerm, { delay: 20 });
  let found = false;
  for (let attempt = 0; attempt < 5 && !found; attempt += 1) {
    if (attempt > 0) await page.press('#mdbook-searchbar', 'End');
    found = await page
      .waitForFunction(() => document.querySelectorAll('#mdbook-searchresults li').length > 0, null,
        { timeout: 2000 })
      .then(() => true, () => false);
  }
  await page.screenshot({ path: screenshot, fullPage: false });
  if (!found) {
    ctx.fail(url, `search for "${searchTerm}" shows no result`);
    return;
  }
  const results = await page.$$eval('#mdbook-searchresults li', (items) => items.map((li) => li.textContent));
  const hit = results.some((text) => text.toLowerCase().includes(searchTerm));
  console.log(`  search "${searchTerm}": ${results.length} results`);
  if (!hit) ctx.fail(url, `no search result mentions "${searchTerm}": ${results.slice(0, 3).join(' | ')}`);
}

