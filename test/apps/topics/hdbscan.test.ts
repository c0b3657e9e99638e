import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hdbscan } from '../../../src/apps/topics/hdbscan.ts';
import { referenceHdbscan } from './hdbscan-reference.ts';
import { blobs, gridSet, pointSets } from './point-sets.ts';

for (const set of pointSets()) {
  test(`HDBSCAN labels equal the reference: ${set.name}`, () => {
    const want = referenceHdbscan(set.points, set.minClusterSize, set.minSamples);
    const got = hdbscan(set.points, { minClusterSize: set.minClusterSize, minSamples: set.minSamples });
    assert.deepEqual(Array.from(got.labels), want.labels);
    for (let i = 0; i < set.points.length; i++) assert.ok(Math.abs(got.probabilities[i] - want.probabilities[i]) < 1e-12, `probability of point ${i}`);
    assert.equal(got.clusterCount, new Set(want.labels.filter((l) => l >= 0)).size);
  });
}

for (const set of pointSets()) {
  test(`HDBSCAN's leaf selection and maxClusterSize equal the reference: ${set.name}`, () => {
    const n = set.points.length;
    for (const choice of [{ selection: 'leaf' as const }, { maxClusterSize: Math.ceil(n / 2) }, { maxClusterSize: Math.ceil(n / 5) }]) {
      const want = referenceHdbscan(set.points, set.minClusterSize, set.minSamples, choice);
      const got = hdbscan(set.points, { minClusterSize: set.minClusterSize, minSamples: set.minSamples, clusterSelection: choice.selection, maxClusterSize: choice.maxClusterSize });
      assert.deepEqual(Array.from(got.labels), want.labels, JSON.stringify(choice));
      for (let i = 0; i < n; i++) assert.ok(Math.abs(got.probabilities[i] - want.probabilities[i]) < 1e-12, `probability of point ${i}, ${JSON.stringify(choice)}`);
    }
  });
}

test('HDBSCAN: maxClusterSize splits a large cluster into its sub-clusters, leaf keeps the finest', () => {
  // Two close blobs that excess of mass keeps as one cluster (their union outlives them), and a far blob.
  const { points, truth } = blobs(4, [{ centre: [0, 0], spread: 0.5, size: 30 }, { centre: [2.5, 0], spread: 0.5, size: 30 }, { centre: [30, 30], spread: 3, size: 40 }]);
  const partsOf = (labels: Int32Array) => [0, 1, 2].map((t) => new Set(truth.flatMap((l, i) => (l === t && labels[i] >= 0 ? [labels[i]] : []))));
  const eom = hdbscan(points, { minClusterSize: 10 });
  assert.equal(eom.clusterCount, 2);
  const [a, b] = partsOf(eom.labels);
  assert.deepEqual([...a], [...b], 'the close blobs share one cluster');
  for (const options of [{ maxClusterSize: 59 }, { clusterSelection: 'leaf' as const }]) {
    const r = hdbscan(points, { minClusterSize: 10, ...options });
    const [x, y, far] = partsOf(r.labels);
    assert.equal(x.size, 1, JSON.stringify(options));
    assert.equal(y.size, 1, JSON.stringify(options));
    assert.notEqual([...x][0], [...y][0], `the close blobs are two clusters: ${JSON.stringify(options)}`);
    assert.equal(far.size, 1);
  }
  // A cluster that never splits is kept whatever its size: the far blob (40 points) at maxClusterSize 20.
  const small = hdbscan(points, { minClusterSize: 10, maxClusterSize: 20 });
  const farLabels = (labels: Int32Array) => truth.flatMap((l, i) => (l === 2 ? [labels[i]] : []));
  assert.deepEqual(farLabels(small.labels).map((l) => l >= 0), farLabels(eom.labels).map((l) => l >= 0));
  assert.equal(new Set(farLabels(small.labels).filter((l) => l >= 0)).size, 1);
});

test('HDBSCAN finds planted blobs and leaves far noise out', () => {
  const { points, truth } = blobs(11, [{ centre: [0, 0], spread: 0.5, size: 30 }, { centre: [20, 0], spread: 0.5, size: 30 }, { centre: [0, 20], spread: 0.5, size: 30 }]);
  points.push([60, 60], [-50, 70]);
  truth.push(-1, -1);
  const { labels, clusterCount } = hdbscan(points, { minClusterSize: 5 });
  assert.equal(clusterCount, 3);
  // Each planted blob is exactly one cluster.
  for (const t of [0, 1, 2]) assert.equal(new Set(truth.flatMap((l, i) => (l === t ? [labels[i]] : []))).size, 1);
  assert.deepEqual([labels.at(-2), labels.at(-1)], [-1, -1]);
});

test('HDBSCAN with tied distances (integer grid) equals the reference', () => {
  const { points, minClusterSize } = gridSet();
  for (const minSamples of [1, 3, 5]) {
    const want = referenceHdbscan(points, minClusterSize, minSamples);
    assert.deepEqual(Array.from(hdbscan(points, { minClusterSize, minSamples }).labels), want.labels, `minSamples ${minSamples}`);
  }
});

test('HDBSCAN reports no cluster when the data never splits, and refuses bad settings', () => {
  const one = pointSets().find((s) => s.name.startsWith('one blob'))!;
  const r = hdbscan(one.points, { minClusterSize: one.minClusterSize });
  assert.equal(r.clusterCount, 0);
  assert.ok(r.labels.every((l) => l === -1));
  assert.throws(() => hdbscan(one.points, { minClusterSize: 1 }), /minClusterSize must be an integer ≥ 2/);
  assert.throws(() => hdbscan([[0, 0], [1]], { minClusterSize: 2 }), /point 1 has 1 coordinates/);
  assert.throws(() => hdbscan(one.points, { minClusterSize: 5, maxClusterSize: 0 }), /maxClusterSize must be ≥ 1, got 0/);
  assert.throws(() => hdbscan(one.points, { minClusterSize: 5, clusterSelection: 'best' as 'eom' }), /clusterSelection must be 'eom' or 'leaf', got best/);
  assert.equal(hdbscan([], { minClusterSize: 2 }).clusterCount, 0);
});
