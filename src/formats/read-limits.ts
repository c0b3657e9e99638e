import { InvalidArgumentError } from '../errors.ts';

/**
 * Caps on what one line or one word of a vector file may hold, so that a damaged file or a small gzip that
 * inflates to gigabytes of one "word" or one line fails at once instead of growing a buffer or a string
 * without end. Real files never come near them: a 300-dimensional text row is about 4 KB, and a line of
 * 4 MiB holds over 200,000 values; words are a few dozen bytes (word2vec's C tool cuts them at 100).
 */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_MAX_WORD_BYTES = 64 * 1024;

export interface ReadLimits {
  /** Bytes one line of a text vectors file may hold (newline excluded). */
  maxLineBytes: number;
  /** Bytes one word may hold (text and word2vec binary files). */
  maxWordBytes: number;
}

/** The caps the caller gave, checked, with the defaults for those it did not. */
export function readLimits(o: { maxLineBytes?: number; maxWordBytes?: number }): ReadLimits {
  for (const name of ['maxLineBytes', 'maxWordBytes'] as const) {
    const v = o[name];
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 1)) throw new InvalidArgumentError(`${name} must be a positive integer, got ${v}`);
  }
  return { maxLineBytes: o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, maxWordBytes: o.maxWordBytes ?? DEFAULT_MAX_WORD_BYTES };
}
