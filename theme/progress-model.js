// The learner's progress as data: states, what a learner's plan counts,
// what comes next, the export/import formats, and the roadmap's data put
// together from its parts. Pure functions over `window.roadbookStore`
// (theme/store.js) and the data `roadbook build` writes (roadbook-data.js
// and its parts, see theme/README.md); theme/progress.js and
// theme/progress-home.js put them on the pages.
//
// Each item has one of four states: not-started, in-progress, done,
// skipped. The roadmap's `- [x]` marks are the initial state (done); only a
// learner's change from it is stored, as `progress:ITEM_ID` = the state,
// stamped with the time of the change. Items renamed in the roadmap with
// their old ID recorded (`<!-- was: old-id -->`) keep their progress: the
// data file's `aliases` map old IDs to new ones and `followAliases` moves
// what was saved.
//
// Loaded as a classic script, it defines `window.roadbookProgress`; under
// Node (the unit tests) it exports the same functions.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.roadbookProgress = api;
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    /** The states, in the order the menu offers them. */
    const STATES = ['not-started', 'in-progress', 'done', 'skipped'];
    /** How each state reads. */
    const STATE_NAMES = {
        'not-started': 'not started',
        'in-progress': 'in progress',
        done: 'done',
        skipped: 'skipped',
    };
    /** The key of an item's state in the store. */
    const KEY = 'progress:';
    /** The key prefix of the previous version's localStorage entries. */
    const LEGACY = 'roadbook-progress:';
    /** The export file's `format` and `version`. */
    const FORMAT = 'roadbook-export';
    const VERSION = 1;

    const isState = (value) => STATES.indexOf(value) >= 0;
    const initialState = (checked) => (checked ? 'done' : 'not-started');

    /** An item's state: what is stored, else its initial state. */
    function stateOf(store, id, checked) {
        const saved = store.get(KEY + id);
        return isState(saved) ? saved : initialState(checked);
    }

    /**
     * Stores `state` for item `id` (initially `checked`): a state equal to
     * the initial one removes what was stored.
     */
    function setState(store, id, state, checked, t) {
        if (!isState(state)) {
            throw new Error('not a progress state: ' + state);
        }
        if (state === initialState(checked)) {
            store.remove(KEY + id);
            return true;
        }
        return store.set(KEY + id, state, t);
    }

    /** What a click does: done becomes not started, anything else done. */
    function toggled(state) {
        return state === 'done' ? 'not-started' : 'done';
    }

    /** The state a key press on an item asks for (d, p, s, n), or null. */
    function stateForKey(key) {
        return { d: 'done', p: 'in-progress', s: 'skipped', n: 'not-started' }[String(key).toLowerCase()] || null;
    }

    /**
     * The key of a hand-written `- [ ] text` task of page `page`: its text
     * normalised (lowercase words of letters and digits joined by `-`), so
     * that inserting a task does not move anyone's saved progress. `seen`
     * (a Map of keys already given on the page) tells twins apart.
     */
    function taskId(page, text, seen) {
        const words = String(text)
            .toLowerCase()
            .normalize('NFKD')
            .replace(/[\u0300-\u036f'\u2019]/g, '')
            .split(/[^a-z0-9]+/)
            .filter((w) => w !== '');
        let id = page + '#task-' + (words.join('-') || 'untitled');
        if (seen) {
            const count = (seen.get(id) || 0) + 1;
            seen.set(id, count);
            if (count > 1) {
                id += '-' + count;
            }
        }
        return id;
    }

    /**
     * Moves progress saved under an old ID (`aliases`: old → new) to the
     * new ID, keeping the newer of the two when both exist. Returns the
     * number of entries moved.
     */
    function followAliases(store, aliases) {
        let moved = 0;
        for (const old of Object.keys(aliases || {})) {
            const was = store.entry(KEY + old);
            if (was === null) {
                continue;
            }
            const key = KEY + aliases[old];
            const now = store.entry(key);
            if (now === null || was.t > now.t) {
                store.set(key, was.v, was.t);
            }
            store.remove(KEY + old);
            moved += 1;
        }
        return moved;
    }

    /**
     * Moves the previous version's `roadbook-progress:ID` entries of
     * `legacy` (localStorage) into the store, for the IDs `known(id)` returns
     * the initial checked state of (undefined: not this book's). 'done' and
     * 'open' become done and not started, stamped now; each entry is
     * removed once moved, so this runs once. Returns the IDs moved.
     */
    function migrateLegacy(legacy, store, known) {
        if (!legacy) {
            return [];
        }
        const moved = [];
        const keys = [];
        for (let i = 0; i < legacy.length; i += 1) {
            const key = legacy.key(i);
            if (key !== null && key.indexOf(LEGACY) === 0) {
                keys.push(key);
            }
        }
        for (const key of keys) {
            const id = key.slice(LEGACY.length);
            const checked = known(id);
            if (checked === undefined) {
                continue;
            }
            const value = legacy.getItem(key);
            if (store.entry(KEY + id) === null && (value === 'done' || value === 'open')) {
                setState(store, id, value === 'done' ? 'done' : 'not-started', checked);
            }
            try {
                legacy.removeItem(key);
            } catch (e) {
                // Left in place: the store's entry wins next time.
            }
            moved.push(id);
        }
        return moved;
    }

    /** FNV-1a (32 bits) of `text`'s UTF-8 bytes. */
    function fnv1a(text) {
        let hash = 0x811c9dc5;
        for (const byte of new TextEncoder().encode(String(text))) {
            hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
        }
        return hash >>> 0;
    }

    /**
     * The part of roadbook-data.js's `outline` that holds the record with
     * ID `id` (a phase, a unit, a milestone group; an item is with its
     * unit): `fnv1a(id) % parts`, as the build placed it.
     */
    function partOf(outline, id) {
        return fnv1a(id) % outline.parts;
    }

    /** Part `n`'s file, from the book's root. */
    function partFile(outline, n) {
        return 'data/' + n + '-' + outline.stamp + '.js';
    }

    /**
     * The parts a page needs, sorted: `want` = `{all, weeks, phases,
     * groups, exercises}` (lists of IDs) names what it shows; `data` (what
     * `assemble` made of the parts in so far, or null) adds the units of
     * the phases it names. A `whole` outline needs every part.
     */
    function partsFor(outline, want, data) {
        const count = outline.parts;
        const needed = new Set();
        if (want.all || outline.whole) {
            for (let n = 0; n < count; n += 1) {
                needed.add(n);
            }
        }
        const add = (id) => needed.add(partOf(outline, id));
        (want.weeks || []).forEach(add);
        (want.phases || []).forEach(add);
        (want.groups || []).forEach(add);
        for (const id of want.exercises || []) {
            const unit = (outline.exercises || {})[id];
            if (unit !== undefined) {
                add(unit);
            }
        }
        if (data) {
            for (const phase of data.phases) {
                if ((want.phases || []).indexOf(phase.id) >= 0) {
                    phase.weeks.forEach(add);
                }
            }
        }
        return Array.from(needed).sort((a, b) => a - b);
    }

    /** Week runs `[[first, last], …]` as the list of numbers. */
    function expandRuns(runs) {
        const numbers = [];
        for (const [first, last] of runs || []) {
            for (let n = first; n <= last; n += 1) {
                numbers.push(n);
            }
        }
        return numbers;
    }

    /**
     * The data the functions here read, from roadbook-data.js's `outline`
     * and the `parts` loaded so far (`{n: part}`): `{hours, phases, weeks,
     * items, milestones, tracks, aliases, complete}` with each list in
     * roadmap order and the tracks' weeks as numbers. `complete` says
     * every part is in; without, the lists hold the loaded parts' records.
     */
    function assemble(outline, parts) {
        const loaded = Object.keys(parts).map(Number).sort((a, b) => a - b).map((n) => parts[n]);
        const byAt = (a, b) => a.at - b.at;
        const all = (name) => [].concat(...loaded.map((p) => p[name] || []));
        const phases = all('phases').sort(byAt);
        const weeks = all('weeks').sort(byAt);
        const ofWeek = {};
        for (const item of all('items')) {
            (ofWeek[item.week] = ofWeek[item.week] || []).push(item);
        }
        const items = [].concat(...weeks.map((w) => ofWeek[w.id] || []));
        // A group's milestones are in one part, in order: a stable sort keeps them so.
        const milestones = all('milestones').sort(byAt);
        const tracks = (outline.tracks || []).map((t) => Object.assign({}, t, { weeks: expandRuns(t.weeks), focus: expandRuns(t.focus) }));
        return {
            version: outline.version,
            hours: outline.hours,
            phases,
            weeks,
            items,
            milestones,
            tracks,
            aliases: outline.aliases || {},
            stamp: outline.stamp,
            complete: loaded.length === outline.parts,
        };
    }

    /**
     * Where the IDs of `ids` are, from `data` (assembled from the parts in
     * so far): `{id: unitId}` for items, `{id: '*'}` for milestones; IDs
     * not in `data` are left out.
     */
    function placesIn(data, ids) {
        const want = new Set(ids);
        const places = {};
        for (const item of data.items) {
            if (want.has(item.id)) {
                places[item.id] = item.week;
            }
        }
        for (const m of data.milestones) {
            if (want.has(m.id)) {
                places[m.id] = '*';
            }
        }
        return places;
    }

    /**
     * The record of finished units this browser keeps (`store.local`), so
     * that a page of a big book, which loads only the parts it shows, can
     * mark in the sidebar the units finished elsewhere: `record` updated
     * with the units of `data` (finished per `byWeek`, from `tallies`). A
     * record is for one build's data (`data.stamp`) and one track (the
     * stored plan's, which decides what is skipped; null: the whole plan);
     * it starts over when either changed. Returns `{stamp, track, units:
     * {unitId: path}}`.
     */
    function rememberFinished(record, data, track, byWeek) {
        const mine = track === undefined ? null : track;
        const valid = record && typeof record === 'object' && record.stamp === data.stamp && record.track === mine;
        const units = valid && record.units && typeof record.units === 'object' ? Object.assign({}, record.units) : {};
        for (const week of data.weeks) {
            const count = byWeek[week.id];
            if (count && count.remaining === 0 && count.done > 0) {
                units[week.id] = week.path;
            } else {
                delete units[week.id];
            }
        }
        return { stamp: data.stamp, track: mine, units };
    }

    /**
     * The unit numbers of the learner's plan: the chosen track's weeks
     * (`plan` = `{track, start}` from the store), or every unit without a
     * plan or with a track the book does not know.
     */
    function planWeeks(data, plan) {
        const track = plan && data.tracks ? data.tracks.find((t) => t.id === plan.track) : undefined;
        if (track && Array.isArray(track.weeks) && track.weeks.length > 0) {
            return track.weeks.slice();
        }
        return data.weeks.map((w) => w.number);
    }

    /**
     * The state of every item of `data` (`state(id, checked)` reads one)
     * with each unit outside the plan's `weeks` marked skipped by plan
     * unless done: `[{item, week, state, byPlan}]`.
     */
    function itemStates(data, state, weeks) {
        const numbers = {};
        for (const w of data.weeks) {
            numbers[w.id] = w.number;
        }
        return data.items.map((item) => {
            const own = state(item.id, !!item.checked);
            const inPlan = weeks.indexOf(numbers[item.week]) >= 0;
            const byPlan = !inPlan && own !== 'done';
            return { item, week: item.week, state: byPlan ? 'skipped' : own, byPlan };
        });
    }

    /**
     * Counts of `states` (from itemStates): done, skipped, in progress,
     * remaining (neither done nor skipped) and the percentage done of what
     * counts (done + remaining: skipped items are not part of the goal, and
     * never count as done).
     */
    function tally(states) {
        const count = { total: states.length, done: 0, skipped: 0, inProgress: 0, remaining: 0, percent: 0 };
        for (const s of states) {
            if (s.state === 'done') {
                count.done += 1;
            } else if (s.state === 'skipped') {
                count.skipped += 1;
            } else {
                count.remaining += 1;
                if (s.state === 'in-progress') {
                    count.inProgress += 1;
                }
            }
        }
        const goal = count.done + count.remaining;
        count.percent = goal === 0 ? 0 : Math.floor((count.done * 100) / goal);
        return count;
    }

    /** `tally` per unit (`{weekId: counts}`) and per phase (`{phaseId: counts}`). */
    function tallies(data, states) {
        const ofWeek = {};
        for (const w of data.weeks) {
            ofWeek[w.id] = [];
        }
        for (const s of states) {
            if (ofWeek[s.week]) {
                ofWeek[s.week].push(s);
            }
        }
        const byWeek = {};
        for (const w of data.weeks) {
            byWeek[w.id] = tally(ofWeek[w.id]);
        }
        const byPhase = {};
        for (const p of data.phases) {
            byPhase[p.id] = tally([].concat(...p.weeks.map((id) => ofWeek[id] || [])));
        }
        return { byWeek, byPhase };
    }

    /**
     * Where to continue: the first item in progress, else the first not
     * started, in roadmap order among the plan's units; null when nothing
     * is left. Returns `{item, week, href}` (href relative to the root).
     */
    function nextItem(data, states) {
        const open = states.filter((s) => !s.byPlan && (s.state === 'in-progress' || s.state === 'not-started'));
        const pick = open.find((s) => s.state === 'in-progress') || open[0];
        if (!pick) {
            return null;
        }
        const week = data.weeks.find((w) => w.id === pick.week);
        return { item: pick.item, week, href: week.path + '#' + pick.item.id };
    }

    /**
     * The export file: every entry of the book's store (progress, plan,
     * logged time, mock interviews, assessment) with the time it changed.
     * `{format: "roadbook-export", version: 1, book, exported, entries:
     * {key: {t, v}}}`.
     */
    function exportJson(store, book, now) {
        const entries = {};
        for (const [key, entry] of store.entries('')) {
            entries[key] = { t: entry.t, v: entry.v };
        }
        return {
            format: FORMAT,
            version: VERSION,
            book: book || '',
            exported: new Date(now).toISOString(),
            entries,
        };
    }

    /**
     * The entries an import file holds, as `{key: {t, v}}`: an export
     * (`exportJson`'s format), or a plain JSON list of done item IDs (what
     * `roadbook practice --check` writes), stamped `now`. Throws an Error
     * saying what is wrong with anything else.
     */
    function parseImport(text, now) {
        let json;
        try {
            json = JSON.parse(text);
        } catch (e) {
            throw new Error('the file is not JSON (' + e.message + ')');
        }
        const entries = {};
        if (Array.isArray(json)) {
            for (const id of json) {
                if (typeof id !== 'string' || id === '') {
                    throw new Error('a list of done items holds item IDs (strings), not ' + JSON.stringify(id));
                }
                entries[KEY + id] = { t: now, v: 'done' };
            }
            return entries;
        }
        if (!json || typeof json !== 'object' || json.format !== FORMAT) {
            throw new Error('not a roadbook export: expected "format": "' + FORMAT + '" or a list of item IDs');
        }
        if (typeof json.version !== 'number' || json.version > VERSION) {
            throw new Error('export version ' + json.version + ' is newer than this book reads (' + VERSION + ')');
        }
        const given = json.entries && typeof json.entries === 'object' ? json.entries : {};
        for (const key of Object.keys(given)) {
            const entry = given[key];
            if (!entry || typeof entry.t !== 'number' || !('v' in entry)) {
                throw new Error('entry ' + JSON.stringify(key) + ' has no time stamp and value ({"t": …, "v": …})');
            }
            if (key.indexOf(KEY) === 0 && !isState(entry.v)) {
                throw new Error('entry ' + JSON.stringify(key) + ' is not a progress state: ' + JSON.stringify(entry.v));
            }
            entries[key] = { t: entry.t, v: entry.v };
        }
        return entries;
    }

    /**
     * Merges `entries` into the store, key by key: the newer change wins.
     * `aliases` rename old item IDs first. Returns `{added, updated, kept}`.
     */
    function merge(store, entries, aliases) {
        const result = { added: 0, updated: 0, kept: 0 };
        for (const given of Object.keys(entries)) {
            let key = given;
            if (key.indexOf(KEY) === 0 && aliases && aliases[key.slice(KEY.length)]) {
                key = KEY + aliases[key.slice(KEY.length)];
            }
            const incoming = entries[given];
            const local = store.entry(key);
            if (local === null) {
                store.set(key, incoming.v, incoming.t);
                result.added += 1;
            } else if (incoming.t > local.t) {
                store.set(key, incoming.v, incoming.t);
                result.updated += 1;
            } else {
                result.kept += 1;
            }
        }
        return result;
    }

    /**
     * Progress as a Markdown checklist: the roadmap's units with `[x]` for
     * done items, skipped and in-progress ones marked in words.
     */
    function exportMarkdown(data, states, title) {
        const lines = ['# ' + (title || 'Progress'), ''];
        for (const week of data.weeks) {
            lines.push('## ' + week.name + (week.title ? ': ' + week.title : ''), '');
            for (const s of states.filter((x) => x.week === week.id)) {
                const mark = s.state === 'done' ? 'x' : ' ';
                const note = s.state === 'skipped' ? (s.byPlan ? ' _(skipped by plan)_' : ' _(skipped)_') : s.state === 'in-progress' ? ' _(in progress)_' : '';
                const label = s.item.label ? '**' + s.item.label + '**: ' : '';
                lines.push('- [' + mark + '] ' + label + s.item.text + note + ' <!-- ' + s.item.id + ' -->');
            }
            lines.push('');
        }
        return lines.join('\n');
    }

    return {
        STATES,
        STATE_NAMES,
        KEY,
        LEGACY,
        FORMAT,
        VERSION,
        isState,
        initialState,
        stateOf,
        setState,
        toggled,
        stateForKey,
        taskId,
        followAliases,
        migrateLegacy,
        planWeeks,
        fnv1a,
        partOf,
        partFile,
        partsFor,
        assemble,
        placesIn,
        expandRuns,
        rememberFinished,
        itemStates,
        tally,
        tallies,
        nextItem,
        exportJson,
        parseImport,
        merge,
        exportMarkdown,
    };
});
