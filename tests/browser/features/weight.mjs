// Page weight: a page without a diagram loads none of Mermaid, no page
// loads the search engine before a search (features/search.mjs sees the
// first search load it), and a first visit of a page with neither a diagram
// nor highlighted code (the home and week pages; not the exercise page,
// where Highlight.js's 137 KB load) stays within 400 KB (uncompressed bodies,
// see ../page-weight.mjs). The phase page, which has a diagram, must load
// Mermaid: otherwise "no Mermaid" would hold because it never loads at all.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { firstVisit, kb } from '../page-weight.mjs';

const LIMIT = 400_000;

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
  },
};
