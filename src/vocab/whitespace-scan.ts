import { MAX_SEPARATOR_CODE, separatorTable } from '../text/tokenize.ts';
import { HASH_SEED, hashStep } from './word-table.ts';

/**
 * Walks the whitespace tokens of a line (the whitespace tokenizer's separators, as Python's str.split()) and hashes
 * each with the word table's hash while scanning, so the vocabulary count and the id encoder look words up straight
 * from the line without making a string per token. It is an object with `next()` rather than a callback so that
 * V8 inlines it into both hot loops.
 */
export class WhitespaceScan {
  /** The current token is line[start, end), hashed to `hash`. */
  start = 0;
  end = 0;
  hash = HASH_SEED;
  private line = '';
  private at = 0;

  /** Starts over on a new line. */
  reset(line: string): void {
    this.line = line;
    this.at = 0;
  }

  /** Moves to the next token; false when the line has none left. */
  next(): boolean {
    const line = this.line;
    const n = line.length;
    let i = this.at;
    while (i < n) {
      const c = line.charCodeAt(i);
      if (c > MAX_SEPARATOR_CODE || separatorTable[c] !== 1) break;
      i++;
    }
    if (i === n) {
      this.at = n;
      return false;
    }
    const start = i;
    let h = HASH_SEED;
    for (; i < n; i++) {
      const c = line.charCodeAt(i);
      if (c <= MAX_SEPARATOR_CODE && separatorTable[c] === 1) break;
      h = hashStep(h, c);
    }
    this.start = start;
    this.end = i;
    this.hash = h;
    this.at = i;
    return true;
  }
}
