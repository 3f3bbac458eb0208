// The self-assessment page: a full assessment filled in with the keyboard
// and mouse, the rubric prefilled from a recorded mock interview, answers
// kept over a reload, the level shown, the export downloaded and scored
// again by the scorer the shared vectors hold to roadbook assess's
// (theme/assess.js under Node), the badge downloaded, the timed mode's
// clock, and no serious accessibility problem on the result.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export default {
  name: 'assessment',
  async run(ctx) {
    const url = `${ctx.base}assessment.html`;
    const assess = require(join(ctx.root, 'theme', 'assess.js'));
    const { context, page, log } = await ctx.openPage();
    await ctx.load(page, url);
    const specText = await page.locator('#roadbook-assessment-spec').textContent().catch(() => null);
    if (specText === null) {
      ctx.fail(url, 'no assessment spec on the page');
      await context.close();
      return;
    }
    const spec = JSON.parse(specText);
    await ctx.step(() => expectMockPrefill(ctx, page, url, spec));
    await ctx.step(() => expectAnswersKept(ctx, page, url, spec));
    await ctx.step(() => expectResultAndExport(ctx, page, url, spec, assess));
    await ctx.step(() => ctx.expectAccessible(page, url));
    await page.locator('#assess-result').screenshot({ path: join(ctx.artifacts, 'assessment-result.png') });
    await ctx.step(() => expectTimedMode(ctx, page, url));
    await ctx.step(() => ctx.expectClean(url, log));
    await context.close();
  },
};

const rubricOf = (spec) => spec.questions.find((q) => q.kind === 'rubric');

/** A scored mock interview saved by the mock page fills the design answer's ratings. */
async function expectMockPrefill(ctx, page, url, spec) {
  const rubric = rubricOf(spec);
  if (!rubric) return;
  const scores = Object.fromEntries(rubric.dimensions.map((d) => [d.id, 3]));
  await page.evaluate((s) => {
    window.roadbookStore.remove('assessment:answers');
    window.roadbookStore.set('mock:result:1000', { version: 1, prompt: 'menu-api', title: 'Menu API', scores: s, scale: 4 });
  }, scores);
  await ctx.load(page, url);
  const first = rubric.dimensions[0];
  const value = await page.locator(`[name="q-${rubric.id}-${first.id}"]`).inputValue();
  if (value !== '3') ctx.fail(url, `the recorded mock's rating of ${first.id} was not prefilled (got "${value}")`);
  const note = await page.locator(`#assess-mock-${rubric.id}`).textContent();
  if (!note.includes('Menu API')) ctx.fail(url, `no note says the ratings come from the mock: "${note}"`);
}

/**
 * Every question answered (the keys, but for two wrong ones, with the
 * keyboard for the first number), kept over a reload.
 */
async function expectAnswersKept(ctx, page, url, spec) {
  const wrong = new Set(spec.areas.slice(0, 2).map((a) => spec.questions.find((q) => q.area === a.id && q.kind !== 'rubric').id));
  let typed = false;
  for (const q of spec.questions) {
    if (q.kind === 'numeric') {
      const value = wrong.has(q.id) ? q.answer + q.tolerance + 1 : q.answer;
      const field = page.locator(`[name="q-${q.id}"]`);
      if (!typed) {
        await field.focus();
        await page.keyboard.type(String(value));
        typed = true;
      } else {
        await field.fill(String(value));
      }
    } else if (q.kind === 'single') {
      const pick = wrong.has(q.id) ? (q.answer + 1) % q.options.length : q.answer;
      await page.check(`[name="q-${q.id}"][value="${pick}"]`);
    } else if (q.kind === 'multiple') {
      for (const i of q.answer) await page.check(`[name="q-${q.id}"][value="${i}"]`);
      if (wrong.has(q.id)) await page.uncheck(`[name="q-${q.id}"][value="${q.answer[0]}"]`);
    }
  }
  const rubric = rubricOf(spec);
  if (rubric) await page.selectOption(`[name="q-${rubric.id}-${rubric.dimensions[1].id}"]`, '4');
  await ctx.load(page, url);
  const first = spec.questions.find((q) => q.kind === 'numeric');
  const kept = await page.locator(`[name="q-${first.id}"]`).inputValue();
  if (kept === '') ctx.fail(url, `the answer to ${first.id} did not survive a reload`);
  if (rubric) {
    const rating = await page.locator(`[name="q-${rubric.id}-${rubric.dimensions[1].id}"]`).inputValue();
    if (rating !== '4') ctx.fail(url, 'a changed rubric rating did not survive a reload (the mock overwrote it?)');
  }
}

/** The result shows the level the scorer gives, and the export scores the same. */
async function expectResultAndExport(ctx, page, url, spec, assess) {
  await page.locator('#assess-form button[type="submit"]').press('Enter');
  await page.locator('#assess-result').waitFor({ state: 'visible', timeout: 5000 });
  const headline = await page.locator('#assess-level').textContent();
  const stored = await page.evaluate(() => window.roadbookStore.get('assessment:answers'));
  const expected = assess.score(spec, stored);
  if (!headline.startsWith(expected.level_name) || !headline.includes(`${expected.overall_text} %`)) {
    ctx.fail(url, `the page shows "${headline}", the scorer says ${expected.level_name} ${expected.overall_text} %`);
  }
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (focused !== 'assess-result-title') ctx.fail(url, 'the result heading does not take the focus');
  const rows = await page.locator('.assess-table tr[data-area]').count();
  if (rows !== spec.areas.length) ctx.fail(url, `the result table has ${rows} areas, not ${spec.areas.length}`);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#assess-export')]);
  const file = JSON.parse(readFileSync(await download.path(), 'utf8'));
  if (file.format !== assess.FORMAT || file.version !== assess.VERSION) {
    ctx.fail(url, `the export is not an answers file: format ${file.format}, version ${file.version}`);
  }
  const again = assess.score(spec, file.answers);
  if (again.overall !== expected.overall || again.level !== expected.level) {
    ctx.fail(url, `the export scores ${again.overall_text} % (${again.level_name}), the page ${expected.overall_text} %`);
  }
  if (expected.level) {
    const [badge] = await Promise.all([page.waitForEvent('download'), page.click('#assess-badge')]);
    const svg = readFileSync(await badge.path(), 'utf8');
    if (!svg.startsWith('<svg') || !svg.includes('Self-assessed') || !svg.includes(expected.level_name)) {
      ctx.fail(url, 'the badge is not an SVG of the level marked self-assessed');
    }
  }
  const weak = await page.locator('.assess-weak a').count();
  if (expected.level !== spec.levels[0].id && weak === 0) ctx.fail(url, 'no link to the pages of the weakest areas');
}

/** The timed mode shows a running clock and the current section, and stops. */
async function expectTimedMode(ctx, page, url) {
  await page.click('#assess-timed');
  const timer = page.locator('#assess-timer');
  await timer.waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
  if (!(await timer.isVisible())) return ctx.fail(url, 'the timed mode shows no clock');
  const clock = await page.locator('.assess-clock').textContent();
  if (!/^\d:\d\d:\d\d$/.test(clock)) ctx.fail(url, `the clock reads "${clock}"`);
  const section = await page.locator('.assess-section').textContent();
  if (section.trim() === '') ctx.fail(url, 'the timed mode names no section');
  await page.click('#assess-timed');
  if (await timer.isVisible()) ctx.fail(url, 'stopping the timed mode leaves the clock');
}
