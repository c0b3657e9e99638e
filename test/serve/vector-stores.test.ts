import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI, { BadRequestError, NotFoundError, toFile } from 'openai';
import { loadEmbeddings } from '../../src/formats/index.ts';
import { openCollection } from '../../src/search/index.ts';
import { resolveSearchOptions } from '../../src/search/search-options.ts';
import { startServer, type RunningServer, type ServeOptions } from '../../src/serve/app.ts';
import { staticModel, type ServedModel } from '../../src/serve/models.ts';
import { licenseDocs, type LicenseDoc } from './helpers/licenses.ts';

/**
 * OpenAI's Files and vector-stores APIs, driven by the official `openai` SDK against a real listening server, over
 * the licence texts every Debian system ships and word vectors from the test fixtures. Expected answers come from
 * the documents themselves (which file holds a phrase, which files' attributes pass a filter), never from the
 * server under test.
 */

const FIXTURE_VECTORS = new URL('../fixtures/reference/lee_fasttext.vec', import.meta.url).pathname;

let model: ServedModel;
let dir: string;
let referenceDir: string;
let server: RunningServer;
let client: OpenAI;
const docs: LicenseDoc[] = licenseDocs();
/** Uploaded licence file ids by licence name. */
const fileIds = new Map<string, string>();

async function serve(options: Partial<ServeOptions> = {}): Promise<RunningServer> {
  return startServer({ models: [model], port: 0, collections: { dir }, ...options });
}

before(async () => {
  model = staticModel('lee', await loadEmbeddings(FIXTURE_VECTORS));
  dir = mkdtempSync(join(tmpdir(), 'embedkit-vstores-'));
  referenceDir = mkdtempSync(join(tmpdir(), 'embedkit-vstores-reference-'));
  server = await serve();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-checked', maxRetries: 0 });
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(referenceDir, { recursive: true, force: true });
});

async function upload(name: string, data: Buffer): Promise<string> {
  const f = await client.files.create({ file: await toFile(data, name), purpose: 'assistants' });
  return f.id;
}

describe('files', () => {
  test('upload, retrieve, list (paged), download and delete', async () => {
    for (const d of docs) {
      const f = await client.files.create({ file: await toFile(d.data, `${d.name}.txt`), purpose: 'assistants' });
      assert.equal(f.object, 'file');
      assert.equal(f.bytes, d.data.length);
      assert.equal(f.filename, `${d.name}.txt`);
      assert.equal(f.purpose, 'assistants');
      assert.match(f.id, /^file-[A-Za-z0-9]{24}$/);
      fileIds.set(d.name, f.id);
    }
    const got = await client.files.retrieve(fileIds.get('GPL-3')!);
    assert.equal(got.filename, 'GPL-3.txt');
    // Download is byte-exact.
    const content = Buffer.from(await (await client.files.content(fileIds.get('MPL-2.0')!)).arrayBuffer());
    assert.ok(content.equals(docs.find((d) => d.name === 'MPL-2.0')!.data));

    // Cursor pages of 3 walk every file once, newest first (the default order).
    const seen: string[] = [];
    for await (const f of client.files.list({ limit: 3 })) seen.push(f.id);
    assert.deepEqual(seen, [...fileIds.values()].reverse());
    const asc = await client.files.list({ limit: 2, order: 'asc' });
    assert.deepEqual(asc.data.map((f) => f.id), [...fileIds.values()].slice(0, 2));
    assert.equal(asc.has_more, true);

    const extra = await upload('extra.txt', Buffer.from('a file to delete\n'));
    const deleted = await client.files.delete(extra);
    assert.deepEqual(deleted, { id: extra, object: 'file', deleted: true });
    await assert.rejects(client.files.retrieve(extra), (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.equal(err.status, 404);
      assert.equal(err.type, 'invalid_request_error');
      assert.match(err.message, new RegExp(extra));
      return true;
    });
  });

  test('an upload without purpose or file, or not multipart, is a 400 naming the field', async () => {
    const url = `${server.url}/v1/files`;
    const noPurpose = new FormData();
    noPurpose.set('file', new Blob(['text']), 'a.txt');
    let res = await fetch(url, { method: 'POST', body: noPurpose });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.param, 'purpose');

    const noFile = new FormData();
    noFile.set('purpose', 'assistants');
    res = await fetch(url, { method: 'POST', body: noFile });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.param, 'file');

    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"purpose":"assistants"}' });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.param, 'file');

    // Past the upload limit: 413, and nothing is stored.
    const small = await serve({ collections: { dir, uploadLimit: 4096 } });
    try {
      const big = new FormData();
      big.set('purpose', 'assistants');
      big.set('file', new Blob([new Uint8Array(docs[0].data)]), 'big.txt');
      const before = (await client.files.list()).data.length;
      const refused = await fetch(`${small.url}/v1/files`, { method: 'POST', body: big });
      assert.equal(refused.status, 413);
      assert.equal((await refused.json()).error.code, 'request_too_large');
      assert.equal((await client.files.list()).data.length, before);
    } finally {
      await small.close();
    }

    // A body cut before its closing boundary is refused, never stored shortened.
    const boundary = 'XyZ123';
    const cut = `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf a fi`;
    res = await fetch(url, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: cut });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.code, 'invalid_multipart');
  });
});

describe('vector stores', () => {
  let storeId: string;

  test('create, attach each licence with attributes and poll to completion', async () => {
    const store = await client.vectorStores.create({ name: 'licences', metadata: { source: 'debian' } });
    assert.equal(store.object, 'vector_store');
    assert.equal(store.name, 'licences');
    assert.deepEqual(store.metadata, { source: 'debian' });
    assert.deepEqual(store.file_counts, { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 });
    storeId = store.id;
    for (const d of docs) {
      const f = await client.vectorStores.files.createAndPoll(storeId, { file_id: fileIds.get(d.name)!, attributes: d.attributes }, { pollIntervalMs: 20 });
      assert.equal(f.object, 'vector_store.file');
      assert.equal(f.status, 'completed', JSON.stringify(f.last_error));
      assert.equal(f.vector_store_id, storeId);
      assert.equal(f.last_error, null);
      assert.deepEqual(f.attributes, d.attributes);
      assert.equal(f.usage_bytes, d.data.length);
      assert.deepEqual(f.chunking_strategy, { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } });
    }
    const after = await client.vectorStores.retrieve(storeId);
    assert.equal(after.status, 'completed');
    assert.equal(after.file_counts.completed, docs.length);
    assert.equal(after.usage_bytes, docs.reduce((s, d) => s + d.data.length, 0));
  });

  test('search ranks as the collection library does: hybrid by default, scores in [0, 1], OpenAI\'s page shape', async () => {
    // The reference: the same licences added straight to a collection of embedkit/search, with the same ids,
    // attributes, chunking (OpenAI's default) and encoder, searched with hybrid ranking.
    const reference = await openCollection(join(referenceDir, 'licences'), { encoder: model.encoder });
    try {
      await reference.add(
        docs.map((d) => ({ id: fileIds.get(d.name)!, text: d.data.toString('utf8'), metadata: d.attributes })),
        { chunking: { maxTokens: 800, overlapTokens: 400 } },
      );
      for (const query of ['Mozilla Public License', 'public source work rights', 'general law conditions', 'document']) {
        const want = await reference.search(query, { k: 8, hybrid: true });
        const page = await client.vectorStores.search(storeId, { query, max_num_results: 8 });
        assert.deepEqual(
          page.data.map((r) => [r.file_id, r.content[0].text]),
          want.map((h) => [h.docId, h.text]),
          query,
        );
        page.data.forEach((r, i) => {
          // The library's fused score as it is: convex fusion's scores are already on OpenAI's scale, [0, 1].
          assert.equal(r.score, want[i].score, `${query}: score ${r.score} vs ${want[i].score}`);
          assert.ok(r.score >= 0 && r.score <= 1);
          const doc = docs.find((d) => fileIds.get(d.name) === r.file_id)!;
          assert.equal(r.filename, `${doc.name}.txt`);
          assert.deepEqual(r.attributes, doc.attributes);
          assert.equal(r.content[0].type, 'text');
        });
      }
    } finally {
      await reference.close();
    }
    // A name only one licence holds puts that licence first.
    const mozilla = await client.vectorStores.search(storeId, { query: 'Mozilla Public License', max_num_results: 3 });
    assert.equal(mozilla.data[0].file_id, fileIds.get('MPL-2.0'));

    // A query with no word the vectors know still finds passages by its words alone (keyword half of the fusion).
    const mozillaHolders = docs.filter((d) => /mozilla/i.test(d.data.toString('utf8'))).map((d) => fileIds.get(d.name));
    // Its scores come from the keyword ranking alone, weighed by 1 − alpha: at most that, the first passage exactly.
    const keywordWeight = 1 - resolveSearchOptions({ hybrid: true }).alpha;
    const unknown = await client.vectorStores.search(storeId, { query: 'Mozilla', max_num_results: 20 });
    assert.ok(unknown.data.length > 0);
    assert.ok(Math.abs(unknown.data[0].score - keywordWeight) < 1e-12, `first keyword-only score ${unknown.data[0].score}, want ${keywordWeight}`);
    for (const r of unknown.data) {
      assert.ok(mozillaHolders.includes(r.file_id) && /mozilla/i.test(r.content[0].text), `${r.filename} holds the word`);
      assert.ok(r.score <= keywordWeight + 1e-12, 'ranked by the keyword ranking only');
    }

    // The raw page: OpenAI's object name and the queries echoed back.
    const raw = await fetch(`${server.url}/v1/vector_stores/${storeId}/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: ['public work', 'source rights'], max_num_results: 3, rewrite_query: true }),
    });
    const body = await raw.json();
    assert.equal(body.object, 'vector_store.search_results.page');
    assert.deepEqual(body.search_query, ['public work', 'source rights']);
    assert.equal(body.has_more, false);
    assert.equal(body.next_page, null);
    assert.equal(body.data.length, 3);
  });

  test('filters keep exactly the files whose attributes pass (comparison and compound)', async () => {
    const cases: Array<[OpenAI.VectorStores.VectorStoreSearchParams['filters'], (a: LicenseDoc['attributes']) => boolean]> = [
      [{ type: 'eq', key: 'copyleft', value: true }, (a) => a.copyleft],
      [{ type: 'ne', key: 'spdx', value: 'GPL-3' }, (a) => a.spdx !== 'GPL-3'],
      [{ type: 'gte', key: 'year', value: 2007 }, (a) => a.year >= 2007],
      [{ type: 'lt', key: 'year', value: 2000 }, (a) => a.year < 2000],
      [{ type: 'and', filters: [{ type: 'eq', key: 'copyleft', value: false }, { type: 'gt', key: 'year', value: 2000 }] }, (a) => !a.copyleft && a.year > 2000],
      [{ type: 'or', filters: [{ type: 'eq', key: 'spdx', value: 'BSD' }, { type: 'lte', key: 'year', value: 1989 }] }, (a) => a.spdx === 'BSD' || a.year <= 1989],
      [{ type: 'in', key: 'spdx', value: ['MPL-2.0', 'CC0-1.0'] }, (a) => ['MPL-2.0', 'CC0-1.0'].includes(a.spdx)],
    ];
    for (const [filters, pass] of cases) {
      const allowed = new Set(docs.filter((d) => pass(d.attributes)).map((d) => fileIds.get(d.name)));
      assert.ok(allowed.size > 0 && allowed.size < docs.length, 'each filter splits the licences');
      const page = await client.vectorStores.search(storeId, { query: 'public work rights', max_num_results: 50, filters });
      assert.ok(page.data.length > 0, JSON.stringify(filters));
      for (const r of page.data) assert.ok(allowed.has(r.file_id), `${JSON.stringify(filters)} let ${r.filename} through`);
      // Every passage is a vector candidate: fewer than 50 results means all passages that pass were returned.
      if (page.data.length < 50) assert.deepEqual(new Set(page.data.map((r) => r.file_id)), allowed, JSON.stringify(filters));
    }
  });

  test('a filter on an unknown attribute, or of the wrong type, is a 400 naming the field', async () => {
    const bad = async (filters: unknown, param: string, pattern: RegExp) => {
      await assert.rejects(client.vectorStores.search(storeId, { query: 'patent', filters: filters as never }), (err: unknown) => {
        assert.ok(err instanceof BadRequestError, String(err));
        assert.equal(err.param, param);
        assert.match(err.message, pattern);
        return true;
      });
    };
    await bad({ type: 'eq', key: 'lang', value: 'en' }, 'filters.key', /"lang".*known attributes: copyleft, spdx, year/);
    await bad({ type: 'eq', key: 'year', value: '2007' }, 'filters.value', /"year" holds number values, not string/);
    await bad({ type: 'gt', key: 'copyleft', value: true }, 'filters.type', /"copyleft" is boolean/);
    await bad({ type: 'and', filters: [{ type: 'eq', key: 'copyleft', value: true }, { type: 'eq', key: 'licence', value: 'x' }] }, 'filters.filters[1].key', /"licence"/);
    await bad({ type: 'like', key: 'spdx', value: 'G%' }, 'filters.type', /expected one of/);
    // Body fields are checked too, by their path.
    await assert.rejects(client.vectorStores.search(storeId, { query: 'x', max_num_results: 51 }), (err: unknown) => err instanceof BadRequestError && err.param === 'max_num_results');
  });

  test('score_threshold and max_num_results bound the results', async () => {
    const all = await client.vectorStores.search(storeId, { query: 'public source work', max_num_results: 20 });
    assert.ok(all.data.length >= 4);
    const threshold = (all.data[1].score + all.data[2].score) / 2;
    const top = await client.vectorStores.search(storeId, { query: 'public source work', max_num_results: 20, ranking_options: { score_threshold: threshold } });
    assert.deepEqual(top.data.map((r) => r.score), all.data.filter((r) => r.score >= threshold).map((r) => r.score));
    const two = await client.vectorStores.search(storeId, { query: 'public source work', max_num_results: 2 });
    assert.equal(two.data.length, 2);
  });

  test('a batch with binary and non-UTF-8 files: those fail with the reason, the others complete', async () => {
    const binary = await upload('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    const latin1 = await upload('latin1.txt', Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e\n', 'latin1'));
    const text = await upload('notes.txt', Buffer.from('A note: the public may use this work under the same terms.\n'));
    const batchStore = await client.vectorStores.create({ name: 'batch' });
    const batch = await client.vectorStores.fileBatches.createAndPoll(
      batchStore.id,
      { file_ids: [binary, text, latin1, fileIds.get('BSD')!], attributes: { kind: 'mixed' }, chunking_strategy: { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 20 } } },
      { pollIntervalMs: 20 },
    );
    assert.equal(batch.object, 'vector_store.files_batch');
    assert.equal(batch.status, 'completed');
    assert.deepEqual(batch.file_counts, { in_progress: 0, completed: 2, failed: 2, cancelled: 0, total: 4 });
    const failed = await client.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: batchStore.id, filter: 'failed' });
    const byId = new Map(failed.data.map((f) => [f.id, f]));
    assert.deepEqual(new Set(byId.keys()), new Set([binary, latin1]));
    assert.equal(byId.get(binary)!.last_error!.code, 'unsupported_file');
    assert.match(byId.get(binary)!.last_error!.message, /image\.png is not a text file.*offset 8/);
    assert.match(byId.get(latin1)!.last_error!.message, /latin1\.txt is not valid UTF-8 .*offset 3/);
    const done = await client.vectorStores.files.retrieve(text, { vector_store_id: batchStore.id });
    assert.deepEqual(done.chunking_strategy, { type: 'static', static: { max_chunk_size_tokens: 100, chunk_overlap_tokens: 20 } });
    assert.deepEqual(done.attributes, { kind: 'mixed' });
    const hits = await client.vectorStores.search(batchStore.id, { query: 'the public may use this work', max_num_results: 50 });
    assert.deepEqual(new Set(hits.data.map((h) => h.file_id)), new Set([text, fileIds.get('BSD')]), 'only the files that completed are searched');
    await client.vectorStores.delete(batchStore.id);
  });

  test('a cancelled batch stops: files not yet stored are cancelled and never searched', async () => {
    const store = await client.vectorStores.create({ name: 'cancel' });
    const ids = docs.map((d) => fileIds.get(d.name)!);
    const batch = await client.vectorStores.fileBatches.create(store.id, { file_ids: ids });
    const cancelled = await client.vectorStores.fileBatches.cancel(batch.id, { vector_store_id: store.id });
    assert.equal(cancelled.object, 'vector_store.files_batch');
    const done = await client.vectorStores.fileBatches.poll(store.id, batch.id, { pollIntervalMs: 20 });
    assert.equal(done.status, 'cancelled');
    assert.equal(done.file_counts.in_progress, 0);
    assert.equal(done.file_counts.cancelled + done.file_counts.completed, ids.length);
    const stopped = new Set<string>();
    for await (const f of client.vectorStores.fileBatches.listFiles(batch.id, { vector_store_id: store.id, filter: 'cancelled' })) stopped.add(f.id);
    assert.equal(stopped.size, done.file_counts.cancelled);
    const kept = new Set(ids.filter((id) => !stopped.has(id)));
    const page = await client.vectorStores.search(store.id, { query: 'public work rights', max_num_results: 50 });
    for (const r of page.data) assert.ok(kept.has(r.file_id), `${r.filename} was cancelled but is searched`);
    await client.vectorStores.delete(store.id);
  });

  test('an HTML upload is indexed as its text, as the library reads HTML files', async () => {
    const html = '<html><head><title>Cats</title><style>p { color: red }</style></head><body><p>the cat &amp; the dog</p><script>var hidden = 1;</script></body></html>';
    const id = await upload('page.html', Buffer.from(html));
    const store = await client.vectorStores.create({ name: 'html' });
    const f = await client.vectorStores.files.createAndPoll(store.id, { file_id: id }, { pollIntervalMs: 20 });
    assert.equal(f.status, 'completed');
    const passages = [];
    for await (const c of client.vectorStores.files.content(id, { vector_store_id: store.id })) passages.push(c.text!);
    const text = passages.join(' ');
    assert.match(text, /the cat & the dog/);
    assert.doesNotMatch(text, /<|color: red|hidden/);
    await client.vectorStores.delete(store.id);
    await client.files.delete(id);
  });

  test('list, retrieve, update and delete stores and their files', async () => {
    const extra = await client.vectorStores.create({ name: 'scratch', file_ids: [fileIds.get('CC0-1.0')!] });
    const listed: string[] = [];
    for await (const s of client.vectorStores.list({ limit: 1 })) listed.push(s.id);
    assert.deepEqual(listed.slice(0, 2), [extra.id, storeId]);

    const renamed = await client.vectorStores.update(extra.id, { name: 'renamed', metadata: { owner: 'tests' } });
    assert.equal(renamed.name, 'renamed');
    assert.deepEqual(renamed.metadata, { owner: 'tests' });
    assert.equal((await client.vectorStores.retrieve(extra.id)).name, 'renamed');

    // New attributes for a file: it is stored again with them, and filters see them.
    const gpl = fileIds.get('GPL-3')!;
    const updated = await client.vectorStores.files.update(gpl, { vector_store_id: storeId, attributes: { spdx: 'GPL-3', copyleft: true, year: 2007, family: 'gnu' } });
    assert.equal(updated.attributes!.family, 'gnu');
    assert.equal((await client.vectorStores.files.poll(storeId, gpl, { pollIntervalMs: 20 })).status, 'completed');
    const gnu = await client.vectorStores.search(storeId, { query: 'public work', max_num_results: 50, filters: { type: 'eq', key: 'family', value: 'gnu' } });
    assert.ok(gnu.data.length > 0 && gnu.data.every((r) => r.file_id === gpl));
    docs.find((d) => d.name === 'GPL-3')!.attributes = updated.attributes as LicenseDoc['attributes'];

    // A file's stored passages: every one is text of the file, in order, covering it from its start.
    const passages = [];
    for await (const c of client.vectorStores.files.content(gpl, { vector_store_id: storeId })) passages.push(c);
    const flat = (t: string) => t.replace(/\s+/g, ' ').trim();
    const gplText = flat(docs.find((d) => d.name === 'GPL-3')!.data.toString('utf8'));
    assert.ok(passages.length > 2);
    assert.ok(gplText.startsWith(flat(passages[0].text!).slice(0, 100)));
    let from = 0;
    for (const c of passages) {
      assert.equal(c.type, 'text');
      const at = gplText.indexOf(flat(c.text!), from);
      assert.ok(at >= from, 'passages are text of the file, in order');
      from = at;
    }

    const files: string[] = [];
    for await (const f of client.vectorStores.files.list(storeId, { limit: 3, order: 'asc' })) files.push(f.id);
    assert.deepEqual(files, docs.map((d) => fileIds.get(d.name)));

    // Detaching a file takes its chunks out of search; the uploaded file itself stays.
    const apache = fileIds.get('Apache-2.0')!;
    const gone = await client.vectorStores.files.delete(apache, { vector_store_id: storeId });
    assert.deepEqual(gone, { id: apache, object: 'vector_store.file.deleted', deleted: true });
    const page = await client.vectorStores.search(storeId, { query: 'Grant of Patent License', max_num_results: 50 });
    assert.ok(!page.data.some((r) => r.file_id === apache));
    assert.equal((await client.files.retrieve(apache)).id, apache);
    await assert.rejects(client.vectorStores.files.retrieve(apache, { vector_store_id: storeId }), NotFoundError);

    const deleted = await client.vectorStores.delete(extra.id);
    assert.deepEqual(deleted, { id: extra.id, object: 'vector_store.deleted', deleted: true });
    await assert.rejects(client.vectorStores.retrieve(extra.id), NotFoundError);
  });

  test('unknown stores, files and batches are 404s in OpenAI\'s shape', async () => {
    const expect404 = (p: Promise<unknown>, param: string) =>
      assert.rejects(p, (err: unknown) => {
        assert.ok(err instanceof NotFoundError, String(err));
        assert.equal(err.code, 'not_found');
        assert.equal(err.param, param);
        return true;
      });
    await expect404(client.vectorStores.retrieve('vs_nope'), 'vector_store_id');
    await expect404(client.vectorStores.search('vs_nope', { query: 'x' }), 'vector_store_id');
    await expect404(client.vectorStores.files.create('vs_nope', { file_id: fileIds.get('BSD')! }), 'vector_store_id');
    await expect404(client.vectorStores.files.create(storeId, { file_id: 'file-nope' }), 'file_id');
    await expect404(client.vectorStores.fileBatches.retrieve('vsfb_nope', { vector_store_id: storeId }), 'batch_id');
    await expect404(client.files.delete('file-nope'), 'file_id');
  });

  test('stores, files and their chunks survive a restart', async () => {
    await server.close();
    server = await serve();
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-checked', maxRetries: 0 });
    const store = await client.vectorStores.retrieve(storeId);
    assert.equal(store.name, 'licences');
    assert.equal(store.file_counts.completed, docs.length - 1);
    const page = await client.vectorStores.search(storeId, { query: 'Mozilla Public License' });
    assert.equal(page.data[0].file_id, fileIds.get('MPL-2.0'));
    assert.equal((await client.files.list()).data.length, docs.length + 3);
  });

  test('files still in progress when the server stops are stored at the next start', { timeout: 60_000 }, async () => {
    const store = await client.vectorStores.create({ name: 'resume' });
    const ids = docs.map((d) => fileIds.get(d.name)!);
    const batch = await client.vectorStores.fileBatches.create(store.id, { file_ids: ids });
    // Stop at once: the first file may be stored, the others wait in the queue.
    await server.close();
    server = await serve();
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-checked', maxRetries: 0 });
    const done = await client.vectorStores.fileBatches.poll(store.id, batch.id, { pollIntervalMs: 20 });
    assert.deepEqual(done.file_counts, { in_progress: 0, completed: ids.length, failed: 0, cancelled: 0, total: ids.length });
    const mozilla = await client.vectorStores.search(store.id, { query: 'Mozilla Public License', max_num_results: 1 });
    assert.equal(mozilla.data[0].file_id, fileIds.get('MPL-2.0'));
    await client.vectorStores.delete(store.id);
  });

  test('a server with another model refuses to search a store it cannot embed queries for (409, naming the encoder)', async () => {
    const other = staticModel('cp', await loadEmbeddings(new URL('../fixtures/reference/crime-and-punishment.vec', import.meta.url).pathname));
    const elsewhere = await startServer({ models: [other], port: 0, collections: { dir } });
    try {
      const res = await fetch(`${elsewhere.url}/v1/vector_stores/${storeId}/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'public work' }) });
      assert.equal(res.status, 409);
      const { error } = await res.json();
      assert.equal(error.code, 'encoder_mismatch');
      assert.match(error.message, /static:lee.*static:cp/);
    } finally {
      await elsewhere.close();
    }
  });

  test('with API keys, every vector-store route needs one', async () => {
    const keyed = await serve({ apiKeys: ['sk-vs-test'] });
    try {
      const anonymous = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: 'wrong-key', maxRetries: 0 });
      await assert.rejects(anonymous.vectorStores.list(), (err: unknown) => (err as { status?: number }).status === 401);
      await assert.rejects(anonymous.files.list(), (err: unknown) => (err as { status?: number }).status === 401);
      const keyedClient = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: 'sk-vs-test', maxRetries: 0 });
      assert.ok((await keyedClient.vectorStores.retrieve(storeId)).id === storeId);
    } finally {
      await keyed.close();
    }
  });
});
