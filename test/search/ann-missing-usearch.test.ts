import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MissingDependencyError } from '../../src/errors.ts';
import { openCollection } from '../../src/search/index.ts';
import { gaussian, seededRandom } from '../../src/util/random.ts';
import { hidePackages } from './hide-packages.ts';
import { cleanup, precomputedEncoder, tempDir } from './helpers.ts';

// usearch and hnswlib-node (either can hold the graph) as a user without them sees them: a resolve hook (registered
// before anything imports them; node --test runs each file in its own process) answers "cannot find package" for
// them, as Node does when they are not installed.
hidePackages('usearch', 'hnswlib-node');

const DIM = 8;
const random = seededRandom(7);
const rows = Array.from({ length: 300 }, () => Float32Array.from({ length: DIM }, () => gaussian(random)));
const noEncoder = precomputedEncoder(DIM);

after(cleanup);

test('without usearch or hnswlib-node, an hnsw index is refused naming usearch and its install command, and hnswlib-node', async () => {
  const c = await openCollection(join(tempDir(), 'c'), { encoder: noEncoder, annThreshold: Infinity });
  await c.add(rows.slice(0, 20).map((v, i) => ({ id: `r${i}`, text: `row ${i}`, vector: v })));
  await assert.rejects(
    c.buildAnnIndex(),
    (e: unknown) => e instanceof MissingDependencyError && /An HNSW index needs usearch, which is not installed: npm install usearch@2\.25\.3 \(or npm install hnswlib-node@3\.0\.0/.test((e as Error).message),
  );
  // Exact search does not need it.
  assert.equal((await c.search(rows[3], { k: 1 }))[0].id, 'r3#0');
  await c.close();
});

test('without usearch or hnswlib-node, the index built past annThreshold is LanceDB IVF_PQ instead', async () => {
  const c = await openCollection(join(tempDir(), 'c'), { encoder: noEncoder, annThreshold: 300 });
  await c.add(rows.map((v, i) => ({ id: `r${i}`, text: `row ${i}`, vector: v })));
  assert.equal((await c.info()).annIndex, 'ivf_pq');
  await c.close();
});
