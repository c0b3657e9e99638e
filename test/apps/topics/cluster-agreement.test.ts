import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adjustedRandIndex, normalizedMutualInformation } from '../../../src/apps/topics/cluster-agreement.ts';

test('NMI and ARI: known values (as scikit-learn computes them)', () => {
  const a = [0, 0, 0, 1, 1, 1];
  const b = [0, 0, 1, 1, 2, 2];
  // sklearn.metrics.normalized_mutual_info_score(a, b) and adjusted_rand_score(a, b).
  assert.ok(Math.abs(normalizedMutualInformation(a, b) - 0.5158037429793888) < 1e-12);
  assert.ok(Math.abs(adjustedRandIndex(a, b) - 0.24242424242424243) < 1e-12);
  assert.equal(normalizedMutualInformation(a, [7, 7, 7, 9, 9, 9]), 1);
  assert.equal(adjustedRandIndex(a, [7, 7, 7, 9, 9, 9]), 1);
  assert.equal(normalizedMutualInformation(a, [1, 1, 1, 1, 1, 1]), 0);
  assert.ok(adjustedRandIndex([0, 1, 0, 1], [0, 0, 1, 1]) < 0);
  assert.throws(() => adjustedRandIndex([0], [0, 1]), /1 and 2 items/);
});
