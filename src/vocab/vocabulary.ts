import { InvalidArgumentError } from '../errors.ts';
import { WordLookup } from './word-table.ts';

/**
 * Words, their corpus counts and a word → row index. Row i of every matrix belongs to word i.
 * Kept as parallel arrays (no per-word objects) so a million-word vocabulary stays small.
 * @example
 * ```ts
 * import { Vocabulary } from 'embedkit';
 * const vocab = new Vocabulary(['the', 'cat', 'sat'], [10, 3, 2]);
 * console.log(vocab.size, vocab.indexOf('cat'), vocab.count(1)); // 3 1 3
 * ```
 */
export class Vocabulary {
  /** The words in row order (vectors files list the most frequent first). */
  readonly words: string[];
  /** Corpus frequency per word; 0 where the source file did not say (most vector files). */
  readonly counts: Float64Array;
  private readonly index: WordLookup;

  constructor(words: string[], counts?: ArrayLike<number>) {
    if (counts && counts.length !== words.length) {
      throw new InvalidArgumentError(`vocabulary has ${words.length} words but ${counts.length} counts`);
    }
    this.words = words;
    this.counts = counts ? Float64Array.from(counts) : new Float64Array(words.length);
    // First occurrence wins, as in gensim and the word2vec C tool; readers warn about duplicates.
    this.index = new WordLookup(words);
  }

  /** Number of words (rows). */
  get size(): number {
    return this.words.length;
  }

  /** Number of distinct words; less than `size` when a word repeats (readers use it to spot duplicates cheaply). */
  get distinctSize(): number {
    return this.index.size;
  }

  /** Row of `word`, or -1. */
  indexOf(word: string): number {
    return this.index.get(word);
  }

  /** True when `word` is in the vocabulary. */
  has(word: string): boolean {
    return this.index.get(word) >= 0;
  }

  /** The word of row `i`. */
  word(i: number): string {
    return this.words[i];
  }

  /** The corpus count of row `i` (0 when unknown). */
  count(i: number): number {
    return this.counts[i];
  }

  /** The sum of all counts. */
  totalCount(): number {
    let s = 0;
    for (let i = 0; i < this.counts.length; i++) s += this.counts[i];
    return s;
  }
}
