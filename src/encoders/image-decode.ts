import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { importOptional } from '../util/optional-import.ts';
import { readImageSize } from './image-header.ts';
import { decodePlainPng } from './image-png.ts';
import type { RgbImage } from './rgb-image.ts';

/**
 * Images as encoder inputs: where their bytes come from, which formats are accepted, and how they become 8-bit RGB
 * pixels through sharp (an optional peer, loaded on first use; a plain 8-bit PNG decodes without it, to the same pixels,
 * see image-png.ts). Everything model-specific (resize, crop, normalize)
 * happens later, from the model's preprocessor_config.json.
 *
 * Conversions, so that every accepted picture has one meaning:
 * - EXIF orientation is applied (a phone photo stored sideways comes out upright);
 * - an animated GIF or WebP gives its first frame;
 * - CMYK, greyscale and 16-bit pictures are converted to 8-bit sRGB;
 * - an alpha channel is dropped, keeping each pixel's stored colour, as Hugging Face's processors do
 *   (`convert('RGB')`): a transparent pixel counts as the colour it stores, not as a background.
 */

/** An image given to an encoder: a file path, a `file:` URL, a base64 `data:image/...` URL, or the file's bytes. */
export interface ImageInput {
  image: string | Uint8Array;
}

/** A text or an image: what an encoder that takes both accepts. */
export type EncoderInput = string | ImageInput;

export type { RgbImage };

export interface DecodeImageOptions {
  /**
   * Refuse pictures with more pixels than this, from the header, before decoding (a small file can claim
   * 20,000 × 20,000 pixels and would take gigabytes decoded). Default 50 million (a 50-megapixel photo).
   */
  maxImagePixels?: number;
}

export const DEFAULT_MAX_IMAGE_PIXELS = 50_000_000;

/** Thrown for an image that cannot be used: the code says why, the message says which input and what to do. */
export class ImageInputError extends EmbedkitError {
  constructor(code: 'image_unreadable' | 'image_format' | 'image_too_large' | 'image_empty', message: string, file?: string) {
    super(code, message, file === undefined ? {} : { file });
    this.name = 'ImageInputError';
  }
}

/**
 * True when `x` is an image input rather than a text.
 * @example
 * ```ts
 * import { isImageInput } from 'embedkit/encoders';
 * console.log(isImageInput({ image: 'photo.jpg' }), isImageInput('a photo')); // true false
 * ```
 */
export function isImageInput(x: unknown): x is ImageInput {
  return typeof x === 'object' && x !== null && 'image' in x && (typeof x.image === 'string' || x.image instanceof Uint8Array);
}

/** A short description of where an image came from, for messages (never the whole data URL). */
export function describeImage(input: ImageInput): string {
  const src = input.image;
  if (typeof src !== 'string') return `${src.length}-byte image`;
  if (src.startsWith('data:')) return `data URL (${src.length} characters)`;
  return src.length > 200 ? `${src.slice(0, 197)}...` : src;
}

type Sharp = (typeof import('sharp'))['default'];
let library: Promise<Sharp> | undefined;

function sharp(): Promise<Sharp> {
  library ??= importOptional('sharp', 'the image decoder', () => import('sharp')).then((m) => m.default);
  // A failed load is not cached: installing the package lets a long-running process try again.
  library.catch(() => (library = undefined));
  return library;
}

/** Reads the bytes of an image input: a path, a `file:` URL, a base64 data URL, or bytes as given. */
export async function imageBytes(input: ImageInput): Promise<{ bytes: Uint8Array; file?: string }> {
  const src = input.image;
  if (typeof src !== 'string') return { bytes: src };
  if (src.startsWith('data:')) return { bytes: dataUrlBytes(src) };
  if (/^https?:\/\//i.test(src)) {
    throw new InvalidArgumentError(`image ${describeImage(input)}: remote images are not fetched by the encoder; download the file, or pass its bytes or a data URL`);
  }
  let file = src;
  if (src.startsWith('file:')) {
    try {
      file = fileURLToPath(src);
    } catch (err) {
      throw new InvalidArgumentError(`image ${src}: ${(err as Error).message}`);
    }
  }
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new InvalidArgumentError(`image ${file} is a directory`);
    return { bytes: await readFile(file), file };
  } catch (err) {
    if (err instanceof EmbedkitError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ImageInputError('image_unreadable', code === 'ENOENT' ? 'no such image file' : `cannot read the image: ${(err as Error).message}`, file);
  }
}

/** The bytes of a `data:image/...;base64,...` URL; any other data URL is refused. */
function dataUrlBytes(url: string): Uint8Array {
  const comma = url.indexOf(',');
  const meta = comma < 0 ? '' : url.slice(5, comma);
  if (comma < 0 || !/;base64$/i.test(meta)) throw new InvalidArgumentError('an image data URL must be base64: data:image/png;base64,...');
  if (!/^image\//i.test(meta)) throw new InvalidArgumentError(`a data URL of type ${JSON.stringify(meta.replace(/;base64$/i, '') || 'text/plain')} is not an image`);
  const body = url.slice(comma + 1).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(body)) throw new InvalidArgumentError('the image data URL is not valid base64');
  return Buffer.from(body, 'base64');
}

/** The container format from the first bytes; undefined when it is none embedkit decodes. */
export function sniffImageFormat(b: Uint8Array): 'jpeg' | 'png' | 'gif' | 'webp' | undefined {
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (b.length >= 6 && (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** What a file that is not an accepted picture seems to be, for the message. */
function otherFormat(b: Uint8Array): string {
  const head = Buffer.from(b.subarray(0, 512)).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('%pdf')) return 'a PDF document';
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg')) || head.includes('<svg')) return 'an SVG drawing';
  if (b.length >= 4 && (head.startsWith('ii*\x00') || head.startsWith('mm\x00*'))) return 'a TIFF image';
  return 'not a recognised image';
}

/**
 * Decodes an image input to 8-bit RGB (see the module's notes for the conversions). Refuses, with an
 * ImageInputError naming the input: an empty file, a format other than JPEG, PNG, WebP or GIF (SVG and PDF
 * included: they are drawings to render, not pictures), a picture over `maxImagePixels`, and corrupt or
 * truncated data.
 * @example
 * ```ts
 * import { decodeImage } from 'embedkit/encoders';
 * const { width, height, data } = await decodeImage({ image: 'pictures/resized.png' });
 * console.log(width, height, data.length === width * height * 3); // 96 80 true
 * ```
 */
export async function decodeImage(input: ImageInput, options: DecodeImageOptions = {}): Promise<RgbImage> {
  const { bytes, file } = await imageBytes(input);
  // With a file, the error's location names it; bytes and data URLs are described.
  const where = file === undefined ? `image (${describeImage(input)}): ` : '';
  if (bytes.length === 0) throw new ImageInputError('image_empty', `${where}the file is empty (0 bytes)`, file);
  const format = sniffImageFormat(bytes);
  if (!format) throw new ImageInputError('image_format', `${where}${otherFormat(bytes)}; images must be JPEG, PNG, WebP or GIF`, file);
  const maxPixels = options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const fail = (err: unknown): never => {
    throw new ImageInputError('image_unreadable', `${where}corrupt or truncated ${format.toUpperCase()} (${(err as Error).message.trim()})`, file);
  };
  // The header alone gives the size: a picture over the limit is refused before any pixel is decoded. Our own
  // header reader spares a sharp call; a header it cannot read goes to sharp, whose error names the damage.
  const size = readImageSize(bytes, format) ?? (await (await sharp())(bytes, { limitInputPixels: false }).metadata().catch(fail));
  const { width, height } = size;
  if (!width || !height) fail(new Error('no image size in the header'));
  if (width * height > maxPixels) {
    throw new ImageInputError('image_too_large', `${where}${width} × ${height} = ${width * height} pixels, over the limit of ${maxPixels} (maxImagePixels)`, file);
  }
  // A plain PNG decodes here at a fraction of sharp's per-picture cost, to the same pixels (see image-png.ts).
  const plain = format === 'png' ? decodePlainPng(bytes) : undefined;
  if (plain) return plain;
  const s = await sharp();
  // failOn 'error' refuses corrupt and truncated pixel data but not a mere warning (an odd EXIF block, say), which
  // sharp's default ('warning') would.
  const { data, info } = await s(bytes, { limitInputPixels: maxPixels, failOn: 'error', pages: 1, page: 0 })
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true })
    .catch(fail);
  if (info.channels === 3) return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  // Greyscale that sharp kept single-channel: repeat the channel.
  const rgb = new Uint8Array(info.width * info.height * 3);
  for (let i = 0, n = info.width * info.height; i < n; i++) rgb.fill(data[i * info.channels], 3 * i, 3 * i + 3);
  return { data: rgb, width: info.width, height: info.height };
}
