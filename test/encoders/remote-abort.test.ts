import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RemoteEncoder } from '../../src/encoders/remote.ts';

test('a remote encoder sends no more batches once its signal is aborted', async () => {
  let calls = 0;
  const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    calls++;
    const input = (JSON.parse(String(init?.body)) as { input: string[] }).input;
    await new Promise((ok) => setTimeout(ok, 50));
    const data = input.map((_, index) => ({ object: 'embedding', index, embedding: [1, 0] }));
    return new Response(JSON.stringify({ object: 'list', data, usage: { prompt_tokens: input.length, total_tokens: input.length } }), { headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const encoder = new RemoteEncoder({ url: 'http://remote.invalid/v1', model: 'm', dim: 2, maxBatch: 1, concurrency: 1, fetch: fakeFetch, retries: 0 });
  const stop = new AbortController();
  setTimeout(() => stop.abort(new Error('client gone')), 120);
  await assert.rejects(encoder.encode(Array.from({ length: 20 }, (_, i) => `text ${i}`), { signal: stop.signal }), /client gone/);
  const atStop = calls;
  await new Promise((ok) => setTimeout(ok, 300));
  assert.ok(atStop < 20, `${atStop} of 20 batches were sent`);
  assert.equal(calls, atStop, 'no batch was sent after the abort');
});
