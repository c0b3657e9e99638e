import { fastTextViewsOf, MAX_SIGMOID, outputRowsOf, SIGMOID_TABLE_SIZE, sigmoidCell, type FastTextLayout } from './fasttext-layout.ts';
import { CTX } from './word2vec-layout.ts';
import { subsampleSentence } from './subsample.ts';
import { drawOf, scaleBelow, unitFloat, xorshift32 } from './xorshift.ts';

/** The probability a reported softmax loss is floored at (p underflows to 0 for a hopeless target). */
export const MIN_PROBABILITY = 1e-10;

/**
 * fastText's unsupervised update rule (skip-gram / CBOW with subwords) in plain TypeScript: the readable
 * definition any faster kernel is held to. It trains the chunk of word ids placed in a slot of the shared
 * memory, Hogwild style (other threads update the same rows without locks).
 *
 * Per sentence:
 *  1. Subsampling: word w is dropped when keep[w] < r, r a fresh uniform draw (fastText's discard test with
 *     keep = √(t/f) + t/f).
 *  2. For each remaining position i, centre word w, a window b drawn in 1..ws:
 *     - skip-gram: hidden = mean of w's input rows (its own row and its n-gram bucket rows); each context
 *       word c at distance ≤ b is predicted from it;
 *     - CBOW: hidden = mean of every input row of every context word; w is predicted from it.
 *  3. A prediction of target t: negative sampling scores t (label 1) and `neg` negatives drawn ∝ count^0.5
 *     (redrawn while equal to t, as fastText does); hierarchical softmax walks t's Huffman path (label = the
 *     code bit). Each scored output row o: f = hidden·o, g = lr·(label − σ(f)), grad += g·o, o += g·hidden.
 *     The full softmax scores every word o: p_o = exp(f_o − max f) / Σ, g = lr·([o = t] − p_o), and updates
 *     every output row the same way (float32 throughout, as fastText's SoftmaxLoss; O(vocabulary) per target).
 *  4. grad is added to every input row that made hidden, undivided (fastText divides only in supervised mode).
 *
 * Skip-gram, for speed: fastText scatters the gradient to the centre word's rows and recomputes hidden (their
 * mean) after every context word. Adding g to each of the rows adds g to their mean, so here hidden moves by
 * the gradient instead (hidden = hidden at the window's start + gradient so far) and the rows get the window's
 * summed gradient in one scatter at its end: the same arithmetic (up to float rounding and a word whose
 * n-gram list repeats a bucket row) for a tenth of the row traffic. CBOW is exactly fastText's.
 *
 * Supervised models (shape.labels > 0; fastText's `supervised`): each sentence is one example, its ids ≥ 0 the
 * input rows (words, their character n-grams, hashed word n-grams; all expanded by the caller) and its ids < 0
 * its labels (−1 − label). An example without rows or labels is skipped. hidden = mean of the rows; the target
 * is one of the example's labels drawn uniformly (softmax, ns, hs over the labels), or, with ova, every label is
 * scored (binary logistic, label 1 when the example has it); grad / rows is added to every row (fastText
 * normalises the gradient in supervised mode). No subsampling, no window.
 *
 * Learning rate: alphaStart at the chunk's first token, moving linearly to alphaEnd at its last, updated
 * every lrUpdateRate tokens (fastText updates its shared token count every lrUpdateRate tokens).
 * Random numbers: xorshift32* from the slot's state (see xorshift.ts).
 */
export function trainFastTextChunkReference(buffer: ArrayBufferLike, layout: FastTextLayout, slot: number, nSentences: number, alphaStart: number, alphaEnd: number): number {
  const v = fastTextViewsOf(buffer, layout);
  const s = layout.slots[slot];
  const sh = layout.shape;
  const ctx = new DataView(buffer, s.ctx, CTX.bytes);
  const stride = layout.rowFloats;
  const dim = stride; // the padding floats are zero and stay zero
  const ids = new Int32Array(buffer, ctx.getInt32(CTX.ids, true), sh.maxChunkWords);
  const ends = new Int32Array(buffer, ctx.getInt32(CTX.sentenceEnds, true), sh.maxChunkWords + 1);
  const work = new Int32Array(buffer, s.work, sh.maxChunkWords);
  const hidden = new Float32Array(buffer, s.hidden, stride);
  const grad = new Float32Array(buffer, s.grad, stride);
  const hiddenStart = new Float32Array(buffer, s.hiddenStart, stride);
  const { input, output, subwordOffsets, subwordRows, expTable, logTable, keep, aliasProbability, aliasIndex, codes, points, lengths, offsets } = v;
  const hs = sh.loss === 'hs';
  const softmax = sh.loss === 'softmax';
  const V = outputRowsOf(sh);
  const scores = new Float32Array(buffer, s.scores, softmax ? V : 0);

  let rng = ctx.getInt32(CTX.rng, true);
  const next = (): number => drawOf((rng = xorshift32(rng)));
  const below = (n: number): number => scaleBelow(next(), n);
  let lossSum = 0;
  let lossCount = 0;
  let lr = Math.fround(alphaStart);

  /** hidden · output row `o`. */
  const score = (o: number): number => {
    const off = o * stride;
    let f = 0;
    for (let d = 0; d < dim; d++) f += hidden[d] * output[off + d];
    return Math.fround(f);
  };
  /** grad += g · output row `o`, then that row += g · hidden. */
  const update = (o: number, g: number): void => {
    const off = o * stride;
    for (let d = 0; d < dim; d++) {
      const x = output[off + d];
      grad[d] += g * x;
      output[off + d] = x + g * hidden[d];
    }
  };

  /** Scores output row `o` against hidden with `label`; accumulates grad, updates the row; returns the loss. */
  const binaryLogistic = (o: number, label: number): number => {
    const f = score(o);
    const idx = sigmoidCell(Math.min(Math.max(f, -MAX_SIGMOID), MAX_SIGMOID));
    const sig = f > MAX_SIGMOID ? 1 : f < -MAX_SIGMOID ? 0 : expTable[idx];
    update(o, Math.fround(Math.fround(label - sig) * lr));
    // log(1 − σ(x)) = log σ(−x), and cell SIGMOID_TABLE_SIZE − i holds the point −x of cell i.
    return label === 1 ? -logTable[idx] : -logTable[SIGMOID_TABLE_SIZE - idx];
  };

  /** The full softmax over the vocabulary for `target`; returns −log p(target). */
  const fullSoftmax = (target: number): number => {
    let max = -Infinity;
    for (let o = 0; o < V; o++) {
      scores[o] = score(o);
      max = Math.max(max, scores[o]);
    }
    let z = 0;
    for (let o = 0; o < V; o++) {
      scores[o] = Math.exp(Math.fround(scores[o] - max));
      z = Math.fround(z + scores[o]);
    }
    let p = 0;
    for (let o = 0; o < V; o++) {
      const q = Math.fround(scores[o] / z);
      if (o === target) p = q;
      update(o, Math.fround(Math.fround((o === target ? 1 : 0) - q) * lr));
    }
    return -Math.log(Math.max(p, MIN_PROBABILITY));
  };

  /** A negative for `target`: alias draw ∝ count^0.5, redrawn while it equals the target (bounded, for 1-word vocabularies). */
  const negative = (target: number): number => {
    let t = target;
    for (let tries = 0; tries < 64 && t === target; tries++) {
      t = below(V);
      if (!(unitFloat(next()) < aliasProbability[t])) t = aliasIndex[t];
    }
    return t;
  };

  const predict = (target: number): void => {
    let loss = 0;
    if (softmax) {
      loss = fullSoftmax(target);
    } else if (hs) {
      const o = offsets[target];
      for (let k = 0; k < lengths[target]; k++) loss += binaryLogistic(points[o + k], codes[o + k]);
    } else {
      loss += binaryLogistic(target, 1);
      for (let k = 0; k < sh.neg; k++) {
        const t = negative(target);
        if (t !== target) loss += binaryLogistic(t, 0);
      }
    }
    lossSum += loss;
    lossCount++;
  };

  /** One supervised example (ids[from, to)): returns its input rows, 0 when it was skipped. */
  function supervisedExample(from: number, to: number): number {
    let rows = 0;
    for (let p = from; p < to; p++) if (ids[p] >= 0) rows++;
    const labels = to - from - rows;
    if (rows === 0 || labels === 0) return 0;
    hidden.fill(0);
    grad.fill(0);
    for (let p = from; p < to; p++) {
      if (ids[p] < 0) continue;
      const off = ids[p] * stride;
      for (let d = 0; d < dim; d++) hidden[d] += input[off + d];
    }
    meanHidden(rows);
    if (sh.loss === 'ova') {
      let loss = 0;
      for (let o = 0; o < V; o++) {
        let match = 0;
        for (let p = from; p < to; p++) if (ids[p] === -1 - o) match = 1;
        loss += binaryLogistic(o, match);
      }
      lossSum += loss;
      lossCount++;
    } else {
      // The k-th label of the example (they are its ids < 0, in order).
      let k = below(labels);
      let target = 0;
      for (let p = from; p < to; p++) {
        if (ids[p] >= 0) continue;
        if (k-- === 0) {
          target = -1 - ids[p];
          break;
        }
      }
      predict(target);
    }
    const inv = Math.fround(1 / rows);
    for (let d = 0; d < dim; d++) grad[d] *= inv;
    for (let p = from; p < to; p++) {
      if (ids[p] < 0) continue;
      const off = ids[p] * stride;
      for (let d = 0; d < dim; d++) input[off + d] += grad[d];
    }
    return rows;
  }

  /** hidden += every input row of word w; returns how many. */
  const addRows = (w: number): number => {
    const from = subwordOffsets[w];
    const to = subwordOffsets[w + 1];
    for (let k = from; k < to; k++) {
      const off = subwordRows[k] * stride;
      for (let d = 0; d < dim; d++) hidden[d] += input[off + d];
    }
    return to - from;
  };
  /** Every input row of word w += grad. */
  const scatter = (w: number): void => {
    for (let k = subwordOffsets[w]; k < subwordOffsets[w + 1]; k++) {
      const off = subwordRows[k] * stride;
      for (let d = 0; d < dim; d++) input[off + d] += grad[d];
    }
  };
  const meanHidden = (rows: number): void => {
    const inv = Math.fround(1 / rows);
    for (let d = 0; d < dim; d++) hidden[d] *= inv;
  };

  const total = nSentences > 0 ? ends[nSentences - 1] : 0;
  let sinceUpdate = 0;
  let kept = 0;
  let start = 0;
  if (sh.labels) {
    for (let sent = 0; sent < nSentences; sent++) {
      const end = ends[sent];
      sinceUpdate += end - start;
      if (sinceUpdate >= sh.lrUpdateRate) {
        sinceUpdate = 0;
        lr = Math.fround(alphaStart + (alphaEnd - alphaStart) * (start / Math.max(1, total)));
      }
      kept += supervisedExample(start, end);
      start = end;
    }
    ctx.setInt32(CTX.rng, rng, true);
    ctx.setFloat64(CTX.lossSum, lossSum, true);
    ctx.setFloat64(CTX.lossCount, lossCount, true);
    return kept;
  }
  for (let sent = 0; sent < nSentences; sent++) {
    const end = ends[sent];
    const n = subsampleSentence(ids, start, end, keep, next, work);
    sinceUpdate += end - start;
    if (sinceUpdate >= sh.lrUpdateRate) {
      sinceUpdate = 0;
      lr = Math.fround(alphaStart + (alphaEnd - alphaStart) * (start / Math.max(1, total)));
    }
    start = end;
    kept += n;
    for (let i = 0; i < n; i++) {
      const w = work[i];
      const b = 1 + below(sh.ws);
      const lo = Math.max(0, i - b);
      const hi = Math.min(n - 1, i + b);
      if (hi === lo) continue; // no context
      hidden.fill(0);
      grad.fill(0);
      if (!sh.cbow) {
        meanHidden(addRows(w));
        hiddenStart.set(hidden);
        for (let j = lo; j <= hi; j++) {
          if (j === i) continue;
          predict(work[j]);
          for (let d = 0; d < dim; d++) hidden[d] = hiddenStart[d] + grad[d];
        }
        scatter(w);
      } else {
        let rows = 0;
        for (let j = lo; j <= hi; j++) if (j !== i) rows += addRows(work[j]);
        meanHidden(rows);
        predict(w);
        for (let j = lo; j <= hi; j++) if (j !== i) scatter(work[j]);
      }
    }
  }
  ctx.setInt32(CTX.rng, rng, true);
  ctx.setFloat64(CTX.lossSum, lossSum, true);
  ctx.setFloat64(CTX.lossCount, lossCount, true);
  return kept;
}
