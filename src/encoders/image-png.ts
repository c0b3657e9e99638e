import zlib from 'node:zlib';
import type { RgbImage } from './rgb-image.ts';

/**
 * A fast path for the plainest PNGs: 8-bit, not interlaced, greyscale / RGB / palette (with or without alpha), every
 * chunk's CRC intact, and no chunk that could change the decoded colours (an ICC profile, EXIF, gamma...). Such a
 * PNG is lossless bytes behind zlib, so decoding it here gives exactly the pixels sharp gives, without sharp's
 * per-picture cost (a libvips pipeline: about half a millisecond for a 64 × 64 picture, against tens of
 * microseconds here). Pixel-for-pixel equality with sharp is what the tests check.
 *
 * Anything else, a malformed PNG included, gives undefined and goes to sharp, which stays the reference for
 * conversions and for the wording of errors.
 */

/** Chunks that leave the pixels as stored (tRNS: the alpha channel is dropped anyway, keeping the stored colour). */
const HARMLESS = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'pHYs', 'tIME', 'tEXt']);
/**
 * The largest picture decoded here. inflate and the row filters run on the calling thread, and a server must not
 * hold its event loop for more than a few milliseconds: a 512 × 512 picture takes about that; larger ones go to
 * sharp, which decodes off the main thread.
 */
export const PLAIN_PNG_MAX_PIXELS = 512 * 512;

/** Bytes per pixel by colour type: greyscale, RGB, palette index, greyscale + alpha, RGBA. */
const BYTES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Decodes a plain PNG (see above) to RGB, or gives undefined for sharp to decode. Never throws. */
export function decodePlainPng(b: Uint8Array): RgbImage | undefined {
  // zlib.crc32 arrived in Node 20.15; without it, sharp decodes.
  if (typeof zlib.crc32 !== 'function' || b.length < 8 + 25) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const idat: Uint8Array[] = [];
  let palette: Uint8Array | undefined;
  let ended = false;
  for (let at = 8; at < b.length; ) {
    if (at + 12 > b.length) return undefined;
    const length = view.getUint32(at);
    const end = at + 12 + length;
    if (length > 0x7fffffff || end > b.length) return undefined;
    const type = String.fromCharCode(b[at + 4], b[at + 5], b[at + 6], b[at + 7]);
    if (!HARMLESS.has(type) || (at === 8) !== (type === 'IHDR')) return undefined;
    if (zlib.crc32(b.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) return undefined;
    const data = b.subarray(at + 8, at + 8 + length);
    if (type === 'IDAT') idat.push(data);
    else if (type === 'PLTE') palette = data;
    else if (type === 'IEND') {
      ended = end === b.length;
      break;
    }
    at = end;
  }
  if (!ended || idat.length === 0) return undefined;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const [depth, colourType, compression, filter, interlace] = b.subarray(24, 29);
  const bpp = BYTES_PER_PIXEL[colourType];
  if (width === 0 || height === 0 || depth !== 8 || bpp === undefined || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
  if (width * height > PLAIN_PNG_MAX_PIXELS) return undefined;
  if (colourType === 3 && (!palette || palette.length % 3 !== 0)) return undefined;
  const stride = width * bpp;
  let raw: Buffer;
  try {
    // Bounded by what the header promises: a zlib bomb behind a small header stops here instead of filling memory.
    raw = zlib.inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat), { maxOutputLength: height * (stride + 1) });
  } catch {
    return undefined;
  }
  if (raw.length !== height * (stride + 1)) return undefined;
  if (!unfilter(raw, height, stride, bpp)) return undefined;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1) + 1;
    let o = y * width * 3;
    if (colourType === 2) {
      rgb.set(raw.subarray(row, row + stride), o);
    } else if (colourType === 6) {
      for (let x = 0, i = row; x < width; x++, i += 4, o += 3) {
        rgb[o] = raw[i];
        rgb[o + 1] = raw[i + 1];
        rgb[o + 2] = raw[i + 2];
      }
    } else if (colourType === 3) {
      const entries = palette!.length / 3;
      for (let x = 0, i = row; x < width; x++, i++, o += 3) {
        const p = raw[i];
        if (p >= entries) return undefined; // an index past the palette: sharp's call
        rgb[o] = palette![3 * p];
        rgb[o + 1] = palette![3 * p + 1];
        rgb[o + 2] = palette![3 * p + 2];
      }
    } else {
      for (let x = 0, i = row; x < width; x++, i += bpp, o += 3) rgb[o] = rgb[o + 1] = rgb[o + 2] = raw[i];
    }
  }
  return { data: rgb, width, height };
}

/** Undoes PNG's per-row filters in place (each row keeps its leading filter byte); false for an unknown filter. */
function unfilter(raw: Buffer, height: number, stride: number, bpp: number): boolean {
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1) + 1;
    const up = start - stride - 1; // the previous row's first byte; < 0 on the first row
    const kind = raw[start - 1];
    const first = y === 0;
    if (kind === 0) continue;
    if (kind === 1) {
      for (let i = bpp; i < stride; i++) raw[start + i] = (raw[start + i] + raw[start + i - bpp]) & 0xff;
    } else if (kind === 2) {
      if (!first) for (let i = 0; i < stride; i++) raw[start + i] = (raw[start + i] + raw[up + i]) & 0xff;
    } else if (kind === 3) {
      for (let i = 0; i < stride; i++) {
        const left = i >= bpp ? raw[start + i - bpp] : 0;
        const above = first ? 0 : raw[up + i];
        raw[start + i] = (raw[start + i] + ((left + above) >> 1)) & 0xff;
      }
    } else if (kind === 4) {
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? raw[start + i - bpp] : 0;
        const b = first ? 0 : raw[up + i];
        const c = i >= bpp && !first ? raw[up + i - bpp] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        raw[start + i] = (raw[start + i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
    } else {
      return false;
    }
  }
  return true;
}
