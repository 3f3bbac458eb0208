// Unit tests of theme/assess.js, the assessment page's scorer. The shared
// vectors of tests/assess/vectors.json run here and against the Rust scorer
// (`cargo test -p roadbook --lib shared_vectors`), so the page and
// `roadbook assess` cannot disagree. Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const assess = require('../../theme/assess.js');
const { createStore, memoryStorage } = require('../../theme/store.js');
const vectors = JSON.parse(readFileSync(new URL('../assess/vectors.json', import.meta.url), 'utf8'));

test('the shared vectors: per-area scores, overall, level and weakest areas', () => {
  assert.ok(vectors.cases.length >= 10);
  for (const c of vectors.cases) {
    const spec = vectors.specs[c.spec].spec;
    assert.ok(spec, `${c.spec}: no spec (run the Rust test with ROADBOOK_BLESS=1)`);
    const result = assess.score(spec, c.answers);
    const areas = Object.fromEntries(result.areas.map((a) => [a.id, a.score]));
    assert.deepEqual(areas, c.expect.areas, `${c.name}: areas`);
    assert.equal(result.overall, c.expect.overall, `${c.name}: overall`);
    assert.equal(result.level, c.expect.level, `${c.name}: level`);
    assert.deepEqual(assess.weakest(spec, result, 3).map((a) => a.id), c.expect.weakest, `${c.name}: weakest`);
  }
});

test('the boundaries fall as the certification page says', () => {
  const spec = vectors.specs.boundaries.spec;
  const levelAt = (h) => {
    const found = spec.levels.find((l) => h >= l.min);
    return found ? found.name : spec.below;
  };
  assert.deepEqual([5999, 6000, 7499, 7500, 8999, 9000].map(levelAt),
    ['Not yet', 'Bronze', 'Bronze', 'Silver', 'Silver', 'Gold']);
  assert.equal(assess.levelRange(spec, 'silver'), '75.00-89.99 %');
  assert.equal(assess.levelRange(spec, 'gold'), '90.00-100.00 %');
  assert.equal(assess.levelRange(spec, null), 'below 60.00 %');
});

test('scores are cut to hundredths, never rounded up; binary noise at a threshold is not a miss', () => {
  assert.equal(assess.hundredths(0.749999), 7499);
  const share = (3 * (3 / 5) + 4 * (3 / 5)) / 7;
  assert.ok(share * 10000 < 6000, 'the float really is below');
  assert.equal(assess.hundredths(share), 6000);
  assert.equal(assess.percentText(5), '0.05');
  assert.equal(assess.percentText(7499), '74.99');
  assert.equal(assess.percentText(10000), '100.00');
});

test('each kind of question takes its kind of answer', () => {
  const numeric = { kind: 'numeric', answer: 70.22, tolerance: 2 };
  assert.equal(assess.credit(numeric, 72.22), 1);
  assert.equal(assess.credit(numeric, 72.3), 0);
  assert.equal(assess.credit(numeric, '70.22'), 0, 'a string is not a number');
  const multiple = { kind: 'multiple', answer: [0, 1, 3] };
  assert.equal(assess.credit(multiple, [3, 1, 0]), 1, 'order does not matter');
  assert.equal(assess.credit(multiple, [0, 1]), 0, 'all or nothing');
  const rubric = { kind: 'rubric', scale: 4, dimensions: [{ id: 'a' }, { id: 'b' }] };
  assert.equal(assess.credit(rubric, { a: 4, b: 1 }), 0.5);
  assert.equal(assess.credit(rubric, { a: 4 }), 0.5, 'an unrated dimension earns nothing');
});

test('numbers are read the way people type them', () => {
  assert.equal(assess.parseNumber(' 740.7 '), 740.7);
  assert.equal(assess.parseNumber('1,500'), 1500);
  assert.equal(assess.parseNumber('2,4'), 2.4);
  assert.equal(assess.parseNumber('2 000 000'), 2000000);
  assert.equal(assess.parseNumber('about 70'), null);
  assert.equal(assess.parseNumber(''), null);
});

test('the export is an answers file roadbook assess reads, and scores the same', () => {
  const spec = vectors.specs.shipped.spec;
  const answers = vectors.cases.find((c) => c.name.includes('example')).answers;
  const result = assess.score(spec, answers);
  const file = assess.answersFile(spec, { ...answers, 'no-such-question': 1 }, '2027-03-01T10:00:00.000Z', result);
  assert.equal(file.format, 'roadbook-assessment');
  assert.equal(file.version, 1);
  assert.equal(file.answers['no-such-question'], undefined, 'only the spec\'s questions are exported');
  assert.deepEqual(assess.score(spec, JSON.parse(JSON.stringify(file)).answers), result);
});

test('the badge says the level, the score and that it is self-assessed, escaped', () => {
  const spec = { title: 'A <b>test</b> & more', levels: [], below: 'Not yet' };
  const svg = assess.badgeSvg(spec, { level: 'silver', level_name: 'Silver', overall_text: '80.33' }, '2027-03-01');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /Self-assessed/);
  assert.match(svg, /80\.33/);
  assert.ok(!svg.includes('<b>'), 'text is escaped');
  assert.match(svg, /A &lt;b&gt;test&lt;\/b&gt; &amp; more/);
});

test('the timed mode walks week 12\'s sections and ends at zero', () => {
  const spec = vectors.specs.shipped.spec;
  const minute = 60000;
  const start = 1_000_000;
  assert.equal(assess.timedState(spec, start, start).clock, '3:00:00');
  assert.equal(assess.timedState(spec, start, start).section.title, spec.timed[0].title);
  const second = assess.timedState(spec, start, start + spec.timed[0].minutes * minute);
  assert.equal(second.section.title, spec.timed[1].title, 'a section ends on its last minute');
  const late = assess.timedState(spec, start, start + 179 * minute + 30000);
  assert.equal(late.clock, '0:00:30');
  assert.equal(late.section.title, spec.timed[spec.timed.length - 1].title);
  const over = assess.timedState(spec, start, start + 200 * minute);
  assert.equal(over.done, true);
  assert.equal(over.section, null);
  assert.equal(over.clock, '0:00:00');
});

test('rubric ratings come from the newest recorded mock that rates these dimensions', () => {
  const dims = [{ id: 'requirements' }, { id: 'design' }];
  const store = createStore(memoryStorage(), '/', (() => { let t = 0; return () => (t += 10); })());
  store.set('mock:result:1', { version: 1, prompt: 'menu-api', title: 'Menu API', scores: { requirements: 2, design: 3 }, scale: 4 });
  store.set('mock:result:2', { version: 1, prompt: 'coffee-shop-locator', title: 'Locator', scores: { requirements: 4, design: 9, other: 1 }, scale: 4 });
  store.set('mock:result:3', { version: 1, title: 'Unscored', notes: 'no rubric here' });
  const found = assess.latestRubric(store.entries('mock:result:'), dims, 4);
  assert.deepEqual(found.ratings, { requirements: 4 }, 'out-of-scale and unknown ratings are dropped');
  assert.equal(found.prompt, 'Locator');
  assert.equal(assess.latestRubric([], dims, 4), null);
});
