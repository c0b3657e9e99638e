import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.ts';
import { loadEmbeddings, saveEmbeddings } from '../../src/formats/index.ts';
import { readFastTextBin } from '../../src/formats/fasttext-bin-read.ts';
import { writeFastTextBin } from '../../src/formats/fasttext-bin-write.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { fixture } from './fasttext-bin-helpers.ts';

// What saveEmbeddings writes as a fastText .bin depends only on its arguments: the full model is passed
// explicitly (fastTextModel), never looked up behind the caller's back from where the vectors came from.

const dir = mkdtempSync(join(tmpdir(), 'embedkit-ftsave-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const UNKNOWN = 'unseenword';

test('saveEmbeddings writes the full fastText model when it is passed as fastTextModel', async () => {
  const model = await readFastTextBin(fixture('tiny-skipgram.bin'));
  const out = join(dir, 'full.bin');
  await saveEmbeddings(model.embeddings, out, { format: 'fasttext-bin', fastTextModel: model });
  const direct = join(dir, 'direct.bin');
  await writeFastTextBin(model, direct);
  assert.ok(readFileSync(out).equals(readFileSync(direct)), 'same bytes as writing the model itself');
  const back = await readFastTextBin(out);
  assert.deepEqual(back.embeddings.get(UNKNOWN), model.embeddings.get(UNKNOWN), 'n-grams kept: unknown words have the same vector');
});

test('vectors with n-grams but no model are refused, naming the option, instead of silently losing the n-grams', async () => {
  for (const emb of [(await readFastTextBin(fixture('tiny-skipgram.bin'))).embeddings, await loadEmbeddings(fixture('tiny-skipgram.bin'))]) {
    assert.ok(emb.has(UNKNOWN), 'these vectors answer for unknown words');
    await assert.rejects(saveEmbeddings(emb, join(dir, 'refused.bin'), { format: 'fasttext-bin' }), (e: unknown) => e instanceof InvalidArgumentError && /fastTextModel/.test(e.message));
  }
});

test('vectors without n-grams are written as a model of their rows; a model of other vectors is refused', async () => {
  const model = await readFastTextBin(fixture('tiny-skipgram.bin'));
  const rows = new Embeddings(model.embeddings.vocab, model.embeddings.vectors, model.embeddings.dim);
  const out = join(dir, 'rows.bin');
  await saveEmbeddings(rows, out, { format: 'fasttext-bin' });
  const back = await readFastTextBin(out);
  assert.deepEqual([back.args.maxn, back.args.bucket], [0, 0]);
  assert.deepEqual(back.embeddings.vectors, rows.vectors);
  assert.equal(back.embeddings.has(UNKNOWN), false);

  const other = new Embeddings(new Vocabulary(['a', 'b']), new Float32Array(2 * model.args.dim), model.args.dim);
  await assert.rejects(saveEmbeddings(other, join(dir, 'mismatch.bin'), { format: 'fasttext-bin', fastTextModel: model }), /not the model of these embeddings/);
});
