import { extname } from 'node:path';
import { FormatError } from '../errors.ts';
import { readHead } from './byte-input.ts';
import { isFastTextBinHead } from './fasttext-bin-layout.ts';

/** The vectors file formats embedkit reads and writes. */
export type VectorFormat = 'word2vec-text' | 'word2vec-binary' | 'glove-text' | 'fasttext-vec' | 'fasttext-bin';

const HEADER = /^\s*\d+[ \t]+\d+[ \t]*\r?$/;
/** Enough of the file to see the header and the start of the first vector. */
const SNIFF_BYTES = 4096;

/**
 * Tells the format from the file's first bytes (decompressed when gzip), not its name, since `.bin`, `.txt`
 * and `.vec` are used loosely. fastText models start with their magic number; word2vec binary and text share a
 * "rows dim" header and differ in what follows (raw float32 bytes hold control bytes text never has);
 * a file whose first line is already a vector is GloVe text. The name only separates fastText `.vec` from
 * word2vec text, which are the same layout.
 * @example
 * ```ts
 * import { detectFormat } from 'embedkit';
 * console.log(await detectFormat('vectors.bin')); // 'word2vec-binary'
 * ```
 */
export async function detectFormat(path: string): Promise<VectorFormat> {
  const head = await readHead(path, SNIFF_BYTES);
  if (head.length === 0) throw new FormatError('the file is empty (expected word vectors)', { file: path, byte: 0 });
  if (isFastTextBinHead(head)) return 'fasttext-bin';
  const nl = head.indexOf(0x0a);
  const firstLine = head.toString('latin1', 0, nl < 0 ? head.length : nl);
  if (!HEADER.test(firstLine)) {
    if (hasBinaryBytes(head, 0, head.length)) {
      throw new FormatError('not a vectors file: binary data without a "<rows> <dimension>" header or a fastText magic number', { file: path, byte: 0 });
    }
    return 'glove-text';
  }
  if (nl >= 0 && hasBinaryBytes(head, nl + 1, head.length)) return 'word2vec-binary';
  return extname(path.replace(/\.gz$/i, '')).toLowerCase() === '.vec' ? 'fasttext-vec' : 'word2vec-text';
}

/** NUL or C0 control bytes other than tab, newline and carriage return: float32 data, not text. */
function hasBinaryBytes(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i];
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return true;
  }
  return false;
}
