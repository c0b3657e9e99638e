import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type OpenAI from 'openai';
import type { RunningServer } from '../../src/serve/app.ts';
import { tempCollectionsDir, uploadText, vectorStoreServer } from './helpers/vector-stores.ts';

// Files of one store whose attributes differ in which keys they have: a file without a boolean (or number, or
// string) attribute that other files have is stored with none, found by search, and filters treat it as lacking
// the key. A file with no boolean attribute stored after one with it once failed with LanceDB's "Need at least
// 1 bytes for bitmap".

const tmp = tempCollectionsDir();
let server: RunningServer;
let client: OpenAI;

before(async () => {
  ({ server, client } = await vectorStoreServer(tmp.dir));
});
after(async () => {
  await server?.close();
  tmp.remove();
});

test('files with and without a boolean attribute, attached one by one and in a batch, all complete and filter right', async () => {
  const store = await client.vectorStores.create({ name: 'sparse' });
  const texts: Record<string, string> = {
    flagged: 'The government announced new taxes on Sunday.',
    plain: 'The government said the police would investigate.',
    counted: 'Police said the fire spread across the city on Sunday.',
    named: 'The minister told the government to act.',
  };
  const ids: Record<string, string> = {};
  for (const [name, text] of Object.entries(texts)) ids[name] = await uploadText(client, `${name}.txt`, text);

  const one = await client.vectorStores.files.createAndPoll(store.id, { file_id: ids.flagged, attributes: { reviewed: true, year: 2001 } }, { pollIntervalMs: 20 });
  assert.equal(one.status, 'completed', JSON.stringify(one.last_error));
  const bare = await client.vectorStores.files.createAndPoll(store.id, { file_id: ids.plain }, { pollIntervalMs: 20 });
  assert.equal(bare.status, 'completed', JSON.stringify(bare.last_error));
  assert.deepEqual(bare.attributes, {});
  const batch = await client.vectorStores.fileBatches.createAndPoll(
    store.id,
    { files: [{ file_id: ids.counted, attributes: { year: 2002 } }, { file_id: ids.named, attributes: { desk: 'politics' } }] },
    { pollIntervalMs: 20 },
  );
  assert.deepEqual(batch.file_counts, { in_progress: 0, completed: 2, failed: 0, cancelled: 0, total: 2 });

  const found = async (filters?: OpenAI.VectorStores.VectorStoreSearchParams['filters']) =>
    (await client.vectorStores.search(store.id, { query: 'government police Sunday', max_num_results: 50, filters })).data.map((r) => r.file_id).sort();
  assert.deepEqual(await found(), Object.values(ids).sort());
  assert.deepEqual(await found({ type: 'eq', key: 'reviewed', value: true }), [ids.flagged]);
  assert.deepEqual(await found({ type: 'eq', key: 'reviewed', value: false }), []);
  assert.deepEqual(await found({ type: 'gte', key: 'year', value: 2000 }), [ids.flagged, ids.counted].sort());
  assert.deepEqual(await found({ type: 'eq', key: 'desk', value: 'politics' }), [ids.named]);

  // Taking the boolean away from the one file that had it: stored again without it.
  const updated = await client.vectorStores.files.update(ids.flagged, { vector_store_id: store.id, attributes: { year: 2001 } });
  assert.deepEqual(updated.attributes, { year: 2001 });
  assert.equal((await client.vectorStores.files.poll(store.id, ids.flagged, { pollIntervalMs: 20 })).status, 'completed');
  assert.deepEqual(await found({ type: 'eq', key: 'reviewed', value: true }), []);
  const hit = (await client.vectorStores.search(store.id, { query: 'government taxes', max_num_results: 50 })).data.find((r) => r.file_id === ids.flagged);
  assert.deepEqual(hit?.attributes, { year: 2001 });
});
