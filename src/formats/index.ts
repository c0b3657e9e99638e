import type { Writable } from 'node:stream';
import { FormatError, InvalidArgumentError } from '../errors.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import type { FastTextModel, FastTextModelData } from '../vectors/fasttext-model.ts';
import { withAtomicWriteStream } from '../util/atomic-write.ts';
import { readVocab } from '../vocab/vocab-file.ts';
import { detectFormat, type VectorFormat } from './detect.ts';
import { readFastTextBin } from './fasttext-bin-read.ts';
import { writeFastTextBinStream } from './fasttext-bin-write.ts';
import { readGloveText, writeGloveText } from './glove-text.ts';
import type { UnicodeErrors } from './utf8.ts';
import { readWord2VecBinary, writeWord2VecBinary } from './word2vec-binary.ts';
import { readWord2VecText, writeTextVectors } from './word2vec-text.ts';

export { detectFormat, type VectorFormat } from './detect.ts';
export type { UnicodeErrors } from './utf8.ts';

/** How loadEmbeddings reads a file. */
export interface LoadOptions {
  /** The file's format; detected from its first bytes when 'auto' or omitted. */
  format?: VectorFormat | 'auto';
  /**
   * Read only the first N vectors (the rest of the file is not read). A fastText `.bin` model keeps its n-gram
   * buckets: it becomes a model of its first N words, in which other words are built from their subwords.
   */
  limit?: number;
  /**
   * Invalid UTF-8 in words: 'strict' (default) fails with the byte offset, 'replace' puts U+FFFD, 'ignore' drops it.
   * fastText `.bin` models default to 'replace' (fastText treats words as bytes; the original bytes are kept for
   * n-gram hashing and saving) and refuse 'ignore', which would merge words that are separate rows of the model.
   */
  unicodeErrors?: UnicodeErrors;
  /** Non-fatal problems (duplicate words: the first one wins). Default: printed to stderr. */
  onWarning?: (message: string) => void;
  /** A word2vec C `-save-vocab` file giving word counts (vector files carry none; fastText `.bin` models refuse it). */
  vocabFile?: string;
  /**
   * Longest line of a text vectors file (word2vec text, GloVe text, `.vec`, gzipped or not), in bytes; a longer
   * one fails with its file and line. Default 4 MiB (over 200,000 values per row): a cap that stops a damaged
   * file or a gzip bomb at once rather than after gigabytes.
   */
  maxLineBytes?: number;
  /** Longest word of a text or word2vec binary vectors file, in bytes. Default 64 KiB. */
  maxWordBytes?: number;
}

/** How saveEmbeddings writes a file. */
export interface SaveOptions {
  /** The file format to write. */
  format: VectorFormat;
  /** GloVe text only: write a "rows dim" header line (the reference tool writes none). */
  header?: boolean;
  /**
   * fastText `.bin` only: the full model to write (n-gram rows, output matrix, training arguments), as
   * readFastTextBin or trainFastText return it; the embeddings must be its vocabulary's vectors. Without it the
   * file is a model of the embeddings' rows alone (no n-grams), and embeddings that have n-grams are refused.
   */
  fastTextModel?: FastTextModelData;
}

/**
 * Loads any supported vectors file into Embeddings, streaming it from disk (gzip-compressed text too).
 * @example
 * ```ts
 * import { loadEmbeddings } from 'embedkit';
 * const vectors = await loadEmbeddings('vectors.bin', { limit: 20 });
 * console.log(vectors.size, vectors.dim, vectors.mostSimilar({ positive: ['king'], topn: 3 }));
 * ```
 */
export async function loadEmbeddings(path: string, options: LoadOptions = {}): Promise<Embeddings> {
  const format = !options.format || options.format === 'auto' ? await detectFormat(path) : options.format;
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new FormatError(`limit must be a positive integer, got ${options.limit}`, { file: path });
  }
  if (format === 'fasttext-bin') return (await loadFastTextModel(path, options)).embeddings;
  const counts = options.vocabFile ? countsOf(await readVocab(options.vocabFile)) : undefined;
  const common = {
    limit: options.limit,
    unicodeErrors: options.unicodeErrors ?? 'strict',
    onWarning: options.onWarning ?? ((m: string) => process.stderr.write(`embedkit: warning: ${m}\n`)),
    counts,
    maxLineBytes: options.maxLineBytes,
    maxWordBytes: options.maxWordBytes,
  };
  switch (format) {
    case 'word2vec-binary':
      return (await readWord2VecBinary(path, common)).embeddings;
    case 'word2vec-text':
    case 'fasttext-vec':
      return (await readWord2VecText(path, common)).embeddings;
    case 'glove-text':
      return (await readGloveText(path, common)).embeddings;
  }
}

/**
 * A whole fastText `.bin` model (n-gram rows, output matrix, training arguments) read with the load options that
 * apply to a model (`limit`, `unicodeErrors` 'strict' or 'replace'; the others are refused by name): what
 * saveEmbeddings needs as `fastTextModel` to write the model back with its subwords.
 * @example
 * ```ts
 * import { loadFastTextModel, saveEmbeddings } from 'embedkit';
 * const model = await loadFastTextModel('fasttext.bin', { limit: 5 });
 * await saveEmbeddings(model.embeddings, 'small.bin', { format: 'fasttext-bin', fastTextModel: model });
 * ```
 */
export async function loadFastTextModel(path: string, options: Omit<LoadOptions, 'format'> = {}): Promise<FastTextModel> {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new FormatError(`limit must be a positive integer, got ${options.limit}`, { file: path });
  }
  if (options.vocabFile !== undefined) {
    throw new InvalidArgumentError(`vocabFile does not apply to ${path}: a fastText .bin model carries its own word counts`);
  }
  if (options.unicodeErrors === 'ignore') {
    throw new InvalidArgumentError(
      `unicodeErrors 'ignore' does not apply to ${path}: dropping bytes could merge words that are separate rows of a fastText model (use 'replace' or 'strict')`,
    );
  }
  return readFastTextBin(path, { limit: options.limit, unicodeErrors: options.unicodeErrors });
}

/**
 * Saves Embeddings in `format`, atomically: the file appears complete or not at all.
 * @example
 * ```ts
 * import { loadEmbeddings, saveEmbeddings } from 'embedkit';
 * const vectors = await loadEmbeddings('vectors.bin');
 * await saveEmbeddings(vectors, 'vectors.glove.txt', { format: 'glove-text' });
 * ```
 */
export async function saveEmbeddings(emb: Embeddings, path: string, options: SaveOptions): Promise<void> {
  await withAtomicWriteStream(path, (out) => writeEmbeddings(emb, out, options));
}

/** Writes the vectors in `options.format` to an open stream (standard output, a socket); saveEmbeddings for files. */
export async function writeEmbeddings(emb: Embeddings, out: Writable, options: SaveOptions): Promise<void> {
  switch (options.format) {
    case 'word2vec-binary':
      return writeWord2VecBinary(emb, out);
    case 'word2vec-text':
    case 'fasttext-vec':
      return writeTextVectors(emb, out, true);
    case 'glove-text':
      return writeGloveText(emb, out, options.header ?? false);
    case 'fasttext-bin':
      return writeFastTextBinStream(options.fastTextModel ? sameModel(emb, options.fastTextModel) : emb, out);
  }
}

/** The model, once it is clear that `emb` are its vocabulary's vectors (so the file holds what the caller saved). */
function sameModel(emb: Embeddings, model: FastTextModelData): FastTextModelData {
  if (model.vocab.size !== emb.size || model.args.dim !== emb.dim || model.vocab.words.some((w, i) => emb.vocab.words[i] !== w)) {
    throw new InvalidArgumentError(
      `fastTextModel (${model.vocab.size} words of dimension ${model.args.dim}) is not the model of these embeddings (${emb.size} words of dimension ${emb.dim})`,
    );
  }
  return model;
}

function countsOf(vocab: { words: string[]; counts: Float64Array }): Map<string, number> {
  const m = new Map<string, number>();
  vocab.words.forEach((w, i) => m.set(w, vocab.counts[i]));
  return m;
}
