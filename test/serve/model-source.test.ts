import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createApp } from '../../src/serve/app.ts';
import { publicSource } from '../../src/serve/model-source.ts';
import { openServedModel } from '../../src/serve/models.ts';

/**
 * /api/models (and the page) show where each model came from, but never the server's directory layout or a
 * remote URL's credentials: a file is shown by its name, a URL without user, password, query or fragment.
 */
test('publicSource: file names only; URLs without credentials, query strings or fragments', () => {
  assert.equal(publicSource('/home/alice/secret-project/vectors.bin'), 'vectors.bin');
  assert.equal(publicSource('C:\\Users\\alice\\vectors.vec'), 'vectors.vec');
  assert.equal(publicSource('models/minilm/'), 'minilm');
  assert.equal(publicSource('vectors.txt.gz'), 'vectors.txt.gz');
  assert.equal(publicSource('https://api.example.com/v1?api_key=SECRET#text-embedding-3-small'), 'https://api.example.com/v1');
  assert.equal(publicSource('https://bob:hunter2@api.example.com:8443/v1/#m'), 'https://api.example.com:8443/v1/');
  assert.equal(publicSource('http://127.0.0.1:8080/v1;token=SECRET'), 'http://127.0.0.1:8080/v1');
});

test('/api/models does not show the absolute path of a served file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-source-'));
  try {
    const path = join(dir, 'private-folder-name', 'tiny.txt');
    mkdirSync(join(dir, 'private-folder-name'));
    writeFileSync(path, '2 2\napple 1 2\npear 3 4\n');
    const app = await createApp({ models: [await openServedModel('tiny', path)] });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/models' });
      assert.equal(res.statusCode, 200);
      assert.doesNotMatch(res.body, /private-folder-name/);
      assert.equal(res.json().models[0].source, 'tiny.txt');
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
