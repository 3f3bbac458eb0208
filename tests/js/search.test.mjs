// Unit tests of theme/search-engine.js and theme/search.js, the book's
// in-browser search. The query
// language and week words mirror crates/search (query.rs, searcher/ranking.rs), so
// the cases below are theirs; the engine runs over a small index built
// here the way crates/search/src/browser_index.rs lays one out (without
// stemming). The engine over the real book's index is compared with
// `roadbook search` by crates/roadbook/tests/browser_search.rs.
// Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { parseQuery, weekHints, tokenize, osaDistance, decodeVlq, decodeDeltas, createEngine } = require('../../theme/search-engine.js');
const { highlight, parseWeeks } = require('../../theme/search.js');

const word = (text, prefix = false) => ({ word: text, prefix });

test('queries parse as the terminal parses them', () => {
  assert.deepEqual(parseQuery('circuit "half open" -retry idem*'), {
    include: [word('circuit'), { phrase: 'half open' }, word('idem', true)],
    exclude: [word('retry')],
  });
  assert.deepEqual(parseQuery('-"black friday" cache'), { include: [word('cache')], exclude: [{ phrase: 'black friday' }] });
  assert.deepEqual(parseQuery('redis NOT cluster failover'), { include: [word('redis'), word('failover')], exclude: [word('cluster')] });
  assert.deepEqual(parseQuery('saga AND compensation'), { include: [word('saga'), word('compensation')], exclude: [] });
  assert.deepEqual(parseQuery('a "b c" "d'), { include: [word('a'), { phrase: 'b c' }, word('d')], exclude: [] });
  assert.deepEqual(parseQuery('"unclosed phrase'), { include: [word('unclosed'), word('phrase')], exclude: [] });
  assert.deepEqual(parseQuery('a "" - * -- '), { include: [word('a')], exclude: [] });
  assert.deepEqual(parseQuery('title:(jwt'), { include: [word('title:(jwt')], exclude: [] });
  assert.deepEqual(parseQuery(''), { include: [], exclude: [] });
});

test('week words are read as the terminal reads them', () => {
  const hints = (q) => weekHints(parseQuery(q));
  assert.deepEqual(hints('week 7 jwt'), { weeks: [7], used: [0, 1] });
  assert.deepEqual(hints('jwt w03 redis'), { weeks: [3], used: [1] });
  assert.deepEqual(hints('week-12 review'), { weeks: [12], used: [0] });
  assert.deepEqual(hints('weekly review'), { weeks: [], used: [] });
  assert.deepEqual(hints('week of w2000'), { weeks: [], used: [] });
});

test('words are cut like tantivy cuts them', () => {
  assert.deepEqual(tokenize("Little's Law: 100ms, e-commerce — Café"), ['little', 's', 'law', '100ms', 'e', 'commerce', 'café']);
  assert.deepEqual(tokenize(`${'x'.repeat(39)} ${'y'.repeat(40)}`), ['x'.repeat(39)]);
  assert.deepEqual(tokenize('✎ →'), []);
});

test('typo distance is the optimal string alignment distance', () => {
  assert.equal(osaDistance('circut', 'circuit'), 1);
  assert.equal(osaDistance('firday', 'friday'), 1, 'a swap is one typo');
  assert.equal(osaDistance('kuberentes', 'kubernetes'), 1, 'one swap');
  assert.equal(osaDistance('clustr', 'cluster'), 1);
  assert.equal(osaDistance('idempotncy', 'idempotency'), 1);
  assert.equal(osaDistance('ca', 'abc'), 3, 'OSA, not Damerau: no edit of a swapped pair');
  assert.equal(osaDistance('', 'abc'), 3);
});

test('numbers decode from base-64 VLQs', () => {
  assert.deepEqual(decodeVlq('AfgB'), [0, 31, 32]);
  assert.deepEqual(decodeVlq('//////D'), [2 ** 32 - 1]);
  assert.deepEqual(decodeDeltas('BBC'), [1, 2, 4]);
});

test('excerpts mark the words that start like a query word and escape the rest', () => {
  assert.equal(highlight('Breakers <b> open', ['breaker']), '<em>Breakers</em> &lt;b&gt; open');
  assert.equal(highlight('a cat', ['a']), 'a cat', 'one letter marks nothing');
});

test('week filters read a number or a range', () => {
  assert.deepEqual(parseWeeks('3'), [3, 3]);
  assert.deepEqual(parseWeeks('3-4'), [3, 4]);
  assert.equal(parseWeeks('4-3'), null);
  assert.equal(parseWeeks('three'), null);
});

// ---- A small index, laid out as browser_index.rs writes one ----------

const DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function vlq(numbers) {
  let out = '';
  for (let n of numbers) {
    for (;;) {
      const digit = n & 31;
      n = Math.floor(n / 32);
      if (n === 0) {
        out += DIGITS[digit];
        break;
      }
      out += DIGITS[digit | 32];
    }
  }
  return out;
}
const deltas = (list) => vlq(list.map((n, i) => n - (i ? list[i - 1] : 0)));

/** Files of an index of `docs` (words are their own stems), one shard. */
function buildIndex(docs) {
  const classOf = (d) => (d.unit === 'code' ? 3 : d.unit === 'item' ? 2 : d.kind === 'exercise' ? 0 : 1);
  const postings = new Map();
  const words = new Map();
  const lengths = docs.map(() => [0, 0, 0, 0]);
  docs.forEach((d, doc) => {
    const seen = new Set();
    [d.pageTop ? d.title : '', d.heading, d.body, ''].forEach((text, field) => {
      tokenize(text).forEach((token, position) => {
        lengths[doc][field] += 1;
        seen.add(token);
        if (!postings.has(token)) postings.set(token, [new Map(), new Map(), new Map(), new Map()]);
        const docsOf = postings.get(token)[field];
        if (!docsOf.has(doc)) docsOf.set(doc, []);
        docsOf.get(doc).push(position);
      });
    });
    for (const w of seen) words.set(w, (words.get(w) || 0) + 1);
  });
  const s = {};
  for (const [stem, fields] of postings) {
    s[stem] = fields.map((docsOf, field) => {
      const numbers = [];
      let previous = 0;
      for (const [doc, positions] of docsOf) {
        numbers.push(doc - previous, lengths[doc][field] * 4 + classOf(docs[doc]), positions.length);
        previous = doc;
        positions.forEach((p, i) => numbers.push(p - (i ? positions[i - 1] : 0)));
      }
      return vlq(numbers);
    }).join(',');
  }
  const w = {};
  for (const [word, df] of words) w[word] = [df];
  const i = {};
  docs.forEach((d, doc) => {
    i[d.id] = (i[d.id] || []).concat([doc]);
  });
  for (const id of Object.keys(i)) {
    const list = i[id];
    i[id] = vlq(list.flatMap((doc, k) => [doc - (k ? list[k - 1] : 0), classOf(docs[doc])]));
  }
  const byLength = {};
  for (const [word, df] of words) (byLength[Buffer.byteLength(word)] ||= []).push([word, df]);
  // A filter's file: its documents, each as (delta, weight class).
  const facet = (keep) => {
    const list = docs.map((d, doc) => [d, doc]).filter(([d]) => keep(d)).map(([, doc]) => doc);
    return vlq(list.flatMap((doc, k) => [doc - (k ? list[k - 1] : 0), classOf(docs[doc])]));
  };
  const kinds = [...new Set(docs.map((d) => d.kind))].sort();
  const weeks = [...new Set(docs.flatMap((d) => d.weeks))].sort((a, b) => a - b);
  const groups = [];
  docs.forEach((d, doc) => {
    if (doc > 0 && docs[doc - 1].page === d.page && (docs[doc - 1].unit === 'code') === (d.unit === 'code')) groups[groups.length - 1] += 1;
    else groups.push(1);
  });
  const average = [0, 1, 2, 3].map((f) => lengths.reduce((sum, l) => sum + l[f], 0) / docs.length);
  const files = {
    manifest: {
      version: 2, documents: docs.length, fields: ['title', 'heading', 'body', 'code'], boosts: [3, 2, 1, 0.6],
      rank: { allWordsBonus: 8, fewResults: 3, candidates: 60, pageSpread: 0.3, pageSpreadSections: 4, weights: [120, 100, 90, 40] },
      average, norms: deltas(Array.from({ length: 256 }, (_, k) => k)), groups: vlq(groups), terms: [''],
      vocabulary: Object.keys(byLength).map(Number).sort((a, b) => a - b), docs: deltas([0]),
      kinds, weeks,
    },
    't-0': { w, s, i },
    'd-0': { first: 0, docs: docs.map((d) => [d.url, d.title, d.heading, d.kind, d.id, d.weeks, d.body]) },
  };
  kinds.forEach((kind, k) => { files[`f-k-${k}`] = facet((d) => d.kind === kind); });
  for (const week of weeks) files[`f-w-${week}`] = facet((d) => d.weeks.includes(week));
  for (const [length, list] of Object.entries(byLength)) files[`v-${length}`] = list;
  return files;
}

const DOCS = [
  { page: 'ex.html', url: 'ex.html#top', title: 'Circuit breaker exercise', pageTop: true, heading: 'Circuit breaker exercise', body: 'Protect the payment service when the provider fails.', kind: 'exercise', unit: 'section', weeks: [1], id: 'w01-breaker' },
  { page: 'ex.html', url: 'ex.html#states', title: 'Circuit breaker exercise', heading: 'States', body: 'Closed, open and half open states of the breaker.', kind: 'exercise', unit: 'section', weeks: [1], id: 'w01-breaker' },
  { page: 'week-01.html', url: 'week-01.html#top', title: 'Week 1', pageTop: true, heading: 'Week 1: reliability', body: 'Retry with backoff. The payment provider is flaky.', kind: 'week', unit: 'section', weeks: [1], id: 'week-01' },
  { page: 'week-01.html', url: 'week-01.html#task', title: 'Week 1', heading: '', body: 'Implement the circuit breaker pattern in Go Coffee', kind: 'task', unit: 'item', weeks: [1], id: 'w01-implement-circuit-breaker' },
  { page: 'week-02.html', url: 'week-02.html#top', title: 'Week 2', pageTop: true, heading: 'Week 2: events', body: 'The transactional outbox keeps events and orders in one transaction.', kind: 'week', unit: 'section', weeks: [2], id: 'week-02' },
  { page: 'code/outbox.rs', url: 'api/outbox.html', title: 'outbox::Outbox', heading: 'outbox', body: 'An outbox of events written with the order.', kind: 'code', unit: 'code', weeks: [], id: 'outbox::Outbox' },
];

async function engine() {
  const files = buildIndex(DOCS);
  const loaded = [];
  const e = await createEngine((name) => {
    loaded.push(name);
    if (!(name in files)) throw new Error(`no ${name}`);
    return files[name];
  });
  const urls = async (query, filters = {}, limit = 3, typing = false) => {
    const hits = await e.search(query, filters, limit, typing);
    return Promise.all(hits.map(async (h) => (await e.doc(h.doc)).url));
  };
  return { e, urls, loaded };
}

test('titles and headings rank over body text, one result per page', async () => {
  const { urls } = await engine();
  const found = await urls('circuit breaker');
  assert.equal(found[0], 'ex.html#top');
  assert.equal(found.filter((u) => u.startsWith('ex.html')).length, 1, 'the page once');
  assert.ok(found.includes('week-01.html#task'), 'a roadmap item stands on its own');
});

test('phrases need their words in order; exclusions remove', async () => {
  const { urls } = await engine();
  assert.deepEqual(await urls('"half open"'), ['ex.html#states']);
  assert.deepEqual(await urls('"open half"'), []);
  assert.ok(!(await urls('payment -breaker')).some((u) => u.startsWith('ex.html')));
  assert.deepEqual(await urls('payment -breaker'), ['week-01.html#top']);
});

test('typos and prefixes find words of the book', async () => {
  const { urls, e } = await engine();
  assert.deepEqual(await e.nearWords('outbx'), ['outbox']);
  assert.deepEqual(await e.nearWords('ab'), [], 'short words are not corrected');
  assert.equal((await urls('transactionl outbx'))[0], 'week-02.html#top');
  assert.deepEqual(await urls('transac*'), ['week-02.html#top']);
  assert.deepEqual(await urls('transac'), [], 'a finished word is not a prefix');
  assert.deepEqual(await urls('transac', {}, 3, true), ['week-02.html#top'], 'the word being typed is');
});

test('kind and week filters keep only their results', async () => {
  const { urls } = await engine();
  assert.deepEqual(await urls('outbox', { kind: 'code' }), ['api/outbox.html']);
  assert.deepEqual(await urls('outbox', { weeks: [2, 2] }), ['week-02.html#top']);
  assert.deepEqual(await urls('breaker', { weeks: [2, 3] }), []);
  assert.deepEqual(await urls('', { kind: 'task' }), ['week-01.html#task'], 'a filter alone lists its kind');
});

test('week words rank the week; an ID finds its record', async () => {
  const { urls } = await engine();
  assert.equal((await urls('week 2'))[0], 'week-02.html#top');
  assert.equal((await urls('w01-implement-circuit-breaker'))[0], 'week-01.html#task');
});

test('a query loads only the files it needs', async () => {
  const { urls, loaded } = await engine();
  assert.equal((await urls('the')).length, 3, 'enough results: no typo pass');
  assert.deepEqual(loaded.sort(), ['d-0', 'manifest', 't-0']);
});

test('a week word or a filter loads its own filter files and no others', async () => {
  const { urls, loaded } = await engine();
  assert.equal((await urls('week 2'))[0], 'week-02.html#top');
  const filterFiles = () => loaded.filter((name) => name.startsWith('f-')).sort();
  // kinds sorted: code, exercise, task, week; so `week` is f-k-3.
  assert.deepEqual(filterFiles(), ['f-k-3', 'f-w-2']);
  assert.deepEqual(await urls('-nothing', { kind: 'code' }), ['api/outbox.html']);
  assert.deepEqual(filterFiles(), ['f-k-0', 'f-k-3', 'f-w-2']);
});

test('an index of another version is refused with a reason', async () => {
  await assert.rejects(createEngine(() => ({ version: 99 })), /another roadbook version/);
});
