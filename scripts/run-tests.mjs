#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) of every workspace with node's test
// runner. Files named *.e2e.test.js start processes, real VMs or databases of their own and
// run one at a time after the rest. Arguments filter files by substring:
//   npm test -- packages/scheduler   npm test -- e2e
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function workspaces() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return pkg.workspaces.map((w) => join(root, w));
}

function findTests(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) findTests(full, out);
    else if (name.endsWith('.test.js')) out.push(full);
  }
  return out;
}

const all = workspaces()
  .flatMap((w) => findTests(join(w, 'dist')))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
const e2e = all.filter((f) => f.endsWith('.e2e.test.js'));
const unit = all.filter((f) => !f.endsWith('.e2e.test.js'));

if (all.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let failedRun = false;

function run(files, concurrency) {
  if (files.length === 0) return;
  const countsFile = join(tmpdir(), `gridplane-test-counts-${process.pid}.json`);
  const r = spawnSync(
    process.execPath,
    [
      '--test',
      `--test-concurrency=${concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${join(root, 'scripts/count-reporter.mjs')}`,
      `--test-reporter-destination=${countsFile}`,
      ...files,
    ],
    { cwd: root, stdio: 'inherit', env: process.env },
  );
  try {
    const c = JSON.parse(readFileSync(countsFile, 'utf8'));
    totals.passed += c.passed;
    totals.failed += c.failed;
    totals.skipped += c.skipped;
  } catch {
    failedRun = true;
  }
  spawnSync('rm', ['-f', countsFile]);
  if (r.status !== 0) failedRun = true;
}

run(unit, 2);
run(e2e, 1);

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedRun || totals.failed > 0 ? 1 : 0);
