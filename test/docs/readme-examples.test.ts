import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openServedModel, startServer, staticModel, type RunningServer } from '../../src/serve/index.ts';
import { TINY_CLIP, heldoutPng } from '../helpers/tiny-clip.ts';
import { exampleDir, fixtureEmbeddings, root, runExample, typeCheckExamples } from './examples-harness.ts';

// Every ```ts block of README.md runs, so the README cannot drift from the API. The serving example talks to a
// server started here on a free port (its http://127.0.0.1:8080 is rewritten to it), serving the model 'en' and the
// tiny CLIP as 'clip'; each example's folder holds a picture.png for the picture examples.

const blocks = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
let server: RunningServer;
const dirs: string[] = [];

before(async () => {
  const emb = await fixtureEmbeddings().prepare();
  server = await startServer({ models: [staticModel('en', emb), await openServedModel('clip', TINY_CLIP)], port: 0 });
});
after(async () => {
  await server?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('README.md has TypeScript examples', () => {
  assert.ok(blocks.length >= 3, `found ${blocks.length} ts blocks`);
});

test('README examples type-check against the public API', async () => {
  const dir = await exampleDir();
  dirs.push(dir);
  assert.equal(typeCheckExamples(blocks, dir), '');
});

for (const [i, code] of blocks.entries()) {
  const title = code.split('\n').find((l) => l.trim() && !l.startsWith('import'))?.trim() ?? '';
  test(`README example ${i + 1} runs: ${title.slice(0, 60)}`, async () => {
    const dir = await exampleDir();
    dirs.push(dir);
    writeFileSync(join(dir, 'picture.png'), await heldoutPng(0));
    const r = await runExample(code, dir, server.url);
    assert.equal(r.status, 0, `example ${i + 1} failed:\n${code}\n--- stderr:\n${r.stderr}`);
  });
}
