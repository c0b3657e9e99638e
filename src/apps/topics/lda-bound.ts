import { digamma, logGamma } from './lda-math.ts';

/**
 * The variational lower bound gensim's LdaModel.bound computes, which log_perplexity divides by the token count:
 * each document's part (its words under φ, and its θ against the Dirichlet prior α) and the topics' part (λ
 * against η). Each part is a small function of its own, called once per document or once per fit, so the JIT
 * compiles it on its own rather than the whole fitLda around one long loop.
 */

/**
 * Document d's part of the bound: Σ_w c_w log Σ_k exp(E[log θ_k] + E[log β_kw]) + Σ_k (α − γ_k) E[log θ_k] +
 * log Γ(γ_k) − K log Γ(α) + log Γ(Kα) − log Γ(Σγ). The inner sum over topics is taken as the dot product of
 * exp(E[log θ]) (the E-step's last `expElogtheta`) with the word's row of exp(E[log β]), the same sum the E-step's
 * φ normalizer takes, without gensim's log-sum-exp: both factors are far from underflow (E[log θ] ≥ ψ(α) − ψ(Σγ),
 * and exp(E[log β]) is what the E-step multiplies by), so one log per word replaces K exps.
 */
export function documentBound(
  ids: Int32Array,
  cts: Float64Array,
  start: number,
  end: number,
  expElogbeta: Float32Array,
  expElogtheta: Float64Array,
  gamma: Float64Array,
  alpha: number,
): number {
  const K = gamma.length;
  let score = 0;
  for (let i = start; i < end; i++) {
    const row = ids[i] * K;
    let dot = 0;
    for (let k = 0; k < K; k++) dot += expElogtheta[k] * expElogbeta[row + k];
    score += cts[i] * Math.log(dot);
  }
  let sum = 0;
  for (let k = 0; k < K; k++) sum += gamma[k];
  const psiSum = digamma(sum);
  for (let k = 0; k < K; k++) score += (alpha - gamma[k]) * (digamma(gamma[k]) - psiSum) + logGamma(gamma[k]);
  return score - K * logGamma(alpha) + logGamma(alpha * K) - logGamma(sum);
}

/**
 * The topics' part of the bound: Σ_kw (η − λ_kw) E[log β_kw] + log Γ(λ_kw) − log Γ(η), plus Σ_k log Γ(Vη) −
 * log Γ(Σ_w λ_kw). `sstats` is λ − η word-major, `topicSums` Σ_w λ_kw per topic; E[log β] is the log of the
 * float32 exp(E[log β]) the E-step used, as gensim takes it.
 */
export function topicsBound(sstats: Float64Array, expElogbeta: Float32Array, topicSums: Float64Array, eta: number): number {
  const K = topicSums.length;
  const V = sstats.length / K;
  const logEta = logGamma(eta);
  let score = 0;
  for (let i = 0; i < sstats.length; i++) {
    const lambda = sstats[i] + eta;
    score += (eta - lambda) * Math.log(expElogbeta[i]) + logGamma(lambda) - logEta;
  }
  for (let k = 0; k < K; k++) score += logGamma(eta * V) - logGamma(topicSums[k]);
  return score;
}
