import { FormatError } from '../../errors.ts';
import { openCorpus } from '../../text/corpus.ts';
import { getTokenizer, type TokenizerName } from '../../text/tokenize.ts';

/** How readTokenizedDocuments cuts lines into tokens. */
export interface TokenizeDocumentsOptions {
  /** Which tokenizer (default `unicode`: runs of letters and digits, punctuation dropped). */
  tokenizer?: TokenizerName;
  /** Lower-case every token first (default true). */
  lowercase?: boolean;
}

/** Documents read from a file, one per line, as token lists; empty ones kept in place (and counted) so line numbers match. */
export interface TokenizedDocuments {
  docs: string[][];
  /** Lines that gave no token. */
  empty: number;
}

/**
 * Why a line is not text, if it is not: a NUL byte, or mostly bytes that are not UTF-8 (decoded as U+FFFD; a few
 * are tolerated, since text files do carry the odd broken character).
 */
function notText(line: string): string | undefined {
  if (line.includes('\u0000')) return 'a NUL byte';
  let bad = 0;
  for (let i = line.indexOf('\ufffd'); i >= 0; i = line.indexOf('\ufffd', i + 1)) bad++;
  return bad >= 4 && bad * 4 >= line.length ? 'bytes that are not UTF-8' : undefined;
}

/**
 * Reads a collection with one document per line (plain or gzipped text) into token lists, as topic models and
 * coherence take them. A file that is not text (a NUL byte, or bytes that are not UTF-8) is refused with the file
 * and line.
 *
 * @example
 *   import { writeFileSync } from 'node:fs';
 *   import { readTokenizedDocuments } from 'embedkit/apps';
 *   writeFileSync('docs.txt', 'The cat sat.\n\nDogs bark!\n');
 *   const { docs, empty } = await readTokenizedDocuments('docs.txt');
 *   console.log(docs, empty); // [ [ 'the', 'cat', 'sat' ], [], [ 'dogs', 'bark' ] ] 1
 */
export async function readTokenizedDocuments(path: string, options: TokenizeDocumentsOptions = {}): Promise<TokenizedDocuments> {
  const tokenize = getTokenizer(options.tokenizer ?? 'unicode');
  const lower = options.lowercase ?? true;
  const corpus = await openCorpus(path);
  const docs: string[][] = [];
  let empty = 0;
  try {
    for await (const line of corpus.lines()) {
      const why = notText(line);
      if (why) throw new FormatError(`not a text file (${why})`, { file: path, line: docs.length + 1 });
      const tokens = tokenize(lower ? line.toLowerCase() : line);
      if (tokens.length === 0) empty++;
      docs.push(tokens);
    }
  } finally {
    await corpus.close?.();
  }
  return { docs, empty };
}
