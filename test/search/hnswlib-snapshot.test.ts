import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EmbedkitError } from '../../src/errors.ts';
import { loadHnswEngine } from '../../src/search/hnsw-engine.ts';
import { HnswFound } from '../../src/search/hnsw-graph.ts';
import { HnswIndex } from '../../src/search/hnsw-index.ts';
import { HnswlibSnapshot } from '../../src/search/hnswlib-snapshot.ts';
import { gaussian, seededRandom } from '../../src/util/random.ts';
import { needs } from '../helpers/oracles.ts';
import { cleanup, cosine, tempDir } from './helpers.ts';

// The native search of a graph file hnswlib-node saved (native/hnsw.c through HnswlibSnapshot), held to hnswlib-node's
// own search of the same graph and to brute force; its refusals of damaged files; and the hnswlib graph's two forms
// (hnswlib-node's copy for changes, the snapshot for searches) switching as a collection saves and changes it.

type Hnswlib = typeof import('hnswlib-node');
const { HierarchicalNSW } = createRequire(import.meta.url)('hnswlib-node') as Hnswlib;

// dim 45: the dot product's 16-float steps, an 8-float step and a 4-float step, then single floats.
const DIM = 45;
const random = seededRandom(71);
const centres = Array.from({ length: 30 }, () => Float32Array.from({ length: DIM }, () => gaussian(random)));
const draw = () => {
  const c = centres[Math.floor(random() * centres.length)];
  return Float32Array.from(c, (x) => x + 0.8 * gaussian(random));
};
const rows = Array.from({ length: 3000 }, draw);
// Exact duplicates of some rows: runs of equal scores, which the search must put in a stable exact order.
for (let i = 0; i < 40; i++) rows[2900 + i] = rows[i * 7].slice();
const queries = [...Array.from({ length: 60 }, draw), ...Array.from({ length: 20 }, (_, i) => rows[i * 7].slice())];
const deleted = new Set(Array.from({ length: 150 }, (_, i) => i * 19));

after(cleanup);

/** hnswlib-node's graph over `rows` (labels = row numbers) with `deleted` marked, saved to a file. */
function savedGraph(): { path: string; index: InstanceType<Hnswlib['HierarchicalNSW']> } {
  const index = new HierarchicalNSW('cosine', DIM);
  index.initIndex({ maxElements: rows.length, m: 12, efConstruction: 64, randomSeed: 5 });
  rows.forEach((r, i) => index.addPoint(Array.from(r), i));
  for (const i of deleted) index.markDelete(i);
  const path = join(tempDir(), 'graph.hnswlib');
  index.writeIndexSync(path);
  return { path, index };
}

/** The k live rows nearest to q by float64 cosine, best first. */
function bruteForce(q: Float32Array, k: number): { i: number; s: number }[] {
  const out: { i: number; s: number }[] = [];
  rows.forEach((r, i) => {
    if (!deleted.has(i)) out.push({ i, s: cosine(q, r) });
  });
  return out.sort((a, b) => b.s - a.s || a.i - b.i).slice(0, k);
}

test('the native search of a saved hnswlib graph: recall as hnswlib-node at every ef, exact scores and order, deletes never returned, the file written back byte for byte', async (t) => {
  if (!needs(t, 'native')) return;
  const { path, index } = savedGraph();
  const snapshot = (await HnswlibSnapshot.open(path, DIM))!;
  assert.equal(snapshot.count, rows.length);
  const found = new HnswFound();
  const want = queries.map((q) => bruteForce(q, 10));
  for (const ef of [10, 20, 40, 100]) {
    index.setEf(ef);
    let native = 0;
    let reference = 0;
    queries.forEach((q, qi) => {
      const wanted = new Set(want[qi].map((h) => h.i));
      const n = snapshot.search(q, ef, 10, found);
      assert.equal(n, 10);
      for (let j = 0; j < n; j++) {
        const slot = found.slots[j];
        assert.ok(!deleted.has(slot), `ef ${ef}: deleted row ${slot} returned`);
        assert.ok(Math.abs(found.scores[j] - cosine(q, rows[slot])) < 1e-5, `ef ${ef}: score of row ${slot}`);
        if (j > 0) assert.ok(found.scores[j] <= found.scores[j - 1] + 1e-7, `ef ${ef}: results out of order`);
        if (wanted.has(slot)) native++;
      }
      for (const label of index.searchKnn(Array.from(q), 10).neighbors) if (wanted.has(label)) reference++;
    });
    const total = 10 * queries.length;
    // The same graph and the same search; float32 sums in another order may steer a few queries differently.
    assert.ok(Math.abs(native - reference) / total <= 0.01, `ef ${ef}: recall ${native / total} against hnswlib-node's ${reference / total}`);
    if (ef >= 40) assert.ok(native / total >= 0.97, `ef ${ef}: recall ${native / total}`);
  }
  // Exploring every node: exactly the brute-force top 10, ties (the duplicated rows) in float64 order.
  queries.forEach((q, qi) => {
    const n = snapshot.search(q, rows.length, 10, found);
    assert.equal(n, 10);
    // Scored from hnswlib's stored (float32-normalised) rows: within 1e-6 of the float64 cosine of the original rows.
    found.slots.subarray(0, n).forEach((slot, j) => assert.ok(Math.abs(cosine(q, rows[slot]) - want[qi][j].s) < 1e-6, `query ${qi}, rank ${j}: row ${slot}`));
  });
  const copy = join(tempDir(), 'copy.hnswlib');
  snapshot.save(copy);
  assert.deepEqual(readFileSync(copy), readFileSync(path));
  snapshot.close();
  assert.throws(() => snapshot.search(queries[0], 10, 10, found), /closed/);
});

test('a damaged or foreign graph file is refused, naming the file and the byte where it goes wrong', async (t) => {
  if (!needs(t, 'native')) return;
  const { path } = savedGraph();
  const bytes = readFileSync(path);
  const recordBytes = Number(bytes.readBigUInt64LE(24));
  const variant = (name: string, b: Buffer) => {
    const p = join(tempDir(), name);
    writeFileSync(p, b);
    return p;
  };
  const refused = (p: string, dim: number, pattern: RegExp) =>
    assert.rejects(
      HnswlibSnapshot.open(p, dim),
      (err: unknown) => err instanceof EmbedkitError && err.code === 'format_error' && err.message.includes(p) && pattern.test(err.message),
    );
  await refused(variant('short', bytes.subarray(0, 50)), DIM, /96-byte header/);
  await refused(path, DIM + 1, /not an hnswlib graph of dim 46/);
  await refused(variant('cut-layer0', bytes.subarray(0, 96 + 10 * recordBytes + 5)), DIM, /ends inside layer 0/);
  const badLink = Buffer.from(bytes);
  // Node 5's first link (its list's count word, then the links).
  badLink.writeUInt32LE(rows.length + 7, 96 + 5 * recordBytes + 4);
  await refused(variant('bad-link', badLink), DIM, new RegExp(`at byte ${96 + 5 * recordBytes + 4}, a link to node ${rows.length + 7} of ${rows.length}`));
  await refused(variant('cut-upper', bytes.subarray(0, bytes.length - 3)), DIM, /ends (inside|at byte)/);
  // A layer-1 link to a node without layer 1 (the descent would read past that node's lists).
  const upperLinks = Buffer.from(bytes);
  const listBytes = (Number(bytes.readBigUInt64LE(56)) + 1) * 4;
  let at = 96 + rows.length * recordBytes;
  let linkAt = -1;
  let flat = -1;
  for (let node = 0; node < rows.length; node++) {
    const size = upperLinks.readUInt32LE(at);
    if (size === 0 && flat < 0) flat = node;
    if (size > 0 && linkAt < 0 && (upperLinks.readUInt32LE(at + 4) & 0xffff) > 0) linkAt = at + 8;
    at += 4 + size;
  }
  assert.ok(linkAt > 0 && flat >= 0 && listBytes > 4);
  upperLinks.writeUInt32LE(flat, linkAt);
  await refused(variant('upper-link', upperLinks), DIM, new RegExp(`links at layer 1 to node ${flat}, which has 0 upper layers`));
  await refused(variant('trailing', Buffer.concat([bytes, Buffer.from([1, 2, 3])])), DIM, /bytes after the last node/);
  await refused(join(tempDir(), 'missing.hnswlib'), DIM, /ENOENT|No such file/);
  assert.equal((await HnswlibSnapshot.open(path, DIM))!.count, rows.length);
});

/** The form the index's hnswlib graph searches with now. */
const searcher = (index: HnswIndex) => (index as unknown as { graph: { searcher: string } }).graph.searcher;

test('a saved hnswlib graph is searched natively once read back; a change moves it to hnswlib-node until the next save', async (t) => {
  if (!needs(t, 'native')) return;
  const index = HnswIndex.create(await loadHnswEngine('hnswlib'), DIM, { connectivity: 12, expansionAdd: 64 }, 1);
  index.add(rows.slice(0, 2000).map((v, i) => ({ id: String(i), hash: `h${i}`, vector: v })));
  const top = (q: Float32Array) => {
    const n = index.search(q, 64, 5);
    return Array.from(index.found.slots.subarray(0, n), (slot) => index.idOf(slot));
  };
  assert.equal(searcher(index), 'hnswlib');
  const before = queries.map(top);
  const dir = join(tempDir(), 'hnsw');
  await index.save(dir);
  await index.searchReady();
  assert.equal(searcher(index), 'native');
  assert.deepEqual(queries.map(top), before);

  // A new row: found first by hnswlib-node's copy, then by the snapshot of the next save.
  index.add([{ id: 'new', hash: 'hn', vector: rows[2500] }]);
  assert.equal(searcher(index), 'hnswlib');
  assert.equal(top(rows[2500])[0], 'new');
  index.tableVersion = 2;
  await index.save(dir);
  await index.searchReady();
  assert.equal(searcher(index), 'native');
  assert.equal(top(rows[2500])[0], 'new');

  // Loaded from the folder: native from the start. Its file removed (another process replaced the graph), a
  // change still reads the graph back into hnswlib-node, from the snapshot.
  const loaded = (await HnswIndex.load(dir, DIM))!;
  assert.equal(searcher(loaded), 'native');
  for (const name of readdirSync(dir)) if (name.endsWith('.hnswlib')) rmSync(join(dir, name));
  loaded.remove(['new']);
  assert.equal(searcher(loaded), 'hnswlib');
  const n = loaded.search(rows[2500], 64, 5);
  assert.ok(!Array.from(loaded.found.slots.subarray(0, n), (slot) => loaded.idOf(slot)).includes('new'));
  assert.equal(loaded.size, 2000);
});

test('near-ties (cosines within float32 rounding) come in float64 order of the stored rows', async (t) => {
  if (!needs(t, 'native')) return;
  // 300 rows within 1e-4 of one direction: their cosines with a query near it differ by 1e-9 to 1e-6, where float32
  // dot products (error about 1e-7) put them in the wrong order.
  const r = seededRandom(9);
  const base = Float32Array.from({ length: DIM }, () => gaussian(r));
  const near = Array.from({ length: 300 }, () => Float32Array.from(base, (x) => x + 1e-4 * gaussian(r)));
  const index = new HierarchicalNSW('cosine', DIM);
  index.initIndex({ maxElements: near.length, m: 12, efConstruction: 64, randomSeed: 5 });
  near.forEach((v, i) => index.addPoint(Array.from(v), i));
  const path = join(tempDir(), 'near.hnswlib');
  index.writeIndexSync(path);
  const snapshot = (await HnswlibSnapshot.open(path, DIM))!;
  // The rows as hnswlib stored them (normalised in float32), read from the file.
  const bytes = readFileSync(path);
  const recordBytes = Number(bytes.readBigUInt64LE(24));
  const vectorAt = Number(bytes.readBigUInt64LE(40));
  const labelAt = Number(bytes.readBigUInt64LE(32));
  const stored = new Map<number, Float64Array>();
  for (let i = 0; i < near.length; i++) {
    const at = 96 + i * recordBytes;
    stored.set(Number(bytes.readBigUInt64LE(at + labelAt)), Float64Array.from({ length: DIM }, (_, j) => bytes.readFloatLE(at + vectorAt + 4 * j)));
  }
  const found = new HnswFound();
  let swapsByFloat32 = 0;
  for (let qi = 0; qi < 20; qi++) {
    const q = Float32Array.from(base, (x) => x + 1e-3 * gaussian(r));
    const n = snapshot.search(q, near.length, 20, found);
    const exact = Array.from(found.slots.subarray(0, n), (slot) => cosine(q, Float32Array.from(stored.get(slot)!)));
    for (let j = 1; j < n; j++) assert.ok(exact[j] <= exact[j - 1] + 1e-12, `query ${qi}: rank ${j} (${exact[j]}) above rank ${j - 1} (${exact[j - 1]})`);
    // The reference's float32 order would have differed somewhere (so the test can tell).
    const float32 = index.searchKnn(Array.from(q), 20).neighbors;
    if (float32.some((slot, j) => slot !== found.slots[j])) swapsByFloat32++;
  }
  assert.ok(swapsByFloat32 > 0, 'no near-tie was out of float64 order in float32');
});

test('without the native addon (EMBEDKIT_NATIVE=0) hnswlib-node searches a saved graph itself', () => {
  const script = `
    import { mkdtempSync } from 'node:fs';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    import { HnswIndex } from './src/search/hnsw-index.ts';
    import { loadHnswEngine } from './src/search/hnsw-engine.ts';
    const dir = join(mkdtempSync(join(tmpdir(), 'embedkit-no-native-')), 'hnsw');
    const index = HnswIndex.create(await loadHnswEngine('hnswlib'), 4, { connectivity: 8, expansionAdd: 16 }, 1);
    index.add([{ id: 'a', hash: 'a', vector: Float32Array.of(1, 0, 0, 0) }, { id: 'b', hash: 'b', vector: Float32Array.of(0, 1, 0, 0) }]);
    await index.save(dir);
    await index.searchReady();
    const loaded = await HnswIndex.load(dir, 4);
    const n = loaded.search(Float32Array.of(0.1, 1, 0, 0), 10, 1);
    console.log(JSON.stringify({ saved: index.graph.searcher, loaded: loaded.graph.searcher, first: n ? loaded.idOf(loaded.found.slots[0]) : null }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, EMBEDKIT_NATIVE: '0' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}'), { saved: 'hnswlib', loaded: 'hnswlib', first: 'b' });
});
