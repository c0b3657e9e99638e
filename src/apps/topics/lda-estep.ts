import { digamma, expDigammaMinus } from './lda-math.ts';

/**
 * The E-step of online LDA for one document (Hoffman, Blei & Bach 2010, fig. 1; gensim's LdaModel.inference): the
 * document's variational Dirichlet γ is iterated against the fixed topics until its mean absolute change falls below
 * the threshold. This is the hot loop of training, so the topics are stored word-major (row w holds
 * exp(E[log β_kw]) for k = 0..K−1): a document's words are K-long contiguous rows, read without gathering.
 */

/** Work buffers of one E-step, reused from document to document. */
export interface EStepBuffers {
  /** exp(E[log θ_dk]) of the last iteration: what the sufficient statistics are built from. */
  expElogtheta: Float64Array;
  /** γ before the current iteration. */
  last: Float64Array;
  /** Σ_w (c_w / φnorm_w) · exp(E[log β_kw]) per topic. */
  acc: Float64Array;
  /** c_w / φnorm_w per word of the document, for the sufficient statistics. */
  ratio: Float64Array;
}

export function eStepBuffers(K: number, longest: number): EStepBuffers {
  return { expElogtheta: new Float64Array(K), last: new Float64Array(K), acc: new Float64Array(K), ratio: new Float64Array(Math.max(1, longest)) };
}

/** float32's machine epsilon: gensim adds it to every φ normalizer (its model is float32). */
const EPSILON = 1.1920928955078125e-7;

/**
 * Runs the E-step on the document whose distinct words are ids[start..end) with counts cts[start..end). `gamma`
 * (K values) holds the random start and receives the result; `b` receives exp(E[log θ]) and the per-word ratios.
 * Returns the iterations run.
 */
export function inferDocument(
  ids: Int32Array,
  cts: Float64Array,
  start: number,
  end: number,
  expElogbeta: Float32Array,
  alpha: Float64Array,
  gamma: Float64Array,
  iterations: number,
  threshold: number,
  b: EStepBuffers,
): number {
  const K = alpha.length;
  const { expElogtheta, last, acc, ratio } = b;
  let it = 0;
  let change = Infinity;
  // exp(E[log θ]) is taken at one place, at the top of the loop, so that the JIT compiles it (and the digamma in it)
  // once in this function rather than twice.
  for (;;) {
    expTheta(gamma, expElogtheta);
    if (it === iterations || change / K < threshold) break;
    it++;
    acc.fill(0);
    // One sweep over the document's words: φ's normalizer for each word, then its share added to every topic.
    for (let i = start; i < end; i++) {
      const row = ids[i] * K;
      let phinorm = EPSILON;
      for (let k = 0; k < K; k++) phinorm += expElogtheta[k] * expElogbeta[row + k];
      const r = cts[i] / phinorm;
      for (let k = 0; k < K; k++) acc[k] += r * expElogbeta[row + k];
    }
    change = 0;
    for (let k = 0; k < K; k++) {
      last[k] = gamma[k];
      const g = alpha[k] + expElogtheta[k] * acc[k];
      gamma[k] = g;
      change += Math.abs(g - last[k]);
    }
  }
  // The normalizers for the final θ, as gensim's loop leaves them, for the sufficient statistics.
  for (let i = start; i < end; i++) {
    const row = ids[i] * K;
    let phinorm = EPSILON;
    for (let k = 0; k < K; k++) phinorm += expElogtheta[k] * expElogbeta[row + k];
    ratio[i - start] = cts[i] / phinorm;
  }
  return it;
}

/** exp(E[log θ]) = exp(ψ(γ_k) − ψ(Σγ)). */
export function expTheta(gamma: Float64Array, out: Float64Array): void {
  let sum = 0;
  for (let k = 0; k < gamma.length; k++) sum += gamma[k];
  const psiSum = digamma(sum);
  for (let k = 0; k < gamma.length; k++) out[k] = expDigammaMinus(gamma[k], psiSum);
}

/**
 * Adds the document's sufficient statistics, exp(E[log θ_k]) · c_w/φnorm_w · exp(E[log β_kw]), to `sstats` (word-major
 * like the topics). gensim multiplies by exp(E[log β]) once per chunk; the topics are fixed within a chunk, so this is
 * the same sum.
 */
export function addSufficientStats(ids: Int32Array, start: number, end: number, expElogbeta: Float32Array, b: EStepBuffers, sstats: Float64Array): void {
  const K = b.expElogtheta.length;
  const e = b.expElogtheta;
  for (let i = start; i < end; i++) {
    const row = ids[i] * K;
    const r = b.ratio[i - start];
    for (let k = 0; k < K; k++) sstats[row + k] += e[k] * r * expElogbeta[row + k];
  }
}
