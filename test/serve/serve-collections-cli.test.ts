import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { serverCli, stop } from './helpers/cli.ts';
import { LICENSE_DIR, licenseDocs } from './helpers/licenses.ts';

const VECTORS = new URL('../fixtures/reference/lee_fasttext.vec', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'embedkit-serve-collections-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('embedkit serve --collections DIR: the vector-stores API behind the API key, and collections made by embedkit index add are stores', { timeout: 90_000 }, async () => {
  const collections = join(dir, 'collections');
  // A collection made outside the server, by `embedkit index add`, on the same vectors file.
  const docs = licenseDocs().slice(0, 3);
  const paths = docs.map((d) => join(LICENSE_DIR, d.name));
  const add = spawnSync(process.execPath, ['bin/embedkit.js', 'index', 'add', join(collections, 'licences'), '--model', VECTORS, '--txt', 'file', '--quiet', ...paths], { encoding: 'utf8' });
  assert.equal(add.status, 0, add.stderr);

  const run = serverCli(['serve', `lee=${VECTORS}`, '--collections', collections, '--port', '0', '--api-key', 'sk-c']);
  try {
    const url = await run.url;
    assert.match(run.stderr(), /vector stores: http:\/\/\S+\/v1\/vector_stores/);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-c', maxRetries: 0 });

    // The index's collection is listed under its folder's name and searched like any store, its metadata as attributes.
    const listed = await client.vectorStores.list();
    assert.deepEqual(listed.data.map((s) => s.id), ['licences']);
    const bsd = join(LICENSE_DIR, 'BSD');
    const found = await client.vectorStores.search('licences', { query: 'public work rights', max_num_results: 20, filters: { type: 'ne', key: 'source', value: bsd } });
    assert.ok(found.data.length > 0);
    for (const r of found.data) {
      assert.notEqual(r.attributes!.source, bsd, 'the filter holds');
      assert.ok(paths.includes(r.attributes!.source as string));
      assert.equal(r.filename, basename(r.attributes!.source as string));
    }

    // A new store through the SDK: its collection and the upload land under DIR.
    const mpl = licenseDocs().find((d) => d.name === 'MPL-2.0')!;
    const file = await client.files.create({ file: await toFile(mpl.data, 'MPL-2.0.txt'), purpose: 'assistants' });
    const store = await client.vectorStores.create({ name: 'mpl', file_ids: [file.id] });
    const done = await client.vectorStores.files.poll(store.id, file.id, { pollIntervalMs: 20 });
    assert.equal(done.status, 'completed');
    assert.ok(existsSync(join(collections, store.id)) && existsSync(join(collections, '.files', file.id, 'content')));
    const hits = await client.vectorStores.search(store.id, { query: 'Mozilla Public License' });
    assert.ok(hits.data.length > 0 && hits.data.every((h) => h.file_id === file.id));

    const anonymous = await fetch(`${url}/v1/vector_stores`);
    assert.equal(anonymous.status, 401);
  } finally {
    await stop(run.child);
  }
});
