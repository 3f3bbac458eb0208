// The home page's "Your progress": overall, per phase and per unit counts
// with a bar, "continue where you left off", and the learner's data moved
// between browsers: export (JSON of everything the book keeps, or a
// Markdown checklist), import (an export, or a JSON list of done item IDs),
// reset; and the scripts of "This week" once a plan is dated. Loaded only
// by the home page, into `#roadbook-journey`; the logic
// is theme/progress-model.js, the page wiring theme/progress.js
// (`window.roadbookJourney`).
(() => {
    'use strict';

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

    const start = (journey) => {
        const host = document.getElementById('roadbook-journey');
        const home = journey.home;
        if (!host || !journey.data || !home) {
            return;
        }
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
})();
