import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.ts';
import { RemoteEncoder, embeddingsUrl, shareTokens } from '../../src/encoders/remote.ts';
import { RemoteError, retryAfter } from '../../src/encoders/remote-http.ts';
import { TransformerEncoder } from '../../src/encoders/transformer.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { loadServedModels, staticModel } from '../../src/serve/models.ts';
import { structuredModel } from '../serve/helpers/model.ts';

const TINY_BERT = 'test/fixtures/tiny-bert';

describe('RemoteEncoder against embedkit serve', () => {
  let server: RunningServer;
  let library: TransformerEncoder;
  before(async () => {
    const models = [...(await loadServedModels([`tiny=${TINY_BERT}`], {}, {}, { threads: 1 })), staticModel('words', structuredModel())];
    server = await startServer({ models, port: 0, apiKeys: ['secret-key'] });
    library = await TransformerEncoder.load(TINY_BERT, { threads: 1 });
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  test('learns the dimension and returns the served vectors, in order, with token counts', async () => {
    const remote = await RemoteEncoder.connect({ url: `${server.url}/v1`, model: 'tiny', apiKey: 'secret-key', maxBatch: 2 });
    assert.equal(remote.dim, 32);
    assert.equal(remote.id, 'remote:tiny');
    const texts = ['the river bank', '我爱北京天安门', 'She went to the bank to deposit money!', 'the river bank', 'open the book'];
    const got = await remote.encode(texts);
    const want = await library.encode(texts);
    got.vectors.forEach((v, i) => assert.deepEqual(v, want.vectors[i], texts[i]));
    // Batches of two share their usage by length, so only the totals are exact; the repeated text is sent once.
    const distinct = [0, 1, 2, 4];
    const sum = (t: number[]) => distinct.reduce((s, i) => s + t[i], 0);
    assert.equal(sum(got.tokens), sum(want.tokens));
    assert.equal(got.tokens[3], got.tokens[0]);
    const one = await new RemoteEncoder({ url: `${server.url}/v1/embeddings`, model: 'tiny', apiKey: 'secret-key', maxBatch: 1 }).encode(texts);
    assert.deepEqual(one.tokens, want.tokens, 'one input per request: exact token counts');
  });

  test('float answers, the static model, and the key from the environment', async () => {
    process.env.EMBEDKIT_TEST_KEY = 'secret-key';
    try {
      const remote = await RemoteEncoder.connect({ url: server.url + '/v1', model: 'words', apiKeyEnv: 'EMBEDKIT_TEST_KEY', encodingFormat: 'float' });
      const { vectors } = await remote.encode(['apple banana']);
      const res = await fetch(`${server.url}/v1/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer secret-key' },
        body: JSON.stringify({ model: 'words', input: 'apple banana' }),
      });
      assert.deepEqual(vectors[0], Float32Array.from((await res.json()).data[0].embedding));
    } finally {
      delete process.env.EMBEDKIT_TEST_KEY;
    }
  });

  test('embedkit serve name=URL#model serves the remote model (a server in front of another)', async () => {
    process.env.EMBEDKIT_REMOTE_API_KEY = 'secret-key';
    let front: RunningServer | undefined;
    try {
      front = await startServer({ models: await loadServedModels([`proxied=${server.url}/v1#tiny`]), port: 0 });
      const res = await fetch(`${front.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'proxied', input: ['the river bank'] }) });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.deepEqual(Float32Array.from(body.data[0].embedding), (await library.encode(['the river bank'])).vectors[0]);
      assert.equal(body.usage.prompt_tokens, (await library.encode(['the river bank'])).tokens[0]);
    } finally {
      delete process.env.EMBEDKIT_REMOTE_API_KEY;
      await front?.close();
    }
  });

  test('embedkit embed URL#model writes the served vectors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'embedkit-remote-embed-'));
    try {
      const texts = ['the river bank', '我爱北京天安门'];
      writeFileSync(join(dir, 'in.txt'), texts.join('\n'));
      await promisify(execFile)(process.execPath, [resolve('bin/embedkit.js'), 'embed', `${server.url}/v1#tiny`, '--input', join(dir, 'in.txt'), '--output', join(dir, 'out.jsonl')], {
        env: { ...process.env, EMBEDKIT_REMOTE_API_KEY: 'secret-key' },
      });
      const rows = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const want = await library.encode(texts);
      rows.forEach((r, i) => assert.deepEqual(Float32Array.from(r.embedding), want.vectors[i]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a wrong key fails at once (401, no retries); an unknown model is the caller’s error', async () => {
    const started = Date.now();
    await assert.rejects(new RemoteEncoder({ url: `${server.url}/v1`, model: 'tiny', apiKey: 'wrong', dim: 32, backoffMs: 1000 }).encode(['x']), (err: unknown) => {
      assert.ok(err instanceof RemoteError);
      assert.equal(err.status, 401);
      assert.equal(err.attempts, 1);
      assert.match(err.message, /Incorrect API key/);
      return true;
    });
    assert.ok(Date.now() - started < 900, 'no backoff on 401');
    await assert.rejects(new RemoteEncoder({ url: `${server.url}/v1`, model: 'nope', apiKey: 'secret-key', dim: 32 }).encode(['x']), InvalidArgumentError);
  });
});

/** A flaky OpenAI-compatible server: answers follow a script of faults, then deterministic vectors. */
class FlakyServer {
  server!: Server;
  url = '';
  requests: { input: string[]; at: number }[] = [];
  /** Faults for the next requests, in order: a status (with headers) or a delay before answering. */
  script: ({ status: number; headers?: Record<string, string> } | { delayMs: number })[] = [];
  inFlight = 0;
  maxInFlight = 0;
  answerDelayMs = 0;
  /** Answers still pending from an earlier test (timed out by the client) must not count in this one. */
  private epoch = 0;

  reset(): void {
    this.requests = [];
    this.script = [];
    this.answerDelayMs = 0;
    this.inFlight = 0;
    this.maxInFlight = 0;
    this.epoch++;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const parsed = JSON.parse(body) as { input: string[]; encoding_format?: string };
    this.requests.push({ input: parsed.input, at: Date.now() });
    const epoch = this.epoch;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const fault = this.script.shift();
      if (fault && 'status' in fault) {
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(JSON.stringify({ error: { message: `injected ${fault.status}`, type: 'server_error', param: null, code: null } }));
        return;
      }
      const delay = fault && 'delayMs' in fault ? fault.delayMs : this.answerDelayMs;
      if (delay > 0) await new Promise((ok) => setTimeout(ok, delay));
      if (res.destroyed) return;
      const data = parsed.input.map((text, index) => {
        const v = fakeVector(text);
        const embedding = parsed.encoding_format === 'base64' ? Buffer.from(v.buffer).toString('base64') : Array.from(v);
        return { object: 'embedding', index, embedding };
      });
      // Answered in reverse order: clients must place vectors by index.
      const tokens = parsed.input.reduce((s, t) => s + t.split(' ').length, 0);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: data.reverse(), model: 'fake', usage: { prompt_tokens: tokens, total_tokens: tokens } }));
    } finally {
      if (epoch === this.epoch) this.inFlight--;
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((ok) => this.server.close(() => ok()));
  }
}

/** A unit vector of 8 dimensions derived from the text's hash. */
function fakeVector(text: string): Float32Array {
  const h = createHash('sha256').update(text).digest();
  const v = Float32Array.from({ length: 8 }, (_, i) => h[i] - 127.5);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

describe('RemoteEncoder against a flaky server', () => {
  const flaky = new FlakyServer();
  let cacheDir: string;
  before(async () => {
    await flaky.start();
    cacheDir = mkdtempSync(join(tmpdir(), 'embedkit-remote-cache-'));
  });
  afterEach(() => flaky.reset());
  after(async () => {
    await flaky.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });
  const encoder = (o: Partial<ConstructorParameters<typeof RemoteEncoder>[0]> = {}) => new RemoteEncoder({ url: flaky.url, model: 'fake', dim: 8, backoffMs: 20, ...o });

  test('429 with Retry-After: waits what the server asks, then succeeds', async () => {
    flaky.script = [{ status: 429, headers: { 'retry-after': '1' } }];
    const retries: number[] = [];
    const { vectors } = await encoder({ onRetry: (r) => retries.push(r.delayMs) }).encode(['hello world']);
    assert.deepEqual(vectors[0], fakeVector('hello world'));
    assert.equal(flaky.requests.length, 2);
    assert.deepEqual(retries, [1000]);
    assert.ok(flaky.requests[1].at - flaky.requests[0].at >= 950, `waited ${flaky.requests[1].at - flaky.requests[0].at} ms`);
  });

  test('500s back off exponentially; after the last retry the error says how many attempts', async () => {
    flaky.script = [{ status: 500 }, { status: 503 }, { status: 502 }];
    const delays: number[] = [];
    const { vectors } = await encoder({ onRetry: (r) => delays.push(r.delayMs) }).encode(['a b c']);
    assert.deepEqual(vectors[0], fakeVector('a b c'));
    assert.equal(flaky.requests.length, 4);
    // 20, 40, 80 ms, each ±25%.
    delays.forEach((d, i) => assert.ok(d >= 0.75 * 20 * 2 ** i && d <= 1.25 * 20 * 2 ** i, `delay ${i}: ${d}`));

    flaky.requests = [];
    flaky.script = Array.from({ length: 5 }, () => ({ status: 500 }));
    await assert.rejects(encoder({ retries: 2 }).encode(['x']), (err: unknown) => {
      assert.ok(err instanceof RemoteError);
      assert.equal(err.attempts, 3);
      assert.equal(err.status, 500);
      assert.match(err.message, /failed after 3 attempts: 500 .*injected 500/);
      return true;
    });
    assert.equal(flaky.requests.length, 3);
  });

  test('a slow answer times out and is retried; one that never comes fails with the timeout', async () => {
    flaky.script = [{ delayMs: 1000 }];
    const reasons: string[] = [];
    const { vectors } = await encoder({ timeoutMs: 150, onRetry: (r) => reasons.push(r.reason) }).encode(['slow one']);
    assert.deepEqual(vectors[0], fakeVector('slow one'));
    assert.deepEqual(reasons, ['no answer within 150 ms']);
    flaky.answerDelayMs = 1000;
    await assert.rejects(encoder({ timeoutMs: 100, retries: 1 }).encode(['never']), /failed after 2 attempts: no answer within 100 ms/);
  });

  test('batches stay within the input and token limits; concurrency is bounded; order is kept', async () => {
    flaky.answerDelayMs = 40;
    const texts = Array.from({ length: 20 }, (_, i) => `text number ${i}`);
    const { vectors, tokens } = await encoder({ maxBatch: 3, concurrency: 2 }).encode(texts);
    vectors.forEach((v, i) => assert.deepEqual(v, fakeVector(texts[i])));
    assert.deepEqual(
      flaky.requests.map((r) => r.input.length).sort((a, b) => b - a),
      [3, 3, 3, 3, 3, 3, 2],
    );
    assert.equal(flaky.maxInFlight, 2);
    assert.equal(
      tokens.reduce((s, x) => s + x, 0),
      60,
      'usage totals are kept',
    );
    flaky.requests = [];
    // ~100 estimated tokens per text (300 characters): a 250-token budget fits two per request.
    const long = Array.from({ length: 5 }, (_, i) => `${i} ${'word '.repeat(60)}`);
    await encoder({ maxBatchTokens: 250 }).encode(long);
    assert.deepEqual(
      flaky.requests.map((r) => r.input.length),
      [2, 2, 1],
    );
  });

  test('the disk cache answers repeated texts without a request, across encoders, per model', async () => {
    const texts = ['cached one', 'cached two'];
    const first = await encoder({ cacheDir }).encode(texts);
    assert.equal(flaky.requests.length, 1);
    assert.ok(readdirSync(cacheDir).length > 0);
    const second = await encoder({ cacheDir }).encode([...texts, 'cached three']);
    assert.equal(flaky.requests.length, 2);
    assert.deepEqual(flaky.requests[1].input, ['cached three']);
    assert.deepEqual(second.vectors.slice(0, 2), first.vectors);
    assert.deepEqual(second.tokens.slice(0, 2), first.tokens);
    await encoder({ cacheDir, model: 'other' }).encode(texts);
    assert.equal(flaky.requests.length, 3, 'another model is another key');
  });
});

describe('remote helpers', () => {
  test('Retry-After in seconds, as a date, and retry-after-ms', () => {
    assert.equal(retryAfter(new Headers({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfter(new Headers({ 'retry-after-ms': '150', 'retry-after': '2' })), 150);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfter(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now), 3000);
    assert.equal(retryAfter(new Headers({})), undefined);
  });

  test('embeddingsUrl and shareTokens', () => {
    assert.equal(embeddingsUrl('http://h:1/v1'), 'http://h:1/v1/embeddings');
    assert.equal(embeddingsUrl('http://h:1/v1/#m'), 'http://h:1/v1/embeddings');
    assert.equal(embeddingsUrl('https://h/v1/embeddings'), 'https://h/v1/embeddings');
    assert.throws(() => embeddingsUrl('ftp://h'), InvalidArgumentError);
    assert.deepEqual(shareTokens(['aaa', 'aaaaaa'], 10), [4, 6]);
    assert.deepEqual(shareTokens(['x'], 7), [7]);
  });
});
