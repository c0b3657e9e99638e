import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearDecay } from '../../src/train/schedule.ts';

test('learning rate decays linearly from alpha to minAlpha over training', () => {
  assert.equal(linearDecay(0.025, 0.0001, 0), 0.025);
  assert.ok(Math.abs(linearDecay(0.025, 0.0001, 0.5) - (0.025 + 0.0001) / 2) < 1e-15);
  assert.ok(Math.abs(linearDecay(0.025, 0.0001, 1) - 0.0001) < 1e-15);
  // Monotone non-increasing and clamped past the ends.
  let prev = Infinity;
  for (let p = -0.5; p <= 1.5; p += 0.01) {
    const a = linearDecay(0.05, 0.001, p);
    assert.ok(a <= prev && a >= 0.001 && a <= 0.05);
    prev = a;
  }
  assert.equal(linearDecay(0.05, 0.001, 2), 0.001);
  assert.equal(linearDecay(0.05, 0.001, -1), 0.05);
});
