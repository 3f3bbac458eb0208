// The pieces `roadbook build` cuts Highlight.js into (theme/highlight/ in the
// built book: core.js with its table, one file per language) against the
// whole highlighter (theme/highlight.full.js): for every name and alias of
// the table, core.js and that one file highlight sample Rust, YAML, C and
// HTML with CSS and JavaScript (xml's sub-languages) to the same HTML as
// the whole file. Each runs as the classic script it is, in its own Node
// `vm` context, configured as mdBook's book.js configures it.
// Reads the book built in book/ (`roadbook build`), or the pieces folder
// ROADBOOK_HIGHLIGHT_PIECES names. Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = process.env.ROADBOOK_HIGHLIGHT_PIECES ?? `${root}book/theme/highlight`;

/** A fresh context that ran `scripts` in order; its `hljs` configured as book.js does. */
function run(...scripts) {
  const context = vm.createContext({ console: { warn() {}, error() {}, log() {} } });
  for (const [name, text] of scripts) vm.runInContext(text, context, { filename: name });
  context.hljs.configure({ tabReplace: '    ', languages: [] });
  return context;
}

const samples = {
  rust: `/// A retry with backoff.\npub fn retry<T, E>(mut f: impl FnMut() -> Result<T, E>, times: u32) -> Result<T, E> {\n    let mut n = 0;\n    loop {\n        match f() {\n            Ok(v) => return Ok(v),\n            Err(e) if n + 1 >= times => return Err(e),\n            Err(_) => n += 1, // 'again\n        }\n    }\n}\n#[derive(Debug)] struct Order { id: u64, name: &'static str }\n`,
  yaml: `# a service\nservices:\n  orders:\n    image: "coffee/orders:1.2"\n    ports: [8080, 9090]\n    healthy: true\n    owner: <%= ENV["USER"].upcase %>\n    script: !ruby/object {a: 1}\n    notes: |\n      multi\n      line\n`,
  c: `#include <stdio.h>\n/* comment */\nstatic int add(int a, int b) { return a + b; }\nint main(void) {\n  char *s = "hi\\n";\n  printf("%d %s", add(1, 2), s);\n  return 0;\n}\n`,
  html: `<!DOCTYPE html>\n<html lang="en">\n<head>\n<style>\nbody { color: #333; margin: 0 auto; }\n.a > b::before { content: "x"; }\n</style>\n<script>\nconst n = [1, 2].map((x) => x * 2);\nfunction f(a) { return \`v \${a}\`; }\n</script>\n<script type="text/x-handlebars-template">{{#each items}}<li>{{name}}</li>{{/each}}</script>\n</head>\n<body><p class="x">Hi &amp; bye</p><!-- c --></body>\n</html>\n`,
};

test('core.js and one language file highlight as the whole highlighter does, for every name and alias', (t) => {
  const core = `${dir}/core.js`;
  assert.ok(existsSync(core), `no ${core}: build the book first (roadbook build), or set ROADBOOK_HIGHLIGHT_PIECES`);
  const full = run(['highlight.full.js', readFileSync(`${root}theme/highlight.full.js`, 'utf8')]);
  const coreText = readFileSync(core, 'utf8');
  const table = run(['core.js', coreText]).roadbookHighlightFiles;
  const names = Object.keys(table);
  assert.ok(names.length > 100, `${names.length} names and aliases`);
  assert.deepEqual(
    [...new Set(Object.values(table))].sort(),
    Array.from(full.hljs.listLanguages(), (name) => `${name}.js`).sort(),
    'a file for every language of the whole highlighter',
  );
  const byFile = new Map();
  let compared = 0;
  for (const name of names) {
    const file = table[name];
    if (!byFile.has(file)) byFile.set(file, run(['core.js', coreText], [file, readFileSync(`${dir}/${file}`, 'utf8')]));
    const pieces = byFile.get(file).hljs;
    const want = full.hljs.getLanguage(name);
    if (name !== name.toLowerCase() && !want) continue; // "YAML": getLanguage looks up lower case, neither finds it
    assert.equal(pieces.getLanguage(name)?.name, want?.name, `${name} resolves to the same language`);
    for (const [sample, code] of Object.entries(samples)) {
      const a = full.hljs.highlight(name, code, true);
      const b = pieces.highlight(name, code, true);
      assert.equal(b.value, a.value, `${name} (${file}) on the ${sample} sample`);
      assert.equal(b.relevance, a.relevance, `${name} (${file}) on the ${sample} sample: relevance`);
      compared += 1;
    }
  }
  t.diagnostic(`${compared} highlights compared over ${byFile.size} files`);
  // The samples in their own languages are coloured at all, so equality means something.
  for (const [name, min] of [['rust', 10], ['yml', 5], ['c', 5], ['html', 20]]) {
    const sample = { rust: 'rust', yml: 'yaml', c: 'c', html: 'html' }[name];
    const spans = (byFile.get(table[name]).hljs.highlight(name, samples[sample], true).value.match(/<span /g) ?? []).length;
    assert.ok(spans >= min, `${name}: ${spans} spans`);
  }
  const html = byFile.get(table.html).hljs.highlight('html', samples.html, true).value;
  assert.match(html, /<span class="hljs-selector-class">\.a<\/span>/, 'the <style> is highlighted as CSS');
  assert.match(html, /<span class="hljs-keyword">const<\/span>/, 'the <script> as JavaScript');
});

test('an unknown language fails as with the whole highlighter', () => {
  const core = readFileSync(`${dir}/core.js`, 'utf8');
  const full = run(['highlight.full.js', readFileSync(`${root}theme/highlight.full.js`, 'utf8')]);
  const pieces = run(['core.js', core], ['rust.js', readFileSync(`${dir}/rust.js`, 'utf8')]);
  assert.equal(pieces.roadbookHighlightFiles.mermaid, undefined);
  assert.equal(full.hljs.getLanguage('mermaid'), undefined);
  assert.throws(() => full.hljs.highlight('mermaid', 'graph TD', true), /Unknown language: "mermaid"/);
  assert.throws(() => pieces.hljs.highlight('mermaid', 'graph TD', true), /Unknown language: "mermaid"/);
});

test('two files on one page register a shared language once, keeping the bundle\'s aliases', () => {
  const core = readFileSync(`${dir}/core.js`, 'utf8');
  const file = (name) => [name, readFileSync(`${dir}/${name}`, 'utf8')];
  const full = run(['highlight.full.js', readFileSync(`${root}theme/highlight.full.js`, 'utf8')]);
  for (const order of [['c.js', 'cpp.js'], ['cpp.js', 'c.js']]) {
    const page = run(['core.js', core], ...order.map(file));
    for (const alias of ['c', 'h', 'cc', 'hpp', 'c-like']) {
      assert.equal(page.hljs.getLanguage(alias).name, full.hljs.getLanguage(alias).name, `${alias} after ${order}`);
    }
  }
});
