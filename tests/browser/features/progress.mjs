// Learner progress on a week page.

export default {
  name: 'progress',
  async run(ctx) {
    const url = ctx.base + ctx.pages.week;
    const { context, page, log } = await ctx.openPage();
    await ctx.load(page, url);
    await ctx.step(() => expectProgressKept(ctx, page, url));
    await ctx.step(() => ctx.expectClean(url, log));
    await context.close();
  },
};

/**
 * Ticking an item's box keeps it ticked after a reload (progress.js stores
 * it under the item's stable ID); unticking it again clears what was stored.
 */
async function expectProgressKept(ctx, page, url) {
  const box = page.locator('main input[data-progress-id]').first();
  if ((await box.count()) === 0) return ctx.fail(url, 'no progress checkbox on the week page');
  const id = await box.getAttribute('data-progress-id');
  const initial = await box.isChecked();
  await box.click();
  await ctx.load(page, url);
  const again = page.locator(`main input[data-progress-id="${id}"]`);
  if ((await again.isChecked()) === initial) ctx.fail(url, `ticking ${id} did not survive a reload`);
  await again.click();
  const stored = await page.evaluate((key) => window.localStorage.getItem(key), `roadbook-progress:${id}`);
  if (stored !== null) ctx.fail(url, `unticking ${id} back to its initial state left ${stored} stored`);
}
