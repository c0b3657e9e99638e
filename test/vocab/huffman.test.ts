import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHuffmanTree, type HuffmanTree } from '../../src/vocab/huffman.ts';
import { InvalidArgumentError } from '../../src/errors.ts';
import { rng } from '../text/helpers/files.ts';

function codeOf(t: HuffmanTree, i: number): { code: number[]; points: number[] } {
  const a = t.offsets[i];
  const b = a + t.lengths[i];
  return { code: [...t.codes.subarray(a, b)], points: [...t.points.subarray(a, b)] };
}

/** Checks the tree's shape: Kraft equality, monotone lengths, points in range, a consistent prefix-free decoding. */
function checkTree(counts: number[], t: HuffmanTree): void {
  const V = counts.length;
  let kraft = 0;
  for (let i = 0; i < V; i++) kraft += Math.pow(2, -t.lengths[i]);
  assert.ok(Math.abs(kraft - 1) < 1e-9, `Kraft sum ${kraft}`);
  for (let i = 0; i < V; i++) {
    for (let j = 0; j < V; j++) if (counts[i] > counts[j]) assert.ok(t.lengths[i] <= t.lengths[j], `word ${i} (count ${counts[i]}) longer than word ${j} (count ${counts[j]})`);
  }
  // Each inner node has at most one child per branch; following a word's code from the root reaches that word only.
  const child = new Map<string, string>();
  for (let i = 0; i < V; i++) {
    const { code, points } = codeOf(t, i);
    assert.equal(points[0], V - 2, 'every path starts at the root, node V-2');
    for (let k = 0; k < code.length; k++) {
      assert.ok(points[k] >= 0 && points[k] <= V - 2, 'inner node index in range');
      assert.ok(code[k] === 0 || code[k] === 1);
      const target = k + 1 < code.length ? `node${points[k + 1]}` : `word${i}`;
      const key = `${points[k]}/${code[k]}`;
      assert.ok(!child.has(key) || child.get(key) === target, `branch ${key} leads to two places`);
      child.set(key, target);
    }
  }
  // V-1 inner nodes with two children each: 2(V-1) distinct branches.
  assert.equal(child.size, 2 * (V - 1));
  assert.equal(t.maxLength, Math.max(...t.lengths));
}

test('a worked example: the C tool\'s merge order, node numbers and branch bits', () => {
  // Merges: (1:w3, 2:w2) → node 0 (3); node 0 vs w1 (3): the merged node wins the tie, then w1 → node 1 (6);
  // (w0 4, node 1 6) → node 2, the root. The second node of each merge takes branch 1.
  const t = buildHuffmanTree([4, 3, 2, 1]);
  assert.deepEqual(codeOf(t, 0), { code: [0], points: [2] });
  assert.deepEqual(codeOf(t, 1), { code: [1, 1], points: [2, 1] });
  assert.deepEqual(codeOf(t, 2), { code: [1, 0, 1], points: [2, 1, 0] });
  assert.deepEqual(codeOf(t, 3), { code: [1, 0, 0], points: [2, 1, 0] });
  assert.equal(t.maxLength, 3);
  checkTree([4, 3, 2, 1], t);
});

test('Zipf-like and random counts give a valid Huffman code with optimal total length', () => {
  const r = rng(5);
  for (const V of [2, 3, 17, 500]) {
    const zipf = Array.from({ length: V }, (_, i) => Math.floor(10000 / (i + 1)) + 1);
    const random = Array.from({ length: V }, () => 1 + Math.floor(r() * 1000));
    for (const counts of [zipf, random]) {
      const t = buildHuffmanTree(counts);
      checkTree(counts, t);
      // Optimality: the weighted length equals the sum of all merged weights (a property of any Huffman code).
      const weights = [...counts].sort((a, b) => a - b);
      let merged = 0;
      while (weights.length > 1) {
        const s = weights.shift()! + weights.shift()!;
        merged += s;
        let k = 0;
        while (k < weights.length && weights[k] < s) k++;
        weights.splice(k, 0, s);
      }
      const weighted = counts.reduce((s, c, i) => s + c * t.lengths[i], 0);
      assert.equal(weighted, merged, `V=${V}`);
    }
  }
});

test('unsorted counts give each word the code its count deserves', () => {
  const sorted = buildHuffmanTree([9, 5, 5, 2, 1]);
  const shuffled = buildHuffmanTree([2, 9, 1, 5, 5]);
  // Word with count 9 is index 0 in one and index 1 in the other; same code.
  assert.deepEqual(codeOf(shuffled, 1), codeOf(sorted, 0));
  assert.deepEqual(codeOf(shuffled, 2), codeOf(sorted, 4));
  checkTree([2, 9, 1, 5, 5], shuffled);
});

test('degenerate vocabularies and bad counts', () => {
  const one = buildHuffmanTree([7]);
  assert.equal(one.lengths[0], 0);
  assert.equal(one.maxLength, 0);
  assert.equal(buildHuffmanTree([]).lengths.length, 0);
  assert.throws(() => buildHuffmanTree([1, -1]), InvalidArgumentError);
  assert.throws(() => buildHuffmanTree([1, NaN]), InvalidArgumentError);
});
