// Learner progress (theme/progress*.js): states on the week page by mouse
// and keyboard, the counts of the home, phase, print and exercise pages,
// the previous version's keys, export then import in a fresh browser, and
// the phone width.

import { readFileSync } from 'node:fs';

export default {
  name: 'progress',
  async run(ctx) {
    const week = ctx.base + ctx.pages.week;
    const home = ctx.base + ctx.pages.home;
    const { context, page, log } = await ctx.openPage();
    await ctx.load(page, week);
    await ctx.step(() => expectTickKept(ctx, page, week));
    await ctx.step(() => expectKeyboardStates(ctx, page, week));
    await ctx.step(() => ctx.expectAccessible(page, week));
    await ctx.step(() => expectExercisePage(ctx, page));
    await ctx.step(() => expectCounts(ctx, page));
    await ctx.step(() => ctx.expectAccessible(page, home));
    await page.screenshot({ path: `${ctx.artifacts}/progress-home.png`, fullPage: true });
    const exported = await exportFile(ctx, page, home);
    await ctx.step(() => ctx.expectClean(week, log));
    await context.close();
    if (exported) await ctx.step(() => expectImport(ctx, home, week, exported));
    await ctx.step(() => expectLegacyMigrated(ctx, week));
    await ctx.step(() => expectPhoneWidth(ctx, home, week));
  },
};

const stored = (page, key) => page.evaluate((k) => window.roadbookStore.get(k), key);
const firstItem = (page) => page.locator('main .roadbook-checklist input[data-progress-id]').first();

/** A click ticks an item, a reload keeps it, a second click clears what was stored. */
async function expectTickKept(ctx, page, url) {
  const box = firstItem(page);
  if ((await box.count()) === 0) return ctx.fail(url, 'no progress checkbox on the week page');
  const id = await box.getAttribute('data-progress-id');
  const initial = await box.isChecked();
  await box.click();
  await ctx.load(page, url);
  const again = page.locator(`main input[data-progress-id="${id}"]`);
  if ((await again.isChecked()) === initial) ctx.fail(url, `ticking ${id} did not survive a reload`);
  if ((await stored(page, `progress:${id}`)) !== (initial ? 'not-started' : 'done')) {
    ctx.fail(url, `ticking ${id} stored ${await stored(page, `progress:${id}`)}`);
  }
  await again.click();
  if ((await stored(page, `progress:${id}`)) !== null) ctx.fail(url, `unticking ${id} back to its initial state left a value stored`);
}

/** P, S, N on a focused box and the ▾ menu by keys set the states, announced. */
async function expectKeyboardStates(ctx, page, url) {
  const box = firstItem(page);
  const id = await box.getAttribute('data-progress-id');
  const item = page.locator(`li#${id}`);
  await box.focus();
  await page.keyboard.press('p');
  if (!(await box.evaluate((b) => b.indeterminate))) ctx.fail(url, 'P did not show the item in progress');
  if ((await stored(page, `progress:${id}`)) !== 'in-progress') ctx.fail(url, 'P did not store in-progress');
  await page.waitForTimeout(120);
  const live = await page.locator('[aria-live="polite"]').last().textContent();
  if (!live.includes('in progress')) ctx.fail(url, `the change was not announced (live region: "${live}")`);
  await page.keyboard.press('s');
  if (!(await item.getAttribute('class')).includes('roadbook-state-skipped')) ctx.fail(url, 'S did not skip the item');
  // The menu: Tab from the box reaches its button, Enter opens, arrows move.
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement.className);
  if (focused !== 'roadbook-state-button') ctx.fail(url, `Tab after the box reaches "${focused}", not its menu button`);
  await page.keyboard.press('Enter');
  const menu = page.locator('.roadbook-state-menu');
  if (!(await menu.isVisible())) return ctx.fail(url, 'Enter on ▾ opened no menu');
  const current = await page.evaluate(() => document.activeElement.dataset.state);
  if (current !== 'skipped') ctx.fail(url, `the menu opened on "${current}", not the item's state`);
  await page.keyboard.press('ArrowUp'); // skipped → done
  await page.keyboard.press('Enter');
  if (await menu.isVisible()) ctx.fail(url, 'choosing closed no menu');
  if (!(await box.isChecked())) ctx.fail(url, 'done from the menu did not tick the box');
  const back = await page.evaluate(() => document.activeElement.className);
  if (back !== 'roadbook-state-button') ctx.fail(url, 'focus did not return to the menu button');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Escape');
  if (await menu.isVisible()) ctx.fail(url, 'Escape did not close the menu');
  await box.focus();
  await page.keyboard.press('n');
  if ((await stored(page, `progress:${id}`)) !== null && !(await box.evaluate((b) => b.defaultChecked))) {
    ctx.fail(url, 'N did not bring the item back to not started');
  }
}

/** An exercise page's own done control is the item's state on its week page. */
async function expectExercisePage(ctx, page) {
  const url = ctx.base + ctx.pages.exercise;
  await ctx.load(page, url);
  const id = ctx.pages.exercise.replace(/^.*\//, '').replace(/\.html$/, '');
  const box = page.locator(`.roadbook-exercise-progress input[data-progress-id="${id}"]`);
  if ((await box.count()) !== 1) return ctx.fail(url, `no done control for ${id} on its exercise page`);
  await box.check();
  const link = await page.locator('.roadbook-exercise-progress a').getAttribute('href');
  await ctx.load(page, new URL(link, url).href);
  if (!(await page.locator(`main li#${id} input`).isChecked())) ctx.fail(url, `done on the exercise page is not done on the week page`);
}

/**
 * With one exercise done: the home page counts it overall, per phase and
 * per week and links to what is next; finishing week 1 marks it in the
 * sidebar; the print page counts each week on its own.
 */
async function expectCounts(ctx, page) {
  const home = ctx.base + ctx.pages.home;
  await ctx.load(page, home);
  await page.waitForSelector('.roadbook-overall');
  const overall = await page.locator('.roadbook-overall').textContent();
  if (!/^1 done, 0 skipped, \d+ remaining/.test(overall)) ctx.fail(home, `home page counts "${overall}"`);
  // The roadmap as the page assembled it from roadbook-data.js and its parts (all of them on the home page).
  const data = await page.evaluate(() => window.roadbookJourney.data);
  if (!data || !data.complete) return ctx.fail(home, 'the home page did not load every part of the data');
  const rows = await page.locator('.roadbook-progress-table tbody tr').count();
  if (rows !== data.phases.length + data.weeks.length) ctx.fail(home, `${rows} rows for ${data.phases.length} phases and ${data.weeks.length} weeks`);
  const next = await page.locator('a.roadbook-continue').getAttribute('href');
  const firstOpen = data.items.find((i) => !i.checked && i.id !== ctx.pages.exercise.replace(/^.*\/|\.html$/g, ''));
  if (!next || !next.endsWith(`#${firstOpen.id}`)) ctx.fail(home, `"continue" links to ${next}, not ${firstOpen.id}`);

  // Week 1 finished, week 2 skipped by the plan.
  await page.evaluate((d) => {
    for (const i of d.items.filter((x) => x.week === d.weeks[0].id)) window.roadbookStore.set(`progress:${i.id}`, 'done');
    window.roadbookStore.set('plan', { track: d.tracks[0].id, start: '2027-01-04' });
  }, data);
  await ctx.load(page, home);
  await page.waitForSelector('.roadbook-overall');
  const mark = page.locator(`.sidebar a[href$="${data.weeks[0].path}"] .roadbook-week-done`);
  if ((await mark.count()) === 0) ctx.fail(home, 'the sidebar does not mark the finished week');
  const planned = await page.locator('.roadbook-overall').textContent();
  // Week 1 is done, so it counts as done even where the plan skips it.
  const skippedByPlan = data.items.filter((i) => i.week !== data.weeks[0].id
    && !data.tracks[0].weeks.includes(data.weeks.find((w) => w.id === i.week).number)).length;
  if (skippedByPlan > 0 && !planned.includes(`${skippedByPlan} skipped`)) ctx.fail(home, `with a plan skipping ${skippedByPlan} items the home page says "${planned}"`);

  const phase = ctx.base + ctx.pages.phase;
  await ctx.load(page, phase);
  const phaseCount = await page.locator('[data-progress-summary^="phase:"]').first().textContent();
  if (!/^\d+ of \d+ done/.test(phaseCount)) ctx.fail(phase, `phase page counts "${phaseCount}"`);

  // The print page prints itself once loaded: not here.
  const print = `${ctx.base}print.html`;
  const printPage = await page.context().newPage();
  await printPage.addInitScript(() => { window.print = () => {}; });
  await printPage.goto(print, { waitUntil: 'domcontentloaded', timeout: 60000 });
  await printPage.waitForFunction(() => window.roadbookJourney && window.roadbookJourney.data, null, { timeout: 60000 });
  const weeks = await printPage.$$eval('[data-progress-summary^="week:"]', (spans) =>
    spans.map((s) => `${s.getAttribute('data-progress-summary')}=${s.textContent}`));
  await printPage.close();
  const first = weeks.find((w) => w.startsWith(`week:${data.weeks[0].id}=`));
  const last = weeks.find((w) => w.startsWith(`week:${data.weeks[data.weeks.length - 1].id}=`));
  if (!first || !last || first.split('=')[1] === last.split('=')[1]) ctx.fail(print, `the print page does not count each week on its own: ${first} / ${last}`);
}

/** Exports from the home page; returns the JSON file's text. */
async function exportFile(ctx, page, url) {
  let text = null;
  await ctx.step(async () => {
    await ctx.load(page, url);
    await page.waitForSelector('.roadbook-transfer');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export all (JSON)' }).click(),
    ]);
    text = readFileSync(await download.path(), 'utf8');
    const file = JSON.parse(text);
    if (file.format !== 'roadbook-export' || file.version !== 1) ctx.fail(url, `the export says ${file.format} ${file.version}`);
    if (!Object.keys(file.entries).some((k) => k.startsWith('progress:')) || !file.entries.plan) ctx.fail(url, 'the export holds no progress or no plan');
    const [md] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export checklist (Markdown)' }).click(),
    ]);
    const checklist = readFileSync(await md.path(), 'utf8');
    if (!checklist.includes('- [x] ')) ctx.fail(url, 'the Markdown checklist has no [x]');
  });
  return text;
}

/** A fresh browser imports the export and shows the same progress. */
async function expectImport(ctx, home, week, text) {
  const { context, page, log } = await ctx.openPage();
  await ctx.load(page, home);
  await page.waitForSelector('.roadbook-transfer');
  await page.locator('.roadbook-transfer input[type="file"]').setInputFiles({
    name: 'roadbook-progress.json', mimeType: 'application/json', buffer: Buffer.from(text),
  });
  await page.waitForFunction(() => document.querySelector('.roadbook-transfer-status').textContent.startsWith('Imported'));
  const status = await page.locator('.roadbook-transfer-status').textContent();
  const count = Object.keys(JSON.parse(text).entries).length;
  if (!status.includes(`${count} added`)) ctx.fail(home, `importing into a fresh browser says "${status}"`);
  await page.locator('.roadbook-transfer input[type="file"]').setInputFiles({
    name: 'done.json', mimeType: 'application/json', buffer: Buffer.from('not json'),
  });
  await page.waitForFunction(() => document.querySelector('.roadbook-transfer-status').textContent.startsWith('Could not'));
  await ctx.load(page, week);
  const ticked = await page.locator('main .roadbook-checklist input:checked').count();
  if (ticked === 0) ctx.fail(week, 'the imported progress does not show on the week page');
  // Reset, confirmed.
  await ctx.load(page, home);
  await page.getByRole('button', { name: 'Reset progress…' }).click();
  await page.getByRole('button', { name: /^Erase \d+ saved states$/ }).click();
  const left = await page.evaluate(() => window.roadbookStore.entries('progress:').length);
  if (left !== 0) ctx.fail(home, `reset left ${left} progress entries`);
  if ((await page.evaluate(() => window.roadbookStore.get('plan'))) === null) ctx.fail(home, 'reset erased the plan too');
  ctx.expectClean(home, log);
  await context.close();
}

/** The previous version's `roadbook-progress:ID` keys are read once. */
async function expectLegacyMigrated(ctx, url) {
  const { context, page } = await ctx.openPage();
  await ctx.load(page, url);
  const id = await firstItem(page).getAttribute('data-progress-id');
  await page.evaluate((key) => window.localStorage.setItem(key, 'done'), `roadbook-progress:${id}`);
  await ctx.load(page, url);
  if (!(await firstItem(page).isChecked())) ctx.fail(url, 'a tick saved by the previous version is lost');
  const left = await page.evaluate((key) => window.localStorage.getItem(key), `roadbook-progress:${id}`);
  if (left !== null) ctx.fail(url, 'the old key was not removed after migrating');
  await context.close();
}

/** At phone width nothing scrolls sideways and the menu opens by tap. */
async function expectPhoneWidth(ctx, home, week) {
  const { context, page } = await ctx.openPage();
  await page.setViewportSize({ width: 390, height: 844 });
  for (const url of [home, week]) {
    await ctx.load(page, url);
    await page.waitForTimeout(100);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (wide > 2) ctx.fail(url, `at 390 px wide the page scrolls ${wide} px sideways`);
  }
  await page.locator('.roadbook-state-button').first().click();
  const box = await page.locator('.roadbook-state-menu').boundingBox();
  if (!box || box.x < 0 || box.x + box.width > 390) ctx.fail(week, `the state menu is off screen at phone width: ${JSON.stringify(box)}`);
  await page.screenshot({ path: `${ctx.artifacts}/progress-phone.png` });
  await context.close();
}
