// Unit tests of theme/plan-model.js: the weeks a study track keeps, how its
// timeline stretches or compresses them, their dates, and time against the
// plan. Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { shippedData } from './plan-fixture.mjs';

const require = createRequire(import.meta.url);
const model = require('../../theme/plan-model.js');
const { parseDate, formatDate } = model;

/** A seeded generator (mulberry32), so a failing case can be replayed. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dated = (plan) => ({
  weeks: plan.weeks.map((w) => [w.week.number, formatDate(w.first), formatDate(w.last)]),
  end: formatDate(plan.end),
});

test('dates: real calendar dates only, leap years included', () => {
  assert.equal(parseDate('1970-01-01'), 0);
  assert.equal(parseDate('2028-02-29') - parseDate('2028-02-28'), 1);
  assert.equal(parseDate('2027-02-29'), null, '2027 is no leap year');
  assert.equal(parseDate('2100-02-29'), null, 'a century is a leap year only every 400 years');
  assert.notEqual(parseDate('2000-02-29'), null);
  for (const bad of ['2026-13-01', '2026-04-31', '26-01-01', '2026-1-5', '', null, 'today']) {
    assert.equal(parseDate(bad), null, `${bad} is no date`);
  }
});

test('dates: day numbers agree with the proleptic calendar of Date.UTC for two centuries', () => {
  // Differential against the platform's own UTC calendar, and weekday
  // against getUTCDay (0 = Sunday there).
  for (let day = parseDate('1950-01-01'); day <= parseDate('2150-12-31'); day += 1) {
    const d = new Date(day * 86400000);
    assert.equal(formatDate(day), d.toISOString().slice(0, 10));
    assert.equal(model.weekday(day), (d.getUTCDay() + 6) % 7);
  }
  assert.equal(formatDate(model.mondayFrom(parseDate('2026-12-30'))), '2027-01-04');
  assert.equal(formatDate(model.mondayFrom(parseDate('2026-01-05'))), '2026-01-05', 'a Monday is its own');
});

test("today is the learner's local calendar date, whatever the time zone and DST", () => {
  const saved = process.env.TZ;
  try {
    // Just after midnight local time on a DST change day, and late in the
    // evening in a zone ahead of UTC: the UTC date differs from the local one.
    for (const [tz, y, m, d, h, want] of [
      ['America/New_York', 2026, 2, 8, 0, '2026-03-08'],
      ['America/New_York', 2026, 10, 1, 23, '2026-11-01'],
      ['Europe/Berlin', 2026, 2, 29, 1, '2026-03-29'],
      ['Pacific/Auckland', 2026, 0, 1, 0, '2026-01-01'],
      ['Pacific/Kiritimati', 2026, 11, 31, 23, '2026-12-31'],
    ]) {
      process.env.TZ = tz;
      const local = new Date(y, m, d, h, 30);
      assert.equal(formatDate(model.localDay(local)), want, `${tz} ${want} ${h}:30`);
    }
    process.env.TZ = 'Pacific/Auckland';
    const local = new Date(2026, 0, 1, 0, 30);
    assert.notEqual(local.toISOString().slice(0, 10), '2026-01-01', 'the UTC date would have been a day early');
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test('block headings span their weekdays', () => {
  assert.equal(model.blockSpan('Monday-Tuesday'), 2);
  assert.equal(model.blockSpan('Wednesday-Thursday'), 2);
  assert.equal(model.blockSpan('Friday-Weekend'), 3);
  assert.equal(model.blockSpan('Mon-Fri'), 5);
  assert.equal(model.blockSpan('Saturday'), 1);
  assert.equal(model.blockSpan('Deep dive'), null);
  assert.equal(model.blockSpan(''), null);
});

test('share: whole parts that sum to the total, each within a day of its exact share', () => {
  assert.deepEqual(model.share(7, [1, 1, 1, 1, 1]), [2, 2, 1, 1, 1], 'ties go to the earlier part');
  assert.deepEqual(model.share(14, [2, 2, 3]), [4, 4, 6]);
  const next = rng(11);
  for (let run = 0; run < 2000; run += 1) {
    const weights = Array.from({ length: 1 + Math.floor(next() * 12) }, () => 1 + Math.floor(next() * 5));
    const total = Math.floor(next() * 200);
    const parts = model.share(total, weights);
    const sum = weights.reduce((a, b) => a + b, 0);
    assert.equal(parts.reduce((a, b) => a + b, 0), total, `${total} over ${weights}`);
    parts.forEach((p, i) => {
      const exact = (total * weights[i]) / sum;
      assert.ok(p >= Math.floor(exact) && p <= Math.ceil(exact), `${p} vs ${exact} (${total} over ${weights})`);
    });
  }
});

test('share: the larger remainder gets the extra day', () => {
  // 9 days over 2:2:3 is 2.57, 2.57, 3.86: floors 2, 2, 3 and two days left.
  assert.deepEqual(model.share(9, [2, 2, 3]), [3, 2, 4]);
});

test('the default plan keeps all twelve weeks of seven days, blocks 2-2-3', () => {
  const plan = model.schedule(shippedData(), { track: null, start: null });
  assert.equal(plan.weeks.length, 12);
  assert.deepEqual(plan.left, []);
  assert.equal(plan.days, 84);
  for (const w of plan.weeks) {
    assert.equal(w.length, 7);
    assert.deepEqual(w.blocks.map((b) => b.length), [2, 2, 3]);
    assert.equal(w.first, null, 'no start date, no dates');
  }
  assert.deepEqual(plan.weeks[0].planned, { min: 600, max: 900 }, '10-15 hours a week');
});

test('experienced developers skip weeks 1-2 and focus on 9-10 in ten weeks', () => {
  const data = shippedData();
  const plan = model.schedule(data, { track: 'track-experienced', start: '2026-01-05' });
  assert.deepEqual(plan.left, [1, 2]);
  assert.deepEqual(plan.weeks.map((w) => w.week.number), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.deepEqual(plan.weeks.filter((w) => w.focus).map((w) => w.week.number), [9, 10]);
  assert.equal(plan.days, 70);
  assert.equal(formatDate(plan.weeks[0].first), '2026-01-05', 'week 3 is the first week');
  assert.equal(formatDate(plan.end), '2026-03-15');
  assert.deepEqual(plan.weeks[0].planned, { min: 600, max: 900 });
  assert.deepEqual(plan.weeks[6].planned, { min: 900, max: 900 }, 'week 9 gets its more time as 15 hours');
});

test('career changers: 16 weeks, the four extra ones going to weeks 1-4', () => {
  const plan = model.schedule(shippedData(), { track: 'track-career', start: '2026-01-05' });
  assert.equal(plan.weeks.length, 12);
  assert.deepEqual(plan.weeks.map((w) => w.length), [14, 14, 14, 14, 7, 7, 7, 7, 7, 7, 7, 7]);
  assert.equal(plan.days, 16 * 7);
  assert.deepEqual(plan.weeks[0].blocks.map((b) => b.length), [4, 4, 6]);
  assert.deepEqual(plan.weeks[0].planned, { min: 1200, max: 1800 }, 'two calendar weeks at 10-15 hours');
  assert.equal(formatDate(plan.weeks[4].first), '2026-03-02', 'week 5 starts after eight calendar weeks');
  assert.equal(formatDate(plan.end), '2026-04-26');
});

test('urgent: weeks 1, 3, 5, 11-12 in six weeks at 3-4 hours a day', () => {
  const plan = model.schedule(shippedData(), { track: 'track-urgent', start: '2026-01-05' });
  assert.deepEqual(plan.weeks.map((w) => w.week.number), [1, 3, 5, 11, 12]);
  assert.deepEqual(plan.left, [2, 4, 6, 7, 8, 9, 10]);
  assert.deepEqual(plan.weeks.map((w) => w.length), [9, 9, 8, 8, 8]);
  assert.equal(plan.days, 42);
  assert.deepEqual(plan.pace, { min: 21, max: 28 });
  assert.deepEqual(plan.weeks[0].planned, { min: 27 * 60, max: 36 * 60 }, '9 days at 3-4 hours');
  const blocks = plan.weeks[0].blocks;
  assert.deepEqual(blocks.map((b) => b.length), [3, 2, 4]);
  assert.deepEqual(blocks.map((b) => [formatDate(b.first), formatDate(b.last)]), [
    ['2026-01-05', '2026-01-07'], ['2026-01-08', '2026-01-09'], ['2026-01-10', '2026-01-13'],
  ]);
});

test('a timeline shorter than the plan shares its days out, never below a day a block', () => {
  const data = shippedData();
  data.tracks.push({ id: 'squeeze', skip: [], focus: [], duration: { min: 4, max: 4 }, daily_hours: null });
  const plan = model.schedule(data, { track: 'squeeze', start: null });
  assert.equal(plan.weeks.length, 12, 'no focus weeks: every week stays');
  assert.deepEqual(plan.weeks.map((w) => w.length), Array(12).fill(3), '28 days raised to 36, 3 per week');
  for (const w of plan.weeks) assert.deepEqual(w.blocks.map((b) => b.length), [1, 1, 1]);
  data.tracks.push({ id: 'two-weeks', skip: [], focus: [], duration: { min: 9, max: 9 }, daily_hours: null });
  const nine = model.schedule(data, { track: 'two-weeks', start: null });
  assert.equal(nine.days, 63);
  assert.deepEqual(nine.weeks.map((w) => w.length), [6, 6, 6, 5, 5, 5, 5, 5, 5, 5, 5, 5]);
});

test('an unknown track ID falls back to the default plan', () => {
  const plan = model.schedule(shippedData(), { track: 'gone', start: '2026-01-05' });
  assert.equal(plan.track, null);
  assert.equal(plan.weeks.length, 12);
});

test('dates run on across DST changes, year ends and 29 February', () => {
  const data = shippedData();
  // US DST starts 8 March, EU 29 March 2026: every week still starts on a Monday.
  const spring = model.schedule(data, { track: null, start: '2026-02-02' });
  for (const w of spring.weeks) assert.equal(model.weekday(w.first), 0, `week ${w.week.number}`);
  assert.deepEqual(dated(spring).weeks.slice(4, 9), [
    [5, '2026-03-02', '2026-03-08'], [6, '2026-03-09', '2026-03-15'], [7, '2026-03-16', '2026-03-22'],
    [8, '2026-03-23', '2026-03-29'], [9, '2026-03-30', '2026-04-05'],
  ]);
  const winter = model.schedule(data, { track: null, start: '2026-12-14' });
  assert.deepEqual(dated(winter).weeks[2], [3, '2026-12-28', '2027-01-03']);
  assert.deepEqual(winter.weeks[2].blocks.map((b) => formatDate(b.first)), ['2026-12-28', '2026-12-30', '2027-01-01']);
  assert.equal(dated(winter).end, '2027-03-07');
  const leap = model.schedule(data, { track: null, start: '2028-02-21' });
  assert.deepEqual(leap.weeks[1].blocks.map((b) => [formatDate(b.first), formatDate(b.last)]), [
    ['2028-02-28', '2028-02-29'], ['2028-03-01', '2028-03-02'], ['2028-03-03', '2028-03-05'],
  ]);
});

test('a plan starting on a Wednesday keeps the blocks in order from that day', () => {
  const plan = model.schedule(shippedData(), { track: null, start: '2026-01-07' });
  assert.deepEqual(plan.weeks[0].blocks.map((b) => formatDate(b.first)), ['2026-01-07', '2026-01-09', '2026-01-11']);
  assert.equal(formatDate(plan.end), '2026-03-31');
});

test('locate: before the start, each day of the plan, after the end', () => {
  const plan = model.schedule(shippedData(), { track: 'track-career', start: '2026-01-05' });
  const day = (t) => parseDate(t);
  assert.deepEqual(model.locate(plan, day('2026-01-01')), { state: 'before', days: 4 });
  const first = model.locate(plan, day('2026-01-05'));
  assert.equal(first.state, 'during');
  assert.equal(first.week.week.number, 1);
  assert.equal(first.block.block.days, 'Monday-Tuesday');
  const late = model.locate(plan, day('2026-01-18'));
  assert.equal(late.week.week.number, 1, 'week 1 has two calendar weeks');
  assert.equal(late.block.block.days, 'Friday-Weekend');
  assert.equal(model.locate(plan, day('2026-01-19')).week.week.number, 2);
  assert.equal(model.locate(plan, day('2026-04-26')).week.week.number, 12);
  assert.deepEqual(model.locate(plan, day('2026-04-27')), { state: 'after', days: 1 });
  // Every day of the plan is in exactly one week and one of its blocks.
  for (let d = plan.start; d <= plan.end; d += 1) {
    const at = model.locate(plan, d);
    assert.equal(at.state, 'during');
    assert.ok(at.block && d >= at.block.first && d <= at.block.last);
  }
  const undated = model.schedule(shippedData(), { track: null, start: null });
  assert.deepEqual(model.locate(undated, day('2026-01-05')), { state: 'undated' });
});

test('time: logged minutes per week and in total against the plan', () => {
  const plan = model.schedule(shippedData(), { track: 'track-experienced', start: null });
  const logged = { w03: 90, w09: 600, w01: 300 };
  const report = model.timeReport(plan, (id) => logged[id]);
  assert.equal(report.rows.length, 10);
  assert.equal(report.rows[0].logged, 90);
  assert.equal(report.total.logged, 690, 'week 1 is not in this plan, its minutes not counted');
  assert.deepEqual(report.total.planned, { min: 8 * 600 + 2 * 900, max: 9000 }, 'weeks 9-10 plan 15 hours');
  const none = model.timeReport(model.schedule({ ...shippedData(), hours: null }, null), () => 0);
  assert.equal(none.total.planned, null, 'a roadmap that states no hours plans none');
});

test('durations: what a learner types, in minutes', () => {
  const cases = {
    '90': 90, '1:30': 90, '1.5h': 90, '1,5 h': 90, '2 h 15 min': 135, '45m': 45, '45 min': 45,
    '3 hours': 180, '2h30m': 150, '0': 0,
  };
  for (const [text, want] of Object.entries(cases)) assert.equal(model.parseMinutes(text), want, text);
  for (const bad of ['', 'soon', '-5', '1:75', 'h']) assert.equal(model.parseMinutes(bad), null, bad);
  assert.equal(model.describeMinutes(135), '2 h 15 min');
  assert.equal(model.describeMinutes(45), '45 min');
  assert.equal(model.describeMinutes(600), '10 h');
  assert.equal(model.describePlanned({ min: 600, max: 900 }), '10-15 h');
  assert.equal(model.describePlanned({ min: 1620, max: 2160 }), '27-36 h');
  assert.equal(model.describePlanned({ min: 525, max: 525 }), '9 h', 'rounded to half hours: 8.75 is 9');
});

test('dates for people', () => {
  assert.equal(model.describeDay(parseDate('2026-01-05')), 'Mon 5 Jan 2026');
  assert.equal(model.describeRange(parseDate('2026-01-05'), parseDate('2026-01-06')), 'Mon 5 Jan – Tue 6 Jan 2026');
  assert.equal(model.describeRange(parseDate('2026-12-28'), parseDate('2027-01-03')), 'Mon 28 Dec 2026 – Sun 3 Jan 2027');
  const d = parseDate;
  assert.equal(model.describeShortRange(d('2026-01-05'), d('2026-01-08')), 'Mon 5 – Thu 8 Jan');
  assert.equal(model.describeShortRange(d('2026-01-30'), d('2026-02-02')), 'Fri 30 Jan – Mon 2 Feb');
  assert.equal(model.describeShortRange(d('2026-12-28'), d('2027-01-03')), 'Mon 28 Dec – Sun 3 Jan');
  assert.equal(model.describeShortRange(d('2026-01-10'), d('2026-01-10')), 'Sat 10 Jan');
});

test("a big book's home page schedules from week numbers and day names alone, the same dates as from the whole data", () => {
  const full = shippedData();
  // What plan_page.rs `home_json` writes for it when it is big: runs of weeks with the same day blocks.
  const shapes = [];
  const runs = [];
  for (const w of full.weeks) {
    const days = w.blocks.map((b) => b.days);
    let shape = shapes.findIndex((s) => JSON.stringify(s) === JSON.stringify(days));
    if (shape < 0) shape = shapes.push(days) - 1;
    const last = runs[runs.length - 1];
    if (last && last[2] === shape && last[1] + 1 === w.number) last[1] = w.number;
    else runs.push([w.number, w.number, shape]);
  }
  const sketch = model.expandShapes({ book: full.book, title: full.title, hours: full.hours, tracks: full.tracks, shapes, runs });
  assert.deepEqual(sketch.weeks.map((w) => w.id), full.weeks.map((w) => w.id));
  for (const track of [null, ...full.tracks.map((t) => t.id)]) {
    const plan = { track, start: '2026-03-02' };
    const a = model.schedule(full, plan);
    const b = model.schedule(sketch, plan);
    assert.equal(b.days, a.days, `track ${track}`);
    assert.deepEqual(b.weeks.map((w) => [w.week.id, w.first, w.last, w.planned, w.blocks.map((x) => [x.first, x.last])]),
      a.weeks.map((w) => [w.week.id, w.first, w.last, w.planned, w.blocks.map((x) => [x.first, x.last])]));
  }
  // The week of today gets its name, title and blocks from its data record.
  const record = { ...full.weeks[2], blocks: full.weeks[2].blocks.map((b) => ({ id: b.id, days: b.days, topic: b.topic })) };
  const week = model.withDetails(sketch.weeks[2], record);
  assert.equal(week.title, full.weeks[2].title);
  assert.equal(week.blocks[1].topic, full.weeks[2].blocks[1].topic);
  assert.equal(week.sketch, undefined);
});
