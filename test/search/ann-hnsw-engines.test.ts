import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadHnswEngine } from '../../src/search/hnsw-engine.ts';
import type { HnswEngineName } from '../../src/search/hnsw-graph.ts';
import { HnswIndex } from '../../src/search/hnsw-index.ts';
import { openCollection } from '../../src/search/index.ts';
import { gaussian, seededRandom } from '../../src/util/random.ts';
import { cleanup, cosine, precomputedEncoder, tempDir } from './helpers.ts';

// Both libraries that can hold a collection's graph (hnswlib-node, preferred; usearch) held to brute force through
// HnswIndex: recall@10 of the graph search against the float64 cosine top 10, exact scores, deletes, a save and a
// load; and a map of format 1 (written before hnswlib-node could hold the graph) read as the usearch graph it names.

const DIM = 16;
const random = seededRandom(33);
const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: DIM }, () => gaussian(random)));
const draw = () => {
  const c = centres[Math.floor(random() * centres.length)];
  return Float32Array.from(c, (x) => x + 0.7 * gaussian(random));
};
const rows = Array.from({ length: 2000 }, draw);
const queries = Array.from({ length: 40 }, draw);
const SETTINGS = { connectivity: 16, expansionAdd: 64 };

after(cleanup);

/** The k nearest rows by float64 cosine among the ids `live` holds. */
function bruteForce(q: Float32Array, k: number, live: Set<number>): number[] {
  return [...live].map((i) => ({ i, s: cosine(q, rows[i]) })).sort((a, b) => b.s - a.s).slice(0, k).map((h) => h.i);
}

/** Each query's first 10 slots (ef 64) and their scores. */
function searchAll(index: HnswIndex): { slots: number[]; scores: number[] }[] {
  return queries.map((q) => {
    const n = index.search(q, 64, 10);
    assert.equal(n, 10);
    return { slots: Array.from(index.found.slots.subarray(0, n)), scores: Array.from(index.found.scores.subarray(0, n)) };
  });
}

function recall(got: { slots: number[] }[], index: HnswIndex, live: Set<number>): number {
  let hit = 0;
  got.forEach((g, qi) => {
    const want = new Set(bruteForce(queries[qi], 10, live));
    hit += g.slots.filter((slot) => want.has(Number(index.idOf(slot)))).length;
  });
  return hit / (10 * got.length);
}

for (const name of ['hnswlib', 'usearch'] as HnswEngineName[]) {
  test(`${name}: recall@10 against brute force, exact cosine scores, deletes never returned, a saved graph loads the same`, async () => {
    const engine = await loadHnswEngine(name);
    assert.equal(engine.name, name);
    const index = HnswIndex.create(engine, DIM, SETTINGS, 1);
    index.add(rows.map((v, i) => ({ id: String(i), hash: `h${i}`, vector: v })), 2);
    const live = new Set(rows.map((_, i) => i));
    const before = searchAll(index);
    const r = recall(before, index, live);
    assert.ok(r >= 0.95, `recall@10 ${r}`);
    before.forEach((g, qi) => g.slots.forEach((slot, j) => assert.ok(Math.abs(g.scores[j] - cosine(queries[qi], rows[Number(index.idOf(slot))])) < 1e-5)));

    // Delete the current best hit of every query: none comes back, and recall holds over the rows left.
    const gone = [...new Set(before.map((g) => Number(index.idOf(g.slots[0]))))];
    index.remove(gone.map(String));
    for (const i of gone) live.delete(i);
    const after = searchAll(index);
    for (const g of after) for (const slot of g.slots) assert.ok(index.idOf(slot) !== null && live.has(Number(index.idOf(slot))));
    assert.ok(recall(after, index, live) >= 0.95);

    const dir = join(tempDir(), 'hnsw');
    index.tableVersion = 2;
    await index.save(dir);
    const map = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { format: number; engine: string; file: string };
    assert.equal(map.format, 2);
    assert.equal(map.engine, name);
    assert.ok(map.file.endsWith(`.${name}`));
    assert.equal(HnswIndex.savedTableVersion(dir), 2);
    const loaded = (await HnswIndex.load(dir, DIM))!;
    assert.equal(loaded.engineName, name);
    // The same results; a loaded hnswlib graph is searched by the native addon where it is built, whose float32 dot
    // products add in another order (scores within 1e-6).
    const reloaded = searchAll(loaded);
    assert.deepEqual(reloaded.map((g) => g.slots), after.map((g) => g.slots));
    reloaded.forEach((g, qi) => g.scores.forEach((s, j) => assert.ok(Math.abs(s - after[qi].scores[j]) < 1e-6, `${s} against ${after[qi].scores[j]}`)));
  });
}

test('a format-1 map (no engine) is read as the usearch graph it names, whichever library is preferred', async () => {
  const index = HnswIndex.create(await loadHnswEngine('usearch'), DIM, SETTINGS, 5);
  index.add(rows.map((v, i) => ({ id: String(i), hash: `h${i}`, vector: v })), 2);
  const dir = join(tempDir(), 'hnsw');
  await index.save(dir);
  const map = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, unknown>;
  const { engine, format, tableVersion, ...rest } = map;
  assert.equal(engine, 'usearch');
  assert.equal(format, 2);
  // Format 1 as it was written: format first, then the table version (savedTableVersion reads that head).
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ format: 1, tableVersion, ...rest }));
  assert.equal(HnswIndex.savedTableVersion(dir), 5);
  const loaded = (await HnswIndex.load(dir, DIM))!;
  assert.equal(loaded.engineName, 'usearch');
  assert.deepEqual(searchAll(loaded), searchAll(index));
});

test('a collection builds its graph with hnswlib-node where it is installed, and keeps reading a usearch graph saved before', async () => {
  const path = join(tempDir(), 'c');
  const c = await openCollection(path, { encoder: precomputedEncoder(DIM), annThreshold: Infinity, hnswSaveDelayMs: 0 });
  await c.add(rows.slice(0, 500).map((v, i) => ({ id: `r${i}`, text: `row ${i}`, vector: v })));
  await c.buildAnnIndex({ type: 'hnsw' });
  const mapFile = join(path, '.embedkit-hnsw', 'index.json');
  assert.equal((JSON.parse(readFileSync(mapFile, 'utf8')) as { engine: string }).engine, 'hnswlib');
  const want = (await c.search(queries[0], { k: 5, fetch: false })).map((h) => h.id);
  await c.close();

  // The same passages in a usearch graph under a format-1 map, as an earlier version saved them.
  const saved = JSON.parse(readFileSync(mapFile, 'utf8')) as { tableVersion: number; ids: (string | null)[]; hashes: (string | null)[] };
  const usearch = HnswIndex.create(await loadHnswEngine('usearch'), DIM, SETTINGS, saved.tableVersion);
  usearch.add(saved.ids.map((id, slot) => ({ id: id!, hash: saved.hashes[slot]!, vector: rows[Number(id!.slice(1).split('#')[0])] })), 2);
  const dir = join(tempDir(), 'usearch-map');
  await usearch.save(dir);
  const { engine: _, format: __, tableVersion, ...rest } = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as Record<string, unknown>;
  const file = rest.file as string;
  writeFileSync(join(path, '.embedkit-hnsw', file), readFileSync(join(dir, file)));
  writeFileSync(mapFile, JSON.stringify({ format: 1, tableVersion, ...rest }));

  const reopened = await openCollection(path, { encoder: precomputedEncoder(DIM), hnswSaveDelayMs: 0 });
  assert.deepEqual((await reopened.search(queries[0], { k: 5, fetch: false })).map((h) => h.id), want);
  // Read, not rebuilt: the graph searched is the usearch one the map names.
  assert.equal((reopened as unknown as { hnsw: { state: { index: HnswIndex } } }).hnsw.state.index.engineName, 'usearch');
  assert.equal((JSON.parse(readFileSync(mapFile, 'utf8')) as { file: string }).file, file);
  await reopened.close();
});
