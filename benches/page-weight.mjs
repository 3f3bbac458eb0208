#!/usr/bin/env node
// Page-weight benchmark: the requests and bytes of a first visit (empty
// cache, fresh profile) of the home page, a week page (no diagram) and a
// phase page (with its diagram), the first exercise page (the one the browser
// check opens) or the page --page names, and of a first search from the week page,
// in headless Chromium, from file:// and over http (a local server under
// book.toml's site-url, as on GitHub Pages). Prints a Markdown table.
//
//   cargo run -p roadbook -- build && (cd tests/browser && npm ci)
//   node benches/page-weight.mjs                     # the book in book/
//   node benches/page-weight.mjs --book DIR --site-url /roadbook/ --query "circuit breaker"
//   node benches/page-weight.mjs --page exercises/ID.html   # that page in place of the first exercise
//
// Uses playwright-core from tests/browser/node_modules and Chromium from
// $CHROMIUM (default /usr/bin/chromium). Bytes are uncompressed bodies
// (see tests/browser/page-weight.mjs); 1 KB = 1,000 bytes.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { firstSearch, firstVisit, kb, serve } from '../tests/browser/page-weight.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const require = createRequire(join(repo, 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const args = parseArgs(process.argv.slice(2));
const book = resolve(args.book ?? join(repo, 'book'));
const query = args.query ?? 'circuit breaker';

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!['book', 'site-url', 'query', 'json', 'page'].includes(name) || argv[i + 1] === undefined) {
      console.error('usage: node benches/page-weight.mjs [--book DIR] [--site-url PATH] [--query TEXT] [--page PATH] [--json FILE]');
      process.exit(2);
    }
    out[name] = argv[i + 1];
  }
  return out;
}

/** site-url: the argument, else book.toml's next to the book, else "/". */
function siteUrl() {
  let url = args['site-url'];
  if (url === undefined) {
    const toml = join(dirname(book), 'book.toml');
    const found = existsSync(toml) && readFileSync(toml, 'utf8').match(/^\s*site-url\s*=\s*"([^"]*)"/m);
    url = found ? found[1] : '/';
  }
  if (!url.startsWith('/')) url = `/${url}`;
  return url.endsWith('/') ? url : `${url}/`;
}

function firstPage(dir) {
  const names = existsSync(join(book, dir))
    ? readdirSync(join(book, dir)).filter((n) => n.endsWith('.html') && n !== 'index.html').sort() : [];
  return names.length > 0 ? `${dir}/${names[0]}` : null;
}

async function main() {
  if (!existsSync(join(book, 'index.html'))) throw new Error(`no built book at ${book}`);
  const pages = [['home', 'index.html'], ['week', firstPage('weeks')], ['phase', firstPage('phases')],
    [args.page ? 'page' : 'exercise', args.page ?? firstPage('exercises')]]
    .filter(([, path]) => path !== null);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const rows = [];
  const { server, base: httpBase } = await serve(book, siteUrl());
  try {
    const modes = [['file', pathToFileURL(book + sep).href], ['http', httpBase]];
    for (const [mode, base] of modes) {
      for (const [name, path] of pages) {
        const t = await firstVisit(browser, base + path);
        rows.push({ what: `first visit: ${name} (${path})`, mode, ...t });
      }
      const week = pages.find(([name]) => name === 'week');
      if (week) {
        const { search } = await firstSearch(browser, base + week[1], query);
        rows.push({ what: `first search "${query}" (after the week page)`, mode, ...search });
      }
    }
  } finally {
    server.close();
    await browser.close();
  }
  console.log(`book: ${book}, ${new Date().toISOString().slice(0, 10)}`);
  console.log('');
  console.log('| what | from | requests | bytes | largest |');
  console.log('|---|---|---:|---:|---|');
  for (const r of rows) {
    const largest = r.largest.slice(0, 2)
      .map((l) => `${l.url.split('/').pop()} ${kb(l.bytes)}`).join(', ');
    const worker = r.workerRequests > 0
      ? ` (network with the service worker: ${kb(r.networkBytes)}; it made ${r.workerRequests} requests)` : '';
    console.log(`| ${r.what} | ${r.mode} | ${r.requests} | ${kb(r.bytes)}${worker} | ${largest} |`);
  }
  if (args.json) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(args.json, JSON.stringify(rows, null, 2));
  }
}

main().catch((err) => {
  console.error(`error: ${err.stack ?? err}`);
  process.exit(2);
});
