import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadLanceDb } from '../../src/search/lancedb.ts';
import { openCollection, type Collection } from '../../src/search/index.ts';
import { gaussian, seededRandom } from '../../src/util/random.ts';
import { cleanup, precomputedEncoder, tempDir } from './helpers.ts';

// How a collection's HNSW search keeps current without asking the table on every query, and how its graph is saved:
// the table version trusted for versionRecheckMs unless this process committed, a hit whose row moved re-read at
// the new version, graph saves deferred by hnswSaveDelayMs (or made on close), and a graph never saved brought up
// to date by whoever loads it next.

const DIM = 16;
const random = seededRandom(7);
const vec = () => Float32Array.from({ length: DIM }, () => gaussian(random));
const rows = Array.from({ length: 400 }, vec);
const noEncoder = precomputedEncoder(DIM);

let path: string;
before(async () => {
  path = join(tempDir(), 'rows');
  const c = await openCollection(path, { encoder: noEncoder, annThreshold: Infinity });
  await c.add(rows.map((v, i) => ({ id: `r${i}`, text: `row ${i}`, vector: v })));
  await c.buildAnnIndex({ type: 'hnsw', threads: 1 });
  await c.close();
});
after(cleanup);

/** Counts the table version reads of a collection (each is a manifest read). */
function countVersionReads(c: Collection): () => number {
  const table = (c as unknown as { table: { version(): Promise<number> } }).table;
  const original = table.version.bind(table);
  let reads = 0;
  table.version = () => {
    reads++;
    return original();
  };
  return () => reads;
}

function savedMap(): { tableVersion: number; file: string; ids: (string | null)[] } {
  return JSON.parse(readFileSync(join(path, '.embedkit-hnsw', 'index.json'), 'utf8')) as { tableVersion: number; file: string; ids: (string | null)[] };
}

test('searches trust the table version they read, see this process\'s commits at once, and re-read a hit whose row moved', async () => {
  const c = await openCollection(path, { versionRecheckMs: 60_000 });
  const reads = countVersionReads(c);
  const q = rows[3];
  assert.equal((await c.search(q, { k: 1, fetch: false }))[0].id, 'r3#0');
  const warm = reads();
  for (let i = 0; i < 50; i++) await c.search(rows[i], { k: 5, fetch: false });
  for (let i = 0; i < 10; i++) await c.search(rows[i], { k: 5 });
  assert.equal(reads(), warm, 'a search read the table version');

  // Another Collection of this process commits: seen by the next search, however long the version is trusted.
  const other = await openCollection(path, { hnswSaveDelayMs: 0 });
  const near = Float32Array.from(q, (x, j) => x + (j === 0 ? 1e-3 : 0));
  await other.add([{ id: 'twin', text: 'next to row 3', vector: near }]);
  await other.close();
  const ids = (await c.search(near, { k: 2, fetch: false })).map((h) => h.id);
  assert.deepEqual(ids, ['twin#0', 'r3#0']);

  // A commit this process does not know of (LanceDB itself, as another process would): within the trusted time the
  // graph still names the deleted passage, whose row is gone; reading the rows finds that out and searches again.
  const { lancedb } = await loadLanceDb();
  const table = await (await lancedb.connect(path)).openTable('chunks');
  await table.delete(`id = 'twin#0'`);
  table.close();
  const hits = await c.search(near, { k: 5 });
  assert.equal(hits.length, 5);
  assert.equal(hits[0].id, 'r3#0');
  assert.ok(!hits.some((h) => h.id === 'twin#0'), 'a deleted passage was returned');
  assert.equal(hits[0].text, 'row 3');
  await c.close();
});

test('graph saves wait for hnswSaveDelayMs or close; a graph never saved is brought up to date by the next loader', async () => {
  const c = await openCollection(path, { hnswSaveDelayMs: 60_000 });
  await c.search(rows[0], { k: 1 }); // loads the graph (saved at once if it was stale)
  const before = savedMap();
  await c.add([{ id: 'late', text: 'added late', vector: rows[10].map((x) => -x) }]);
  await c.delete(['r11']);
  assert.deepEqual(savedMap(), before, 'the graph was saved by a commit');
  assert.equal((await c.search(rows[10].map((x) => -x), { k: 1, fetch: false }))[0].id, 'late#0');

  // Another loader meanwhile (as a process started now would): the saved graph is stale, brought up to date.
  const reader = await openCollection(path, { hnswSaveDelayMs: 60_000 });
  assert.equal((await reader.search(rows[10].map((x) => -x), { k: 1, fetch: false }))[0].id, 'late#0');
  assert.ok(!(await reader.search(rows[11], { k: 10, fetch: false })).some((h) => h.id === 'r11#0'));
  await reader.close();

  await c.add([{ id: 'later', text: 'added later', vector: rows[12].map((x) => -x) }]);
  await c.close();
  const saved = savedMap();
  assert.ok(saved.tableVersion > before.tableVersion);
  assert.ok(saved.ids.includes('later#0') && saved.ids.includes('late#0') && !saved.ids.includes('r11#0'), 'close did not save the updates');

  // hnswSaveDelayMs 0: every commit saves.
  const eager = await openCollection(path, { hnswSaveDelayMs: 0 });
  await eager.search(rows[0], { k: 1 });
  await eager.add([{ id: 'eager', text: 'saved at once', vector: rows[13].map((x) => -x) }]);
  assert.ok(savedMap().ids.includes('eager#0'));
  await eager.close();
});
