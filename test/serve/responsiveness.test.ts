import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { TransformerEncoder } from '../../src/encoders/transformer.ts';
import { startServer } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { structuredModel } from './helpers/model.ts';
import { post } from './helpers/server.ts';

/**
 * A big request must not hold the server: others are answered while it runs (the encoders give the event loop a
 * turn every few ms), and when its client goes away its work stops.
 */

/** A tokenizer that costs `ms` of CPU per text, and counts the texts it has seen. */
function slowTokenizer(ms: number) {
  const counter = { calls: 0 };
  const tokenize = (text: string) => {
    counter.calls++;
    const until = performance.now() + ms;
    while (performance.now() < until);
    return text.split(' ');
  };
  return { tokenize, counter };
}

/** A POST whose client disconnects after `ms`, or when leave() is called; `done` resolves once it has. */
function postThenLeave(url: string, body: unknown, ms: number): { leave: () => void; done: Promise<void> } {
  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
  const done = new Promise<void>((ok) => {
    req.on('error', () => ok());
    req.on('close', () => ok());
  });
  req.end(JSON.stringify(body));
  const timer = setTimeout(() => req.destroy(), ms);
  return {
    leave: () => {
      clearTimeout(timer);
      req.destroy();
    },
    done,
  };
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

test('/health is answered while a big request is encoded', { timeout: 60_000 }, async () => {
  const slow = slowTokenizer(1);
  const server = await startServer({ models: [staticModel('tiny', structuredModel(), { tokenizer: slow.tokenize })], port: 0 });
  const big = post(`${server.url}/v1/embeddings`, { model: 'tiny', input: new Array(2000).fill('apple pear cherry') });
  let bigDone = false;
  void big.then(() => (bigDone = true));
  for (let waited = 0; slow.counter.calls === 0 && waited < 30_000; waited += 5) await sleep(5);
  assert.ok(slow.counter.calls > 0 && slow.counter.calls < 2000 && !bigDone, 'the big request is being encoded');
  const latencies: number[] = [];
  while (!bigDone) {
    const started = performance.now();
    const r = await fetch(`${server.url}/health`);
    await r.text();
    if (!bigDone) latencies.push(performance.now() - started);
  }
  assert.equal((await big).status, 200);
  // Before: one 2-second synchronous run, no /health answer until it ended.
  assert.ok(latencies.length >= 5, `only ${latencies.length} /health answers came while the big request ran`);
  latencies.sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)];
  assert.ok(median < 250, `/health median ${median.toFixed(0)} ms while the big request ran`);
  await server.close();
});

test('a word-vector request whose client goes away stops being encoded', { timeout: 60_000 }, async () => {
  const slow = slowTokenizer(2);
  const server = await startServer({ models: [staticModel('tiny', structuredModel(), { tokenizer: slow.tokenize })], port: 0 });
  // 2000 inputs at 2 ms each: about 4 s of work, left after 300 ms.
  await postThenLeave(`${server.url}/v1/embeddings`, { model: 'tiny', input: new Array(2000).fill('apple pear') }, 300).done;
  await sleep(200);
  const atStop = slow.counter.calls;
  await sleep(600);
  assert.ok(atStop < 2000, `every input was tokenized (${atStop}) although the client had left`);
  assert.equal(slow.counter.calls, atStop, 'tokenizing went on after the client left');
  await server.close();
});

test('a transformer request whose client goes away runs no more batches', { timeout: 60_000 }, async (t) => {
  // One row per batch: a 2048-input request is 2048 forward passes, seconds of work.
  const encoder = await TransformerEncoder.load('test/fixtures/tiny-bert', { threads: 1, maxBatch: 1 });
  const server = await startServer({ models: [{ name: 'bert', encoder, created: 0 }], port: 0 });
  // A failed assertion must still release the ONNX session, or the test process never exits.
  t.after(async () => {
    await server.close();
    await encoder.dispose();
  });
  const left = postThenLeave(`${server.url}/v1/embeddings`, { model: 'bert', input: new Array(2048).fill('the king and the queen walk in the garden') }, 60_000);
  // Leaves once the forward passes have begun (tokenizing 2048 texts comes first).
  for (let waited = 0; encoder.batchesRun < 5 && waited < 30_000; waited += 5) await sleep(5);
  left.leave();
  await left.done;
  await sleep(300);
  const atStop = encoder.batchesRun;
  await sleep(700);
  assert.ok(atStop > 0 && atStop < 2048, `batches run before the client left: ${atStop}`);
  assert.ok(encoder.batchesRun <= atStop + 1, `batches went on after the client left: ${atStop} → ${encoder.batchesRun}`);
  // The model still serves the next client.
  const r = await post(`${server.url}/v1/embeddings`, { model: 'bert', input: 'the king' });
  assert.equal(r.status, 200);
});
