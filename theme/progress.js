// Learner progress on every page of a roadbook book (the logic is
// theme/progress-model.js, the storage theme/store.js).
//
// - Every `<input type="checkbox" data-progress-id="ID">` (and a disabled
//   task-list box inside an element carrying `data-progress-id`) is an
//   item: a click toggles done; the keys D, P, S and N set done, in
//   progress, skipped and not started, and the ▾ button next to it opens a
//   menu of the four. Changes are announced through an aria-live region.
// - Hand-written `- [ ]` tasks are kept under the page and their text.
// - An exercise page (`exercises/ID.html`) gets its own done control, the
//   same state as the item on its week page.
// - `<span data-progress-summary="week:ID">` (or `phase:ID`, `milestones`,
//   `milestones:GROUP`, empty for the page's boxes) shows the counts; the
//   sidebar marks finished units.
//
// The roadmap's structure comes from roadbook-data.js (written by
// `roadbook build`: an outline naming the parts the records are in, see
// crates/roadbook/src/book_data.rs), loaded here with classic script tags so
// it works from file://, with the parts the page shows (every part on the
// home page); without it (plain mdBook) the page's own boxes are counted.
// `journey.data` is what `roadbookProgress.assemble` made of those parts.
// `window.roadbookJourney.ready(fn)` calls `fn(journey)` once it is known.
(() => {
    'use strict';

    const store = window.roadbookStore;
    const model = window.roadbookProgress;
    if (!store || !model) {
        // book.toml's additional-js lists store.js and progress-model.js
        // before this file; without them no state can be read.
        console.warn('roadbook: progress needs theme/store.js and theme/progress-model.js listed before theme/progress.js');
        return;
    }
    const root = typeof path_to_root === 'string' ? path_to_root : '';
    const waiting = [];
    const journey = {
        data: null,
        store,
        model,
        /** The weeks of the learner's plan. */
        planWeeks: () => model.planWeeks(journey.data, store.get('plan')),
        /** The state of every item of the book, plan applied. */
        states: () =>
            model.itemStates(journey.data, (id, checked) => model.stateOf(store, id, checked), journey.planWeeks()),
        /** Calls `fn(journey)` once the data file is in (or missing). */
        ready(fn) {
            waiting.push(fn);
        },
        /** Redraws every count after the store changed. */
        refresh: () => refresh(),
    };
    window.roadbookJourney = journey;

    // The page path relative to the book root, the same from file:// and http.
    const pagePath = () => {
        const depth = root.split('/').filter((part) => part === '..').length;
        const parts = window.location.pathname.split('/').filter((part) => part !== '');
        return parts.slice(Math.max(parts.length - depth - 1, 0)).join('/');
    };

    // One live region for the whole page.
    const live = document.createElement('div');
    live.className = 'roadbook-sr-only';
    live.setAttribute('aria-live', 'polite');
    document.body.appendChild(live);
    const announce = (text) => {
        live.textContent = '';
        window.setTimeout(() => {
            live.textContent = text;
        }, 50);
    };
    const keysHelp = document.createElement('span');
    keysHelp.id = 'roadbook-progress-keys';
    keysHelp.className = 'roadbook-sr-only';
    keysHelp.textContent = 'Space: done. P: in progress. S: skipped. N: not started.';
    document.body.appendChild(keysHelp);

    // ---- Items on this page ------------------------------------------------

    const boxes = [];
    const textOf = (box) => {
        const label = box.closest('label') || box.parentElement;
        return (label ? label.textContent : '').replace(/\s+/g, ' ').trim();
    };

    const show = (box) => {
        const state = model.stateOf(store, box.dataset.progressKey, box.defaultChecked);
        box.checked = state === 'done';
        box.indeterminate = state === 'in-progress';
        const holder = box.closest('li') || box.parentElement;
        for (const s of model.STATES) {
            holder.classList.toggle('roadbook-state-' + s, s === state);
        }
        const badge = box.roadbookBadge;
        badge.textContent = state === 'in-progress' || state === 'skipped' ? model.STATE_NAMES[state] : '';
        box.roadbookButton.setAttribute('aria-label', 'Progress of “' + box.roadbookText + '”: ' + model.STATE_NAMES[state]);
        return state;
    };

    const change = (box, state) => {
        model.setState(store, box.dataset.progressKey, state, box.defaultChecked);
        for (const other of boxes) {
            if (other.dataset.progressKey === box.dataset.progressKey) {
                show(other);
            }
        }
        announce('“' + box.roadbookText + '”: ' + model.STATE_NAMES[state]);
        refresh();
    };

    const adopt = (box, id) => {
        box.disabled = false;
        box.removeAttribute('disabled');
        box.classList.add('roadbook-progress');
        box.dataset.progressKey = id;
        box.setAttribute('aria-describedby', keysHelp.id);
        box.roadbookText = textOf(box);
        const badge = document.createElement('span');
        badge.className = 'roadbook-state-badge';
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'roadbook-state-button';
        button.setAttribute('aria-haspopup', 'menu');
        button.setAttribute('aria-expanded', 'false');
        button.textContent = '▾';
        const after = box.closest('label') || box;
        after.after(badge);
        badge.after(button);
        box.roadbookBadge = badge;
        box.roadbookButton = button;
        box.addEventListener('change', () => {
            // The browser flipped `checked`: the model decides what it means.
            const state = model.stateOf(store, id, box.defaultChecked);
            change(box, model.toggled(state));
        });
        box.addEventListener('keydown', (event) => {
            if (event.ctrlKey || event.metaKey || event.altKey) {
                return;
            }
            const state = model.stateForKey(event.key);
            if (state !== null && event.key !== ' ') {
                event.preventDefault();
                change(box, state);
            }
        });
        button.addEventListener('click', () => openMenu(box));
        boxes.push(box);
        show(box);
    };

    // The previous version kept a page's `- [ ]` tasks by position
    // (`roadbook-progress:PAGE#task-N`): the N-th task takes it over once.
    const legacyTask = (page, n, id, checked) => {
        try {
            const old = 'roadbook-progress:' + page + '#task-' + n;
            const value = store.persistent ? window.localStorage.getItem(old) : null;
            if (value !== null) {
                if (store.entry(model.KEY + id) === null && (value === 'done' || value === 'open')) {
                    model.setState(store, id, value === 'done' ? 'done' : 'not-started', checked);
                }
                window.localStorage.removeItem(old);
            }
        } catch (e) {
            // No localStorage: nothing to migrate.
        }
    };

    let anonymous = 0;
    const scan = () => {
        const seen = new Map();
        const page = pagePath();
        for (const box of document.querySelectorAll('main input[type="checkbox"]')) {
            if (box.dataset.progressKey) {
                continue;
            }
            let id = box.getAttribute('data-progress-id');
            if (id === null) {
                const owner = box.closest('[data-progress-id]');
                if (owner !== null) {
                    id = owner.getAttribute('data-progress-id');
                } else if (box.disabled) {
                    id = model.taskId(page, textOf(box), seen);
                    anonymous += 1;
                    legacyTask(page, anonymous, id, box.defaultChecked);
                } else {
                    continue;
                }
            }
            adopt(box, id);
        }
    };

    // ---- The state menu ----------------------------------------------------

    const menu = document.createElement('ul');
    menu.className = 'roadbook-state-menu';
    menu.setAttribute('role', 'menu');
    menu.hidden = true;
    for (const state of model.STATES) {
        const entry = document.createElement('li');
        entry.setAttribute('role', 'menuitemradio');
        entry.tabIndex = -1;
        entry.dataset.state = state;
        entry.textContent = model.STATE_NAMES[state];
        menu.appendChild(entry);
    }
    document.body.appendChild(menu);
    let menuFor = null;
    const entries = () => Array.from(menu.children);
    const closeMenu = (focusBack) => {
        if (menuFor === null) {
            return;
        }
        menu.hidden = true;
        menuFor.roadbookButton.setAttribute('aria-expanded', 'false');
        if (focusBack) {
            menuFor.roadbookButton.focus();
        }
        menuFor = null;
    };
    const openMenu = (box) => {
        closeMenu(false);
        menuFor = box;
        const state = model.stateOf(store, box.dataset.progressKey, box.defaultChecked);
        menu.setAttribute('aria-label', 'Progress of “' + box.roadbookText + '”');
        for (const entry of entries()) {
            entry.setAttribute('aria-checked', String(entry.dataset.state === state));
        }
        const rect = box.roadbookButton.getBoundingClientRect();
        menu.style.top = window.scrollY + rect.bottom + 'px';
        menu.style.left = Math.max(0, Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - 160)) + 'px';
        menu.hidden = false;
        box.roadbookButton.setAttribute('aria-expanded', 'true');
        (entries().find((e) => e.dataset.state === state) || menu.firstChild).focus();
    };
    const pick = (entry) => {
        const box = menuFor;
        closeMenu(true);
        change(box, entry.dataset.state);
    };
    menu.addEventListener('click', (event) => {
        const entry = event.target.closest('[role="menuitemradio"]');
        if (entry) {
            pick(entry);
        }
    });
    menu.addEventListener('keydown', (event) => {
        const list = entries();
        const at = list.indexOf(document.activeElement);
        const move = { ArrowDown: 1, ArrowUp: -1, Home: -at, End: list.length - 1 - at }[event.key];
        if (move !== undefined) {
            event.preventDefault();
            list[(at + move + list.length) % list.length].focus();
        } else if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            pick(document.activeElement);
        } else if (event.key === 'Escape' || event.key === 'Tab') {
            event.preventDefault();
            closeMenu(true);
        }
    });
    document.addEventListener('click', (event) => {
        if (menuFor !== null && !menu.contains(event.target) && event.target !== menuFor.roadbookButton) {
            closeMenu(false);
        }
    });

    // ---- Counts ------------------------------------------------------------

    const describe = (count) => {
        let text = count.done + ' of ' + (count.done + count.remaining) + ' done (' + count.percent + ' %)';
        if (count.skipped > 0) {
            text += ', ' + count.skipped + ' skipped';
        }
        return text;
    };

    // The milestones as items, for the milestones page and phase pages.
    const milestoneCount = (group) => {
        const list = journey.data.milestones.filter((m) => group === '' || m.group === group);
        return model.tally(list.map((m) => ({ state: model.stateOf(store, m.id, !!m.checked) })));
    };

    const refresh = () => {
        const data = journey.data;
        const states = data ? journey.states() : null;
        const sums = data ? model.tallies(data, states) : null;
        for (const summary of document.querySelectorAll('[data-progress-summary]')) {
            const scope = summary.getAttribute('data-progress-summary') || '';
            const [kind, id] = scope.split(':');
            let count = null;
            if (data && kind === 'week' && sums.byWeek[id]) {
                count = sums.byWeek[id];
            } else if (data && kind === 'phase' && sums.byPhase[id]) {
                count = sums.byPhase[id];
            } else if (data && kind === 'milestones') {
                count = milestoneCount(id || '');
            } else {
                // Without the data file: the boxes of this page.
                const counted = boxes.filter((box) => box.dataset.progressKey.startsWith(scope));
                count = model.tally(
                    counted.map((box) => ({ state: model.stateOf(store, box.dataset.progressKey, box.defaultChecked) })),
                );
            }
            summary.textContent = describe(count);
            summary.classList.toggle('roadbook-progress-complete', count.remaining === 0 && count.done > 0);
        }
        if (data) {
            markSidebar(sums.byWeek);
            rememberPlaces(data);
        }
    };

    // Where each stored ID is (its unit, or '*' for a milestone), kept by
    // this browser (`store.local('places')`, never exported) so that the
    // home page of a big book counts the whole book without loading every
    // part: every page records the stored IDs its data holds. `null`
    // means "in no part of this build" (its `stamp`).
    const places = () => {
        const record = store.local('places');
        return record && typeof record === 'object' && record.ids && typeof record.ids === 'object'
            ? record
            : { stamp: null, ids: {} };
    };
    const savePlaces = (found, stamp) => {
        const record = places();
        let changed = false;
        if (record.stamp !== stamp) {
            // Another build: what was in no part may be in one now.
            for (const id of Object.keys(record.ids)) {
                if (record.ids[id] === null) {
                    delete record.ids[id];
                }
            }
            record.stamp = stamp;
            changed = true;
        }
        for (const id of Object.keys(found)) {
            if (record.ids[id] !== found[id]) {
                record.ids[id] = found[id];
                changed = true;
            }
        }
        if (changed) {
            store.setLocal('places', record);
        }
        return record;
    };
    const storedIds = () => store.entries(model.KEY).map(([key]) => key.slice(model.KEY.length));
    const rememberPlaces = (data) => {
        const known = places().ids;
        const fresh = storedIds().filter((id) => !known[id]);
        if (fresh.length > 0) {
            savePlaces(model.placesIn(data, fresh), data.stamp);
        }
    };

    // Finished units get a ✓ in the sidebar: those of the page's data, and
    // the others this browser saw finished (a big book's page has the parts
    // of what it shows only; model.rememberFinished).
    const markSidebar = (byWeek) => {
        const before = store.local('finished');
        const plan = store.get('plan');
        const track = plan && typeof plan.track === 'string' ? plan.track : null;
        const record = model.rememberFinished(before, journey.data, track, byWeek);
        if (JSON.stringify(record) !== JSON.stringify(before)) {
            store.setLocal('finished', record);
        }
        const paths = Object.values(record.units);
        const finished = (link) => {
            const href = link.getAttribute('href') || '';
            return paths.some((path) => href === path || href.endsWith('/' + path));
        };
        for (const mark of document.querySelectorAll('.sidebar .roadbook-week-done')) {
            if (!finished(mark.parentElement)) {
                mark.remove();
            }
        }
        for (const path of paths) {
            for (const link of document.querySelectorAll('.sidebar a[href$="' + path + '"]')) {
                if (finished(link) && link.querySelector('.roadbook-week-done') === null) {
                    const mark = document.createElement('span');
                    mark.className = 'roadbook-week-done';
                    mark.innerHTML = ' ✓<span class="roadbook-sr-only"> (finished)</span>';
                    link.appendChild(mark);
                }
            }
        }
    };

    // ---- With the data file ------------------------------------------------

    const exercisePageControl = (data) => {
        const match = /(?:^|\/)exercises\/([a-z0-9-]+)\.html$/.exec(pagePath());
        const item = match && data.items.find((i) => i.id === match[1]);
        const heading = document.querySelector('main h1');
        if (!item || !heading || document.querySelector('main [data-progress-id="' + item.id + '"]')) {
            return;
        }
        const week = data.weeks.find((w) => w.id === item.week);
        const p = document.createElement('p');
        p.className = 'roadbook-exercise-progress';
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.defaultChecked = !!item.checked;
        box.setAttribute('data-progress-id', item.id);
        label.append(box, ' I have done this exercise');
        const back = document.createElement('a');
        back.href = root + week.path + '#' + item.id;
        back.textContent = 'on ' + week.name.toLowerCase() + '’s page';
        p.append(label, ' ', back);
        heading.after(p);
    };

    const withData = (data) => {
        journey.data = data;
        const known = {};
        for (const item of data.items) {
            known[item.id] = !!item.checked;
        }
        for (const m of data.milestones) {
            known[m.id] = !!m.checked;
        }
        let legacy = null;
        try {
            legacy = store.persistent ? window.localStorage : null;
        } catch (e) {
            legacy = null;
        }
        model.migrateLegacy(legacy, store, (id) => {
            if (id in known) {
                return known[id];
            }
            const box = boxes.find((b) => b.dataset.progressKey === id);
            return box ? box.defaultChecked : undefined;
        });
        model.followAliases(store, data.aliases);
        exercisePageControl(data);
        scan();
        for (const box of boxes) {
            show(box);
        }
    };

    const finish = () => {
        refresh();
        const ready = waiting.splice(0);
        // From now on `ready` calls at once.
        journey.ready = (fn) => fn(journey);
        for (const fn of ready) {
            fn(journey);
        }
    };

    scan();
    refresh();
    // A part of the sidebar loaded later (a big book's toc/*.js pieces, see
    // crates/roadbook/src/book/sidebar.js) gets its marks too.
    document.addEventListener('roadbook-toc-piece', () => refresh());
    store.onChange(() => {
        for (const box of boxes) {
            show(box);
        }
        refresh();
    });

    // What the page shows, for the parts of the data it needs: the units,
    // phases and milestone groups it counts, its exercise; the home page
    // and the page of all milestones need the whole roadmap.
    const wanted = () => {
        const want = { all: false, weeks: [], phases: [], groups: [], exercises: [] };
        for (const summary of document.querySelectorAll('[data-progress-summary]')) {
            const [kind, id] = (summary.getAttribute('data-progress-summary') || '').split(':');
            if (kind === 'week' && id) {
                want.weeks.push(id);
            } else if (kind === 'phase' && id) {
                want.phases.push(id);
            } else if (kind === 'milestones' && id) {
                want.groups.push(id);
            } else if (kind === 'milestones') {
                want.all = true;
            }
        }
        const exercise = /(?:^|\/)exercises\/([a-z0-9-]+)\.html$/.exec(pagePath());
        if (exercise) {
            want.exercises.push(exercise[1]);
        }
        return want;
    };

    const load = (src) =>
        new Promise((resolve) => {
            const script = document.createElement('script');
            script.src = root + src;
            script.onload = () => resolve(true);
            script.onerror = () => resolve(false);
            document.head.appendChild(script);
        });

    // The outline, then the parts the page needs (a phase's units once its
    // record is in), then the counts.
    const start = async () => {
        if (!window.roadbookData) {
            await load('roadbook-data.js');
        }
        const outline = window.roadbookData;
        if (!outline || outline.version !== 2 || !(outline.parts > 0)) {
            finish();
            return;
        }
        const parts = {};
        const tried = new Set();
        const fetchParts = (list) =>
            Promise.all(
                list
                    .filter((n) => !tried.has(n))
                    .map(async (n) => {
                        tried.add(n);
                        await load(model.partFile(outline, n));
                        const arrived = window.roadbookDataParts && window.roadbookDataParts[n];
                        if (arrived) {
                            parts[n] = arrived;
                        }
                    }),
            );
        const want = wanted();
        await fetchParts(model.partsFor(outline, want, null));
        await fetchParts(model.partsFor(outline, want, model.assemble(outline, parts)));
        withData(model.assemble(outline, parts));
        // For the home page (theme/progress-home.js), which counts the
        // whole book from the counts file and the places of stored IDs.
        Object.assign(journey, { outline, parts, loadParts: fetchParts, places, savePlaces, storedIds, load });
        finish();
    };
    start();
})();
