import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../../src/errors.ts';
import { openCheckpointFile, refuseChangedSettings, writeCheckpointFile } from '../../src/train/checkpoint-file.ts';
import { crc32, tableCrc32 } from '../../src/util/crc32.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-ckpt-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const MAGIC = 'EMBEDKIT-TEST-CHECKPOINT 1\n';

/** Two matrices of dim 3 held in padded rows of 4 floats: a (5 rows) and b (2 rows). */
async function written(): Promise<string> {
  const path = join(dir, 'ok.ckpt');
  const a = Float32Array.from({ length: 5 * 4 }, (_, i) => (i % 4 === 3 ? 99 : i));
  const b = Float32Array.from({ length: 2 * 4 }, (_, i) => -i);
  await writeCheckpointFile(path, MAGIC, { note: 'x' }, 3, [
    ['a', { matrix: { data: a, rows: 5, stride: 4 } }],
    ['none', { matrix: undefined }],
    ['b', { matrix: { data: b, rows: 2, stride: 4 } }],
  ]);
  return path;
}

test('matrices round-trip through the file without their padding, into padded or unpadded targets', async () => {
  const file = await openCheckpointFile<{ note: string }>(await written(), MAGIC, 'test', ['a', 'b']);
  try {
    assert.equal(file.header.note, 'x');
    assert.deepEqual(file.lengths, { a: 15, none: 0, b: 6 });
    const padded = new Float32Array(5 * 4);
    await file.readInto('a', { data: padded, rows: 5, stride: 4 }, 3);
    assert.deepEqual(Array.from(padded), Array.from({ length: 20 }, (_, i) => (i % 4 === 3 ? 0 : i)));
    assert.deepEqual(Array.from(await file.read('b')), [-0, -1, -2, -4, -5, -6]);
    assert.equal((await file.read('none')).length, 0);
    await assert.rejects(file.readInto('b', { data: new Float32Array(12), rows: 3, stride: 4 }, 3), /matrix b holds 6 floats, expected 3 rows × 3/);
  } finally {
    await file.close();
  }
});

test('damaged files are refused, naming what is wrong and where', async () => {
  const good = readFileSync(await written());
  const bad = async (name: string, bytes: Buffer, pattern: RegExp, names = ['a', 'b']) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    await assert.rejects(openCheckpointFile(path, MAGIC, 'test', names), (e: unknown) => e instanceof FormatError && pattern.test(e.message), name);
  };
  await bad('magic.ckpt', Buffer.concat([Buffer.from('EMBEDKIT-W2V'), good.subarray(12)]), /not an embedkit test checkpoint/);
  await bad('short.ckpt', good.subarray(0, good.length - 4), /truncated in b: expected 24 bytes, found 20/);
  await bad('long.ckpt', Buffer.concat([good, Buffer.alloc(8)]), /8 unexpected bytes at its end/);
  await bad('header.ckpt', good.subarray(0, MAGIC.length + 10), /truncated in its header/);
  const json = Buffer.from(good);
  json[MAGIC.length + 8] = 0x21; // '{' → '!', its checksum made to match: the parse fails
  json.writeUInt32LE(crc32(json.subarray(MAGIC.length + 8, MAGIC.length + 8 + json.readUInt32LE(MAGIC.length))), MAGIC.length + 4);
  await bad('json.ckpt', json, /header is not valid JSON/);
  await bad('missing.ckpt', good, /does not list the section c/, ['a', 'c']);
  await assert.rejects(openCheckpointFile(join(dir, 'absent.ckpt'), MAGIC, 'test', []), /cannot read checkpoint: no such file/);
});

test('resuming with other settings is refused, naming each difference', () => {
  assert.throws(() => refuseChangedSettings('x.ckpt', { dim: 16, lr: 0.05, seed: 1 }, { dim: 32, lr: 0.05, seed: 2 }), /cannot resume x\.ckpt: it was written with dim 16 \(now 32\), seed 1 \(now 2\)/);
  refuseChangedSettings('x.ckpt', { dim: 16 }, { dim: 16 });
});

test('every section has its checksum: a flipped bit in the header or in a matrix is refused, naming the section', async () => {
  const good = readFileSync(await written());
  const path = join(dir, 'flipped.ckpt');
  const headerFlip = Buffer.from(good);
  headerFlip[MAGIC.length + 12] ^= 1;
  writeFileSync(path, headerFlip);
  await assert.rejects(openCheckpointFile(path, MAGIC, 'test', ['a', 'b']), (e: unknown) => e instanceof FormatError && /header is damaged/.test(e.message) && e.message.includes(path));
  const matrixFlip = Buffer.from(good);
  matrixFlip[good.length - 24 - 1] ^= 0x10; // a's last float (b's 24 bytes follow it)
  writeFileSync(path, matrixFlip);
  const file = await openCheckpointFile(path, MAGIC, 'test', ['a', 'b']);
  try {
    await assert.rejects(file.readInto('a', { data: new Float32Array(20), rows: 5, stride: 4 }, 3), /section a is damaged \(its checksum does not match\)/);
    assert.equal((await file.read('b')).length, 6, 'the undamaged section still reads');
  } finally {
    await file.close();
  }
});

test('a checkpoint of format 1 (no checksums) is refused as written by an older version', async () => {
  const path = join(dir, 'old.ckpt');
  writeFileSync(path, Buffer.concat([Buffer.from('EMBEDKIT-TEST-CHECKPOINT 0\n', 'latin1'), Buffer.alloc(8)]));
  await assert.rejects(openCheckpointFile(path, MAGIC, 'test', []), /written by an older version of embedkit \(checkpoint format 0, without checksums\).*start the training again without resuming/);
});

test('the table CRC-32 agrees with zlib', () => {
  const data = Buffer.from('The quick brown fox jumps over the lazy dog');
  assert.equal(tableCrc32(data), 0x414fa339);
  assert.equal(crc32(data), 0x414fa339);
  assert.equal(tableCrc32(data.subarray(10), tableCrc32(data.subarray(0, 10))), 0x414fa339);
});
