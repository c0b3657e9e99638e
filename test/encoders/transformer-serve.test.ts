import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TransformerEncoder } from '../../src/encoders/transformer.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { loadServedModels } from '../../src/serve/models.ts';
import { serverCli, stop } from '../serve/helpers/cli.ts';
import { post } from '../serve/helpers/server.ts';
import { maxDiff } from '../helpers/encoder-tests.ts';

const TINY_BERT = 'test/fixtures/tiny-bert';
const ref = JSON.parse(readFileSync(join(TINY_BERT, 'reference.json'), 'utf8')) as {
  batch: { texts: string[]; ids: number[][]; vectors: { mean: number[][] } };
  cjk: { texts: string[]; ids: number[][] };
  long: { text: string; ids: number[] };
};

describe('serving a transformer model directory', () => {
  let server: RunningServer;
  let library: TransformerEncoder;
  before(async () => {
    server = await startServer({ models: await loadServedModels([`tiny=${TINY_BERT}`], {}, {}, { threads: 1 }), port: 0 });
    library = await TransformerEncoder.load(TINY_BERT, { threads: 1 });
  });
  after(async () => {
    await server.close();
    await library.dispose();
  });

  test('/v1/embeddings returns the library vectors (and torch within 1e-5), usage counts tokens', async () => {
    const texts = [...ref.batch.texts, ...ref.cjk.texts, ref.long.text];
    const res = await post(`${server.url}/v1/embeddings`, { model: 'tiny', input: texts });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const expected = await library.encode(texts);
    assert.equal(res.body.data.length, texts.length);
    res.body.data.forEach((d: { index: number; embedding: number[] }, i: number) => {
      assert.equal(d.index, i);
      // Floats travel as the shortest decimal that reads back to the same float32.
      assert.deepEqual(Float32Array.from(d.embedding), expected.vectors[i], texts[i]);
    });
    ref.batch.vectors.mean.forEach((v, i) => assert.ok(maxDiff(res.body.data[i].embedding, v) < 1e-5));
    const tokens = [...ref.batch.ids, ...ref.cjk.ids, ref.long.ids].reduce((s, ids) => s + ids.length, 0);
    assert.deepEqual(res.body.usage, { prompt_tokens: tokens, total_tokens: tokens });
    assert.equal(res.body.model, 'tiny');
  });

  test('base64 vectors and token-id input', async () => {
    const b64 = await post(`${server.url}/v1/embeddings`, { model: 'tiny', input: ref.batch.texts[1], encoding_format: 'base64' });
    const bytes = Buffer.from(b64.body.data[0].embedding, 'base64');
    const v = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    assert.ok(maxDiff(v, ref.batch.vectors.mean[1]) < 1e-5);
    const ids = await post(`${server.url}/v1/embeddings`, { model: 'tiny', input: [ref.batch.ids[1].slice(1, -1)] });
    assert.equal(ids.status, 200);
    assert.ok(maxDiff(ids.body.data[0].embedding, ref.batch.vectors.mean[1]) < 1e-5);
    const bad = await post(`${server.url}/v1/embeddings`, { model: 'tiny', input: [[1, 99999]] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /outside the vocabulary/);
  });

  test('/v1/models lists it; the explorer says it has no word vectors', async () => {
    const models = await (await fetch(`${server.url}/v1/models`)).json();
    assert.deepEqual(
      models.data.map((m: { id: string }) => m.id),
      ['tiny'],
    );
    const similar = await fetch(`${server.url}/api/similar?model=tiny&word=bank`);
    assert.equal(similar.status, 400);
  });
});

test('embedkit serve name=DIR serves the transformer over HTTP', async () => {
  const { child, url } = serverCli(['serve', `tiny=${TINY_BERT}`, '--port', '0']);
  try {
    const base = await url;
    const res = await post(`${base}/v1/embeddings`, { model: 'tiny', input: ref.batch.texts });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    ref.batch.vectors.mean.forEach((v, i) => assert.ok(maxDiff(res.body.data[i].embedding, v) < 1e-5, ref.batch.texts[i]));
  } finally {
    await stop(child);
  }
});
