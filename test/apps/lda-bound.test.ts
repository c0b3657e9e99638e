import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentBound } from '../../src/apps/topics/lda-bound.ts';
import { digamma, gammaSampler, logGamma } from '../../src/apps/topics/lda-math.ts';
import { seededRandom } from '../../src/util/random.ts';

/** gensim's definition of a document's part of the bound: log-sum-exp over topics of E[log θ] + E[log β]. */
function documentBoundByLogSumExp(ids: Int32Array, cts: Float64Array, expElogbeta: Float32Array, gamma: Float64Array, alpha: number): number {
  const K = gamma.length;
  const sum = gamma.reduce((s, g) => s + g, 0);
  const Elogtheta = Array.from(gamma, (g) => digamma(g) - digamma(sum));
  let score = 0;
  ids.forEach((w, i) => {
    const terms = Elogtheta.map((t, k) => t + Math.log(expElogbeta[w * K + k]));
    const max = Math.max(...terms);
    score += cts[i] * (max + Math.log(terms.reduce((s, x) => s + Math.exp(x - max), 0)));
  });
  gamma.forEach((g, k) => (score += (alpha - g) * Elogtheta[k] + logGamma(g)));
  return score - K * logGamma(alpha) + logGamma(alpha * K) - logGamma(sum);
}

test('a document\'s bound by the dot product with exp(E[log θ]) equals gensim\'s log-sum-exp', () => {
  const random = seededRandom(5);
  const draw = gammaSampler(random, 100, 1 / 100);
  for (const K of [2, 15, 50]) {
    const V = 300;
    // Topics as the E-step sees them: exp(E[log β]) of peaked λ, in float32.
    const lambda = Float64Array.from({ length: V * K }, () => draw() * (random() < 0.1 ? 200 : 0.05));
    const sums = new Float64Array(K);
    lambda.forEach((l, i) => (sums[i % K] += l));
    const expElogbeta = Float32Array.from(lambda, (l, i) => Math.exp(digamma(l) - digamma(sums[i % K])));
    const alpha = 1 / K;
    for (let doc = 0; doc < 20; doc++) {
      const ids = Int32Array.from({ length: 1 + Math.floor(random() * 40) }, (_, i) => (i * 7 + doc * 13) % V);
      const cts = Float64Array.from(ids, () => 1 + Math.floor(random() * 3));
      const gamma = Float64Array.from({ length: K }, () => alpha + (random() < 0.3 ? random() * 20 : random() * 1e-3));
      const sum = gamma.reduce((s, g) => s + g, 0);
      const expElogtheta = Float64Array.from(gamma, (g) => Math.exp(digamma(g) - digamma(sum)));
      const want = documentBoundByLogSumExp(ids, cts, expElogbeta, gamma, alpha);
      const got = documentBound(ids, cts, 0, ids.length, expElogbeta, expElogtheta, gamma, alpha);
      assert.ok(Math.abs(got - want) <= 1e-12 * Math.abs(want), `K=${K} doc ${doc}: ${got} against ${want}`);
    }
  }
});
