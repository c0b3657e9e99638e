import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FormatError } from '../../src/errors.ts';
import { readFastTextBin, type ReadFastTextOptions } from '../../src/formats/fasttext-bin-read.ts';
import { fixture } from './fasttext-bin-helpers.ts';

/**
 * A NaN or an infinity in a fastText model's matrices is refused with the file and the value's byte offset, as
 * the word2vec and GloVe readers do: one −Inf row used to load silently and make every similarity query empty.
 * Offsets follow the layout as in fasttext-bin-corrupt.test.ts: from the end, output data (nwords × dim × 4), its
 * 16-byte shape, the qout flag, then the input data ((nwords + bucket) × dim × 4).
 */
const original = readFileSync(fixture('tiny-skipgram.bin'));
const DIM = 8;
const NWORDS = 152;
const BUCKET = 400;
const outputData = original.length - NWORDS * DIM * 4;
const inputData = outputData - 16 - 1 - (NWORDS + BUCKET) * DIM * 4;

const dir = mkdtempSync(join(tmpdir(), 'embedkit-ftnan-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;

/** The fixture with the float32 at byte `at` set to `value`, written to a temporary file. */
function withFloat(at: number, value: number): string {
  const b = Buffer.from(original);
  b.writeFloatLE(value, at);
  const path = join(dir, `nonfinite-${serial++}.bin`);
  writeFileSync(path, b);
  return path;
}

async function assertRefused(path: string, at: number, what: RegExp, options: ReadFastTextOptions = {}): Promise<void> {
  const err = await readFastTextBin(path, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
  assert.equal(err.location.file, path);
  assert.equal(err.location.byte, at, err.message);
  assert.match(err.message, what);
  assert.match(err.message, /finite/);
}

test('the unmodified fixture loads with finite vectors', async () => {
  const model = await readFastTextBin(fixture('tiny-skipgram.bin'));
  assert.ok(model.embeddings.vectors.every(Number.isFinite));
});

test('NaN, +Inf and −Inf in a word row of the input matrix are refused at their byte', async () => {
  for (const [value, shown] of [[NaN, /NaN/], [Infinity, /Infinity/], [-Infinity, /-Infinity/]] as const) {
    const at = inputData + (3 * DIM + 2) * 4;
    await assertRefused(withFloat(at, value), at, shown);
  }
});

test('a non-finite value in an n-gram bucket row of the input matrix is refused', async () => {
  const at = inputData + ((NWORDS + 17) * DIM + 5) * 4;
  await assertRefused(withFloat(at, -Infinity), at, /input matrix/);
});

test('a non-finite value in the output matrix is refused, unless the output matrix is not read', async () => {
  const at = outputData + (10 * DIM + 7) * 4;
  const path = withFloat(at, NaN);
  await assertRefused(path, at, /output matrix/);
  const model = await readFastTextBin(path, { output: false });
  assert.equal(model.output, null);
});

test('with a limit, the offset still points into the file: rows after the dropped words, and kept rows', async () => {
  const bucketAt = inputData + ((NWORDS + 3) * DIM) * 4;
  await assertRefused(withFloat(bucketAt, Infinity), bucketAt, /input matrix/, { limit: 10 });
  const keptAt = inputData + (2 * DIM + 1) * 4;
  await assertRefused(withFloat(keptAt, NaN), keptAt, /input matrix/, { limit: 10 });
  // A dropped word's row is never loaded, so it cannot reach a vector.
  const droppedAt = inputData + (50 * DIM) * 4;
  const model = await readFastTextBin(withFloat(droppedAt, NaN), { limit: 10, output: false });
  assert.ok(model.embeddings.vectors.every(Number.isFinite));
});

test('.ftz: a non-finite value in a product quantizer\'s centroids is refused at its byte', async () => {
  // tiny-supervised.ftz, from the end: dense output (3 labels × dim 10 × 4 + 16-byte shape), the qout flag, the
  // norm quantizer (16 bytes of sizes + 256 float32 centroids) after 300 norm codes, and before those the
  // input quantizer's 10 × 256 float32 centroids.
  const ftz = readFileSync(fixture('tiny-supervised.ftz'));
  const normQuantizer = ftz.length - (3 * 10 * 4 + 16) - 1 - (16 + 256 * 4);
  const centroids = normQuantizer - 300 - 10 * 256 * 4;
  for (const at of [centroids + 4 * 7, normQuantizer + 16 + 4 * 3]) {
    const b = Buffer.from(ftz);
    b.writeFloatLE(NaN, at);
    const path = join(dir, `centroids-${at}.ftz`);
    writeFileSync(path, b);
    await assertRefused(path, at, /quantizer centroids/);
  }
});

// Found by the fuzz test (test/fuzz/fasttext-bin.fuzz.test.ts): finite rows whose float32 sum overflows gave
// infinite word vectors (and empty mostSimilar answers) although every value in the file was finite.
test('rows of finite values near float32\'s largest average to finite vectors (the mean is taken in doubles)', async () => {
  const b = Buffer.from(original);
  const huge = Math.fround(3.4e38);
  for (let r = 0; r < NWORDS + BUCKET; r++) b.writeFloatLE(huge, inputData + r * DIM * 4);
  const path = join(dir, 'huge-rows.bin');
  writeFileSync(path, b);
  const model = await readFastTextBin(path);
  const { embeddings } = model;
  assert.ok(embeddings.vectors.every(Number.isFinite));
  // Every row of the word and its n-grams holds the same value in column 0: so does their mean.
  for (let i = 0; i < NWORDS; i++) assert.equal(embeddings.vectors[i * DIM], huge, embeddings.vocab.word(i));
  const unknown = embeddings.get('qzxjvk');
  assert.equal(unknown[0], huge);
  assert.ok(unknown.every(Number.isFinite));
  const word = embeddings.vocab.word(5);
  assert.equal(embeddings.mostSimilar({ positive: [word], topn: 3 }).length, 3);
  // The other columns are the mean of the same rows as before, up to float32 rounding of the double sum.
  const plain = (await readFastTextBin(fixture('tiny-skipgram.bin'))).embeddings.get(word);
  const got = embeddings.get(word);
  for (let k = 1; k < DIM; k++) assert.ok(Math.abs(got[k] - plain[k]) < 1e-6, `column ${k}: ${got[k]} vs ${plain[k]}`);
});

test('.ftz: quantized norms whose product with a centroid overflows float32 are refused at the norm\'s byte', async () => {
  const ftz = readFileSync(fixture('tiny-supervised.ftz'));
  const normQuantizer = ftz.length - (3 * 10 * 4 + 16) - 1 - (16 + 256 * 4);
  const centroids = normQuantizer - 300 - 10 * 256 * 4;
  const b = Buffer.from(ftz);
  b.writeFloatLE(100, centroids + 4 * 9);
  b.writeFloatLE(1e37, normQuantizer + 16 + 4 * 5);
  const path = join(dir, 'norm-overflow.ftz');
  writeFileSync(path, b);
  await assertRefused(path, normQuantizer + 16 + 4 * 5, /norm quantizer centroids: norm .* times centroid 100 overflows float32/);
});
