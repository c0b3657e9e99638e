import assert from 'node:assert/strict';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type OpenAI from 'openai';
import type { RunningServer } from '../../src/serve/app.ts';
import { RECORDS_FOLDER } from '../../src/serve/vector-stores/registry.ts';
import type { StoreRecord } from '../../src/serve/vector-stores/objects.ts';
import { tempCollectionsDir, uploadText, vectorStoreServer } from './helpers/vector-stores.ts';

// A file another server attached and then crashed before storing is left `in_progress` in the store's record. A
// running server takes it up by its periodic sweep, without waiting for a request to that store.

const tmp = tempCollectionsDir();
let server: RunningServer;
let client: OpenAI;

before(async () => {
  ({ server, client } = await vectorStoreServer(tmp.dir, { sweepIntervalMs: 100 }));
});
after(async () => {
  await server?.close();
  tmp.remove();
});

const recordPath = (id: string) => join(tmp.dir, RECORDS_FOLDER, `${id}.json`);
const readRecord = (id: string) => JSON.parse(readFileSync(recordPath(id), 'utf8')) as StoreRecord;

test('a file left in progress by a crashed server is stored by the sweep, with no request to its store', async () => {
  const fileId = await uploadText(client, 'psalm.txt', 'The heavens declare the glory of God; and the firmament sheweth his handywork.');
  // The attachment as a server writes it, taken from a store this server completed.
  const model = await client.vectorStores.create({ name: 'model' });
  await client.vectorStores.files.createAndPoll(model.id, { file_id: fileId }, { pollIntervalMs: 20 });
  const attached = readRecord(model.id).files[fileId];
  // The crashed server's store: the file attached, in progress, nothing stored.
  const orphan = await client.vectorStores.create({ name: 'orphan' });
  const record = readRecord(orphan.id);
  record.files[fileId] = { ...attached, status: 'in_progress' };
  writeFileSync(`${recordPath(orphan.id)}.tmp`, JSON.stringify(record));
  renameSync(`${recordPath(orphan.id)}.tmp`, recordPath(orphan.id));

  const deadline = Date.now() + 15_000;
  while (readRecord(orphan.id).files[fileId].status === 'in_progress' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(readRecord(orphan.id).files[fileId].status, 'completed');
  const found = await client.vectorStores.search(orphan.id, { query: 'firmament', max_num_results: 1 });
  assert.equal(found.data[0]?.file_id, fileId);
});
