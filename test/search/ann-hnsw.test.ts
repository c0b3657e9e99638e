import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.ts';
import { loadLanceDb } from '../../src/search/lancedb.ts';
import { openCollection, type Collection } from '../../src/search/index.ts';
import { gaussian, seededRandom } from '../../src/util/random.ts';
import { cleanup, cosine, precomputedEncoder, tempDir } from './helpers.ts';

// The HNSW index of a collection held to brute force: seeded random rows added as precomputed vectors, each query's
// exact top 10 computed here in float64, recall@10 of the graph search measured against it; then the index kept
// current across commits made by another Collection object, by LanceDB directly and after reopening; filters;
// precomputed vectors of the wrong dimension.

const DIM = 24;
const ROWS = 3000;
const random = seededRandom(18);
// Rows around 60 centres, as text embeddings cluster; a group number to filter on (group 0 holds about 1% of rows).
const centres = Array.from({ length: 60 }, () => Float32Array.from({ length: DIM }, () => gaussian(random)));
const draw = () => {
  const c = centres[Math.floor(random() * centres.length)];
  return Float32Array.from(c, (x) => x + 0.8 * gaussian(random));
};
const rows = Array.from({ length: ROWS }, draw);
const groupOf = (i: number) => (i % 100 === 0 ? 0 : 1 + (i % 2));
const queries = Array.from({ length: 60 }, draw);

const noEncoder = precomputedEncoder(DIM);

let dir: string;
let path: string;
let collection: Collection;

before(async () => {
  dir = tempDir();
  path = join(dir, 'rows');
  collection = await openCollection(path, { encoder: noEncoder, annThreshold: Infinity });
  await collection.add(
    rows.map((v, i) => ({ id: `r${i}`, text: `row ${i}`, vector: v, metadata: { group: groupOf(i) } })),
    { batchSize: 1000 },
  );
  await collection.buildAnnIndex({ type: 'hnsw', threads: 1 });
});
after(async () => {
  await collection?.close();
  cleanup();
});

/** The k nearest stored rows by float64 cosine among those `keep` accepts (the brute-force definition). */
function bruteForce(q: Float32Array, k: number, vectors: Map<string, Float32Array>, keep: (id: string) => boolean = () => true): { id: string; score: number }[] {
  return [...vectors]
    .filter(([id]) => keep(id))
    .map(([id, v]) => ({ id: `${id}#0`, score: cosine(q, v) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

const stored = new Map(rows.map((v, i) => [`r${i}`, v]));

function recallAt10(got: { id: string }[][], want: { id: string }[][]): number {
  let found = 0;
  got.forEach((ids, i) => {
    const w = new Set(want[i].map((h) => h.id));
    found += ids.filter((h) => w.has(h.id)).length;
  });
  return found / (10 * got.length);
}

function savedIndex(): { tableVersion: number; ids: (string | null)[] } {
  return JSON.parse(readFileSync(join(path, '.embedkit-hnsw', 'index.json'), 'utf8')) as { tableVersion: number; ids: (string | null)[] };
}

test('the hnsw index finds the exact top 10 of brute-force cosine (recall@10 ≥ 0.95), with exact cosine scores', async () => {
  assert.equal((await collection.info()).annIndex, 'hnsw');
  const got = [];
  for (const q of queries) got.push(await collection.search(q, { k: 10 }));
  const want = queries.map((q) => bruteForce(q, 10, stored));
  const recall = recallAt10(got, want);
  assert.ok(recall >= 0.95, `recall@10 ${recall}`);
  // A cheap search (ef 10) finds less: the graph, not a scan, answers.
  const cheap = [];
  for (const q of queries) cheap.push(await collection.search(q, { k: 10, ef: 10 }));
  assert.ok(recallAt10(cheap, want) < recall, `ef 10 recall ${recallAt10(cheap, want)} vs ${recall}`);
  for (const [i, hits] of got.entries()) {
    for (const h of hits) assert.ok(Math.abs(h.score - cosine(queries[i], stored.get(h.docId)!)) < 1e-5, `${h.id} score ${h.score}`);
    assert.equal(hits[0].text, `row ${hits[0].docId.slice(1)}`);
  }
});

test('fetch: false gives the same ids and scores without text or metadata', async () => {
  for (const q of queries.slice(0, 10)) {
    const full = await collection.search(q, { k: 10 });
    const bare = await collection.search(q, { k: 10, fetch: false });
    assert.deepEqual(
      bare.map((h) => [h.id, h.docId, h.chunk, h.score]),
      full.map((h) => [h.id, h.docId, h.chunk, h.score]),
    );
    assert.ok(bare.every((h) => !('text' in h) && !('metadata' in h)));
  }
});

test('searchMany answers each query as search does, the rows read in one batch', async () => {
  const some = queries.slice(0, 12);
  for (const options of [{ k: 10 }, { k: 5, filter: 'group = 2' }, { k: 3, filter: 'group = 0' }]) {
    const one = [];
    for (const q of some) one.push(await collection.search(q, options));
    assert.deepEqual(await collection.searchMany(some, options), one);
    const bare = await collection.searchMany(some, { ...options, fetch: false });
    assert.deepEqual(
      bare.map((hits) => hits.map((h) => [h.id, h.score])),
      one.map((hits) => hits.map((h) => [h.id, h.score])),
    );
  }
});

test('a filter keeps only matching passages: post-filtered graph search, and an exact scan when few pass', async () => {
  const group = (id: string) => groupOf(Number(id.slice(1)));
  const got = [];
  for (const q of queries) got.push(await collection.search(q, { k: 10, filter: 'group = 1' }));
  for (const hits of got) {
    assert.equal(hits.length, 10);
    assert.ok(hits.every((h) => h.metadata.group === 1));
  }
  const want = queries.map((q) => bruteForce(q, 10, stored, (id) => group(id) === 1));
  const recall = recallAt10(got, want);
  assert.ok(recall >= 0.95, `filtered recall@10 ${recall}`);
  // Group 0 holds 30 rows (1%): scanned exactly, so the answer is brute force's, in its order.
  for (const q of queries.slice(0, 10)) {
    const hits = await collection.search(q, { k: 10, filter: 'group = 0' });
    const exact = bruteForce(q, 10, stored, (id) => group(id) === 0);
    assert.deepEqual(
      hits.map((h) => h.id),
      exact.map((h) => h.id),
    );
  }
});

test('the index follows adds and deletes: by this collection, by another one, by LanceDB directly, across reopening', async () => {
  const target = queries[0];
  const before = savedIndex();
  // Another Collection object (as another process would) adds a passage equal to the query and deletes a row.
  const other = await openCollection(path);
  await other.add([{ id: 'exact-match', text: 'the query itself', vector: target }]);
  const nearest = (await collection.search(target, { k: 1 }))[0];
  assert.equal(nearest.id, 'exact-match#0');
  assert.ok(nearest.score > 0.99999);
  const victim = (await collection.search(target, { k: 2, fetch: false }))[1].docId;
  await other.delete([victim]);
  await other.close();
  assert.ok(!(await collection.search(target, { k: 10 })).some((h) => h.docId === victim), 'a deleted passage is still found');
  // Updated in place, not rebuilt: one slot more, the deleted one emptied.
  const after1 = savedIndex();
  assert.equal(after1.ids.length, before.ids.length + 1);
  assert.equal(after1.ids.filter((id) => id === null).length, 1);
  assert.ok(after1.tableVersion > before.tableVersion);

  // A commit the index never saw (LanceDB itself, as a writer without usearch would): the saved index is stale.
  const { lancedb } = await loadLanceDb();
  const db = await lancedb.connect(path);
  const table = await db.openTable('chunks');
  await table.delete(`id = 'exact-match#0'`);
  const version = await table.version();
  table.close();
  assert.ok(savedIndex().tableVersion < version);
  await collection.close();
  collection = await openCollection(path);
  const hits = await collection.search(target, { k: 10 });
  assert.ok(!hits.some((h) => h.docId === 'exact-match' || h.docId === victim));
  assert.equal(savedIndex().tableVersion, version, 'the index brought up to date is saved');
  // And still the exact answer's neighbours: the remaining rows' brute-force top 10.
  const remaining = new Map([...stored].filter(([id]) => id !== victim));
  const want = bruteForce(target, 10, remaining);
  assert.ok(recallAt10([hits], [want]) >= 0.9);
});

test('precomputed vectors must have the collection dimension and finite values', async () => {
  await assert.rejects(
    collection.add([{ id: 'short', text: 'too short', vector: new Float32Array(DIM - 1) }]),
    (e: unknown) => e instanceof InvalidArgumentError && /vector of dim 23, but collection .* holds dim 24/.test((e as Error).message),
  );
  await assert.rejects(
    collection.add([{ id: 'nan', text: 'not a number', vector: Array.from({ length: DIM }, (_, i) => (i === 3 ? NaN : 1)) }]),
    (e: unknown) => e instanceof InvalidArgumentError && /finite/.test((e as Error).message),
  );
  assert.deepEqual(await collection.get(['short', 'nan']), []);
  // The same text with another vector is a change: the passage is replaced, and found by its new vector.
  await collection.add([{ id: 'moving', text: 'same text', vector: rows[1] }]);
  await collection.add([{ id: 'moving', text: 'same text', vector: queries[5] }]);
  const [best] = await collection.search(queries[5], { k: 1 });
  assert.equal(best.id, 'moving#0');
});
