import type { OovLookup } from './embeddings.ts';
import type { FastTextMatrix } from './fasttext-matrix.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';

/**
 * fastText's character n-gram scheme, byte for byte:
 *  - a word is wrapped as `<word>` and its UTF-8 bytes are cut into characters (a lead byte and the
 *    continuation bytes 10xxxxxx after it);
 *  - every run of minn..maxn characters is an n-gram, the whole `<word>` included when it is short
 *    enough; single characters at the start or end (the bare `<` and `>`) are not;
 *  - an n-gram's row is nwords + FNV-1a(bytes) mod bucket, where FNV-1a xors each byte sign-extended
 *    to 32 bits (fastText hashes C `char`s, which are signed), so bytes ≥ 0x80 hash as 0xFFFFFFxx;
 *  - quantized models may keep only some buckets (the prune index maps bucket → row offset).
 * A word's vector is the mean of its rows: its own row (vocabulary words only) and its n-gram rows.
 */

export const BOW = '<';
export const EOW = '>';
/** fastText's end-of-line token: a vocabulary word with no n-grams. */
export const EOS = '</s>';

const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;

/** One FNV-1a step with fastText's sign extension of the byte. */
function hashStep(h: number, byte: number): number {
  const extended = byte >= 0x80 ? (byte | 0xffffff00) >>> 0 : byte;
  return Math.imul((h ^ extended) >>> 0, FNV_PRIME) >>> 0;
}

/** fastText's 32-bit hash (unsigned) of bytes [start, end). */
export function fastTextHash(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = hashStep(h, bytes[i]);
  return h;
}

/** fastText's hash of the UTF-8 encoding of `text`. */
export function fastTextHashString(text: string): number {
  return fastTextHash(utf8.encode(text));
}

const utf8 = new TextEncoder();

function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/** Lengths of the n-gram scheme. `legacy` selects the rules of pre-version-11 files (see SubwordScheme). */
export interface SubwordScheme {
  /** Shortest character n-gram. */
  minn: number;
  /** Longest character n-gram (0: none). */
  maxn: number;
  /** Number of hashed n-gram rows. */
  bucket: number;
  /**
   * Files from fastText before format version 11 computed n-grams slightly differently: single
   * characters at the word's edges were n-grams too (only matters when minn is 1), and `</s>` had
   * n-grams like any word. Readers of such files set this.
   */
  legacy?: boolean;
}

/**
 * Calls `visit(start, end, hash)` for each n-gram of `wrapped` (the UTF-8 bytes of `<word>`), in
 * fastText's order: by start character, then by length. `hash` is the unsigned FNV-1a of the bytes.
 */
export function forEachNgram(
  wrapped: Uint8Array,
  scheme: Pick<SubwordScheme, 'minn' | 'maxn' | 'legacy'>,
  visit: (start: number, end: number, hash: number) => void,
): void {
  const len = wrapped.length;
  const { minn, maxn } = scheme;
  for (let i = 0; i < len; i++) {
    if (isContinuation(wrapped[i])) continue;
    let h = FNV_OFFSET;
    let j = i;
    for (let n = 1; j < len && n <= maxn; n++) {
      // Extend by one character: its lead byte and any continuation bytes; the hash grows with it.
      h = hashStep(h, wrapped[j++]);
      while (j < len && isContinuation(wrapped[j])) h = hashStep(h, wrapped[j++]);
      const edgeUnigram = n === 1 && (i === 0 || j === len);
      if (n >= minn && !(edgeUnigram && !scheme.legacy)) visit(i, j, h);
    }
  }
}

function wrap(word: string | Uint8Array): Uint8Array {
  if (typeof word === 'string') return utf8.encode(BOW + word + EOW);
  const out = new Uint8Array(word.length + 2);
  out[0] = 0x3c; // '<'
  out.set(word, 1);
  out[word.length + 1] = 0x3e; // '>'
  return out;
}

const utf8Decoder = new TextDecoder();

/** The n-gram strings of `word` (what `fasttext print-ngrams` lists after the word itself). */
export function charNgrams(word: string, scheme: Pick<SubwordScheme, 'minn' | 'maxn' | 'legacy'>): string[] {
  const wrapped = wrap(word);
  const out: string[] = [];
  forEachNgram(wrapped, scheme, (s, e) => out.push(utf8Decoder.decode(wrapped.subarray(s, e))));
  return out;
}

/** Bucket of each n-gram of `word` (hash mod bucket), before any pruning; empty when bucket is 0. */
export function ngramBuckets(word: string | Uint8Array, scheme: SubwordScheme): number[] {
  const out: number[] = [];
  if (scheme.bucket <= 0) return out;
  forEachNgram(wrap(word), scheme, (_s, _e, h) => out.push(h % scheme.bucket));
  return out;
}

export interface FastTextSubwordsInit {
  /** The model's words: row i of the input matrix belongs to word i. */
  vocab: Vocabulary;
  scheme: SubwordScheme;
  /** null: every bucket has its row nwords + bucket; otherwise bucket → row offset after the words (pruned models). */
  pruneIndex: ReadonlyMap<number, number> | null;
  /** Words then n-gram buckets: nwords + bucket rows (or nwords + kept buckets when pruned). */
  input: FastTextMatrix;
}

/**
 * Vectors for any word from a fastText input matrix, exactly as `fasttext print-word-vectors` computes
 * them: the float32 mean of the word's rows, summed in fastText's order (except where that float32 sum
 * overflows, and fastText would print inf: there the mean is taken in doubles). Serves as the Embeddings'
 * OOV lookup, and composes the vocabulary's own vectors.
 */
export class FastTextSubwords implements OovLookup {
  readonly vocab: Vocabulary;
  readonly scheme: SubwordScheme;
  readonly pruneIndex: ReadonlyMap<number, number> | null;
  readonly input: FastTextMatrix;

  constructor(init: FastTextSubwordsInit) {
    this.vocab = init.vocab;
    this.scheme = { ...init.scheme };
    this.pruneIndex = init.pruneIndex;
    this.input = init.input;
  }

  get dim(): number {
    return this.input.dim;
  }

  get nwords(): number {
    return this.vocab.size;
  }

  /** Row of an n-gram bucket, or -1 when a pruned model dropped it. */
  bucketRow(bucket: number): number {
    if (this.pruneIndex === null) return this.nwords + bucket;
    const kept = this.pruneIndex.get(bucket);
    return kept === undefined ? -1 : this.nwords + kept;
  }

  /** Appends the n-gram rows of `word` (a string, or its UTF-8 bytes) to `rows`. */
  private pushNgramRows(word: string | Uint8Array, rows: number[]): void {
    const { bucket } = this.scheme;
    if (bucket <= 0 || this.scheme.maxn <= 0 || (this.pruneIndex !== null && this.pruneIndex.size === 0)) return;
    forEachNgram(wrap(word), this.scheme, (_s, _e, h) => {
      const row = this.bucketRow(h % bucket);
      if (row >= 0) rows.push(row);
    });
  }

  /**
   * The input rows fastText averages for `word`: the dictionary entry's own row when it has one,
   * then its n-gram rows (none for `</s>` in current files).
   */
  rowsFor(word: string): number[] {
    const rows: number[] = [];
    // Labels of supervised models are not words (fastText refuses to look them up): n-grams only.
    const id = this.vocab.indexOf(word);
    if (id >= 0) rows.push(id);
    if (word !== EOS || this.scheme.legacy) this.pushNgramRows(word, rows);
    return rows;
  }

  /** Rows of vocabulary word i, from its UTF-8 bytes as stored in the file (they may not be valid UTF-8). */
  rowsForWordIndex(i: number, bytes?: Uint8Array): number[] {
    const rows = [i];
    const word = this.vocab.word(i);
    if (word !== EOS || this.scheme.legacy) this.pushNgramRows(bytes ?? word, rows);
    return rows;
  }

  /** Mean of `rows` into `out` (zeros when there are none), float32 as fastText. */
  meanOfRows(rows: readonly number[], out: Float32Array = new Float32Array(this.dim)): Float32Array {
    out.fill(0);
    for (const r of rows) this.input.addRowTo(out, r);
    if (rows.length > 0) {
      const scale = Math.fround(1 / rows.length);
      let sum = 0;
      for (let k = 0; k < out.length; k++) sum += out[k] *= scale;
      // Finite rows near float32's largest value can overflow its sum (fastText would print inf); their mean is
      // finite, so it is taken in double precision instead. The sum is finite exactly when every value is.
      if (!Number.isFinite(sum)) this.meanInDoubles(rows, out);
    }
    return out;
  }

  /** The mean of `rows` summed in doubles, into `out`: the fallback for float32 sums that overflow. */
  private meanInDoubles(rows: readonly number[], out: Float32Array): void {
    const acc = new Float64Array(out.length);
    for (const r of rows) this.input.addRowTo(acc, r);
    for (let k = 0; k < out.length; k++) out[k] = acc[k] / rows.length;
  }

  /** fastText's vector for `word`: zeros when it has no rows (as `print-word-vectors` prints). */
  wordVector(word: string): Float32Array {
    return this.meanOfRows(this.rowsFor(word));
  }

  /** The OOV contract: null when `word` has no rows at all (no n-grams, or all pruned). */
  vectorFor(word: string): Float32Array | null {
    const rows = this.rowsFor(word);
    return rows.length === 0 ? null : this.meanOfRows(rows);
  }

  /**
   * The vocabulary's vectors (nwords × dim): each word's own row averaged with its n-gram rows, what
   * fastText writes to `.vec` and prints for known words. `rawWord(i)` may supply a word's original
   * bytes when they differ from the UTF-8 of its string (undecodable bytes in the file).
   */
  composeVocabulary(rawWord?: (i: number) => Uint8Array | undefined): Float32Array {
    const dim = this.dim;
    const out = new Float32Array(this.nwords * dim);
    for (let i = 0; i < this.nwords; i++) {
      this.meanOfRows(this.rowsForWordIndex(i, rawWord?.(i)), out.subarray(i * dim, (i + 1) * dim));
    }
    return out;
  }
}
