// The learner's plan: choose a study track and a start date on "My plan"
// with the keyboard only, see the weeks dated, download the calendar and
// read it with ical.js, log time and find it after a reload, and follow
// "This week" on the home page before, during and after the plan; at phone
// width too, with no serious or critical axe violation.
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

// The plan starts on Monday 5 January 2026; the learner's clock says
// Wednesday 14 January, day 10 of the career changers' plan (its week 1 has
// fourteen days: blocks of 4, 4 and 6 days).
const START = '2026-01-05';
const TODAY = '2026-01-14T10:00:00';
const CAREER = 'track-career-changers-bootcamp-grads';

export default {
  name: 'plan',
  async run(ctx) {
    const url = ctx.base + 'plan.html';
    const home = ctx.base + ctx.pages.home;
    const { context, page, log } = await ctx.openPage();
    await page.clock.setFixedTime(new Date(TODAY));
    await ctx.load(page, url);
    await ctx.step(() => choosePlanByKeyboard(ctx, page, url));
    await ctx.step(() => expectDatedCalendar(ctx, page, url));
    await page.screenshot({ path: `${ctx.artifacts}/plan-dated.png`, fullPage: false });
    await ctx.step(() => expectCalendarDownload(ctx, page, url));
    await ctx.step(() => logTimeByKeyboard(ctx, page, url));
    await ctx.step(() => ctx.expectAccessible(page, url));
    await ctx.load(page, home);
    await ctx.step(() => expectThisWeek(ctx, page, home));
    await page.locator('[data-plan-this-week]').screenshot({ path: `${ctx.artifacts}/home-this-week.png` });
    await ctx.step(() => ctx.expectAccessible(page, home));
    await ctx.step(() => expectBeforeAndAfter(ctx, page, home));
    await ctx.step(() => expectLocalDate(ctx, home));
    await page.setViewportSize({ width: 390, height: 844 });
    await ctx.load(page, url);
    await ctx.step(() => expectPhoneWidth(ctx, page, url));
    await page.screenshot({ path: `${ctx.artifacts}/plan-phone.png`, fullPage: false });
    await ctx.step(() => ctx.expectAccessible(page, url));
    await ctx.step(() => ctx.expectClean(url, log));
    await context.close();
  },
};

/** Presses Tab until `selector` has the focus (at most `limit` times). */
async function tabTo(page, selector, limit = 400) {
  for (let i = 0; i < limit; i += 1) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return true;
    await page.keyboard.press('Tab');
  }
  return false;
}

const stored = (page, key) => page.evaluate((k) => window.roadbookStore.get(k), key);

/** Arrow keys choose the track, typing fills the start date. */
async function choosePlanByKeyboard(ctx, page, url) {
  if (!(await page.isVisible('[data-plan-form]'))) return ctx.fail(url, 'the plan form is not shown');
  if (!(await tabTo(page, 'input[name="plan-track"]'))) return ctx.fail(url, 'Tab never reaches the study tracks');
  // The whole plan is chosen first; two steps down is the career changers' track.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const track = await page.evaluate(() => document.activeElement.value);
  if (track !== CAREER) return ctx.fail(url, `ArrowDown twice chose ${track}`);
  if (!(await tabTo(page, '#plan-start', 20))) return ctx.fail(url, 'Tab never reaches the start date');
  // Chromium's date field takes the digits of its segments (month, day, year in en-US).
  await page.keyboard.type('01052026');
  await page.keyboard.press('Tab');
  const plan = await stored(page, 'plan');
  if (JSON.stringify(plan) !== JSON.stringify({ track: CAREER, start: START })) {
    ctx.fail(url, `the stored plan is ${JSON.stringify(plan)}`);
  }
}

/** Every week and block of the plan dated; the plan survives a reload. */
async function expectDatedCalendar(ctx, page, url) {
  for (const pass of ['chosen', 'reloaded']) {
    if (pass === 'reloaded') await ctx.load(page, url);
    const rows = await page.$$eval('[data-plan-calendar] tbody tr:not(.roadbook-plan-week)', (trs) => trs.map((tr) => tr.textContent));
    if (rows.length !== 36) ctx.fail(url, `${pass}: ${rows.length} day blocks in the calendar, not 36`);
    const first = rows[0] ?? '';
    if (!first.includes('Mon 5 – Thu 8 Jan')) ctx.fail(url, `${pass}: week 1's first block reads "${first}"`);
    const week = await page.textContent('[data-plan-calendar] tbody[data-plan-week="w01"] .roadbook-plan-week');
    if (!week.includes('Mon 5 Jan – Sun 18 Jan 2026') || !week.includes('14 days') || !week.includes('20-30 h')) {
      ctx.fail(url, `${pass}: week 1 does not get fourteen days of 20-30 hours: "${week}"`);
    }
    const now = await page.$$eval('[data-plan-calendar] tr[aria-current="date"]', (trs) => trs.map((tr) => tr.textContent));
    if (now.length !== 1 || !now[0].includes('Friday-Weekend')) ctx.fail(url, `${pass}: today's block is ${JSON.stringify(now)}`);
    const summary = await page.textContent('[data-plan-summary]');
    if (!summary.includes('16 calendar weeks') || !summary.includes('Sun 26 Apr 2026')) {
      ctx.fail(url, `${pass}: the summary reads "${summary}"`);
    }
    const checked = await page.$eval('input[name="plan-track"]:checked', (r) => r.value);
    if (checked !== CAREER) ctx.fail(url, `${pass}: the chosen track shows as ${checked}`);
    if ((await page.inputValue('#plan-start')) !== START) ctx.fail(url, `${pass}: the start date shows as ${await page.inputValue('#plan-start')}`);
  }
}

/** The download button gives an .ics file that ical.js reads: one event a block. */
async function expectCalendarDownload(ctx, page, url) {
  if (!(await tabTo(page, '[data-plan-download]'))) return ctx.fail(url, 'Tab never reaches the download button');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10000 }), page.keyboard.press('Enter')]);
  const name = download.suggestedFilename();
  if (!name.endsWith('.ics')) ctx.fail(url, `the calendar downloads as ${name}`);
  const text = readFileSync(await download.path(), 'utf8');
  if (!text.startsWith('BEGIN:VCALENDAR\r\n')) return ctx.fail(url, 'the download is no iCalendar file with CRLF lines');
  let events;
  try {
    events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  } catch (err) {
    return ctx.fail(url, `ical.js cannot read the calendar: ${err.message}`);
  }
  if (events.length !== 36) ctx.fail(url, `${events.length} events in the calendar, not 36`);
  const first = events[0];
  if (!first.startDate.isDate || first.startDate.toString() !== START) ctx.fail(url, `the first event starts ${first.startDate}`);
  if (first.endDate.toString() !== '2026-01-09') ctx.fail(url, `the first event ends ${first.endDate}`);
  if (!first.uid.startsWith('w01-monday-tuesday@')) ctx.fail(url, `the first event's UID is ${first.uid}`);
  if (!first.description.includes('Exercise: Identify bottlenecks')) ctx.fail(url, 'the first event does not list its items');
  const http = url.startsWith('http');
  if (http !== Boolean(first.component.getFirstPropertyValue('url'))) ctx.fail(url, `URL property ${http ? 'missing' : 'set'} from ${http ? 'http' : 'file://'}`);
  console.log(`  calendar: ${name}, ${events.length} events, first ${first.startDate}–${first.endDate} ${first.uid}`);
}

/** Time typed for week 1 is stored, counted against the plan and kept. */
async function logTimeByKeyboard(ctx, page, url) {
  if (!(await tabTo(page, '#plan-time-w01'))) return ctx.fail(url, "Tab never reaches week 1's time");
  await page.keyboard.type('2:30');
  await page.keyboard.press('Tab');
  if ((await stored(page, 'time:w01')) !== 150) ctx.fail(url, `week 1's time is stored as ${await stored(page, 'time:w01')}`);
  const focused = await page.evaluate(() => document.activeElement.id);
  if (focused !== 'plan-time-w02') ctx.fail(url, `after logging, Tab went to "${focused}", not week 2's time`);
  await ctx.load(page, url);
  const value = await page.inputValue('#plan-time-w01');
  const total = await page.getAttribute('[data-plan-time-total]', 'data-plan-time-total');
  if (value !== '2 h 30 min' || total !== '150') ctx.fail(url, `after a reload week 1 shows "${value}", the total ${total} minutes`);
  const row = await page.textContent('.roadbook-plan-time-table tbody tr');
  if (!row.includes('20-30 h') || !row.includes('17 h 30 min below the plan')) ctx.fail(url, `week 1's time row reads "${row}"`);
  // Not a duration: said so, nothing stored.
  await page.fill('#plan-time-w02', 'soon');
  await page.press('#plan-time-w02', 'Tab');
  const status = await page.textContent('[data-plan-time] [role="status"]');
  if (!status.includes('is not a duration') || (await page.getAttribute('#plan-time-w02', 'aria-invalid')) !== 'true') {
    ctx.fail(url, `"soon" as a duration reads "${status}"`);
  }
  if ((await stored(page, 'time:w02')) !== null) ctx.fail(url, '"soon" was stored as a duration');
}

/** The home page's block names today's week and block and links to them. */
async function expectThisWeek(ctx, page, url) {
  const block = page.locator('[data-plan-this-week]');
  const text = await block.textContent();
  for (const want of ['Week 1: System Design Basics', 'Friday-Weekend', 'Day 10 of 112', '2 h 30 min logged of 20-30 h']) {
    if (!text.includes(want)) ctx.fail(url, `"This week" does not say "${want}": ${text}`);
  }
  const href = await block.locator('a').first().getAttribute('href');
  if (href !== 'weeks/week-01.html') ctx.fail(url, `"This week" links to ${href}`);
}

/** Before the start date and after the end, the block says so. */
async function expectBeforeAndAfter(ctx, page, url) {
  for (const [when, want] of [
    ['2026-01-01T08:00:00', 'starts on Mon 5 Jan 2026, in 4 days'],
    ['2026-04-26T23:30:00', 'Week 12'],
    ['2026-04-27T00:30:00', 'ended on Sun 26 Apr 2026'],
  ]) {
    await page.clock.setFixedTime(new Date(when));
    await ctx.load(page, url);
    const text = await page.textContent('[data-plan-this-week]');
    if (!text.includes(want)) ctx.fail(url, `on ${when} "This week" does not say "${want}": ${text}`);
  }
  await page.clock.setFixedTime(new Date(TODAY));
}

/** At phone width the page does not scroll sideways; the tables scroll in their box. */
async function expectPhoneWidth(ctx, page, url) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) ctx.fail(url, `at 390 px the page is ${overflow} px wider than the screen`);
  await page.locator('[data-plan-calendar]').scrollIntoViewIfNeeded();
}

/**
 * "Today" is the learner's calendar date, not UTC's: at 00:30 on 14 January
 * in Kiritimati (UTC+14) it is still 13 January in UTC, day 9 of the plan.
 */
async function expectLocalDate(ctx, url) {
  const context = await ctx.browser.newContext({ timezoneId: 'Pacific/Kiritimati' });
  await context.route((u) => !u.href.startsWith(ctx.base), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  await page.clock.setFixedTime(new Date('2026-01-13T10:30:00Z'));
  await ctx.load(page, url);
  await page.evaluate((plan) => window.roadbookStore.set('plan', plan), { track: CAREER, start: START });
  await ctx.load(page, url);
  const text = await page.textContent('[data-plan-this-week]');
  if (!text.includes('Day 10 of 112')) ctx.fail(url, `in Kiritimati on 14 January "This week" says: ${text}`);
  await context.close();
}

