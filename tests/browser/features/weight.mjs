// Page weight: a page without a diagram loads none of Mermaid, no page
// loads the search engine before a search (features/search.mjs sees the
// first search load it), and a first visit of a page with neither a diagram
// nor highlighted code (the home and week pages; not the exercise page,
// where Highlight.js's 137 KB load) stays within 400 KB (uncompressed bodies,
// see ../page-weight.mjs). The phase page, which has a diagram, must load
// Mermaid: otherwise "no Mermaid" would hold because it never loads at all.
// The home page of a synthetic book of 100 weeks (../synthetic.mjs; 656 KB
// when its home page loaded every data part and inlined the whole plan)
// holds the same limit and loads at most two data parts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { firstVisit, kb } from '../page-weight.mjs';
import { serve } from '../serve.mjs';
import { buildSynthetic } from '../synthetic.mjs';

const LIMIT = 400_000;
const WEEKS = 100;
let built = null;

export default {
  name: 'page weight',
  async run(ctx) {
    for (const [name, path] of Object.entries(ctx.pages)) {
      const url = ctx.base + path;
      const hasDiagram = readFileSync(join(ctx.book, path), 'utf8').includes('<pre class="mermaid">');
      const visit = await firstVisit(ctx.browser, url);
      const mermaid = visit.urls.filter((u) => /mermaid[^/]*\.min\.js/.test(u));
      const notes = [hasDiagram ? 'has a diagram' : '', visit.urls.some((u) => /highlight\.full[^/]*\.js/.test(u)) ? 'highlights code' : ''].filter(Boolean);
      console.log(`  ${name}: ${visit.requests} requests, ${kb(visit.bytes)}${notes.length ? ` (${notes.join(', ')})` : ''}`);
      await ctx.step(() => {
        if (!hasDiagram && mermaid.length > 0) ctx.fail(url, `a page without a diagram loads Mermaid: ${mermaid.join(', ')}`);
        if (hasDiagram && mermaid.length === 0) ctx.fail(url, 'a page with a diagram did not load Mermaid');
        for (const failed of visit.failed) ctx.fail(url, `request failed: ${failed}`);
        const engine = visit.urls.filter((u) => /search-engine[^/]*\.js/.test(u));
        if (engine.length > 0) ctx.fail(url, `a first visit loads the search engine: ${engine.join(', ')}`);
        const highlighter = visit.urls.some((u) => /highlight\.full[^/]*\.js/.test(u));
        if (!hasDiagram && !highlighter && visit.bytes > LIMIT) {
          const largest = visit.largest.slice(0, 3).map((r) => `${r.url.split('/').pop()} ${kb(r.bytes)}`).join(', ');
          ctx.fail(url, `first visit of the ${name} page is ${kb(visit.bytes)}, over ${kb(LIMIT)} (largest: ${largest})`);
        }
      });
    }
    await ctx.step(async () => {
      built ??= buildSynthetic(ctx, 'synthetic weight book', { weeks: WEEKS });
      if (!built) return;
      let base;
      let server = null;
      if (ctx.mode === 'file') base = pathToFileURL(built + '/').href;
      else ({ server, base } = await serve(built, '/roadbook/'));
      try {
        const url = base + 'index.html';
        const visit = await firstVisit(ctx.browser, url);
        const parts = visit.urls.filter((u) => /\/data\/\d+-[0-9a-f]+\.js$/.test(u));
        console.log(`  home page of ${WEEKS} weeks: ${visit.requests} requests, ${kb(visit.bytes)}, ${parts.length} data parts`);
        if (visit.bytes > LIMIT) {
          const largest = visit.largest.slice(0, 3).map((r) => `${r.url.split('/').pop()} ${kb(r.bytes)}`).join(', ');
          ctx.fail(url, `first visit of a ${WEEKS}-week book's home page is ${kb(visit.bytes)}, over ${kb(LIMIT)} (largest: ${largest})`);
        }
        if (parts.length > 2) ctx.fail(url, `a fresh visit of the home page loads ${parts.length} data parts`);
        for (const failed of visit.failed) ctx.fail(url, `request failed: ${failed}`);
      } finally {
        if (server) server.close();
      }
    });
  },
};
