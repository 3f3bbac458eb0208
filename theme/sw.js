// The book's service worker: offline after the first visit, over http(s).
// `roadbook build` writes it to the book's root as sw.js, after a first line
// that sets `self.ROADBOOK_BUILD = { version, precache }`: the build's stamp
// (a digest of the built book) and the assets every page loads (read from the
// home page). A new deploy so changes sw.js, the browser installs the new
// worker, and it deletes the caches of the old build when it takes over.
//
// What it keeps, in one cache per build and book (`roadbook:SCOPE:VERSION`):
// - on install, the home page and the core assets (CSS, scripts, icons);
// - the page that registered the worker and what it loaded, handed over by
//   theme/offline.js (they were fetched before the worker existed);
// - every page a reader opens: network first, so an online reader always
//   gets the current page, and the cached copy when the network fails;
// - every other file of the book as it is first fetched (fonts, Mermaid,
//   the search index): cache first, their names change when they do.
// Requests outside the book's scope and anything but GET pass through.
//
// Under Node (the unit tests) it exports its logic instead.
(function (root, factory) {
    'use strict';
    const api = factory();
    if (typeof module === 'object' && module.exports) {
        module.exports = api;
    } else {
        api.install(root, root.ROADBOOK_BUILD || { version: 'unversioned', precache: [] });
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';

    const PREFIX = 'roadbook:';

    /** The cache of build `version` of the book at `scope`. */
    function cacheName(scope, version) {
        return `${PREFIX}${scope}:${version}`;
    }

    /** Whether `name` is a cache of another build of the same book. */
    function isStale(name, scope, version) {
        return name.startsWith(`${PREFIX}${scope}:`) && name !== cacheName(scope, version);
    }

    /**
     * How to answer `request` ({ method, url, mode, cache }): 'page' (network first),
     * 'asset' (cache first) or null (not ours: the browser fetches it).
     */
    function strategy(request, scope) {
        // `no-store` asks for the network every time (roadbook serve's
        // reload poll does): never from a cache, never into one.
        if (request.method !== 'GET' || request.cache === 'no-store') return null;
        const url = new URL(request.url);
        if (!url.href.startsWith(scope) || url.protocol.indexOf('http') !== 0) return null;
        if (request.mode === 'navigate' || url.pathname.endsWith('/') || url.pathname.endsWith('.html')) {
            return 'page';
        }
        return 'asset';
    }

    /** The absolute URLs to fetch on install: the scope itself and `paths`. */
    function precacheUrls(scope, paths) {
        const urls = [scope, ...paths.map((path) => new URL(path, scope).href)];
        return [...new Set(urls)];
    }

    /** The URL a cache keeps `url` under: without its fragment. */
    function cacheKey(url) {
        const u = new URL(url);
        u.hash = '';
        return u.href;
    }

    function install(worker, build) {
        const scope = worker.registration.scope;
        const name = cacheName(scope, build.version);
        const keep = (request, response) => {
            if (response && response.ok && response.type === 'basic') {
                const copy = response.clone();
                worker.caches.open(name).then((cache) => cache.put(cacheKey(request.url), copy));
            }
            return response;
        };

        worker.addEventListener('install', (event) => {
            event.waitUntil(worker.caches.open(name)
                .then((cache) => cache.addAll(precacheUrls(scope, build.precache)))
                .then(() => worker.skipWaiting()));
        });
        worker.addEventListener('activate', (event) => {
            event.waitUntil(worker.caches.keys()
                .then((names) => Promise.all(names
                    .filter((n) => isStale(n, scope, build.version))
                    .map((n) => worker.caches.delete(n))))
                .then(() => worker.clients.claim()));
        });
        // The page that registered the worker, and what it loaded, fetched
        // before the worker could see them (theme/offline.js hands them over).
        worker.addEventListener('message', (event) => {
            const data = event.data || {};
            if (data.type !== 'keep' || !Array.isArray(data.urls)) return;
            const urls = data.urls.filter((url) => typeof url === 'string' && url.startsWith(scope));
            event.waitUntil(worker.caches.open(name).then((cache) => Promise.all(urls.map((url) => cache
                .match(cacheKey(url))
                .then((hit) => hit || worker.fetch(url).then((response) => keep({ url }, response)))
                .catch(() => null)))));
        });
        worker.addEventListener('fetch', (event) => {
            const request = event.request;
            const how = strategy(request, scope);
            if (how === null) return;
            const cached = () => worker.caches.open(name).then((cache) => cache.match(cacheKey(request.url)));
            if (how === 'page') {
                event.respondWith(worker.fetch(request)
                    .then((response) => keep(request, response))
                    .catch(() => cached()
                        .then((hit) => hit || worker.caches.open(name)
                            .then((cache) => cache.match(new URL('404.html', scope).href)))
                        .then((hit) => hit || Response.error())));
            } else {
                event.respondWith(cached().then((hit) => hit
                    || worker.fetch(request).then((response) => keep(request, response))));
            }
        });
    }

    return { cacheName, isStale, strategy, precacheUrls, cacheKey, install };
});
