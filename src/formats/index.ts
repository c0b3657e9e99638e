import { FormatError, InvalidArgumentError } from '../errors.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
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
}

export interface SaveOptions {
  format: VectorFormat;
  /** GloVe text only: write a "rows dim" header line (the reference tool writes none). */
  header?: boolean;
}

/** Loads any supported vectors file into Embeddings, streaming it from disk (gzip-compressed text too). */
export async function loadEmbeddings(path: string, options: LoadOptions = {}): Promise<Embeddings> {
  const format = !options.format || options.format === 'auto' ? await detectFormat(path) : options.format;
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new FormatError(`limit must be a positive integer, got ${options.limit}`, { file: path });
  }
  if (format === 'fasttext-bin') return loadFastTextBin(path, options);
  const counts = options.vocabFile ? countsOf(await readVocab(options.vocabFile)) : undefined;
  const common = {
    limit: options.limit,
    unicodeErrors: options.unicodeErrors ?? 'strict',
    onWarning: options.onWarning ?? ((m: string) => process.stderr.write(`embedkit: warning: ${m}\n`)),
    counts,
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

/** A fastText model's vectors, with the load options that apply to a model (the others refused by name). */
async function loadFastTextBin(path: string, options: LoadOptions): Promise<Embeddings> {
  if (options.vocabFile !== undefined) {
    throw new InvalidArgumentError(`vocabFile does not apply to ${path}: a fastText .bin model carries its own word counts`);
  }
  if (options.unicodeErrors === 'ignore') {
    throw new InvalidArgumentError(
      `unicodeErrors 'ignore' does not apply to ${path}: dropping bytes could merge words that are separate rows of a fastText model (use 'replace' or 'strict')`,
    );
  }
  return (await readFastTextBin(path, { limit: options.limit, unicodeErrors: options.unicodeErrors })).embeddings;
}

/** Saves Embeddings in `format`, atomically: the file appears complete or not at all. */
export async function saveEmbeddings(emb: Embeddings, path: string, options: SaveOptions): Promise<void> {
  await withAtomicWriteStream(path, async (out) => {
    switch (options.format) {
      case 'word2vec-binary':
        return writeWord2VecBinary(emb, out);
      case 'word2vec-text':
      case 'fasttext-vec':
        return writeTextVectors(emb, out, true);
      case 'glove-text':
        return writeGloveText(emb, out, options.header ?? false);
      case 'fasttext-bin':
        return writeFastTextBinStream(emb, out);
    }
  });
}

function countsOf(vocab: { words: string[]; counts: Float64Array }): Map<string, number> {
  const m = new Map<string, number>();
  vocab.words.forEach((w, i) => m.set(w, vocab.counts[i]));
  return m;
}
