import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/serve/app.ts';
import { json, raw } from './helpers/raw-http.ts';
import { openaiError, testServer } from './helpers/server.ts';

/**
 * The key must follow the route the router matches, not the raw text of the request target: the router
 * percent-decodes, drops fragments and accepts absolute-form targets, so every spelling of a protected route
 * below has to answer 401 without a key. fetch() would normalize these targets, so they go out on a raw socket.
 */
const KEY = 'sk-test-123456789';

const EMBED_BODY = JSON.stringify({ model: 'tiny', input: 'apple' });

/** [method, target]: every spelling a hostile client tried, each of which routes (or might route) to a protected handler. */
const VARIANTS: Array<[string, string]> = [
  ['POST', '/v1/embeddings'],
  ['POST', '/embeddings'],
  ['POST', '/%761/embeddings'],
  ['POST', '/%65mbeddings'],
  ['POST', '/v1/%65mbeddings'],
  ['POST', '/%76%31%2F%65mbeddings'],
  ['POST', 'http://127.0.0.1/v1/embeddings'],
  ['POST', 'http://127.0.0.1/embeddings'],
  ['POST', 'http://evil.example/v1/embeddings'],
  ['POST', '/embeddings#x'],
  ['POST', '/v1/embeddings#x'],
  ['POST', '/embeddings?x=1'],
  ['POST', '/%25761/embeddings'],
  ['POST', '//v1/embeddings'],
  ['POST', '/V1/EMBEDDINGS'],
  ['POST', '/Embeddings'],
  ['POST', '/v1/embeddings.'],
  ['POST', '/v1/embeddings/'],
  ['POST', '/embeddings/'],
  ['POST', '/v1;x/embeddings'],
  ['POST', '/v1/embeddings;x'],
  ['POST', '/./v1/embeddings'],
  ['POST', '/v1/../v1/embeddings'],
  ['GET', '/v1/models'],
  ['GET', '/v1/models/tiny'],
  ['GET', '/%761/models'],
  ['GET', '/%761/models/tiny'],
  ['GET', '/v1/%6dodels'],
  ['GET', '/%25761/models'],
  ['GET', '//v1/models'],
  ['GET', '/V1/MODELS'],
  ['GET', '/v1/models.'],
  ['GET', '/v1/models/'],
  ['GET', '/v1;x/models'],
  ['GET', '/v1/models;x'],
  ['GET', '/v1/models#x'],
  ['GET', 'http://127.0.0.1/v1/models'],
  ['GET', 'http://127.0.0.1:1/v1/models'],
  ['HEAD', '/v1/models'],
  ['GET', '/api/models'],
  ['GET', '/%61pi/models'],
  ['GET', '/%61%70%69/%6d%6f%64%65%6c%73'],
  ['GET', '/api/models#x'],
  ['GET', 'http://127.0.0.1/api/models'],
  ['GET', '//api/models'],
  ['GET', '/API/models'],
  ['GET', '/api;x/models'],
  ['GET', '/api/models/'],
  ['GET', '/api/similar?word=apple'],
  ['GET', '/%61pi/similar?word=apple'],
  ['GET', '/api/similar;x?word=apple'],
];

describe('API keys follow the matched route', () => {
  let server: RunningServer;
  before(async () => {
    server = await testServer({ apiKeys: [KEY] });
  });
  after(() => server.close());

  test('every spelling of a protected route answers 401 without a key, in OpenAI\'s shape', async () => {
    const leaks: string[] = [];
    for (const [method, target] of VARIANTS) {
      const r = await raw(server.url, method, target, {}, method === 'POST' ? EMBED_BODY : '');
      if (method === 'HEAD') {
        if (r.status !== 401) leaks.push(`${method} ${target} → ${r.status}`);
        continue;
      }
      // 400 for a target the HTTP parser itself refuses is fine too: nothing is answered without the key.
      if (r.status === 400 && !/"(data|object|model)"\s*:/.test(r.body)) {
        openaiError(json(r.body));
        continue;
      }
      if (r.status !== 401) {
        leaks.push(`${method} ${target} → ${r.status} ${r.body.slice(0, 80)}`);
        continue;
      }
      const e = openaiError(json(r.body));
      assert.equal(e.type, 'invalid_request_error');
      assert.equal(e.code, 'missing_api_key', `${method} ${target}`);
    }
    assert.deepEqual(leaks, [], 'answered without the API key');
  });

  test('a wrong key is refused on the encoded spellings too', async () => {
    for (const [method, target] of [['POST', '/%761/embeddings'], ['GET', '/%61pi/models'], ['GET', 'http://127.0.0.1/v1/models']] as const) {
      const r = await raw(server.url, method, target, { authorization: 'Bearer wrong-key-0000' }, method === 'POST' ? EMBED_BODY : '');
      assert.equal(r.status, 401, `${method} ${target}`);
      assert.equal(openaiError(json(r.body)).code, 'invalid_api_key');
    }
  });

  test('the right key still gets 200, whatever the spelling the router accepts', async () => {
    const auth = { authorization: `Bearer ${KEY}` };
    for (const [method, target] of [['POST', '/v1/embeddings'], ['POST', '/embeddings'], ['POST', '/%761/embeddings'], ['GET', '/v1/models'], ['GET', '/api/models']] as const) {
      const r = await raw(server.url, method, target, auth, method === 'POST' ? EMBED_BODY : '');
      assert.equal(r.status, 200, `${method} ${target}: ${r.body.slice(0, 120)}`);
    }
  });

  test('/health, /metrics and the page\'s files stay open without a key', async () => {
    for (const target of ['/health', '/metrics', '/', '/index.html', '/app.js', '/style.css', '/favicon.svg']) {
      const r = await raw(server.url, 'GET', target);
      assert.equal(r.status, 200, target);
    }
  });

  test('an unknown route without a key gives nothing away: 401', async () => {
    for (const target of ['/nope', '/v2/embeddings', '/%2e%2e/%2e%2e/etc/passwd']) {
      const r = await raw(server.url, 'GET', target);
      assert.ok(r.status === 401 || r.status === 404 || r.status === 400, `${target} → ${r.status}`);
      openaiError(json(r.body));
    }
  });
});
