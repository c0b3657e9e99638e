import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { FastTextClassifier } from '../../src/apps/classify/fasttext-classifier.ts';

/** fastText's predict-prob output for the lines of `queryFile`: per line, [label, probability] pairs. */
export function cliPredictions(model: string, queryFile: string, k: number, threshold = 0): [string, number][][] {
  const run = spawnSync('fasttext', ['predict-prob', model, queryFile, String(k), String(threshold)], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.split('\n');
  assert.equal(lines.pop(), '');
  return lines.map((line) => {
    const parts = line.split(' ').filter(Boolean);
    const out: [string, number][] = [];
    for (let i = 0; i < parts.length; i += 2) out.push([parts[i], Number(parts[i + 1])]);
    return out;
  });
}

/** The classifier's predictions for `queries` equal fastText's (same labels in the same order, probabilities within 1e-5). */
export function assertSamePredictions(classifier: FastTextClassifier, queries: readonly string[], expected: [string, number][][], k: number, threshold = 0): void {
  assert.equal(expected.length, queries.length);
  let compared = 0;
  for (let i = 0; i < queries.length; i++) {
    const ours = classifier.predict(queries[i], { k, threshold });
    const theirs = expected[i];
    assert.equal(ours.length, theirs.length, `line ${i} "${queries[i]}": ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
    for (let j = 0; j < ours.length; j++) {
      assert.ok(Math.abs(ours[j].probability - theirs[j][1]) <= 1e-5, `line ${i} rank ${j}: ${ours[j].probability} vs ${theirs[j][1]}`);
      // Ties (the sigmoid table of ns and ova gives many) too come in fastText's order.
      assert.equal(ours[j].label, theirs[j][0], `line ${i} rank ${j}`);
      compared++;
    }
  }
  assert.ok(compared >= queries.length, 'predictions were compared');
}
