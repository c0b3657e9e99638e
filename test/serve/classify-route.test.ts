import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningServer } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { structuredModel, cosine } from './helpers/model.ts';
import { json, raw } from './helpers/raw-http.ts';
import { openaiError } from './helpers/server.ts';
import { testServer } from './helpers/server.ts';

/** POST /v1/classify over raw HTTP: zero-shot labels, with answers computed here from the model's own rows. */

let tokenized = 0;
const countingTokenizer = (text: string) => {
  tokenized++;
  return text.split(/\s+/).filter((w) => w !== '');
};

const model = structuredModel();
const row = (w: string) => model.get(w);
/** The mean of the words' rows (mean pooling), as a plain array. */
const mean = (words: string[]) => Array.from(row(words[0]), (_, j) => words.reduce((s, w) => s + row(w)[j], 0) / words.length);

describe('POST /v1/classify', () => {
  let server: RunningServer;
  const post = (body: unknown) => raw(server.url, 'POST', '/v1/classify', {}, JSON.stringify(body));
  before(async () => {
    server = await testServer({ models: [staticModel('tiny', model, { tokenizer: countingTokenizer })], limits: { maxInputChars: 100, maxRequestChars: 300 } });
  });
  after(() => server.close());

  test('each input gets the labels ranked by cosine, with softmax(cosine / temperature) as scores', async () => {
    const input = ['apple cherry', 'cat wolf dog'];
    const labels = ['banana', 'lion', 'king'];
    const r = await post({ model: 'tiny', input, labels, template: '{}', temperature: 0.1 });
    assert.equal(r.status, 200, r.body);
    const body = json(r.body) as { object: string; model: string; data: { object: string; index: number; labels: string[]; scores: number[]; similarities: number[] }[]; usage: { prompt_tokens: number } };
    assert.equal(body.object, 'list');
    assert.equal(body.model, 'tiny');
    assert.equal(body.usage.prompt_tokens, 5);
    input.forEach((text, i) => {
      const cos = labels.map((l) => cosine(mean(text.split(' ')), row(l)));
      const z = cos.map((c) => Math.exp(c / 0.1));
      const sum = z.reduce((a, b) => a + b, 0);
      const order = labels.map((_, k) => k).sort((a, b) => cos[b] - cos[a]);
      const item = body.data[i];
      assert.equal(item.object, 'classification');
      assert.equal(item.index, i);
      assert.deepEqual(item.labels, order.map((k) => labels[k]));
      order.forEach((k, rank) => {
        assert.ok(Math.abs(item.similarities[rank] - cos[k]) < 1e-5, `similarity of ${labels[k]}`);
        assert.ok(Math.abs(item.scores[rank] - z[k] / sum) < 1e-5, `score of ${labels[k]}`);
      });
    });
    assert.deepEqual([body.data[0].labels[0], body.data[1].labels[0]], ['banana', 'lion']);
  });

  test('bad requests: OpenAI error shape, refused before any input is tokenized', async () => {
    const cases: [unknown, number, string | null, RegExp][] = [
      [{ input: 'apple', labels: ['banana', 'lion'] }, 400, 'model', /You must provide a model parameter/],
      [{ model: 'nope', input: 'apple', labels: ['banana', 'lion'] }, 404, 'model', /does not exist/],
      [{ model: 'tiny', input: 'apple', labels: ['banana'] }, 400, 'labels', /labels/],
      [{ model: 'tiny', input: 'apple', labels: ['banana', 'banana'] }, 400, 'labels', /distinct/],
      [{ model: 'tiny', input: 'apple', labels: ['banana', 'lion'], template: 'about it' }, 400, 'template', /\{\}/],
      [{ model: 'tiny', input: [], labels: ['banana', 'lion'] }, 400, 'input', /must not be empty/],
      [{ model: 'tiny', input: ['apple', 'pear '.repeat(30)], labels: ['banana', 'lion'] }, 400, 'input', /at most 100 characters per input/],
      [{ model: 'tiny', input: ['apple ', 'pear '.repeat(19)].flatMap((t) => [t, t, t, t]), labels: ['banana', 'lion'] }, 400, 'input', /at most 300 characters per request/],
      [{ model: 'tiny', input: 'apple', labels: ['banana', 'lion'], temperature: 0 }, 400, 'temperature', /temperature/],
    ];
    for (const [body, status, param, message] of cases) {
      tokenized = 0;
      const r = await post(body);
      assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.body}`);
      const e = openaiError(json(r.body));
      assert.equal(e.param, param, JSON.stringify(body));
      assert.match(e.message, message);
      assert.equal(tokenized, 0, `nothing tokenized for ${JSON.stringify(body)}`);
    }
    const r = await post({ model: 'tiny', input: ['apple', 'zzz qqq'], labels: ['banana', 'lion'], template: '{}' });
    assert.equal(r.status, 400);
    assert.equal(openaiError(json(r.body)).code, 'no_known_words', r.body);
  });
});
