import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedMemory } from '../../src/kernels/wasm.ts';
import { compileWord2VecKernel, Word2VecKernel, type Word2VecKernelKind } from '../../src/kernels/word2vec-fast.ts';
import { readRng } from '../../src/kernels/chunk-feed.ts';
import { fillTables, KERNEL_VARIANT, planLayout, viewsOf, writeSlotConfig, type Word2VecShape } from '../../src/kernels/word2vec-layout.ts';
import { buildAliasTable } from '../../src/train/negative-sampler.ts';
import { buildHuffmanTree } from '../../src/vocab/huffman.ts';
import { needs } from '../helpers/oracles.ts';

/** A small deterministic generator for the test's own data (not the kernel's). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Mode {
  name: string;
  cbow: boolean;
  cbowMean: boolean;
  hs: boolean;
  negative: number;
  /** Hot hierarchical-softmax rows trained in a private copy and merged at the end of each call. */
  hotRows?: number;
  /** KERNEL_VARIANT bits: the bench's candidate rules must match between the kernels too. */
  variant?: number;
}

const MODES: Mode[] = [
  { name: 'skip-gram, negative sampling', cbow: false, cbowMean: true, hs: false, negative: 5 },
  { name: 'CBOW mean, negative sampling', cbow: true, cbowMean: true, hs: false, negative: 5 },
  { name: 'CBOW sum, negative sampling', cbow: true, cbowMean: false, hs: false, negative: 3 },
  { name: 'skip-gram, hierarchical softmax', cbow: false, cbowMean: true, hs: true, negative: 0 },
  { name: 'CBOW mean, hierarchical softmax', cbow: true, cbowMean: true, hs: true, negative: 0 },
  { name: 'skip-gram, hs + negative', cbow: false, cbowMean: true, hs: true, negative: 4 },
  { name: 'CBOW sum, hs + negative', cbow: true, cbowMean: false, hs: true, negative: 2 },
  { name: 'skip-gram, hierarchical softmax, private hot rows', cbow: false, cbowMean: true, hs: true, negative: 0, hotRows: 6 },
  { name: 'CBOW mean, hs + negative, private hot rows', cbow: true, cbowMean: true, hs: true, negative: 3, hotRows: 6 },
  { name: 'skip-gram, hierarchical softmax, hot rows merged once per chunk (variant)', cbow: false, cbowMean: true, hs: true, negative: 0, hotRows: 6, variant: KERNEL_VARIANT.hotEveryChunk },
  { name: 'skip-gram, negative sampling, negatives shared across the window (variant)', cbow: false, cbowMean: true, hs: false, negative: 5, variant: KERNEL_VARIANT.sharedNegatives },
  { name: 'skip-gram, hs + negative, saturated predictions skipped (variant)', cbow: false, cbowMean: true, hs: true, negative: 4, variant: KERNEL_VARIANT.skipSaturated },
];

const V = 40;
const DIM = 10; // not a multiple of 4: rows are padded, padding must stay inert

/** Builds a model with random (but reproducible) contents for a mode. */
function setup(mode: Mode, kind: Word2VecKernelKind, mod: WebAssembly.Module, maxChunkWords = 400, dim = DIM) {
  const rnd = lcg(7);
  // A real Huffman tree over Zipf-ish counts: the kernel relies on a path's inner nodes being distinct
  // (it takes every dot product of a path before updating any node), which every tree guarantees.
  const tree = buildHuffmanTree(Array.from({ length: V }, (_, w) => Math.floor(1000 / (w + 1)) + 1));
  const bits = tree.codes.length;
  const shape: Word2VecShape = {
    vocabSize: V,
    dim,
    negative: mode.negative,
    hs: mode.hs,
    cbow: mode.cbow,
    cbowMean: mode.cbowMean,
    window: 3,
    huffmanBits: mode.hs ? bits : 0,
    subsample: true,
    maxChunkWords,
    slots: 1,
    hotRows: mode.hotRows,
    variant: mode.variant,
  };
  const layout = planLayout(shape);
  const memory = sharedMemory(layout.totalBytes);
  const v = viewsOf(memory.buffer, layout);
  fillTables(v);
  for (let w = 0; w < V; w++) {
    for (let d = 0; d < dim; d++) {
      v.syn0[w * layout.rowFloats + d] = (rnd() - 0.5) / dim;
      if (mode.negative) v.syn1neg[w * layout.rowFloats + d] = (rnd() - 0.5) * 0.3;
      if (mode.hs && w < V - 1) v.syn1[w * layout.rowFloats + d] = (rnd() - 0.5) * 0.3;
    }
    v.keep[w] = w < 5 ? 0.4 + 0.1 * w : 1;
  }
  if (mode.negative) {
    const sampler = buildAliasTable(Array.from({ length: V }, () => rnd() ** 2));
    v.aliasProbability.set(sampler.probability);
    v.aliasIndex.set(sampler.alias);
  }
  if (mode.hs) {
    v.lengths.set(tree.lengths);
    v.offsets.set(tree.offsets);
    v.points.set(tree.points);
    v.codes.set(tree.codes);
  }
  writeSlotConfig(memory.buffer, layout, 0, 12345);
  return { memory, layout, views: v, kernel: new Word2VecKernel(memory, layout, 0, kind, mod) };
}

/** Sentences of random lengths (1..30 words), Zipf-ish ids so windows repeat words. */
function chunk(seed: number, nSentences: number): { ids: Int32Array; ends: Int32Array } {
  const rnd = lcg(seed);
  const ids: number[] = [];
  const ends: number[] = [];
  for (let s = 0; s < nSentences; s++) {
    const len = 1 + Math.floor(rnd() * 30);
    for (let k = 0; k < len; k++) ids.push(Math.floor(rnd() ** 1.5 * V));
    ends.push(ids.length);
  }
  return { ids: Int32Array.from(ids), ends: Int32Array.from(ends) };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Trains three chunks with `kind` and with the reference from the same start, and holds the results together:
 * the same subsampling, predictions and random draws, rows equal to float rounding (the native kernel sums in
 * another order and with fused multiply-adds, so it is not bit-identical).
 */
async function matchesReference(mode: Mode, kind: Word2VecKernelKind, dim: number): Promise<void> {
  const mod = await compileWord2VecKernel();
  const fast = setup(mode, kind, mod, 400, dim);
  const ref = setup(mode, 'reference', mod, 400, dim);
  assert.equal(maxAbsDiff(fast.views.syn0, ref.views.syn0), 0);
  const before = Float32Array.from(fast.views.syn0);
  for (let c = 0; c < 3; c++) {
    const { ids, ends } = chunk(100 + c, 12);
    const alpha = 0.05 * (1 - c / 4);
    const a = fast.kernel.train(ids, ends, alpha);
    const b = ref.kernel.train(ids, ends, alpha);
    assert.equal(a.kept, b.kept, 'same subsampling decisions');
    assert.ok(a.kept < ids.length, 'subsampling dropped some words');
    assert.equal(a.lossCount, b.lossCount, 'same number of predictions');
    assert.ok(Math.abs(a.lossSum - b.lossSum) <= 1e-3 * Math.max(1, b.lossSum), `loss ${a.lossSum} vs ${b.lossSum}`);
    assert.equal(readRng(fast.memory.buffer, fast.layout, 0), readRng(ref.memory.buffer, ref.layout, 0), 'same random draws');
  }
  assert.ok(maxAbsDiff(fast.views.syn0, before) > 1e-3, 'training moved the input vectors');
  assert.ok(maxAbsDiff(fast.views.syn0, ref.views.syn0) < 1e-5, `syn0 differs by ${maxAbsDiff(fast.views.syn0, ref.views.syn0)}`);
  if (mode.negative) assert.ok(maxAbsDiff(fast.views.syn1neg, ref.views.syn1neg) < 1e-5, 'syn1neg');
  if (mode.hs) assert.ok(maxAbsDiff(fast.views.syn1, ref.views.syn1) < 1e-5, 'syn1');
  // Row padding (floats dim..rowFloats) is never written.
  for (let w = 0; w < V; w++) {
    for (let d = dim; d < fast.layout.rowFloats; d++) assert.equal(fast.views.syn0[w * fast.layout.rowFloats + d], 0);
  }
}

for (const mode of MODES) {
  test(`wasm kernel matches the reference: ${mode.name}`, () => matchesReference(mode, 'wasm', DIM));
  // Dim 10 takes the native kernel's 8-lane step and its 4-float tail; dim 45 (48 floats a row) its 32-float step too.
  for (const dim of [DIM, 45]) {
    test(`native kernel matches the reference, dim ${dim}: ${mode.name}`, async (t) => {
      if (!needs(t, 'native')) return;
      await matchesReference(mode, 'native', dim);
    });
  }
}

test('a chunk larger than the slot is trained in pieces with the same result', async () => {
  const mod = await compileWord2VecKernel();
  const mode = MODES[0];
  const big = setup(mode, 'wasm', mod, 400);
  const small = setup(mode, 'wasm', mod, 32); // every test sentence (≤ 30 words) fits, the chunk does not
  const { ids, ends } = chunk(5, 20);
  assert.ok(ids.length > 32);
  const a = big.kernel.train(ids, ends, 0.025);
  const b = small.kernel.train(ids, ends, 0.025);
  assert.equal(a.kept, b.kept);
  assert.equal(maxAbsDiff(big.views.syn0, small.views.syn0), 0);
  assert.equal(maxAbsDiff(big.views.syn1neg, small.views.syn1neg), 0);
});

test('a sentence longer than the slot is cut, not dropped', async () => {
  const mod = await compileWord2VecKernel();
  const m = setup(MODES[1], 'wasm', mod, 16);
  const ids = new Int32Array(100).map((_, i) => 5 + (i % 7)); // ids ≥ 5 are never subsampled here
  const r = m.kernel.train(ids, Int32Array.of(100), 0.025);
  assert.equal(r.kept, 100);
  assert.ok(r.lossCount > 0);
});

test('skip-gram draws a fresh set of negatives for every context word (unless the shared variant is asked for)', async () => {
  const mod = await compileWord2VecKernel();
  // A flat negative distribution over many words, one sentence of distinct words, no subsampling: every
  // negative drawn is (almost surely) a new output row, so the rows that move count the negatives drawn.
  const words = 4000;
  const dim = 8;
  const changedRows = (variant: number) => {
    const shape: Word2VecShape = { vocabSize: words, dim, negative: 5, hs: false, cbow: false, cbowMean: true, window: 4, huffmanBits: 0, subsample: false, maxChunkWords: 64, slots: 1, variant };
    const layout = planLayout(shape);
    const memory = sharedMemory(layout.totalBytes);
    const v = viewsOf(memory.buffer, layout);
    fillTables(v);
    const rnd = lcg(3);
    for (let i = 0; i < words * layout.rowFloats; i++) if (i % layout.rowFloats < dim) v.syn0[i] = (rnd() - 0.5) / dim;
    const sampler = buildAliasTable(new Array<number>(words).fill(1));
    v.aliasProbability.set(sampler.probability);
    v.aliasIndex.set(sampler.alias);
    writeSlotConfig(memory.buffer, layout, 0, 99);
    const kernel = new Word2VecKernel(memory, layout, 0, 'wasm', mod);
    const n = 12;
    kernel.train(Int32Array.from({ length: n }, (_, i) => i), Int32Array.of(n), 0.025);
    let changed = 0;
    for (let w = n; w < words; w++) if (v.syn1neg[w * layout.rowFloats] !== 0) changed++;
    return { changed, n };
  };
  const perPair = changedRows(0);
  const shared = changedRows(KERNEL_VARIANT.sharedNegatives);
  // Shared: at most 5 negatives per position. Per pair: 5 per context word, and every position has ≥ 1.
  assert.ok(shared.changed <= 5 * shared.n, `shared negatives moved ${shared.changed} rows`);
  assert.ok(perPair.changed > 5 * perPair.n * 1.5, `per-pair negatives moved only ${perPair.changed} rows`);
});
