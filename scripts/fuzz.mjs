#!/usr/bin/env node
// The long fuzz run: every test/fuzz/*.test.ts with EMBEDKIT_FUZZ_MUTANTS mutants per target (100,000 unless the
// variable says otherwise). Usage: npm run fuzz [-- filter...]  (filters match file paths, as in run-tests.mjs);
// EMBEDKIT_FUZZ_SEED picks another seed, EMBEDKIT_FUZZ_SAVE=dir keeps the bytes of any failing mutant, and
// EMBEDKIT_FUZZ_SECONDS caps the time per target (the summary line then says how many mutants ran).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
const files = readdirSync('test/fuzz')
  .filter((f) => f.endsWith('.test.ts'))
  .map((f) => join('test/fuzz', f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error('no fuzz test files matched');
  process.exit(1);
}
const env = { ...process.env, EMBEDKIT_FUZZ_MUTANTS: process.env.EMBEDKIT_FUZZ_MUTANTS || '100000' };
console.log(`fuzz: ${env.EMBEDKIT_FUZZ_MUTANTS} mutants per target, ${files.length} file(s)`);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
