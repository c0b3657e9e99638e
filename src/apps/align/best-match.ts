import { similarityKernelNow, SimilarityIndex, type BestRowOptions, type BestRows } from '../../kernels/fast-similarity.ts';
import type { Embeddings } from '../../vectors/embeddings.ts';
import { neighbourhoodMeansReference, unitRow } from './csls.ts';

/**
 * The argmax step of dictionary induction, both ways: every source row's best target row and every target row's
 * best source row, by cosine or by CSLS, optionally with VecMap's stochastic dropout. On the WebAssembly search
 * kernel once it is compiled (SimilarityIndex.bestRows: an int8 scan, exact rescoring of the rows it cannot rule
 * out); matchBothWaysReference is the same definition in plain loops, kept as the tests' reference.
 */

/** The first `rows` rows of a space: what one side of a match searches. */
export interface MatchSide {
  space: Embeddings;
  rows: number;
}

/** How the best rows are chosen. */
export interface MatchOptions {
  /** CSLS (2·cos − r of the candidate; the query's own r cannot change its best row) rather than plain cosine. */
  csls: boolean;
  /** CSLS neighbourhood size. */
  k: number;
  /** VecMap's stochastic induction: each score is replaced by 0 unless its uniform draw is below keep. */
  dropout?: BestRowOptions['dropout'];
}

/** Each source row's best target row (`forward`) and each target row's best source row (`backward`). */
export interface BothWays {
  forward: BestRows;
  backward: BestRows;
}

/**
 * matchBothWays on the search kernel: one index per side, which gives both CSLS's neighbourhood means of the other
 * side's rows and the argmax over its own rows. The plain loops of matchBothWaysReference until the kernel is
 * compiled (await `loadSimilarityKernel()` or `Embeddings.prepare()` first), or where a side does not fit in wasm32
 * memory. Forward is computed before backward, query by query, so the dropout's draws reach the same rows on both paths.
 */
export function matchBothWays(source: MatchSide, target: MatchSide, o: MatchOptions): BothWays {
  const s = searchIndex(source);
  const t = searchIndex(target);
  if (!s || !t) return matchBothWaysReference(source, target, o);
  // neighbourhoodMeans(target, …, source, …): each target row's mean top-k cosine among the source rows.
  const rTarget = o.csls ? s.meanTopK(t.unit, target.rows, Math.min(o.k, source.rows), source.rows) : undefined;
  const rSource = o.csls ? t.meanTopK(s.unit, source.rows, Math.min(o.k, target.rows), target.rows) : undefined;
  const forward = t.bestRows(s.unit, source.rows, target.rows, { penalty: rTarget, dropout: o.dropout });
  const backward = s.bestRows(t.unit, target.rows, source.rows, { penalty: rSource, dropout: o.dropout });
  return { forward, backward };
}

/**
 * The brute-force definition of matchBothWays: for each query row, its exact scores s_j against the other side's
 * rows (`Embeddings.scoreRows`, zero rows NaN), v_j = s_j or 2·s_j − r_j (float64), v_j = 0 for each row the
 * dropout drops; the best row is the lowest j with the largest v_j, NaN never counting (row 0 when no v_j is a
 * number): ties go to the lower (more frequent) row, as the first-maximum argmax of VecMap and MUSE does.
 */
export function matchBothWaysReference(source: MatchSide, target: MatchSide, o: MatchOptions): BothWays {
  const rTarget = o.csls ? neighbourhoodMeansReference(target.space, target.rows, source.space, source.rows, o.k) : undefined;
  const rSource = o.csls ? neighbourhoodMeansReference(source.space, source.rows, target.space, target.rows, o.k) : undefined;
  const forward = bestRowsReference(source, target, rTarget, o.dropout);
  const backward = bestRowsReference(target, source, rSource, o.dropout);
  return { forward, backward };
}

function bestRowsReference(queries: MatchSide, base: MatchSide, penalty: Float32Array | undefined, dropout: MatchOptions['dropout']): BestRows {
  const n = queries.rows;
  const out: BestRows = { best: new Int32Array(n), maxCosine: new Float32Array(n).fill(NaN), bestCosine: new Float32Array(n).fill(NaN) };
  const v = new Float64Array(base.rows);
  const uniforms = new Float64Array(base.rows);
  for (let i = 0; i < n; i++) {
    dropout?.fill(uniforms);
    const s = base.space.scoreRows(unitRow(queries.space, i), 0, base.rows);
    let maxCos = -Infinity;
    for (let j = 0; j < base.rows; j++) if (s[j] > maxCos) maxCos = s[j];
    for (let j = 0; j < base.rows; j++) {
      v[j] = penalty ? 2 * s[j] - penalty[j] : s[j];
      if (dropout && !(uniforms[j] < dropout.keep)) v[j] = 0;
    }
    let arg = 0;
    let top = -Infinity;
    for (let j = 0; j < base.rows; j++) if (v[j] > top) [top, arg] = [v[j], j];
    out.best[i] = arg;
    if (maxCos > -Infinity) out.maxCosine[i] = maxCos;
    if (base.rows > 0) out.bestCosine[i] = s[arg];
  }
  return out;
}

/** A search index of the side's rows, or null while the kernel is not compiled or where the rows do not fit. */
function searchIndex(side: MatchSide): SimilarityIndex | null {
  if (!similarityKernelNow()) return null;
  return SimilarityIndex.tryCreate(side.space.vectors.subarray(0, side.rows * side.space.dim), side.space.dim);
}
