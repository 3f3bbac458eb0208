// Runs theme/search-engine.js under Node over a built book's search/
// folder, for the differential test against `roadbook search`
// (crates/roadbook/tests/browser_search.rs).
//
//   node tests/js/search-engine-cli.mjs BOOK/search < queries.jsonl
//
// Each input line is `{"query": "...", "kind": "...", "weeks": [a, b],
// "limit": n}`; each output line the results' `[{url, kind, id, weeks,
// score}]`. The shards are run as the browser runs them: as scripts that
// call `roadbookSearchShard(name, data)`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import vm from 'node:vm';

const require = createRequire(import.meta.url);
const { createEngine } = require('../../theme/search-engine.js');

const dir = process.argv[2];
if (!dir) {
    console.error('usage: search-engine-cli.mjs SEARCH_DIR < queries.jsonl');
    process.exit(2);
}

/** Runs `dir/NAME.js` and returns what it registered. */
function load(name) {
    const text = readFileSync(join(dir, `${name}.js`), 'utf8');
    let registered;
    vm.runInNewContext(text, {
        roadbookSearchShard: (n, data) => {
            if (n === name) registered = data;
        },
    });
    if (registered === undefined) throw new Error(`${name}.js registered nothing`);
    return registered;
}

const engine = await createEngine(load);
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
    if (!line.trim()) continue;
    const { query, kind, weeks, limit } = JSON.parse(line);
    const hits = await engine.search(query, { kind, weeks }, limit || 3);
    const out = [];
    for (const hit of hits) {
        const doc = await engine.doc(hit.doc);
        out.push({ url: doc.url, kind: doc.kind, id: doc.id, weeks: doc.weeks, score: hit.score });
    }
    console.log(JSON.stringify(out));
}
