import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openCollection } from '../../src/search/index.ts';
import { gaussian, seededRandom } from '../../src/util/random.ts';
import { hidePackages } from './hide-packages.ts';
import { cleanup, cosine, precomputedEncoder, tempDir } from './helpers.ts';

// A user without hnswlib-node (it compiles at install, which can fail): a resolve hook (registered before anything
// imports it; node --test runs each file in its own process) answers "cannot find package" for it, and the
// collection's graph is usearch's, held to brute force.
hidePackages('hnswlib-node');

const DIM = 12;
const random = seededRandom(9);
const rows = Array.from({ length: 1500 }, () => Float32Array.from({ length: DIM }, () => gaussian(random)));
const queries = Array.from({ length: 30 }, () => Float32Array.from({ length: DIM }, () => gaussian(random)));

after(cleanup);

test('without hnswlib-node, usearch holds the graph: recall@10 against brute force ≥ 0.95', async () => {
  const path = join(tempDir(), 'c');
  const c = await openCollection(path, { encoder: precomputedEncoder(DIM), annThreshold: Infinity });
  await c.add(rows.map((v, i) => ({ id: `r${i}`, text: `row ${i}`, vector: v })));
  await c.buildAnnIndex({ type: 'hnsw', threads: 1 });
  assert.equal((JSON.parse(readFileSync(join(path, '.embedkit-hnsw', 'index.json'), 'utf8')) as { engine: string }).engine, 'usearch');
  let hit = 0;
  for (const q of queries) {
    const want = new Set(rows.map((v, i) => ({ id: `r${i}#0`, s: cosine(q, v) })).sort((a, b) => b.s - a.s).slice(0, 10).map((h) => h.id));
    hit += (await c.search(q, { k: 10, fetch: false })).filter((h) => want.has(h.id)).length;
  }
  assert.ok(hit / (10 * queries.length) >= 0.95, `recall@10 ${hit / (10 * queries.length)}`);
  await c.close();
});
