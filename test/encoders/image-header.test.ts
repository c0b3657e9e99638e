import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { decodeImage, ImageInputError, sniffImageFormat } from '../../src/encoders/image-decode.ts';
import { readImageSize } from '../../src/encoders/image-header.ts';
import { HELDOUT } from '../helpers/tiny-clip.ts';

/** A w×h RGB test card whose colours vary in both directions (so filters and codecs have work to do). */
const card = (w: number, h: number, channels: 3 | 4 = 3) => {
  const b = Buffer.alloc(w * h * channels);
  for (let i = 0; i < w * h; i++) b.set([(i * 37) % 256, (i * 11 + 5) % 256, ((i % w) * 9) % 256, 255 - (i % 200)].slice(0, channels), channels * i);
  return sharp(b, { raw: { width: w, height: h, channels } });
};

/** Pictures of every accepted format and their main variants, each with a name for messages. */
async function pictures(): Promise<[string, Buffer][]> {
  const frames = Buffer.concat([Buffer.alloc(5 * 4 * 3, 200), Buffer.alloc(5 * 4 * 3, 30)]);
  return [
    ['fixture heldout.png', readFileSync(join(HELDOUT, 'heldout.png'))],
    ['fixture resized.png', readFileSync(join(HELDOUT, 'resized.png'))],
    ['PNG RGB', await card(33, 17).png().toBuffer()],
    ['PNG RGBA', await card(17, 33, 4).png().toBuffer()],
    ['PNG palette', await card(20, 9).png({ palette: true }).toBuffer()],
    ['PNG interlaced', await card(20, 9).png({ progressive: true }).toBuffer()],
    ['JPEG baseline', await card(31, 19).jpeg().toBuffer()],
    ['JPEG progressive', await card(19, 31).jpeg({ progressive: true }).toBuffer()],
    ['JPEG with EXIF orientation 6', await card(40, 10).jpeg().withMetadata({ orientation: 6 }).toBuffer()],
    ['JPEG with ICC profile', await card(12, 7).jpeg().withIccProfile('p3').toBuffer()],
    ['GIF', await card(21, 13).gif().toBuffer()],
    ['GIF animated', await sharp(frames, { raw: { width: 5, height: 8, channels: 3, pageHeight: 4 } }).gif().toBuffer()],
    ['WebP lossy', await card(27, 15).webp().toBuffer()],
    ['WebP lossless', await card(15, 27).webp({ lossless: true }).toBuffer()],
    ['WebP with alpha (VP8X)', await card(23, 11, 4).webp().toBuffer()],
    ['WebP animated', await sharp(frames, { raw: { width: 5, height: 8, channels: 3, pageHeight: 4 } }).webp().toBuffer()],
  ];
}

describe('readImageSize: the stored size from the header, as sharp reads it', () => {
  let all: [string, Buffer][];
  before(async () => {
    all = await pictures();
  });

  test('agrees with sharp metadata() on every format and variant', async () => {
    for (const [name, bytes] of all) {
      const format = sniffImageFormat(bytes);
      assert.ok(format, name);
      const meta = await sharp(bytes).metadata();
      assert.deepEqual(readImageSize(bytes, format), { width: meta.width, height: meta.height }, name);
    }
  });

  test('a truncated header gives undefined or the right size, never a wrong size or a throw', async () => {
    for (const [name, bytes] of all) {
      const format = sniffImageFormat(bytes)!;
      const full = readImageSize(bytes, format);
      // Every cut through the first 400 bytes, where all the headers live.
      for (let cut = 0; cut < Math.min(bytes.length, 400); cut++) {
        const size = readImageSize(bytes.subarray(0, cut), format);
        if (size !== undefined) assert.deepEqual(size, full, `${name} cut at ${cut}`);
      }
      // Cut within the first bytes: no size yet.
      assert.equal(readImageSize(bytes.subarray(0, 6), format), undefined, name);
    }
  });

  test('corrupt headers: undefined, and decodeImage still names the damage', async () => {
    const png = await card(8, 8).png().toBuffer();
    const wrongChunk = Buffer.from(png);
    wrongChunk.write('IHDX', 12, 'latin1');
    assert.equal(readImageSize(wrongChunk, 'png'), undefined);
    const zeroWidth = Buffer.from(png);
    zeroWidth.writeUInt32BE(0, 16);
    assert.equal(readImageSize(zeroWidth, 'png'), undefined);
    const jpeg = await card(8, 8).jpeg().toBuffer();
    const noMarker = Buffer.concat([jpeg.subarray(0, 4), Buffer.alloc(100, 0x12)]);
    assert.equal(readImageSize(noMarker, 'jpeg'), undefined);
    for (const bad of [wrongChunk, zeroWidth, noMarker]) {
      await assert.rejects(decodeImage({ image: bad }), (err: unknown) => err instanceof ImageInputError && err.code === 'image_unreadable' && /corrupt or truncated/.test(err.message));
    }
  });

  test('random bytes after each signature never throw', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const heads: [string, number[]][] = [
      ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
      ['jpeg', [0xff, 0xd8, 0xff]],
      ['gif', [...Buffer.from('GIF89a')]],
      ['webp', [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]],
    ];
    for (let k = 0; k < 2000; k++) {
      const [format, head] = heads[k % heads.length];
      const b = Buffer.from([...head, ...Array.from({ length: rand() }, rand)]);
      const size = readImageSize(b, format as 'png');
      if (size) assert.ok(size.width > 0 && size.height > 0);
    }
  });
});
