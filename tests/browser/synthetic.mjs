// A synthetic book for the features that need a bigger book than the
// shipped one (benches/synthetic-roadmap.py): the sidebar in pieces, the
// roadmap's data in parts. Built once per folder name with the roadbook
// binary ($ROADBOOK, else the newer of target/release and target/debug),
// under the shipped theme and book.toml without what only the shipped book
// has (the interview library, the assessment, the reference crate).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { serve } from './serve.mjs';

/** The roadbook binary to build with, or null. */
export function roadbookBinary(root) {
  if (process.env.ROADBOOK) return resolve(process.env.ROADBOOK);
  const found = ['release', 'debug'].map((p) => join(root, 'target', p, 'roadbook')).filter((p) => existsSync(p));
  found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return found[0] ?? null;
}

/**
 * Builds a synthetic book of `weeks` weeks (`toml` appended to its
 * book.toml, `env` added to the build's environment); its book/ folder, or
 * null after reporting why through `ctx.fail(where, …)`.
 */
export function buildSynthetic(ctx, where, { weeks, toml = '', env = {} }) {
  const bin = roadbookBinary(ctx.root);
  if (!bin) {
    ctx.fail(where, 'no roadbook binary: cargo build (or set ROADBOOK)');
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), 'roadbook-synthetic-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'src'));
  cpSync(join(ctx.root, 'theme'), join(dir, 'theme'), { recursive: true });
  cpSync(join(ctx.root, 'diagrams'), join(dir, 'diagrams'), { recursive: true });
  const shipped = readFileSync(join(ctx.root, 'book.toml'), 'utf8')
    .split('[[preprocessor.roadbook.reference]]')[0]
    .replace(/^(interview|assessment) *=.*$/gm, '')
    .replace(/^missing-exercise-page *=.*$/m, 'missing-exercise-page = "warning"');
  writeFileSync(join(dir, 'book.toml'), `${shipped}\n${toml}`);
  writeFileSync(join(dir, 'src', 'SUMMARY.md'), '# Summary\n');
  execFileSync('python3', [join(ctx.root, 'benches', 'synthetic-roadmap.py'), '--weeks', String(weeks),
    '-o', join(dir, 'roadmap.md')]);
  try {
    execFileSync(bin, ['--root', dir, '-q', 'build', '--no-api-docs'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    ctx.fail(where, `roadbook build failed: ${err.stderr ?? err.message}`);
    return null;
  }
  return join(dir, 'book');
}

/**
 * Calls `fn(base)` with the base URL of the built synthetic `book`, opened
 * as the check opens the shipped book in its mode: from `file://`, or
 * through a local server under /roadbook/ (closed afterwards).
 */
export async function openSynthetic(ctx, book, fn) {
  let base;
  let server = null;
  if (ctx.mode === 'file') base = pathToFileURL(book + '/').href;
  else ({ server, base } = await serve(book, '/roadbook/'));
  try {
    await fn(base);
  } finally {
    if (server) server.close();
  }
}
