#!/usr/bin/env node
// The bytes a reader's first search loads from a built book's search/
// index, measured in headless Chromium from file:// and over http (a local
// server of the book): the home page is opened, the search bar typed into
// as a reader types, and every response under search/ counted.
//
//   node benches/search-bytes.mjs BOOK_DIR [QUERY ...]
//
// QUERY defaults to a few of the relevance set. Each query runs in a fresh
// browser (nothing cached). Prints a Markdown table. Uses the browser
// check's playwright-core (`cd tests/browser && npm ci` first) and
// Chromium at /usr/bin/chromium (or $CHROMIUM).
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(join(import.meta.dirname, '../tests/browser/package.json'));
const { chromium } = require('playwright-core');

const [bookArg, ...queryArgs] = process.argv.slice(2);
if (!bookArg || !existsSync(join(bookArg, 'search', 'manifest.js'))) {
  console.error('usage: node benches/search-bytes.mjs BOOK_DIR [QUERY ...] (a book built by roadbook)');
  process.exit(2);
}
const book = resolve(bookArg);
const queries = queryArgs.length ? queryArgs : ['circuit breaker', 'redis clustr failovr', 'week 7 jwt', 'idempot*'];

function serve(dir) {
  const server = createServer((req, res) => {
    let file = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!resolve(file).startsWith(dir) || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok({ server, base: `http://127.0.0.1:${server.address().port}/` })));
}

async function firstSearch(browser, base, query) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = { bytes: 0, files: 0 };
  const pending = [];
  page.on('response', (response) => {
    if (!/\/search\/[^/]+\.js$/u.test(response.url())) return;
    pending.push(response.body().then((b) => {
      seen.bytes += b.length;
      seen.files += 1;
    }, () => {}));
  });
  await page.goto(base + 'index.html', { waitUntil: 'load' });
  await page.click('#mdbook-search-toggle');
  await page.locator('#mdbook-searchbar').pressSequentially(query, { delay: 30 });
  await page.waitForFunction((q) => document.getElementById('mdbook-searchresults-header').textContent.includes(`'${q}'`),
    query, { timeout: 30000 });
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  const results = await page.$$eval('#mdbook-searchresults li', (li) => li.length);
  await context.close();
  return { ...seen, results };
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const { server, base } = await serve(book);
let total = 0;
for (const file of ['manifest.js']) total += statSync(join(book, 'search', file)).size;
const { readdirSync } = await import('node:fs');
const all = readdirSync(join(book, 'search')).reduce((sum, f) => sum + statSync(join(book, 'search', f)).size, 0);
console.log(`index: ${readdirSync(join(book, 'search')).length} files, ${(all / 1024).toFixed(0)} KB in all, manifest ${(total / 1024).toFixed(1)} KB`);
console.log('');
console.log('| first search (typed) | file:// | http | results |');
console.log('|---|---:|---:|---:|');
try {
  for (const query of queries) {
    const file = await firstSearch(browser, pathToFileURL(book + sep).href, query);
    const http = await firstSearch(browser, base, query);
    console.log(`| \`${query}\` | ${(file.bytes / 1024).toFixed(1)} KB, ${file.files} files | ${(http.bytes / 1024).toFixed(1)} KB, ${http.files} files | ${http.results} |`);
  }
} finally {
  server.close();
  await browser.close();
}
