import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileFastTextKernel, FastTextKernel } from '../../src/kernels/fasttext-fast.ts';
import { FT_CTX, fastTextViewsOf, planFastTextLayout, writeFastTextSlotConfig, type FastTextLayout } from '../../src/kernels/fasttext-layout.ts';
import { sharedMemory } from '../../src/kernels/wasm.ts';
import { fillSigmoidTables } from '../../src/kernels/word2vec-layout.ts';
import { negativeSampler } from '../../src/train/negative-sampler.ts';
import { seededRandom } from '../../src/util/random.ts';
import { buildHuffmanTree } from '../../src/vocab/huffman.ts';
import { keepProbabilities } from '../../src/vocab/sampling.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';

/** A small model: 40 words with Zipf counts, 300 buckets, 1..8 subword rows per word, random rows. */
function model(cbow: boolean, loss: 'ns' | 'hs', dim: number) {
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
  const build = (): WebAssembly.Memory => {
    const memory = sharedMemory(layout.totalBytes);
    const v = fastTextViewsOf(memory.buffer, layout);
    fillSigmoidTables(v.expTable, v.logTable);
    v.subwordOffsets.set(offsets);
    v.subwordRows.set(rows);
    v.keep.set(keepProbabilities(vocab, 0.01, vocab.totalCount()));
    if (tree) {
      v.codes.set(tree.codes);
      v.points.set(tree.points);
      v.lengths.set(tree.lengths);
      v.offsets.set(tree.offsets);
    } else {
      const s = negativeSampler(vocab, 0.5);
      v.aliasProbability.set(s.probability);
      v.aliasIndex.set(s.alias);
    }
    const r = seededRandom(5);
    const fill = (a: Float32Array, scale: number) => {
      for (let i = 0; i < a.length; i++) if (i % layout.rowFloats < dim) a[i] = (r() - 0.5) * scale;
    };
    fill(v.input, 0.5);
    fill(v.output, 0.5);
    writeFastTextSlotConfig(memory.buffer, layout, 0, 9);
    return memory;
  };
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

function close(a: Float32Array, b: Float32Array, what: string): void {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
  assert.ok(worst < 1e-4, `${what}: worst relative difference ${worst}`);
}

function rngOf(memory: WebAssembly.Memory, layout: FastTextLayout): number {
  return new DataView(memory.buffer, layout.slots[0].ctx, FT_CTX.bytes).getInt32(FT_CTX.rng, true);
}

for (const cbow of [false, true]) {
  for (const loss of ['ns', 'hs'] as const) {
    for (const dim of [12, 10]) {
      test(`wasm kernel = TypeScript reference: ${cbow ? 'CBOW' : 'skip-gram'}, ${loss}, dim ${dim}`, async () => {
        const { layout, build } = model(cbow, loss, dim);
        const module = await compileFastTextKernel();
        const mRef = build();
        const mWasm = build();
        const ref = new FastTextKernel(mRef, layout, 0, 'reference');
        const fast = new FastTextKernel(mWasm, layout, 0, 'wasm', module);
        for (let c = 0; c < 3; c++) {
          const { ids, ends } = chunk(100 + c);
          const a = ref.train(ids, ends, 0.05 - c * 0.01, 0.04 - c * 0.01);
          const b = fast.train(ids, ends, 0.05 - c * 0.01, 0.04 - c * 0.01);
          assert.equal(b.kept, a.kept, 'same words kept');
          assert.equal(b.lossCount, a.lossCount, 'same predictions');
          assert.ok(Math.abs(a.lossSum - b.lossSum) <= 1e-3 * Math.max(1, Math.abs(a.lossSum)), `loss ${a.lossSum} vs ${b.lossSum}`);
          assert.equal(rngOf(mWasm, layout), rngOf(mRef, layout), 'same random draws');
        }
        const vr = fastTextViewsOf(mRef.buffer, layout);
        const vw = fastTextViewsOf(mWasm.buffer, layout);
        close(vr.input, vw.input, 'input rows');
        close(vr.output, vw.output, 'output rows');
        const start = fastTextViewsOf(build().buffer, layout);
        assert.ok(vr.input.some((x, i) => x !== start.input[i]), 'training changed the input rows');
        for (let i = 0; i < vw.input.length; i++) if (i % layout.rowFloats >= dim) assert.equal(vw.input[i], 0, 'padding stays zero');
      });
    }
  }
}
