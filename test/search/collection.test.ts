import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { openEncoder } from '../../src/encoders/open-encoder.ts';
import { NoKnownWordError, type StaticEncoder } from '../../src/encoders/static.ts';
import { EncoderMismatchError, FilterError, CollectionNotFoundError, openCollection, type Collection } from '../../src/search/index.ts';
import { cleanup, cosine, licenseLines, licenseModel, tempDir } from './helpers.ts';

// A collection of the licence lines (one document per line) searched exactly, held to a brute-force float64 cosine
// over the same encoder's vectors; then upsert, delete, filters and the encoder record.

let model: string;
let dir: string;
let collection: Collection;
const lines = licenseLines();
const docs = lines.map((l, i) => ({ id: `L${i}`, text: l.text, metadata: { file: basename(l.file), line: l.line, early: l.line <= 20 } }));
let vectors: (Float32Array | null)[];

before(async () => {
  model = await licenseModel();
  dir = tempDir();
  collection = await openCollection(join(dir, 'licenses'), { model, pooling: 'sif' });
  const added = await collection.add(docs, { batchSize: 1000 });
  assert.equal(added.docs, docs.length);
  const encoder = (await openEncoder(model, { pooling: 'sif' })) as StaticEncoder;
  vectors = docs.map((d) => {
    try {
      return encoder.encodeSync([d.text]).vectors[0];
    } catch (err) {
      if (err instanceof NoKnownWordError) return null;
      throw err;
    }
  });
});
after(async () => {
  await collection?.close();
  cleanup();
});

/** The k best documents by float64 cosine, among those `keep` accepts. */
async function bruteForce(query: string, k: number, keep: (i: number) => boolean = () => true): Promise<{ id: string; score: number }[]> {
  const encoder = await openEncoder(model, { pooling: 'sif' });
  const q = (await encoder.encode([query])).vectors[0];
  return vectors
    .map((v, i) => ({ id: `L${i}#0`, score: v && keep(i) ? cosine(q, v) : -Infinity }))
    .filter((s) => s.score > -Infinity)
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

function assertSameRanking(got: { id: string; score: number }[], want: { id: string; score: number }[]) {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i].score - want[i].score) < 2e-6, `rank ${i + 1}: score ${got[i].score} vs ${want[i].score}`);
    // Ids must agree wherever the reference's scores are not tied within float32 rounding.
    const tied = want.some((w, j) => j !== i && Math.abs(w.score - want[i].score) < 2e-6);
    if (!tied) assert.equal(got[i].id, want[i].id, `rank ${i + 1}`);
  }
}

test('exact search returns the brute-force cosine top k, with the stored text and metadata', async () => {
  assert.equal(await collection.count(), docs.length);
  for (const query of ['free software distribution', 'warranty liability damages', 'patent license grant']) {
    const hits = await collection.search(query, { k: 10 });
    assertSameRanking(hits, await bruteForce(query, 10));
    for (const h of hits) {
      const i = Number(h.docId.slice(1));
      // A passage runs from its first token to its last: the line without its indentation.
      assert.equal(h.text, docs[i].text.trim());
      assert.deepEqual(h.metadata, docs[i].metadata);
      assert.equal(h.chunk, 0);
      assert.equal(h.vectorScore, h.score);
    }
  }
});

test('a filter keeps only matching passages and still ranks them exactly', async () => {
  const hits = await collection.search('copyright notice', { k: 8, filter: 'file = "GPL-3" AND line > 100' });
  assertSameRanking(hits, await bruteForce('copyright notice', 8, (i) => docs[i].metadata.file === 'GPL-3' && docs[i].metadata.line > 100));
  const early = await collection.search('copyright notice', { k: 5, filter: 'early = true' });
  assert.ok(early.length === 5 && early.every((h) => h.metadata.early === true));
  const inList = await collection.search('license', { k: 50, filter: "file IN ('MPL-2.0', 'Apache-2.0')" });
  assert.ok(inList.length > 0 && inList.every((h) => ['MPL-2.0', 'Apache-2.0'].includes(h.metadata.file as string)));
});

test('filters naming an unknown field, or comparing a field with a value of another type, are refused naming the field', async () => {
  await assert.rejects(collection.search('license', { filter: 'lang = "en"' }), (e: unknown) => e instanceof FilterError && e.field === 'lang' && /unknown field "lang"/.test(e.message));
  await assert.rejects(collection.search('license', { filter: 'line = "ten"' }), (e: unknown) => e instanceof FilterError && e.field === 'line' && /number/.test(e.message));
  await assert.rejects(collection.search('license', { filter: 'file > 3' }), (e: unknown) => e instanceof FilterError && e.field === 'file');
  await assert.rejects(collection.search('license', { filter: 'early IN (1, 2)' }), (e: unknown) => e instanceof FilterError && e.field === 'early');
  await assert.rejects(collection.search('license', { filter: 'file = "GPL' }), FilterError);
  await assert.rejects(collection.search('license', { filter: 'line LIKE "1%"' }), (e: unknown) => e instanceof FilterError && e.field === 'line');
});

test('upsert replaces a document, skips an unchanged one, and deletes the passages a shorter version no longer has', async () => {
  const c = await openCollection(join(dir, 'upsert'), { model, pooling: 'sif' });
  const chunking = { maxTokens: 4, overlapTokens: 1 };
  const long = 'the licensee may copy and distribute verbatim copies of the program source code';
  const first = await c.add([{ id: 'doc', text: long }, { text: 'free software' }], { chunking });
  const ids = (await c.get(['doc'])).map((p) => p.id);
  // 13 tokens in passages of 4 starting every 3 tokens: 0-3, 3-6, 6-9, 9-12.
  assert.deepEqual(ids, ['doc#0', 'doc#1', 'doc#2', 'doc#3']);
  assert.equal((await c.get(['doc#3']))[0].text, 'the program source code');
  assert.equal(first.chunks, 5);
  // The same documents again: nothing embedded.
  const again = await c.add([{ id: 'doc', text: long }, { text: 'free software' }], { chunking });
  assert.deepEqual([again.chunks, again.skippedDocs, again.rows], [0, 2, 5]);
  // A document without an id is named by the hash of its text.
  const [anon] = await c.search('free software', { k: 1 });
  assert.equal(anon.text, 'free software');
  assert.match(anon.docId, /^[0-9a-f]{32}$/);
  assert.equal(anon.id, `${anon.docId}#0`);
  // A shorter version replaces all four passages by two.
  const shorter = await c.add([{ id: 'doc', text: 'copies of the program source code', metadata: { v: 2 } }], { chunking });
  assert.equal(shorter.chunks, 2);
  assert.deepEqual((await c.get(['doc'])).map((p) => [p.id, p.text, p.metadata.v]), [
    ['doc#0', 'copies of the program', 2],
    ['doc#1', 'program source code', 2],
  ]);
  assert.equal(await c.count(), 3);
  // Metadata alone changed: re-stored, not skipped.
  assert.equal((await c.add([{ id: 'doc', text: 'copies of the program source code', metadata: { v: 3 } }], { chunking })).skippedDocs, 0);
  // Delete by passage id, then by document id.
  assert.equal(await c.delete(['doc#1']), 1);
  assert.deepEqual((await c.get(['doc'])).map((p) => p.id), ['doc#0']);
  assert.equal(await c.delete(['doc', 'no-such-doc']), 1);
  assert.equal(await c.count(), 1);
  // A field keeps its type.
  await assert.rejects(c.add([{ id: 'x', text: 'program', metadata: { v: 'two' } }]), /metadata field "v" holds number values/);
  await c.close();
});

test('the collection records its encoder and refuses another one, or vectors of another dimension', async () => {
  const path = join(dir, 'licenses');
  const info = await collection.info();
  assert.deepEqual([info.encoder.model, info.encoder.pooling, info.encoder.dim, info.rows, info.docs], [model, 'sif', 24, docs.length, docs.length]);
  assert.equal(info.fields.file, 'string');
  // Reopened without a model, it uses its own; with another pooling or another model it refuses.
  const reopened = await openCollection(path);
  assert.equal((await reopened.search('free software', { k: 3 }))[0].id, (await collection.search('free software', { k: 3 }))[0].id);
  await assert.rejects(openCollection(path, { model, pooling: 'mean' }), (e: unknown) => e instanceof EncoderMismatchError && /pooling sif/.test(e.message));
  await assert.rejects(openCollection(path, { model: 'test/fixtures/reference/w2v-c-lee.bin' }), EncoderMismatchError);
  await assert.rejects(collection.search(new Float32Array(12)), /dim 12.*dim 24/);
  await assert.rejects(openCollection(join(dir, 'missing')), CollectionNotFoundError);
  await assert.rejects(openCollection(join(dir, 'missing2'), { model, create: false }), CollectionNotFoundError);
  await reopened.close();
});

test('a query vector searches as a text query does', async () => {
  const encoder = await openEncoder(model, { pooling: 'sif' });
  const q = (await encoder.encode(['source code of the program'])).vectors[0];
  assert.deepEqual(
    (await collection.search(q, { k: 5 })).map((h) => h.id),
    (await collection.search('source code of the program', { k: 5 })).map((h) => h.id),
  );
});

test('MMR re-ranking keeps the best hit and then prefers passages unlike those already picked', async () => {
  const c = await openCollection(join(dir, 'mmr'), { model, pooling: 'sif' });
  const base = 'distribute copies of the program source code';
  await c.add([
    { id: 'a', text: base },
    { id: 'a2', text: `${base} verbatim` },
    { id: 'a3', text: `${base} verbatim copies` },
    { id: 'b', text: 'the warranty disclaimer and limitation of liability' },
    { id: 'c', text: 'patent license granted by each contributor' },
  ]);
  const plain = await c.search(base, { k: 3 });
  assert.deepEqual(plain.map((h) => h.docId).sort(), ['a', 'a2', 'a3']);
  const diverse = await c.search(base, { k: 3, mmr: 0.3 });
  assert.equal(diverse[0].docId, plain[0].docId);
  assert.ok(diverse.filter((h) => h.docId.startsWith('a')).length < 3, `mmr picked ${diverse.map((h) => h.docId)}`);
  // λ = 1 is relevance alone.
  assert.deepEqual((await c.search(base, { k: 3, mmr: 1 })).map((h) => h.id), plain.map((h) => h.id));
  await c.close();
});

test('an ANN index, once built, is used and finds most of the exact top 10', async () => {
  await collection.buildAnnIndex({ partitions: 16 });
  assert.equal((await collection.info()).annIndex, 'ivf_pq');
  let found = 0;
  const queries = ['free software distribution', 'warranty liability damages', 'patent license grant', 'source code', 'copyright holder', 'terms and conditions'];
  for (const q of queries) {
    const exact = new Set((await collection.search(q, { k: 10, exact: true })).map((h) => h.id));
    const ann = await collection.search(q, { k: 10 });
    found += ann.filter((h) => exact.has(h.id)).length;
  }
  const recall = found / (10 * queries.length);
  assert.ok(recall >= 0.7, `recall@10 ${recall}`);
});
