// Unit tests of the home page's counts (theme/progress-home.js, with
// theme/progress-model.js's `placesIn`): the
// whole book counted from the build's counts file and the places of the
// stored IDs (`expandCounts`, `countAll`, `continueUnit`) gives what
// counting every item of every part gives (`tallies`, `nextItem`), and
// IDs whose place is unknown are found in the parts their ID names
// (`candidates`, `placesIn`). Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createStore, memoryStorage } = require('../../theme/store.js');
const M = require('../../theme/progress-model.js');
const H = require('../../theme/progress-home.js');
// The model's functions and the home page's counting, under one name.
const P = { ...M, ...H };

// A deterministic pseudo-random source (mulberry32).
const random = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// A book the shape of the build's data: phases of 1-3 units of 0-6
// items, some ticked in the roadmap, some with an overridden ID; a
// milestone group per phase; two tracks.
function book(seed, units) {
  const r = random(seed);
  const data = { phases: [], weeks: [], items: [], milestones: [], aliases: {} };
  let n = 1;
  while (n <= units) {
    const size = Math.min(units - n + 1, 1 + Math.floor(r() * 3));
    const phase = { id: `weeks-${n}-${n + size - 1}`, title: `Phase ${n}`, path: `phases/p${n}.html`, weeks: [] };
    for (let k = 0; k < size; k += 1, n += 1) {
      const id = `w${String(n).padStart(2, '0')}`;
      phase.weeks.push(id);
      data.weeks.push({ id, number: n, name: `Week ${n}`, title: `Topic ${n}`, path: `weeks/week-${n}.html`, phase: phase.id });
      const items = Math.floor(r() * 7);
      for (let i = 0; i < items; i += 1) {
        const own = r() < 0.05 ? `custom-${n}-${i}` : `${id}-item-${i}`;
        data.items.push({ id: own, week: id, kind: 'task', text: `Item ${i} of ${n}`, checked: r() < 0.1 });
      }
    }
    const group = `milestones-w${phase.weeks[0].slice(1)}`;
    for (let m = 0; m < 2; m += 1) {
      data.milestones.push({ id: `ms-${group.slice(11)}-m${m}`, group, text: 'M', checked: r() < 0.1 });
    }
    data.phases.push(phase);
  }
  data.tracks = [
    { id: 'odd', name: 'Odd', weeks: data.weeks.filter((w) => w.number % 2 === 1).map((w) => w.number), focus: [] },
    { id: 'all', name: 'All', weeks: data.weeks.map((w) => w.number), focus: [] },
  ];
  return data;
}

// The counts file the build writes for `data` (book_data.rs `counts`).
function countsFile(data) {
  const file = {
    numbers: [[1, data.weeks.length]],
    items: data.weeks.map((w) => data.items.filter((i) => i.week === w.id).length),
    phases: data.phases.map((p) => p.weeks.length),
    milestones: data.milestones.length,
    checked: {},
    away: {},
    checked_milestones: data.milestones.filter((m) => m.checked).map((m) => m.id),
  };
  for (const item of data.items) {
    if (item.checked) file.checked[item.id] = item.week;
    if (!item.id.startsWith(item.week + '-')) file.away[item.id] = item.week;
  }
  return file;
}

const STATES = ['not-started', 'in-progress', 'done', 'skipped'];

// A learner's store with random states on a share of the items and milestones.
function learner(data, seed, share) {
  const r = random(seed);
  let t = 0;
  const store = createStore(memoryStorage(), '/book/', () => (t += 1000));
  for (const item of [...data.items, ...data.milestones]) {
    if (r() < share) {
      P.setState(store, item.id, STATES[Math.floor(r() * 4)], !!item.checked);
    }
  }
  store.set('progress:w01#task-hand-written', 'done');
  return store;
}

// What the home page counted before: every item of every part.
function fullCounts(data, store, plan) {
  const weeks = P.planWeeks(data, plan);
  const states = P.itemStates(data, (id, checked) => P.stateOf(store, id, checked), weeks);
  const { byWeek, byPhase } = P.tallies(data, states);
  const milestones = P.tally(data.milestones.map((m) => ({ state: P.stateOf(store, m.id, !!m.checked) })));
  return { all: P.tally(states), byWeek, byPhase, milestones, next: P.nextItem(data, states) };
}

for (const [seed, units, share, plan] of [
  [1, 40, 0.3, null],
  [2, 120, 0.05, { track: 'odd' }],
  [3, 7, 0.9, { track: 'all' }],
  [4, 60, 0, null],
  [5, 25, 1, { track: 'odd' }],
]) {
  test(`counts from the counts file and the stored IDs' places equal counting every part (seed ${seed}, ${units} units)`, () => {
    const data = book(seed, units);
    const store = learner(data, seed + 100, share);
    const counts = P.expandCounts(countsFile(data));
    // The places every page records: the stored IDs found in its data.
    const stored = store.entries(P.KEY).map(([key]) => key.slice(P.KEY.length));
    const places = P.placesIn(data, stored);
    assert.equal(places['w01#task-hand-written'], undefined, 'a hand-written task is in no part');
    const weeks = P.planWeeks({ tracks: data.tracks, weeks: counts.units }, plan);
    const sums = P.countAll(counts, places, (id, checked) => P.stateOf(store, id, checked), weeks);
    const full = fullCounts(data, store, plan);
    assert.deepEqual(sums.all, full.all);
    assert.deepEqual(sums.milestones, full.milestones);
    data.weeks.forEach((w, at) => assert.deepEqual(sums.byUnit[at], full.byWeek[w.id], w.id));
    data.phases.forEach((p, at) => assert.deepEqual(sums.byPhase[at], full.byPhase[p.id], p.id));
    // "Continue" is in the unit countAll names; within it, nextItem picks the same item.
    const unit = P.continueUnit(counts, sums);
    if (full.next === null) {
      assert.equal(unit, null);
    } else {
      assert.equal(unit.id, full.next.week.id);
      const own = { ...data, weeks: data.weeks.filter((w) => w.id === unit.id), items: data.items.filter((i) => i.week === unit.id) };
      const next = P.nextItem(own, P.itemStates(own, (id, checked) => P.stateOf(store, id, checked), weeks));
      assert.equal(next.href, full.next.href);
    }
    // The counts the build writes equal those made from the whole data.
    assert.deepEqual(P.countsOf(data).units, counts.units);
    assert.deepEqual(P.countsOf(data).phases, counts.phases);
  });
}

test('a stored ID whose place is not known is looked for only in the parts its ID names', () => {
  const data = book(7, 300);
  const counts = P.expandCounts(countsFile(data));
  const outline = { parts: 40, stamp: 's' };
  // An item of w123: its unit's ID starts its own; w12 and w1 are units too but not followed by '-'.
  assert.deepEqual(P.candidates(counts, 'w123-item-0'), { units: ['w123'], groups: [] });
  // An overridden ID is found through the counts' `away`.
  const custom = data.items.find((i) => i.id.startsWith('custom-'));
  assert.ok(custom, 'the book has an overridden ID');
  assert.deepEqual(P.candidates(counts, custom.id).units, [custom.week]);
  // A milestone: the groups its ID may be of, one part each.
  const m = data.milestones[10];
  const where = P.candidates(counts, m.id);
  assert.ok(where.groups.includes(m.group), JSON.stringify(where));
  assert.ok(where.groups.length <= 3);
  // Hand-written tasks and unknown words name no part.
  assert.deepEqual(P.candidates(counts, 'weeks/week-01.html#task-read'), { units: [], groups: [] });
  assert.deepEqual(P.candidates(counts, 'nothing-here'), { units: [], groups: [] });
  // The parts to load: one per candidate, not all 40.
  const parts = new Set(P.candidates(counts, 'w123-item-0').units.map((u) => P.partOf(outline, u)));
  assert.equal(parts.size, 1);
});

test('an imported ID under an old name counts for the item it was renamed to', () => {
  const data = book(8, 10);
  const item = data.items.find((i) => !i.checked && i.week === 'w03');
  const outline = { aliases: { 'w03-old-name': item.id } };
  let t = 0;
  const store = createStore(memoryStorage(), '/book/', () => (t += 1000));
  P.merge(store, P.parseImport(JSON.stringify(['w03-old-name']), 5), outline.aliases);
  const counts = P.expandCounts(countsFile(data));
  const stored = store.entries(P.KEY).map(([key]) => key.slice(P.KEY.length));
  assert.deepEqual(stored, [item.id]);
  const weeks = data.weeks.map((w) => w.number);
  const sums = P.countAll(counts, P.placesIn(data, stored), (id, checked) => P.stateOf(store, id, checked), weeks);
  assert.equal(sums.all.done, fullCounts(data, store, null).all.done);
  assert.equal(sums.byUnit[2].done, 1 + data.items.filter((i) => i.week === 'w03' && i.checked).length);
});
