// The assessment page: the questions of the spec roadbook embeds in the page
// (`<script type="application/json" id="roadbook-assessment-spec">`), answers
// saved in roadbookStore as they are given (`assessment:answers`), the
// optional timed mode (`assessment:timed`), rubric ratings prefilled from the
// latest recorded mock interview (`mock:...`), and the result: the score per
// area as a chart, the level, the pages to read, the JSON export that
// `roadbook assess` reads, a printable summary and a badge.
//
// The scoring is the twin of crates/roadbook/src/assess_score.rs: the same
// floating-point operations in the same order, held to the same answers by
// tests/assess/vectors.json. Loaded only by the assessment page, as a classic
// script (modules do not load from file://); under Node it exports its pure
// functions for tests/js/assess.test.mjs.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else if (root.document) {
        const start = () => api.mount(root.document, root.roadbookStore, Date.now);
        if (root.document.readyState === 'loading') {
            root.document.addEventListener('DOMContentLoaded', start);
        } else {
            start();
        }
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    const FORMAT = 'roadbook-assessment';
    const VERSION = 1;

    // ------------------------------------------------------------ scoring

    /** The share of a question that `given` gets right, from 0 to 1. */
    function credit(question, given) {
        if (given === undefined || given === null) return 0;
        switch (question.kind) {
            case 'numeric':
                return typeof given === 'number' && Math.abs(given - question.answer) <= question.tolerance ? 1 : 0;
            case 'single':
                return given === question.answer ? 1 : 0;
            case 'multiple': {
                if (!Array.isArray(given)) return 0;
                const set = Array.from(new Set(given)).sort((a, b) => a - b);
                return set.length === question.answer.length && set.every((v, i) => v === question.answer[i]) ? 1 : 0;
            }
            case 'rubric': {
                if (typeof given !== 'object') return 0;
                let sum = 0;
                for (const dimension of question.dimensions) {
                    const rating = given[dimension.id];
                    if (typeof rating === 'number') {
                        sum += Math.min(Math.max(rating, 1), question.scale) - 1;
                    }
                }
                return sum / (question.dimensions.length * (question.scale - 1));
            }
            default:
                return 0;
        }
    }

    /** A share from 0 to 1 in hundredths of a percent, cut (see assess_score.rs). */
    function hundredths(share) {
        return Math.min(Math.max(Math.floor(share * 10000 + 1e-6), 0), 10000);
    }

    /** `7499` as `74.99`. */
    function percentText(h) {
        const rest = h % 100;
        return `${Math.floor(h / 100)}.${rest < 10 ? '0' : ''}${rest}`;
    }

    /** Scores `answers` (by question ID) against `spec`. */
    function score(spec, answers) {
        const areas = [];
        let weighted = 0;
        let weights = 0;
        for (const area of spec.areas) {
            let earned = 0;
            let possible = 0;
            for (const question of spec.questions) {
                if (question.area !== area.id) continue;
                earned += question.points * credit(question, answers[question.id]);
                possible += question.points;
            }
            const share = possible > 0 ? earned / possible : 0;
            weighted += area.weight * share;
            weights += area.weight;
            const h = hundredths(share);
            areas.push({ id: area.id, earned, possible, score: h, score_text: percentText(h) });
        }
        const overall = hundredths(weights > 0 ? weighted / weights : 0);
        const level = spec.levels.find((l) => overall >= l.min) || null;
        const answered = spec.questions.filter((q) => answers[q.id] !== undefined && answers[q.id] !== null).length;
        return {
            areas,
            overall,
            overall_text: percentText(overall),
            level: level ? level.id : null,
            level_name: level ? level.name : spec.below,
            answered,
            questions: spec.questions.length,
        };
    }

    /** The score the next level needs (full marks at the top level). */
    function nextBar(spec, result) {
        const i = spec.levels.findIndex((l) => l.id === result.level);
        if (i === 0) return 10000;
        if (i > 0) return spec.levels[i - 1].min;
        return spec.levels.length ? spec.levels[spec.levels.length - 1].min : 10000;
    }

    /** The `n` weakest areas below the next level's bar, weakest first. */
    function weakest(spec, result, n) {
        const bar = nextBar(spec, result);
        return result.areas
            .map((a, i) => ({ a, i }))
            .filter(({ a }) => a.score < bar)
            .sort((x, y) => x.a.score - y.a.score || x.i - y.i)
            .slice(0, n)
            .map(({ a }) => a);
    }

    /** `75.00-89.99 %`, or `below 60.00 %`. */
    function levelRange(spec, levelId) {
        const i = spec.levels.findIndex((l) => l.id === levelId);
        if (i < 0) {
            const lowest = spec.levels.length ? spec.levels[spec.levels.length - 1].min : 0;
            return `below ${percentText(lowest)} %`;
        }
        const high = i === 0 ? 10000 : spec.levels[i - 1].min - 1;
        return `${percentText(spec.levels[i].min)}-${percentText(high)} %`;
    }

    /** The answers file `roadbook assess` reads. */
    function answersFile(spec, answers, exportedAt, result) {
        const kept = {};
        for (const q of spec.questions) {
            if (answers[q.id] !== undefined && answers[q.id] !== null) kept[q.id] = answers[q.id];
        }
        return {
            format: FORMAT,
            version: VERSION,
            assessment: spec.title,
            exported: exportedAt,
            result: { overall: result.overall_text, level: result.level_name },
            answers: kept,
        };
    }

    /** A number typed by a learner ("1,5" and "1 500" too), or null. */
    function parseNumber(text) {
        const cleaned = String(text).trim().replace(/[\s_]/g, '').replace(/,(?=\d{3}(\D|$))/g, '').replace(',', '.');
        if (cleaned === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(cleaned)) return null;
        const n = Number(cleaned);
        return Number.isFinite(n) ? n : null;
    }

    /** Text safe inside SVG/HTML. */
    function escapeXml(text) {
        return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
    }

    /** The level badge as an SVG document, marked self-assessed. */
    function badgeSvg(spec, result, date) {
        const colours = { gold: '#b8860b', silver: '#6e7b85', bronze: '#9a5b2e' };
        const colour = colours[result.level] || '#555555';
        const title = `${result.level_name} — ${spec.title}, self-assessed`;
        return [
            '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120" role="img" aria-label="' + escapeXml(title) + '">',
            `<title>${escapeXml(title)}</title>`,
            `<rect x="1" y="1" width="318" height="118" rx="14" fill="#ffffff" stroke="${colour}" stroke-width="2"/>`,
            `<circle cx="58" cy="60" r="40" fill="${colour}"/>`,
            `<text x="58" y="67" font-family="sans-serif" font-size="20" font-weight="bold" fill="#ffffff" text-anchor="middle">${escapeXml(result.overall_text)}</text>`,
            `<text x="112" y="44" font-family="sans-serif" font-size="24" font-weight="bold" fill="#222222">${escapeXml(result.level_name)}</text>`,
            `<text x="112" y="68" font-family="sans-serif" font-size="13" fill="#222222">${escapeXml(spec.title)}</text>`,
            `<text x="112" y="88" font-family="sans-serif" font-size="13" font-weight="bold" fill="#222222">Self-assessed</text>`,
            `<text x="112" y="106" font-family="sans-serif" font-size="11" fill="#444444">${escapeXml(date)}</text>`,
            '</svg>',
            '',
        ].join('\n');
    }

    /**
     * Where the timed mode stands `now` ms after it started at `started`:
     * the remaining minutes and seconds, the current section, done or not.
     */
    function timedState(spec, started, now) {
        const total = spec.minutes * 60000;
        const elapsed = Math.max(0, now - started);
        const remaining = Math.max(0, total - elapsed);
        let at = 0;
        let section = null;
        for (const s of spec.timed) {
            at += s.minutes * 60000;
            if (elapsed < at) {
                section = s;
                break;
            }
        }
        const seconds = Math.ceil(remaining / 1000);
        const clock = `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
        return { remaining, clock, section, done: remaining === 0 };
    }

    /**
     * The ratings of the latest recorded mock interview, for a rubric's
     * dimensions: from store entries `[key, {t, v}]` (the mock page saves
     * each scored interview under `mock:result:<ms>` as `{title, scores:
     * {dimension: 1..scale}, scale, ...}`), the newest whose scores rate
     * any of `dimensions`. Null when there is none.
     */
    function latestRubric(entries, dimensions, scale) {
        const ids = new Set(dimensions.map((d) => d.id));
        let best = null;
        for (const [, entry] of entries) {
            const v = entry && entry.v;
            if (!v || typeof v !== 'object') continue;
            const ratings = pickRatings(v);
            if (!ratings) continue;
            const kept = {};
            for (const [id, r] of Object.entries(ratings)) {
                if (ids.has(id) && Number.isInteger(r) && r >= 1 && r <= scale) kept[id] = r;
            }
            if (Object.keys(kept).length === 0) continue;
            if (best === null || entry.t > best.t) best = { t: entry.t, ratings: kept, prompt: v.title || v.prompt || null };
        }
        return best;
    }

    function pickRatings(v) {
        for (const field of ['rubric', 'scores', 'ratings']) {
            const r = v[field];
            if (r && typeof r === 'object' && !Array.isArray(r)) {
                return r.scores && typeof r.scores === 'object' ? r.scores : r;
            }
        }
        return null;
    }

    // ------------------------------------------------------------ the page

    /** Wires the page in `doc` to `store` (roadbookStore); `now()` in ms. */
    function mount(doc, store, now) {
        const specNode = doc.getElementById('roadbook-assessment-spec');
        const form = doc.getElementById('assess-form');
        if (!specNode || !form || !store) return;
        const spec = JSON.parse(specNode.textContent);
        const resultNode = doc.getElementById('assess-result');
        const status = doc.getElementById('assess-status');
        let answers = store.get('assessment:answers') || {};

        const say = (text) => {
            if (status) status.textContent = text;
        };

        // Rubric ratings from the latest mock, where the learner has none yet.
        for (const q of spec.questions.filter((x) => x.kind === 'rubric')) {
            const mock = latestRubric(store.entries('mock:result:'), q.dimensions, q.scale);
            const note = doc.getElementById(`assess-mock-${q.id}`);
            if (mock && !answers[q.id]) {
                answers[q.id] = mock.ratings;
                store.set('assessment:answers', answers);
                if (note) note.textContent = 'Filled in from your latest recorded mock interview' + (mock.prompt ? ` (${mock.prompt})` : '') + '. Change any rating you disagree with.';
            } else if (note && mock) {
                note.textContent = 'A recorded mock interview is available; your own ratings are kept.';
            }
        }

        fill(form, spec, answers);
        form.addEventListener('input', () => {
            answers = read(form, spec);
            store.set('assessment:answers', answers);
            markInvalid(form, spec);
        });
        form.addEventListener('submit', (event) => {
            event.preventDefault();
            show();
        });

        const show = () => {
            answers = read(form, spec);
            store.set('assessment:answers', answers);
            const result = score(spec, answers);
            renderResult(doc, resultNode, spec, result, answers, now);
            resultNode.hidden = false;
            const heading = resultNode.querySelector('h2');
            if (heading) heading.focus();
        };

        const reset = doc.getElementById('assess-clear');
        if (reset) {
            reset.addEventListener('click', () => {
                if (!root().confirm || root().confirm('Clear every answer of this assessment?')) {
                    answers = {};
                    store.remove('assessment:answers');
                    store.remove('assessment:timed');
                    fill(form, spec, answers);
                    resultNode.hidden = true;
                    stopTimer();
                    say('Answers cleared.');
                }
            });
        }

        // The timed mode.
        const timerNode = doc.getElementById('assess-timer');
        const startButton = doc.getElementById('assess-timed');
        let ticking = null;
        const tick = () => {
            const timed = store.get('assessment:timed');
            if (!timed) return stopTimer();
            const state = timedState(spec, timed.started, now());
            timerNode.hidden = false;
            timerNode.querySelector('.assess-clock').textContent = state.clock;
            timerNode.querySelector('.assess-section').textContent = state.section ? state.section.title : 'Time is up';
            if (state.done) {
                form.querySelectorAll('input, select, textarea').forEach((el) => {
                    el.disabled = true;
                });
                clearInterval(ticking);
                ticking = null;
                if (resultNode.hidden) {
                    say('Time is up: here is your result.');
                    show();
                }
            }
        };
        const stopTimer = () => {
            if (ticking) clearInterval(ticking);
            ticking = null;
            if (timerNode) timerNode.hidden = true;
            form.querySelectorAll('input, select, textarea').forEach((el) => {
                el.disabled = false;
            });
            if (startButton) startButton.textContent = `Start the timed ${spec.minutes / 60}-hour assessment`;
        };
        const startTimer = () => {
            tick();
            if (!ticking) ticking = setInterval(tick, 1000);
            if (startButton) startButton.textContent = 'Stop the timed mode';
        };
        if (startButton && timerNode) {
            startButton.addEventListener('click', () => {
                if (store.get('assessment:timed')) {
                    store.remove('assessment:timed');
                    stopTimer();
                    say('Timed mode stopped; your answers are kept.');
                } else {
                    store.set('assessment:timed', { started: now() });
                    startTimer();
                    say(`Timed mode started: ${spec.minutes} minutes.`);
                }
            });
            if (store.get('assessment:timed')) startTimer();
        }

        if (Object.keys(answers).length > 0 && store.get('assessment:shown')) show();
        form.addEventListener('submit', () => store.set('assessment:shown', true));
    }

    function root() {
        return typeof window !== 'undefined' ? window : {};
    }

    /** Puts `answers` into the form's fields. */
    function fill(form, spec, answers) {
        for (const q of spec.questions) {
            const given = answers[q.id];
            if (q.kind === 'numeric') {
                const input = form.querySelector(`[name="q-${q.id}"]`);
                if (input) input.value = typeof given === 'number' ? String(given) : '';
            } else if (q.kind === 'single' || q.kind === 'multiple') {
                const picked = q.kind === 'single' ? [given] : Array.isArray(given) ? given : [];
                form.querySelectorAll(`[name="q-${q.id}"]`).forEach((input) => {
                    input.checked = picked.includes(Number(input.value));
                });
            } else if (q.kind === 'rubric') {
                for (const d of q.dimensions) {
                    const select = form.querySelector(`[name="q-${q.id}-${d.id}"]`);
                    if (select) select.value = given && given[d.id] ? String(given[d.id]) : '';
                }
            }
        }
    }

    /** The answers the form holds. */
    function read(form, spec) {
        const answers = {};
        for (const q of spec.questions) {
            if (q.kind === 'numeric') {
                const input = form.querySelector(`[name="q-${q.id}"]`);
                const n = input ? parseNumber(input.value) : null;
                if (n !== null) answers[q.id] = n;
            } else if (q.kind === 'single') {
                const picked = form.querySelector(`[name="q-${q.id}"]:checked`);
                if (picked) answers[q.id] = Number(picked.value);
            } else if (q.kind === 'multiple') {
                const picked = Array.from(form.querySelectorAll(`[name="q-${q.id}"]:checked`)).map((i) => Number(i.value));
                if (picked.length) answers[q.id] = picked;
            } else if (q.kind === 'rubric') {
                const ratings = {};
                for (const d of q.dimensions) {
                    const select = form.querySelector(`[name="q-${q.id}-${d.id}"]`);
                    if (select && select.value) ratings[d.id] = Number(select.value);
                }
                if (Object.keys(ratings).length) answers[q.id] = ratings;
            }
        }
        return answers;
    }

    /** Flags numeric fields whose text is not a number. */
    function markInvalid(form, spec) {
        for (const q of spec.questions.filter((x) => x.kind === 'numeric')) {
            const input = form.querySelector(`[name="q-${q.id}"]`);
            if (!input) continue;
            const bad = input.value.trim() !== '' && parseNumber(input.value) === null;
            input.setAttribute('aria-invalid', bad ? 'true' : 'false');
        }
    }

    /** A link to a book page given relative to `src/`, from this page. */
    function href(page) {
        const up = typeof path_to_root === 'string' ? path_to_root : '';
        return up + page.replace(/\.md(#|$)/, '.html$1');
    }

    function el(doc, tag, attrs, text) {
        const node = doc.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
        if (text !== undefined) node.textContent = text;
        return node;
    }

    /** The per-area chart as an SVG (bars with the level thresholds marked). */
    function chart(doc, spec, result) {
        const ns = 'http://www.w3.org/2000/svg';
        const rowHeight = 26;
        const left = 230;
        const width = 620;
        const barWidth = width - left - 60;
        const height = spec.areas.length * rowHeight + 46;
        const svg = doc.createElementNS(ns, 'svg');
        svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
        svg.setAttribute('class', 'assess-chart');
        svg.setAttribute('role', 'img');
        const label = result.areas.map((a, i) => `${spec.areas[i].name} ${a.score_text} %`).join('; ');
        svg.setAttribute('aria-label', `Score per area: ${label}`);
        const add = (tag, attrs, text) => {
            const node = doc.createElementNS(ns, tag);
            for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
            if (text !== undefined) node.textContent = text;
            svg.appendChild(node);
            return node;
        };
        result.areas.forEach((a, i) => {
            const y = i * rowHeight + 4;
            add('text', { x: left - 8, y: y + 15, 'text-anchor': 'end', class: 'assess-chart-label' }, spec.areas[i].name);
            add('rect', { x: left, y, width: barWidth, height: 18, class: 'assess-chart-track' });
            add('rect', { x: left, y, width: (barWidth * a.score) / 10000, height: 18, class: `assess-chart-bar assess-${levelOf(spec, a.score)}` });
            add('text', { x: left + barWidth + 6, y: y + 15, class: 'assess-chart-label' }, `${a.score_text} %`);
        });
        // Thresholds close together get their labels on alternate rows.
        spec.levels.forEach((level, k) => {
            const x = left + (barWidth * level.min) / 10000;
            const y = height - 6 - (k % 2) * 16;
            add('line', { x1: x, x2: x, y1: 0, y2: y - 12, class: 'assess-chart-threshold' });
            add('text', { x, y, 'text-anchor': 'middle', class: 'assess-chart-label' }, `${level.name} ${percentText(level.min).replace('.00', '')} %`);
        });
        return svg;
    }

    function levelOf(spec, h) {
        const level = spec.levels.find((l) => h >= l.min);
        return level ? level.id : 'below';
    }

    /** Fills the result section. */
    function renderResult(doc, node, spec, result, answers, now) {
        const body = node.querySelector('.assess-result-body');
        body.textContent = '';
        const date = new Date(now()).toISOString().slice(0, 10);
        const headline = el(doc, 'p', { class: 'assess-level', id: 'assess-level' });
        headline.appendChild(el(doc, 'strong', { 'data-level': result.level || 'none' }, result.level_name));
        headline.appendChild(doc.createTextNode(` — ${result.overall_text} % overall (${levelRange(spec, result.level)}), ${result.answered} of ${result.questions} questions answered, self-assessed on ${date}.`));
        body.appendChild(headline);
        body.appendChild(chart(doc, spec, result));

        const table = el(doc, 'table', { class: 'assess-table' });
        table.appendChild(el(doc, 'caption', {}, 'Score per area'));
        const head = el(doc, 'tr');
        for (const h of ['Area', 'Weight', 'Score']) head.appendChild(el(doc, 'th', { scope: 'col' }, h));
        table.appendChild(head);
        result.areas.forEach((a, i) => {
            const row = el(doc, 'tr', { 'data-area': a.id });
            row.appendChild(el(doc, 'th', { scope: 'row' }, spec.areas[i].name));
            row.appendChild(el(doc, 'td', {}, String(spec.areas[i].weight)));
            row.appendChild(el(doc, 'td', { class: 'assess-area-score' }, `${a.score_text} %`));
            table.appendChild(row);
        });
        body.appendChild(table);

        const weak = weakest(spec, result, 3);
        if (weak.length) {
            body.appendChild(el(doc, 'h3', {}, 'Where to work next'));
            const list = el(doc, 'ul', { class: 'assess-weak' });
            for (const a of weak) {
                const area = spec.areas.find((x) => x.id === a.id);
                const item = el(doc, 'li', {}, `${area.name} (${a.score_text} %): `);
                area.learn.forEach((link, i) => {
                    if (i > 0) item.appendChild(doc.createTextNode('; '));
                    item.appendChild(el(doc, 'a', { href: href(link.page) }, link.title));
                });
                list.appendChild(item);
            }
            body.appendChild(list);
        }
        const level = spec.levels.find((l) => l.id === result.level);
        const nextList = level ? level.next : spec.levels.length ? spec.levels[spec.levels.length - 1].next : [];
        if (nextList.length) {
            body.appendChild(el(doc, 'h3', {}, 'Reading for the next step'));
            const list = el(doc, 'ul', {});
            for (const link of nextList) {
                const item = el(doc, 'li', {});
                item.appendChild(el(doc, 'a', { href: href(link.page) }, link.title));
                list.appendChild(item);
            }
            body.appendChild(list);
        }

        const actions = el(doc, 'p', { class: 'assess-actions' });
        const download = (name, type, text) => {
            const blob = new Blob([text], { type });
            const a = el(doc, 'a', { href: URL.createObjectURL(blob), download: name });
            doc.body.appendChild(a);
            a.click();
            a.remove();
        };
        const exportButton = el(doc, 'button', { type: 'button', id: 'assess-export' }, 'Download answers (JSON)');
        exportButton.addEventListener('click', () => {
            const file = answersFile(spec, answers, new Date(now()).toISOString(), result);
            download(`assessment-${date}.json`, 'application/json', JSON.stringify(file, null, 2) + '\n');
        });
        const printButton = el(doc, 'button', { type: 'button', id: 'assess-print' }, 'Print the summary');
        printButton.addEventListener('click', () => root().print && root().print());
        actions.appendChild(exportButton);
        actions.appendChild(printButton);
        if (result.level) {
            const badgeButton = el(doc, 'button', { type: 'button', id: 'assess-badge' }, `Download the ${result.level_name} badge (SVG)`);
            badgeButton.addEventListener('click', () => {
                download(`assessment-${result.level}-self-assessed.svg`, 'image/svg+xml', badgeSvg(spec, result, date));
            });
            actions.appendChild(badgeButton);
        }
        body.appendChild(actions);
        body.appendChild(el(doc, 'p', { class: 'assess-note' }, 'roadbook assess FILE.json scores the downloaded file the same way in a terminal.'));
    }

    return {
        FORMAT,
        VERSION,
        credit,
        hundredths,
        percentText,
        score,
        nextBar,
        weakest,
        levelRange,
        answersFile,
        parseNumber,
        badgeSvg,
        timedState,
        latestRubric,
        mount,
    };
});
