import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NotFoundError, toFile } from 'openai';
import type OpenAI from 'openai';
import type { RunningServer } from '../../src/serve/app.ts';
import { tempCollectionsDir, uploadText, vectorStoreServer } from './helpers/vector-stores.ts';

// An upload's own expires_after ({anchor: 'created_at', seconds}): once expires_at has passed the file is gone, as
// OpenAI's expired files are: not listed, not retrievable, its content unreadable, and it can no longer be given to
// a vector store. The server's clock is the test's, moved on by hand.

const tmp = tempCollectionsDir();
let time = Date.UTC(2030, 0, 1);
let server: RunningServer;
let client: OpenAI;

before(async () => {
  ({ server, client } = await vectorStoreServer(tmp.dir, { clock: () => time }));
});
after(async () => {
  await server?.close();
  tmp.remove();
});

const gone = (p: Promise<unknown>) => assert.rejects(p, (err: unknown) => err instanceof NotFoundError);

test('a file past its expires_at is gone from every route; one without expiry stays', async () => {
  const created = Math.floor(time / 1000);
  const brief = await client.files.create({ file: await toFile(Buffer.from('Gone within the hour.'), 'brief.txt'), purpose: 'assistants', expires_after: { anchor: 'created_at', seconds: 3600 } });
  const lasting = await uploadText(client, 'lasting.txt', 'Kept for good.');
  assert.equal(brief.expires_at, created + 3600);

  // Until then it is there.
  time = (created + 3599) * 1000;
  assert.equal((await client.files.retrieve(brief.id)).id, brief.id);
  assert.deepEqual((await client.files.list()).data.map((f) => f.id).sort(), [brief.id, lasting].sort());

  time = (created + 3600) * 1000;
  await gone(client.files.retrieve(brief.id));
  await gone(client.files.content(brief.id));
  assert.deepEqual((await client.files.list()).data.map((f) => f.id), [lasting]);
  const store = await client.vectorStores.create({ name: 'late' });
  await gone(client.vectorStores.files.create(store.id, { file_id: brief.id }));
  assert.equal((await client.files.retrieve(lasting)).id, lasting);
});
