// Unit tests of theme/offline.js (registering the service worker) and
// theme/sw.js (the worker: its caches and how it answers requests), the
// worker run against fakes of the Cache Storage, fetch and its events.
// Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const offline = require('../../theme/offline.js');
const sw = require('../../theme/sw.js');

const scope = 'https://roadbook.example/roadbook/';

test('a worker registers over http(s) only, never from file://', () => {
  assert.equal(offline.canRegister('https:', true), true);
  assert.equal(offline.canRegister('http:', true), true);
  assert.equal(offline.canRegister('file:', true), false);
  assert.equal(offline.canRegister('https:', false), false, 'a browser without service workers');
});

test('the worker sits at the book root whatever the page depth', () => {
  assert.deepEqual(offline.worker(`${scope}weeks/week-01.html`, '../'), {
    url: `${scope}sw.js`,
    scope,
  });
  assert.deepEqual(offline.worker(`${scope}index.html`, ''), { url: `${scope}sw.js`, scope });
  // The 404 page has path_to_root "" and a <base> at the site root.
  assert.equal(offline.worker(scope, '').url, `${scope}sw.js`);
});

test('caches are per book and build; only the same book\'s other builds are stale', () => {
  const name = sw.cacheName(scope, 'b2');
  assert.equal(name, `roadbook:${scope}:b2`);
  assert.equal(sw.isStale(sw.cacheName(scope, 'b1'), scope, 'b2'), true);
  assert.equal(sw.isStale(name, scope, 'b2'), false);
  assert.equal(sw.isStale(sw.cacheName('https://roadbook.example/other/', 'b1'), scope, 'b2'), false);
  assert.equal(sw.isStale('someone-elses-cache', scope, 'b2'), false);
});

test('pages go network first, assets cache first, the rest is not ours', () => {
  const get = (url, mode = 'no-cors') => ({ method: 'GET', url, mode });
  assert.equal(sw.strategy(get(`${scope}weeks/week-01.html`, 'navigate'), scope), 'page');
  assert.equal(sw.strategy(get(scope, 'navigate'), scope), 'page');
  assert.equal(sw.strategy(get(`${scope}print.html`), scope), 'page');
  assert.equal(sw.strategy(get(`${scope}css/general-1.css`), scope), 'asset');
  assert.equal(sw.strategy(get(`${scope}theme/mermaid.min.js`), scope), 'asset');
  assert.equal(sw.strategy({ method: 'POST', url: `${scope}x`, mode: 'cors' }, scope), null);
  assert.equal(sw.strategy(get('https://roadbook.example/elsewhere/a.js'), scope), null);
  assert.equal(sw.strategy(get('https://cdn.example/a.js'), scope), null);
  const poll = { method: 'GET', url: `${scope}__roadbook/version`, mode: 'cors', cache: 'no-store' };
  assert.equal(sw.strategy(poll, scope), null, "roadbook serve's reload poll always goes to the network");
});

test('the precache list is absolute, the root first, each once', () => {
  assert.deepEqual(sw.precacheUrls(scope, ['index.html', 'css/a.css', 'css/a.css']), [
    scope, `${scope}index.html`, `${scope}css/a.css`,
  ]);
  assert.equal(sw.cacheKey(`${scope}weeks/week-01.html#w01-x`), `${scope}weeks/week-01.html`);
});

/** A service worker global: Cache Storage in memory, a switchable network. */
function fakeWorker(files) {
  const stores = new Map();
  const cacheOf = (name) => {
    if (!stores.has(name)) stores.set(name, new Map());
    const store = stores.get(name);
    const key = (r) => (typeof r === 'string' ? r : r.url);
    return {
      put: async (r, response) => { store.set(key(r), response); },
      match: async (r) => store.get(key(r)),
      addAll: async (urls) => {
        for (const url of urls) store.set(url, await worker.fetch({ url }));
      },
    };
  };
  const listeners = {};
  const network = { online: true, fetched: [] };
  const worker = {
    registration: { scope },
    network,
    stores,
    caches: {
      open: async (name) => cacheOf(name),
      keys: async () => [...stores.keys()],
      delete: async (name) => stores.delete(name),
    },
    fetch: async (request) => {
      const url = typeof request === 'string' ? request : request.url;
      network.fetched.push(url);
      if (!network.online) throw new TypeError('Failed to fetch');
      const body = files[url];
      const response = new Response(body ?? 'missing', { status: body === undefined ? 404 : 200 });
      Object.defineProperty(response, 'type', { value: 'basic' });
      return response;
    },
    skipWaiting: async () => {},
    clients: { claim: async () => {} },
    addEventListener: (type, fn) => { listeners[type] = fn; },
    async dispatch(type, extra = {}) {
      const waits = [];
      let response;
      const event = {
        ...extra,
        waitUntil: (p) => waits.push(p),
        respondWith: (p) => { response = p; },
      };
      listeners[type](event);
      await Promise.all(waits);
      return response === undefined ? undefined : await response;
    },
  };
  return worker;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

test('installed, the worker has the core assets; offline it answers from them', async () => {
  const files = {
    [scope]: '<home>', [`${scope}index.html`]: '<home>', [`${scope}css/a.css`]: 'css',
    [`${scope}weeks/week-01.html`]: '<week 1>', [`${scope}404.html`]: '<not found>',
  };
  const worker = fakeWorker(files);
  sw.install(worker, { version: 'b2', precache: ['index.html', '404.html', 'css/a.css'] });
  worker.stores.set(sw.cacheName(scope, 'b1'), new Map([[scope, 'old']]));
  await worker.dispatch('install');
  await worker.dispatch('activate');
  assert.deepEqual([...worker.stores.keys()], [sw.cacheName(scope, 'b2')], 'the old build is gone');

  // Online: a page comes from the network and is kept.
  const page = { method: 'GET', url: `${scope}weeks/week-01.html`, mode: 'navigate' };
  assert.equal(await (await worker.dispatch('fetch', { request: page })).text(), '<week 1>');
  await flush();

  worker.network.online = false;
  worker.network.fetched.length = 0;
  const css = { method: 'GET', url: `${scope}css/a.css`, mode: 'no-cors' };
  assert.equal(await (await worker.dispatch('fetch', { request: css })).text(), 'css');
  assert.deepEqual(worker.network.fetched, [], 'a cached asset needs no network');
  const again = await worker.dispatch('fetch', { request: { ...page, url: `${page.url}#w01-x` } });
  assert.equal(await again.text(), '<week 1>', 'a visited page opens offline');
  const unseen = { method: 'GET', url: `${scope}weeks/week-02.html`, mode: 'navigate' };
  assert.equal(await (await worker.dispatch('fetch', { request: unseen })).text(), '<not found>',
    'a page never visited gets the cached 404 page');
  const other = { method: 'GET', url: 'https://cdn.example/x.js', mode: 'no-cors' };
  assert.equal(await worker.dispatch('fetch', { request: other }), undefined, 'not answered');
});

test('the first page hands over itself and the small files it loaded from this book', () => {
  const loaded = (url, bytes) => ({ url, bytes });
  assert.deepEqual(offline.keepUrls(scope, `${scope}weeks/week-01.html#w01-x`, [
    loaded(`${scope}css/a.css`, 18000), loaded('https://cdn.example/x.js', 10),
    loaded(`${scope}css/a.css`, 18000), loaded(`${scope}fonts/f.woff2`, 15000),
    loaded(`${scope}theme/mermaid.min.js`, 2667011), loaded(`${scope}toc.js`, undefined),
  ]), [`${scope}weeks/week-01.html`, `${scope}css/a.css`, `${scope}fonts/f.woff2`, `${scope}toc.js`],
  'Mermaid (over the limit) is kept when a page asks for it again, not fetched twice now');
  assert.ok(offline.HAND_OVER_LIMIT < 2667011);
});

test('what the first page hands over is kept, once, and nothing outside the book', async () => {
  const files = { [`${scope}weeks/week-01.html`]: '<week 1>', [`${scope}fonts/f.woff2`]: 'font' };
  const worker = fakeWorker(files);
  sw.install(worker, { version: 'b1', precache: [] });
  await worker.dispatch('message', {
    data: { type: 'keep', urls: [`${scope}weeks/week-01.html`, `${scope}fonts/f.woff2`, 'https://cdn.example/x.js'] },
  });
  await flush();
  const cache = worker.stores.get(sw.cacheName(scope, 'b1'));
  assert.deepEqual([...cache.keys()].sort(), [`${scope}fonts/f.woff2`, `${scope}weeks/week-01.html`]);
  assert.ok(!worker.network.fetched.includes('https://cdn.example/x.js'));
  worker.network.fetched.length = 0;
  await worker.dispatch('message', { data: { type: 'keep', urls: [`${scope}fonts/f.woff2`] } });
  assert.deepEqual(worker.network.fetched, [], 'already kept: not fetched again');
});
