import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digamma, expDigammaMinus, logGamma } from '../../src/apps/topics/lda-math.ts';

/** The plain definition digamma replaced: the recurrence ψ(x) = ψ(x+1) − 1/x one step at a time up to x ≥ 7. */
function digammaByRecurrence(x: number): number {
  let shift = 0;
  while (x < 7) {
    shift -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f / 12))))));
}

test('digamma with the folded shift equals the step-by-step recurrence over (1e-6, 1e6)', () => {
  const xs: number[] = [];
  // Log-spaced over twelve decades, integers, both sides of the shift's cut at 7, and ψ's root near 1.4616.
  for (let i = 0; i <= 6000; i++) xs.push(1e-6 * Math.pow(10, (12 * i) / 6000));
  for (let n = 1; n <= 30; n++) xs.push(n, n - 1e-9, n + 1e-9);
  xs.push(1e-6, 2e-6, 0.5, 6.999999999, 7, 7.000000001, 1.4616321449683622, 1.46163214496836);
  for (let i = 0; i < 2000; i++) xs.push(0.001 + (7 * i) / 2000);
  let worst = 0;
  for (const x of xs) {
    const want = digammaByRecurrence(x);
    // Relative to |ψ| where |ψ| ≥ 1; absolute below, where ψ crosses zero and no relative bound can hold.
    const error = Math.abs(digamma(x) - want) / Math.max(1, Math.abs(want));
    worst = Math.max(worst, error);
    assert.ok(error <= 1e-12, `digamma(${x}) = ${digamma(x)}, recurrence ${want}`);
  }
  console.log(`worst relative difference ${worst.toExponential(2)} over ${xs.length} arguments`);
});

test('expDigammaMinus equals exp(digamma(x) − c) over (1e-6, 1e6)', () => {
  let worst = 0;
  for (let i = 0; i <= 3000; i++) {
    const x = 1e-6 * Math.pow(10, (12 * i) / 3000);
    // c as the E-step passes it: ψ of a sum at least as large as x.
    for (const c of [digamma(x), digamma(x + 1), digamma(15 * x + 30), -3, 10]) {
      const want = Math.exp(digamma(x) - c);
      if (want < 1e-300) continue;
      // exp of ψ(x) − c carries the rounding of both terms, ~1e-16 · (|ψ(x)| + |c|), in either form: relative to that.
      const error = Math.abs(expDigammaMinus(x, c) - want) / want / Math.max(1, Math.abs(digamma(x)) + Math.abs(c));
      worst = Math.max(worst, error);
      assert.ok(error <= 1e-12, `expDigammaMinus(${x}, ${c}) = ${expDigammaMinus(x, c)}, exp(ψ(x) − c) = ${want}`);
    }
  }
  console.log(`worst relative difference ${worst.toExponential(2)}`);
});

/** The definition logGamma replaced below 0.5: the reflection formula over the same Lanczos sum. */
function logGammaByReflection(x: number): number {
  if (x >= 0.5) return logGamma(x);
  return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
}

test('logGamma below 0.5 by log Γ(x + 1) − log x equals the reflection formula', () => {
  let worst = 0;
  for (let i = 0; i <= 4000; i++) {
    const x = 1e-6 * Math.pow(10, (Math.log10(0.5) + 6) * (i / 4000));
    const want = logGammaByReflection(x);
    const error = Math.abs(logGamma(x) - want) / Math.max(1, Math.abs(want));
    worst = Math.max(worst, error);
    assert.ok(error <= 1e-12, `logGamma(${x}) = ${logGamma(x)}, reflection ${want}`);
  }
  // Continuous across the cut at 0.5.
  assert.ok(Math.abs(logGamma(0.5 - 1e-12) - logGamma(0.5)) < 1e-11);
  console.log(`worst relative difference ${worst.toExponential(2)}`);
});
