import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFastTextBin } from '../../src/formats/fasttext-bin-read.ts';
import { writeFastTextBin } from '../../src/formats/fasttext-bin-write.ts';
import { FormatError } from '../../src/errors.ts';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { fixture } from './fasttext-bin-helpers.ts';

/**
 * Damaged files fail with a FormatError that names the field and its byte offset. Offsets below follow
 * the layout: magic 0, version 4, args 8..64 (t at 56), dictionary.size 64, nwords 68, nlabels 72,
 * ntokens 76, pruneidxSize 84, first entry 92; from the end: output data (rows × dim × 4), its
 * shape (16 bytes), the qout flag, input data, its shape, the quant flag.
 */

const original = readFileSync(fixture('tiny-skipgram.bin'));
const DIM = 8;
const NWORDS = 152; // tiny-skipgram.vec's header
const BUCKET = 400;
const outputData = original.length - NWORDS * DIM * 4;
const outputShape = outputData - 16;
const qoutFlag = outputShape - 1;
const inputData = qoutFlag - (NWORDS + BUCKET) * DIM * 4;
const inputShape = inputData - 16;
const quantFlag = inputShape - 1;

const dir = mkdtempSync(join(tmpdir(), 'embedkit-ftbad-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let serial = 0;

async function readBytes(bytes: Uint8Array): Promise<unknown> {
  const path = join(dir, `bad-${serial++}.bin`);
  writeFileSync(path, bytes);
  try {
    await readFastTextBin(path);
    return undefined;
  } catch (err) {
    return err;
  }
}

/** Reading `bytes` fails with a FormatError whose message matches `field`, located at `byte` when given. */
async function assertFails(bytes: Uint8Array, field: RegExp, byte?: number): Promise<void> {
  const err = await readBytes(bytes);
  assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
  assert.match(err.message, field);
  if (byte !== undefined) assert.equal(err.location.byte, byte, err.message);
}

function patched(edit: (b: Buffer) => void): Buffer {
  const b = Buffer.from(original);
  edit(b);
  return b;
}

test('layout offsets used here match the fixture', () => {
  assert.equal(original.readInt32LE(0), 793712314);
  assert.equal(original.readInt32LE(68), NWORDS);
  assert.equal(original.readInt32LE(40), BUCKET);
  assert.equal(original[quantFlag], 0);
  assert.equal(Number(original.readBigInt64LE(inputShape)), NWORDS + BUCKET);
  assert.equal(Number(original.readBigInt64LE(outputShape + 8)), DIM);
});

test('a damaged header names the field', async () => {
  await assertFails(patched((b) => (b[0] ^= 0xff)), /^.*byte 0: magic: expected 793712314/, 0);
  await assertFails(patched((b) => b.writeInt32LE(13, 4)), /version: expected 11 or 12, found 13/, 4);
  await assertFails(patched((b) => b.writeInt32LE(0, 8)), /args\.dim/, 8);
  await assertFails(patched((b) => b.writeInt32LE(9, 32)), /args\.loss: expected a value in 1\.\.4, found 9/, 32);
  await assertFails(patched((b) => b.writeInt32LE(7, 36)), /args\.model/, 36);
  await assertFails(patched((b) => b.writeDoubleLE(NaN, 56)), /args\.t/, 56);
  // A small first number reads as the header-less legacy layout, and the error says so.
  await assertFails(patched((b) => b.writeInt32LE(10, 0)), /header-less/);
});

test('a damaged dictionary names the field', async () => {
  await assertFails(patched((b) => b.writeInt32LE(999, 64)), /dictionary\.size: expected nwords \+ nlabels/, 64);
  await assertFails(patched((b) => b.writeBigInt64LE(-5n, 76)), /dictionary\.ntokens/, 76);
  await assertFails(patched((b) => b.writeBigInt64LE(-2n, 84)), /dictionary\.pruneidxSize/, 84);
  const firstWordEnd = original.indexOf(0, 92);
  await assertFails(patched((b) => (b[firstWordEnd + 9] = 1)), /dictionary entry 0 \(".*"\) type: expected 0 \(word/, firstWordEnd + 9);
  await assertFails(patched((b) => b.writeBigInt64LE(-1n, firstWordEnd + 1)), /dictionary entry 0 \(".*"\) count/, firstWordEnd + 1);
});

test('a repeated word is reported with both entries', async () => {
  const path = join(dir, 'dup.bin');
  await writeFastTextBin(new Embeddings(new Vocabulary(['same', 'other', 'same']), new Float32Array(3), 1), path);
  await assert.rejects(readFastTextBin(path), (err: Error) => err instanceof FormatError && /dictionary entry 2 word: "same" repeats entry 0/.test(err.message));
});

test('damaged matrices and trailing bytes name the field', async () => {
  await assertFails(patched((b) => (b[quantFlag] = 7)), /quantized-input flag: expected 0 or 1, found 7/, quantFlag);
  await assertFails(patched((b) => b.writeBigInt64LE(9n, inputShape + 8)), /input matrix columns: expected 8, found 9/, inputShape + 8);
  await assertFails(patched((b) => b.writeBigInt64LE(10n, inputShape)), /input matrix rows: expected 552, found 10/, inputShape);
  await assertFails(patched((b) => b.writeBigInt64LE(3n, outputShape)), /output matrix rows/, outputShape);
  await assertFails(Buffer.concat([original, Buffer.from([0])]), /end of file: 1 unexpected bytes after the output matrix/, original.length);
});

test('truncated files name the field being read', async () => {
  const lastWord = '道海'; // entry NWORDS - 1, checked below against the bytes
  const lastType = quantFlag - 1;
  const lastCount = lastType - 8;
  const lastWordAt = lastCount - 1 - Buffer.byteLength(lastWord);
  assert.equal(original.subarray(lastWordAt, lastCount - 1).toString(), lastWord);
  const cuts: [number, RegExp, number][] = [
    [2, /magic: needs 4 bytes/, 0],
    [6, /version: needs 4 bytes/, 4],
    [30, /args\.wordNgrams: needs 4 bytes/, 28],
    [60, /args\.t: needs 8 bytes/, 56],
    [70, /dictionary\.nwords/, 68],
    [95, /dictionary entries \(152\): needs 1520 bytes/, 92],
    [lastWordAt + 2, /dictionary entry 151 word: no terminating NUL/, lastWordAt],
    [lastCount + 3, /dictionary entry 151 \("道海"\) count: needs 8 bytes/, lastCount],
    [quantFlag, /quantized-input flag: needs 1 byte /, quantFlag],
    [inputShape + 4, /input matrix rows: needs 8 bytes/, inputShape],
    [inputData + 100, /input matrix data \(552×8 float32\): needs 17664 bytes/, inputData],
    [qoutFlag, /quantized-output flag/, qoutFlag],
    [outputData + 7, /output matrix data \(152×8 float32\)/, outputData],
    [original.length - 1, /output matrix data/, outputData],
  ];
  for (const [cut, field, byte] of cuts) await assertFails(original.subarray(0, cut), field, byte);
});

test('every truncation and random damage gives a model or a FormatError, never another error', async () => {
  for (const name of ['tiny-skipgram.bin', 'tiny-supervised.ftz']) {
    const bytes = readFileSync(fixture(name));
    for (let cut = 0; cut < bytes.length; cut += 197) {
      const err = await readBytes(bytes.subarray(0, cut));
      assert.ok(err instanceof FormatError, `${name} cut at ${cut}: ${String(err)}`);
    }
    // Byte damage in the header and dictionary: values may stay plausible, but nothing may crash.
    let seed = 99;
    for (let trial = 0; trial < 60; trial++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const at = seed % 2500;
      const b = Buffer.from(bytes);
      b[at] ^= 1 + (seed >>> 24) % 255;
      const err = await readBytes(b);
      assert.ok(err === undefined || err instanceof FormatError, `${name} byte ${at} damaged: ${String(err)}`);
    }
  }
});
