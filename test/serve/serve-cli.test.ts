import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { saveEmbeddings } from '../../src/formats/index.ts';
import { parseModelSpec } from '../../src/serve/models.ts';
import { serverCli, stop } from './helpers/cli.ts';
import { structuredModel } from './helpers/model.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-serve-'));
const vectors = join(dir, 'tiny.vec.txt');
before(() => saveEmbeddings(structuredModel(), vectors, { format: 'word2vec-text' }));
after(() => rmSync(dir, { recursive: true, force: true }));

test('model specs: name=path, or a path named after its file', () => {
  assert.deepEqual(parseModelSpec('en=/data/wiki.en.vec'), { name: 'en', path: '/data/wiki.en.vec' });
  assert.deepEqual(parseModelSpec('/data/wiki.en.vec.gz'), { name: 'wiki.en', path: '/data/wiki.en.vec.gz' });
  assert.deepEqual(parseModelSpec('vectors.bin'), { name: 'vectors', path: 'vectors.bin' });
  assert.deepEqual(parseModelSpec('./odd dir/a=b.vec'), { name: 'a=b', path: './odd dir/a=b.vec' });
});

test('embedkit serve: several named models, a key from EMBEDKIT_API_KEY', { timeout: 30_000 }, async () => {
  const run = serverCli(['serve', `first=${vectors}`, vectors, '--port', '0'], { env: { EMBEDKIT_API_KEY: 'k1,k2' } });
  try {
    const url = await run.url;
    const models = await (await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer k2' } })).json();
    assert.deepEqual(models.data.map((m: { id: string }) => m.id), ['first', 'tiny.vec']);
    const denied = await fetch(`${url}/v1/models`);
    assert.equal(denied.status, 401);
    const r = await fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { authorization: 'Bearer k1', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'tiny.vec', input: 'cat' }) });
    assert.equal(r.status, 200);
  } finally {
    await stop(run.child);
  }
});

test('embedkit serve refuses two models of one name, naming it', () => {
  const r = spawnSync(process.execPath, ['bin/embedkit.js', 'serve', `a=${vectors}`, `a=${vectors}`, '--port', '0'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /two models are named "a"/);
});
