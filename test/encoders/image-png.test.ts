import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { decodeImage } from '../../src/encoders/image-decode.ts';
import { decodePlainPng, PLAIN_PNG_MAX_PIXELS } from '../../src/encoders/image-png.ts';
import { heldout, heldoutPng } from '../helpers/tiny-clip.ts';

/** What sharp makes of a picture: the pipeline decodeImage runs when it has no faster way. */
async function viaSharp(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(bytes, { failOn: 'error', pages: 1, page: 0 }).rotate().toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** A w×h picture with `channels` bands and busy contents (every PNG filter gets used). */
function busy(w: number, h: number, channels: 1 | 2 | 3 | 4) {
  const b = Buffer.alloc(w * h * channels);
  for (let i = 0; i < b.length; i++) b[i] = (i * 7 + ((i / 3) | 0) * 13 + ((i * i) % 17)) & 0xff;
  return sharp(b, { raw: { width: w, height: h, channels } });
}

function assertSame(ours: ReturnType<typeof decodePlainPng>, theirs: Awaited<ReturnType<typeof viaSharp>>, name: string) {
  assert.ok(ours, `${name}: the fast path declined`);
  assert.equal(ours.width, theirs.width, name);
  assert.equal(ours.height, theirs.height, name);
  assert.ok(Buffer.from(ours.data.buffer, ours.data.byteOffset, ours.data.length).equals(theirs.data), `${name}: pixels differ from sharp's`);
}

describe('decodePlainPng: the same pixels as sharp, or undefined', () => {
  test("every held-out picture of the tiny CLIP decodes to sharp's exact pixels", async () => {
    for (let i = 0; i < heldout.captions.length; i++) {
      const png = await heldoutPng(i);
      assertSame(decodePlainPng(png), await viaSharp(png), `held-out ${i}`);
    }
  });

  test('every colour type and filter the fast path takes', async () => {
    const cases: [string, Buffer][] = [
      ['grey', await busy(13, 7, 1).png().toBuffer()],
      ['grey + alpha', await busy(13, 7, 2).png().toBuffer()],
      ['RGB', await busy(31, 9, 3).png().toBuffer()],
      ['RGB, no compression', await busy(31, 9, 3).png({ compressionLevel: 0 }).toBuffer()],
      ['RGB, no adaptive filtering', await busy(31, 9, 3).png({ adaptiveFiltering: false }).toBuffer()],
      ['RGBA', await busy(9, 31, 4).png().toBuffer()],
      ['palette', await busy(17, 11, 3).png({ palette: true, colours: 256 }).toBuffer()],
      ['palette with transparency', await busy(17, 11, 4).png({ palette: true }).toBuffer()],
      ['one pixel', await busy(1, 1, 3).png().toBuffer()],
    ];
    for (const [name, png] of cases) {
      const ours = decodePlainPng(png);
      assertSame(ours, await viaSharp(png), name);
      assert.deepEqual(await decodeImage({ image: png }), ours, `${name}: decodeImage takes the fast path`);
    }
    // Each PNG filter type, written by hand on a 3-row RGB picture (sharp's encoder picks them on its own).
    const rows = [Buffer.from([10, 20, 30, 250, 5, 9]), Buffer.from([1, 200, 3, 4, 5, 6]), Buffer.from([90, 80, 70, 60, 50, 40])];
    for (let kind = 0; kind <= 4; kind++) {
      const png = handMade(2, rows, kind);
      const ours = decodePlainPng(png);
      assertSame(ours, await viaSharp(png), `filter ${kind}`);
      assert.deepEqual(Array.from(ours!.data), rows.flatMap((r) => [...r]), `filter ${kind}`);
    }
  });

  test('declines what it does not cover: 16-bit, interlaced, ICC, EXIF, bad CRC, truncated, trailing bytes', async () => {
    const png = await busy(8, 8, 3).png().toBuffer();
    const badCrc = Buffer.from(png);
    badCrc[badCrc.length - 20] ^= 1; // inside IDAT: its CRC no longer matches
    const declined: [string, Buffer][] = [
      ['16-bit', await busy(8, 8, 3).toColourspace('rgb16').png().toBuffer()],
      ['interlaced', await busy(8, 8, 3).png({ progressive: true }).toBuffer()],
      ['ICC profile', await busy(8, 8, 3).withIccProfile('p3').png().toBuffer()],
      ['EXIF', await busy(8, 8, 3).withMetadata({ orientation: 6 }).png().toBuffer()],
      ['bad CRC', badCrc],
      ['truncated', png.subarray(0, png.length - 5)],
      ['trailing bytes', Buffer.concat([png, Buffer.from('junk')])],
      ['unknown filter', handMade(2, [Buffer.alloc(6)], 5)],
    ];
    for (const [name, bytes] of declined) assert.equal(decodePlainPng(bytes), undefined, name);
  });
});

/** An 8-bit RGB PNG of `width` × rows.length pixels, every row filtered with `kind` (the raw bytes given). */
function handMade(width: number, rows: Buffer[], kind: number, idatPayload?: Buffer): Buffer {
  const bpp = 3;
  const filtered = rows.map((row, y) => {
    const prev = y > 0 ? rows[y - 1] : Buffer.alloc(row.length);
    const out = Buffer.alloc(row.length + 1);
    out[0] = kind;
    for (let i = 0; i < row.length; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][kind] ?? 0;
      out[i + 1] = (row[i] - predictor) & 0xff;
    }
    return out;
  });
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(rows.length, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idatPayload ?? zlib.deflateSync(Buffer.concat(filtered))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodePlainPng stays cheap on hostile or large pictures', () => {
  test('a zlib bomb behind a small header is never inflated past what the header promises', () => {
    const rows = [Buffer.alloc(6), Buffer.alloc(6)];
    const bomb = handMade(2, rows, 0, zlib.deflateSync(Buffer.alloc(64 << 20)));
    const realInflate = zlib.inflateSync;
    let largest = 0;
    zlib.inflateSync = ((buf: zlib.InputType, options?: zlib.ZlibOptions) => {
      const out = realInflate(buf, options);
      largest = Math.max(largest, out.length);
      return out;
    }) as typeof zlib.inflateSync;
    try {
      assert.equal(decodePlainPng(bomb), undefined);
    } finally {
      zlib.inflateSync = realInflate;
    }
    assert.ok(largest <= 2 * 7, `inflated ${largest} bytes for a 2×2 picture`);
  });

  test('pictures past PLAIN_PNG_MAX_PIXELS go to sharp (off the main thread), with the same pixels', async () => {
    const side = Math.ceil(Math.sqrt(PLAIN_PNG_MAX_PIXELS)) + 1;
    const png = await busy(side, side, 3).png().toBuffer();
    assert.equal(decodePlainPng(png), undefined);
    const ours = await decodeImage({ image: png });
    const theirs = await viaSharp(png);
    assert.equal(ours.width, side);
    assert.ok(Buffer.from(ours.data.buffer, ours.data.byteOffset, ours.data.length).equals(theirs.data));
  });
});
