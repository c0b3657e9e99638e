import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedMemory } from '../../src/kernels/wasm.ts';
import { biasColumn, gloveScratch, rowStride, toTrainingRecords, trainRecords, type GloveParams } from '../../src/glove/kernel.ts';
import { recordBlock } from '../../src/glove/cooccur-file.ts';
import { compileGloveKernel, slotBytes, WasmGloveKernel } from '../../src/glove/wasm-kernel.ts';
import { seededRandom } from '../../src/util/random.ts';

const V = 30;

function setup(dim: number, gradClip: number) {
  const params: GloveParams = { vocabSize: V, dim, stride: rowStride(dim), biasAt: biasColumn(dim), eta: 0.05, gradClip };
  const floats = 2 * V * params.stride;
  const rnd = seededRandom(42);
  const weights = new Float32Array(floats);
  for (let r = 0; r < 2 * V; r++) {
    for (let c = 0; c < dim; c++) weights[r * params.stride + c] = rnd() - 0.5;
    weights[r * params.stride + params.biasAt] = rnd() - 0.5;
  }
  const gradsq = new Float32Array(floats).fill(1);
  // GloVe records, some with ids outside the vocabulary (skipped by both kernels), counts from tiny to large.
  const n = 600;
  const block = recordBlock(n);
  for (let k = 0; k < n; k++) {
    block.ints[4 * k] = k % 97 === 0 ? V + 1 : 1 + Math.floor(rnd() * V);
    block.ints[4 * k + 1] = k % 89 === 0 ? 0 : 1 + Math.floor(rnd() * V);
    block.values[2 * k + 1] = 0.05 + rnd() ** 3 * 300;
  }
  toTrainingRecords(block.ints, block.values, block.floats, n, 10, 0.75);
  return { params, weights, gradsq, block, n };
}

for (const { dim, gradClip } of [{ dim: 10, gradClip: 100 }, { dim: 16, gradClip: 100 }, { dim: 7, gradClip: 0.05 }]) {
  test(`WebAssembly kernel matches the TypeScript reference (dim ${dim}, clip ${gradClip})`, async () => {
    const { params, weights, gradsq, block, n } = setup(dim, gradClip);
    const bytes = weights.length * 4;
    const slot = 2 * bytes;
    const memory = sharedMemory(slot + slotBytes(params, n));
    const W = new Float32Array(memory.buffer, 0, weights.length);
    const G = new Float32Array(memory.buffer, bytes, gradsq.length);
    W.set(weights);
    G.set(gradsq);
    const wasm = new WasmGloveKernel(await compileGloveKernel(), memory, params, 0, bytes, slot, n);
    const costWasm = wasm.train(block.bytes, n);
    const costRef = trainRecords(weights, gradsq, block.ints, block.floats, n, params, gloveScratch(dim));
    assert.ok(Math.abs(costWasm - costRef) <= 1e-4 * costRef, `cost ${costWasm} vs ${costRef}`);
    let moved = 0;
    for (let r = 0; r < 2 * V; r++) {
      for (let c = 0; c < params.stride; c++) {
        const at = r * params.stride + c;
        if (c >= dim && c !== params.biasAt) {
          assert.equal(W[at], 0, 'vector padding stays zero');
          continue;
        }
        assert.ok(Math.abs(W[at] - weights[at]) <= 1e-4 * Math.max(1, Math.abs(weights[at])), `weight row ${r} col ${c}: ${W[at]} vs ${weights[at]}`);
        assert.ok(Math.abs(G[at] - gradsq[at]) <= 1e-4 * Math.max(1, gradsq[at]), `gradsq row ${r} col ${c}: ${G[at]} vs ${gradsq[at]}`);
        if (G[at] !== 1) moved++;
      }
    }
    assert.ok(moved > V * dim, 'the records really updated the parameters');
  });
}

test('one AdaGrad step lowers the cost of the record it was taken on', () => {
  const { params, weights, gradsq, block } = setup(8, 100);
  const scratch = gloveScratch(8);
  // Record 1 (record 0 names a word outside the vocabulary).
  const ints = block.ints.subarray(4);
  const floats = block.floats.subarray(4);
  const before = trainRecords(weights, gradsq, ints, floats, 1, params, scratch);
  const after = trainRecords(weights, gradsq, ints, floats, 1, params, scratch);
  assert.ok(before > 0);
  assert.ok(after < before, `${after} < ${before}`);
});
