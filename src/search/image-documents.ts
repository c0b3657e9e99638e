import { createHash } from 'node:crypto';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { InputItemError } from '../encoders/clip.ts';
import { acceptsImages, type ImageTextEncoder } from '../encoders/clip-modalities.ts';
import { describeImage, type ImageInput } from '../encoders/image-decode.ts';
import type { AddDocument, AddOptions, AddResult, Collection } from './collection.ts';

/**
 * Images as documents of a collection embedded by a CLIP-style model: each picture is stored as one passage with its
 * image vector, beside the collection's texts, so a caption finds its picture and a picture its caption. An image
 * document carries the metadata field `modality` = "image" (and `image`, its path, when it came from a file); texts
 * carry no `modality`, so `modalityFilter` tells the two apart in a search.
 */

/** The metadata field that marks image documents. */
export const MODALITY_FIELD = 'modality';

/** An image to store: a path (or `file:` / data URL) or its bytes, with an optional id, text and metadata. */
export interface ImageDocument {
  /** Default: the path, or `image:` and a hash of the bytes. */
  id?: string;
  image: string | Uint8Array;
  /** Stored as the passage's text (for keyword search and the hits); default: the path, or empty. */
  text?: string;
  metadata?: Record<string, unknown>;
}

export interface AddImagesOptions extends AddOptions {
  /** Store the pictures that can be read and report the others in `failed` (default: the first bad one fails the call). */
  partial?: boolean;
  /** Pictures per model run (default 32). */
  encodeBatchSize?: number;
}

export interface AddImagesResult extends AddResult {
  /** Pictures that could not be used (only with `partial`): position in the input, what it was, why. */
  failed: { index: number; image: string; error: EmbedkitError }[];
}

/**
 * The collection's encoder when it takes images; otherwise an error naming the collection and its encoder.
 * @example
 * ```ts
 * import { openCollection, imageEncoderOf } from 'embedkit/search';
 * const pictures = await openCollection('pictures.collection', { model: 'clip' });
 * console.log((await imageEncoderOf(pictures)).dim); // 64
 * await pictures.close();
 * ```
 */
export async function imageEncoderOf(collection: Collection): Promise<ImageTextEncoder> {
  const encoder = await collection.encoder();
  if (!acceptsImages(encoder)) {
    throw new InvalidArgumentError(`collection ${collection.path} is embedded by ${encoder.id}, which takes texts only; images need a collection made with a CLIP model`);
  }
  return encoder;
}

/**
 * Embeds pictures with the collection's CLIP model and stores each as a document (see the module's notes): ids
 * already stored with the same picture are skipped, as for texts. Texts and images then share one space: search
 * the collection with a caption or with an image's vector (`imageQueryVector`), narrowed by `modalityFilter`.
 * @example
 * ```ts
 * import { openCollection, addImages } from 'embedkit/search';
 * const pictures = await openCollection('pictures.collection', { model: 'clip' });
 * const result = await addImages(pictures, ['pictures/resized.png']);
 * console.log(result.docs, result.failed.length); // 1 0
 * await pictures.close();
 * ```
 */
export async function addImages(
  collection: Collection,
  images: Iterable<ImageDocument | string> | AsyncIterable<ImageDocument | string>,
  options: AddImagesOptions = {},
): Promise<AddImagesResult> {
  const encoder = await imageEncoderOf(collection);
  const perRun = options.encodeBatchSize ?? 32;
  if (!Number.isInteger(perRun) || perRun < 1) throw new InvalidArgumentError(`encodeBatchSize must be a positive integer, got ${options.encodeBatchSize}`);
  const failed: AddImagesResult['failed'] = [];
  async function* embedded(): AsyncGenerator<AddDocument> {
    let batch: ImageDocument[] = [];
    let first = 0;
    const run = async function* (): AsyncGenerator<AddDocument> {
      const result = await encoder.encode(batch.map((d) => ({ image: d.image })), { partial: options.partial, signal: options.signal }).catch((err: unknown) => {
        if (err instanceof InputItemError) throw new InputItemError(first + err.index, err.reason);
        throw err;
      });
      for (let k = 0; k < batch.length; k++) {
        const error = result.errors[k];
        if (error) failed.push({ index: first + k, image: describeImage(batch[k]), error });
        else yield imageDocument(batch[k], result.vectors[k]);
      }
      first += batch.length;
      batch = [];
    };
    for await (const item of images) {
      batch.push(typeof item === 'string' ? { image: item } : item);
      if (batch.length >= perRun) yield* run();
    }
    if (batch.length) yield* run();
  }
  const result = await collection.add(embedded(), options);
  return { ...result, failed };
}

function imageDocument(doc: ImageDocument, vector: Float32Array): AddDocument {
  const path = typeof doc.image === 'string' && !doc.image.startsWith('data:') ? doc.image : undefined;
  const id = doc.id ?? path ?? `image:${createHash('sha256').update(imageKey(doc)).digest('hex').slice(0, 24)}`;
  const metadata: Record<string, unknown> = { ...doc.metadata, [MODALITY_FIELD]: 'image', ...(path === undefined ? {} : { image: path }) };
  return { id, text: doc.text ?? path ?? '', vector, metadata };
}

const imageKey = (doc: ImageInput) => (typeof doc.image === 'string' ? doc.image : Buffer.from(doc.image.buffer, doc.image.byteOffset, doc.image.byteLength));

/**
 * The vector to search a collection with for a picture: the collection's CLIP model's image vector.
 * @example
 * ```ts
 * import { openCollection, addImages, imageQueryVector } from 'embedkit/search';
 * const pictures = await openCollection('pictures.collection', { model: 'clip' });
 * await addImages(pictures, ['pictures/resized.png']);
 * const hits = await pictures.search(await imageQueryVector(pictures, { image: 'pictures/resized.png' }), { k: 1 });
 * console.log(hits[0].metadata.modality); // image
 * await pictures.close();
 * ```
 */
export async function imageQueryVector(collection: Collection, image: ImageInput, options: { signal?: AbortSignal } = {}): Promise<Float32Array> {
  const encoder = await imageEncoderOf(collection);
  const { vectors } = await encoder.encode([image], { signal: options.signal }).catch((err: unknown) => {
    throw err instanceof InputItemError ? err.reason : err;
  });
  return vectors[0];
}

/**
 * A search filter keeping only images or only texts (texts carry no `modality` field), joined by AND to `filter`.
 * @example
 * ```ts
 * import { modalityFilter } from 'embedkit/search';
 * console.log(modalityFilter('image', 'year > 2000')); // (modality = 'image') AND (year > 2000)
 * ```
 */
export function modalityFilter(modality: 'image' | 'text', filter?: string): string {
  const own = modality === 'image' ? `${MODALITY_FIELD} = 'image'` : `${MODALITY_FIELD} IS NULL`;
  return filter === undefined || filter.trim() === '' ? own : `(${own}) AND (${filter})`;
}
