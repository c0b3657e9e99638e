import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { averageLinkageGroups } from '../../../src/apps/topics/merge-topics.ts';
import { cosineMatrix } from '../../../src/kernels/similarity.ts';
import { gaussian, seededRandom } from '../../../src/util/random.ts';
import { needs, PYTHON } from '../../helpers/oracles.ts';

/** Random topic vectors in a few loose families, and their cosine matrix. */
function topicVectors(seed: number, count: number, dim = 12): number[][] {
  const r = seededRandom(seed);
  const families = Array.from({ length: 4 }, () => Array.from({ length: dim }, () => gaussian(r)));
  return Array.from({ length: count }, (_, i) => families[i % 4].map((v) => v + 0.8 * gaussian(r)));
}

/** Average linkage by its definition: the mean similarity over every pair of members, recomputed at each step. */
function plainAverageLinkage(sim: readonly ArrayLike<number>[], k: number): number[][] {
  let groups = sim.map((_, t) => [t]);
  while (groups.length > k) {
    let best = [-Infinity, 0, 1];
    for (let a = 0; a < groups.length; a++) {
      for (let b = a + 1; b < groups.length; b++) {
        let total = 0;
        for (const x of groups[a]) for (const y of groups[b]) total += sim[x][y];
        const mean = total / (groups[a].length * groups[b].length);
        if (mean > best[0]) best = [mean, a, b];
      }
    }
    const [, a, b] = best;
    groups = groups.flatMap((g, i) => (i === a ? [[...g, ...groups[b]].sort((x, y) => x - y)] : i === b ? [] : [g]));
  }
  return groups.sort((x, y) => x[0] - y[0]);
}

test('averageLinkageGroups equals average linkage by its definition', () => {
  for (const [seed, count] of [[1, 9], [2, 30], [3, 61]]) {
    const sim = cosineMatrix(topicVectors(seed, count));
    for (const k of [1, 2, 4, 7, count]) assert.deepEqual(averageLinkageGroups(sim, k), plainAverageLinkage(sim, k), `seed ${seed}, k ${k}`);
  }
  assert.throws(() => averageLinkageGroups([[1]], 0), /k must be an integer ≥ 1, got 0/);
});

test("averageLinkageGroups cuts the tree SciPy's average linkage builds on 1 − cosine (scikit-learn's AgglomerativeClustering, BERTopic's reduce_topics)", (t) => {
  if (!needs(t, 'scipy')) return;
  const cases = [[4, 25], [5, 48], [6, 90]].map(([seed, count]) => ({ vectors: topicVectors(seed, count), ks: [2, 5, 11] }));
  const script = `
import json, sys
import numpy as np
from scipy.cluster.hierarchy import linkage, fcluster
from scipy.spatial.distance import pdist
out = []
for c in json.loads(sys.stdin.read()):
    Z = linkage(pdist(np.array(c['vectors']), 'cosine'), method='average')
    out.append([fcluster(Z, k, criterion='maxclust').tolist() for k in c['ks']])
print(json.dumps(out))`;
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, r.stderr);
  const scipy = JSON.parse(r.stdout) as number[][][];
  cases.forEach((c, i) => {
    c.ks.forEach((k, j) => {
      // SciPy's flat cluster ids, as groups of topic indices ordered by their first topic.
      const byId = new Map<number, number[]>();
      scipy[i][j].forEach((id, topic) => byId.set(id, [...(byId.get(id) ?? []), topic]));
      const want = [...byId.values()].sort((x, y) => x[0] - y[0]);
      assert.deepEqual(averageLinkageGroups(cosineMatrix(c.vectors), k), want, `case ${i}, k ${k}`);
    });
  });
});
