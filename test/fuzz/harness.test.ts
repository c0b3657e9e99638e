import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInChild } from './run-in-child.ts';

// The fuzz loop's own checks, on targets that misbehave on purpose at mutant 3: each failure is reported with the
// seed and the mutant's index, and an abort or a hang in the child never takes the test runner down.

test('a well-behaved target counts values and clean errors', async () => {
  const r = await runInChild('harness-ok', 5, 10);
  assert.equal(r.crash, undefined);
  assert.deepEqual([r.mutants, r.values, r.clean, r.other], [10, 5, 5, 0]);
});

test('an abort (SIGABRT) in the child is reported with the mutant index', async () => {
  const r = await runInChild('harness-abort', 5, 10);
  assert.match(r.crash ?? '', /killed by SIGABRT at mutant 3/);
  assert.equal(r.other, 1);
});

test('a mutant that runs past the time limit is killed and reported with its index', async () => {
  const r = await runInChild('harness-hang', 5, 10, { caseLimitMs: 1000 });
  assert.match(r.crash ?? '', /mutant 3 ran over 1000 ms/);
});

test('an exception that is not an EmbedkitError, or one without a line or byte, is another outcome', async () => {
  for (const [target, problem] of [['harness-throw', /threw TypeError/], ['harness-unlocated', /without a line or byte/]] as const) {
    const r = await runInChild(target, 5, 10);
    assert.equal(r.crash, undefined);
    assert.equal(r.other, 1, target);
    assert.equal(r.problems[0].index, 3);
    assert.match(r.problems[0].problem, problem);
  }
});

test('a time budget stops the loop early and the counts say how many mutants ran', async () => {
  const r = await runInChild('harness-ok', 5, 1e9, { seconds: 1 });
  assert.equal(r.crash, undefined);
  assert.equal(r.stoppedEarly, true);
  assert.ok(r.mutants > 0 && r.mutants < 1e9);
  assert.equal(r.values + r.clean, r.mutants);
});
