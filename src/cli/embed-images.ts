import { ClipEncoder, InputItemError } from '../encoders/clip.ts';
import { listImageFiles } from '../encoders/image-files.ts';
import { openEncoder, type OpenEncoderOptions } from '../encoders/open-encoder.ts';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { formatFloat32 } from '../formats/float-text.ts';
import { withAtomicWriteStream, writeFileAtomic } from '../util/atomic-write.ts';
import { printJson } from './common.ts';
import { npyHeader, write } from './npy-output.ts';

interface EmbedImagesFlags {
  output: string;
  format: 'jsonl' | 'npy' | 'word2vec';
  batch: number;
  partial?: boolean;
  quiet?: boolean;
  json?: boolean;
}

/**
 * `embed MODEL --images PATHS...`: one row per picture with its path (JSON lines: {index, path, embedding}; word2vec
 * text: the path as the key; .npy: the matrix, and the paths in OUTPUT.paths.txt, one per row). A picture that cannot
 * be read stops the command with its path, unless --partial, which leaves it out and lists it on stderr.
 */
export async function embedImages(model: string, paths: string[], flags: EmbedImagesFlags, options: OpenEncoderOptions, say: (m: string) => void): Promise<void> {
  const files = await listImageFiles(paths);
  if (files.length === 0) throw new InvalidArgumentError(`no pictures (${['.jpg', '.jpeg', '.png', '.webp', '.gif'].join(' ')}) in ${paths.join(', ')}`);
  const encoder = await openEncoder(model, options);
  const started = performance.now();
  const rows: { path: string; vector: Float32Array }[] = [];
  const skipped: { path: string; reason: string }[] = [];
  try {
    if (!(encoder instanceof ClipEncoder)) throw new InvalidArgumentError(`${model} is not a CLIP model directory: only a text-and-image model embeds pictures`);
    for (let from = 0; from < files.length; from += flags.batch) {
      const part = files.slice(from, from + flags.batch);
      const result = await encoder.encode(part.map((image) => ({ image })), { partial: flags.partial }).catch((err: unknown) => {
        // The encoder counts within the batch; the user knows the file.
        if (err instanceof InputItemError) {
          const { reason } = err;
          throw new EmbedkitError(err.code, `${reason.location.file ? '' : `${part[err.index]}: `}${reason.message} (--partial skips unreadable pictures)`);
        }
        throw err;
      });
      part.forEach((path, k) => {
        const error = result.errors[k];
        if (error) {
          const reason = error.location.file ? error.message : `${path}: ${error.message}`;
          skipped.push({ path, reason });
          say(`skipped ${reason}`);
        } else rows.push({ path, vector: result.vectors[k] });
      });
    }
  } finally {
    await encoder.dispose?.();
  }
  await withAtomicWriteStream(flags.output, async (out) => {
    if (flags.format === 'npy') await write(out, npyHeader(rows.length, encoder.dim));
    if (flags.format === 'word2vec') await write(out, `${rows.length} ${encoder.dim}\n`);
    for (let i = 0; i < rows.length; i++) {
      const { path, vector } = rows[i];
      if (flags.format === 'npy') await write(out, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
      else if (flags.format === 'word2vec') await write(out, `${path.replace(/\s+/g, '_')} ${Array.from(vector, formatFloat32).join(' ')}\n`);
      else await write(out, `{"index":${i},"path":${JSON.stringify(path)},"embedding":[${Array.from(vector, formatFloat32).join(',')}]}\n`);
    }
  });
  const pathsFile = flags.format === 'npy' ? `${flags.output}.paths.txt` : undefined;
  if (pathsFile) await writeFileAtomic(pathsFile, rows.map((r) => `${r.path}\n`).join(''), 'the list of paths');
  const seconds = (performance.now() - started) / 1000;
  if (flags.json) return printJson({ model, output: flags.output, format: flags.format, images: rows.length, skipped, dim: encoder.dim, seconds, ...(pathsFile ? { paths: pathsFile } : {}) });
  say(`embedded ${rows.length} pictures (dim ${encoder.dim}) in ${seconds.toFixed(2)} s, ${(rows.length / seconds).toFixed(1)} pictures/s → ${flags.output} (${flags.format})${pathsFile ? `, paths in ${pathsFile}` : ''}${skipped.length ? `; skipped ${skipped.length}` : ''}`);
}
