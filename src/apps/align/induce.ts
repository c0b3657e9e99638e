import type { Embeddings } from '../../vectors/embeddings.ts';
import { matchBothWays, matchBothWaysReference } from './best-match.ts';

/** How a dictionary is read off two spaces in one coordinate system. */
export interface InduceOptions {
  /** Rows of each space searched (the most frequent words). */
  rows: number;
  /** CSLS rather than plain cosine. */
  csls: boolean;
  /** CSLS neighbourhood size. */
  k: number;
  /** `mutual`: pairs that are each other's nearest neighbour (MUSE's refinement); `union`: both directions' (VecMap). */
  mode: 'mutual' | 'union';
  /** Stochastic induction (VecMap): each score is kept with this probability, else set to 0, before the argmax. */
  keepProbability?: number;
  /** The random source of the stochastic induction: fills its argument with uniforms in [0, 1), one per row. */
  random?: (uniforms: Float64Array) => void;
  /** Plain loops instead of the search kernel (the tests' reference; same answer). */
  reference?: boolean;
}

/** An induced dictionary and VecMap's objective: the mean of both directions' best cosines. */
export interface InducedDictionary {
  srcRows: Int32Array;
  tgtRows: Int32Array;
  objective: number;
}

/**
 * Reads a dictionary off a mapped source space and a target space: every source word's nearest target word and
 * every target word's nearest source word, by cosine or CSLS, among the first `rows` rows of each (matchBothWays:
 * on the search kernel once it is compiled).
 */
export function induceDictionary(source: Embeddings, target: Embeddings, o: InduceOptions): InducedDictionary {
  const sRows = Math.min(o.rows, source.size);
  const tRows = Math.min(o.rows, target.size);
  const keep = o.keepProbability ?? 1;
  const dropout = keep < 1 && o.random ? { keep, fill: o.random } : undefined;
  const match = o.reference ? matchBothWaysReference : matchBothWays;
  const { forward, backward } = match({ space: source, rows: sRows }, { space: target, rows: tRows }, { csls: o.csls, k: o.k, dropout });
  const fwd = forward.best;
  const bwd = backward.best;
  const src: number[] = [];
  const tgt: number[] = [];
  if (o.mode === 'mutual') {
    for (let i = 0; i < sRows; i++) {
      if (bwd[fwd[i]] === i) {
        src.push(i);
        tgt.push(fwd[i]);
      }
    }
  } else {
    for (let i = 0; i < sRows; i++) {
      src.push(i);
      tgt.push(fwd[i]);
    }
    for (let j = 0; j < tRows; j++) {
      src.push(bwd[j]);
      tgt.push(j);
    }
  }
  return { srcRows: Int32Array.from(src), tgtRows: Int32Array.from(tgt), objective: (meanFinite(forward.maxCosine) + meanFinite(backward.maxCosine)) / 2 };
}

/** The sum of the finite values over their count including the others (0 for none): VecMap's mean best cosine. */
function meanFinite(values: Float32Array): number {
  let sum = 0;
  for (const v of values) if (Number.isFinite(v)) sum += v;
  return values.length ? sum / values.length : 0;
}
