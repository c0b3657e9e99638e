import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { LoopStalls } from '../../bench/lib/loop-stalls.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { rng } from './helpers/model.ts';

/**
 * Hostile requests to a word-vector model never hold the server's event loop for long, however large: the longest
 * stretch of main-thread CPU between two turns of the loop, counted in the thread's own CPU time (so a busy
 * machine lengthens it far less than the clock), stays below the 50 ms that small requests may wait. The client
 * runs in a worker thread, so its own work is not counted. The requests are four times the sizes of the hostile
 * bench (a 30 MB body under a raised body limit; 400-dimensional vectors), so that work which grows with the
 * request shows: before, the body was gathered, decoded and copied to the parser on the loop and its parsed input
 * copied back in one piece, and the answer was joined, measured and encoded as one string, in stretches of
 * 55-85 ms at the bench's sizes on a loaded machine; now each turn does a bounded share.
 */
const ROWS = 5000;
const DIM = 400;
/** Per request kind: the median over requests of each one's longest stretch must stay below this. */
const MAX_STRETCH_MS = 40;
const REQUESTS = 3;

const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
let body;
parentPort.on('message', (m) => {
  // The body is handed over once, before measuring: copying it to this thread is work of the main thread.
  if (m !== 'send') return void (body = m);
  const req = http.request(workerData + '/v1/embeddings', { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': body.length } });
  req.on('response', (res) => { res.resume(); res.on('end', () => parentPort.postMessage(res.statusCode)); });
  req.on('error', () => parentPort.postMessage(0));
  req.end(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
});`;

let server: RunningServer;
let client: Worker;
before(async () => {
  const r = rng(3);
  const vectors = Float32Array.from({ length: ROWS * DIM }, r);
  const emb = new Embeddings(new Vocabulary(Array.from({ length: ROWS }, (_, i) => `w${i}`)), vectors, DIM);
  server = await startServer({ models: [staticModel('words', emb)], port: 0, page: false, bodyLimit: 40 * 1024 * 1024 });
  client = new Worker(CLIENT, { eval: true, workerData: server.url });
});
after(async () => {
  await client.terminate();
  await server.close();
});

/** Has the client send the body it was given once; resolves with the answer's status. */
function send(): Promise<number> {
  return new Promise((ok) => {
    client.once('message', ok);
    client.postMessage('send');
  });
}

const words = (n: number, seed: number) => Array.from({ length: n }, (_, i) => `w${(i * 7919 + seed) % ROWS}`).join(' ');

/** Sends `body` REQUESTS times (after one unmeasured warm-up) and returns each request's longest stretch in ms. */
async function longestStretches(body: Buffer, status: number): Promise<number[]> {
  client.postMessage(body);
  assert.equal(await send(), status);
  const stalls = new LoopStalls().start(1);
  const longest: number[] = [];
  try {
    for (let i = 0; i < REQUESTS; i++) {
      stalls.reset();
      assert.equal(await send(), status);
      longest.push(stalls.maxCpuMs);
    }
  } finally {
    stalls.stop();
  }
  return longest;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const skip = LoopStalls.supported ? false : 'needs /proc/thread-self/schedstat (Linux)';

test('a 30 MB body holding one over-long input is refused without holding the event loop', { skip, timeout: 120_000 }, async () => {
  const body = Buffer.from(JSON.stringify({ model: 'words', input: words(4_400_000, 1) }));
  const longest = await longestStretches(body, 400);
  assert.ok(median(longest) < MAX_STRETCH_MS, `longest stretches of main-thread CPU: ${longest.map((x) => x.toFixed(1)).join(', ')} ms`);
});

test('2048 inputs of 100 words are answered (16 MB of JSON) without holding the event loop', { skip, timeout: 120_000 }, async () => {
  const body = Buffer.from(JSON.stringify({ model: 'words', input: Array.from({ length: 2048 }, (_, i) => words(100, i)) }));
  const longest = await longestStretches(body, 200);
  assert.ok(median(longest) < MAX_STRETCH_MS, `longest stretches of main-thread CPU: ${longest.map((x) => x.toFixed(1)).join(', ')} ms`);
});
