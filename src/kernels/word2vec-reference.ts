import { subsampleSentence } from './subsample.ts';
import { drawOf, scaleBelow, xorshift32 } from './xorshift.ts';
import { CTX, EXP_TABLE_SIZE, KERNEL_VARIANT, MAX_EXP, negBlockInts, viewsOf, type Word2VecLayout } from './word2vec-layout.ts';

/**
 * The Word2Vec update rule in plain TypeScript: the readable definition the WebAssembly kernel
 * (wasm/word2vec.wat) is tested against. Both read a chunk of word ids from a slot of the shared memory and
 * make exactly the same random draws in the same order, so from the same state they reach the same vectors
 * (up to float rounding).
 *
 * Per sentence of the chunk:
 *  1. Subsampling: a word w with keep[w] < 1 is dropped when keep[w] < r, r a fresh uniform draw in [0,1).
 *  2. For each remaining position i, centre word w:
 *     - effective window: b = below(window), win = window - b (so 1..window), as word2vec does;
 *     - negatives: `negative` draws from the unigram^0.75 distribution by the alias method (a uniform word t
 *       from below(V), then a uniform r: t if r < probability[t], else alias[t]); a draw equal to w is
 *       dropped. One set per prediction, as word2vec C and gensim: skip-gram draws a fresh set for each context
 *       word of the window (all drawn before the window is trained, in window order, so the fast kernel can
 *       start every row's cache miss at once), CBOW one set for the position. (Sharing one set across the
 *       window, KERNEL_VARIANT.sharedNegatives, cost skip-gram quality on small corpora: fewer distinct
 *       negatives per update);
 *     - skip-gram: for each context word c (j in [i-win, i+win], j ≠ i): input row syn0[c], predictions
 *       hierarchical softmax along w's Huffman path, then w (label 1) and each negative (label 0);
 *       syn0[c] += accumulated error;
 *     - CBOW: input neu1 = Σ syn0[c] over the window (÷ count when cbowMean), same predictions, then every
 *       syn0[c] += error (error ÷ count first when summing, so the step size does not grow with the window).
 *  A prediction of `out` from input `l1` with label y: f = l1·out; σ from the table; g = (y − σ)·alpha;
 *  error += g·out; out += g·l1 (out is read before it is written). Negative sampling clamps σ to 0/1 beyond
 *  ±MAX_EXP (word2vec C; KERNEL_VARIANT.skipSaturated skips them, as gensim); hierarchical softmax skips such
 *  nodes, as word2vec does.
 *
 * Random numbers: xorshift32* (xorshift.ts), one state per worker slot, kept in the slot's configuration block; below(n) =
 * floor(x·n / 2^32) turns a draw x into an integer in 0..n-1 without a division.
 */
export function trainChunkReference(buffer: ArrayBufferLike, layout: Word2VecLayout, slot: number, nSentences: number, alpha: number): number {
  const v = viewsOf(buffer, layout);
  const s = layout.slots[slot];
  const sh = layout.shape;
  const ctx = new DataView(buffer, s.ctx, CTX.bytes);
  const stride = layout.rowFloats;
  const dim = stride; // padding floats are zero, so iterating over them changes nothing
  const ids = new Int32Array(buffer, ctx.getInt32(CTX.ids, true), sh.maxChunkWords);
  const ends = new Int32Array(buffer, ctx.getInt32(CTX.sentenceEnds, true), sh.maxChunkWords + 1);
  const work = new Int32Array(buffer, s.work, sh.maxChunkWords);
  const neu1 = new Float32Array(buffer, s.neu1, stride);
  const neu1e = new Float32Array(buffer, s.neu1e, stride);
  const block = negBlockInts(sh.negative);
  const negs = new Int32Array(buffer, s.negs, 2 * sh.window * block);
  const variant = ctx.getInt32(CTX.variant, true);
  const sharedNegatives = (variant & KERNEL_VARIANT.sharedNegatives) !== 0;
  const skipSaturated = (variant & KERNEL_VARIANT.skipSaturated) !== 0;
  const { syn0, syn1neg, syn1, expTable, logTable, aliasProbability, aliasIndex, keep, codes, points, lengths, offsets } = v;
  const a32 = Math.fround(alpha);
  const scale = Math.fround(EXP_TABLE_SIZE / MAX_EXP / 2);

  let rng = ctx.getInt32(CTX.rng, true);
  const next = (): number => drawOf((rng = xorshift32(rng)));
  /** floor(x·n / 2^32) for the next random x, computed exactly in doubles (the kernel uses a 64-bit product). */
  const below = (n: number): number => scaleBelow(next(), n);
  let lossSum = 0;
  let lossCount = 0;

  /** One prediction: returns nothing, updates `out` (array, row offset) and err. */
  const predict = (inp: Float32Array, inOff: number, out: Float32Array, outOff: number, label: number, skipOutside: boolean) => {
    let f = 0;
    for (let d = 0; d < dim; d++) f += inp[inOff + d] * out[outOff + d];
    f = Math.fround(f);
    if (skipOutside && (f <= -MAX_EXP || f >= MAX_EXP)) return;
    const fc = Math.min(Math.max(f, -MAX_EXP), MAX_EXP);
    let idx = Math.trunc(Math.fround(Math.fround(fc + MAX_EXP) * scale));
    if (idx > EXP_TABLE_SIZE - 1) idx = EXP_TABLE_SIZE - 1;
    const sig = f > MAX_EXP ? 1 : f < -MAX_EXP ? 0 : expTable[idx];
    const g = Math.fround(Math.fround(label - sig) * a32);
    lossSum -= label === 1 ? logTable[idx] : logTable[EXP_TABLE_SIZE - 1 - idx];
    lossCount++;
    for (let d = 0; d < dim; d++) {
      const o = out[outOff + d];
      neu1e[d] += g * o;
      out[outOff + d] = o + g * inp[inOff + d];
    }
  };

  /** All predictions of centre word w from input (inp, inOff), with the negatives of block `b` of negs. */
  const predictAll = (w: number, b: number, inp: Float32Array, inOff: number) => {
    if (sh.hs) {
      const o = offsets[w];
      for (let d = 0; d < lengths[w]; d++) predict(inp, inOff, syn1, points[o + d] * stride, 1 - codes[o + d], true);
    }
    if (sh.negative > 0) {
      const at = b * block;
      predict(inp, inOff, syn1neg, w * stride, 1, skipSaturated);
      for (let k = 0; k < negs[at]; k++) predict(inp, inOff, syn1neg, negs[at + 1 + k] * stride, 0, skipSaturated);
    }
  };

  let kept = 0;
  let start = 0;
  for (let sent = 0; sent < nSentences; sent++) {
    const end = ends[sent];
    const n = subsampleSentence(ids, start, end, sh.subsample ? keep : undefined, next, work);
    start = end;
    kept += n;
    for (let i = 0; i < n; i++) {
      const w = work[i];
      const win = sh.window - below(sh.window);
      const lo = Math.max(0, i - win);
      const hi = Math.min(n - 1, i + win);
      // One block of negatives per prediction: per context word for skip-gram, one for CBOW.
      const sets = sh.cbow || sharedNegatives ? 1 : hi - lo;
      for (let b = 0; b < sets; b++) {
        const at = b * block;
        let nNeg = 0;
        for (let k = 0; k < sh.negative; k++) {
          let t = below(sh.vocabSize);
          if (!((next() >>> 8) * 2 ** -24 < aliasProbability[t])) t = aliasIndex[t];
          if (t !== w) negs[at + 1 + nNeg++] = t;
        }
        negs[at] = nNeg;
      }
      if (!sh.cbow) {
        for (let j = lo, b = 0; j <= hi; j++) {
          if (j === i) continue;
          const c = work[j] * stride;
          neu1e.fill(0);
          predictAll(w, sharedNegatives ? 0 : b++, syn0, c);
          for (let d = 0; d < dim; d++) syn0[c + d] += neu1e[d];
        }
      } else {
        const cw = hi - lo;
        if (cw === 0) continue;
        neu1.fill(0);
        for (let j = lo; j <= hi; j++) {
          if (j === i) continue;
          const c = work[j] * stride;
          for (let d = 0; d < dim; d++) neu1[d] += syn0[c + d];
        }
        const inv = Math.fround(1 / cw);
        if (sh.cbowMean) for (let d = 0; d < dim; d++) neu1[d] *= inv;
        neu1e.fill(0);
        predictAll(w, 0, neu1, 0);
        if (!sh.cbowMean) for (let d = 0; d < dim; d++) neu1e[d] *= inv;
        for (let j = lo; j <= hi; j++) {
          if (j === i) continue;
          const c = work[j] * stride;
          for (let d = 0; d < dim; d++) syn0[c + d] += neu1e[d];
        }
      }
    }
  }
  ctx.setInt32(CTX.rng, rng, true);
  ctx.setFloat64(CTX.lossSum, lossSum, true);
  ctx.setFloat64(CTX.lossCount, lossCount, true);
  return kept;
}
