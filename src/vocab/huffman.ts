import { InvalidArgumentError } from '../errors.ts';

/**
 * Huffman codes for hierarchical softmax, flattened into typed arrays. Word i's path from the root is
 * codes[offsets[i] .. offsets[i] + lengths[i]) (the branch taken, 0 or 1, at each inner node) and
 * points[same range] (those inner nodes). Inner nodes are numbered 0..V−2 in the order they are merged, so the
 * root is V−2, as in the word2vec C tool; row p of the hierarchical-softmax output matrix belongs to inner node p.
 */
export interface HuffmanTree {
  codes: Uint8Array;
  points: Int32Array;
  lengths: Uint8Array;
  offsets: Int32Array;
  maxLength: number;
}

/**
 * Builds the tree from word counts by the linear two-queue method (leaves sorted by count, merged nodes come
 * out in non-decreasing weight): repeatedly merge the two lightest nodes, preferring an already merged node
 * over a leaf of equal weight, the larger of the pair taking branch 1. On a vocabulary sorted by descending
 * count this yields the same codes and node numbers as the C tool; an unsorted one is sorted first (stably).
 */
export function buildHuffmanTree(counts: ArrayLike<number>): HuffmanTree {
  const V = counts.length;
  for (let i = 0; i < V; i++) {
    if (!(counts[i] >= 0) || !Number.isFinite(counts[i])) {
      throw new InvalidArgumentError(`Huffman tree needs finite non-negative counts; word ${i} has ${counts[i]}`);
    }
  }
  const order = descendingOrder(counts);
  const nodes = Math.max(2 * V - 1, 0);
  const weight = new Float64Array(nodes);
  const parent = new Int32Array(nodes).fill(-1);
  const branch = new Uint8Array(nodes);
  for (let k = 0; k < V; k++) weight[k] = counts[order[k]];

  let leaf = V - 1; // next lightest unmerged leaf (leaves are in descending order)
  let inner = V; // next lightest unmerged inner node
  const lightest = (created: number): number => {
    if (leaf >= 0 && (inner >= created || weight[leaf] < weight[inner])) return leaf--;
    return inner++;
  };
  for (let a = 0; a < V - 1; a++) {
    const node = V + a;
    const first = lightest(node);
    const second = lightest(node);
    weight[node] = weight[first] + weight[second];
    parent[first] = node;
    parent[second] = node;
    branch[second] = 1;
  }

  const lengths = new Uint8Array(V);
  const depthOf = new Int32Array(V);
  let maxLength = 0;
  for (let k = 0; k < V; k++) {
    let depth = 0;
    for (let n = k; parent[n] >= 0; n = parent[n]) depth++;
    if (depth > 255) throw new InvalidArgumentError(`Huffman code of word ${order[k]} would be ${depth} bits long (limit 255): counts too skewed`);
    depthOf[k] = depth;
    lengths[order[k]] = depth;
    if (depth > maxLength) maxLength = depth;
  }
  const offsets = new Int32Array(V + 1);
  for (let i = 0; i < V; i++) offsets[i + 1] = offsets[i] + lengths[i];
  const total = offsets[V];
  const codes = new Uint8Array(total);
  const points = new Int32Array(total);
  for (let k = 0; k < V; k++) {
    const word = order[k];
    // Walk leaf → root, filling the word's range from its end so it reads root → leaf.
    let j = offsets[word] + depthOf[k] - 1;
    for (let n = k; parent[n] >= 0; n = parent[n], j--) {
      codes[j] = branch[n];
      points[j] = parent[n] - V;
    }
  }
  return { codes, points, lengths, offsets: offsets.subarray(0, V), maxLength };
}

/** Word indices by descending count; ties keep index order. Skips the sort when already in order. */
function descendingOrder(counts: ArrayLike<number>): Int32Array {
  const order = new Int32Array(counts.length);
  let sorted = true;
  for (let i = 0; i < counts.length; i++) {
    order[i] = i;
    if (i > 0 && counts[i] > counts[i - 1]) sorted = false;
  }
  if (!sorted) order.sort((a, b) => counts[b] - counts[a] || a - b);
  return order;
}
