import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FastTextKernel } from '../../src/kernels/fasttext-fast.ts';
import { fastTextViewsOf, planFastTextLayout, type FastTextTrainingLoss } from '../../src/kernels/fasttext-layout.ts';
import { seededRandom } from '../../src/util/random.ts';
import { buildHuffmanTree } from '../../src/vocab/huffman.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { assertTrainsAsReference, kernelMemory } from '../helpers/fasttext-kernel.ts';
import { needs } from '../helpers/oracles.ts';

/** A supervised model: 40 words, 300 buckets, 6 labels with skewed counts, random rows. */
function model(loss: FastTextTrainingLoss, dim: number) {
  const V = 40;
  const L = 6;
  const bucket = 300;
  const labels = new Vocabulary(Array.from({ length: L }, (_, i) => `__label__${i}`), Array.from({ length: L }, (_, i) => 60 - i * 9));
  const tree = loss === 'hs' ? buildHuffmanTree(labels.counts) : undefined;
  const layout = planFastTextLayout({
    nwords: V, bucket, dim, subwordRows: V, cbow: false, labels: L, loss, neg: 3, ws: 1, lrUpdateRate: 7,
    huffmanBits: tree ? tree.codes.length : 0, maxChunkWords: 600, slots: 1, inputBuffers: 1,
  });
  const build = () => kernelMemory(layout, labels, tree);
  return { layout, build, rows: V + bucket, L };
}

/** Examples: 0..12 input rows and 0..3 labels (−1 − label) mixed in, some without rows or labels. */
function chunk(seed: number, rows: number, L: number): { ids: Int32Array; ends: Int32Array } {
  const rnd = seededRandom(seed);
  const ids: number[] = [];
  const ends: number[] = [];
  for (let s = 0; s < 40; s++) {
    const n = Math.floor(rnd() * 13);
    const nl = Math.floor(rnd() * 4);
    const example: number[] = [];
    for (let k = 0; k < n; k++) example.push(Math.floor(rnd() * rows));
    for (let k = 0; k < nl; k++) example.splice(Math.floor(rnd() * (example.length + 1)), 0, -1 - Math.floor(rnd() * L));
    if (example.length === 0) continue;
    ids.push(...example);
    ends.push(ids.length);
  }
  return { ids: Int32Array.from(ids), ends: Int32Array.from(ends) };
}

for (const loss of ['softmax', 'ns', 'hs', 'ova'] as const) {
  for (const dim of [12, 10]) {
    test(`supervised wasm kernel = TypeScript reference: ${loss}, dim ${dim}`, async () => {
      const { layout, build, rows, L } = model(loss, dim);
      const chunks = [0, 1, 2].map((c) => ({ ...chunk(100 + c, rows, L), lr: [0.1 - c * 0.02, 0.08 - c * 0.02] as const }));
      await assertTrainsAsReference('wasm', layout, build, chunks, { minPredictions: 10, outputMoves: true });
    });
  }
  for (const dim of [10, 45]) {
    test(`supervised native kernel = TypeScript reference: ${loss}, dim ${dim}`, async (t) => {
      if (!needs(t, 'native')) return;
      const { layout, build, rows, L } = model(loss, dim);
      const chunks = [0, 1, 2].map((c) => ({ ...chunk(100 + c, rows, L), lr: [0.1 - c * 0.02, 0.08 - c * 0.02] as const }));
      await assertTrainsAsReference('native', layout, build, chunks, { minPredictions: 10, outputMoves: true });
    });
  }
}

test('supervised reference: one example, softmax, is fastText\'s update written out', () => {
  const dim = 4;
  const { layout, build } = model('softmax', dim);
  const memory = build();
  const v = fastTextViewsOf(memory.buffer, layout);
  const stride = layout.rowFloats;
  const before = { input: v.input.slice(), output: v.output.slice() };
  const rows = [3, 50, 3];
  const label = 2;
  const lr = 0.1;
  new FastTextKernel(memory, layout, 0, 'reference').train(Int32Array.from([rows[0], -1 - label, rows[1], rows[2]]), Int32Array.from([4]), lr, lr);
  // Model::update: hidden = mean of rows; SoftmaxLoss: p = softmax(W_o hidden); each output row o gets
  // α = lr·([o = label] − p_o): grad += α·o, o += α·hidden; then every row += grad / rows.
  const hidden = new Float64Array(dim);
  for (const r of rows) for (let d = 0; d < dim; d++) hidden[d] += before.input[r * stride + d] / rows.length;
  const f = Array.from({ length: 6 }, (_, o) => hidden.reduce((acc, h, d) => acc + h * before.output[o * stride + d], 0));
  const z = f.reduce((acc, x) => acc + Math.exp(x - Math.max(...f)), 0);
  const grad = new Float64Array(dim);
  for (let o = 0; o < 6; o++) {
    const alpha = lr * ((o === label ? 1 : 0) - Math.exp(f[o] - Math.max(...f)) / z);
    for (let d = 0; d < dim; d++) {
      grad[d] += alpha * before.output[o * stride + d];
      assert.ok(Math.abs(v.output[o * stride + d] - (before.output[o * stride + d] + alpha * hidden[d])) < 1e-6, `output row ${o}`);
    }
  }
  // Row 3 appears twice, so it gets the gradient twice.
  for (let d = 0; d < dim; d++) {
    assert.ok(Math.abs(v.input[3 * stride + d] - (before.input[3 * stride + d] + (2 * grad[d]) / 3)) < 1e-6, 'row 3');
    assert.ok(Math.abs(v.input[50 * stride + d] - (before.input[50 * stride + d] + grad[d] / 3)) < 1e-6, 'row 50');
  }
});
