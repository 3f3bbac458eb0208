// Offline after the first visit: over http the service worker keeps the
// pages seen and the core assets, so with the network gone the visited page
// reloads and the home page (fetched up front) opens, both styled. From
// file:// nothing registers and nothing complains.

export default {
  name: 'offline',
  async run(ctx) {
    if (ctx.mode === 'file') {
      await ctx.step(() => fileHasNoWorker(ctx));
      return;
    }
    await ctx.step(() => worksOffline(ctx));
  },
};

async function fileHasNoWorker(ctx) {
  const url = ctx.base + ctx.pages.week;
  const { context, page, log } = await ctx.openPage();
  await ctx.load(page, url);
  const registrations = await page.evaluate(async () => {
    try {
      return navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0;
    } catch {
      return 0;
    }
  });
  if (registrations !== 0) ctx.fail(url, `from file:// ${registrations} service worker(s) registered`);
  if (context.serviceWorkers().length > 0) ctx.fail(url, 'a service worker runs from file://');
  ctx.expectClean(url, log);
  await context.close();
}

/** Whether the page is the book's, styled: its heading and mdBook's stylesheet applied. */
async function styledPage(page) {
  return page.evaluate(() => ({
    heading: document.querySelector('main h1')?.textContent ?? null,
    styled: getComputedStyle(document.getElementById('mdbook-sidebar') ?? document.body).position === 'fixed',
  }));
}

async function worksOffline(ctx) {
  const week = ctx.base + ctx.pages.week;
  const home = ctx.base + ctx.pages.home;
  const { context, page, log } = await ctx.openPage();
  try {
    await ctx.load(page, week);
    const online = await styledPage(page);
    const kept = await page.evaluate(async (url) => {
      const registration = await navigator.serviceWorker.ready;
      // The worker keeps the first page once the page hands it over.
      for (let i = 0; i < 100; i += 1) {
        for (const name of await caches.keys()) {
          if (await (await caches.open(name)).match(url)) return { scope: registration.scope, ok: true };
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return { scope: registration.scope, ok: false };
    }, week.split('#')[0]);
    if (kept.scope !== ctx.base) ctx.fail(week, `the worker's scope is ${kept.scope}, not the book's root ${ctx.base}`);
    if (!kept.ok) ctx.fail(week, 'the first page visited was not kept for offline');

    await context.setOffline(true);
    await page.reload({ waitUntil: 'load' });
    const reloaded = await styledPage(page);
    if (reloaded.heading !== online.heading || !reloaded.styled) {
      ctx.fail(week, `offline, the reloaded page is ${JSON.stringify(reloaded)}, not ${JSON.stringify(online)}`);
    }
    await page.goto(home, { waitUntil: 'load' });
    const cachedHome = await styledPage(page);
    if (!cachedHome.heading || !cachedHome.styled) {
      ctx.fail(home, `offline, the home page (fetched up front) is ${JSON.stringify(cachedHome)}`);
    }
    await context.setOffline(false);
    ctx.expectClean(week, log);
  } finally {
    await context.close();
  }
}
