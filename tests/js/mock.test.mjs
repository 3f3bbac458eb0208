// The mock interview's pure logic: the phase schedule, the clock across
// pauses and reloads, the questions' minutes, and the saved result.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const mock = require('../../theme/mock.js');

test('the phases fill the interview back to back, for every length', () => {
  for (let minutes = 6; minutes <= 180; minutes += 1) {
    const phases = mock.schedule(minutes);
    assert.equal(phases.length, 6);
    assert.equal(phases[0].start, 0);
    assert.equal(phases.at(-1).end, minutes, `${minutes}`);
    for (let i = 1; i < phases.length; i += 1) assert.equal(phases[i].start, phases[i - 1].end);
    for (const p of phases) assert.ok(p.end > p.start, `${minutes}: ${p.id} is empty`);
  }
});

test('week 11 lengths: 45, 60 and 90 minutes', () => {
  const ends = (m) => mock.schedule(m).map((p) => p.end);
  // 10/10/15/25/30/10 %; 45 min: 4.5, 4.5, 6.75, 11.25, 13.5, 4.5 -> the
  // three largest remainders (api, then clarify and estimate) round up.
  assert.deepEqual(ends(45), [5, 10, 17, 28, 41, 45]);
  assert.deepEqual(ends(60), [6, 12, 21, 36, 54, 60]);
  // 90 min: 9, 9, 13.5, 22.5, 27, 9 -> one minute left, to the earlier tie.
  assert.deepEqual(ends(90), [9, 18, 32, 54, 81, 90]);
});

test('phaseAt finds the phase of a minute, the last one after the end', () => {
  const phases = mock.schedule(45);
  assert.equal(phases[mock.phaseAt(phases, 0)].id, 'clarify');
  assert.equal(phases[mock.phaseAt(phases, 4)].id, 'clarify');
  assert.equal(phases[mock.phaseAt(phases, 5)].id, 'estimate');
  assert.equal(phases[mock.phaseAt(phases, 44)].id, 'wrap-up');
  assert.equal(phases[mock.phaseAt(phases, 99)].id, 'wrap-up');
});

test('question minutes scale with the chosen length and stay inside it', () => {
  assert.equal(mock.scaleMinute(30, 60, 60), 30);
  assert.equal(mock.scaleMinute(30, 60, 90), 45);
  assert.equal(mock.scaleMinute(30, 60, 45), 23); // 22.5 rounds up
  assert.equal(mock.scaleMinute(89, 90, 45), 44);
  assert.equal(mock.scaleMinute(0, 45, 90), 0);
  const prompt = { minutes: 60, questions: [{ at: 40, text: 'b' }, { at: 10, text: 'a' }] };
  assert.deepEqual(mock.interruptions(prompt, 90).map((q) => [q.at, q.text]), [[15, 'a'], [60, 'b']]);
  assert.equal(prompt.questions[0].at, 40, 'the prompt itself is left alone');
});

test('questions are due once the clock reaches their minute', () => {
  const qs = [{ at: 8 }, { at: 15 }];
  assert.equal(mock.due(qs, 8 * 60000 - 1).length, 0);
  assert.equal(mock.due(qs, 8 * 60000).length, 1);
  assert.equal(mock.due(qs, 60 * 60000).length, 2);
});

test('the clock counts running time only, across pauses', () => {
  let s = mock.newSession('menu-api', 45, 1000);
  assert.equal(mock.elapsed(s, 61000), 60000);
  s = mock.pause(s, 61000);
  assert.equal(mock.isRunning(s), false);
  assert.equal(mock.elapsed(s, 999999), 60000, 'paused: time stands still');
  assert.equal(mock.pause(s, 5e6), s, 'pausing twice changes nothing');
  s = mock.resume(s, 200000);
  assert.equal(mock.elapsed(s, 230000), 90000);
  assert.equal(mock.resume(s, 300000), s, 'resuming a running clock changes nothing');
  const done = mock.finish(s, 260000);
  assert.equal(done.finished, true);
  assert.equal(mock.elapsed(done, 9e9), 120000);
});

test('a session survives a reload as JSON', () => {
  const s = mock.pause(mock.newSession('menu-api', 60, 0), 30000);
  const back = JSON.parse(JSON.stringify(s));
  assert.equal(mock.elapsed(back, 1e9), 30000);
  const running = JSON.parse(JSON.stringify(mock.resume(back, 100000)));
  assert.equal(mock.elapsed(running, 110000), 40000);
  assert.equal(mock.elapsed(running, 50000), 30000, 'a clock that went back adds nothing');
});

test('formatClock shows minutes and seconds', () => {
  assert.equal(mock.formatClock(0), '0:00');
  assert.equal(mock.formatClock(59999), '0:59');
  assert.equal(mock.formatClock(61000), '1:01');
  assert.equal(mock.formatClock(90 * 60000), '90:00');
  assert.equal(mock.formatClock(-5), '0:00');
});

const rubric = {
  scores: ['No hire', 'Lean no hire', 'Lean hire', 'Strong hire'],
  dimensions: [{ id: 'requirements' }, { id: 'estimation' }],
};

test('every dimension must be scored within the scale', () => {
  assert.deepEqual(mock.missingScores(rubric, {}), ['requirements', 'estimation']);
  assert.deepEqual(mock.missingScores(rubric, { requirements: 4, estimation: 0 }), ['estimation']);
  assert.deepEqual(mock.missingScores(rubric, { requirements: 4, estimation: 5 }), ['estimation']);
  assert.deepEqual(mock.missingScores(rubric, { requirements: 1, estimation: 2.5 }), ['estimation']);
  assert.deepEqual(mock.missingScores(rubric, { requirements: 1, estimation: 4 }), []);
});

test('the saved result and the newest of several', () => {
  const session = Object.assign(mock.newSession('menu-api', 45, 0), { notes: 'cache!' });
  const prompt = { id: 'menu-api', title: 'Menu API', level: 'entry' };
  const r = mock.resultRecord(session, prompt, rubric, 'partner', { requirements: 3, estimation: 4 }, 5000);
  assert.deepEqual(r, {
    version: 1, prompt: 'menu-api', title: 'Menu API', level: 'entry', length: 45, rater: 'partner',
    scores: { requirements: 3, estimation: 4 }, scale: 4, finishedAt: 5000, notes: 'cache!',
  });
  assert.deepEqual(mock.total(r), { score: 7, out: 8 });
  // Keys sort by time even when the number of digits grows.
  assert.ok(mock.resultKey(999) < mock.resultKey(1000));
  const entries = [
    [mock.resultKey(1000), { t: 1, v: 'older' }],
    [mock.resultKey(1700000000000), { t: 3, v: 'newest' }],
    [mock.resultKey(20000), { t: 2, v: 'middle' }],
  ];
  assert.equal(mock.latestResult(entries).value, 'newest');
  assert.equal(mock.latestResult([]), null);
});
