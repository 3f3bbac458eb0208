// The roadmap's data in parts (crates/roadbook/src/book_data.rs). The
// shipped book's data is small, so every page loads all of it (`whole`).
// A synthetic book of 40 weeks (../synthetic.mjs) is past that: from
// file:// and over http, its week page loads the outline and the one part
// its unit's ID names, and counts and ticks as before; another week's page,
// without that part, marks the finished week in its sidebar; its phase page loads
// the parts of the phase, of its units and of its milestones and counts them; its home page
// counts the whole book from the counts file and the places this browser
// remembered, loading a few parts only (the unit to continue in, the rows
// near the screen); in a fresh profile, importing done items of many units
// counts them, loading only their units' parts; no console error.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { buildSynthetic, openSynthetic } from '../synthetic.mjs';

const require = createRequire(import.meta.url);
const WEEKS = 40;
let built = null;

export default {
  name: 'roadmap data in parts',
  async run(ctx) {
    await ctx.step(() => shippedIsWhole(ctx));
    await ctx.step(async () => {
      built ??= buildSynthetic(ctx, 'synthetic data book', { weeks: WEEKS });
      if (!built) return;
      await openSynthetic(ctx, built, async (base) => {
        await checkParts(ctx, built, base);
      });
    });
  },
};

/** The outline of the book in `dir`, as the page reads it. */
function outlineOf(dir) {
  const text = readFileSync(join(dir, 'roadbook-data.js'), 'utf8');
  return JSON.parse(text.slice(text.indexOf('= ') + 2, text.lastIndexOf(';')));
}

function shippedIsWhole(ctx) {
  const outline = outlineOf(ctx.book);
  if (outline.version !== 2 || !outline.whole) ctx.fail(`${ctx.book}/roadbook-data.js`, 'the shipped book\'s data is not `whole`');
}

/** A page of the book at `base` that records which parts it asked for. */
async function open(ctx, base) {
  const { context, page, log } = await ctx.openPage(base);
  log.parts = [];
  page.on('request', (req) => {
    const part = /\/data\/(\d+)-[0-9a-f]+\.js$/.exec(req.url());
    if (part) log.parts.push(Number(part[1]));
  });
  return { context, page, log };
}

/** Waits until the page's data is in (`roadbookJourney.ready`). */
const ready = (page) => page.evaluate(() => new Promise((done) => window.roadbookJourney.ready(() => done())));

async function checkParts(ctx, book, base) {
  const model = require(join(ctx.root, 'theme', 'progress-model.js'));
  const outline = outlineOf(book);
  if (outline.whole || outline.parts < 3) {
    ctx.fail(book, `a ${WEEKS}-week book should be cut in parts (parts ${outline.parts}, whole ${outline.whole})`);
    return;
  }
  const files = readdirSync(join(book, 'data')).filter((n) => /^\d+-/.test(n));
  if (files.length !== outline.parts) ctx.fail(book, `${files.length} parts in data/ for ${outline.parts}`);
  if (!readdirSync(join(book, 'data')).includes(`counts-${outline.stamp}.js`)) ctx.fail(book, 'no counts file in data/');

  // One browser profile throughout, so what is ticked on the week page is
  // counted on the phase and home pages.
  const { context, page, log } = await open(ctx, base);
  const visit = async (path) => {
    log.parts = [];
    await ctx.load(page, base + path);
    await ready(page);
    return base + path;
  };
  const sorted = (list) => [...new Set(list)].sort((a, b) => a - b);
  const total = (text) => Number(/ of (\d+) done/.exec(text)?.[1]);

  // A week page: the outline and its unit's part, nothing else.
  const week = 'weeks/week-17.html';
  const weekId = readFileSync(join(book, week), 'utf8').match(/data-progress-summary="week:([^"]+)"/)[1];
  let url = await visit(week);
  if (JSON.stringify(log.parts) !== JSON.stringify([model.partOf(outline, weekId)])) {
    ctx.fail(url, `loaded parts ${JSON.stringify(log.parts)}, wants [${model.partOf(outline, weekId)}]`);
  }
  const boxes = page.locator('main li[data-kind] input[type="checkbox"]');
  const count = await boxes.count();
  const summary = page.locator(`[data-progress-summary="week:${weekId}"]`);
  const before = await summary.textContent();
  if (!before.startsWith(`0 of ${count} done`)) ctx.fail(url, `the week counts "${before}" for ${count} boxes`);
  for (let i = 0; i < count; i += 1) await boxes.nth(i).check();
  const after = await summary.textContent();
  if (!after.startsWith(`${count} of ${count} done`)) ctx.fail(url, `all ticked, the week counts "${after}"`);
  if ((await page.locator(`.sidebar a[href$="${week}"] .roadbook-week-done`).count()) === 0) {
    ctx.fail(url, 'the finished week is not marked in the sidebar');
  }

  // Another week page, whose part is not week 17's: the sidebar still marks
  // week 17 finished, from what this browser remembered.
  const other = readdirSync(join(book, 'weeks')).filter((n) => n.endsWith('.html')).map((n) => `weeks/${n}`)
    .find((path) => {
      const id = readFileSync(join(book, path), 'utf8').match(/data-progress-summary="week:([^"]+)"/)?.[1];
      return id && model.partOf(outline, id) !== model.partOf(outline, weekId);
    });
  url = await visit(other);
  if (log.parts.includes(model.partOf(outline, weekId))) ctx.fail(url, `loaded week ${weekId}'s part too: ${JSON.stringify(log.parts)}`);
  if ((await page.locator(`.sidebar a[href$="${week}"] .roadbook-week-done`).count()) === 0) {
    ctx.fail(url, `the sidebar does not mark ${week}, finished on its own page, without its part`);
  }

  // Its phase page: the phase's part and its units', counted together.
  const phasePath = readFileSync(join(book, week), 'utf8').match(/href="\.\.\/(phases\/[^"]+\.html)"/)[1];
  const html = readFileSync(join(book, phasePath), 'utf8');
  const phaseId = html.match(/data-progress-summary="phase:([^"]+)"/)[1];
  const units = [...html.matchAll(/data-progress-summary="week:([^"]+)"/g)].map((m) => m[1]);
  const groups = [...html.matchAll(/data-progress-summary="milestones:([^"]+)"/g)].map((m) => m[1]);
  url = await visit(phasePath);
  const want = sorted([phaseId, ...units, ...groups].map((id) => model.partOf(outline, id)));
  if (JSON.stringify(sorted(log.parts)) !== JSON.stringify(want)) {
    ctx.fail(url, `loaded parts ${JSON.stringify(sorted(log.parts))}, wants ${JSON.stringify(want)}`);
  }
  const counts = await page.evaluate(
    (ids) => ids.map((id) => document.querySelector(`[data-progress-summary="${id}"]`).textContent),
    [`phase:${phaseId}`, ...units.map((u) => `week:${u}`)],
  );
  const sum = counts.slice(1).reduce((a, t) => a + total(t), 0);
  if (!(sum > count) || total(counts[0]) !== sum || !counts[0].startsWith(`${count} of ${sum} done`)) {
    ctx.fail(url, `with week ${weekId} done, the phase counts "${counts[0]}" (its units: ${counts.slice(1).join(' | ')})`);
  }

  // The home page: a few parts, the whole book counted.
  url = base + 'index.html';
  log.parts = [];
  await ctx.load(page, url);
  await page.waitForSelector('.roadbook-continue');
  const all = [];
  for (const name of files) {
    const text = readFileSync(join(book, 'data', name), 'utf8');
    const start = text.search(/\[\d+\] = \{/);
    all.push(...JSON.parse(text.slice(text.indexOf('{', start), text.lastIndexOf(';'))).items);
  }
  const items = all.length;
  if (sorted(log.parts).length > 3) ctx.fail(url, `the home page loaded ${sorted(log.parts).length} of ${outline.parts} parts`);
  const overall = await page.locator('.roadbook-overall').textContent();
  if (!overall.startsWith(`${count} done, 0 skipped, ${items - count} remaining of ${items} items`)) {
    ctx.fail(url, `the home page counts "${overall}"; the parts hold ${items} items, ${count} ticked`);
  }
  const row = await page.locator('.roadbook-progress-table tr', { hasText: `Week 17` }).first().textContent();
  if (!row.includes(`${count}00100 %`)) ctx.fail(url, `the table's row of week 17 reads "${row}"`);
  ctx.expectClean(url, log);
  await context.close();

  // A fresh profile imports done items of many units: counted, with only
  // the parts of those units loaded.
  const fresh = await open(ctx, base);
  await ctx.load(fresh.page, url);
  await fresh.page.waitForSelector('.roadbook-continue');
  fresh.log.parts = [];
  const picked = [];
  const seenUnits = new Set();
  for (const item of all) {
    if (!seenUnits.has(item.week) && !item.checked && seenUnits.size < 12) {
      seenUnits.add(item.week);
      picked.push(item.id);
    }
  }
  await fresh.page.setInputFiles('.roadbook-file input[type="file"]', {
    name: 'done.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(picked)),
  });
  await fresh.page.waitForFunction((n) => document.querySelector('.roadbook-overall').textContent.startsWith(`${n} done`), picked.length, { timeout: 10000 })
    .catch(() => {});
  const imported = await fresh.page.locator('.roadbook-overall').textContent();
  if (!imported.startsWith(`${picked.length} done, 0 skipped, ${items - picked.length} remaining of ${items} items`)) {
    ctx.fail(url, `after importing ${picked.length} done items of ${seenUnits.size} units the home page counts "${imported}"`);
  }
  const theirs = sorted([...seenUnits].map((u) => model.partOf(outline, u)));
  const extra = sorted(fresh.log.parts).filter((n) => !theirs.includes(n));
  if (extra.length > 2) ctx.fail(url, `the import loaded parts ${JSON.stringify(sorted(fresh.log.parts))}; its units are in ${JSON.stringify(theirs)}`);
  ctx.expectClean(url, fresh.log);
  await fresh.context.close();
}
