// Unit tests of theme/progress-model.js: states, plan counts, "next",
// aliases, the previous version's keys, export/import and merging.
// Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createStore, memoryStorage } = require('../../theme/store.js');
const P = require('../../theme/progress-model.js');

const clock = (start) => {
  let t = start;
  return () => (t += 1000);
};
const newStore = (storage = memoryStorage(), start = 0) => createStore(storage, '/book/', clock(start));

// A book of three weeks in two phases; w01-b is ticked in the roadmap.
const DATA = {
  version: 1,
  phases: [
    { id: 'p1', title: 'One', path: 'phases/p1.html', weeks: ['w01', 'w02'] },
    { id: 'p2', title: 'Two', path: 'phases/p2.html', weeks: ['w03'] },
  ],
  weeks: [
    { id: 'w01', number: 1, name: 'Week 1', title: 'Start', path: 'weeks/week-01.html', phase: 'p1' },
    { id: 'w02', number: 2, name: 'Week 2', title: 'Middle', path: 'weeks/week-02.html', phase: 'p1' },
    { id: 'w03', number: 3, name: 'Week 3', title: 'End', path: 'weeks/week-03.html', phase: 'p2' },
  ],
  items: [
    { id: 'w01-a', week: 'w01', kind: 'task', text: 'Read A' },
    { id: 'w01-b', week: 'w01', kind: 'task', text: 'Read B', checked: true },
    { id: 'w02-c', week: 'w02', kind: 'exercise', label: 'Exercise', text: 'Build C', exercise: 'exercises/w02-c.html' },
    { id: 'w03-d', week: 'w03', kind: 'task', text: 'Read D' },
  ],
  milestones: [],
  tracks: [{ id: 'track-fast', name: 'Fast', weeks: [1, 3] }],
  aliases: { 'w02-old-c': 'w02-c' },
};
const checkedOf = (id) => {
  const item = DATA.items.find((i) => i.id === id);
  return item ? !!item.checked : undefined;
};
const statesIn = (store, plan) =>
  P.itemStates(DATA, (id, checked) => P.stateOf(store, id, checked), P.planWeeks(DATA, plan));

test('the roadmap marks are the initial state; only a change is stored, stamped when it was made', () => {
  const store = newStore();
  assert.equal(P.stateOf(store, 'w01-a', false), 'not-started');
  assert.equal(P.stateOf(store, 'w01-b', true), 'done');
  P.setState(store, 'w01-b', 'skipped', true);
  assert.deepEqual(store.entry('progress:w01-b'), { t: 1000, v: 'skipped' });
  P.setState(store, 'w01-b', 'done', true);
  assert.equal(store.entry('progress:w01-b'), null, 'back to the initial state stores nothing');
  P.setState(store, 'w01-a', 'in-progress', false);
  assert.equal(P.stateOf(store, 'w01-a', false), 'in-progress');
  assert.throws(() => P.setState(store, 'w01-a', 'finished', false), /not a progress state/);
  store.set('progress:w01-a', 'garbage');
  assert.equal(P.stateOf(store, 'w01-a', false), 'not-started', 'a damaged value reads as the initial state');
});

test('a click toggles done; keys reach the other states', () => {
  assert.equal(P.toggled('not-started'), 'done');
  assert.equal(P.toggled('in-progress'), 'done');
  assert.equal(P.toggled('skipped'), 'done');
  assert.equal(P.toggled('done'), 'not-started');
  assert.deepEqual(['d', 'P', 's', 'n', 'x'].map(P.stateForKey), ['done', 'in-progress', 'skipped', 'not-started', null]);
});

test('hand-written tasks are keyed by their text, not their position', () => {
  const seen = new Map();
  assert.equal(P.taskId('about.html', 'Read the  *Guide*!', seen), 'about.html#task-read-the-guide');
  assert.equal(P.taskId('about.html', "Café's menu", seen), 'about.html#task-cafes-menu');
  assert.equal(P.taskId('about.html', 'read the guide', seen), 'about.html#task-read-the-guide-2', 'twins differ');
  const inserted = new Map();
  P.taskId('about.html', 'A new first task', inserted);
  assert.equal(P.taskId('about.html', 'Read the Guide', inserted), 'about.html#task-read-the-guide', 'an insertion moves nothing');
});

test('progress saved under an old ID follows the renamed item, the newer change winning', () => {
  const store = newStore();
  store.set('progress:w02-old-c', 'done', 5000);
  assert.equal(P.followAliases(store, DATA.aliases), 1);
  assert.equal(P.stateOf(store, 'w02-c', false), 'done');
  assert.equal(store.entry('progress:w02-old-c'), null, 'moved, not copied');
  assert.equal(P.followAliases(store, DATA.aliases), 0, 'nothing left to move');

  store.set('progress:w02-c', 'in-progress', 9000);
  store.set('progress:w02-old-c', 'done', 7000);
  P.followAliases(store, DATA.aliases);
  assert.equal(P.stateOf(store, 'w02-c', false), 'in-progress', 'the older alias entry loses');
});

test("the previous version's keys are migrated once, for this book's items only", () => {
  const local = memoryStorage();
  local.setItem('roadbook-progress:w01-a', 'done');
  local.setItem('roadbook-progress:w01-b', 'open');
  local.setItem('roadbook-progress:other-book-item', 'done');
  local.setItem('unrelated', 'x');
  const store = newStore(local);
  assert.deepEqual(P.migrateLegacy(local, store, checkedOf).sort(), ['w01-a', 'w01-b']);
  assert.equal(P.stateOf(store, 'w01-a', false), 'done');
  assert.equal(P.stateOf(store, 'w01-b', true), 'not-started', "'open' unticks an item ticked in the roadmap");
  assert.equal(local.getItem('roadbook-progress:w01-a'), null);
  assert.equal(local.getItem('roadbook-progress:other-book-item'), 'done', 'not ours: left alone');
  assert.deepEqual(P.migrateLegacy(local, store, checkedOf), [], 'once');
});

test('counts: skipped is never done; weeks outside the plan are skipped by plan unless done', () => {
  const store = newStore();
  P.setState(store, 'w01-a', 'in-progress', false);
  P.setState(store, 'w03-d', 'skipped', false);
  const all = P.tally(statesIn(store, null));
  assert.deepEqual(all, { total: 4, done: 1, skipped: 1, inProgress: 1, remaining: 2, percent: 33 });

  P.setState(store, 'w02-c', 'done', false);
  const fast = statesIn(store, { track: 'track-fast', start: '2027-01-04' });
  assert.deepEqual(
    fast.map((s) => [s.item.id, s.state, s.byPlan]),
    [['w01-a', 'in-progress', false], ['w01-b', 'done', false], ['w02-c', 'done', false], ['w03-d', 'skipped', false]],
    'a done item of a skipped week stays done',
  );
  P.setState(store, 'w02-c', 'not-started', false);
  const again = statesIn(store, { track: 'track-fast' });
  assert.deepEqual(again[2], { item: DATA.items[2], week: 'w02', state: 'skipped', byPlan: true });
  assert.equal(P.tally(again).percent, 50);
  assert.deepEqual(P.planWeeks(DATA, { track: 'no-such-track' }), [1, 2, 3]);

  const { byWeek, byPhase } = P.tallies(DATA, again);
  assert.equal(byWeek.w01.done, 1);
  assert.equal(byWeek.w02.skipped, 1);
  assert.deepEqual([byPhase.p1.total, byPhase.p1.done, byPhase.p2.total], [3, 1, 1]);
});

test('next: the first item in progress, else the first not started, within the plan', () => {
  const store = newStore();
  assert.equal(P.nextItem(DATA, statesIn(store, null)).href, 'weeks/week-01.html#w01-a');
  P.setState(store, 'w01-a', 'done', false);
  P.setState(store, 'w03-d', 'in-progress', false);
  assert.equal(P.nextItem(DATA, statesIn(store, null)).item.id, 'w03-d');
  P.setState(store, 'w03-d', 'done', false);
  assert.equal(P.nextItem(DATA, statesIn(store, null)).item.id, 'w02-c');
  assert.equal(P.nextItem(DATA, statesIn(store, { track: 'track-fast' })), null, 'week 2 is not in the plan');
});

test('export then import in another browser merges by key, the newest change winning', () => {
  const a = newStore(memoryStorage(), 0);
  P.setState(a, 'w01-a', 'done', false, 2000);
  P.setState(a, 'w02-c', 'skipped', false, 2000);
  a.set('plan', { track: 'track-fast', start: '2027-01-04' }, 2000);
  a.set('time:w01', 90, 2000);
  const file = JSON.stringify(P.exportJson(a, 'Book', Date.UTC(2027, 0, 4)));
  const parsed = JSON.parse(file);
  assert.equal(parsed.format, 'roadbook-export');
  assert.equal(parsed.version, 1);
  assert.equal(parsed.exported, '2027-01-04T00:00:00.000Z');
  assert.deepEqual(Object.keys(parsed.entries), ['plan', 'progress:w01-a', 'progress:w02-c', 'time:w01']);

  const b = newStore(memoryStorage(), 0);
  P.setState(b, 'w01-a', 'in-progress', false, 1000); // older than a's
  P.setState(b, 'w02-c', 'in-progress', false, 3000); // newer than a's
  const result = P.merge(b, P.parseImport(file, 99), DATA.aliases);
  assert.deepEqual(result, { added: 2, updated: 1, kept: 1 });
  assert.equal(P.stateOf(b, 'w01-a', false), 'done');
  assert.equal(P.stateOf(b, 'w02-c', false), 'in-progress');
  assert.deepEqual(b.get('plan'), { track: 'track-fast', start: '2027-01-04' });
  assert.deepEqual(b.entry('time:w01'), { t: 2000, v: 90 }, 'the time of the change travels');
  assert.deepEqual(P.merge(b, P.parseImport(file, 99)), { added: 0, updated: 0, kept: 4 }, 'importing twice changes nothing');
});

test('a plain list of done item IDs imports, old IDs following their alias', () => {
  const store = newStore();
  const entries = P.parseImport('["w01-a", "w02-old-c"]', 5000);
  assert.deepEqual(entries, { 'progress:w01-a': { t: 5000, v: 'done' }, 'progress:w02-old-c': { t: 5000, v: 'done' } });
  P.merge(store, entries, DATA.aliases);
  assert.equal(P.stateOf(store, 'w02-c', false), 'done');
  assert.equal(store.entry('progress:w02-old-c'), null);
});

test('bad import files say what is wrong', () => {
  assert.throws(() => P.parseImport('{', 0), /not JSON/);
  assert.throws(() => P.parseImport('{"a": 1}', 0), /not a roadbook export/);
  assert.throws(() => P.parseImport('[1]', 0), /item IDs/);
  assert.throws(() => P.parseImport('{"format":"roadbook-export","version":2,"entries":{}}', 0), /newer/);
  assert.throws(
    () => P.parseImport('{"format":"roadbook-export","version":1,"entries":{"progress:x":{"v":"done"}}}', 0),
    /time stamp/,
  );
  assert.throws(
    () => P.parseImport('{"format":"roadbook-export","version":1,"entries":{"progress:x":{"t":1,"v":"finished"}}}', 0),
    /not a progress state/,
  );
});

test('the Markdown checklist marks done items and names the others', () => {
  const store = newStore();
  P.setState(store, 'w01-a', 'in-progress', false);
  const md = P.exportMarkdown(DATA, statesIn(store, { track: 'track-fast' }), 'My book');
  assert.equal(
    md,
    [
      '# My book',
      '',
      '## Week 1: Start',
      '',
      '- [ ] Read A _(in progress)_ <!-- w01-a -->',
      '- [x] Read B <!-- w01-b -->',
      '',
      '## Week 2: Middle',
      '',
      '- [ ] **Exercise**: Build C _(skipped by plan)_ <!-- w02-c -->',
      '',
      '## Week 3: End',
      '',
      '- [ ] Read D <!-- w03-d -->',
      '',
    ].join('\n'),
  );
});

// ---- The data in parts (crates/roadbook/src/book_data.rs writes them) ----

test('partOf is FNV-1a of the UTF-8 bytes, the same numbers as the build', () => {
  // Published FNV-1a 32-bit vectors, and a non-ASCII ID that the Rust test
  // `fnv1a_matches_the_published_vectors` checks too.
  assert.equal(P.fnv1a(''), 0x811c9dc5);
  assert.equal(P.fnv1a('a'), 0xe40c292c);
  assert.equal(P.fnv1a('foobar'), 0xbf9cf968);
  assert.equal(P.fnv1a('wöche-1'), 0x7a7b3ca5);
  assert.equal(P.partOf({ parts: 7 }, 'foobar'), 0xbf9cf968 % 7);
  assert.equal(P.partFile({ parts: 7, stamp: '0a1b2c3d' }, 3), 'data/3-0a1b2c3d.js');
});

/** DATA as the build writes it: an outline and `count` parts, records placed by ID. */
const split = (count) => {
  const at = (list) => list.map((r, i) => Object.assign({ at: i }, r));
  const outline = {
    version: 2,
    tracks: DATA.tracks.map((t) => Object.assign({}, t, { weeks: [[1, 1], [3, 3]] })),
    aliases: DATA.aliases,
    exercises: { 'w02-c': 'w02' },
    parts: count,
    stamp: '0a1b2c3d',
  };
  const parts = {};
  for (let n = 0; n < count; n += 1) parts[n] = { phases: [], weeks: [], items: [], milestones: [] };
  const place = (id) => parts[P.partOf(outline, id)];
  for (const p of at(DATA.phases)) place(p.id).phases.push(p);
  for (const w of at(DATA.weeks)) place(w.id).weeks.push(w);
  for (const i of DATA.items) place(i.week).items.push(i);
  return { outline, parts };
};

test('the parts put together are the roadmap again, in its order', () => {
  for (const count of [1, 2, 3, 5]) {
    const { outline, parts } = split(count);
    const data = P.assemble(outline, parts);
    assert.equal(data.complete, true);
    assert.deepEqual(data.weeks.map((w) => w.id), ['w01', 'w02', 'w03'], `${count} parts`);
    assert.deepEqual(data.phases.map((p) => p.id), ['p1', 'p2']);
    assert.deepEqual(data.items, DATA.items);
    assert.deepEqual(data.tracks[0].weeks, [1, 3], 'runs become numbers');
    assert.deepEqual(data.aliases, DATA.aliases);
    // Counting works on it as on the whole data.
    const store = newStore();
    P.setState(store, 'w01-a', 'done', false);
    const states = P.itemStates(data, (id, checked) => P.stateOf(store, id, checked), P.planWeeks(data, null));
    assert.equal(P.tallies(data, states).byWeek.w01.remaining, 0);
  }
});

test('a page loads the parts of what it shows, and only those', () => {
  const { outline, parts } = split(5);
  const of = (id) => P.partOf(outline, id);
  assert.deepEqual(P.partsFor(outline, { weeks: ['w02'] }, null), [of('w02')]);
  assert.deepEqual(P.partsFor(outline, { exercises: ['w02-c'] }, null), [of('w02')], 'an exercise page: its unit');
  assert.deepEqual(P.partsFor(outline, { exercises: ['w09-unknown'] }, null), []);
  assert.deepEqual(P.partsFor(outline, { all: true }, null), [0, 1, 2, 3, 4]);
  assert.deepEqual(P.partsFor(Object.assign({ whole: true }, outline), { weeks: ['w02'] }, null), [0, 1, 2, 3, 4], 'a small book: all');
  // A phase page: the phase's part first, then its units' once its record is in.
  const first = P.partsFor(outline, { phases: ['p1'] }, null);
  assert.deepEqual(first, [of('p1')]);
  const loaded = {};
  for (const n of first) loaded[n] = parts[n];
  const partial = P.assemble(outline, loaded);
  assert.equal(partial.complete, false);
  const then = P.partsFor(outline, { phases: ['p1'] }, partial);
  assert.deepEqual(then, [...new Set([of('p1'), of('w01'), of('w02')])].sort((a, b) => a - b));
  // With only week 2's part, the data holds week 2 and its items.
  const one = P.assemble(outline, { [of('w02')]: parts[of('w02')] });
  assert.ok(one.weeks.some((w) => w.id === 'w02'));
  assert.ok(one.items.every((i) => one.weeks.some((w) => w.id === i.week)));
});

test('finished units are remembered for the pages that load only their own parts', () => {
  const { outline, parts } = split(5);
  const all = P.assemble(outline, parts);
  const store = newStore();
  for (const id of ['w01-a']) P.setState(store, id, 'done', false);
  const count = (data) => P.tallies(data, P.itemStates(data, (id, checked) => P.stateOf(store, id, checked), P.planWeeks(data, null))).byWeek;
  // The home page (every part): week 1 is finished (w01-b is ticked in the roadmap).
  let record = P.rememberFinished(null, all, null, count(all));
  assert.deepEqual(record, { stamp: '0a1b2c3d', track: null, units: { w01: 'weeks/week-01.html' } });
  // Week 3's page has its part only: it adds what it knows and keeps week 1.
  const of = (id) => P.partOf(outline, id);
  const three = P.assemble(outline, { [of('w03')]: parts[of('w03')] });
  P.setState(store, 'w03-d', 'done', false);
  record = P.rememberFinished(record, three, null, count(three));
  assert.deepEqual(Object.keys(record.units).sort(), ['w01', 'w03']);
  // Week 1 undone on its page: it is forgotten there.
  P.setState(store, 'w01-a', 'not-started', false);
  const one = P.assemble(outline, { [of('w01')]: parts[of('w01')] });
  record = P.rememberFinished(record, one, null, count(one));
  assert.deepEqual(Object.keys(record.units), ['w03']);
  // Another track, or another build's data: the record starts over.
  assert.deepEqual(P.rememberFinished(record, one, 'track-fast', count(one)).units, {});
  assert.deepEqual(P.rememberFinished(record, Object.assign({}, one, { stamp: 'ffffffff' }), null, count(one)).units, {});
  assert.deepEqual(P.rememberFinished('damaged', one, null, count(one)).units, {});
});
