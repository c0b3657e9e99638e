import type { Embeddings } from '../../vectors/embeddings.ts';
import { neighbourhoodMeans, scoresAgainst, unitRow } from './csls.ts';

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
  /** The random source of the stochastic induction, uniform in [0, 1). */
  random?: () => number;
}

/** An induced dictionary and VecMap's objective: the mean of both directions' best cosines. */
export interface InducedDictionary {
  srcRows: Int32Array;
  tgtRows: Int32Array;
  objective: number;
}

/** Each query row's best base row under the options, and the mean best plain cosine. */
function bestMatches(queries: Embeddings, qRows: number, base: Embeddings, bRows: number, baseMeans: Float32Array | undefined, o: InduceOptions): { best: Int32Array; meanCos: number } {
  const best = new Int32Array(qRows);
  let sumCos = 0;
  const keep = o.keepProbability ?? 1;
  for (let i = 0; i < qRows; i++) {
    const s = scoresAgainst(unitRow(queries, i), base, bRows);
    let maxCos = -Infinity;
    for (let j = 0; j < bRows; j++) if (s[j] > maxCos) maxCos = s[j];
    if (baseMeans) for (let j = 0; j < bRows; j++) s[j] = 2 * s[j] - baseMeans[j];
    if (keep < 1 && o.random) for (let j = 0; j < bRows; j++) if (o.random() >= keep) s[j] = 0;
    let arg = 0;
    for (let j = 1; j < bRows; j++) if (s[j] > s[arg]) arg = j;
    best[i] = arg;
    if (Number.isFinite(maxCos)) sumCos += maxCos;
  }
  return { best, meanCos: qRows ? sumCos / qRows : 0 };
}

/**
 * Reads a dictionary off a mapped source space and a target space: every source word's nearest target word and
 * every target word's nearest source word, by cosine or CSLS, among the first `rows` rows of each.
 */
export function induceDictionary(source: Embeddings, target: Embeddings, o: InduceOptions): InducedDictionary {
  const sRows = Math.min(o.rows, source.size);
  const tRows = Math.min(o.rows, target.size);
  // CSLS's r of the candidates: the query's own r is the same for every candidate and cannot change the argmax.
  const rTarget = o.csls ? neighbourhoodMeans(target, tRows, source, sRows, o.k) : undefined;
  const rSource = o.csls ? neighbourhoodMeans(source, sRows, target, tRows, o.k) : undefined;
  const fwd = bestMatches(source, sRows, target, tRows, rTarget, o);
  const bwd = bestMatches(target, tRows, source, sRows, rSource, o);
  const src: number[] = [];
  const tgt: number[] = [];
  if (o.mode === 'mutual') {
    for (let i = 0; i < sRows; i++) {
      if (bwd.best[fwd.best[i]] === i) {
        src.push(i);
        tgt.push(fwd.best[i]);
      }
    }
  } else {
    for (let i = 0; i < sRows; i++) {
      src.push(i);
      tgt.push(fwd.best[i]);
    }
    for (let j = 0; j < tRows; j++) {
      src.push(bwd.best[j]);
      tgt.push(j);
    }
  }
  return { srcRows: Int32Array.from(src), tgtRows: Int32Array.from(tgt), objective: (fwd.meanCos + bwd.meanCos) / 2 };
}
