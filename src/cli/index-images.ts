import { InputItemError } from '../encoders/clip.ts';
import { IMAGE_EXTENSIONS, listImageFiles } from '../encoders/image-files.ts';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import type { Collection } from '../search/collection.ts';
import { addImages, type AddImagesResult } from '../search/image-documents.ts';

/**
 * `index add COLLECTION --images PATHS...`: the pictures (files, or folders walked for .jpg .png .webp .gif) stored
 * in a CLIP model's collection, each under its path. A picture that cannot be read stops the command with its path
 * unless `partial`, which leaves it out and lists it on stderr.
 */
export async function addImageFiles(
  collection: Collection,
  paths: string[],
  options: { batchSize: number; partial?: boolean; signal?: AbortSignal; onProgress?: (docs: number) => void; say: (m: string) => void },
): Promise<AddImagesResult & { files: number }> {
  const files = await listImageFiles(paths);
  if (files.length === 0) throw new InvalidArgumentError(`no pictures (${IMAGE_EXTENSIONS.join(' ')}) in ${paths.join(', ')}`);
  const result = await addImages(collection, files, {
    batchSize: options.batchSize,
    partial: options.partial,
    signal: options.signal,
    onProgress: (p) => options.onProgress?.(p.docs),
  }).catch((err: unknown) => {
    if (!(err instanceof InputItemError)) throw err;
    const { reason } = err;
    throw new EmbedkitError(err.code, `${reason.location.file ? '' : `${files[err.index]}: `}${reason.message} (--partial skips unreadable pictures)`);
  });
  for (const f of result.failed) options.say(`skipped ${f.error.location.file ? f.error.message : `${files[f.index]}: ${f.error.message}`}`);
  return { ...result, files: files.length };
}
