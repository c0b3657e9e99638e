/**
 * A picture's stored size read from its header, without a decoder: enough to refuse a decompression bomb by pixel
 * count before anything is decoded, at a fraction of the cost of asking sharp (one call less per picture).
 *
 * The size is the one stored in the file (EXIF orientation not applied), as sharp's `metadata()` reports it. Every
 * read is bounds-checked: a truncated or odd header gives undefined, never a throw, and the caller then asks sharp,
 * whose answer (or error) stays the reference.
 */

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp';

/** Width and height in pixels as stored. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The stored size of a picture of a known format; undefined when the header is truncated, malformed, or of a kind
 * this reader does not cover (a JPEG whose height comes later in a DNL marker, say). Internal to decodeImage.
 */
export function readImageSize(b: Uint8Array, format: ImageFormat): ImageSize | undefined {
  const size = format === 'png' ? pngSize(b) : format === 'jpeg' ? jpegSize(b) : format === 'gif' ? gifSize(b) : webpSize(b);
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

const u16be = (b: Uint8Array, at: number) => (b[at] << 8) | b[at + 1];
const u16le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);
const u24le = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8) | (b[at + 2] << 16);
const u32be = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const tag = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

/** PNG: the IHDR chunk, which must come first (length 13). */
function pngSize(b: Uint8Array): ImageSize | undefined {
  if (b.length < 8 + 8 + 13 || u32be(b, 8) !== 13 || tag(b, 12) !== 'IHDR') return undefined;
  const width = u32be(b, 16);
  const height = u32be(b, 20);
  // The PNG specification caps both at 2^31 - 1.
  return width > 0x7fffffff || height > 0x7fffffff ? undefined : { width, height };
}

/** JPEG: walk the marker segments up to the first start-of-frame (SOF0..SOF15 bar DHT, JPG and DAC). */
function jpegSize(b: Uint8Array): ImageSize | undefined {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte before a marker
      continue;
    }
    // Markers without a length: TEM and the restart markers.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or start of scan before any frame
    const length = u16be(b, at + 2);
    if (length < 2) return undefined;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 7 || at + 9 > b.length) return undefined;
      return { height: u16be(b, at + 5), width: u16be(b, at + 7) };
    }
    at += 2 + length;
  }
  return undefined;
}

/** GIF: the logical screen size after the signature. */
function gifSize(b: Uint8Array): ImageSize | undefined {
  return b.length < 10 ? undefined : { width: u16le(b, 6), height: u16le(b, 8) };
}

/** WebP: the first chunk, lossy (VP8), lossless (VP8L) or extended (VP8X, the canvas size). */
function webpSize(b: Uint8Array): ImageSize | undefined {
  if (b.length < 30) return undefined;
  const chunk = tag(b, 12);
  if (chunk === 'VP8 ') {
    // Frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height (the top 2 bits are scaling).
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return undefined;
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  return undefined;
}
