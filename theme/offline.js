// Offline after the first visit: registers the book's service worker (sw.js
// at the book's root, written by `roadbook build`), which keeps the pages and
// assets a reader has seen, so the book opens again without a network. Only
// over http(s): a service worker cannot run from file://, where the book is
// on disk and works offline already, so there this script does nothing.
//
// Loaded as a classic script on every page (book.toml's additional-js).
// Under Node (the unit tests) it exports its logic instead.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        // mdBook's pages define `path_to_root` ("../" on a week page).
        api.start(root, typeof path_to_root === 'string' ? path_to_root : '');
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    /** Whether a page at `protocol` can register a service worker. */
    function canRegister(protocol, hasServiceWorker) {
        return Boolean(hasServiceWorker) && (protocol === 'http:' || protocol === 'https:');
    }

    /** The worker's URL and scope: the book's root, whatever the page's depth. */
    function worker(baseUrl, pathToRoot) {
        const scope = new URL(pathToRoot || './', baseUrl).href;
        return { url: new URL('sw.js', scope).href, scope };
    }

    function start(win, pathToRoot) {
        if (!canRegister(win.location.protocol, win.navigator && 'serviceWorker' in win.navigator)) {
            return;
        }
        const { url, scope } = worker(win.document.baseURI, pathToRoot);
        const container = win.navigator.serviceWorker;
        // The page that installs the worker was fetched before it: hand the
        // worker this page and what it loaded, so they are kept too.
        const handOver = (registration) => {
            if (container.controller || !registration.active) return;
            const loaded = win.performance.getEntriesByType('resource')
                .map((entry) => ({ url: entry.name, bytes: entry.encodedBodySize }));
            registration.active.postMessage({ type: 'keep', urls: keepUrls(scope, win.location.href, loaded) });
        };
        // A book built without roadbook has no sw.js: it then works online only.
        container.register(url, { scope })
            .then(() => container.ready)
            .then(handOver)
            .catch((err) => {
                win.console.info(`roadbook: no offline copy (${err.message})`);
            });
    }

    /**
     * Files over this size the worker does not fetch a second time now: it
     * keeps them when a page asks for them again (Mermaid, the search index).
     */
    const HAND_OVER_LIMIT = 200000;

    /**
     * The page and the files it loaded (`{ url, bytes }`) that belong to the
     * book at `scope` and are not large, without fragments.
     */
    function keepUrls(scope, page, loaded) {
        const small = loaded.filter((entry) => !(entry.bytes > HAND_OVER_LIMIT)).map((entry) => entry.url);
        const urls = [page, ...small]
            .map((u) => u.split('#')[0])
            .filter((u) => u.startsWith(scope));
        return [...new Set(urls)];
    }

    return { canRegister, worker, keepUrls, HAND_OVER_LIMIT, start };
});
