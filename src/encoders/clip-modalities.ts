import type { ClipEncodeOptions, ClipEncodeResult } from './clip.ts';
import type { Encoder } from './encoder.ts';
import type { EncoderInput } from './image-decode.ts';

/**
 * An encoder that takes images as well as texts (ClipEncoder, or any other with the same shape): what the server's
 * image inputs and a collection's image documents need, without loading the CLIP runtime to find out.
 */
export interface ImageTextEncoder extends Encoder {
  /** What `encode` accepts: both 'text' and 'image'. */
  readonly modalities: readonly string[];
  encode(inputs: readonly EncoderInput[], options?: ClipEncodeOptions): Promise<ClipEncodeResult>;
}

/**
 * True when `encoder` takes images (`{ image }` inputs) as well as texts.
 * @example
 * ```ts
 * import { acceptsImages, openEncoder } from 'embedkit/encoders';
 * console.log(acceptsImages(await openEncoder('clip')), acceptsImages(await openEncoder('vectors.bin'))); // true false
 * ```
 */
export function acceptsImages(encoder: Encoder): encoder is ImageTextEncoder {
  const m = (encoder as { modalities?: unknown }).modalities;
  return Array.isArray(m) && m.includes('image');
}
