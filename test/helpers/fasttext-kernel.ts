import assert from 'node:assert/strict';
import { compileFastTextKernel, FastTextKernel, type FastTextKernelKind } from '../../src/kernels/fasttext-fast.ts';
import { fillFastTextSigmoidTables, FT_CTX, fastTextViewsOf, writeFastTextOutputTables, type FastTextLayout, type FastTextViews } from '../../src/kernels/fasttext-layout.ts';
import { sharedMemory } from '../../src/kernels/wasm.ts';
import { negativeSampler } from '../../src/train/negative-sampler.ts';
import { seededRandom } from '../../src/util/random.ts';
import type { HuffmanTree } from '../../src/vocab/huffman.ts';
import type { Vocabulary } from '../../src/vocab/vocabulary.ts';

/*
 * What the fastText kernel tests share (word vectors and classifiers run the same kernel): a training memory filled
 * as the trainers fill it, with random rows, and the check that the WebAssembly and native kernels train as the
 * TypeScript reference does.
 */

/**
 * A fresh memory for `layout`: σ tables, what `fillWords` writes (subword lists, keep probabilities), rows drawn
 * from a fixed seed (padding left zero), the output tables over `outputs` (the Huffman tree given for hs,
 * negatives ∝ count^0.5 for ns) and slot 0's configuration. Every call returns the same contents.
 */
export function kernelMemory(layout: FastTextLayout, outputs: Vocabulary, tree: HuffmanTree | undefined, fillWords: (v: FastTextViews) => void = () => {}): WebAssembly.Memory {
  const memory = sharedMemory(layout.totalBytes);
  const v = fastTextViewsOf(memory.buffer, layout);
  fillFastTextSigmoidTables(v.expTable, v.logTable);
  fillWords(v);
  const r = seededRandom(5);
  const dim = layout.shape.dim;
  const fill = (a: Float32Array, scale: number) => {
    for (let i = 0; i < a.length; i++) if (i % layout.rowFloats < dim) a[i] = (r() - 0.5) * scale;
  };
  fill(v.input, 0.5);
  fill(v.output, 0.5);
  const negatives = layout.shape.loss === 'ns' ? negativeSampler(outputs, 0.5) : undefined;
  writeFastTextOutputTables(memory.buffer, layout, v, { tree, negatives }, 9);
  return memory;
}

/** Every value of `b` within 1e-4 of `a`'s, relative to the value where it is above 1. */
export function assertClose(a: Float32Array, b: Float32Array, what: string): void {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
  assert.ok(worst < 1e-4, `${what}: worst relative difference ${worst}`);
}

/** Slot 0's random state. */
export function rngOf(memory: WebAssembly.Memory, layout: FastTextLayout): number {
  return new DataView(memory.buffer, layout.slots[0].ctx, FT_CTX.bytes).getInt32(FT_CTX.rng, true);
}

/** A chunk to train: ids, sentence ends, and the learning rate at its start and at its end. */
export interface KernelChunk {
  ids: Int32Array;
  ends: Int32Array;
  lr: readonly [number, number];
}

/** What a test asks beyond the kernels' agreement. */
export interface AgreementChecks {
  /** Each chunk makes more predictions than this (on the reference). */
  minPredictions?: number;
  /** Training moves the output rows too (the input rows are always checked). */
  outputMoves?: boolean;
}

/**
 * Trains the chunks from two copies of one memory, with the TypeScript reference and with the `kind` kernel (the
 * WebAssembly one, or the native one, which sums in another order and with fused multiply-adds), and holds them to
 * each other: after every chunk the same tokens kept, the same number of predictions, the loss
 * within 1e-3 and the same random state; at the end the rows within 1e-4, moved from where they started, and the
 * rows' padding still zero.
 */
export async function assertTrainsAsReference(kind: Exclude<FastTextKernelKind, 'reference'>, layout: FastTextLayout, build: () => WebAssembly.Memory, chunks: readonly KernelChunk[], checks: AgreementChecks = {}): Promise<void> {
  const module = await compileFastTextKernel();
  const mRef = build();
  const mFast = build();
  const ref = new FastTextKernel(mRef, layout, 0, 'reference');
  const fast = new FastTextKernel(mFast, layout, 0, kind, module);
  for (const { ids, ends, lr } of chunks) {
    const a = ref.train(ids, ends, lr[0], lr[1]);
    const b = fast.train(ids, ends, lr[0], lr[1]);
    if (checks.minPredictions !== undefined) assert.ok(a.lossCount > checks.minPredictions, 'examples were trained');
    assert.equal(b.kept, a.kept, 'same tokens kept');
    assert.equal(b.lossCount, a.lossCount, 'same predictions');
    assert.ok(Math.abs(a.lossSum - b.lossSum) <= 1e-3 * Math.max(1, Math.abs(a.lossSum)), `loss ${a.lossSum} vs ${b.lossSum}`);
    assert.equal(rngOf(mFast, layout), rngOf(mRef, layout), 'same random draws');
  }
  const vr = fastTextViewsOf(mRef.buffer, layout);
  const vw = fastTextViewsOf(mFast.buffer, layout);
  assertClose(vr.input, vw.input, 'input rows');
  assertClose(vr.output, vw.output, 'output rows');
  const start = fastTextViewsOf(build().buffer, layout);
  assert.ok(vr.input.some((x, i) => x !== start.input[i]), 'training changed the input rows');
  if (checks.outputMoves) assert.ok(vr.output.some((x, i) => x !== start.output[i]), 'training changed the output rows');
  const dim = layout.shape.dim;
  for (let i = 0; i < vw.input.length; i++) if (i % layout.rowFloats >= dim) assert.equal(vw.input[i], 0, 'padding stays zero');
}
