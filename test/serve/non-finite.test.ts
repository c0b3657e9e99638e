import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { openaiError, post, testServer } from './helpers/server.ts';

/**
 * The server never writes a non-finite number: NaN is not JSON, so OpenAI's SDKs fail on the whole response.
 * Vectors built in memory are not checked on the way in as files are, so a model can hold one; the request that
 * would return it gets a 500 in OpenAI's shape naming the input instead.
 */
const DIM = 4;
function modelWithNaN(): Embeddings {
  const words = ['good', 'bad', 'worse'];
  const rows = [1, 0, 0, 0, 0, NaN, 1, 0, 0, 1, -Infinity, 0];
  return new Embeddings(new Vocabulary(words, [3, 2, 1]), Float32Array.from(rows), DIM);
}

let server: RunningServer;
before(async () => {
  server = await testServer({ models: [staticModel('nan', modelWithNaN())] });
});
after(() => server.close());

test('a request whose vector is not finite: 500 in OpenAI\'s shape naming the input, never NaN in the body', async () => {
  for (const encoding_format of ['float', 'base64']) {
    for (const [input, index] of [[['good', 'bad'], 1], ['worse', 0], [['good', 'good', 'worse'], 2]] as const) {
      const res = await fetch(`${server.url}/v1/embeddings`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'nan', input, encoding_format }),
      });
      const text = await res.text();
      assert.equal(res.status, 500, text);
      assert.doesNotMatch(text, /[[,:]\s*-?(NaN|Infinity)/, 'no NaN where a number goes');
      const e = openaiError(JSON.parse(text));
      assert.equal(e.type, 'server_error');
      assert.equal(e.param, 'input');
      assert.match(e.message, new RegExp(`input ${index}\\b`));
    }
  }
});

test('finite vectors of the same model are still served', async () => {
  const r = await post(`${server.url}/v1/embeddings`, { model: 'nan', input: ['good', 'good'] });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.data[0].embedding, [1, 0, 0, 0]);
});
