import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compactRows, unpad } from '../../src/train/rows.ts';

test('compactRows moves strided rows to the front in place and equals unpad\'s copy', () => {
  for (const [rows, dim, stride] of [[7, 5, 8], [3, 4, 4], [1, 3, 4], [0, 2, 4]] as const) {
    const data = Float32Array.from({ length: rows * stride + 3 }, (_, i) => Math.sin(i + 1));
    const expected = unpad(data, rows, dim, stride).slice();
    const compacted = compactRows(data, rows, dim, stride);
    assert.deepEqual(Array.from(compacted), Array.from(expected));
    // A view of the same memory, not a copy.
    assert.equal(compacted.buffer, data.buffer);
    assert.equal(compacted.byteOffset, data.byteOffset);
  }
});
