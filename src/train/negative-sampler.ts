import { InvalidArgumentError } from '../errors.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';

/**
 * Walker's alias method for drawing negative samples ∝ count^power: a uniform word i, then a uniform r; keep
 * i when r < probability[i], else take alias[i]. Exact up to float rounding, O(1) per draw, and 8 bytes per
 * word (600 KB for 75k words, so it stays in cache) where a unigram table needs tens of slots per word.
 */
export interface AliasTable {
  probability: Float32Array;
  alias: Int32Array;
}

/** Vose's construction of the alias table of `weights` (non-negative, not all zero). */
export function buildAliasTable(weights: ArrayLike<number>): AliasTable {
  const n = weights.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (!(w >= 0) || !Number.isFinite(w)) throw new InvalidArgumentError(`alias table weights must be finite and ≥ 0; weight ${i} is ${w}`);
    total += w;
  }
  if (!(total > 0)) throw new InvalidArgumentError('alias table needs at least one positive weight');
  const scaled = new Float64Array(n);
  for (let i = 0; i < n; i++) scaled[i] = (weights[i] * n) / total;
  const probability = new Float32Array(n);
  const alias = new Int32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = n - 1; i >= 0; i--) (scaled[i] < 1 ? small : large).push(i);
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large.pop()!;
    probability[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  // What is left has weight 1 up to rounding: it always keeps itself.
  for (const i of [...small, ...large]) {
    probability[i] = 1;
    alias[i] = i;
  }
  return { probability, alias };
}

/** The negative-sampling distribution of word2vec: count^power (0.75), as an alias table. */
export function negativeSampler(vocab: Vocabulary, power = 0.75): AliasTable {
  const weights = new Float64Array(vocab.size);
  for (let i = 0; i < vocab.size; i++) weights[i] = Math.pow(vocab.count(i), power);
  return buildAliasTable(weights);
}
