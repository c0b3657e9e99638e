import { extname } from 'node:path';
import { InvalidArgumentError } from '../errors.ts';
import type { VectorFormat } from '../formats/index.ts';
import { FORMATS } from './common.ts';

/**
 * What an output file's extension says, for commands that write vectors (convert, train word2vec):
 * `.txt` word2vec text, `.vec` fastText's text vectors, `.bin` word2vec binary — or a fastText model when the
 * vectors come from one (`.bin` is both tools' extension; converting a fastText model to `.bin` keeps the model).
 * GloVe text has no extension of its own (GloVe writes `.txt`): it is asked for by name.
 */
export const EXTENSION_HELP =
  'Without --to, the output extension picks the format: .txt word2vec-text, .vec fasttext-vec, .bin word2vec-binary ' +
  '(fasttext-bin when the input is a fastText model); any other extension needs --to.';

/** The format an output path implies, or undefined when its extension implies none. */
export function formatFromExtension(path: string, inputFormat?: VectorFormat): VectorFormat | undefined {
  switch (extname(path).toLowerCase()) {
    case '.txt':
      return 'word2vec-text';
    case '.vec':
      return 'fasttext-vec';
    case '.bin':
      return inputFormat === 'fasttext-bin' ? 'fasttext-bin' : 'word2vec-binary';
    default:
      return undefined;
  }
}

/** The format named by the flag, else the one the extension implies; otherwise an error listing the choices. */
export function outputVectorFormat(path: string, named: VectorFormat | undefined, inputFormat?: VectorFormat): VectorFormat {
  const format = named ?? formatFromExtension(path, inputFormat);
  if (format) return format;
  throw new InvalidArgumentError(
    `cannot tell the output format from ${JSON.stringify(path)} (.txt, .vec and .bin name one); give --to with one of: ${FORMATS.join(', ')}`,
  );
}

/** `train word2vec`: binary output when the flag says so, else when the output ends in .bin. */
export function binaryFromExtension(path: string | undefined, flag: boolean | undefined): boolean | undefined {
  return flag ?? (path !== undefined && formatFromExtension(path) === 'word2vec-binary' ? true : undefined);
}
