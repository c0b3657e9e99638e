import { once } from 'node:events';
import { FormatError, InvalidArgumentError } from '../errors.ts';
import { openCorpus } from '../text/corpus.ts';
import { withAtomicWriteStream } from '../util/atomic-write.ts';
import { Vocabulary } from './vocabulary.ts';

/**
 * Vocabulary files in the word2vec C tool's `-save-vocab` / `-read-vocab` format: one "word count" per line,
 * in vocabulary order. (The C tool's files start with "</s>", its end-of-line token; it is read as an ordinary word.)
 */

// eslint-disable-next-line no-control-regex -- the tokenizers' separators include U+001C..U+001F
const HAS_WHITESPACE = /[\s\x1c-\x1f\x85]/;

/**
 * Writes `vocab` to `path` atomically (a crash never leaves a truncated file).
 * @example
 * ```ts
 * import { readVocab, saveVocab, Vocabulary } from 'embedkit';
 * await saveVocab(new Vocabulary(['the', 'cat'], [10, 3]), 'vocab.txt'); // "the 10\ncat 3\n"
 * console.log((await readVocab('vocab.txt')).words); // [ 'the', 'cat' ]
 * ```
 */
export async function saveVocab(vocab: Vocabulary, path: string): Promise<void> {
  for (let i = 0; i < vocab.size; i++) {
    const w = vocab.word(i);
    if (w === '' || HAS_WHITESPACE.test(w)) {
      throw new InvalidArgumentError(`cannot save word ${JSON.stringify(w)} (row ${i}) in a vocabulary file: words there cannot be empty or contain whitespace`);
    }
  }
  await withAtomicWriteStream(path, async (out) => {
    const BATCH = 4096;
    for (let start = 0; start < vocab.size; start += BATCH) {
      let text = '';
      const end = Math.min(vocab.size, start + BATCH);
      for (let i = start; i < end; i++) text += `${vocab.word(i)} ${vocab.count(i)}\n`;
      if (!out.write(text)) await once(out, 'drain');
    }
  });
}

/**
 * Reads a vocabulary file (plain or .gz), keeping its order and counts. A line that is not "word count" with a
 * non-negative integer count is a FormatError naming the file and line; blank lines are skipped.
 * @example
 * ```ts
 * import { loadEmbeddings, readVocab, saveVocab } from 'embedkit';
 * await saveVocab((await loadEmbeddings('vectors.bin')).vocab, 'vocab.txt');
 * const vocab = await readVocab('vocab.txt');
 * console.log(vocab.size, vocab.word(0), vocab.count(0));
 * ```
 */
export async function readVocab(path: string): Promise<Vocabulary> {
  const corpus = await openCorpus(path);
  const words: string[] = [];
  const counts: number[] = [];
  let lineNo = 0;
  for await (const line of corpus.lines()) {
    lineNo++;
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') continue;
    if (fields.length !== 2) {
      throw new FormatError(`expected "word count", found ${fields.length} field${fields.length === 1 ? '' : 's'}: ${JSON.stringify(truncate(line))}`, {
        file: path,
        line: lineNo,
      });
    }
    const [word, countText] = fields;
    if (!/^\d+$/.test(countText)) {
      throw new FormatError(`expected a non-negative integer count after ${JSON.stringify(truncate(word))}, found ${JSON.stringify(truncate(countText))}`, {
        file: path,
        line: lineNo,
      });
    }
    words.push(word);
    counts.push(Number(countText));
  }
  // Located where a first word was still expected: the line after the last (blank) one.
  if (words.length === 0) throw new FormatError('the vocabulary file has no words (expected "word count" lines)', { file: path, line: lineNo + 1 });
  return new Vocabulary(words, counts);
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
