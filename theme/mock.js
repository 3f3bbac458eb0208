// The timed mock interview page: pick a prompt and a length, run the clock
// through the six phases of a system design interview, see the
// interviewer's questions at their minutes, keep notes, and score the
// interview with the rubric at the end.
//
// The prompts come inlined in the page as JSON (`#mock-data`, written by
// roadbook from the prompt library), so nothing is fetched and the page
// works from file://. Everything the learner enters goes through
// `window.roadbookStore` (store.js):
//
//   mock:session        the interview in progress:
//                       {prompt, length, startedAt, elapsedMs, resumedAt,
//                        notes, finished}; resumedAt is null while paused,
//                        so a reload resumes the clock where it was
//   mock:result:<ms>    one scored interview, keyed by when it was saved:
//                       {version: 1, prompt, title, level, length, rater:
//                        "self" | "partner", scores: {dimension: 1..scale},
//                        scale, finishedAt, notes}
//
// The newest result is the last key of `entries('mock:result:')`
// (`latestResult`). Loaded only by the mock page, as a classic script; under
// Node (the unit tests) it exports its pure logic instead.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else if (typeof document !== 'undefined') {
        const run = () => api.start(document, root.roadbookStore, () => Date.now());
        if (document.readyState === 'loading') {
            document.addEventListener('DOMContentLoaded', run);
        } else {
            run();
        }
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    /** The phases of an interview and their share of its length, in percent. */
    const PHASES = [
        { id: 'clarify', name: 'Clarify the requirements', share: 10 },
        { id: 'estimate', name: 'Estimate', share: 10 },
        { id: 'api', name: 'API and data model', share: 15 },
        { id: 'design', name: 'High-level design', share: 25 },
        { id: 'deep-dive', name: 'Deep dive', share: 30 },
        { id: 'wrap-up', name: 'Wrap-up and questions', share: 10 },
    ];

    /** The lengths week 11's three mock interviews take, in minutes. */
    const LENGTHS = [45, 60, 90];

    const MINUTE = 60000;
    const SESSION = 'mock:session';
    const RESULT = 'mock:result:';

    /**
     * The phases of a `minutes`-long interview in whole minutes:
     * `[{id, name, start, end}]`, back to back from 0 to `minutes`. Each
     * phase gets its share, rounded by largest remainder (ties to the
     * earlier phase), so the lengths always add up; from six minutes on,
     * every phase gets at least one.
     */
    function schedule(minutes) {
        const total = PHASES.reduce((sum, p) => sum + p.share, 0);
        const exact = PHASES.map((p) => (minutes * p.share) / total);
        const whole = exact.map(Math.floor);
        let left = minutes - whole.reduce((a, b) => a + b, 0);
        const order = exact
            .map((x, i) => ({ i, rest: x - Math.floor(x) }))
            .sort((a, b) => b.rest - a.rest || a.i - b.i);
        for (let k = 0; left > 0; k = (k + 1) % order.length, left -= 1) {
            whole[order[k].i] += 1;
        }
        // A short interview still gets every phase: a minute from the longest.
        for (let empty = whole.indexOf(0); empty !== -1 && minutes >= PHASES.length; empty = whole.indexOf(0)) {
            whole[whole.indexOf(Math.max(...whole))] -= 1;
            whole[empty] += 1;
        }
        let start = 0;
        return PHASES.map((p, i) => {
            const phase = { id: p.id, name: p.name, start, end: start + whole[i] };
            start = phase.end;
            return phase;
        });
    }

    /** The index of the phase minute `minute` falls in (the last after the end). */
    function phaseAt(phases, minute) {
        const i = phases.findIndex((p) => minute >= p.start && minute < p.end);
        return i === -1 ? phases.length - 1 : i;
    }

    /**
     * A question asked at minute `at` of a `promptMinutes` interview, moved
     * to the same point of a `length`-minute one (before its end).
     */
    function scaleMinute(at, promptMinutes, length) {
        const scaled = Math.round((at * length) / promptMinutes);
        return Math.max(0, Math.min(length - 1, scaled));
    }

    /** The prompt's questions at their minutes of a `length` interview, in order. */
    function interruptions(prompt, length) {
        return prompt.questions
            .map((q) => Object.assign({}, q, { at: scaleMinute(q.at, prompt.minutes, length) }))
            .sort((a, b) => a.at - b.at);
    }

    /** The questions due by `elapsedMs` into the interview. */
    function due(questions, elapsedMs) {
        return questions.filter((q) => q.at * MINUTE <= elapsedMs);
    }

    /** A new interview of `prompt` lasting `length` minutes, started (running) at `now`. */
    function newSession(prompt, length, now) {
        return {
            prompt,
            length,
            startedAt: now,
            elapsedMs: 0,
            resumedAt: now,
            notes: '',
            finished: false,
        };
    }

    /** Milliseconds the interview has run by `now` (pauses excluded). */
    function elapsed(session, now) {
        const running = session.resumedAt === null ? 0 : Math.max(0, now - session.resumedAt);
        return session.elapsedMs + running;
    }

    /** Whether the clock is running. */
    function isRunning(session) {
        return session.resumedAt !== null;
    }

    /** The session paused at `now` (unchanged if paused already). */
    function pause(session, now) {
        if (!isRunning(session)) return session;
        return Object.assign({}, session, { elapsedMs: elapsed(session, now), resumedAt: null });
    }

    /** The session running again from `now` (unchanged if running). */
    function resume(session, now) {
        if (isRunning(session)) return session;
        return Object.assign({}, session, { resumedAt: now });
    }

    /** The session ended at `now`: paused, marked finished, ready to score. */
    function finish(session, now) {
        return Object.assign({}, pause(session, now), { finished: true });
    }

    /** `ms` as `m:ss` (whole seconds, rounded down). */
    function formatClock(ms) {
        const seconds = Math.floor(Math.max(0, ms) / 1000);
        const s = seconds % 60;
        return `${Math.floor(seconds / 60)}:${s < 10 ? '0' : ''}${s}`;
    }

    /** The rubric's dimensions `scores` leaves unscored (or scores out of range). */
    function missingScores(rubric, scores) {
        const scale = rubric.scores.length;
        return rubric.dimensions
            .filter((d) => {
                const v = scores[d.id];
                return !(Number.isInteger(v) && v >= 1 && v <= scale);
            })
            .map((d) => d.id);
    }

    /** The record saved for a scored interview. */
    function resultRecord(session, prompt, rubric, rater, scores, now) {
        return {
            version: 1,
            prompt: prompt.id,
            title: prompt.title,
            level: prompt.level,
            length: session.length,
            rater,
            scores: Object.assign({}, scores),
            scale: rubric.scores.length,
            finishedAt: now,
            notes: session.notes,
        };
    }

    /** The key a result saved at `now` goes under (sorts by time). */
    function resultKey(now) {
        return RESULT + String(now).padStart(15, '0');
    }

    /** The newest of the store's `entries('mock:result:')`, as `{key, value}`, or null. */
    function latestResult(entries) {
        if (!entries || entries.length === 0) return null;
        const [key, entry] = entries.reduce((a, b) => (b[0] > a[0] ? b : a));
        return { key, value: entry.v };
    }

    /** The sum of a result's scores and the most it could be. */
    function total(result) {
        const values = Object.values(result.scores);
        return { score: values.reduce((a, b) => a + b, 0), out: values.length * result.scale };
    }

    // ---- The page ---------------------------------------------------------

    /** Wires the mock page of `doc`, keeping its data in `store`. */
    function start(doc, store, now) {
        const root = doc.getElementById('mock');
        const dataNode = doc.getElementById('mock-data');
        if (!root || !dataNode || !store) return;
        const data = JSON.parse(dataNode.textContent);
        const byId = new Map(data.prompts.map((p) => [p.id, p]));
        const $ = (id) => doc.getElementById(id);
        const setup = $('mock-setup');
        const run = $('mock-run');
        const rubricForm = $('mock-rubric');
        let session = store.get(SESSION);
        if (session && !byId.has(session.prompt)) session = null;
        let timer = null;

        const save = () => store.set(SESSION, session);
        const el = (tag, text, cls) => {
            const node = doc.createElement(tag);
            if (text !== undefined) node.textContent = text;
            if (cls) node.className = cls;
            return node;
        };

        function show(view) {
            setup.hidden = view !== 'setup';
            run.hidden = view !== 'run';
            rubricForm.hidden = view !== 'rubric';
        }

        function renderResults() {
            const list = $('mock-results-list');
            list.textContent = '';
            const results = store.entries(RESULT).reverse();
            $('mock-results-empty').hidden = results.length > 0;
            for (const [, entry] of results) {
                const r = entry.v;
                const t = total(r);
                const when = new Date(r.finishedAt).toISOString().slice(0, 10);
                const who = r.rater === 'partner' ? 'scored by a partner' : 'self-scored';
                list.appendChild(
                    el('li', `${when} · ${r.title} · ${r.length} min · ${who} · ${t.score}/${t.out}`),
                );
            }
        }

        function renderRun() {
            const prompt = byId.get(session.prompt);
            const phases = schedule(session.length);
            const ms = elapsed(session, now());
            const minute = Math.floor(ms / MINUTE);
            const current = phaseAt(phases, minute);
            const over = ms >= session.length * MINUTE;
            $('mock-run-title').textContent = prompt.title;
            $('mock-ask').textContent = prompt.ask;
            $('mock-time').textContent = formatClock(ms);
            $('mock-total').textContent = `${session.length}:00`;
            $('mock-state').textContent = over ? '(time is up)' : isRunning(session) ? '' : '(paused)';
            const phaseText = over
                ? 'Time is up: wrap up, then finish and score.'
                : `Phase ${current + 1} of ${phases.length}: ${phases[current].name}, until minute ${phases[current].end}`;
            if ($('mock-phase').textContent !== phaseText) $('mock-phase').textContent = phaseText;
            const list = $('mock-phases');
            if (list.children.length !== phases.length) {
                list.textContent = '';
                for (const p of phases) {
                    list.appendChild(el('li', `${p.name} · ${p.start}–${p.end} min`));
                }
            }
            Array.from(list.children).forEach((li, i) => {
                li.className = i < current || over ? 'mock-done' : i === current ? 'mock-current' : '';
                if (i === current && !over) li.setAttribute('aria-current', 'step');
                else li.removeAttribute('aria-current');
            });
            const questions = due(interruptions(prompt, session.length), ms);
            const asked = $('mock-questions');
            while (asked.children.length < questions.length) {
                const q = questions[asked.children.length];
                const li = el('li', undefined, 'mock-question');
                const kind = q.kind === 'deep-dive' ? 'Deep dive' : 'Follow-up';
                li.appendChild(el('p', `Minute ${q.at} · ${kind}: ${q.text}`));
                const details = el('details');
                details.appendChild(el('summary', 'What the interviewer listens for'));
                details.appendChild(el('p', q.listen_for));
                li.appendChild(details);
                asked.appendChild(li);
            }
            $('mock-pause').textContent = isRunning(session) ? 'Pause' : 'Resume';
        }

        function tick() {
            if (session && !session.finished) renderRun();
        }

        function startTimer() {
            if (timer === null) timer = setInterval(tick, 1000);
        }

        function openRun() {
            show('run');
            $('mock-questions').textContent = '';
            $('mock-phases').textContent = '';
            $('mock-notes').value = session.notes || '';
            renderRun();
            startTimer();
        }

        function openRubric() {
            const prompt = byId.get(session.prompt);
            show('rubric');
            const box = $('mock-dimensions');
            box.textContent = '';
            $('mock-rubric-title').textContent = `Score the interview: ${prompt.title}`;
            $('mock-rubric-error').textContent = '';
            for (const d of data.rubric.dimension) {
                const set = el('fieldset', undefined, 'mock-dimension');
                set.appendChild(el('legend', d.name));
                set.appendChild(el('p', d.question, 'mock-dimension-question'));
                const here = prompt.rubric[d.id];
                d.anchors.forEach((anchor, i) => {
                    const label = el('label');
                    const input = el('input');
                    input.type = 'radio';
                    input.name = `mock-score-${d.id}`;
                    input.value = String(i + 1);
                    label.appendChild(input);
                    label.appendChild(doc.createTextNode(` ${i + 1} · ${data.rubric.scores[i]}: ${anchor}`));
                    set.appendChild(label);
                });
                if (here) {
                    set.appendChild(el('p', `Strong here: ${here.strong}`, 'mock-hint'));
                    set.appendChild(el('p', `Weak here: ${here.weak}`, 'mock-hint'));
                }
                box.appendChild(set);
            }
            $('mock-rubric-title').focus();
        }

        function openSetup() {
            show('setup');
            const wanted = new URLSearchParams(doc.location ? doc.location.search : '').get('prompt');
            if (wanted && byId.has(wanted)) $('mock-prompt').value = wanted;
            const prompt = byId.get($('mock-prompt').value);
            if (prompt && LENGTHS.includes(prompt.minutes)) {
                const radio = setup.querySelector(`input[name="mock-length"][value="${prompt.minutes}"]`);
                if (radio) radio.checked = true;
            }
        }

        setup.addEventListener('submit', (event) => {
            event.preventDefault();
            const length = Number(setup.querySelector('input[name="mock-length"]:checked').value);
            session = newSession($('mock-prompt').value, length, now());
            save();
            openRun();
            $('mock-run-title').setAttribute('tabindex', '-1');
            $('mock-run-title').focus();
        });
        $('mock-prompt').addEventListener('change', () => {
            const prompt = byId.get($('mock-prompt').value);
            const radio = setup.querySelector(`input[name="mock-length"][value="${prompt.minutes}"]`);
            if (radio) radio.checked = true;
        });
        $('mock-pause').addEventListener('click', () => {
            session = isRunning(session) ? pause(session, now()) : resume(session, now());
            save();
            renderRun();
        });
        $('mock-notes').addEventListener('input', () => {
            session = Object.assign({}, session, { notes: $('mock-notes').value });
            save();
        });
        $('mock-finish').addEventListener('click', () => {
            session = finish(session, now());
            save();
            openRubric();
        });
        $('mock-discard').addEventListener('click', () => {
            store.remove(SESSION);
            session = null;
            openSetup();
            $('mock-start').focus();
        });
        $('mock-rubric-title').setAttribute('tabindex', '-1');
        rubricForm.addEventListener('submit', (event) => {
            event.preventDefault();
            const scores = {};
            for (const d of data.rubric.dimension) {
                const picked = rubricForm.querySelector(`input[name="mock-score-${d.id}"]:checked`);
                if (picked) scores[d.id] = Number(picked.value);
            }
            const missing = missingScores({ scores: data.rubric.scores, dimensions: data.rubric.dimension }, scores);
            if (missing.length > 0) {
                const names = data.rubric.dimension.filter((d) => missing.includes(d.id)).map((d) => d.name);
                $('mock-rubric-error').textContent = `Score every dimension: ${names.join(', ')}.`;
                return;
            }
            const rater = rubricForm.querySelector('input[name="mock-rater"]:checked').value;
            const at = now();
            const record = resultRecord(session, byId.get(session.prompt), { scores: data.rubric.scores }, rater, scores, at);
            store.set(resultKey(at), record);
            store.remove(SESSION);
            session = null;
            renderResults();
            openSetup();
            $('mock-results-title').setAttribute('tabindex', '-1');
            $('mock-results-title').focus();
        });

        renderResults();
        if (session && session.finished) openRubric();
        else if (session) openRun();
        else openSetup();
    }

    return {
        PHASES,
        LENGTHS,
        schedule,
        phaseAt,
        scaleMinute,
        interruptions,
        due,
        newSession,
        elapsed,
        isRunning,
        pause,
        resume,
        finish,
        formatClock,
        missingScores,
        resultRecord,
        resultKey,
        latestResult,
        total,
        start,
    };
});
