// The learner's data in this browser, for every roadbook feature (progress,
// plan, logged time, mock interview notes, the assessment): one place that
// reads and writes localStorage, so that the features agree on where things
// are and export/import can find all of them.
//
// Keys are namespaced by the book's root URL (`roadbook:/roadbook/:plan`), so
// two books served from one origin (GitHub Pages project sites) keep apart.
// Every value is stored as JSON with the time it was written,
// `{"t": <ms since epoch>, "v": <value>}`, which is what merging two
// browsers' data by newest change needs. Without localStorage (privacy mode,
// quota) the data lives in memory for the page's lifetime and `persistent`
// is false.
//
// Loaded as a classic script (mdBook's additional-js; modules do not load
// from file://): it defines `window.roadbookStore`. Under Node (the unit
// tests) it exports `createStore(storage, root, now)` instead.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        root.roadbookStore = api.createStore(api.browserStorage(), api.bookRoot(), Date.now);
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    /** A Storage-like object kept in memory. */
    function memoryStorage() {
        const map = new Map();
        return {
            get length() {
                return map.size;
            },
            key: (i) => Array.from(map.keys())[i] ?? null,
            getItem: (k) => (map.has(k) ? map.get(k) : null),
            setItem: (k, v) => {
                map.set(k, String(v));
            },
            removeItem: (k) => {
                map.delete(k);
            },
        };
    }

    /** window.localStorage when it works, else memory. */
    function browserStorage() {
        try {
            const probe = 'roadbook:__probe';
            window.localStorage.setItem(probe, '1');
            window.localStorage.removeItem(probe);
            return window.localStorage;
        } catch (e) {
            return null;
        }
    }

    /**
     * The book's root as a path (`/roadbook/` on GitHub Pages, the folder's
     * path from file://), from mdBook's `path_to_root`.
     */
    function bookRoot() {
        const up = typeof path_to_root === 'string' ? path_to_root : '';
        try {
            return new URL(up || './', window.location.href).pathname;
        } catch (e) {
            return '/';
        }
    }

    /**
     * A store over `storage` (null: memory only) for the book at `rootPath`;
     * `now()` gives the time in milliseconds.
     */
    function createStore(storage, rootPath, now) {
        const persistent = storage !== null && storage !== undefined;
        const backend = persistent ? storage : memoryStorage();
        const prefix = 'roadbook:' + rootPath + ':';
        // What this browser derives for itself: never exported, not stamped.
        const localPrefix = 'roadbook-local:' + rootPath + ':';
        const listeners = [];

        const read = (key) => {
            const raw = backend.getItem(prefix + key);
            if (raw === null) {
                return null;
            }
            try {
                const entry = JSON.parse(raw);
                if (entry && typeof entry === 'object' && typeof entry.t === 'number' && 'v' in entry) {
                    return entry;
                }
            } catch (e) {
                // Not ours or damaged: treated as absent.
            }
            return null;
        };

        const store = {
            /** Whether the data survives a reload (false: memory only). */
            persistent,
            /** The namespace prefix of every key of this book. */
            prefix,
            /** The value under `key`, or null. */
            get(key) {
                const entry = read(key);
                return entry === null ? null : entry.v;
            },
            /** `{t, v}` under `key` (when it was written and what), or null. */
            entry(key) {
                return read(key);
            },
            /**
             * Stores `value` under `key`, stamped now (or at `t`, for an
             * import that keeps the time of the change). Returns false when
             * the browser refused (quota): the value is then not kept.
             */
            set(key, value, t) {
                const entry = { t: typeof t === 'number' ? t : now(), v: value };
                try {
                    backend.setItem(prefix + key, JSON.stringify(entry));
                    return true;
                } catch (e) {
                    return false;
                }
            },
            /** Removes `key`. */
            remove(key) {
                try {
                    backend.removeItem(prefix + key);
                } catch (e) {
                    // Nothing to do: the key stays.
                }
            },
            /**
             * What this browser keeps for itself under `key` (a cache
             * derived from the store), or null: not one of `entries`, so
             * never exported, and no `storage` event reaches the listeners.
             */
            local(key) {
                try {
                    const raw = backend.getItem(localPrefix + key);
                    return raw === null ? null : JSON.parse(raw);
                } catch (e) {
                    return null;
                }
            },
            /** Keeps `value` as `local(key)`; false when the browser refused. */
            setLocal(key, value) {
                try {
                    backend.setItem(localPrefix + key, JSON.stringify(value));
                    return true;
                } catch (e) {
                    return false;
                }
            },
            /** Every `[key, {t, v}]` whose key starts with `start`, sorted by key. */
            entries(start) {
                const want = prefix + (start || '');
                const found = [];
                for (let i = 0; i < backend.length; i += 1) {
                    const full = backend.key(i);
                    if (full !== null && full.startsWith(want)) {
                        const key = full.slice(prefix.length);
                        const entry = read(key);
                        if (entry !== null) {
                            found.push([key, entry]);
                        }
                    }
                }
                return found.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
            },
            /**
             * Calls `listener(key)` when another tab changed a key of this
             * book (`key` null: storage was cleared).
             */
            onChange(listener) {
                listeners.push(listener);
            },
            /** Delivers a `storage` event to the listeners (the browser wires it). */
            notify(fullKey) {
                if (fullKey !== null && !fullKey.startsWith(prefix)) {
                    return;
                }
                const key = fullKey === null ? null : fullKey.slice(prefix.length);
                for (const listener of listeners) {
                    listener(key);
                }
            },
        };
        if (persistent && typeof window !== 'undefined' && window.addEventListener) {
            window.addEventListener('storage', (event) => store.notify(event.key));
        }
        return store;
    }

    return { createStore, memoryStorage, browserStorage, bookRoot };
});
