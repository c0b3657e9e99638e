import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/serve/app.ts';
import { json, raw } from './helpers/raw-http.ts';
import { openaiError, post, testServer } from './helpers/server.ts';

/**
 * Errors raised below the route handlers (by fastify's router or Node's HTTP parser) leave in OpenAI's shape
 * too, so clients report them as they report every other API error; and a JSON body with a `__proto__` key is
 * JSON like any other (the key is dropped, never merged into a prototype).
 */
let server: RunningServer;
before(async () => {
  server = await testServer();
});
after(() => server.close());

function assertOpenAIError(r: { status: number; body: string }, status: number, what: string) {
  assert.equal(r.status, status, `${what}: ${r.body.slice(0, 200)}`);
  const e = openaiError(json(r.body));
  assert.equal(e.type, 'invalid_request_error', what);
  return e;
}

test('a body with a __proto__ key is valid JSON: 200, and the key changes nothing', async () => {
  const body = '{"model":"tiny","input":"apple","__proto__":{"model":"other","polluted":1}}';
  const r = await post(`${server.url}/v1/embeddings`, body);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.model, 'tiny');
  assert.equal(({} as { polluted?: number }).polluted, undefined);
  const nested = await post(`${server.url}/v1/embeddings`, '{"model":"tiny","input":["apple"],"user":"u","constructor":{"prototype":{"polluted":1}}}');
  assert.equal(nested.status, 200, JSON.stringify(nested.body));
});

test('a URL that is not valid percent-encoding: 400 in OpenAI\'s shape', async () => {
  for (const target of ['/v1/models/%E0%A4%A', '/v1/models/%zz', '/api/similar/%']) {
    const e = assertOpenAIError(await raw(server.url, 'GET', target), 400, target);
    assert.match(e.message, /URL|url/);
  }
});

test('a URL over the server\'s limit: 414 in OpenAI\'s shape', async () => {
  const e = assertOpenAIError(await raw(server.url, 'GET', `/v1/models/${'a'.repeat(9000)}`), 414, 'long URL');
  assert.match(e.message, /URL/);
});

test('headers over Node\'s limit: 431 in OpenAI\'s shape', async () => {
  const e = assertOpenAIError(await raw(server.url, 'GET', '/health', { 'x-big': 'a'.repeat(20_000) }), 431, 'large header');
  assert.match(e.message, /header/i);
  assertOpenAIError(await raw(server.url, 'GET', `/${'a'.repeat(20_000)}`), 431, 'request line past the header limit');
});

test('a long URL on a route without a path parameter: 414 too', async () => {
  const e = assertOpenAIError(await raw(server.url, 'GET', `/v1/models?q=${'a'.repeat(9000)}`), 414, 'long query');
  assert.ok(e.message.length < 200, 'the URL is not echoed back');
});
