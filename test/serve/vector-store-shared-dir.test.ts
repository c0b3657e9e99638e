import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NotFoundError } from 'openai';
import type OpenAI from 'openai';
import type { RunningServer } from '../../src/serve/app.ts';
import { licenseDocs } from './helpers/licenses.ts';
import { tempCollectionsDir, uploadText, vectorStoreServer } from './helpers/vector-stores.ts';

// Two servers over one collections folder (the "many servers over one shared dataset"): what one does, the
// other sees at its next request (stores, uploads, attached files and their status), changes made at once by both
// are all kept, and files one server left in progress are stored by the other.

const tmp = tempCollectionsDir();
let a: { server: RunningServer; client: OpenAI };
let b: { server: RunningServer; client: OpenAI };
const docs = licenseDocs();

before(async () => {
  a = await vectorStoreServer(tmp.dir);
  b = await vectorStoreServer(tmp.dir);
});
after(async () => {
  await a?.server.close();
  await b?.server.close();
  tmp.remove();
});

test('uploads, stores, files and statuses made through one server are seen by the other', async () => {
  const file = await uploadText(a.client, 'news.txt', 'The government announced new taxes on Sunday.');
  assert.equal((await b.client.files.retrieve(file)).filename, 'news.txt');
  assert.ok((await b.client.files.list()).data.some((f) => f.id === file));
  assert.equal(Buffer.from(await (await b.client.files.content(file)).arrayBuffer()).toString(), 'The government announced new taxes on Sunday.');

  const store = await a.client.vectorStores.create({ name: 'shared' });
  assert.equal((await b.client.vectorStores.retrieve(store.id)).name, 'shared');
  assert.ok((await b.client.vectorStores.list()).data.some((s) => s.id === store.id));

  // Attached through B, polled and searched through A.
  await b.client.vectorStores.files.create(store.id, { file_id: file, attributes: { desk: 'politics' } });
  const done = await a.client.vectorStores.files.poll(store.id, file, { pollIntervalMs: 20 });
  assert.equal(done.status, 'completed');
  assert.deepEqual(done.attributes, { desk: 'politics' });
  const hits = await a.client.vectorStores.search(store.id, { query: 'government taxes' });
  assert.equal(hits.data[0]?.file_id, file);

  await b.client.vectorStores.update(store.id, { name: 'renamed' });
  assert.equal((await a.client.vectorStores.retrieve(store.id)).name, 'renamed');

  await a.client.files.delete(file);
  await assert.rejects(b.client.files.retrieve(file), NotFoundError);
  await b.client.vectorStores.delete(store.id);
  await assert.rejects(a.client.vectorStores.retrieve(store.id), NotFoundError);
  await assert.rejects(a.client.vectorStores.search(store.id, { query: 'government' }), NotFoundError);
});

test('files attached to one store through both servers at once are all kept and all stored', { timeout: 120_000 }, async () => {
  const ids = await Promise.all(docs.map((d, i) => a.client.files.create({ file: new File([new Uint8Array(d.data)], `${d.name}.txt`), purpose: i % 2 ? 'assistants' : 'user_data' }).then((f) => f.id)));
  const store = await b.client.vectorStores.create({ name: 'both' });
  // Every other file through each server, all requests in flight together.
  await Promise.all(ids.map((id, i) => (i % 2 ? a : b).client.vectorStores.files.create(store.id, { file_id: id, attributes: { spdx: docs[i].name } })));
  for (const [i, id] of ids.entries()) {
    const f = await (i % 2 ? b : a).client.vectorStores.files.poll(store.id, id, { pollIntervalMs: 20 });
    assert.equal(f.status, 'completed', `${docs[i].name}: ${JSON.stringify(f.last_error)}`);
  }
  for (const s of [a, b]) {
    const counts = (await s.client.vectorStores.retrieve(store.id)).file_counts;
    assert.deepEqual(counts, { in_progress: 0, completed: ids.length, failed: 0, cancelled: 0, total: ids.length });
  }
  // Each licence's own name finds it, through either server.
  const mozilla = await a.client.vectorStores.search(store.id, { query: 'Mozilla Public License', max_num_results: 1 });
  assert.equal(mozilla.data[0].file_id, ids[docs.findIndex((d) => d.name === 'MPL-2.0')]);
  const found = new Set<string>();
  for (const s of [a, b]) for (const r of (await s.client.vectorStores.search(store.id, { query: 'license software work rights', max_num_results: 50 })).data) found.add(r.file_id);
  assert.ok(found.size >= ids.length - 1, `${found.size} of ${ids.length} files found`);
});

test('files a server left in progress are stored by the other', { timeout: 120_000 }, async () => {
  const ids = await Promise.all(docs.map((d) => uploadText(a.client, `${d.name}.txt`, d.data.toString('utf8'))));
  const store = await a.client.vectorStores.create({ name: 'handover' });
  const batch = await a.client.vectorStores.fileBatches.create(store.id, { file_ids: ids });
  // A stops at once: at most the file it was storing is done, the rest stay in progress until B sees them.
  await a.server.close();
  const done = await b.client.vectorStores.fileBatches.poll(store.id, batch.id, { pollIntervalMs: 20 });
  assert.deepEqual(done.file_counts, { in_progress: 0, completed: ids.length, failed: 0, cancelled: 0, total: ids.length });
  const mozilla = await b.client.vectorStores.search(store.id, { query: 'Mozilla Public License', max_num_results: 1 });
  assert.equal(mozilla.data[0].file_id, ids[docs.findIndex((d) => d.name === 'MPL-2.0')]);
  a = await vectorStoreServer(tmp.dir);
});
