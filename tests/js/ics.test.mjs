// Unit tests of theme/ics.js, the plan's calendar file, read back with a
// real iCalendar parser (ical.js, a dependency of tests/browser). Run with
// `node --test tests/js/` after `npm ci` in tests/browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import ICAL from '../browser/node_modules/ical.js/dist/ical.js';
import { shippedData } from './plan-fixture.mjs';

const require = createRequire(import.meta.url);
const ics = require('../../theme/ics.js');
const model = require('../../theme/plan-model.js');

const STAMP = Date.UTC(2026, 0, 2, 9, 30, 5);

function planFile(plan, data = shippedData(), sequence = 7) {
  const schedule = model.schedule(data, plan);
  const events = ics.planEvents(data, schedule, (path) => `https://example.org/book/${path}`, sequence);
  return ics.calendar({ prodId: '-//roadbook//System Design//EN', name: data.title, stamp: STAMP, events });
}

function parse(text) {
  return new ICAL.Component(ICAL.parse(text));
}

test('TEXT escaping: backslash, semicolon, comma and newlines', () => {
  assert.equal(ics.escapeText('a,b;c\\d\nnew\r\nline'), 'a\\,b\\;c\\\\d\\nnew\\nline');
  assert.equal(ics.escapeText('plain: text'), 'plain: text', 'a colon needs no escape in a value');
});

test('folding: at most 75 octets a line, never inside a character, unfolds to the original', () => {
  const samples = [
    'SUMMARY:' + 'x'.repeat(200),
    'DESCRIPTION:' + 'é'.repeat(100),
    'DESCRIPTION:' + '☕ coffee '.repeat(30),
    'DESCRIPTION:' + '𝄞'.repeat(40),
    'SHORT:ok',
  ];
  let seed = 5;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const alphabet = ['a', ' ', ',', 'é', '☕', '𝄞', 'ß', '中'];
  for (let i = 0; i < 300; i += 1) {
    const n = Math.floor(next() * 300);
    samples.push('X:' + Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
  }
  for (const line of samples) {
    const folded = ics.fold(line);
    const lines = folded.split('\r\n');
    for (const [i, part] of lines.entries()) {
      const bytes = Buffer.from(part, 'utf8');
      assert.ok(bytes.length <= 75, `${bytes.length} octets: ${part}`);
      assert.equal(bytes.toString('utf8'), part, 'no split UTF-8 sequence');
      if (i > 0) assert.equal(part[0], ' ', 'a continuation starts with a space');
      if (i < lines.length - 1) assert.ok(bytes.length >= 72, 'a line is cut only when the next character does not fit');
    }
    assert.equal(folded.replace(/\r\n /g, ''), line, 'unfolding gives the line back');
  }
  assert.equal(ics.fold('A'.repeat(75)), 'A'.repeat(75), '75 octets fit on one line');
  assert.equal(ics.fold('A'.repeat(76)), 'A'.repeat(75) + '\r\n A');
});

test('dates and stamps', () => {
  assert.equal(ics.dateValue(model.parseDate('2026-01-05')), '20260105');
  assert.equal(ics.dateValue(model.parseDate('2027-12-31') + 1), '20280101');
  assert.equal(ics.stampValue(STAMP), '20260102T093005Z');
});

test('the default plan: 36 all-day events, every line CRLF-terminated, read by ical.js', () => {
  const text = planFile({ track: null, start: '2026-01-05' });
  assert.ok(text.endsWith('\r\n'));
  assert.equal(text.replace(/\r\n/g, '').includes('\n'), false, 'no bare LF');
  assert.equal(text.replace(/\r\n/g, '').includes('\r'), false, 'no bare CR');
  for (const line of text.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, line);
  const cal = parse(text);
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  assert.equal(cal.getFirstPropertyValue('prodid'), '-//roadbook//System Design//EN');
  const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  assert.equal(events.length, 36);
  const first = events[0];
  assert.ok(first.startDate.isDate, 'VALUE=DATE: an all-day event');
  assert.equal(first.startDate.toString(), '2026-01-05');
  assert.equal(first.endDate.toString(), '2026-01-07', 'DTEND is the day after Tuesday');
  assert.equal(first.uid, 'w01-monday-tuesday@system-design-interview-preparation.roadbook');
  assert.equal(first.summary, 'Week 1 · Monday-Tuesday: Scalability, Fundamentals', 'the comma survives escaping');
  assert.equal(
    first.description,
    'Week 1: Title 1\n- Study item 0 of week 1\n- Exercise: identify bottlenecks, then fix them\n\nhttps://example.org/book/weeks/week-01.html',
  );
  assert.equal(first.sequence, 7);
  const stamp = first.component.getFirstPropertyValue('dtstamp');
  assert.equal(stamp.toString(), '2026-01-02T09:30:05Z');
  assert.equal(stamp.zone.tzid, 'UTC');
  const last = events[35];
  assert.equal(last.startDate.toString(), '2026-03-27');
  assert.equal(last.endDate.toString(), '2026-03-30', 'Friday to Sunday, the day after is Monday');
  assert.equal(events[1].summary, 'Week 1 · Wednesday-Thursday: Reliability; Patterns', 'the semicolon survives');
  const uids = new Set(events.map((e) => e.uid));
  assert.equal(uids.size, 36, 'one UID a block');
});

test('UIDs are the blocks: another track or start date updates the same events', () => {
  const uidsOf = (text) => parse(text).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v))
    .map((e) => [e.uid, e.startDate.toString()]);
  const before = new Map(uidsOf(planFile({ track: null, start: '2026-01-05' })));
  const again = new Map(uidsOf(planFile({ track: null, start: '2026-01-05' })));
  assert.deepEqual([...again], [...before], 'the same plan gives the same file');
  const urgent = uidsOf(planFile({ track: 'track-urgent', start: '2026-02-02' }));
  assert.equal(urgent.length, 15);
  for (const [uid, date] of urgent) {
    assert.ok(before.has(uid), `${uid} is a block of the roadmap`);
    assert.notEqual(date, before.get(uid), `${uid} moved`);
  }
  const week11 = urgent.find(([uid]) => uid.startsWith('w11-monday-tuesday'));
  assert.deepEqual(week11, ['w11-monday-tuesday@system-design-interview-preparation.roadbook', '2026-02-28']);
});

test('dates in the file do not depend on the time zone of the machine writing or reading it', () => {
  const saved = process.env.TZ;
  try {
    const files = [];
    for (const tz of ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Europe/London']) {
      process.env.TZ = tz;
      const text = planFile({ track: 'track-career', start: '2026-03-02' });
      files.push(text);
      const starts = parse(text).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v).startDate.toString());
      assert.equal(starts[0], '2026-03-02', tz);
      assert.equal(starts[3], '2026-03-16', `${tz}: week 1 has fourteen days, across the DST change`);
    }
    assert.ok(files.every((f) => f === files[0]));
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test('an undated plan has no events; long titles are folded and read back whole', () => {
  assert.deepEqual(ics.planEvents(shippedData(), model.schedule(shippedData(), { track: null, start: null }), null, 1), []);
  const data = shippedData();
  data.weeks[0].title = 'A very long title, with commas; semicolons and a backslash \\ '.repeat(4).trim();
  const cal = parse(planFile({ track: null, start: '2026-01-05' }, data));
  const first = new ICAL.Event(cal.getFirstSubcomponent('vevent'));
  assert.ok(first.description.startsWith(`Week 1: ${data.weeks[0].title}\n`));
  assert.equal(cal.getFirstPropertyValue('x-wr-calname'), 'System Design Interview Preparation');
});
