import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import type { RunningServer } from '../../src/serve/app.ts';
import { cosine, DIM, structuredModel } from './helpers/model.ts';
import { testServer } from './helpers/server.ts';

const model = structuredModel();
let server: RunningServer;
let client: OpenAI;

/** Expected text vector: the plain mean of the known words' raw vectors, scaled to unit length. */
function expected(words: string[]): number[] {
  const sum = new Array(DIM).fill(0);
  for (const w of words) {
    const i = model.vocab.words.indexOf(w);
    for (let j = 0; j < DIM; j++) sum[j] += model.vectors[i * DIM + j];
  }
  const n = Math.hypot(...sum);
  return sum.map((x) => x / n);
}

function assertClose(actual: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(actual.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(actual[i] - want[i]) <= tol, `coordinate ${i}: ${actual[i]} vs ${want[i]}`);
}

before(async () => {
  server = await testServer();
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-checked', maxRetries: 0 });
});
after(() => server.close());

test('the SDK default (base64) decodes to the mean of the word vectors', async () => {
  const r = await client.embeddings.create({ model: 'tiny', input: 'apple banana' });
  assert.equal(r.object, 'list');
  assert.equal(r.model, 'tiny');
  assert.equal(r.data.length, 1);
  assert.equal(r.data[0].object, 'embedding');
  assert.equal(r.data[0].index, 0);
  assertClose(r.data[0].embedding, expected(['apple', 'banana']));
  assert.deepEqual(r.usage, { prompt_tokens: 2, total_tokens: 2 });
});

test('explicit float format gives the same numbers as JSON arrays', async () => {
  const f = await client.embeddings.create({ model: 'tiny', input: ['Apple, banana!', 'king'], encoding_format: 'float' });
  const b = await client.embeddings.create({ model: 'tiny', input: ['Apple, banana!', 'king'] });
  assert.equal(f.data.length, 2);
  // Punctuation is not a word and "Apple" falls back to the lowercase vocabulary word.
  assertClose(f.data[0].embedding, expected(['apple', 'banana']));
  assertClose(f.data[1].embedding, expected(['king']));
  assert.deepEqual(f.data.map((d) => d.index), [0, 1]);
  for (let k = 0; k < 2; k++) assertClose(b.data[k].embedding, f.data[k].embedding, 0);
});

test('token ids index the vocabulary (int[] and int[][])', async () => {
  const ids = (ws: string[]) => ws.map((w) => model.vocab.words.indexOf(w));
  const one = await client.embeddings.create({ model: 'tiny', input: ids(['cat', 'dog']) });
  assert.equal(one.data.length, 1);
  assertClose(one.data[0].embedding, expected(['cat', 'dog']));
  const many = await client.embeddings.create({ model: 'tiny', input: [ids(['lion']), ids(['pear', 'peach', 'lemon'])], encoding_format: 'float' });
  assertClose(many.data[0].embedding, expected(['lion']));
  assertClose(many.data[1].embedding, expected(['pear', 'peach', 'lemon']));
  assert.equal(many.usage.prompt_tokens, 4);
});

test('dimensions truncates, then renormalizes', async () => {
  // undefined: the SDK asks for base64 and decodes it (an explicit 'base64' would hand back the raw string).
  for (const encoding_format of ['float', undefined] as const) {
    const r = await client.embeddings.create({ model: 'tiny', input: 'tiger wolf', dimensions: 5, encoding_format });
    const full = expected(['tiger', 'wolf']).slice(0, 5);
    const n = Math.hypot(...full);
    assertClose(r.data[0].embedding, full.map((x) => x / n));
  }
});

test('unknown words count as tokens but add nothing', async () => {
  const r = await client.embeddings.create({ model: 'tiny', input: ['qwerty apple zxcv', 'pear'], encoding_format: 'float' });
  assertClose(r.data[0].embedding, expected(['apple']));
  assertClose(r.data[1].embedding, expected(['pear']));
  assert.equal(r.usage.total_tokens, 4);
});

test('a text of only unknown words is a 400 naming the input index, in OpenAI\'s shape (never a zero vector)', async () => {
  await assert.rejects(client.embeddings.create({ model: 'tiny', input: ['apple', 'pear', 'qwerty zxcv'], encoding_format: 'float' }), (err: unknown) => {
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.status, 400);
    assert.equal(err.param, 'input');
    assert.equal(err.code, 'no_known_words');
    assert.match(err.message, /input 2 /);
    return true;
  });
});

test('texts of one topic are closer than texts of different topics', async () => {
  const r = await client.embeddings.create({ model: 'tiny', input: ['apple pear', 'cherry grape mango', 'lion tiger'] });
  const [a, b, c] = r.data.map((d) => d.embedding);
  assert.ok(cosine(a, b) > 0.9);
  assert.ok(cosine(a, c) < 0.3);
});

test('SDK errors carry OpenAI codes: unknown model is 404 model_not_found', async () => {
  await assert.rejects(client.embeddings.create({ model: 'gpt-nope', input: 'x' }), (err: unknown) => {
    assert.ok(err instanceof OpenAI.NotFoundError);
    assert.equal(err.status, 404);
    assert.equal(err.code, 'model_not_found');
    assert.equal(err.param, 'model');
    return true;
  });
  await assert.rejects(client.embeddings.create({ model: 'tiny', input: 'x', dimensions: DIM + 1 }), (err: unknown) => {
    assert.ok(err instanceof OpenAI.BadRequestError);
    assert.equal(err.param, 'dimensions');
    return true;
  });
});

test('the SDK lists and retrieves models', async () => {
  const page = await client.models.list();
  assert.deepEqual(page.data.map((m) => [m.id, m.object, m.owned_by]), [['tiny', 'model', 'embedkit']]);
  assert.ok(Number.isInteger(page.data[0].created));
  const m = await client.models.retrieve('tiny');
  assert.equal(m.id, 'tiny');
});
