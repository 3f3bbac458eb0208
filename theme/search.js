// roadbook's in-browser search bar: the search of mdBook's chrome (its
// button, `s` and `/`, Escape, arrow keys, `?search=` in the address),
// which mdBook's own search would have drawn, over roadbook's engine
// (theme/search-engine.js), which it loads with a script tag on the first
// search, and the index's shards the engine asks for.
//
// Loaded as a classic script (mdBook's additional-js). Under Node (the unit
// tests) it exports its page-free helpers instead.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else if (typeof document !== 'undefined') {
        api.startUi(root, document);
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    /** The engine's file, from the book's root. */
    const ENGINE = 'theme/search-engine.js';

    /** `text` as HTML with the words that start like a query word marked. */
    function highlight(text, queryWords) {
        const escape = (s) => s.replace(/[&<>"]/gu, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
        const wanted = queryWords.filter((w) => w.length >= 2);
        let out = '';
        let last = 0;
        for (const m of text.matchAll(/[\p{Alphabetic}\p{N}]+/gu)) {
            const lower = m[0].toLowerCase();
            if (wanted.some((w) => lower.startsWith(w) || (w.length >= 4 && w.startsWith(lower) && lower.length >= 4))) {
                out += escape(text.slice(last, m.index)) + '<em>' + escape(m[0]) + '</em>';
                last = m.index + m[0].length;
            }
        }
        return out + escape(text.slice(last));
    }

    /** `3` or `3-4` as `[from, to]`, else null. */
    function parseWeeks(text) {
        const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/u.exec(text || '');
        if (!m) return null;
        const from = Number(m[1]);
        const to = m[2] === undefined ? from : Number(m[2]);
        return from <= to ? [from, to] : null;
    }

    // ---- The search bar -----------------------------------------------------

    const ICON = '<span class="fa-svg"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" aria-hidden="true"><path d="M416 208c0 45.9-14.9 88.3-40 122.7L502.6 457.4c12.5 12.5 12.5 32.8 0 45.3s-32.8 12.5-45.3 0L330.7 376c-34.4 25.2-76.8 40-122.7 40C93.1 416 0 322.9 0 208S93.1 0 208 0S416 93.1 416 208zM208 352a144 144 0 1 0 0-288 144 144 0 1 0 0 288z"/></svg></span>';

    /**
     * mdBook's `path_to_root` ("../" on a page one folder down). mdBook
     * declares it with `const` in a page script: a global binding, but not a
     * property of `window`, so it is read by name; `root.path_to_root` is
     * for a caller that passes its own.
     */
    function pathToRootOf(root) {
        // eslint-disable-next-line no-undef
        if (typeof path_to_root === 'string') return path_to_root;
        return typeof root.path_to_root === 'string' ? root.path_to_root : '';
    }

    /** Loads `search/NAME.js` with a script tag; resolves to its data. */
    function scriptLoader(root, document) {
        const base = pathToRootOf(root) + 'search/';
        const waiting = new Map();
        root.roadbookSearchShard = (name, data) => {
            const w = waiting.get(name);
            if (w) {
                waiting.delete(name);
                w.resolve(data);
            }
        };
        return (name) => new Promise((resolve, reject) => {
            waiting.set(name, { resolve, reject });
            const script = document.createElement('script');
            script.src = base + name + '.js';
            script.async = true;
            script.onerror = () => {
                waiting.delete(name);
                reject(new Error(`cannot load ${script.src}`));
            };
            script.onload = () => script.remove();
            document.head.appendChild(script);
        });
    }

    /**
     * Loads the engine (theme/search-engine.js) once with a script tag;
     * resolves to `window.roadbookSearchEngine`.
     */
    function loadEngine(root, document) {
        if (root.roadbookSearchEngine) return Promise.resolve(root.roadbookSearchEngine);
        return new Promise((resolve, reject) => {
            const script = document.createElement('script');
            script.src = pathToRootOf(root) + ENGINE;
            script.onload = () => (root.roadbookSearchEngine ? resolve(root.roadbookSearchEngine) : reject(new Error(`${script.src} defines no search engine`)));
            script.onerror = () => reject(new Error(`cannot load ${script.src}`));
            document.head.appendChild(script);
        });
    }

    function startUi(root, document) {
        if (document.readyState === 'loading') {
            document.addEventListener('DOMContentLoaded', () => startUi(root, document));
            return;
        }
        if (document.getElementById('mdbook-search-toggle')) return; // mdBook's own search is on
        const buttons = document.querySelector('#mdbook-menu-bar .left-buttons');
        const bar = document.getElementById('mdbook-menu-bar');
        if (!buttons || !bar) return;
        const pathToRoot = pathToRootOf(root);

        const toggle = document.createElement('button');
        toggle.id = 'mdbook-search-toggle';
        toggle.className = 'icon-button';
        toggle.type = 'button';
        toggle.title = 'Search (`/`)';
        toggle.setAttribute('aria-label', 'Toggle Searchbar');
        toggle.setAttribute('aria-expanded', 'false');
        toggle.setAttribute('aria-keyshortcuts', '/ s');
        toggle.setAttribute('aria-controls', 'mdbook-searchbar');
        toggle.innerHTML = ICON;
        buttons.appendChild(toggle);

        const wrapper = document.createElement('div');
        wrapper.id = 'mdbook-search-wrapper';
        wrapper.className = 'hidden';
        wrapper.innerHTML = `
<form id="mdbook-searchbar-outer" class="searchbar-outer" role="search">
  <div class="search-wrapper">
    <input type="search" id="mdbook-searchbar" name="searchbar" placeholder="Search this book ..." autocomplete="off"
      aria-label="Search this book" aria-controls="mdbook-searchresults" aria-describedby="mdbook-searchresults-header">
  </div>
  <div class="roadbook-search-filters">
    <label>Kind <select id="roadbook-search-kind"><option value="">all</option></select></label>
    <label>Week <select id="roadbook-search-week"><option value="">all</option></select></label>
  </div>
</form>
<div id="mdbook-searchresults-outer" class="searchresults-outer hidden">
  <div id="mdbook-searchresults-header" class="searchresults-header" role="status" aria-live="polite"></div>
  <ul id="mdbook-searchresults"></ul>
</div>`;
        bar.insertAdjacentElement('afterend', wrapper);
        const input = wrapper.querySelector('#mdbook-searchbar');
        const outer = wrapper.querySelector('#mdbook-searchresults-outer');
        const header = wrapper.querySelector('#mdbook-searchresults-header');
        const list = wrapper.querySelector('#mdbook-searchresults');
        const kindSelect = wrapper.querySelector('#roadbook-search-kind');
        const weekSelect = wrapper.querySelector('#roadbook-search-week');

        let engine = null;
        let api = null;
        const engineReady = () => {
            engine = engine || loadEngine(root, document).then((loaded) => {
                api = loaded;
                return api.createEngine(scriptLoader(root, document));
            }).then((e) => {
                for (const kind of e.manifest.kinds) kindSelect.add(new Option(kind, kind));
                for (const week of e.manifest.weeks) weekSelect.add(new Option(String(week), String(week)));
                return e;
            });
            return engine;
        };

        function open(focus = true) {
            wrapper.classList.remove('hidden');
            toggle.setAttribute('aria-expanded', 'true');
            engineReady().catch(showError);
            if (focus) {
                input.focus();
                input.select();
            }
        }
        function close() {
            wrapper.classList.add('hidden');
            toggle.setAttribute('aria-expanded', 'false');
            toggle.focus();
        }
        function showError(err) {
            outer.classList.remove('hidden');
            header.textContent = String(err.message || err);
        }

        let generation = 0;
        async function run() {
            const query = input.value;
            const mine = ++generation;
            const filters = { kind: kindSelect.value || undefined, weeks: weekSelect.value ? parseWeeks(weekSelect.value) : undefined };
            if (!query.trim() && !filters.kind && !filters.weeks) {
                outer.classList.add('hidden');
                list.textContent = '';
                header.textContent = '';
                setUrlQuery('');
                return;
            }
            try {
                const e = await engineReady();
                const hits = await e.search(query, filters, 10, true);
                const docs = await Promise.all(hits.map((h) => e.doc(h.doc)));
                if (mine !== generation) return;
                render(query, docs);
                setUrlQuery(query);
            } catch (err) {
                if (mine === generation) showError(err);
            }
        }

        function render(query, docs) {
            outer.classList.remove('hidden');
            header.textContent = docs.length === 0
                ? `No search results for '${query}'.`
                : `${docs.length} search result${docs.length === 1 ? '' : 's'} for '${query}':`;
            list.textContent = '';
            const words = api.tokenize(query);
            for (const d of docs) {
                const li = document.createElement('li');
                const a = document.createElement('a');
                a.href = pathToRoot + d.url;
                const where = [d.heading && d.heading !== d.title ? d.heading : '', d.kind, d.weeks.length ? `week ${d.weeks.join(', ')}` : '']
                    .filter(Boolean).join(' · ');
                a.innerHTML = `<span class="roadbook-search-title">${highlight(d.title, words)}</span>`
                    + `<span class="roadbook-search-where">${highlight(where, words)}</span>`;
                a.dataset.kind = d.kind;
                li.appendChild(a);
                if (d.text) {
                    const p = document.createElement('span');
                    p.className = 'teaser';
                    p.innerHTML = highlight(d.text, words);
                    li.appendChild(p);
                }
                list.appendChild(li);
            }
        }

        function setUrlQuery(query) {
            try {
                const url = new URL(root.location.href);
                if (query) url.searchParams.set('search', query);
                else url.searchParams.delete('search');
                root.history.replaceState(root.history.state, '', url.href);
            } catch (e) {
                // file:// in some browsers refuses replaceState: the query just is not kept.
            }
        }

        let timer = null;
        const soon = () => {
            clearTimeout(timer);
            timer = setTimeout(run, 150);
        };
        input.addEventListener('input', soon);
        kindSelect.addEventListener('change', run);
        weekSelect.addEventListener('change', run);
        wrapper.querySelector('form').addEventListener('submit', (ev) => {
            ev.preventDefault();
            const first = list.querySelector('a');
            if (first) first.click();
        });
        toggle.addEventListener('click', () => {
            if (wrapper.classList.contains('hidden')) open();
            else close();
        });

        // mdBook marks the result the keyboard is on.
        list.addEventListener('focusin', (ev) => {
            for (const li of list.querySelectorAll('li.focus')) li.classList.remove('focus');
            const li = ev.target.closest('li');
            if (li) li.classList.add('focus');
        });

        function results() {
            return Array.from(list.querySelectorAll('a'));
        }
        wrapper.addEventListener('keydown', (ev) => {
            const links = results();
            const at = links.indexOf(document.activeElement);
            if (ev.key === 'Escape') {
                ev.preventDefault();
                close();
            } else if (ev.key === 'ArrowDown' && links.length) {
                ev.preventDefault();
                links[Math.min(at + 1, links.length - 1)].focus();
            } else if (ev.key === 'ArrowUp' && at >= 0) {
                ev.preventDefault();
                if (at === 0) input.focus();
                else links[at - 1].focus();
            }
        });
        document.addEventListener('keydown', (ev) => {
            if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
            const target = ev.target;
            if (target && (target.isContentEditable || /^(input|textarea|select)$/iu.test(target.tagName))) return;
            if (ev.key === 's' || ev.key === 'S' || ev.key === '/') {
                ev.preventDefault();
                open();
            }
        });

        const initial = new URL(root.location.href).searchParams.get('search');
        if (initial) {
            input.value = initial;
            open(false);
            run();
        }
    }

    return { highlight, parseWeeks, loadEngine, startUi, ENGINE };
});
