import type { Writable } from 'node:stream';
import { InvalidArgumentError } from '../errors.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { formatFloat32 } from './float-text.ts';
import { ChunkedOutput } from './output.ts';
import { readTextVectors, type ReadResult, type TextReadOptions } from './text-reader.ts';

/** word2vec text and fastText .vec: the "rows dim" header is required; rows must match it. */
export function readWord2VecText(file: string, o: Omit<TextReadOptions, 'header'>): Promise<ReadResult> {
  return readTextVectors(file, { ...o, header: 'required' });
}

/**
 * Text vector files: "word v1 … vdim" per line. word2vec text and fastText .vec start with a "rows dim"
 * header; GloVe text has none (or one, with `header`). Values are written as the shortest decimal that reads
 * back as the same float32, so a text round trip is exact.
 */
export async function writeTextVectors(emb: Embeddings, out: Writable, header: boolean): Promise<void> {
  const { dim, vectors } = emb;
  const words = emb.vocab.words;
  const sink = new ChunkedOutput(out);
  if (header) sink.writeString(`${words.length} ${dim}\n`);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.length === 0 || /[ \n\r]/.test(word)) {
      throw new InvalidArgumentError(`row ${i + 1}: the word ${JSON.stringify(word)} cannot be written to a text vectors file (empty, or contains a space or line break)`);
    }
    let line = word;
    const o = i * dim;
    for (let j = 0; j < dim; j++) line += ` ${formatFloat32(vectors[o + j])}`;
    await sink.reserve(line.length * 3 + 1);
    sink.writeString(`${line}\n`);
  }
  await sink.flush();
}
