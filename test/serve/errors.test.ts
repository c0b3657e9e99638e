import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/serve/app.ts';
import { DIM, structuredModel } from './helpers/model.ts';
import { get, openaiError, post, testServer } from './helpers/server.ts';

let server: RunningServer;
let url: string;
before(async () => {
  server = await testServer({ bodyLimit: 4 * 1024 * 1024 });
  url = `${server.url}/v1/embeddings`;
});
after(() => server.close());

/** Asserts an OpenAI-shaped error with the given status and (when given) param/code; returns the error. */
async function expectError(res: Promise<{ status: number; body: unknown }>, status: number, param?: string | null, code?: string | null) {
  const r = await res;
  assert.equal(r.status, status, JSON.stringify(r.body));
  const e = openaiError(r.body);
  if (param !== undefined) assert.equal(e.param, param);
  if (code !== undefined) assert.equal(e.code, code);
  assert.equal(e.type, 'invalid_request_error');
  return e;
}

describe('POST /v1/embeddings rejects bad requests in OpenAI\'s shape', () => {
  test('unknown model: 404 model_not_found', async () => {
    const e = await expectError(post(url, { model: 'text-embedding-3-small', input: 'x' }), 404, 'model', 'model_not_found');
    assert.match(e.message, /text-embedding-3-small/);
  });
  test('missing model: 400 naming model', async () => {
    await expectError(post(url, { input: 'x' }), 400, 'model');
  });
  test('bad inputs: 400 naming input', async () => {
    const size = structuredModel().size;
    for (const input of [5, null, [], '', [''], [1.5], [-1], [[0, 1], 'a'], [[]], { text: 'a' }, [size], [[0, size + 3]]]) {
      await expectError(post(url, { model: 'tiny', input }), 400, 'input');
    }
    await expectError(post(url, { model: 'tiny' }), 400, 'input');
  });
  test('dimensions out of range or not an integer: 400 naming dimensions', async () => {
    for (const dimensions of [0, -3, DIM + 1, 1.5, '4']) {
      await expectError(post(url, { model: 'tiny', input: 'apple', dimensions }), 400, 'dimensions');
    }
    const ok = await post(url, { model: 'tiny', input: 'apple', dimensions: DIM });
    assert.equal(ok.status, 200);
  });
  test('encoding_format other than float/base64: 400', async () => {
    await expectError(post(url, { model: 'tiny', input: 'apple', encoding_format: 'hex' }), 400, 'encoding_format');
  });
  test('user is accepted', async () => {
    const r = await post(url, { model: 'tiny', input: 'apple', user: 'user-1234' });
    assert.equal(r.status, 200);
  });
  test('more than 2048 inputs: 400', async () => {
    const e = await expectError(post(url, { model: 'tiny', input: new Array(2049).fill('apple') }), 400, 'input');
    assert.match(e.message, /2048/);
    assert.equal((await post(url, { model: 'tiny', input: new Array(2048).fill('apple') })).status, 200);
  });
  test('an input over 8191 tokens: 400 context_length_exceeded', async () => {
    await expectError(post(url, { model: 'tiny', input: ['apple', 'pear '.repeat(8192)] }), 400, 'input', 'context_length_exceeded');
    await expectError(post(url, { model: 'tiny', input: new Array(8192).fill(0) }), 400, 'input', 'context_length_exceeded');
    assert.equal((await post(url, { model: 'tiny', input: 'pear '.repeat(8191) })).status, 200);
  });
  test('more than 300,000 tokens in one request: 400', async () => {
    const e = await expectError(post(url, { model: 'tiny', input: new Array(40).fill('cat '.repeat(7600)) }), 400, 'input', 'max_tokens_per_request');
    assert.match(e.message, /304000/);
  });
  test('body over the size limit: 413', async () => {
    await expectError(post(url, { model: 'tiny', input: 'x'.repeat(5 * 1024 * 1024) }), 413);
  });
  test('malformed JSON, empty body: 400 invalid_json', async () => {
    await expectError(post(url, '{"model": "tiny", "input": '), 400, null, 'invalid_json');
    await expectError(post(url, ''), 400, null, 'invalid_json');
  });
  test('a body that is not JSON: 415', async () => {
    await expectError(post(url, 'model=tiny&input=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    await expectError(post(url, 'hello', { 'content-type': 'text/plain' }), 415);
  });
  test('unknown route: 404; wrong method: 405 with Allow', async () => {
    const e = await expectError(post(`${server.url}/v1/embedding`, { model: 'tiny', input: 'x' }), 404);
    assert.match(e.message, /POST \/v1\/embedding/);
    const r = await get(url);
    assert.equal(r.status, 405);
    openaiError(r.body);
    assert.equal(r.headers.get('allow'), 'POST');
  });
  test('the /embeddings alias answers like /v1/embeddings', async () => {
    const a = await post(`${server.url}/embeddings`, { model: 'tiny', input: 'lion' });
    const b = await post(url, { model: 'tiny', input: 'lion' });
    assert.equal(a.status, 200);
    assert.deepEqual(a.body, b.body);
    await expectError(post(`${server.url}/embeddings`, { model: 'nope', input: 'lion' }), 404, 'model', 'model_not_found');
  });
});

describe('API keys', () => {
  let keyed: RunningServer;
  before(async () => {
    keyed = await testServer({ apiKeys: ['sk-test-123456789', 'second-key'] });
  });
  after(() => keyed.close());
  test('missing or wrong key: 401 in OpenAI\'s shape; a right key passes', async () => {
    const u = `${keyed.url}/v1/embeddings`;
    const body = { model: 'tiny', input: 'apple' };
    await expectError(post(u, body), 401, null, 'missing_api_key');
    const wrong = await expectError(post(u, body, { authorization: 'Bearer sk-wrong-00000000' }), 401, null, 'invalid_api_key');
    assert.doesNotMatch(wrong.message, /sk-wrong-00000000/, 'the key is not echoed whole');
    await expectError(post(u, body, { authorization: 'Basic c2stdGVzdA==' }), 401);
    assert.equal((await post(u, body, { authorization: 'Bearer sk-test-123456789' })).status, 200);
    assert.equal((await post(u, body, { authorization: 'bearer second-key' })).status, 200);
    await expectError(get(`${keyed.url}/v1/models`), 401);
    await expectError(get(`${keyed.url}/api/similar?word=apple`), 401);
  });
  test('the page, /health and /metrics stay open', async () => {
    assert.equal((await fetch(`${keyed.url}/`)).status, 200);
    assert.equal((await get(`${keyed.url}/health`)).status, 200);
    assert.equal((await get(`${keyed.url}/metrics`)).status, 200);
  });
});

describe('CORS', () => {
  test('off by default: no Access-Control-Allow-Origin', async () => {
    const r = await fetch(`${server.url}/v1/models`, { headers: { origin: 'https://example.org' } });
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  });
  test('--cors allows any origin; preflight works even with API keys', async () => {
    const open = await testServer({ cors: true, apiKeys: ['k'] });
    try {
      const pre = await fetch(`${open.url}/v1/embeddings`, {
        method: 'OPTIONS',
        headers: { origin: 'https://example.org', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      assert.ok(pre.status === 204 || pre.status === 200, `preflight status ${pre.status}`);
      assert.ok(['*', 'https://example.org'].includes(pre.headers.get('access-control-allow-origin') ?? ''));
      const r = await post(`${open.url}/v1/embeddings`, { model: 'tiny', input: 'apple' }, { origin: 'https://example.org', authorization: 'Bearer k' });
      assert.equal(r.status, 200);
      assert.ok(r.headers.get('access-control-allow-origin'));
    } finally {
      await open.close();
    }
  });
});
