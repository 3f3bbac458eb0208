// Reading comfort: the skip link is the first Tab stop and lands in the
// text; the ✎ edit marks show on hover and focus only, and Tab reaches them;
// a diagram opens full size on a phone, zooms and pans from the keyboard and
// closes back to where it was; the 404 page is styled from file:// and over
// http; the sidebar has no part title over nothing. Screenshots at desktop
// and 390 px phone width go to artifacts/<mode>/comfort-*.png.
import { join } from 'node:path';

export default {
  name: 'reading comfort',
  async run(ctx) {
    await ctx.step(() => skipLink(ctx));
    await ctx.step(() => editMarks(ctx));
    await ctx.step(() => phoneDiagram(ctx));
    await ctx.step(() => notFoundPage(ctx));
    await ctx.step(() => noEmptyPartTitle(ctx));
  },
};

async function skipLink(ctx) {
  const url = ctx.base + ctx.pages.week;
  const { context, page, log } = await ctx.openPage();
  await ctx.load(page, url);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({
    text: document.activeElement?.textContent, cls: document.activeElement?.className,
    visible: document.activeElement?.getBoundingClientRect().top >= 0,
  }));
  if (first.cls !== 'roadbook-skip' || first.text !== 'Skip to content') {
    ctx.fail(url, `the first Tab stop is ${JSON.stringify(first)}, not the skip link`);
  } else if (!first.visible) {
    ctx.fail(url, 'the focused skip link is off screen');
  }
  await page.screenshot({ path: join(ctx.artifacts, 'comfort-skip-link.png') });
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => ({
    inMain: Boolean(document.activeElement?.closest('main')),
    what: document.activeElement?.outerHTML.slice(0, 80),
  }));
  if (!next.inMain) ctx.fail(url, `after the skip link, Tab goes to ${next.what}, not into the text`);
  ctx.expectClean(url, log);
  await context.close();
}

async function editMarks(ctx) {
  const url = ctx.base + ctx.pages.week;
  const { context, page, log } = await ctx.openPage();
  await ctx.load(page, url);
  const mark = page.locator('.roadbook-checklist .roadbook-edit').first();
  if ((await mark.count()) === 0) {
    ctx.fail(url, 'no ✎ edit mark in the checklist');
    await context.close();
    return;
  }
  const opacity = () => mark.evaluate((el) => Number(getComputedStyle(el).opacity));
  if ((await opacity()) !== 0) ctx.fail(url, `an edit mark shows with nothing hovered (opacity ${await opacity()})`);
  await mark.focus();
  await page.waitForTimeout(300);
  if ((await opacity()) !== 1) ctx.fail(url, `a focused edit mark is not shown (opacity ${await opacity()})`);
  await page.evaluate(() => document.activeElement.blur());
  await page.locator('.roadbook-checklist li').first().hover();
  await page.waitForTimeout(300);
  if ((await opacity()) !== 1) ctx.fail(url, 'hovering an item does not show its edit mark');
  // Tab reaches the mark: from the item's checkbox, the next stops include it.
  await page.locator('.roadbook-checklist li input').first().focus();
  let reached = false;
  for (let i = 0; i < 4 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.classList.contains('roadbook-edit'));
  }
  if (!reached) ctx.fail(url, 'Tab does not reach the first item\'s edit mark');
  ctx.expectClean(url, log);
  await context.close();
}

async function phoneDiagram(ctx) {
  const url = ctx.base + ctx.pages.phase;
  const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const log = { errors: [], outside: [] };
  await context.route((u) => !u.href.startsWith(ctx.base), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  page.on('console', (msg) => msg.type() === 'error' && log.errors.push(`console error: ${msg.text()}`));
  page.on('pageerror', (err) => log.errors.push(`uncaught exception: ${err.message}`));
  try {
    await ctx.load(page, url);
    const opener = page.locator('.roadbook-diagram-open').first();
    await opener.waitFor({ timeout: 15000 }).catch(() => {});
    if ((await opener.count()) === 0) {
      ctx.fail(url, 'no "Open full size" button under the diagram');
      return;
    }
    await opener.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ctx.artifacts, 'comfort-phone-diagram.png') });
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('dialog.roadbook-diagram-dialog');
    const open = await dialog.evaluate((d) => d.open).catch(() => false);
    if (!open) {
      ctx.fail(url, 'Enter on "Open full size" does not open the diagram');
      return;
    }
    const size = () => page.evaluate(() => {
      const pane = document.querySelector('.roadbook-diagram-pane');
      const svg = pane.querySelector('svg');
      return {
        svg: Boolean(svg), width: svg ? Number(svg.getAttribute('width')) : 0,
        pans: pane.scrollWidth > pane.clientWidth, focused: document.activeElement === pane,
        level: document.querySelector('.roadbook-diagram-level').textContent,
      };
    });
    const before = await size();
    if (!before.svg) ctx.fail(url, 'the dialog shows no diagram');
    if (!before.focused) ctx.fail(url, 'the opened diagram does not have the focus (arrow keys would not pan)');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    const zoomed = await size();
    if (!(zoomed.width > before.width)) ctx.fail(url, `+ does not zoom in (${before.width} → ${zoomed.width} px)`);
    if (!zoomed.pans) ctx.fail(url, 'zoomed in, the diagram cannot be panned (no scrolling)');
    const scrolled = await page.evaluate(async () => {
      const pane = document.querySelector('.roadbook-diagram-pane');
      const x = pane.scrollLeft;
      return { x, pane: pane.scrollWidth };
    });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.waitForTimeout(200);
    const panned = await page.evaluate(() => document.querySelector('.roadbook-diagram-pane').scrollLeft);
    if (!(panned > scrolled.x)) ctx.fail(url, 'the arrow keys do not pan the zoomed diagram');
    await page.screenshot({ path: join(ctx.artifacts, 'comfort-phone-diagram-open.png') });
    await ctx.expectAccessible(page, url);
    await page.keyboard.press('Escape');
    const after = await page.evaluate(() => ({
      open: document.querySelector('dialog.roadbook-diagram-dialog').open,
      back: Boolean(document.querySelector('pre.mermaid svg')),
      focus: document.activeElement?.classList.contains('roadbook-diagram-open'),
    }));
    if (after.open || !after.back) ctx.fail(url, `Escape does not put the diagram back: ${JSON.stringify(after)}`);
    if (!after.focus) ctx.fail(url, 'after closing, the focus is not back on "Open full size"');
    ctx.expectClean(url, log);
  } finally {
    await context.close();
  }
  // The same pages at desktop width, for the record.
  const desk = await ctx.openPage();
  await ctx.load(desk.page, url);
  await desk.page.screenshot({ path: join(ctx.artifacts, 'comfort-desktop-diagram.png') });
  await desk.context.close();
}

async function notFoundPage(ctx) {
  const url = ctx.mode === 'file' ? `${ctx.base}404.html` : `${ctx.base}no/such/page.html`;
  const { context, page, log } = await ctx.openPage();
  await page.goto(url, { waitUntil: 'load' });
  const state = await page.evaluate(() => ({
    title: document.title,
    sidebarFixed: getComputedStyle(document.getElementById('mdbook-sidebar') ?? document.body).position === 'fixed',
    menu: Boolean(document.querySelector('#mdbook-menu-bar .menu-title')),
    links: [...document.querySelectorAll('#mdbook-sidebar a')].length,
  }));
  if (!state.sidebarFixed) ctx.fail(url, `the 404 page is unstyled: ${JSON.stringify(state)}`);
  if (state.links === 0) ctx.fail(url, 'the 404 page has no table of contents');
  await page.screenshot({ path: join(ctx.artifacts, 'comfort-404.png') });
  // Over http the page itself comes with status 404, which Chromium logs once.
  const own = log.errors.indexOf('console error: Failed to load resource: the server responded with a status of 404 (Not Found)');
  if (ctx.mode === 'http' && own >= 0) log.errors.splice(own, 1);
  ctx.expectClean(url, log);
  await context.close();
}

async function noEmptyPartTitle(ctx) {
  const url = ctx.base + ctx.pages.home;
  const { context, page, log } = await ctx.openPage();
  await ctx.load(page, url);
  const empty = await page.evaluate(() => [...document.querySelectorAll('#mdbook-sidebar li.part-title')]
    .filter((li) => !li.nextElementSibling || !li.nextElementSibling.classList.contains('chapter-item'))
    .map((li) => li.textContent.trim()));
  for (const title of empty) ctx.fail(url, `the sidebar shows the part title "${title}" over no chapter`);
  ctx.expectClean(url, log);
  await context.close();
}
