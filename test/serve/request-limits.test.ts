import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TransformerEncoder } from '../../src/encoders/transformer.ts';
import type { RunningServer } from '../../src/serve/app.ts';
import { DEFAULT_LIMITS } from '../../src/serve/limits.ts';
import { staticModel } from '../../src/serve/models.ts';
import { structuredModel } from './helpers/model.ts';
import { rawConnection } from './helpers/raw-http.ts';
import { openaiError, post, testServer } from './helpers/server.ts';

/**
 * Limits are checked before the work they bound: characters before tokenizing (a counting tokenizer shows that no
 * text was tokenized), tokens before model work (a transformer's forward passes show that none ran), and an
 * oversized body is refused while it is still arriving.
 */

let tokenized = 0;
const countingTokenizer = (text: string) => {
  tokenized++;
  return text.split(/\s+/).filter((w) => w !== '');
};

describe('character limits, before tokenizing', () => {
  let server: RunningServer;
  let url: string;
  before(async () => {
    server = await testServer({
      models: [staticModel('tiny', structuredModel(), { tokenizer: countingTokenizer })],
      limits: { maxInputChars: 1000, maxRequestChars: 3000 },
    });
    url = `${server.url}/v1/embeddings`;
  });
  after(() => server.close());

  test('an input over maxInputChars: 400 naming the input and the limit, nothing tokenized', async () => {
    tokenized = 0;
    const r = await post(url, { model: 'tiny', input: ['apple', 'pear '.repeat(201)] });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    const e = openaiError(r.body);
    assert.equal(e.type, 'invalid_request_error');
    assert.equal(e.param, 'input');
    assert.equal(e.code, 'input_too_long');
    assert.match(e.message, /input\[1\]/);
    assert.match(e.message, /1005 characters/);
    assert.match(e.message, /at most 1000 characters per input/);
    assert.equal(tokenized, 0, 'no input was tokenized');
  });

  test('inputs over maxRequestChars together: 400 naming the limit, nothing tokenized', async () => {
    tokenized = 0;
    const r = await post(url, { model: 'tiny', input: new Array(4).fill('pear '.repeat(160)) });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    const e = openaiError(r.body);
    assert.equal(e.code, 'request_too_long');
    assert.match(e.message, /3200 characters/);
    assert.match(e.message, /at most 3000 characters per request/);
    assert.equal(tokenized, 0);
  });

  test('within the limits: answered', async () => {
    const r = await post(url, { model: 'tiny', input: ['pear '.repeat(200), 'apple'] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.length, 2);
  });
});

describe('default limits', () => {
  let server: RunningServer;
  before(async () => {
    server = await testServer();
  });
  after(() => server.close());

  test('the documented defaults', () => {
    assert.equal(DEFAULT_LIMITS.maxInputChars, 65_536);
    assert.equal(DEFAULT_LIMITS.maxRequestChars, 2_097_152);
  });

  test('an input past the default character limit is refused for its characters', async () => {
    const r = await post(`${server.url}/v1/embeddings`, { model: 'tiny', input: 'apple '.repeat(11_000) });
    assert.equal(r.status, 400);
    assert.equal(openaiError(r.body).code, 'input_too_long');
  });

  test('a body larger than the limit is refused with 413 while it is still arriving, and the connection closed', async () => {
    const { socket, hostname, port, answer, closed } = await rawConnection(server.url);
    socket.write(`POST /v1/embeddings HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: ${100 * 1024 * 1024}\r\n\r\n`);
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const started = Date.now();
    // Written as a client would, in 64 KiB chunks, until the answer (or the end of the connection) comes.
    while (!closed() && answer() === '' && Date.now() - started < 5000) {
      socket.write(chunk);
      sent += chunk.length;
      await new Promise((ok) => setTimeout(ok, 5));
    }
    while (!closed() && Date.now() - started < 5000) await new Promise((ok) => setTimeout(ok, 20));
    socket.destroy();
    assert.match(answer(), /^HTTP\/1\.1 413/);
    assert.ok(closed(), 'the server closed the connection');
    assert.ok(sent < 8 * 1024 * 1024, `the server stopped reading early (${sent} bytes sent)`);
  });
});

describe('token limits, before model work', () => {
  let server: RunningServer;
  let encoder: TransformerEncoder;
  before(async () => {
    encoder = await TransformerEncoder.load('test/fixtures/tiny-bert', { threads: 1 });
    server = await testServer({ models: [{ name: 'bert', encoder, created: 0 }] });
  });
  after(async () => {
    await server.close();
    await encoder.dispose();
  });

  test('an input over the token limit: 400 context_length_exceeded, and no forward pass ran', async () => {
    const before = encoder.batchesRun;
    const long = 'king '.repeat(5000);
    const r = await post(`${server.url}/v1/embeddings`, { model: 'bert', input: ['the king', long] });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(openaiError(r.body).code, 'context_length_exceeded');
    // The count in the message is the tokenizer's own, with the two special tokens.
    assert.match(openaiError(r.body).message, new RegExp(`input 1 has ${encoder.tokenize(long).ids.length + 2} tokens`));
    assert.equal(encoder.batchesRun, before, 'no batch ran for a refused request');
    const ok = await post(`${server.url}/v1/embeddings`, { model: 'bert', input: ['the king'] });
    assert.equal(ok.status, 200);
    assert.ok(encoder.batchesRun > before, 'a valid request runs batches (the counter counts)');
  });

  test('token ids over the limit: refused before any forward pass', async () => {
    const before = encoder.batchesRun;
    const r = await post(`${server.url}/v1/embeddings`, { model: 'bert', input: [new Array(8190).fill(5)] });
    assert.equal(r.status, 400);
    assert.equal(openaiError(r.body).code, 'context_length_exceeded');
    assert.equal(encoder.batchesRun, before);
  });
});
