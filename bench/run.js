#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: compiles the sources and bench/*.ts into .bench/, then runs every benchmark
 * (bench/*.bench.ts) one after the other, so each gets the whole machine. Each prints its own
 * side-by-side table; ratios, not absolute numbers, are what to compare across machines.
 * Run one: `npm run bench -- server` (a substring of the file name). `npm run bench -- waf` runs the
 * WAF-side cost on real Apache and nginx (bench/waf.bench.ts; BENCH_WAF_PROFILE=1 for the per-step
 * breakdown).
 */
const { execFileSync, spawnSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const filter = process.argv[2] ?? '';
// Type errors are reported but do not stop the run: tsc still emits JavaScript.
spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.bench.json'], { cwd: root, stdio: 'inherit' });
const benches = readdirSync(__dirname)
  .filter((name) => name.endsWith('.bench.ts') && name.includes(filter))
  .sort();
for (const name of benches) {
  const compiled = path.join(root, '.bench', 'bench', name.replace(/\.ts$/, '.js'));
  process.stdout.write(`\n=== ${name} ===\n`);
  execFileSync(process.execPath, ['--expose-gc', compiled], { cwd: root, stdio: 'inherit' });
}
