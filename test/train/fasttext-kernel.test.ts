import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FastTextKernel } from '../../src/kernels/fasttext-fast.ts';
import { FT_CTX, fastTextViewsOf, planFastTextLayout, type FastTextLayout, type FastTextTrainingLoss } from '../../src/kernels/fasttext-layout.ts';
import { seededRandom } from '../../src/util/random.ts';
import { buildHuffmanTree } from '../../src/vocab/huffman.ts';
import { keepProbabilities } from '../../src/vocab/sampling.ts';
import { drawOf, scaleBelow, unitFloat, xorshift32 } from '../../src/kernels/xorshift.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { assertTrainsAsReference, kernelMemory } from '../helpers/fasttext-kernel.ts';
import { needs } from '../helpers/oracles.ts';

/** A small model: 40 words with Zipf counts, 300 buckets, 1..8 subword rows per word, random rows. */
function model(cbow: boolean, loss: FastTextTrainingLoss, dim: number) {
  const V = 40;
  const bucket = 300;
  const rnd = seededRandom(11);
  const vocab = new Vocabulary(
    Array.from({ length: V }, (_, i) => `w${i}`),
    Array.from({ length: V }, (_, i) => Math.round(1000 / (i + 1))),
  );
  const offsets = [0];
  const rows: number[] = [];
  for (let i = 0; i < V; i++) {
    rows.push(i);
    const n = Math.floor(rnd() * 8);
    for (let k = 0; k < n; k++) rows.push(V + Math.floor(rnd() * bucket));
    offsets.push(rows.length);
  }
  const tree = loss === 'hs' ? buildHuffmanTree(vocab.counts) : undefined;
  const layout = planFastTextLayout({
    nwords: V, bucket, dim, subwordRows: rows.length, cbow, loss, neg: 4, ws: 3, lrUpdateRate: 7,
    huffmanBits: tree ? tree.codes.length : 0, maxChunkWords: 600, slots: 1, inputBuffers: 1,
  });
  const build = () =>
    kernelMemory(layout, vocab, tree, (v) => {
      v.subwordOffsets.set(offsets);
      v.subwordRows.set(rows);
      v.keep.set(keepProbabilities(vocab, 0.01, vocab.totalCount()));
    });
  return { layout, build };
}

/** Sentences of random words, Zipf-ish. */
function chunk(seed: number): { ids: Int32Array; ends: Int32Array } {
  const rnd = seededRandom(seed);
  const ids: number[] = [];
  const ends: number[] = [];
  for (let s = 0; s < 30; s++) {
    const len = 1 + Math.floor(rnd() * 15);
    for (let k = 0; k < len; k++) ids.push(Math.min(39, Math.floor(1 / (rnd() + 0.025))));
    ends.push(ids.length);
  }
  return { ids: Int32Array.from(ids), ends: Int32Array.from(ends) };
}

for (const cbow of [false, true]) {
  for (const loss of ['ns', 'hs', 'softmax'] as const) {
    for (const dim of [12, 10]) {
      test(`wasm kernel = TypeScript reference: ${cbow ? 'CBOW' : 'skip-gram'}, ${loss}, dim ${dim}`, async () => {
        const { layout, build } = model(cbow, loss, dim);
        const chunks = [0, 1, 2].map((c) => ({ ...chunk(100 + c), lr: [0.05 - c * 0.01, 0.04 - c * 0.01] as const }));
        await assertTrainsAsReference('wasm', layout, build, chunks);
      });
    }
    // Dim 10 takes the native kernel's 8-float step and 4-float tail; dim 45 (48 floats a row) its 32-float step too.
    for (const dim of [10, 45]) {
      test(`native kernel = TypeScript reference: ${cbow ? 'CBOW' : 'skip-gram'}, ${loss}, dim ${dim}`, async (t) => {
        if (!needs(t, 'native')) return;
        const { layout, build } = model(cbow, loss, dim);
        const chunks = [0, 1, 2].map((c) => ({ ...chunk(100 + c), lr: [0.05 - c * 0.01, 0.04 - c * 0.01] as const }));
        await assertTrainsAsReference('native', layout, build, chunks);
      });
    }
  }
}

/**
 * fastText's skip-gram rule written out literally: for every (centre, context) pair, hidden = mean of the centre
 * word's rows, score the context word and its negatives, then add the gradient to each of those rows. Draws
 * follow the reference kernel's order (window, then per prediction the negatives), so both see the same words.
 */
function literalSkipGram(buffer: ArrayBufferLike, layout: FastTextLayout, ids: Int32Array, ends: Int32Array, lr: number): void {
  const v = fastTextViewsOf(buffer, layout);
  const { nwords: V, ws, neg } = layout.shape;
  const stride = layout.rowFloats;
  const ctx = new DataView(buffer, layout.slots[0].ctx, FT_CTX.bytes);
  let rng = ctx.getInt32(FT_CTX.rng, true);
  const next = () => drawOf((rng = xorshift32(rng)));
  const hidden = new Float64Array(stride);
  const grad = new Float64Array(stride);
  const score = (o: number, label: number) => {
    let f = 0;
    for (let d = 0; d < stride; d++) f += hidden[d] * v.output[o * stride + d];
    // fastText's σ: 0 below −8, 1 above 8, in between the table cell at the left of f (cells 1/32 wide).
    const g = (label - (f > 8 ? 1 : f < -8 ? 0 : v.expTable[Math.trunc((f + 8) * 32)])) * lr;
    for (let d = 0; d < stride; d++) {
      grad[d] += g * v.output[o * stride + d];
      v.output[o * stride + d] += g * hidden[d];
    }
  };
  // fastText's SoftmaxLoss: every p_o from the rows as they are, then each row o in turn gets g = lr·([o = t] − p_o).
  const softmax = (target: number) => {
    const f = Array.from({ length: V }, (_, o) => {
      let x = 0;
      for (let d = 0; d < stride; d++) x += hidden[d] * v.output[o * stride + d];
      return x;
    });
    const max = Math.max(...f);
    const z = f.reduce((acc, x) => acc + Math.exp(x - max), 0);
    for (let o = 0; o < V; o++) {
      const g = ((o === target ? 1 : 0) - Math.exp(f[o] - max) / z) * lr;
      for (let d = 0; d < stride; d++) {
        grad[d] += g * v.output[o * stride + d];
        v.output[o * stride + d] += g * hidden[d];
      }
    }
  };
  let start = 0;
  for (const end of ends) {
    const sentence = ids.subarray(start, end);
    start = end;
    for (let i = 0; i < sentence.length; i++) {
      const b = 1 + scaleBelow(next(), ws);
      const lo = Math.max(0, i - b);
      const hi = Math.min(sentence.length - 1, i + b);
      if (hi === lo) continue;
      const from = v.subwordOffsets[sentence[i]];
      const to = v.subwordOffsets[sentence[i] + 1];
      for (let j = lo; j <= hi; j++) {
        if (j === i) continue;
        hidden.fill(0);
        grad.fill(0);
        for (let k = from; k < to; k++) for (let d = 0; d < stride; d++) hidden[d] += v.input[v.subwordRows[k] * stride + d] / (to - from);
        const target = sentence[j];
        if (layout.shape.loss === 'softmax') {
          softmax(target);
          for (let k = from; k < to; k++) for (let d = 0; d < stride; d++) v.input[v.subwordRows[k] * stride + d] += grad[d];
          continue;
        }
        score(target, 1);
        for (let n = 0; n < neg; n++) {
          let t = target;
          for (let tries = 0; tries < 64 && t === target; tries++) {
            t = scaleBelow(next(), V);
            if (!(unitFloat(next()) < v.aliasProbability[t])) t = v.aliasIndex[t];
          }
          if (t !== target) score(t, 0);
        }
        for (let k = from; k < to; k++) for (let d = 0; d < stride; d++) v.input[v.subwordRows[k] * stride + d] += grad[d];
      }
    }
  }
}

for (const loss of ['ns', 'softmax'] as const) {
test(`skip-gram equals fastText's per-pair rule (gradient scattered and hidden recomputed after every context word), ${loss}`, () => {
  const dim = 12;
  const { layout, build } = model(false, loss, dim);
  const distinctRows = (memory: WebAssembly.Memory) => {
    const v = fastTextViewsOf(memory.buffer, layout);
    const V = layout.shape.nwords;
    // No subsampling draws, and no word with a repeated row (the one case where the two rules part).
    v.keep.fill(1);
    for (let w = 0; w < V; w++) {
      for (let k = v.subwordOffsets[w] + 1; k < v.subwordOffsets[w + 1]; k++) v.subwordRows[k] = V + ((w * 37 + (k - v.subwordOffsets[w]) * 11) % layout.shape.bucket);
    }
    return memory;
  };
  const mOurs = distinctRows(build());
  const mLiteral = distinctRows(build());
  const { ids, ends } = chunk(200);
  new FastTextKernel(mOurs, layout, 0, 'reference').train(ids, ends, 0.05, 0.05);
  literalSkipGram(mLiteral.buffer, layout, ids, ends, 0.05);
  const ours = fastTextViewsOf(mOurs.buffer, layout);
  const literal = fastTextViewsOf(mLiteral.buffer, layout);
  const start = fastTextViewsOf(distinctRows(build()).buffer, layout);
  assert.ok(literal.input.some((x, i) => Math.abs(x - start.input[i]) > 1e-3), 'training moved the input rows');
  // Both read σ from the same table; the literal rule keeps hidden and the gradient in doubles.
  let worst = 0;
  for (let i = 0; i < ours.input.length; i++) worst = Math.max(worst, Math.abs(ours.input[i] - literal.input[i]));
  for (let i = 0; i < ours.output.length; i++) worst = Math.max(worst, Math.abs(ours.output[i] - literal.output[i]));
  assert.ok(worst < 1e-4, `largest difference ${worst}`);
});
}
