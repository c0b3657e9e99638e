import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/serve/app.ts';
import { openaiError, post, testServer } from './helpers/server.ts';

/** Large JSON bodies are parsed in a worker thread: the same answers as in place, and the event loop stays free. */
let server: RunningServer;
let url: string;
before(async () => {
  server = await testServer();
  url = `${server.url}/v1/embeddings`;
});
after(() => server.close());

const big = (n: number) => Array.from({ length: n }, (_, i) => ['apple pear', 'cat dog', 'king queen'][i % 3] + ' lion'.repeat(40));

test('a large body gets the answer a small one gets, input by input', async () => {
  const inputs = big(1500); // ~330 KB of JSON: parsed off the event loop
  const whole = await post(url, { model: 'tiny', input: inputs });
  assert.equal(whole.status, 200, JSON.stringify(whole.body).slice(0, 300));
  for (const i of [0, 1, 2, 1499]) {
    const one = await post(url, { model: 'tiny', input: inputs[i] });
    assert.deepEqual(whole.body.data[i].embedding, one.body.data[0].embedding);
  }
});

test('a large body that is not JSON: 400 invalid_json, as for a small one', async () => {
  const text = JSON.stringify({ model: 'tiny', input: big(1500) }).slice(0, -2);
  const r = await post(url, text);
  assert.equal(r.status, 400);
  assert.equal(openaiError(r.body).code, 'invalid_json');
});

test('a large body with a "__proto__" key: the key is dropped, the request answered', async () => {
  const text = `{"__proto__":{"polluted":true},"model":"tiny","input":${JSON.stringify(big(1500))}}`;
  const r = await post(url, text);
  assert.equal(r.status, 200);
  assert.equal(({} as { polluted?: boolean }).polluted, undefined);
});

test('the event loop keeps turning while a large body is parsed', async () => {
  const text = JSON.stringify({ model: 'tiny', input: 'apple '.repeat(1_300_000) }); // 7.8 MB, refused for its length
  let turns = 0;
  const timer = setInterval(() => turns++, 1);
  const started = performance.now();
  const r = await post(url, text);
  clearInterval(timer);
  assert.equal(r.status, 400);
  assert.equal(openaiError(r.body).code, 'input_too_long');
  assert.ok(turns >= 3, `${turns} turns of the event loop in ${(performance.now() - started).toFixed(0)} ms`);
});
