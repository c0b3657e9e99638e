import assert from 'node:assert/strict';
import { test } from 'node:test';
import { xorshift32, xorshift32Jump } from '../../src/kernels/xorshift.ts';
import { initUniformRowRange, initUniformRows, rowRangeOf } from '../../src/train/rows.ts';
import { corpusFromLines, trainFastTextSupervised } from '../../src/train/index.ts';
import { DenseMatrix } from '../../src/vectors/fasttext-matrix.ts';

test('xorshift32Jump lands where that many xorshift32 steps do', () => {
  for (const start of [1, -7, 0x2545f491 ^ 3, 1 << 31]) {
    let x = start;
    let steps = 0;
    for (const target of [0, 1, 2, 31, 32, 33, 1000, 65537, 300001]) {
      for (; steps < target; steps++) x = xorshift32(x);
      assert.equal(xorshift32Jump(start, target), x, `start ${start}, ${target} steps`);
    }
  }
  assert.throws(() => xorshift32Jump(1, -1), RangeError);
});

test('rowRangeOf splits the rows into consecutive ranges that cover them once', () => {
  for (const [rows, parts] of [[10, 3], [2, 4], [0, 2], [2000003, 2], [7, 1]] as const) {
    let next = 0;
    for (let p = 0; p < parts; p++) {
      const { from, to } = rowRangeOf(rows, p, parts);
      assert.equal(from, next);
      assert.ok(to >= from && to - from <= Math.ceil(rows / parts));
      next = to;
    }
    assert.equal(next, rows);
  }
});

test('initUniformRowRange over split ranges gives initUniformRows\' values, padding untouched', () => {
  const [rows, dim, stride] = [37, 5, 8];
  const init = { seed: 3, salt: 0x2545f491, scale: 2 / dim, divisor: 1 };
  const whole = new Float32Array(rows * stride);
  initUniformRows(whole, rows, dim, stride, init);
  for (const parts of [1, 2, 3, 5]) {
    const split = new Float32Array(rows * stride);
    // Filled last range first: a range's values must not depend on the ranges before it having been filled.
    for (let p = parts - 1; p >= 0; p--) {
      const { from, to } = rowRangeOf(rows, p, parts);
      initUniformRowRange(split, from, to, dim, stride, init);
    }
    assert.deepEqual(split, whole, `${parts} parts`);
  }
});

test('supervised training\'s workers fill the input rows with initUniformRows\' values, at any thread count', async () => {
  const lines = Array.from({ length: 60 }, (_, i) => (i % 2 ? '__label__a red apple pie' : '__label__b blue sky today'));
  const dim = 6;
  const bucket = 3001;
  for (const threads of [1, 2, 3]) {
    // A learning rate so small that no update changes a float32 value: the trained rows are the starting rows.
    const { model } = await trainFastTextSupervised({ input: corpusFromLines(lines), dim, epochs: 1, alpha: 1e-30, wordNgrams: 2, bucket, threads, seed: 4 });
    const rows = model.vocab.size + bucket;
    const expected = new Float32Array(rows * dim);
    initUniformRows(expected, rows, dim, dim, { seed: 4, salt: 0x2545f491, scale: 2 / dim, divisor: 1 });
    assert.ok(model.input instanceof DenseMatrix);
    assert.deepEqual(model.input.data, expected, `${threads} threads`);
  }
});
