// The home page's "Your progress": overall, per phase and per unit counts
// with a bar, "continue where you left off", and the learner's data moved
// between browsers: export (JSON of everything the book keeps, or a
// Markdown checklist), import (an export, or a JSON list of done item IDs),
// reset; and the scripts of "This week" once a plan is dated. Loaded only
// by the home page, into `#roadbook-journey`; the logic
// is theme/progress-model.js, the page wiring theme/progress.js
// (`window.roadbookJourney`). The counting of the whole book from the
// counts file is here, not in progress-model.js, because only this page
// needs it: under Node (the unit tests) this file exports it.
(function (root, factory) {
    'use strict';
    const api = factory(typeof module === 'object' && module.exports ? require('./progress-model.js') : null);
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        api.page();
    }
})(typeof self !== 'undefined' ? self : this, function (model) {
    'use strict';

    /** theme/progress-model.js (`window.roadbookProgress`, there once the page's scripts ran). */
    let P = model;

    /** The home page's counts file (`data/counts-STAMP.js`), from the book's root. */
    function countsFile(outline) {
        return 'data/counts-' + outline.stamp + '.js';
    }

    /**
     * The counts the home page works from, from the build's counts file
     * (`window.roadbookDataCounts`, see theme/README.md; a unit's ID is
     * `wNN` unless `ids` names it): `{units: [{id,
     * number, at, items, phase}], phases: [{at, units: [unit at, …]}],
     * milestones, checked, away, checkedMilestones, awayMilestones}`.
     */
    function expandCounts(raw) {
        const numbers = P.expandRuns(raw.numbers);
        const ids = raw.ids || {};
        const name = (n) => 'w' + (n < 10 ? '0' + n : String(n));
        const units = numbers.map((number, at) => ({ id: ids[at] || name(number), number, at, items: raw.items[at], phase: 0 }));
        const phases = [];
        let next = 0;
        raw.phases.forEach((size, at) => {
            const own = [];
            for (let i = 0; i < size; i += 1, next += 1) {
                units[next].phase = at;
                own.push(next);
            }
            phases.push({ at, units: own });
        });
        return {
            units,
            phases,
            milestones: raw.milestones || 0,
            checked: raw.checked || {},
            away: raw.away || {},
            checkedMilestones: raw.checked_milestones || [],
            awayMilestones: raw.away_milestones || {},
        };
    }

    /**
     * The same counts made from data with every part in (`assemble`'s,
     * `complete`): what a small book's home page works from.
     */
    function countsOf(data) {
        const at = {};
        data.weeks.forEach((w, n) => {
            at[w.id] = n;
        });
        const items = data.weeks.map(() => 0);
        const checked = {};
        for (const item of data.items) {
            items[at[item.week]] += 1;
            if (item.checked) {
                checked[item.id] = item.week;
            }
        }
        const numbers = [];
        for (const w of data.weeks) {
            const last = numbers[numbers.length - 1];
            if (last && last[1] + 1 === w.number) {
                last[1] = w.number;
            } else {
                numbers.push([w.number, w.number]);
            }
        }
        const ids = {};
        data.weeks.forEach((w, n) => {
            ids[n] = w.id;
        });
        return expandCounts({
            ids,
            numbers,
            items,
            phases: data.phases.map((p) => p.weeks.length),
            milestones: data.milestones.length,
            checked,
            checked_milestones: data.milestones.filter((m) => m.checked).map((m) => m.id),
        });
    }

    /**
     * Where a stored ID may be, for one whose place this browser does not
     * know: `{units: [unit IDs], groups: [milestone group IDs]}`, the
     * candidates to look for it in (load their parts and see). An item's ID
     * starts with its unit's ID and `-` unless the counts list it as
     * `away`; a milestone's is `ms-`, its group's ID without `milestones-`,
     * `-`, unless listed. Hand-written tasks (`page#task-…`) are in no part.
     */
    function candidates(counts, id) {
        const found = { units: [], groups: [] };
        if (id.indexOf('#') >= 0) {
            return found;
        }
        if (counts.away[id] !== undefined) {
            found.units.push(counts.away[id]);
        }
        if (counts.awayMilestones[id] !== undefined) {
            found.groups.push(counts.awayMilestones[id]);
        }
        if (!counts.unitIds) {
            counts.unitIds = new Set(counts.units.map((u) => u.id));
        }
        for (let i = id.indexOf('-'); i > 0; i = id.indexOf('-', i + 1)) {
            const stem = id.slice(0, i);
            if (counts.unitIds.has(stem) && found.units.indexOf(stem) < 0) {
                found.units.push(stem);
            }
            if (id.indexOf('ms-') === 0 && i > 3) {
                const group = 'milestones-' + id.slice(3, i);
                if (found.groups.indexOf(group) < 0) {
                    found.groups.push(group);
                }
            }
        }
        return found;
    }

    /**
     * The home page's counts of the whole book without its parts: `counts`
     * (expandCounts), `places` (`{id: unitId or '*'}` of the stored IDs
     * whose place is known), `state(id, checked)` reads one, `weeks` the
     * plan's unit numbers. An item neither stored nor ticked in the
     * roadmap is not started; a unit outside the plan has its items
     * skipped by plan unless done. Returns `{all, byUnit: [per unit at],
     * byPhase: [per phase at], milestones, inProgress: [unit ats with an
     * item in progress]}`, each a `tally`.
     */
    function countAll(counts, places, state, weeks) {
        const plan = new Set(weeks);
        const known = counts.units.map(() => []);
        const at = {};
        counts.units.forEach((u) => {
            at[u.id] = u.at;
        });
        const milestoneStates = [];
        const seen = new Set();
        const add = (id, place) => {
            if (seen.has(id)) {
                return;
            }
            seen.add(id);
            if (place === '*') {
                milestoneStates.push({ state: state(id, counts.checkedMilestones.indexOf(id) >= 0) });
            } else if (at[place] !== undefined) {
                known[at[place]].push({ id, state: state(id, counts.checked[id] !== undefined) });
            }
        };
        for (const id of Object.keys(places)) {
            add(id, places[id]);
        }
        for (const id of Object.keys(counts.checked)) {
            add(id, counts.checked[id]);
        }
        for (const id of counts.checkedMilestones) {
            add(id, '*');
        }
        const byUnit = counts.units.map((u) => {
            const inPlan = plan.has(u.number);
            const own = known[u.at].map((s) => ({ state: !inPlan && s.state !== 'done' ? 'skipped' : s.state }));
            const rest = Math.max(0, u.items - own.length);
            for (let i = 0; i < rest; i += 1) {
                own.push({ state: inPlan ? 'not-started' : 'skipped' });
            }
            return P.tally(own);
        });
        const sum = (list) => {
            const total = { total: 0, done: 0, skipped: 0, inProgress: 0, remaining: 0, percent: 0 };
            for (const c of list) {
                for (const k of ['total', 'done', 'skipped', 'inProgress', 'remaining']) {
                    total[k] += c[k];
                }
            }
            const goal = total.done + total.remaining;
            total.percent = goal === 0 ? 0 : Math.floor((total.done * 100) / goal);
            return total;
        };
        const byPhase = counts.phases.map((p) => sum(p.units.map((n) => byUnit[n])));
        const rest = Math.max(0, counts.milestones - milestoneStates.length);
        for (let i = 0; i < rest; i += 1) {
            milestoneStates.push({ state: 'not-started' });
        }
        return {
            all: sum(byUnit),
            byUnit,
            byPhase,
            milestones: P.tally(milestoneStates),
            inProgress: counts.units.filter((u) => byUnit[u.at].inProgress > 0).map((u) => u.at),
        };
    }

    /**
     * The unit "continue where you left off" is in, by `countAll`'s
     * `sums`: the first with an item in progress, else the first of the
     * plan with an item not started; null when nothing is left.
     */
    function continueUnit(counts, sums) {
        if (sums.inProgress.length > 0) {
            return counts.units[sums.inProgress[0]];
        }
        return counts.units.find((u) => sums.byUnit[u.at].remaining > 0) || null;
    }


    // What the home page counts the whole book with: the counts file and
    // the places of the stored IDs, loading the parts of those whose place
    // this browser does not know (imported, saved before it kept places,
    // or by another browser's tab), and of the unit to continue in.
    async function homeCounts(journey) {
        const { store, outline, parts, loadParts, places, savePlaces, storedIds } = journey;
        const model = P;
        const data = () => model.assemble(outline, parts);
        let counts = null;
        if (!outline.whole) {
            await journey.load(countsFile(outline));
            counts = window.roadbookDataCounts ? expandCounts(window.roadbookDataCounts) : null;
        }
        if (counts === null) {
            // A small book, or the counts file missing: every part.
            await loadParts(model.partsFor(outline, { all: true }, null));
            counts = countsOf(data());
        }
        const planOf = () => model.planWeeks({ tracks: data().tracks, weeks: counts.units }, store.get('plan'));
        const home = {
            counts,
            data,
            /** Finds the place of every stored ID, loading the parts that may hold them. */
            async resolve() {
                model.followAliases(store, outline.aliases);
                const known = places();
                const open = storedIds().filter((id) => !(id in known.ids) || (known.ids[id] === null && known.stamp !== outline.stamp));
                if (open.length === 0) {
                    return;
                }
                const wanted = new Set();
                for (const id of open) {
                    const where = candidates(counts, id);
                    where.units.forEach((u) => wanted.add(model.partOf(outline, u)));
                    where.groups.forEach((g) => wanted.add(model.partOf(outline, g)));
                }
                await loadParts(Array.from(wanted).sort((a, b) => a - b));
                const found = model.placesIn(data(), open);
                for (const id of open) {
                    if (!(id in found)) {
                        found[id] = null;
                    }
                }
                savePlaces(found, outline.stamp);
            },
            /** The counts under the learner's plan (`countAll`). */
            sums() {
                return countAll(counts, places().ids, (id, checked) => model.stateOf(store, id, checked), planOf());
            },
            /** Loads the parts of the units at `ats` and of their phases. */
            async ensure(ats) {
                const units = ats.map((at) => counts.units[at].id);
                await loadParts(model.partsFor(outline, { weeks: units }, null));
                const phases = new Set();
                for (const w of data().weeks) {
                    if (units.indexOf(w.id) >= 0) {
                        phases.add(w.phase);
                    }
                }
                await loadParts(model.partsFor(outline, { phases: Array.from(phases) }, null));
            },
            /** Loads every part (the Markdown checklist lists every item). */
            async everything() {
                await loadParts(model.partsFor(outline, { all: true }, null));
            },
            /** "Continue where you left off": `{item, week, href}` or null. */
            async next(sums) {
                const unit = continueUnit(counts, sums);
                if (unit === null) {
                    return null;
                }
                await loadParts([model.partOf(outline, unit.id)]);
                const all = data();
                const own = Object.assign({}, all, {
                    weeks: all.weeks.filter((w) => w.id === unit.id),
                    items: all.items.filter((i) => i.week === unit.id),
                });
                return model.nextItem(own, model.itemStates(own, (id, checked) => model.stateOf(store, id, checked), planOf()));
            },
        };
        await home.resolve();
        return home;
    }

    function page() {

    const el = (tag, attrs, ...children) => {
        const node = document.createElement(tag);
        for (const [name, value] of Object.entries(attrs || {})) {
            if (name === 'class') {
                node.className = value;
            } else {
                node.setAttribute(name, value);
            }
        }
        node.append(...children);
        return node;
    };

    const download = (name, type, text) => {
        const url = URL.createObjectURL(new Blob([text], { type }));
        const link = el('a', { href: url, download: name });
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(() => URL.revokeObjectURL(url), 1000);
    };

    const start = async (journey) => {
        const host = document.getElementById('roadbook-journey');
        if (!host || !journey.data || !journey.outline) {
            return;
        }
        const home = await homeCounts(journey);
        const { model, store } = journey;
        const counts = home.counts;
        const unit = host.getAttribute('data-unit') || 'week';
        const unitTitle = unit.charAt(0).toUpperCase() + unit.slice(1);
        const title = document.title.split(' - ').pop();
        const summary = el('p', { class: 'roadbook-overall' });
        const bar = el('progress', { max: '100', value: '0', 'aria-label': 'Share of the plan done' });
        const next = el('p', { class: 'roadbook-next' });
        const milestones = el('p', { class: 'roadbook-milestones' });
        const table = el('table', { class: 'roadbook-progress-table' });
        const status = el('p', { class: 'roadbook-transfer-status', role: 'status' });

        const cells = (count) => [
            el('td', { class: 'roadbook-num' }, String(count.done)),
            el('td', { class: 'roadbook-num' }, String(count.skipped)),
            el('td', { class: 'roadbook-num' }, String(count.remaining)),
            el('td', { class: 'roadbook-num' }, count.percent + ' %'),
        ];

        // A row's heading: the unit's or phase's link once its part is in
        // (a big book loads them as the rows come near the screen), its
        // number until then.
        const unitHeading = (u, byId) => {
            const week = byId.weeks[u.id];
            return week
                ? el('a', { href: week.path }, week.name + (week.title ? ': ' + week.title : ''))
                : unitTitle + ' ' + u.number;
        };
        const phaseHeading = (p, byId) => {
            const first = counts.units[p.units[0]];
            const week = first && byId.weeks[first.id];
            const phase = week && byId.phases[week.phase];
            if (phase) {
                return el('a', { href: phase.path }, phase.title);
            }
            const last = counts.units[p.units[p.units.length - 1]];
            return first ? unitTitle + 's ' + first.number + (last !== first ? '-' + last.number : '') : '';
        };
        const index = () => {
            const data = home.data();
            const byId = { weeks: {}, phases: {} };
            data.weeks.forEach((w) => {
                byId.weeks[w.id] = w;
            });
            data.phases.forEach((p) => {
                byId.phases[p.id] = p;
            });
            return byId;
        };
        const pending = new Map();
        const watcher =
            typeof IntersectionObserver === 'function'
                ? new IntersectionObserver(
                    (seen) => {
                        for (const entry of seen) {
                            if (entry.isIntersecting && pending.has(entry.target)) {
                                const phase = pending.get(entry.target);
                                pending.delete(entry.target);
                                watcher.unobserve(entry.target);
                                home.ensure(phase.units).then(() => fill(entry.target, phase));
                            }
                        }
                    },
                    { rootMargin: '800px 0px' },
                )
                : null;
        const fill = (body, phase) => {
            const byId = index();
            const rows = body.querySelectorAll('th');
            rows[0].replaceChildren(phaseHeading(phase, byId));
            phase.units.forEach((at, n) => rows[n + 1].replaceChildren(unitHeading(counts.units[at], byId)));
        };

        let drawn = 0;
        const draw = async () => {
            const mine = (drawn += 1);
            const sums = home.sums();
            const all = sums.all;
            summary.textContent =
                all.done + ' done, ' + all.skipped + ' skipped, ' + all.remaining + ' remaining of ' + all.total +
                ' items: ' + all.percent + ' % of your plan' + (all.inProgress ? ' (' + all.inProgress + ' in progress)' : '') + '.';
            bar.value = all.percent;
            bar.textContent = all.percent + ' %';
            const reached = sums.milestones;
            milestones.replaceChildren();
            if (counts.milestones > 0) {
                milestones.append(
                    el('a', { href: 'milestones.html' }, 'Milestones'),
                    ' reached: ' + reached.done + ' of ' + (reached.done + reached.remaining) + '.',
                );
            }
            table.replaceChildren(
                el('caption', {}, 'Progress per phase and ' + unit),
                el(
                    'thead',
                    {},
                    el(
                        'tr',
                        {},
                        el('th', { scope: 'col' }, unitTitle),
                        el('th', { scope: 'col', class: 'roadbook-num' }, 'Done'),
                        el('th', { scope: 'col', class: 'roadbook-num' }, 'Skipped'),
                        el('th', { scope: 'col', class: 'roadbook-num' }, 'Remaining'),
                        el('th', { scope: 'col', class: 'roadbook-num' }, '%'),
                    ),
                ),
            );
            const byId = index();
            pending.clear();
            if (watcher) {
                watcher.disconnect();
            }
            for (const phase of counts.phases) {
                const body = el('tbody');
                body.append(
                    el('tr', { class: 'roadbook-phase-row' }, el('th', { scope: 'row' }, phaseHeading(phase, byId)), ...cells(sums.byPhase[phase.at])),
                );
                let missing = false;
                for (const at of phase.units) {
                    const u = counts.units[at];
                    missing = missing || !byId.weeks[u.id];
                    body.append(el('tr', {}, el('th', { scope: 'row' }, unitHeading(u, byId)), ...cells(sums.byUnit[at])));
                }
                table.append(body);
                if (missing && watcher) {
                    pending.set(body, phase);
                    watcher.observe(body);
                }
            }
            next.replaceChildren();
            const upcoming = await home.next(sums);
            if (mine !== drawn) {
                return;
            }
            if (upcoming) {
                next.append(
                    'Continue where you left off: ',
                    el('a', { href: upcoming.href, class: 'roadbook-continue' }, upcoming.week.name + ': ' + upcoming.item.text),
                );
            } else {
                next.append('Everything in your plan is done or skipped. 🎉');
            }
        };
        // A change from an import or another tab may name IDs this browser
        // has not placed yet.
        const redraw = () => home.resolve().then(draw);

        // Export, import, reset.
        const exportJson = el('button', { type: 'button' }, 'Export all (JSON)');
        exportJson.addEventListener('click', () => {
            const file = model.exportJson(store, title, Date.now());
            download('roadbook-progress.json', 'application/json', JSON.stringify(file, null, 1) + '\n');
            status.textContent = 'Exported ' + Object.keys(file.entries).length + ' saved entries.';
        });
        const exportMd = el('button', { type: 'button' }, 'Export checklist (Markdown)');
        exportMd.addEventListener('click', () => {
            home.everything().then(() => {
                const data = home.data();
                const states = model.itemStates(data, (id, checked) => model.stateOf(store, id, checked), model.planWeeks(data, store.get('plan')));
                download('roadbook-progress.md', 'text/markdown', model.exportMarkdown(data, states, title));
                status.textContent = 'Exported the checklist.';
            });
        });
        const input = el('input', { type: 'file', accept: '.json,application/json', class: 'roadbook-sr-only' });
        const pickFile = el('label', { class: 'roadbook-file' }, 'Import a file…', input);
        input.addEventListener('change', () => {
            const file = input.files && input.files[0];
            if (!file) {
                return;
            }
            const reader = new FileReader();
            reader.onload = () => {
                try {
                    const result = model.merge(store, model.parseImport(String(reader.result), Date.now()), journey.data.aliases);
                    status.textContent =
                        'Imported ' + file.name + ': ' + result.added + ' added, ' + result.updated + ' updated, ' +
                        result.kept + ' kept (this browser had a newer change).';
                    journey.refresh();
                    redraw();
                } catch (e) {
                    status.textContent = 'Could not import ' + file.name + ': ' + e.message + '.';
                }
                input.value = '';
            };
            reader.readAsText(file);
        });
        const reset = el('button', { type: 'button' }, 'Reset progress…');
        const confirmBox = el('p', { class: 'roadbook-confirm', hidden: '' });
        reset.addEventListener('click', () => {
            const saved = store.entries(model.KEY).length;
            const yes = el('button', { type: 'button' }, 'Erase ' + saved + ' saved states');
            const no = el('button', { type: 'button' }, 'Keep them');
            confirmBox.replaceChildren(
                'This erases every item state saved in this browser (your plan, logged time and notes stay). ',
                yes,
                no,
            );
            confirmBox.hidden = false;
            no.focus();
            no.addEventListener('click', () => {
                confirmBox.hidden = true;
                reset.focus();
            });
            yes.addEventListener('click', () => {
                for (const [key] of store.entries(model.KEY)) {
                    store.remove(key);
                }
                confirmBox.hidden = true;
                status.textContent = 'Progress reset: ' + saved + ' saved states erased.';
                reset.focus();
                journey.refresh();
                redraw();
            });
        });

        host.replaceChildren(
            summary,
            bar,
            next,
            milestones,
            table,
            el(
                'div',
                { class: 'roadbook-transfer' },
                el('h3', {}, 'Move your progress to another browser'),
                el(
                    'p',
                    {},
                    'file:// and each web address keep separate data: export here, import there. Importing merges item by item, the newer change winning.',
                ),
                exportJson,
                exportMd,
                pickFile,
                reset,
                confirmBox,
                status,
            ),
        );
        if (!store.persistent) {
            host.prepend(el('p', {}, 'This browser does not keep data for this page: progress lasts until you close it.'));
        }
        draw();
        store.onChange(redraw);
    };

    // "This week" needs the plan's scripts (theme/plan.js, 39 KB with its
    // model) only once the learner's plan has a start date: until then the
    // page's own text ("Choose a plan and a start date") is what it shows.
    let planLoaded = false;
    const loadPlan = (store) => {
        const plan = store.get('plan');
        if (planLoaded || !document.querySelector('[data-plan-this-week]') || !plan || !plan.start) {
            return;
        }
        planLoaded = true;
        const root = typeof path_to_root === 'string' ? path_to_root : '';
        const model = document.createElement('script');
        model.src = root + 'theme/plan-model.js';
        model.onload = () => {
            const page = document.createElement('script');
            page.src = root + 'theme/plan.js';
            document.head.appendChild(page);
        };
        document.head.appendChild(model);
    };

    const begin = () => {
        P = window.roadbookProgress;
        const store = window.roadbookStore;
        if (store) {
            loadPlan(store);
            store.onChange((key) => {
                if (key === null || key === 'plan') {
                    loadPlan(store);
                }
            });
        }
        if (window.roadbookJourney) {
            window.roadbookJourney.ready(start);
        }
    };
    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', begin);
    } else {
        begin();
    }
    }

    return { countsFile, expandCounts, countsOf, candidates, countAll, continueUnit, page };
});
