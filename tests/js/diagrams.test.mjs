// Unit tests of theme/mermaid-init.js (Mermaid only where a diagram is) and
// theme/diagram-viewer.js (full-size diagrams, pan and zoom). The
// highlight.js stand-in's tests are in highlight.test.mjs.
// Run with `node --test tests/js/`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const init = require('../../theme/mermaid-init.js');
const viewer = require('../../theme/diagram-viewer.js');

test('Mermaid loads only for a page with a pre.mermaid', () => {
  const doc = (found) => ({ querySelector: (s) => (s === 'pre.mermaid' && found ? {} : null) });
  assert.equal(init.hasDiagram(doc(true)), true);
  assert.equal(init.hasDiagram(doc(false)), false);
});

test('the on-demand scripts sit next to the loader, at any page depth', () => {
  const own = 'file:///home/me/book/theme/mermaid-init-53348661.js';
  assert.equal(init.besideScript(own, 'mermaid.min.js'), 'file:///home/me/book/theme/mermaid.min.js');
  assert.equal(init.besideScript('https://x.example/roadbook/theme/mermaid-init-1.js', 'diagram-viewer.js'),
    'https://x.example/roadbook/theme/diagram-viewer.js');
  assert.deepEqual(init.onDemand, ['mermaid.min.js', 'diagram-viewer.js'], 'Mermaid before the viewer');
});

test("Mermaid's theme follows mdBook's dark and light themes", () => {
  assert.equal(init.mermaidTheme(['light', 'sidebar-visible']), 'default');
  assert.equal(init.mermaidTheme(['rust']), 'default');
  assert.equal(init.mermaidTheme(['navy', 'sidebar-visible']), 'dark');
  assert.equal(init.mermaidTheme(['coal']), 'dark');
  assert.equal(init.mermaidTheme(['ayu']), 'dark');
});

test('zoom steps through the levels and stops at both ends', () => {
  assert.equal(viewer.zoomStep(1, 1), 1.5);
  assert.equal(viewer.zoomStep(1, -1), 0.75);
  assert.equal(viewer.zoomStep(0.6, 1), 0.75, 'from between two levels to the next one up');
  assert.equal(viewer.zoomStep(0.6, -1), 0.5);
  assert.equal(viewer.zoomStep(4, 1), 4);
  assert.equal(viewer.zoomStep(0.25, -1), 0.25);
});

test('a diagram opens at the largest level that fits, never above its own size', () => {
  assert.equal(viewer.fitScale(1600, 374), 0.25, '1600 px into a 390 px phone: the smallest level');
  assert.equal(viewer.fitScale(800, 374), 0.25, '800 px: 0.4675 fits 25 % but not 50 %');
  assert.equal(viewer.fitScale(700, 374), 0.5);
  assert.equal(viewer.fitScale(300, 1200), 1, 'a small diagram is not blown up');
  assert.equal(viewer.fitScale(0, 100), 1);
});

test('the size comes from the viewBox', () => {
  assert.deepEqual(viewer.viewBoxSize('0 0 1200 480.5'), { width: 1200, height: 480.5 });
  assert.deepEqual(viewer.viewBoxSize('-8 -8,300,200'), { width: 300, height: 200 });
  assert.equal(viewer.viewBoxSize(null), null);
  assert.equal(viewer.viewBoxSize('0 0 0 10'), null);
  assert.equal(viewer.viewBoxSize('0 0 a b'), null);
});

test('keys: + and = zoom in, - zooms out, 0 is own size, others pass', () => {
  assert.equal(viewer.keyAction('+'), 'in');
  assert.equal(viewer.keyAction('='), 'in');
  assert.equal(viewer.keyAction('-'), 'out');
  assert.equal(viewer.keyAction('0'), 'reset');
  assert.equal(viewer.keyAction('ArrowLeft'), null, 'arrows scroll the pane');
  assert.equal(viewer.keyAction('Escape'), null, 'the dialog closes itself');
});
