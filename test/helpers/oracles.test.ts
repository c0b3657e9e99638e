import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { dataFile, needs, optedIn, type OracleReportLine } from './oracles.ts';

/** A stand-in for node:test's context that remembers the skip reason. */
function fakeContext(name: string): TestContext & { skipped?: string } {
  const t = { name, skipped: undefined as string | undefined, skip: (reason: string) => void (t.skipped = reason) };
  return t as unknown as TestContext & { skipped?: string };
}

/** Runs `body` with some environment variables set, and a fresh report file; returns the report's lines. */
function withEnv(vars: Record<string, string | undefined>, body: () => void): OracleReportLine[] {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-oracle-test-'));
  const all = { ...vars, EMBEDKIT_ORACLE_REPORT: join(dir, 'report.jsonl') };
  const saved = Object.fromEntries(Object.keys(all).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  set(all);
  try {
    body();
    let text = '';
    try {
      text = readFileSync(all.EMBEDKIT_ORACLE_REPORT, 'utf8');
    } catch {
      // no line written
    }
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as OracleReportLine);
  } finally {
    set(saved);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a missing oracle skips the test with its reason and reports it for the summary', () => {
  const t = fakeContext('uses fastText');
  let ran: boolean | undefined;
  const lines = withEnv({ EMBEDKIT_HIDE_ORACLES: 'fasttext', EMBEDKIT_REQUIRE_ORACLES: undefined }, () => {
    ran = needs(t, 'python3', 'fasttext');
  });
  assert.equal(ran, false);
  assert.equal(t.skipped, 'fasttext is hidden by EMBEDKIT_HIDE_ORACLES');
  assert.deepEqual(lines.map((l) => [l.test, l.reason, l.kind, l.failed]), [['uses fastText', 'fasttext is hidden by EMBEDKIT_HIDE_ORACLES', 'oracle', false]]);
  assert.match(lines[0].file, /oracles\.test\.ts$/);
});

test('with EMBEDKIT_REQUIRE_ORACLES=1 a missing oracle fails the test with its reason', () => {
  const t = fakeContext('uses gensim');
  const lines = withEnv({ EMBEDKIT_HIDE_ORACLES: 'gensim', EMBEDKIT_REQUIRE_ORACLES: '1' }, () => {
    assert.throws(() => needs(t, 'gensim'), /oracle missing: gensim is hidden by EMBEDKIT_HIDE_ORACLES/);
  });
  assert.equal(t.skipped, undefined);
  assert.deepEqual(lines.map((l) => [l.test, l.failed]), [['uses gensim', true]]);
});

test('shared data the repository does not ship is missing once ../shared is hidden; an opt-in test is skipped, never failed', () => {
  const t = fakeContext('reads en-mix');
  const slow = fakeContext('slow');
  const lines = withEnv({ EMBEDKIT_HIDE_ORACLES: 'shared', EMBEDKIT_REQUIRE_ORACLES: '1', EMBEDKIT_SLOW_TEST_PROBE: undefined }, () => {
    assert.throws(() => needs(t, 'shared:corpus/en-mix.txt.gz'), /en-mix\.txt\.gz is absent/);
    assert.equal(optedIn(slow, 'EMBEDKIT_SLOW_TEST_PROBE', 'a slow probe'), false);
  });
  assert.equal(slow.skipped, 'a slow probe: set EMBEDKIT_SLOW_TEST_PROBE=1 to run');
  assert.deepEqual(lines.map((l) => [l.test, l.kind, l.failed]), [['reads en-mix', 'oracle', true], ['slow', 'opt-in', false]]);
});

test('the shipped copies of ../shared/data are the files the READMEs describe (SHA-256 of the expanded bytes)', () => {
  const readme = readFileSync(new URL('../fixtures/reference/README.md', import.meta.url), 'utf8');
  const rows = [...readme.matchAll(/^\| (\S+?)(?:\.gz)? \|.*\| ([0-9a-f]{64}) \|$/gm)];
  assert.equal(rows.length, 11);
  withEnv({ EMBEDKIT_HIDE_ORACLES: 'shared' }, () => {
    for (const [, name, sha] of rows) {
      const path = dataFile(`fixtures/${name}`);
      assert.ok(path, `${name} is shipped`);
      assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), sha, name);
    }
    // The evaluation sets are read from the package's data/ folder.
    assert.match(dataFile('eval/questions-words.txt')!, /data\/eval\/questions-words\.txt$/);
  });
});
