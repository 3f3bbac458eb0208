// The learner's plan on the page: on "My plan" (plan.md) the choice of a
// study track and a start date, the dated calendar, its .ics download and
// the time logged per week; on the home page the "This week" block. The
// arithmetic is theme/plan-model.js's, the calendar file theme/ics.js's;
// the data comes from the JSON the build writes into the page. The choice
// is kept as `roadbookStore.set('plan', {track, start})` (track null: the
// whole plan; start null: no date yet), logged time as
// `roadbookStore.set('time:WEEK_ID', minutes)`.
//
// Loaded from the two pages that use it, before mdBook's additional-js
// (store.js among them), so it starts once the document is parsed.
(function () {
    'use strict';
    if (typeof window === 'undefined' || window.roadbookPlanPage) {
        return; // the print page holds both pages: run once
    }
    window.roadbookPlanPage = true;
    const model = window.roadbookPlanModel;

    function readData() {
        const el = document.getElementById('roadbook-plan-data') || document.getElementById('roadbook-plan-week-data');
        if (!el) {
            return null;
        }
        let data;
        try {
            data = JSON.parse(el.textContent);
        } catch (e) {
            return null;
        }
        return data.runs ? model.expandShapes(data) : data;
    }

    // A big book's home page has the weeks' numbers and day names only
    // (plan_page.rs `home_json`): the week it names comes, with its name,
    // title, path and blocks, from the roadmap's data part that holds it
    // (roadbook-data.js, theme/progress-model.js's `partOf`).
    async function details(week) {
        if (week.sketch && !window.roadbookData && window.roadbookJourney) {
            // progress.js loads the outline: wait for it.
            await new Promise((done) => window.roadbookJourney.ready(() => done()));
        }
        const outline = window.roadbookData;
        const progress = window.roadbookProgress;
        if (!week.sketch || !outline || !progress || !(outline.parts > 0)) {
            return week;
        }
        const n = progress.partOf(outline, week.id);
        const found = () => {
            const part = window.roadbookDataParts && window.roadbookDataParts[n];
            const record = part && part.weeks.find((w) => w.id === week.id);
            return record ? model.withDetails(week, record) : week;
        };
        if (window.roadbookDataParts && window.roadbookDataParts[n]) {
            return found();
        }
        return new Promise((resolve) => {
            const script = document.createElement('script');
            script.src = (typeof path_to_root === 'string' ? path_to_root : '') + progress.partFile(outline, n);
            script.onload = () => resolve(found());
            script.onerror = () => resolve(week);
            document.head.appendChild(script);
        });
    }

    /** An element with attributes and children (strings become text). */
    function h(tag, attrs, ...children) {
        const el = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            if (v === null || v === undefined || v === false) {
                continue;
            }
            if (k === 'text') {
                el.textContent = v;
            } else {
                el.setAttribute(k, v === true ? '' : v);
            }
        }
        for (const child of children.flat()) {
            if (child !== null && child !== undefined) {
                el.append(typeof child === 'string' ? document.createTextNode(child) : child);
            }
        }
        return el;
    }

    function storedPlan(store) {
        const plan = store.get('plan');
        if (!plan || typeof plan !== 'object') {
            return { track: null, start: null };
        }
        return {
            track: typeof plan.track === 'string' ? plan.track : null,
            start: typeof plan.start === 'string' && model.parseDate(plan.start) !== null ? plan.start : null,
        };
    }

    function loggedMinutes(store) {
        return (weekId) => {
            const v = store.get('time:' + weekId);
            return typeof v === 'number' && v >= 0 ? Math.round(v) : 0;
        };
    }

    function trackName(plan, data) {
        return plan.track ? plan.track.title : `the whole plan (${data.weeks.length} weeks)`;
    }

    function listWeeks(numbers) {
        const runs = [];
        for (const n of numbers) {
            const last = runs[runs.length - 1];
            if (last && last[1] + 1 === n) {
                last[1] = n;
            } else {
                runs.push([n, n]);
            }
        }
        const parts = runs.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`));
        return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts.join('');
    }

    function weekLink(w) {
        return h('a', { href: w.week.path }, `${w.week.name}: ${w.week.title}`);
    }

    // ---- My plan ----

    function planPage(store, data, form) {
        const summary = document.querySelector('[data-plan-summary]');
        const calendar = document.querySelector('[data-plan-calendar]');
        const downloadRow = document.querySelector('[data-plan-download-row]');
        const download = document.querySelector('[data-plan-download]');
        const time = document.querySelector('[data-plan-time]');
        const start = form.querySelector('#plan-start');
        form.hidden = false;
        for (const missing of document.querySelectorAll('[data-plan-missing]')) {
            missing.remove();
        }

        const choose = () => {
            const picked = form.querySelector('input[name="plan-track"]:checked');
            const track = picked && picked.value ? picked.value : null;
            const day = model.parseDate(start.value);
            store.set('plan', { track, start: day === null ? null : model.formatDate(day) });
            render();
        };
        form.addEventListener('change', (event) => {
            if (event.target.name === 'plan-track' || event.target === start) {
                choose();
            }
        });
        form.addEventListener('submit', (event) => event.preventDefault());
        form.querySelector('[data-plan-clear]').addEventListener('click', () => {
            start.value = '';
            choose();
            start.focus();
        });
        download.addEventListener('click', () => downloadCalendar(store, data));
        // What each track makes of the plan, beside its name.
        for (const radio of form.querySelectorAll('input[name="plan-track"]')) {
            const plan = model.schedule(data, { track: radio.value || null, start: null });
            const note = h('span', { class: 'roadbook-plan-note', text: describeShape(plan, data) });
            radio.parentElement.append(note);
        }

        function render() {
            const chosen = storedPlan(store);
            for (const radio of form.querySelectorAll('input[name="plan-track"]')) {
                radio.checked = radio.value === (chosen.track || '');
            }
            if (document.activeElement !== start) {
                start.value = chosen.start || '';
            }
            const plan = model.schedule(data, chosen);
            if (plan.track === null && chosen.track !== null) {
                form.querySelector('input[name="plan-track"][value=""]').checked = true;
            }
            const today = model.localDay(new Date());
            summary.textContent = describePlan(plan, data, today);
            calendar.replaceChildren(calendarTable(plan, today));
            downloadRow.hidden = plan.start === null;
            time.replaceChildren(...timeTable(store, plan));
        }
        store.onChange((key) => {
            if (key === null || key === 'plan' || key.startsWith('time:')) {
                render();
            }
        });
        render();
    }

    /** `10 weeks (leaves out 1-2) in 10 calendar weeks, 10-15 h a week`. */
    function describeShape(plan, data) {
        const weeks = plan.days % 7 === 0 ? `${plan.days / 7} calendar weeks` : `${plan.days} days`;
        let text = `${plan.weeks.length} of ${data.weeks.length} weeks in ${weeks}`;
        if (plan.left.length > 0) {
            text += `, leaving out ${listWeeks(plan.left)}`;
        }
        const focus = plan.weeks.filter((w) => w.focus).map((w) => w.week.number);
        if (focus.length > 0 && focus.length < plan.weeks.length) {
            text += `, more time on ${listWeeks(focus)}`;
        }
        if (plan.pace) {
            text += `; ${model.describePlanned({ min: plan.pace.min * 60, max: plan.pace.max * 60 })} a week`;
        }
        return text;
    }

    function describePlan(plan, data, today) {
        const parts = [`Your plan: ${trackName(plan, data)}, ${plan.weeks.length} of the ${data.weeks.length} weeks`];
        parts.push(`over ${plan.days / 7 === Math.floor(plan.days / 7) ? plan.days / 7 + ' calendar weeks' : plan.days + ' days'}`);
        let text = parts.join(' ');
        if (plan.left.length > 0) {
            text += `; it leaves out week${plan.left.length === 1 ? '' : 's'} ${listWeeks(plan.left)}`;
        }
        if (plan.start === null) {
            return `${text}. Choose a start date to date every week and day block.`;
        }
        text += `, from ${model.describeDay(plan.start)} to ${model.describeDay(plan.end)}`;
        const at = model.locate(plan, today);
        if (at.state === 'before') {
            text += ` (it starts in ${at.days} day${at.days === 1 ? '' : 's'})`;
        } else if (at.state === 'after') {
            text += ' (it has ended)';
        } else if (at.state === 'during') {
            text += ` (today is in ${at.week.week.name})`;
        }
        return `${text}.`;
    }

    /**
     * The calendar: one row group a week (its name, days, hours and dates
     * in a header row), one row a day block with its dates. Two columns,
     * so it fits a phone.
     */
    function calendarTable(plan, today) {
        const dated = plan.start !== null;
        const table = h('table', { class: 'roadbook-plan-table' },
            h('caption', { text: dated ? 'Your weeks and day blocks, dated' : 'Your weeks and day blocks (choose a start date to date them)' }),
            h('thead', {}, h('tr', {},
                h('th', { scope: 'col', text: 'Day block' }),
                h('th', { scope: 'col', text: dated ? 'Dates' : 'Days' }))));
        for (const w of plan.weeks) {
            const notes = [];
            if (w.focus) {
                notes.push('focus');
            }
            notes.push(dated ? model.describeRange(w.first, w.last) : '');
            notes.push(`${w.length} days`);
            if (w.planned) {
                notes.push(model.describePlanned(w.planned));
            }
            const body = h('tbody', { 'data-plan-week': w.week.id });
            body.append(h('tr', { class: 'roadbook-plan-week' },
                h('th', { scope: 'rowgroup', colspan: '2' }, weekLink(w),
                    h('span', { class: 'roadbook-plan-note', text: notes.filter(Boolean).join(' · ') }))));
            for (const b of w.blocks) {
                const current = dated && today >= b.first && today <= b.last;
                const heading = [b.block.days, b.block.topic].filter(Boolean).join(': ');
                body.append(h('tr', { class: current ? 'roadbook-plan-now' : null, 'aria-current': current ? 'date' : null },
                    h('td', {}, h('a', { href: `${w.week.path}#${b.block.id}` }, heading || 'Items')),
                    h('td', {
                        class: 'roadbook-plan-dates',
                        text: dated ? model.describeShortRange(b.first, b.last) : `${b.length} day${b.length === 1 ? '' : 's'}`,
                    })));
            }
            table.append(body);
        }
        return h('div', { class: 'roadbook-plan-scroll', role: 'region', 'aria-label': 'Calendar of your plan', tabindex: '0' }, table);
    }

    function timeTable(store, plan) {
        const status = h('p', { class: 'roadbook-plan-hint', role: 'status' });
        const table = h('table', { class: 'roadbook-plan-table roadbook-plan-time-table' },
            h('caption', { text: 'Time per week: planned and logged' }),
            h('thead', {}, h('tr', {},
                h('th', { scope: 'col', text: 'Week' }),
                h('th', { scope: 'col', text: 'Planned' }),
                h('th', { scope: 'col', text: 'Logged' }),
                h('th', { scope: 'col', text: 'Against the plan' }))));
        const body = h('tbody', {});
        const against = new Map();
        const total = { planned: h('td', {}), logged: h('td', {}), against: h('td', {}) };
        // Fills in what depends on the logged time, leaving the inputs (and
        // the keyboard focus) where they are.
        const update = () => {
            const report = model.timeReport(plan, loggedMinutes(store));
            for (const row of report.rows) {
                against.get(row.week.id).textContent = compare(row.logged, row.planned);
            }
            const planned = report.total.planned;
            total.planned.textContent = planned ? model.describePlanned(planned) : '–';
            total.logged.textContent = model.describeMinutes(report.total.logged);
            total.logged.setAttribute('data-plan-time-total', String(report.total.logged));
            total.against.textContent = compare(report.total.logged, planned);
        };
        for (const row of model.timeReport(plan, loggedMinutes(store)).rows) {
            const id = `plan-time-${row.week.id}`;
            const input = h('input', {
                type: 'text', id, size: '9', autocomplete: 'off',
                value: row.logged > 0 ? model.describeMinutes(row.logged) : '',
                placeholder: 'e.g. 1:30',
                'aria-describedby': 'plan-time-help',
                'data-plan-time-week': row.week.id,
            });
            input.addEventListener('change', () => {
                const minutes = input.value.trim() === '' ? 0 : model.parseMinutes(input.value);
                if (minutes === null) {
                    status.textContent = `"${input.value}" is not a duration: write minutes (90), hours and minutes (1:30) or 2 h 15 min.`;
                    input.setAttribute('aria-invalid', 'true');
                    return;
                }
                input.removeAttribute('aria-invalid');
                // 0 is stored, not removed: an import merging by newest
                // change must see that the time was cleared.
                store.set('time:' + row.week.id, minutes);
                input.value = minutes === 0 ? '' : model.describeMinutes(minutes);
                status.textContent = `${row.week.name}: ${minutes === 0 ? 'no time' : model.describeMinutes(minutes)} logged.`;
                update();
            });
            const cell = h('td', {});
            against.set(row.week.id, cell);
            body.append(h('tr', {},
                h('th', { scope: 'row' }, h('label', { for: id, text: `${row.week.name}: ${row.week.title}` })),
                h('td', { text: row.planned ? model.describePlanned(row.planned) : '–' }),
                h('td', {}, input),
                cell));
        }
        table.append(body);
        table.append(h('tfoot', {}, h('tr', {}, h('th', { scope: 'row', text: 'In all' }), total.planned, total.logged, total.against)));
        update();
        const help = h('p', { id: 'plan-time-help', class: 'roadbook-plan-hint',
            text: 'The time you spent on the week in all: minutes (90), hours and minutes (1:30) or 2 h 15 min; empty or 0 clears it.' });
        const scroll = h('div', { class: 'roadbook-plan-scroll', role: 'region', 'aria-label': 'Time per week', tabindex: '0' }, table);
        return [help, scroll, status];
    }

    function compare(logged, planned) {
        if (!planned) {
            return '';
        }
        if (logged === 0) {
            return 'nothing logged yet';
        }
        if (logged < planned.min) {
            return `${model.describeMinutes(planned.min - logged)} below the plan`;
        }
        if (logged > planned.max) {
            return `${model.describeMinutes(logged - planned.max)} above the plan`;
        }
        return 'within the plan';
    }

    function downloadCalendar(store, data) {
        const chosen = storedPlan(store);
        const plan = model.schedule(data, chosen);
        if (plan.start === null) {
            return;
        }
        const entry = store.entry('plan');
        const changed = entry ? entry.t : Date.now();
        const http = /^https?:$/.test(window.location.protocol);
        const events = window.roadbookIcs.planEvents(
            data, plan, http ? (path) => new URL(path, window.location.href).href : null, Math.floor(changed / 60000));
        const text = window.roadbookIcs.calendar({
            prodId: `-//roadbook//${data.book}//EN`,
            name: data.title,
            stamp: Date.now(),
            events,
        });
        const url = URL.createObjectURL(new Blob([text], { type: 'text/calendar;charset=utf-8' }));
        const a = h('a', { href: url, download: `${data.book}-plan.ics`, hidden: true });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10000);
    }

    // ---- This week, on the home page ----

    function thisWeek(store, data, block) {
        const text = block.querySelector('[data-plan-this-week-text]');
        let shown = 0;
        const render = async () => {
            const turn = (shown += 1);
            const chosen = storedPlan(store);
            const plan = model.schedule(data, chosen);
            const today = model.localDay(new Date());
            const at = model.locate(plan, today);
            if (at.state === 'during' && at.week.week.sketch) {
                const j = at.block ? at.week.blocks.indexOf(at.block) : -1;
                const week = await details(at.week.week);
                at.week = Object.assign({}, at.week, { week });
                if (at.block) {
                    at.block = Object.assign({}, at.block, { block: week.blocks[j] || at.block.block });
                }
            } else if (at.state === 'before' && plan.weeks[0].week.sketch) {
                plan.weeks[0] = Object.assign({}, plan.weeks[0], { week: await details(plan.weeks[0].week) });
            }
            if (turn !== shown) {
                return;
            }
            const mine = h('a', { href: 'plan.html' }, 'My plan');
            if (at.state === 'undated') {
                text.replaceChildren(h('a', { href: 'plan.html' }, 'Choose a plan and a start date'),
                    ' to see here what this week holds.');
            } else if (at.state === 'before') {
                const first = plan.weeks[0];
                text.replaceChildren(`Your plan starts on ${model.describeDay(plan.start)}, in ${at.days} day${at.days === 1 ? '' : 's'}, with `,
                    weekLink(first), '. ', mine, ' shows every date.');
            } else if (at.state === 'after') {
                text.replaceChildren(`Your plan ended on ${model.describeDay(plan.end)}. `, mine,
                    ' lets you choose a new start date or another track.');
            } else {
                const w = at.week;
                const logged = loggedMinutes(store)(w.week.id);
                const parts = [h('strong', {}, weekLink(w))];
                if (at.block) {
                    const heading = [at.block.block.days, at.block.block.topic].filter(Boolean).join(': ');
                    parts.push(' — today: ', h('a', { href: `${w.week.path}#${at.block.block.id}` }, heading),
                        ` (${model.describeRange(at.block.first, at.block.last)})`);
                }
                parts.push(`. Day ${today - plan.start + 1} of ${plan.days}`);
                if (w.planned) {
                    parts.push(`; ${model.describeMinutes(logged)} logged of ${model.describePlanned(w.planned)} planned for this week`);
                }
                parts.push('. ', mine, ' has the whole calendar.');
                text.replaceChildren(...parts);
            }
        };
        store.onChange((key) => {
            if (key === null || key === 'plan' || key.startsWith('time:')) {
                render();
            }
        });
        render();
    }

    function start() {
        const data = readData();
        const store = window.roadbookStore;
        if (!data || !store || !model) {
            return;
        }
        const form = document.querySelector('[data-plan-form]');
        if (form && document.getElementById('roadbook-plan-data')) {
            planPage(store, data, form);
        }
        const block = document.querySelector('[data-plan-this-week]');
        if (block) {
            thisWeek(store, data, block);
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
})();
