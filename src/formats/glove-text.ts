import type { Writable } from 'node:stream';
import type { Embeddings } from '../vectors/embeddings.ts';
import { readTextVectors, type ReadResult, type TextReadOptions } from './text-reader.ts';
import { writeTextVectors } from './word2vec-text.ts';

/**
 * GloVe text: "word v1 … vdim" lines with no header; the row count and dimension come from the data. A
 * "rows dim" first line (files converted for word2vec tools) is accepted and then checked like word2vec
 * text. The reference tool's trailing `<unk>` row is an ordinary word here, as in gensim.
 */
export function readGloveText(file: string, o: Omit<TextReadOptions, 'header'>): Promise<ReadResult> {
  return readTextVectors(file, { ...o, header: 'optional' });
}

/** Writes GloVe text; `header` adds a "rows dim" line (then word2vec tools read it too). */
export function writeGloveText(emb: Embeddings, out: Writable, header = false): Promise<void> {
  return writeTextVectors(emb, out, header);
}
