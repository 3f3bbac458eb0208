// What a reader's browser downloads: the requests and bytes of a first visit
// of a page (an empty cache, a fresh browser profile) and of a first search
// on it. Used by features/weight.mjs (the limits the browser check holds)
// and benches/page-weight.mjs (the numbers in BENCHMARKS.md).
//
// Bytes are the response bodies as the browser received them, before any
// compression a host adds (the local server and file:// send none; GitHub
// Pages gzips text, so the wire is smaller). Requests the book's service
// worker makes (its precache, over http only) are counted apart; the local
// server sends no cache headers, so the worker's fetches of files the page
// loaded cross the network again (a host's HTTP cache would answer them).

/**
 * Starts counting the requests of `context` (pages and service workers);
 * `stop()` waits for the bodies and returns the tally.
 */
export function meter(context) {
  const seen = [];
  const pending = [];
  const record = (request, failed) => {
    const url = request.url();
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    const worker = Boolean(request.serviceWorker && request.serviceWorker());
    pending.push((async () => {
      let bytes = 0;
      let fromWorker = false;
      if (!failed) {
        const response = await request.response().catch(() => null);
        const body = response ? await response.body().catch(() => null) : null;
        bytes = body ? body.length : 0;
        fromWorker = Boolean(response && response.fromServiceWorker());
      }
      seen.push({ url, bytes, failed, worker, fromWorker, type: request.resourceType() });
    })());
  };
  const finished = (request) => record(request, false);
  const failedRequest = (request) => record(request, true);
  context.on('requestfinished', finished);
  context.on('requestfailed', failedRequest);
  return {
    async stop() {
      await Promise.all(pending);
      context.off('requestfinished', finished);
      context.off('requestfailed', failedRequest);
      return tally(seen);
    },
  };
}

/**
 * Sums requests: what the page loaded (`bytes`, answered by the network or
 * by the service worker), what the worker fetched (`workerBytes`), and what
 * crossed the network in all (`networkBytes`: the page's requests the worker
 * did not answer, plus the worker's own).
 */
export function tally(requests) {
  const page = requests.filter((r) => !r.worker);
  const worker = requests.filter((r) => r.worker);
  const sum = (list) => list.reduce((n, r) => n + r.bytes, 0);
  return {
    requests: page.length,
    bytes: sum(page),
    networkBytes: sum(page.filter((r) => !r.fromWorker)) + sum(worker),
    failed: page.filter((r) => r.failed).map((r) => r.url),
    workerRequests: worker.length,
    workerBytes: sum(worker),
    largest: [...page].sort((a, b) => b.bytes - a.bytes)
      .map((r) => ({ url: r.url, bytes: r.bytes })),
    urls: page.map((r) => r.url),
  };
}

/** Waits until the page has settled: loaded, diagrams rendered, fonts in. */
export async function settle(page) {
  await page.waitForLoadState('load');
  await page
    .waitForFunction(() => [...document.querySelectorAll('pre.mermaid')]
      .every((pre) => pre.getAttribute('data-processed') === 'true'), null, { timeout: 20000 })
    .catch(() => {});
  await page.evaluate(() => document.fonts.ready);
  await page.waitForLoadState('networkidle').catch(() => {});
}

/** The first visit of `url` in a fresh context of `browser`. */
export async function firstVisit(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  try {
    const page = await context.newPage();
    const count = meter(context);
    await page.goto(url, { waitUntil: 'load' });
    await settle(page);
    return await count.stop();
  } finally {
    await context.close();
  }
}

/**
 * A first visit of `url`, then what a first search for `query` adds: the
 * search opened with mdBook's `s` shortcut, the query typed, results awaited.
 */
export async function firstSearch(browser, url, query, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  try {
    const page = await context.newPage();
    const visit = meter(context);
    await page.goto(url, { waitUntil: 'load' });
    await settle(page);
    const visited = await visit.stop();
    const search = meter(context);
    await page.keyboard.press('s');
    const box = page.locator('input[type="search"]').first();
    await box.waitFor({ state: 'visible', timeout: 10000 });
    await box.pressSequentially(query, { delay: 30 });
    await page.waitForLoadState('networkidle').catch(() => {});
    await page.waitForTimeout(500);
    await page.waitForLoadState('networkidle').catch(() => {});
    const results = await page.evaluate(() => document.querySelectorAll(
      '#mdbook-searchresults li, [id*="searchresults"] li, [class*="search-result"]').length);
    return { visit: visited, search: { ...(await search.stop()), results } };
  } finally {
    await context.close();
  }
}

/** `n` bytes for a reader: "412.3 KB" (1 KB = 1,000 bytes, as the targets are). */
export function kb(n) {
  return `${(n / 1000).toFixed(1)} KB`;
}

/**
 * A static server of `dir` under `prefix` (like GitHub Pages: a folder
 * serves its index.html, a missing path 404.html), no compression, no cache
 * headers. Resolves to `{ server, base }`.
 */
export async function serve(dir, prefix) {
  const { createServer } = await import('node:http');
  const { existsSync, readFileSync, statSync } = await import('node:fs');
  const { extname, join, resolve } = await import('node:path');
  const types = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
    '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
    '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.txt': 'text/plain',
  };
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.startsWith(prefix) ? join(root, path.slice(prefix.length)) : null;
    if (file && !resolve(file).startsWith(root)) file = null;
    if (file && existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file || !existsSync(file)) {
      res.writeHead(404, { 'content-type': types['.html'] });
      res.end(existsSync(join(root, '404.html')) ? readFileSync(join(root, '404.html')) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => {
      ok({ server, base: `http://127.0.0.1:${server.address().port}${prefix}` });
    });
  });
}
