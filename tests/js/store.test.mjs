// Unit tests of theme/store.js, the one place the book's features keep the
// learner's data. Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createStore, memoryStorage } = require('../../theme/store.js');

const clock = (start) => {
  let t = start;
  return () => (t += 1000);
};

test('values round-trip as JSON, stamped with the time they were written', () => {
  const store = createStore(memoryStorage(), '/roadbook/', clock(0));
  assert.equal(store.get('plan'), null);
  assert.ok(store.set('plan', { track: 'urgent', start: '2027-01-04' }));
  assert.deepEqual(store.get('plan'), { track: 'urgent', start: '2027-01-04' });
  assert.deepEqual(store.entry('plan'), { t: 1000, v: { track: 'urgent', start: '2027-01-04' } });
  store.set('plan', null, 42);
  assert.deepEqual(store.entry('plan'), { t: 42, v: null }, 'an import keeps the time of the change');
});

test('two books on one origin keep apart', () => {
  const shared = memoryStorage();
  const a = createStore(shared, '/a/', clock(0));
  const b = createStore(shared, '/b/', clock(0));
  a.set('progress:w01-x', 'done');
  assert.equal(b.get('progress:w01-x'), null);
  assert.deepEqual(a.entries('progress:').map(([k]) => k), ['progress:w01-x']);
  assert.deepEqual(b.entries('progress:'), []);
});

test('entries lists one prefix, sorted, and skips damaged values', () => {
  const shared = memoryStorage();
  const store = createStore(shared, '/', clock(0));
  store.set('progress:b', 'done');
  store.set('progress:a', 'skipped');
  store.set('time:w01', 90);
  shared.setItem(`${store.prefix}progress:c`, 'not json');
  shared.setItem(`${store.prefix}progress:d`, '{"v":1}');
  assert.deepEqual(store.entries('progress:').map(([k, e]) => [k, e.v]), [['progress:a', 'skipped'], ['progress:b', 'done']]);
  assert.equal(store.get('progress:c'), null);
});

test('without localStorage the data lives in memory and says so', () => {
  const store = createStore(null, '/', clock(0));
  assert.equal(store.persistent, false);
  store.set('k', 1);
  assert.equal(store.get('k'), 1);
});

test('a refused write reports false and keeps nothing', () => {
  const full = memoryStorage();
  full.setItem = () => {
    throw new Error('QuotaExceededError');
  };
  const store = createStore(full, '/', clock(0));
  assert.equal(store.set('k', 1), false);
  assert.equal(store.get('k'), null);
});

test('change events reach listeners only for this book', () => {
  const store = createStore(memoryStorage(), '/a/', clock(0));
  const seen = [];
  store.onChange((key) => seen.push(key));
  store.notify('roadbook:/a/:progress:x');
  store.notify('roadbook:/b/:progress:x');
  store.notify(null);
  assert.deepEqual(seen, ['progress:x', null]);
});

test('what a browser keeps for itself is namespaced, survives, and is never exported', () => {
  const shared = memoryStorage();
  const a = createStore(shared, '/a/', () => 1);
  const b = createStore(shared, '/b/', () => 1);
  assert.equal(a.local('finished'), null);
  assert.equal(a.setLocal('finished', { units: { w01: 'weeks/week-01.html' } }), true);
  assert.deepEqual(a.local('finished'), { units: { w01: 'weeks/week-01.html' } });
  assert.equal(b.local('finished'), null, 'another book');
  assert.deepEqual(createStore(shared, '/a/', () => 2).local('finished'), { units: { w01: 'weeks/week-01.html' } }, 'after a reload');
  assert.deepEqual(a.entries(''), [], 'not an entry: export and import never see it');
  shared.setItem('roadbook-local:/a/:broken', '{not json');
  assert.equal(a.local('broken'), null);
});
