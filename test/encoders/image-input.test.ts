import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { decodeImage, ImageInputError, sniffImageFormat, type RgbImage } from '../../src/encoders/image-decode.ts';
import { listImageFiles } from '../../src/encoders/image-files.ts';
import { EmbedkitError, InvalidArgumentError } from '../../src/errors.ts';
import { pngClaiming } from '../helpers/png-bomb.ts';

/** Raw RGB pixels of a w×h picture whose pixel (x, y) has colour `at(x, y)`. */
function raw(w: number, h: number, at: (x: number, y: number) => [number, number, number]): Buffer {
  const b = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) b.set(at(x, y), 3 * (y * w + x));
  return b;
}
const pixel = (im: RgbImage, x: number, y: number) => Array.from(im.data.subarray(3 * (y * im.width + x), 3 * (y * im.width + x) + 3));
const near = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

const noise = (w: number, h: number) => raw(w, h, (x, y) => [(x * 37 + y * 11) % 256, (x * 13 + y * 71) % 256, (x * y * 7) % 256]);

async function refusal(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof EmbedkitError, `not an EmbedkitError: ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

describe('image inputs: decoding and documented conversions', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-images-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a PNG decodes to its exact RGB pixels', async () => {
    const pixels = noise(8, 6);
    const png = await sharp(pixels, { raw: { width: 8, height: 6, channels: 3 } }).png().toBuffer();
    const im = await decodeImage({ image: png });
    assert.equal(im.width, 8);
    assert.equal(im.height, 6);
    assert.deepEqual(Buffer.from(im.data), pixels);
    assert.equal(sniffImageFormat(png), 'png');
  });

  test('EXIF orientation is applied: a JPEG stored sideways comes out upright', async () => {
    // Stored 8×4, left half red and right half blue; orientation 6 means "rotate 90° clockwise to display".
    const stored = raw(8, 4, (x) => (x < 4 ? [255, 0, 0] : [0, 0, 255]));
    const jpeg = await sharp(stored, { raw: { width: 8, height: 4, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const im = await decodeImage({ image: jpeg });
    assert.deepEqual([im.width, im.height], [4, 8]);
    assert.ok(near(pixel(im, 2, 1), [255, 0, 0], 40), `top ${pixel(im, 2, 1)}`);
    assert.ok(near(pixel(im, 2, 6), [0, 0, 255], 40), `bottom ${pixel(im, 2, 6)}`);
  });

  test('an animated GIF gives its first frame', async () => {
    const frames = raw(4, 8, (_x, y) => (y < 4 ? [255, 0, 0] : [0, 0, 255]));
    const gif = await sharp(frames, { raw: { width: 4, height: 8, channels: 3, pageHeight: 4 } }).gif().toBuffer();
    assert.equal((await sharp(gif).metadata()).pages, 2);
    const im = await decodeImage({ image: gif });
    assert.deepEqual([im.width, im.height], [4, 4]);
    for (let y = 0; y < 4; y++) assert.ok(near(pixel(im, 1, y), [255, 0, 0], 8), `frame 1 row ${y}: ${pixel(im, 1, y)}`);
  });

  test('CMYK JPEG, 16-bit PNG and greyscale become 8-bit sRGB; alpha is dropped keeping the stored colour', async () => {
    const orange = raw(4, 4, () => [200, 130, 90]);
    const cmyk = await sharp(orange, { raw: { width: 4, height: 4, channels: 3 } }).toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer();
    assert.equal((await sharp(cmyk).metadata()).space, 'cmyk');
    const fromCmyk = await decodeImage({ image: cmyk });
    assert.equal(fromCmyk.data.length, 4 * 4 * 3);
    assert.ok(near(pixel(fromCmyk, 1, 1), [200, 130, 90], 25), `CMYK → ${pixel(fromCmyk, 1, 1)}`);

    const deep = new Uint16Array(4 * 4 * 3).fill(0x8080);
    const png16 = await sharp(deep, { raw: { width: 4, height: 4, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    assert.equal((await sharp(png16).metadata()).depth, 'ushort');
    const from16 = await decodeImage({ image: png16 });
    assert.deepEqual(pixel(from16, 2, 2), [128, 128, 128]);

    const grey = await sharp(Buffer.alloc(16, 77), { raw: { width: 4, height: 4, channels: 1 } }).png().toBuffer();
    assert.deepEqual(pixel(await decodeImage({ image: grey }), 0, 0), [77, 77, 77]);

    const rgba = Buffer.alloc(4 * 4 * 4);
    for (let i = 0; i < 16; i++) rgba.set([200, 30, 60, i % 2 === 0 ? 0 : 255], 4 * i);
    const transparent = await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } }).png().toBuffer();
    const fromAlpha = await decodeImage({ image: transparent });
    assert.deepEqual(pixel(fromAlpha, 0, 0), [200, 30, 60], 'a fully transparent pixel keeps its stored colour');
    assert.deepEqual(pixel(fromAlpha, 1, 0), [200, 30, 60]);
  });

  test('WebP is accepted', async () => {
    const webp = await sharp(raw(4, 4, () => [10, 200, 10]), { raw: { width: 4, height: 4, channels: 3 } }).webp({ lossless: true }).toBuffer();
    assert.deepEqual(pixel(await decodeImage({ image: webp }), 3, 3), [10, 200, 10]);
  });
});

describe('image inputs: bad input gets a precise error', () => {
  let dir: string;
  let png: Buffer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-bad-images-'));
    png = await sharp(noise(64, 64), { raw: { width: 64, height: 64, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a zero-byte file', async () => {
    const file = join(dir, 'empty.png');
    writeFileSync(file, '');
    await refusal(decodeImage({ image: file }), 'image_empty', /empty\.png.*the file is empty \(0 bytes\)/);
  });

  test('a truncated PNG and a truncated JPEG', async () => {
    await refusal(decodeImage({ image: png.subarray(0, Math.floor(png.length / 2)) }), 'image_unreadable', /corrupt or truncated PNG/);
    const jpeg = await sharp(noise(64, 64), { raw: { width: 64, height: 64, channels: 3 } }).jpeg({ quality: 95 }).toBuffer();
    const file = join(dir, 'cut.jpg');
    writeFileSync(file, jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    await refusal(decodeImage({ image: file }), 'image_unreadable', /cut\.jpg.*corrupt or truncated JPEG/);
  });

  test('a corrupt PNG (right signature, garbage after it)', async () => {
    const garbage = Buffer.concat([png.subarray(0, 8), Buffer.alloc(200, 0x5a)]);
    await refusal(decodeImage({ image: garbage }), 'image_unreadable', /corrupt or truncated PNG/);
  });

  test('SVG and PDF are named and refused; so is anything else', async () => {
    const svg = join(dir, 'drawing.svg');
    writeFileSync(svg, '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    await refusal(decodeImage({ image: svg }), 'image_format', /an SVG drawing; images must be JPEG, PNG, WebP or GIF/);
    await refusal(decodeImage({ image: Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n') }), 'image_format', /a PDF document/);
    await refusal(decodeImage({ image: Buffer.from('hello, world') }), 'image_format', /not a recognised image/);
  });

  test('a 20,000 × 20,000 PNG header is refused by its pixel count before decoding', async () => {
    const bomb = pngClaiming(20000, 20000);
    assert.ok(bomb.length < 100);
    await refusal(decodeImage({ image: bomb }), 'image_too_large', /20000 × 20000 = 400000000 pixels, over the limit of 50000000 \(maxImagePixels\)/);
    // The limit is the caller's to set.
    await refusal(decodeImage({ image: png }, { maxImagePixels: 4000 }), 'image_too_large', /64 × 64 = 4096 pixels, over the limit of 4000/);
  });

  test('sources: a missing file, a folder, a remote URL, a data URL that is not an image', async () => {
    await refusal(decodeImage({ image: join(dir, 'nope.png') }), 'image_unreadable', /nope\.png.*no such image file/);
    await assert.rejects(decodeImage({ image: dir }), InvalidArgumentError);
    await assert.rejects(decodeImage({ image: 'https://example.com/cat.png' }), /remote images are not fetched by the encoder/);
    await assert.rejects(decodeImage({ image: 'data:text/plain;base64,aGVsbG8=' }), /a data URL of type "text\/plain" is not an image/);
    await assert.rejects(decodeImage({ image: 'data:image/png,rawtext' }), /must be base64/);
    assert.ok(ImageInputError.prototype instanceof EmbedkitError);
  });

  test('listImageFiles: files as given, folders by extension, sorted, folders below included', async () => {
    const root = join(dir, 'album');
    mkdirSync(join(root, 'b'), { recursive: true });
    for (const f of ['z.PNG', 'a.jpg', 'notes.txt', 'b/c.webp']) writeFileSync(join(root, f), '');
    assert.deepEqual(await listImageFiles([root, join(dir, 'empty.png')]), [join(root, 'a.jpg'), join(root, 'b/c.webp'), join(root, 'z.PNG'), join(dir, 'empty.png')]);
    await assert.rejects(listImageFiles([join(dir, 'missing')]), /no such file or directory/);
  });
});
