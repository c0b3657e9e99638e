import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import type { EncodeOptions, Encoder } from '../../src/encoders/encoder.ts';
import { createApp } from '../../src/serve/app.ts';
import { DEFAULT_LIMITS } from '../../src/serve/limits.ts';
import { openaiError, testServer } from './helpers/server.ts';

/** An encoder whose every call waits until release() (or its signal fires): a model busy for as long as a test wants. */
function heldEncoder() {
  let release!: () => void;
  const released = new Promise<void>((ok) => (release = ok));
  let started = 0;
  const encoder: Encoder = {
    id: 'held',
    dim: 2,
    maxTokens: 8191,
    async encode(texts: readonly string[], options: EncodeOptions = {}) {
      started++;
      await new Promise<void>((ok, fail) => {
        void released.then(ok);
        options.signal?.addEventListener('abort', () => fail(options.signal!.reason), { once: true });
      });
      return { vectors: texts.map(() => Float32Array.of(0.6, 0.8)), tokens: texts.map(() => 1) };
    },
  };
  return { encoder, release, started: () => started };
}

test('past a model\'s running and queued requests: 429 in OpenAI\'s rate-limit shape with Retry-After; /health and the page are never queued', async () => {
  const held = heldEncoder();
  const app = await createApp({ models: [{ name: 'held', encoder: held.encoder, created: 0 }], limits: { maxConcurrent: 1, maxQueued: 1 } });
  const ask = () => app.inject({ method: 'POST', url: '/v1/embeddings', payload: { model: 'held', input: 'x' } });
  const first = ask();
  const second = ask();
  await new Promise((ok) => setTimeout(ok, 50));
  assert.equal(held.started(), 1, 'one request runs, the other waits');
  const third = await ask();
  assert.equal(third.statusCode, 429, third.body);
  assert.equal(third.headers['retry-after'], '1');
  const e = openaiError(third.json());
  assert.equal(e.type, 'requests');
  assert.equal(e.code, 'rate_limit_exceeded');
  assert.match(e.message, /held/);
  // The model is saturated; what does not need it answers at once.
  assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 200);
  held.release();
  assert.equal((await first).statusCode, 200);
  assert.equal((await second).statusCode, 200);
  assert.equal(held.started(), 2);
  assert.equal((await ask()).statusCode, 200, 'once the queue drains, requests are taken again');
  await app.close();
});

test('one model, one gate: /v1/classify counts against the same running and queued requests as /v1/embeddings', async () => {
  const held = heldEncoder();
  const app = await createApp({ models: [{ name: 'held', encoder: held.encoder, created: 0 }], limits: { maxConcurrent: 1, maxQueued: 1 } });
  const embed = () => app.inject({ method: 'POST', url: '/v1/embeddings', payload: { model: 'held', input: 'x' } });
  const running = embed();
  const queued = embed();
  await new Promise((ok) => setTimeout(ok, 50));
  assert.equal(held.started(), 1);
  const classify = await app.inject({ method: 'POST', url: '/v1/classify', payload: { model: 'held', input: 'x', labels: ['a', 'b'] } });
  assert.equal(classify.statusCode, 429, classify.body);
  assert.equal(openaiError(classify.json()).code, 'rate_limit_exceeded');
  assert.equal(held.started(), 1, 'the refused request never reached the model');
  held.release();
  assert.equal((await running).statusCode, 200);
  assert.equal((await queued).statusCode, 200);
  await app.close();
});

test('the handler\'s time limit: 503 with code timeout, and the encoder told to stop', async () => {
  const held = heldEncoder();
  const app = await createApp({ models: [{ name: 'held', encoder: held.encoder, created: 0 }], limits: { handlerTimeoutMs: 300 } });
  const started = Date.now();
  const r = await app.inject({ method: 'POST', url: '/v1/embeddings', payload: { model: 'held', input: 'x' } });
  assert.equal(r.statusCode, 503, r.body);
  const e = openaiError(r.json());
  assert.equal(e.code, 'timeout');
  assert.match(e.message, /300 ms/);
  assert.ok(Date.now() - started < 5000);
  held.release();
  await app.close();
});

test('timeouts default as documented and reach the HTTP server', async () => {
  const server = await testServer();
  assert.equal(server.app.server.requestTimeout, DEFAULT_LIMITS.requestTimeoutMs);
  assert.equal(server.app.server.headersTimeout, DEFAULT_LIMITS.headersTimeoutMs);
  assert.equal(DEFAULT_LIMITS.requestTimeoutMs, 30_000);
  assert.equal(DEFAULT_LIMITS.headersTimeoutMs, 10_000);
  await server.close();
});

/** Opens a connection, writes `head`, then one byte of `drip` every 100 ms; resolves with the answer and how long the server kept it open. */
async function slowClient(url: string, head: string, drip: string): Promise<{ answer: string; ms: number }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((ok) => socket.once('connect', () => ok()));
  const started = Date.now();
  let answer = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  socket.on('error', () => (closed = true));
  socket.on('close', () => (closed = true));
  socket.write(head);
  for (let i = 0; !closed && Date.now() - started < 8000; i++) {
    await new Promise((ok) => setTimeout(ok, 100));
    if (!closed) socket.write(drip[i % drip.length]);
  }
  socket.destroy();
  return { answer, ms: Date.now() - started };
}

test('slowloris: a body or headers sent slowly get 408 and the connection closed within the time limits', { timeout: 30_000 }, async () => {
  const server = await testServer({ limits: { requestTimeoutMs: 1500, headersTimeoutMs: 1000 } });
  const host = new URL(server.url).host;
  const body = JSON.stringify({ model: 'tiny', input: 'apple pear cherry '.repeat(20) });
  const slowBody = await slowClient(server.url, `POST /v1/embeddings HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`, body);
  assert.match(slowBody.answer, /^HTTP\/1\.1 408/, slowBody.answer);
  assert.ok(slowBody.ms < 5000, `a slow body was cut after ${slowBody.ms} ms`);
  const slowHeaders = await slowClient(server.url, `GET /health HTTP/1.1\r\nhost: ${host}\r\n`, 'x-padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n');
  assert.match(slowHeaders.answer, /^HTTP\/1\.1 408/, slowHeaders.answer);
  assert.ok(slowHeaders.ms < 4000, `slow headers were cut after ${slowHeaders.ms} ms`);
  await server.close();
});
