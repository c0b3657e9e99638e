import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { pca } from '../../src/viz/pca.ts';
import { project } from '../../src/viz/project.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';
import { rng } from '../serve/helpers/model.ts';


/** Points with a clear first and second direction plus noise, in 20 dimensions. */
function points(n: number, seed = 3): number[][] {
  const r = rng(seed);
  return Array.from({ length: n }, () => {
    const a = 6 * r();
    const b = 3 * r();
    return Array.from({ length: 20 }, (_, j) => (j === 0 ? a + b : j === 1 ? a - b : j === 5 ? 2 * b : 0.3 * r()));
  });
}

test('PCA matches numpy\'s SVD of the centred data (up to the sign of each axis)', (t) => {
  if (!needs(t, 'numpy')) return;
  const x = points(60);
  const script = 'import json,sys,numpy as np\nx=np.array(json.load(sys.stdin));c=x-x.mean(0)\nu,s,vt=np.linalg.svd(c,full_matrices=False)\nprint(json.dumps((c@vt[:2].T).tolist()))';
  const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(x), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const want = JSON.parse(run.stdout) as number[][];
  const got = pca(x, 2);
  for (const axis of [0, 1]) {
    const sign = Math.sign(got[0][axis]) === Math.sign(want[0][axis]) ? 1 : -1;
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs(got[i][axis] - sign * want[i][axis]) < 1e-6, `point ${i} axis ${axis}: ${got[i][axis]} vs ${want[i][axis]}`);
  }
});

test('PCA is deterministic and handles degenerate input', () => {
  const x = points(30);
  assert.deepEqual(pca(x), pca(x));
  assert.deepEqual(pca([]), []);
  assert.deepEqual(pca([[1, 2, 3]]), [[0, 0]]);
  const same = pca([[1, 1], [1, 1], [1, 1]]);
  assert.ok(same.flat().every((v) => v === 0));
});

test('t-SNE and UMAP keep clusters apart and are seeded (same input, same map)', () => {
  const r = rng(11);
  const centres = [0, 1, 2].map((k) => Array.from({ length: 12 }, (_, j) => (j % 3 === k ? 5 : 0)));
  const x: number[][] = [];
  const label: number[] = [];
  centres.forEach((c, k) => {
    for (let i = 0; i < 15; i++) {
      x.push(c.map((v) => v + r()));
      label.push(k);
    }
  });
  for (const method of ['tsne', 'umap'] as const) {
    const y = project(x, method);
    assert.deepEqual(project(x, method), y, `${method} is deterministic`);
    let agree = 0;
    for (let i = 0; i < y.length; i++) {
      let best = -1;
      for (let j = 0; j < y.length; j++) if (j !== i && (best < 0 || Math.hypot(y[j][0] - y[i][0], y[j][1] - y[i][1]) < Math.hypot(y[best][0] - y[i][0], y[best][1] - y[i][1]))) best = j;
      if (label[best] === label[i]) agree++;
    }
    assert.equal(agree, y.length, `${method}: every point's map neighbour is in its cluster`);
  }
  // Too few points for the neighbour methods: they fall back to a linear map instead of failing.
  assert.equal(project(x.slice(0, 2), 'tsne').length, 2);
  assert.equal(project(x.slice(0, 3), 'umap').length, 3);
  assert.throws(() => project(x, 'mds' as never), /unknown projection/);
});
