/**
 * Answers many analogy questions "a is to b as c is to ?" at once over the candidate rows [0, end).
 *
 * Per question, gensim ranks every candidate x by cos(x, b) + cos(x, c) − cos(x, a) (3CosAdd: the cosine
 * to the normalized mean of b, c and −a ranks the same) or by the shifted-cosine product
 * ((1+cos(x,b))/2 · (1+cos(x,c))/2) / ((1+cos(x,a))/2 + 1e-6) (3CosMul). Either way a score needs only the
 * three cosines cos(x, ·), and a test set has few distinct words (questions-words: 19,544 questions,
 * ~900 words). So the cosines of every candidate to every question word are computed once, a block of
 * candidates at a time, and each question then only combines three rows of that block while keeping its
 * running top 5: about 900 matrix-vector products instead of 19,544.
 *
 * Most candidates cannot enter a question's top 5. The block is cut into strips of STRIP rows with each
 * word's largest and smallest cosine per strip; a strip whose best possible score (largest cos to b and c,
 * smallest to a) does not beat the question's current 5th best is skipped whole. Both scores grow with
 * cos(x,b) and cos(x,c) and shrink with cos(x,a), and rounding is monotone, so the bound is exact and the
 * answers are those of the full scan. (3CosMul is monotone only while 1 + cos ≥ 0: a strip where a cosine
 * rounded below −1 is always scanned.)
 */

export type AnalogyMethod = '3cosadd' | '3cosmul';

/** How many of the best candidates gensim looks at (most_similar(..., topn=5)). */
export const ANALOGY_TOPN = 5;

export interface AnalogyBatch {
  /** Unit vector of a row (a view is fine). */
  unitRow: (row: number) => Float32Array;
  /** Cosines of a unit query with rows [start, end); NaN for zero rows, which are never candidates. */
  scoreRows: (query: Float32Array, start: number, end: number) => Float32Array;
  /** Candidates are rows [0, end). */
  end: number;
  /** Question rows as consecutive (a, b, c) triples: a is to b as c is to ? */
  triples: Int32Array;
  method: AnalogyMethod;
}

/** Floats of cosines kept at once: big enough to amortize the loops, small enough to stay in cache. */
const BLOCK_FLOATS = 1 << 20;
/** Rows per strip with its own cosine bounds. */
const STRIP = 32;

/**
 * For each question, its best candidate rows, best first (ANALOGY_TOPN of them, fewer when there are not
 * that many candidates), never one of the question's own rows. Padding is −1.
 */
export function topCandidates(batch: AnalogyBatch): Int32Array {
  const { end, triples, method } = batch;
  const questions = triples.length / 3;
  const { words, slotOf } = distinctRows(triples);
  const wordCount = words.length;
  const wordVectors = words.map((row) => Float32Array.from(batch.unitRow(row)));

  const blockRows = Math.max(STRIP, Math.min(end, Math.floor(BLOCK_FLOATS / Math.max(1, wordCount) / STRIP) * STRIP));
  const stripsPerBlock = Math.ceil(blockRows / STRIP);
  const cosines = new Float32Array(wordCount * blockRows);
  const stripMax = new Float32Array(wordCount * stripsPerBlock);
  const stripMin = new Float32Array(wordCount * stripsPerBlock);
  const alwaysScan = new Uint8Array(stripsPerBlock);
  const bestScore = new Float64Array(questions * ANALOGY_TOPN).fill(-Infinity);
  const bestRow = new Int32Array(questions * ANALOGY_TOPN).fill(-1);
  const slots = Int32Array.from(triples, (row) => slotOf.get(row)!);
  // A flag tested inline, not a function chosen per method: a call site that has seen both functions
  // stops being inlined, and the inner loop then runs several times slower.
  const add = method === '3cosadd';

  for (let start = 0; start < end; start += blockRows) {
    const rows = Math.min(blockRows, end - start);
    const strips = Math.ceil(rows / STRIP);
    alwaysScan.fill(0);
    for (let w = 0; w < wordCount; w++) {
      cosines.set(batch.scoreRows(wordVectors[w], start, start + rows), w * blockRows);
      stripBounds(cosines, w * blockRows, rows, stripMax, stripMin, w * stripsPerBlock, alwaysScan);
    }
    for (let q = 0; q < questions; q++) {
      const a = triples[3 * q];
      const b = triples[3 * q + 1];
      const c = triples[3 * q + 2];
      const sa = slots[3 * q];
      const sb = slots[3 * q + 1];
      const sc = slots[3 * q + 2];
      const oa = sa * blockRows;
      const ob = sb * blockRows;
      const oc = sc * blockRows;
      const heap = q * ANALOGY_TOPN;
      let threshold = bestScore[heap + ANALOGY_TOPN - 1];
      for (let k = 0; k < strips; k++) {
        const la = stripMin[sa * stripsPerBlock + k];
        const hb = stripMax[sb * stripsPerBlock + k];
        const hc = stripMax[sc * stripsPerBlock + k];
        const bound = add ? cosAdd(la, hb, hc) : cosMul(la, hb, hc);
        // Also false when the strip holds only zero rows (bound NaN or −∞).
        if (!(bound > threshold) && alwaysScan[k] === 0) continue;
        const stop = Math.min(rows, (k + 1) * STRIP);
        for (let i = k * STRIP; i < stop; i++) {
          const ca = cosines[oa + i];
          const cb = cosines[ob + i];
          const cc = cosines[oc + i];
          const s = add ? cosAdd(ca, cb, cc) : cosMul(ca, cb, cc);
          if (!(s > threshold)) continue; // NaN (zero rows) fails too
          const row = start + i;
          if (row !== a && row !== b && row !== c) threshold = insert(bestScore, bestRow, heap, s, row);
        }
      }
    }
  }
  return bestRow;
}

/** 3CosAdd score from the cosines to a, b and c. */
function cosAdd(ca: number, cb: number, cc: number): number {
  return cb + cc - ca;
}

/** 3CosMul score (cosines shifted to [0, 1], gensim's 1e-6 guard against division by zero). */
function cosMul(ca: number, cb: number, cc: number): number {
  return ((1 + cb) * 0.5 * ((1 + cc) * 0.5)) / ((1 + ca) * 0.5 + 0.000001);
}

/** Largest and smallest cosine of each strip of one word's row of cosines (NaN ignored); flags strips below −1. */
function stripBounds(cos: Float32Array, offset: number, rows: number, max: Float32Array, min: Float32Array, out: number, alwaysScan: Uint8Array): void {
  for (let k = 0, i = 0; i < rows; k++) {
    const stop = Math.min(rows, i + STRIP);
    let hi = -Infinity;
    let lo = Infinity;
    for (; i < stop; i++) {
      const v = cos[offset + i];
      if (v > hi) hi = v;
      if (v < lo) lo = v;
    }
    max[out + k] = hi;
    min[out + k] = lo;
    if (lo < -1) alwaysScan[k] = 1;
  }
}

/** Puts (score, row) into a question's best-first list of ANALOGY_TOPN; returns the new 5th-best score. */
function insert(bestScore: Float64Array, bestRow: Int32Array, heap: number, score: number, row: number): number {
  const last = heap + ANALOGY_TOPN - 1;
  let k = last;
  // Equal scores keep the earlier row first.
  while (k > heap && bestScore[k - 1] < score) {
    bestScore[k] = bestScore[k - 1];
    bestRow[k] = bestRow[k - 1];
    k--;
  }
  bestScore[k] = score;
  bestRow[k] = row;
  return bestScore[last];
}

/** The distinct rows named by the questions, and each one's slot. */
function distinctRows(triples: Int32Array): { words: number[]; slotOf: Map<number, number> } {
  const slotOf = new Map<number, number>();
  const words: number[] = [];
  for (const row of triples) {
    if (!slotOf.has(row)) {
      slotOf.set(row, words.length);
      words.push(row);
    }
  }
  return { words, slotOf };
}
