import type { EncoderInput } from '../encoders/image-decode.ts';
import { ApiError, invalidRequest } from './api-error.ts';
import type { ServeLimits } from './limit-defaults.ts';

/**
 * Image items of a /v1/embeddings request, in the convention Jina's embeddings API uses (and Cohere's v2 API for
 * its image inputs): an input list may mix plain strings, `{ "text": "..." }` and `{ "image": "..." }`, where the
 * image is a base64 data URL (`data:image/png;base64,...`), bare base64 bytes, or an `http(s)://` URL, fetched only
 * when the server allows remote images. A path or `file:` URL is always refused: a client never reads the server's
 * files. Every size is checked before anything is decoded; the pixel count is then checked from the header by the
 * decoder. Errors are 400s naming the input's index.
 */

/** One input item as the request schema accepts it. */
export type RequestItem = string | { text: string } | { image: string };

export interface ImageInputSettings {
  /** Fetch `http(s)://` images (off: such an item is a 400). */
  allowRemoteImages: boolean;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** True when any item of the list is an object (a `{ text }` or `{ image }` item). */
export function hasItemObjects(items: readonly unknown[]): boolean {
  return items.some((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
}

const itemError = (i: number, message: string, code: string) => invalidRequest(`'$.input[${i}]' is invalid: ${message}`, 'input', code);

/** Bytes that `chars` characters of base64 decode to (padding aside): the size known before decoding. */
function base64Bytes(chars: number): number {
  return Math.floor((chars * 3) / 4);
}

/**
 * The request's items as encoder inputs: texts as strings, images as their bytes (base64 decoded after its size
 * was checked; remote images fetched within the byte and time limits). `signal` stops a fetch.
 */
export async function resolveRequestItems(items: readonly RequestItem[], limits: ServeLimits, settings: ImageInputSettings, signal: AbortSignal): Promise<EncoderInput[]> {
  const out: EncoderInput[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item === 'string') out.push(item);
    else if ('text' in item) out.push(item.text);
    else out.push({ image: await imageItemBytes(item.image, i, limits, settings, signal) });
  }
  return out;
}

async function imageItemBytes(src: string, i: number, limits: ServeLimits, settings: ImageInputSettings, signal: AbortSignal): Promise<Uint8Array> {
  if (src === '') throw itemError(i, 'the image is empty (no data URL, base64 or URL).', 'image_empty');
  if (/^https?:\/\//i.test(src)) {
    if (!settings.allowRemoteImages) {
      throw itemError(i, 'this server does not fetch image URLs (it runs without --allow-remote-images); send the image as a base64 data URL.', 'remote_images_disabled');
    }
    return fetchImage(src, i, limits, signal);
  }
  let body = src;
  if (src.startsWith('data:')) {
    const comma = src.indexOf(',');
    const meta = comma < 0 ? '' : src.slice(5, comma);
    if (comma < 0 || !/;base64$/i.test(meta)) throw itemError(i, 'an image data URL must be base64: data:image/png;base64,...', 'invalid_image');
    if (!/^image\//i.test(meta)) throw itemError(i, `a data URL of type ${JSON.stringify(meta.replace(/;base64$/i, '') || 'text/plain')} is not an image.`, 'image_format');
    body = src.slice(comma + 1);
  } else if (src.startsWith('file:') || src.startsWith('/') || src.startsWith('.') || /^[A-Za-z]:[\\/]/.test(src)) {
    throw itemError(i, 'the server does not read image files by path; send the image as a base64 data URL.', 'invalid_image');
  }
  const bytes = base64Bytes(body.length);
  if (bytes > limits.maxImageBytes) throw tooManyBytes(i, bytes, limits);
  if (!BASE64.test(body)) throw itemError(i, 'the image is neither a data URL, nor base64, nor an http(s) URL.', 'invalid_image');
  return Buffer.from(body, 'base64');
}

function tooManyBytes(i: number, bytes: number, limits: ServeLimits): ApiError {
  return itemError(i, `the image has ${bytes} bytes; this server accepts at most ${limits.maxImageBytes} bytes per image.`, 'image_too_large');
}

/** GETs a remote image, refusing it past maxImageBytes (from Content-Length, then while reading) or remoteImageTimeoutMs. */
async function fetchImage(url: string, i: number, limits: ServeLimits, signal: AbortSignal): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(limits.remoteImageTimeoutMs);
  const both = AbortSignal.any([signal, timeout]);
  const failed = (err: unknown): never => {
    if (signal.aborted) throw signal.reason;
    if (err instanceof ApiError) throw err;
    const why = timeout.aborted ? `no answer within ${limits.remoteImageTimeoutMs} ms` : (err as Error).message;
    throw itemError(i, `the image URL could not be fetched (${why}).`, 'image_unreachable');
  };
  try {
    const res = await fetch(url, { signal: both, redirect: 'follow' });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw itemError(i, `the image URL answered HTTP ${res.status}.`, 'image_unreachable');
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limits.maxImageBytes) {
      await res.body.cancel();
      throw tooManyBytes(i, declared, limits);
    }
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const part of res.body as AsyncIterable<Uint8Array>) {
      total += part.length;
      if (total > limits.maxImageBytes) throw itemError(i, `the image at the URL is over ${limits.maxImageBytes} bytes; this server accepts at most that many per image.`, 'image_too_large');
      parts.push(part);
    }
    return Buffer.concat(parts);
  } catch (err) {
    return failed(err);
  }
}
