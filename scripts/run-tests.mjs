#!/usr/bin/env node
// Node 20's --test expands no globs and silently runs nothing when given a folder, so list the files here.
// Usage: node scripts/run-tests.mjs [filter...]  (filters match file paths)
// After the run it prints which tests did not run an oracle (gensim, fastText, chromium, ../shared/data…) and why:
// test/helpers/oracles.ts appends one JSON line per such test to the file named by EMBEDKIT_ORACLE_REPORT.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Summary lines: one per reason, with how many tests it stopped and in which files. */
function summary(lines) {
  if (lines.length === 0) return ['# oracles: every test that needs one ran it'];
  const byReason = new Map();
  for (const l of lines) {
    const key = `${l.failed ? 'FAILED' : 'skipped'} (${l.kind}): ${l.reason}`;
    const entry = byReason.get(key) ?? { tests: 0, files: new Set() };
    entry.tests++;
    entry.files.add(l.file);
    byReason.set(key, entry);
  }
  const skipped = lines.filter((l) => !l.failed && l.kind === 'oracle').length;
  const failed = lines.filter((l) => l.failed).length;
  const optIn = lines.filter((l) => l.kind === 'opt-in').length;
  const head = `# oracles: ${skipped} test(s) skipped for a missing oracle, ${failed} failed for one (EMBEDKIT_REQUIRE_ORACLES=1), ${optIn} opt-in test(s) not asked for`;
  return [head, ...[...byReason].map(([key, e]) => `#   ${key} — ${e.tests} test(s) in ${[...e.files].sort().join(', ')}`)];
}

const filters = process.argv.slice(2);
const files = walk('test').sort().filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'embedkit-oracles-'));
const reportFile = join(dir, 'report.jsonl');
const env = { ...process.env, EMBEDKIT_ORACLE_REPORT: reportFile };
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env });
let lines = [];
try {
  lines = readFileSync(reportFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
} catch (e) {
  if (e.code !== 'ENOENT') throw e;
}
rmSync(dir, { recursive: true, force: true });
console.log(summary(lines).join('\n'));
process.exit(r.status ?? 1);
