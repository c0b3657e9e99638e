/**
 * Answers many analogy questions "a is to b as c is to ?" at once over the candidate rows [0, end) of a
 * unit-norm matrix.
 *
 * Per question, gensim ranks every candidate by cos(x, b) + cos(x, c) − cos(x, a) (3CosAdd: the cosine to
 * the normalized mean b + c − a ranks the same) or by the shifted-cosine product
 * ((1+cos(x,b))/2 · (1+cos(x,c))/2) / ((1+cos(x,a))/2 + 1e-6) (3CosMul). Either way a score only needs the
 * three cosines cos(x, ·). A test set has few distinct words (questions-words: 19,544 questions, ~900
 * words), so the cosines of every candidate to every question word are computed once, a block of
 * candidates at a time (one small matrix product), and each question then only adds or multiplies three
 * rows of that block while keeping its running top 5. That turns 19,544 matrix-vector products into
 * about 900, and the whole test set takes seconds.
 */

export type AnalogyMethod = '3cosadd' | '3cosmul';

/** How many of the best candidates gensim looks at (most_similar(..., topn=5)). */
export const ANALOGY_TOPN = 5;

export interface AnalogyBatch {
  /** Unit-norm rows, row-major, `dim` floats each. */
  unit: Float32Array;
  dim: number;
  /** Candidates are rows [0, end). */
  end: number;
  /** Row norms before normalization; zero rows are never candidates (their cosines are undefined). */
  norms: Float32Array;
  /** Question rows as consecutive (a, b, c) triples: a − b, c − ? */
  triples: Int32Array;
  method: AnalogyMethod;
}

/** Bytes of cosine block kept at once: big enough to amortize the loops, small enough to stay in cache. */
const BLOCK_FLOATS = 1 << 20;

/**
 * For each question, its best candidate rows, best first (ANALOGY_TOPN of them, fewer when there are not
 * that many candidates), never one of the question's own rows. Padding is −1.
 */
export function topCandidates(batch: AnalogyBatch): Int32Array {
  const { unit, dim, end, norms, triples, method } = batch;
  const questions = triples.length / 3;
  const { words, slotOf } = distinctRows(triples);
  const wordCount = words.length;
  const wordVectors = new Float32Array(wordCount * dim);
  words.forEach((row, w) => wordVectors.set(unit.subarray(row * dim, (row + 1) * dim), w * dim));

  const blockRows = Math.max(64, Math.min(end, Math.floor(BLOCK_FLOATS / Math.max(1, wordCount))));
  const cosines = new Float32Array(wordCount * blockRows);
  const bestScore = new Float64Array(questions * ANALOGY_TOPN).fill(-Infinity);
  const bestRow = new Int32Array(questions * ANALOGY_TOPN).fill(-1);
  // Offsets of each question's three rows of cosines within the block.
  const slots = Int32Array.from(triples, (row) => slotOf.get(row)!);

  for (let start = 0; start < end; start += blockRows) {
    const rows = Math.min(blockRows, end - start);
    cosineBlock(unit, dim, start, rows, norms, wordVectors, wordCount, blockRows, cosines);
    const scan = method === '3cosadd' ? scanCosAdd : scanCosMul;
    for (let q = 0; q < questions; q++) {
      const a = triples[3 * q];
      const b = triples[3 * q + 1];
      const c = triples[3 * q + 2];
      const heap = q * ANALOGY_TOPN;
      let threshold = bestScore[heap + ANALOGY_TOPN - 1];
      let i = 0;
      // The scan stops at each candidate that beats the question's current 5th best; most never do.
      while ((i = scan(cosines, slots[3 * q] * blockRows, slots[3 * q + 1] * blockRows, slots[3 * q + 2] * blockRows, i, rows, threshold)) < rows) {
        const row = start + i;
        if (row !== a && row !== b && row !== c) threshold = insert(bestScore, bestRow, heap, candidateScore, row);
        i++;
      }
    }
  }
  return bestRow;
}

let candidateScore = 0;

/**
 * First i in [from, rows) whose 3CosAdd score cos(x,b) + cos(x,c) − cos(x,a) beats `threshold`, or `rows`;
 * the score is left in candidateScore. NaN scores (zero rows) never beat it.
 */
function scanCosAdd(cos: Float32Array, oa: number, ob: number, oc: number, from: number, rows: number, threshold: number): number {
  for (let i = from; i < rows; i++) {
    const score = cos[ob + i] + cos[oc + i] - cos[oa + i];
    if (score > threshold) {
      candidateScore = score;
      return i;
    }
  }
  return rows;
}

/** As scanCosAdd for 3CosMul: (1+cos(x,b))/2 · (1+cos(x,c))/2 / ((1+cos(x,a))/2 + 1e-6). */
function scanCosMul(cos: Float32Array, oa: number, ob: number, oc: number, from: number, rows: number, threshold: number): number {
  for (let i = from; i < rows; i++) {
    const score = ((1 + cos[ob + i]) * (1 + cos[oc + i]) * 0.25) / ((1 + cos[oa + i]) * 0.5 + 0.000001);
    if (score > threshold) {
      candidateScore = score;
      return i;
    }
  }
  return rows;
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

/**
 * out[w * stride + i] = cos(word w, candidate start + i) for i < rows; NaN for zero candidate rows.
 * Register-blocked: two candidate rows times four words per pass, so each load feeds several products
 * (about 3.5 GFLOP/s in plain JavaScript here, against 1.5 for one dot product at a time).
 */
function cosineBlock(
  unit: Float32Array,
  dim: number,
  start: number,
  rows: number,
  norms: Float32Array,
  words: Float32Array,
  wordCount: number,
  stride: number,
  out: Float32Array,
): void {
  let i = 0;
  for (; i + 2 <= rows; i += 2) {
    const o = (start + i) * dim;
    const p = o + dim;
    let w = 0;
    for (; w + 4 <= wordCount; w += 4) {
      const w0 = w * dim;
      const w1 = w0 + dim;
      const w2 = w1 + dim;
      const w3 = w2 + dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let j = 0; j < dim; j++) {
        const x = unit[o + j];
        const y = unit[p + j];
        const a = words[w0 + j];
        const b = words[w1 + j];
        const c = words[w2 + j];
        const d = words[w3 + j];
        s0 += x * a;
        s1 += x * b;
        s2 += x * c;
        s3 += x * d;
        t0 += y * a;
        t1 += y * b;
        t2 += y * c;
        t3 += y * d;
      }
      const k = w * stride + i;
      out[k] = s0;
      out[k + 1] = t0;
      out[k + stride] = s1;
      out[k + stride + 1] = t1;
      out[k + 2 * stride] = s2;
      out[k + 2 * stride + 1] = t2;
      out[k + 3 * stride] = s3;
      out[k + 3 * stride + 1] = t3;
    }
    for (; w < wordCount; w++) {
      out[w * stride + i] = dotAt(unit, o, words, w * dim, dim);
      out[w * stride + i + 1] = dotAt(unit, p, words, w * dim, dim);
    }
  }
  for (; i < rows; i++) {
    for (let w = 0; w < wordCount; w++) out[w * stride + i] = dotAt(unit, (start + i) * dim, words, w * dim, dim);
  }
  for (let r = 0; r < rows; r++) {
    if (norms[start + r] === 0) for (let w = 0; w < wordCount; w++) out[w * stride + r] = NaN;
  }
}

function dotAt(x: Float32Array, xo: number, y: Float32Array, yo: number, n: number): number {
  let s = 0;
  for (let j = 0; j < n; j++) s += x[xo + j] * y[yo + j];
  return s;
}
