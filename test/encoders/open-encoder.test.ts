import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.ts';
import { encoderSpecKind, openEncoder } from '../../src/encoders/open-encoder.ts';
import { RemoteEncoder } from '../../src/encoders/remote.ts';
import { StaticEncoder } from '../../src/encoders/static.ts';
import { TransformerEncoder } from '../../src/encoders/transformer.ts';
import { saveEmbeddings } from '../../src/formats/index.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { structuredModel } from '../serve/helpers/model.ts';
import { maxDiff } from '../helpers/encoder-tests.ts';

const TINY_BERT = 'test/fixtures/tiny-bert';
const ref = JSON.parse(readFileSync(join(TINY_BERT, 'reference.json'), 'utf8')) as { singles: { texts: string[]; vectors: Record<'mean' | 'cls', number[][]> } };
const TEXTS = ['apple banana cherry', 'king queen', 'nothing known here but a lion'];

/** Library errors name the library option, never a CLI flag. */
function libraryError(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /--/);
    return true;
  };
}

describe('openEncoder', () => {
  let dir: string;
  let vectors: string;
  let server: RunningServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-open-encoder-'));
    vectors = join(dir, 'words.vec');
    await saveEmbeddings(structuredModel(), vectors, { format: 'word2vec-text' });
    server = await startServer({ models: [staticModel('words', structuredModel())], port: 0, apiKeys: ['secret-key'] });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the spec kind: URL, model directory, anything else a vectors file', () => {
    assert.equal(encoderSpecKind('http://localhost:1/v1#m'), 'remote');
    assert.equal(encoderSpecKind('HTTPS://api.example.com/v1#m'), 'remote');
    assert.equal(encoderSpecKind(TINY_BERT), 'transformer');
    assert.equal(encoderSpecKind(vectors), 'vectors');
    assert.equal(encoderSpecKind(join(dir, 'missing.bin')), 'vectors');
  });

  test('a vectors file: a static encoder over the loaded vectors, with its pooling, name and load options', async () => {
    const direct = new StaticEncoder(structuredModel());
    const mean = await openEncoder(vectors);
    assert.ok(mean instanceof StaticEncoder);
    assert.equal(mean.id, 'static');
    assert.equal(mean.pooling, 'mean');
    assert.equal(mean.embeddings.size, structuredModel().size);
    const [got, want] = [await mean.encode(TEXTS), await direct.encode(TEXTS)];
    got.vectors.forEach((v, i) => assert.ok(maxDiff(v, want.vectors[i]) < 1e-6, TEXTS[i]));
    assert.deepEqual(got.tokens, want.tokens);

    const sif = await openEncoder(vectors, { pooling: 'sif', name: 'words', load: { limit: 5 } });
    assert.ok(sif instanceof StaticEncoder);
    assert.equal(sif.pooling, 'sif');
    assert.equal(sif.id, 'static:words');
    assert.equal(sif.embeddings.size, 5);
    const viaGroup = await openEncoder(vectors, { vectors: { pooling: 'sif', tokenizer: 'whitespace' } });
    assert.equal((viaGroup as StaticEncoder).pooling, 'sif');
    assert.equal((viaGroup as StaticEncoder).tokenizerName, 'whitespace');
  });

  test('a model directory: a transformer encoder with torch’s vectors, for its default and a chosen pooling', async () => {
    const texts = ref.singles.texts.slice(0, 2);
    const mean = await openEncoder(TINY_BERT, { name: 'tiny', transformer: { threads: 1 } });
    const cls = await openEncoder(TINY_BERT, { pooling: 'cls', transformer: { threads: 1 } });
    try {
      assert.ok(mean instanceof TransformerEncoder);
      assert.equal(mean.id, 'transformer:tiny');
      assert.equal(mean.dim, 32);
      (await mean.encode(texts)).vectors.forEach((v, i) => assert.ok(maxDiff(v, ref.singles.vectors.mean[i]) < 1e-5));
      (await cls.encode(texts)).vectors.forEach((v, i) => assert.ok(maxDiff(v, ref.singles.vectors.cls[i]) < 1e-5));
    } finally {
      await mean.dispose?.();
      await cls.dispose?.();
    }
  });

  test('URL#model: a remote encoder that sends the key from the option and returns the served vectors', async () => {
    const remote = await openEncoder(`${server.url}/v1#words`, { apiKey: 'secret-key', name: 'proxy' });
    assert.ok(remote instanceof RemoteEncoder);
    assert.equal(remote.id, 'remote:proxy');
    assert.equal(remote.model, 'words');
    assert.equal(remote.dim, structuredModel().dim);
    const [got, want] = [await remote.encode(TEXTS), await new StaticEncoder(structuredModel()).encode(TEXTS)];
    got.vectors.forEach((v, i) => assert.ok(maxDiff(v, want.vectors[i]) < 1e-6, TEXTS[i]));
    // Without "#model" the remoteModel option names it.
    const named = await openEncoder(`${server.url}/v1`, { apiKey: 'secret-key', remoteModel: 'words' });
    assert.equal((named as RemoteEncoder).model, 'words');
    // The key really comes from the option: a wrong one is refused by the server.
    await assert.rejects(openEncoder(`${server.url}/v1#words`, { apiKey: 'wrong-key', remote: { retries: 0 } }), /401|key/i);
  });

  test('bad specs and misplaced options are clear library errors', async () => {
    await assert.rejects(openEncoder(join(dir, 'missing.bin')), libraryError(/missing\.bin: no such file or directory \(expected an http\(s\) URL#model, a transformer model directory or a vectors file\)/));
    const empty = join(dir, 'not-a-model');
    mkdirSync(empty);
    await assert.rejects(openEncoder(empty), libraryError(/is a directory without config\.json; a transformer model directory holds config\.json, tokenizer\.json, onnx\/model\.onnx/));
    await assert.rejects(openEncoder(`${server.url}/v1`), libraryError(/name the remote model after "#": http:\/\/.*\/v1#MODEL/));
    await assert.rejects(openEncoder('http://exa mple.com/v1#m'), libraryError(/is not a valid URL/));
    await assert.rejects(openEncoder(TINY_BERT, { pooling: 'sif' }), libraryError(/pooling "sif" is for vectors files; a transformer model pools by mean, cls, last-token/));
    await assert.rejects(openEncoder(vectors, { pooling: 'cls' }), libraryError(/pooling "cls" is for transformer models; a vectors file pools by mean or sif/));
    await assert.rejects(openEncoder(`${server.url}/v1#words`, { pooling: 'mean' }), libraryError(/a remote API pools on its side/));
  });
});
