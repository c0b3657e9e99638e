import type { Vocabulary } from '../vocab/vocabulary.ts';
import { EOS, fastTextHashString, ngramBuckets } from './subwords.ts';

/**
 * The input of fastText's supervised models, as its Dictionary::getLine builds it for training, `predict` and
 * `test`: a line is cut into tokens at fastText's separators (space, tab, \n, \v, \f, \r, NUL) and ends with the
 * token `</s>` when it ended with a newline. Tokens that start with the label prefix are labels (unknown labels
 * are dropped); every other token is a word: a known word adds its rows (its own row, then its character
 * n-gram rows when the model has them), an unknown one only its character n-gram rows, and each adds its hash
 * to the word n-grams. After the tokens come the word n-gram rows (wordNgrams > 1): for each word i and each
 * j in i+1 .. i+wordNgrams−1, h = h·116049371 + hash_j over 64-bit unsigned integers (each 32-bit hash
 * sign-extended, as fastText stores them as int32), row nwords + h mod bucket.
 */
export interface SupervisedInputScheme {
  /** The model's words: row i of the input matrix belongs to word i. */
  vocab: Vocabulary;
  /** The model's labels: output row i belongs to label i. */
  labels: Vocabulary;
  /** Prefix that marks a token as a label (fastText's `-label`, default `__label__`). */
  labelPrefix: string;
  /** Longest word n-gram (1: words alone). */
  wordNgrams: number;
  /** Hashed rows after the words (character and word n-grams share them). */
  bucket: number;
  minn: number;
  /** Longest character n-gram; 0: none. */
  maxn: number;
  /** Quantized models that kept only some buckets: bucket → row offset after the words. null: every bucket. */
  pruneIndex: ReadonlyMap<number, number> | null;
}

/** One line as fastText sees it: input rows and label ids. */
export interface SupervisedLine {
  rows: number[];
  labels: number[];
  /** Tokens read, labels and `</s>` included (fastText's unit of training progress). */
  tokens: number;
}

const SEPARATORS = /[ \t\n\v\f\r\0]+/;

/** The tokens of a line by fastText's readWord (its separators only; no Unicode spaces). */
export function fastTextTokens(line: string): string[] {
  const parts = line.split(SEPARATORS);
  if (parts.length && parts[parts.length - 1] === '') parts.pop();
  if (parts.length && parts[0] === '') parts.shift();
  return parts;
}

const TWO32 = 4294967296;
/** The multiplier of fastText's word n-gram hash. */
export const WORD_NGRAM_MULTIPLIER = 116049371;

/** (a · b) mod m for integers a, b < m < 2^31, exact in doubles. */
function mulMod(a: number, b: number, m: number): number {
  const p = a * b;
  if (p < 2 ** 53) return p % m;
  const high = Math.floor(b / 65536);
  return ((((a * high) % m) * 65536) + a * (b % 65536)) % m;
}

/**
 * Buckets of the word n-grams of a line's word hashes (int32 values, as fastText keeps them), each plus `offset`
 * appended to `out`: fastText's Dictionary::addWordNgrams with its 64-bit unsigned arithmetic done in two
 * 32-bit halves. The first training pass computes one per word of the corpus and n-gram length, so the halves are
 * kept in 32-bit operations where they can be (Math.imul for the low word of the product, shifts for the sign).
 */
export function wordNgramBuckets(hashes: ArrayLike<number>, count: number, n: number, bucket: number, out: number[], offset: number): void {
  const M = WORD_NGRAM_MULTIPLIER;
  const highPart = TWO32 % bucket;
  for (let i = 0; i < count; i++) {
    let lo = hashes[i] >>> 0;
    let hi = (hashes[i] >> 31) >>> 0; // the sign extended: all ones for a negative hash
    for (let j = i + 1; j < count && j < i + n; j++) {
      // h = h · M mod 2^64: the low word by Math.imul; the carry, floor(lo·M / 2^32), from lo's 16-bit halves
      // (each product below 2^43, exact in doubles).
      const carry = Math.floor(((lo >>> 16) * M + Math.floor(((lo & 0xffff) * M) / 65536)) / 65536);
      hi = (Math.imul(hi, M) + carry) >>> 0;
      lo = Math.imul(lo, M) >>> 0;
      // h += hash_j, sign-extended to 64 bits
      const add = hashes[j];
      lo += add >>> 0;
      const c = lo >= TWO32 ? 1 : 0;
      lo -= c * TWO32;
      hi = (hi + (add >> 31) + c) >>> 0;
      out.push(offset + ((mulMod(hi % bucket, highPart, bucket) + (lo % bucket)) % bucket));
    }
  }
}

/**
 * What one distinct token contributes to a line, worked out once (SupervisedInput.planToken): a label id (−1: an
 * unknown label, dropped), or the input rows and the word hash of a word, known or not.
 */
export type TokenPlan = { label: number } | { rows: readonly number[]; hash: number };

/** Turns lines into a supervised model's input rows and labels (see SupervisedInputScheme). */
export class SupervisedInput {
  private readonly wordRows: (number[] | undefined)[];
  private readonly wordHashes: Int32Array;
  private hashes = new Int32Array(256);

  constructor(readonly scheme: SupervisedInputScheme) {
    const { vocab } = scheme;
    this.wordRows = new Array(vocab.size);
    this.wordHashes = new Int32Array(vocab.size);
    for (let i = 0; i < vocab.size; i++) {
      const word = vocab.word(i);
      this.wordHashes[i] = fastTextHashString(word) | 0;
      if (scheme.maxn > 0 && word !== EOS) {
        const rows = [i];
        this.pushNgrams(word, rows);
        this.wordRows[i] = rows;
      }
    }
  }

  private pushBucket(b: number, out: number[]): void {
    const prune = this.scheme.pruneIndex;
    if (prune === null) {
      out.push(this.scheme.vocab.size + b);
      return;
    }
    const at = prune.get(b);
    if (at !== undefined) out.push(this.scheme.vocab.size + at);
  }

  private pushNgrams(word: string, out: number[]): void {
    const { minn, maxn, bucket } = this.scheme;
    if (maxn <= 0 || bucket <= 0) return;
    for (const b of ngramBuckets(word, { minn, maxn, bucket })) this.pushBucket(b, out);
  }

  /** What `token` adds to any line it is in: the decisions encode makes for it, made once. */
  planToken(token: string): TokenPlan {
    const { vocab, labels, labelPrefix } = this.scheme;
    const wid = vocab.indexOf(token);
    if (wid < 0 && labelPrefix !== '' && token.startsWith(labelPrefix)) return { label: labels.indexOf(token) };
    if (wid >= 0) return { rows: this.wordRows[wid] ?? [wid], hash: this.wordHashes[wid] };
    const rows: number[] = [];
    if (token !== EOS) this.pushNgrams(token, rows);
    return { rows, hash: fastTextHashString(token) | 0 };
  }

  /**
   * encode for a line given as indices into `plans` (one per distinct token, from planToken), `</s>` included
   * when the line had it: the same rows and labels, without a string lookup per token.
   */
  encodePlanned(plans: readonly TokenPlan[], line: ArrayLike<number>, start: number, end: number, out: SupervisedLine): SupervisedLine {
    const rows = out.rows;
    rows.length = 0;
    out.labels.length = 0;
    const n = end - start;
    if (this.hashes.length < n) this.hashes = new Int32Array(Math.max(n, this.hashes.length * 2));
    const hashes = this.hashes;
    let words = 0;
    for (let t = start; t < end; t++) {
      const plan = plans[line[t]];
      if ('label' in plan) {
        if (plan.label >= 0) out.labels.push(plan.label);
        continue;
      }
      for (const r of plan.rows) rows.push(r);
      hashes[words++] = plan.hash;
    }
    out.tokens = n;
    this.pushWordNgrams(hashes, words, rows);
    return out;
  }

  /**
   * The rows and labels of a line's tokens; `endOfLine` appends `</s>` as fastText does when the line ended
   * with a newline. Results go into `out` (cleared first), which is returned.
   */
  encode(tokens: readonly string[], endOfLine: boolean, out: SupervisedLine = { rows: [], labels: [], tokens: 0 }): SupervisedLine {
    const { vocab, labels, labelPrefix } = this.scheme;
    const rows = out.rows;
    rows.length = 0;
    out.labels.length = 0;
    const n = tokens.length + (endOfLine ? 1 : 0);
    if (this.hashes.length < n) this.hashes = new Int32Array(Math.max(n, this.hashes.length * 2));
    const hashes = this.hashes;
    let words = 0;
    for (let t = 0; t < n; t++) {
      const token = t < tokens.length ? tokens[t] : EOS;
      const wid = vocab.indexOf(token);
      if (wid < 0 && labelPrefix !== '' && token.startsWith(labelPrefix)) {
        const lid = labels.indexOf(token);
        if (lid >= 0) out.labels.push(lid);
        continue;
      }
      if (wid >= 0) {
        const sub = this.wordRows[wid];
        if (sub) for (const r of sub) rows.push(r);
        else rows.push(wid);
        hashes[words++] = this.wordHashes[wid];
      } else {
        if (token !== EOS) this.pushNgrams(token, rows);
        hashes[words++] = fastTextHashString(token) | 0;
      }
    }
    out.tokens = n;
    this.pushWordNgrams(hashes, words, rows);
    return out;
  }

  /** The word n-gram rows of a line's word hashes, after its other rows. */
  private pushWordNgrams(hashes: Int32Array, words: number, rows: number[]): void {
    const { wordNgrams, bucket, pruneIndex, vocab } = this.scheme;
    if (wordNgrams <= 1 || bucket <= 0) return;
    if (pruneIndex === null) wordNgramBuckets(hashes, words, wordNgrams, bucket, rows, vocab.size);
    else {
      const buckets: number[] = [];
      wordNgramBuckets(hashes, words, wordNgrams, bucket, buckets, 0);
      for (const b of buckets) this.pushBucket(b, rows);
    }
  }
}
