// Unit tests of theme/highlight.js, the stand-in for mdBook's Highlight.js:
// which blocks need the highlighter, which of its pieces (theme/highlight/,
// cut by roadbook build) a page's blocks load, and that the real highlighter
// then gets the configuration and the blocks in order. The pieces against
// the whole highlighter: highlight-pieces.test.mjs.
// Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const highlight = require('../../theme/highlight.js');

test('the highlighter is needed only for a block that names a language', () => {
  assert.equal(highlight.namesLanguage('language-rust'), true);
  assert.equal(highlight.namesLanguage('language-toml hljs'), true);
  assert.equal(highlight.namesLanguage(''), false, 'inline code');
  assert.equal(highlight.namesLanguage('hljs'), false);
  assert.equal(highlight.namesLanguage('language-plaintext'), false);
  assert.equal(highlight.namesLanguage('nohighlight language-rust'), false);
});

test('a block names its language as Highlight.js reads it', () => {
  assert.equal(highlight.languageOf({ className: 'language-rust' }), 'rust');
  assert.equal(highlight.languageOf({ className: 'hljs language-YML' }), 'yml', 'lower case, as getLanguage looks up');
  assert.equal(highlight.languageOf({ className: 'lang-rs editable' }), 'rs');
  assert.equal(highlight.languageOf({ className: 'language-c-like' }), 'c-like');
  assert.equal(highlight.languageOf({ className: 'x', parentNode: { className: 'language-go' } }), 'go');
  assert.equal(highlight.languageOf({ className: '' }), null);
});

const table = { rust: 'rust.js', rs: 'rust.js', yaml: 'yaml.js', yml: 'yaml.js', html: 'xml.js', xml: 'xml.js' };

test('the blocks load the files of their languages, each once, through the aliases', () => {
  const blocks = (...classes) => classes.map((className) => ({ className }));
  assert.deepEqual(highlight.filesFor(blocks('language-rust', 'language-rs', 'language-yml'), table), ['rust.js', 'yaml.js']);
  assert.deepEqual(highlight.filesFor(blocks('language-html', 'language-rust'), table), ['xml.js', 'rust.js']);
  assert.deepEqual(highlight.filesFor(blocks('language-toml'), table), [], 'an unknown name loads nothing more');
  assert.deepEqual(highlight.filesFor(blocks('language-constructor', 'language-__proto__'), table), [], 'only the table\'s own keys');
  assert.deepEqual(highlight.filesFor(blocks('language-rust'), {}), [], 'an empty table: core.js is the whole highlighter');
  assert.equal(highlight.pieceUrl('rust.js', 'file:///b/highlight-abc.js'), 'file:///b/theme/highlight/rust.js');
  assert.equal(highlight.pieceUrl('core.js', 'https://x.example/book/highlight-1.js'), 'https://x.example/book/theme/highlight/core.js');
});

/** A window whose <head> records the scripts added; `settle(i)` ends the i-th's load. */
function fakeWindow() {
  const appended = [];
  const win = {
    hljs: null,
    roadbookHighlightFiles: undefined,
    document: {
      baseURI: 'https://x.example/roadbook/weeks/week-01.html',
      createElement: () => ({}),
      head: { appendChild: (script) => appended.push(script) },
    },
  };
  return { win, appended };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test('the stand-in loads core.js, then the languages named, then hands over configuration and blocks', async () => {
  const { win, appended } = fakeWindow();
  const standIn = highlight.standIn(win, { src: 'https://x.example/roadbook/highlight-1.js' });
  standIn.configure({ languages: [] });
  standIn.highlightBlock({ className: '' });
  assert.equal(appended.length, 0, 'inline code loads nothing');
  const blocks = ['language-rust', 'language-toml', 'language-yml', 'language-rs'].map((className) => ({ className }));
  for (const block of blocks) standIn.highlightBlock(block);
  assert.deepEqual(appended.map((s) => s.src), ['https://x.example/roadbook/theme/highlight/core.js']);
  assert.equal(appended[0].async, false, 'scripts run in the order they are added');

  const calls = [];
  win.hljs = {
    configure: (o) => calls.push(['configure', o]),
    highlightBlock: (b) => calls.push(['highlight', b.className]),
  };
  win.roadbookHighlightFiles = table;
  appended[0].onload();
  await tick();
  assert.deepEqual(appended.slice(1).map((s) => s.src), [
    'https://x.example/roadbook/theme/highlight/rust.js',
    'https://x.example/roadbook/theme/highlight/yaml.js',
  ]);
  assert.deepEqual(calls, [], 'nothing is highlighted before its language is there');
  appended[1].onload();
  await tick();
  assert.deepEqual(calls, [], 'nor before every language is');
  appended[2].onerror();
  await tick();
  assert.deepEqual(calls, [
    ['configure', { languages: [] }],
    ['highlight', 'language-rust'], ['highlight', 'language-toml'], ['highlight', 'language-yml'], ['highlight', 'language-rs'],
  ], 'in order, a language that failed to load left to Highlight.js (plain)');

  // A later block loads only what is not asked for yet.
  calls.length = 0;
  standIn.highlightBlock({ className: 'language-rust' });
  standIn.highlightBlock({ className: 'language-html' });
  await tick();
  assert.deepEqual(appended.slice(3).map((s) => s.src), ['https://x.example/roadbook/theme/highlight/xml.js']);
  appended[3].onload();
  await tick();
  assert.deepEqual(calls, [['configure', { languages: [] }], ['highlight', 'language-rust'], ['highlight', 'language-html']]);
  assert.equal(appended.length, 4, 'core.js once');
});

test('a highlighter that could not be cut loads as one file', async () => {
  const { win, appended } = fakeWindow();
  const standIn = highlight.standIn(win, { src: 'https://x.example/roadbook/highlight-1.js' });
  standIn.highlightBlock({ className: 'language-rust' });
  const calls = [];
  win.hljs = { configure: () => calls.push('configure'), highlightBlock: (b) => calls.push(b.className) };
  win.roadbookHighlightFiles = {};
  appended[0].onload();
  await tick();
  assert.deepEqual(appended.map((s) => s.src), ['https://x.example/roadbook/theme/highlight/core.js']);
  assert.deepEqual(calls, ['language-rust'], 'no configuration was given, none is passed');
});
