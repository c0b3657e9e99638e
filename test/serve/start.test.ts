import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadEmbeddings, saveEmbeddings } from '../../src/formats/index.ts';
import { ensureDefaultModel, sampleCorpusPath } from '../../src/cli/default-model.ts';
import { serverCli, stop } from './helpers/cli.ts';
import { rng, structuredModel } from './helpers/model.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return serverCli(['start', '--port', '0', ...args], options);
}

test('the shipped sample corpus is found', () => {
  const path = sampleCorpusPath();
  assert.ok(path && statSync(path).size > 1e6, `sample corpus at ${path}`);
});

test('ensureDefaultModel trains once, caches atomically and reuses the cache', async () => {
  const r = rng(5);
  const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
  const lines = Array.from({ length: 1500 }, () => Array.from({ length: 12 }, () => words[Math.floor((r() + 0.5) * words.length)]).join(' '));
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, lines.join('\n') + '\n');
  const cache = join(dir, 'cache', 'model.bin');
  const first = await ensureDefaultModel({ cache, corpus, epochs: 1, threads: 1 });
  assert.equal(first.trained, true);
  assert.equal(first.path, cache);
  const emb = await loadEmbeddings(cache, { vocabFile: first.vocabPath });
  assert.equal(emb.dim, 100);
  assert.equal(emb.size, 40);
  assert.ok(emb.vocab.count(0) > 0, 'word counts kept for SIF');
  const mtime = statSync(cache).mtimeMs;
  const second = await ensureDefaultModel({ cache, corpus: join(dir, 'does-not-exist.txt') });
  assert.equal(second.trained, false);
  assert.equal(statSync(cache).mtimeMs, mtime);
});

test('embedkit start serves EMBEDKIT_MODEL and prints the URL', { timeout: 30_000 }, async () => {
  const vectors = join(dir, 'tiny.txt');
  await saveEmbeddings(structuredModel(), vectors, { format: 'word2vec-text' });
  const run = startCli([], { env: { EMBEDKIT_MODEL: `tiny=${vectors}` } });
  try {
    const url = await run.url;
    const health = await (await fetch(`${url}/health`)).json();
    assert.deepEqual(health.models, ['tiny']);
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
  } finally {
    await stop(run.child);
  }
});

test('embedkit start reuses .cache/default-model.bin in the working directory', { timeout: 30_000 }, async () => {
  const work = join(dir, 'work');
  mkdirSync(join(work, '.cache'), { recursive: true });
  await saveEmbeddings(structuredModel(), join(dir, 'tiny.bin'), { format: 'word2vec-binary' });
  copyFileSync(join(dir, 'tiny.bin'), join(work, '.cache', 'default-model.bin'));
  const run = startCli([], { cwd: work, env: { EMBEDKIT_MODEL: '' } });
  try {
    const url = await run.url;
    assert.match(run.stderr(), /using the cached default model/);
    const r = await fetch(`${url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'default', input: 'apple' }) });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).data[0].embedding.length, 16);
  } finally {
    await stop(run.child);
  }
});
