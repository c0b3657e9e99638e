import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BadRequestError } from 'openai';
import type OpenAI from 'openai';
import type { RunningServer } from '../../src/serve/app.ts';
import { tempCollectionsDir, uploadText, vectorStoreServer } from './helpers/vector-stores.ts';

// expires_after ({anchor: 'last_active_at', days}): a store reports when it expires, counted from its last use
// (a search, a file added), and once that time has passed it is `expired` and refuses search and new files, as
// OpenAI's are "no longer available for use". The server's clock is the test's, moved on by hand.

const DAY = 86_400_000;
const tmp = tempCollectionsDir();
let time = Date.UTC(2030, 0, 1);
let server: RunningServer;
let client: OpenAI;
const seconds = () => Math.floor(time / 1000);

before(async () => {
  ({ server, client } = await vectorStoreServer(tmp.dir, { clock: () => time }));
});
after(async () => {
  await server?.close();
  tmp.remove();
});

const refusedAsExpired = (p: Promise<unknown>) =>
  assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof BadRequestError, String(err));
    assert.equal(err.code, 'vector_store_expired');
    assert.equal(err.param, 'vector_store_id');
    assert.match(err.message, /expired at 20\d\d-.*2 day\(s\) after it was last active/);
    return true;
  });

test('a store expires days after its last use; searches and new files keep it alive until then', async () => {
  const file = await uploadText(client, 'news.txt', 'The government announced new taxes on Sunday.');
  const created = seconds();
  const store = await client.vectorStores.create({ name: 'short-lived', expires_after: { anchor: 'last_active_at', days: 2 } });
  assert.equal(store.last_active_at, created);
  assert.equal(store.expires_at, created + 2 * 86_400);
  assert.deepEqual(store.expires_after, { anchor: 'last_active_at', days: 2 });
  assert.equal(store.status, 'completed');

  // A file added a day later moves the expiry on.
  time += DAY;
  const added = await client.vectorStores.files.createAndPoll(store.id, { file_id: file }, { pollIntervalMs: 20 });
  assert.equal(added.status, 'completed');
  let now = await client.vectorStores.retrieve(store.id);
  assert.equal(now.last_active_at, seconds());
  assert.equal(now.expires_at, seconds() + 2 * 86_400);

  // A search 1.5 days later (still within 2 days of the last use) works and moves it on again.
  time += 1.5 * DAY;
  const hits = await client.vectorStores.search(store.id, { query: 'government taxes' });
  assert.equal(hits.data[0]?.file_id, file);
  now = await client.vectorStores.retrieve(store.id);
  assert.equal(now.status, 'completed');
  assert.equal(now.last_active_at, seconds());
  const expiresAt = seconds() + 2 * 86_400;
  assert.equal(now.expires_at, expiresAt);

  // Reading it is no use: a second short of the expiry it is still completed, at the expiry it is expired.
  time = (expiresAt - 1) * 1000;
  assert.equal((await client.vectorStores.retrieve(store.id)).status, 'completed');
  time = expiresAt * 1000;
  now = await client.vectorStores.retrieve(store.id);
  assert.equal(now.status, 'expired');
  assert.equal(now.expires_at, expiresAt);
  const listed = (await client.vectorStores.list()).data.find((s) => s.id === store.id);
  assert.equal(listed?.status, 'expired');

  // Expired: no search, no new files (one at a time or in a batch); and trying does not revive it.
  await refusedAsExpired(client.vectorStores.search(store.id, { query: 'government taxes' }));
  await refusedAsExpired(client.vectorStores.files.create(store.id, { file_id: file }));
  await refusedAsExpired(client.vectorStores.fileBatches.create(store.id, { file_ids: [file] }));
  assert.equal((await client.vectorStores.retrieve(store.id)).last_active_at, expiresAt - 2 * 86_400);
  // It can still be deleted.
  assert.equal((await client.vectorStores.delete(store.id)).deleted, true);
});

test('a store without a policy never expires', async () => {
  const store = await client.vectorStores.create({ name: 'forever' });
  assert.equal(store.expires_at, null);
  time += 3650 * DAY;
  assert.equal((await client.vectorStores.retrieve(store.id)).status, 'completed');
  assert.deepEqual((await client.vectorStores.search(store.id, { query: 'government' })).data, []);
});
