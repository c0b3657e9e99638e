import { InvalidArgumentError } from '../errors.ts';
import { getTokenizer, type Tokenizer, type TokenizerName } from '../text/tokenize.ts';
import { tokenizerForScript } from '../text/script.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { normalizeInPlace, type EncodeOptions, type EncodeResult, type Encoder } from './encoder.ts';
import { Pacer } from './pace.ts';

/** How word vectors combine into a text vector: their mean, or SIF (frequency-weighted, common component removed). */
export type Pooling = 'mean' | 'sif';

/** How a StaticEncoder turns texts into vectors. */
export interface StaticEncoderOptions {
  /** Shown as the encoder id (default "static"). */
  id?: string;
  /**
   * How texts split into words: a tokenizer name, a function, or 'auto' (default): jieba when the vocabulary
   * is mostly Chinese, else the Unicode word tokenizer (punctuation dropped, as most vector files hold no punctuation).
   */
  tokenizer?: TokenizerName | Tokenizer | 'auto';
  /** 'mean' (default): plain average of the word vectors; 'sif': each word weighted a / (a + p(word)). */
  pooling?: Pooling;
  /** SIF's smoothing constant a (default 1e-3). */
  sifA?: number;
  /**
   * SIF's common component (a unit vector, usually from estimateCommonComponent): its projection is removed
   * from every text vector before normalizing. Omitted: nothing is removed.
   */
  commonComponent?: Float32Array;
  /** Longest input in tokens (default 8191, the OpenAI limit). */
  maxTokens?: number;
}

/**
 * A text has no word the model knows (and the model has no subwords to build one), so it has no vector. `index`
 * is the text's position in the list given to encode().
 */
export class NoKnownWordError extends InvalidArgumentError {
  constructor(
    readonly index: number,
    text: string,
  ) {
    const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    super(`input ${index} (${JSON.stringify(shown)}) has no word in the model's vocabulary, so it has no vector`);
    this.name = 'NoKnownWordError';
  }
}

/** 'auto' tokenizer choice: look at the most frequent words, which are the first rows of a vectors file. */
export function guessTokenizer(emb: Embeddings): TokenizerName {
  const n = Math.min(emb.size, 2000);
  const words = Array.from({ length: n }, (_, i) => emb.vocab.word(i));
  return tokenizerForScript(words, 'unicode');
}

/**
 * Probability of each vocabulary word for SIF weights: from the corpus counts when the model has them,
 * otherwise from Zipf's law over the row order (vector files list words by falling frequency), p ∝ 1/rank.
 */
export function wordProbabilities(emb: Embeddings): Float64Array {
  const counts = emb.vocab.counts;
  const p = new Float64Array(emb.size);
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total > 0) {
    for (let i = 0; i < p.length; i++) p[i] = counts[i] / total;
    return p;
  }
  let harmonic = 0;
  for (let i = 0; i < p.length; i++) harmonic += 1 / (i + 1);
  for (let i = 0; i < p.length; i++) p[i] = 1 / ((i + 1) * harmonic);
  return p;
}

/**
 * Encodes texts by pooling static word vectors: the model's tokenizer splits a text, each token is looked up
 * (exact form, then lowercased; subword vectors for unknown words when the model has them; otherwise skipped),
 * the raw vectors are averaged (mean or SIF weights) and the result is scaled to unit length.
 *
 * Raw rather than unit-length word vectors, by choice: in word2vec-style training frequent function words end
 * with shorter vectors than content words, so averaging raw rows already leans towards the words that carry
 * meaning (fastText's sentence vectors normalize each word first and lose that). A text with no known token
 * (empty, punctuation, or only unknown words and no subword model) is refused with a NoKnownWordError naming its
 * index: a zero vector would break the promise of unit vectors and give clients NaN cosines. Models with subwords
 * (fastText) are not affected, as every word gets a vector from its n-grams.
 * @example
 * ```ts
 * import { loadEmbeddings } from 'embedkit';
 * import { StaticEncoder } from 'embedkit/encoders';
 * const encoder = new StaticEncoder(await loadEmbeddings('vectors.bin'), { pooling: 'mean' });
 * const { vectors, tokens } = await encoder.encode(['the king and the queen', 'a cat and a dog']);
 * console.log(vectors.length, vectors[0].length, tokens); // 2 16 [ 5, 5 ]
 * ```
 */
export class StaticEncoder implements Encoder {
  readonly id: string;
  readonly dim: number;
  readonly maxTokens: number;
  /** The tokenizer in use ('custom' for a function). */
  readonly tokenizerName: string;
  /** How word vectors are combined. */
  readonly pooling: Pooling;
  private readonly tokenize: Tokenizer;
  private readonly weights?: Float32Array;
  private readonly sifA: number;
  private readonly component?: Float32Array;
  private readonly oovCache = new Map<string, Float32Array | null>();
  /** One text's running sum, in float64: no rounding per added word, and no float32 conversion per add. */
  private readonly sum: Float64Array;

  constructor(
    /** The word vectors texts are encoded with. */
    readonly embeddings: Embeddings,
    options: StaticEncoderOptions = {},
  ) {
    this.id = options.id ?? 'static';
    this.dim = embeddings.dim;
    this.sum = new Float64Array(this.dim);
    this.maxTokens = options.maxTokens ?? 8191;
    this.pooling = options.pooling ?? 'mean';
    if (this.pooling !== 'mean' && this.pooling !== 'sif') throw new InvalidArgumentError(`pooling must be "mean" or "sif", got ${JSON.stringify(this.pooling)}`);
    this.sifA = options.sifA ?? 1e-3;
    if (!(this.sifA > 0)) throw new InvalidArgumentError(`SIF constant a must be > 0, got ${this.sifA}`);
    const t = options.tokenizer ?? 'auto';
    if (typeof t === 'function') {
      this.tokenize = t;
      this.tokenizerName = 'custom';
    } else {
      const name = t === 'auto' ? guessTokenizer(embeddings) : t;
      this.tokenize = getTokenizer(name);
      this.tokenizerName = name;
    }
    if (this.pooling === 'sif') {
      const p = wordProbabilities(embeddings);
      this.weights = Float32Array.from(p, (pw) => this.sifA / (this.sifA + pw));
    }
    if (options.commonComponent) {
      if (options.commonComponent.length !== this.dim) throw new InvalidArgumentError(`common component has ${options.commonComponent.length} dimensions, the model has ${this.dim}`);
      this.component = normalizeInPlace(Float32Array.from(options.commonComponent));
    }
  }

  /** The tokens of `text` as this encoder splits it. */
  tokens(text: string): string[] {
    return this.tokenize(text);
  }

  /**
   * Encodes like encodeSync, in slices that leave the event loop free between them (see Pacer): every text is
   * tokenized first, `options.onTokens` sees the counts, and only then are vectors pooled.
   */
  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<EncodeResult> {
    const pace = new Pacer(options.signal);
    // Each text's tokens are kept as vocabulary rows, not as strings, until pooling: 2048 texts of 100 words are
    // 200,000 small strings that live across many turns of the event loop, and copying them from one young
    // generation to the next, then into the old one, gave garbage-collection pauses of tens of milliseconds.
    const rows: Int32Array[] = [];
    const unknown: string[] = [];
    const tokens: number[] = [];
    for (const text of texts) {
      const list = this.tokenize(text);
      tokens.push(list.length);
      options.onTokens?.(tokens);
      rows.push(this.rowsOf(list, unknown));
      await pace.tick();
    }
    // A sum of its own: another request may be pooled while this one waits for its next slice.
    const sum = new Float64Array(this.dim);
    const vectors: Float32Array[] = [];
    for (let i = 0; i < rows.length; i++) {
      const list = rows[i];
      sum.fill(0);
      let total = 0;
      for (let k = 0; k < list.length; k++) {
        const r = list[k];
        total += r >= 0 ? this.addRow(sum, r) : this.addUnknown(sum, unknown[-1 - r]);
        if ((k & 1023) === 1023) await pace.tick();
      }
      if (total === 0) throw new NoKnownWordError(i, texts[i]);
      vectors.push(this.finish(sum, total));
      await pace.tick();
    }
    return { vectors, tokens };
  }

  /**
   * The vocabulary rows of a text's words, in order; a word not in the vocabulary is kept in `unknown` and stands
   * as -(its index there + 1) when the model can build it from subwords, and is dropped (it adds nothing) when not.
   */
  private rowsOf(words: readonly string[], unknown: string[]): Int32Array {
    const rows = new Int32Array(words.length);
    const subwords = this.embeddings.oov !== undefined;
    let n = 0;
    for (const word of words) {
      const i = this.rowOf(word);
      if (i >= 0) rows[n++] = i;
      else if (subwords) {
        rows[n++] = -1 - unknown.length;
        unknown.push(word);
      }
    }
    return n === rows.length ? rows : rows.subarray(0, n);
  }

  /** The synchronous core of encode (static pooling does no I/O); throws NoKnownWordError for a text without a known word. */
  encodeSync(texts: readonly string[]): EncodeResult {
    const vectors: Float32Array[] = [];
    const tokens: number[] = [];
    texts.forEach((text, i) => {
      const pooled = this.pool(text);
      if (!pooled.vector) throw new NoKnownWordError(i, text);
      vectors.push(pooled.vector);
      tokens.push(pooled.tokens);
    });
    return { vectors, tokens };
  }

  /** One text's unit vector, or null when none of its tokens has a vector. */
  pool(text: string): { vector: Float32Array | null; tokens: number } {
    const words = this.tokenize(text);
    this.sum.fill(0);
    let total = 0;
    for (const word of words) total += this.addWord(this.sum, word);
    return { vector: total === 0 ? null : this.finish(this.sum, total), tokens: words.length };
  }

  async encodeTokenIds(inputs: readonly (readonly number[])[], options: EncodeOptions = {}): Promise<EncodeResult> {
    const size = this.embeddings.size;
    const pace = new Pacer(options.signal);
    const tokens = inputs.map((ids) => ids.length);
    options.onTokens?.(tokens);
    const sum = new Float64Array(this.dim);
    const vectors: Float32Array[] = [];
    for (let k = 0; k < inputs.length; k++) {
      sum.fill(0);
      let total = 0;
      for (const id of inputs[k]) {
        if (!Number.isInteger(id) || id < 0 || id >= size) {
          throw new InvalidArgumentError(`token id ${id} in input ${k} is outside the vocabulary (0..${size - 1})`);
        }
        total += this.addRow(sum, id);
      }
      vectors.push(this.finish(sum, total));
      await pace.tick();
    }
    return { vectors, tokens };
  }

  /** Adds the word's weighted vector to the sum; returns the weight used (0 when the word is unknown). */
  private addWord(sum: Float64Array, word: string): number {
    const i = this.rowOf(word);
    return i >= 0 ? this.addRow(sum, i) : this.addUnknown(sum, word);
  }

  /** The word's vocabulary row: its exact form, else its lowercase form; -1 when neither is in the vocabulary. */
  private rowOf(word: string): number {
    const vocab = this.embeddings.vocab;
    const i = vocab.indexOf(word);
    if (i >= 0) return i;
    const lower = word.toLowerCase();
    return lower !== word ? vocab.indexOf(lower) : -1;
  }

  /** Adds the subword vector of a word outside the vocabulary; returns the weight used (0 when it has none). */
  private addUnknown(sum: Float64Array, word: string): number {
    const v = this.subwordVector(word);
    if (!v) return 0;
    // An unknown word is rarer than any vocabulary word: p(w) ≈ 0, so its SIF weight a/(a+p) is 1, as in mean pooling.
    addScaled(sum, v, 0, this.dim, 1);
    return 1;
  }

  private addRow(sum: Float64Array, i: number): number {
    const w = this.weights ? this.weights[i] : 1;
    // Index the matrix directly: a subarray view per word was a visible cost under load.
    addScaled(sum, this.embeddings.vectors, i * this.dim, this.dim, w);
    return w;
  }

  private subwordVector(word: string): Float32Array | null {
    const oov = this.embeddings.oov;
    if (!oov) return null;
    let v = this.oovCache.get(word);
    if (v === undefined) {
      v = oov.vectorFor(word);
      // Bounded so a stream of distinct unknown words cannot grow memory without limit.
      if (this.oovCache.size >= 10000) this.oovCache.clear();
      this.oovCache.set(word, v);
    }
    return v;
  }

  /**
   * The text's vector from the sum: the weighted mean, less its common component, at unit length. Removing a
   * projection and normalizing ignore scale, so the sum is never divided by the total weight.
   */
  private finish(sum: Float64Array, total: number): Float32Array {
    const { dim } = this;
    const out = new Float32Array(dim);
    if (total === 0) return out;
    if (this.component) {
      const c = this.component;
      let d = 0;
      for (let j = 0; j < dim; j++) d += sum[j] * c[j];
      for (let j = 0; j < dim; j++) sum[j] -= d * c[j];
    }
    let squares = 0;
    for (let j = 0; j < dim; j++) squares += sum[j] * sum[j];
    if (squares === 0) return out;
    const inv = 1 / Math.sqrt(squares);
    for (let j = 0; j < dim; j++) out[j] = sum[j] * inv;
    return out;
  }
}

/** sum += w × v[from, from + n). Unrolled by four: the adds of one row are independent. */
function addScaled(sum: Float64Array, v: Float32Array, from: number, n: number, w: number): void {
  let j = 0;
  if (w === 1) {
    for (; j + 3 < n; j += 4) {
      sum[j] += v[from + j];
      sum[j + 1] += v[from + j + 1];
      sum[j + 2] += v[from + j + 2];
      sum[j + 3] += v[from + j + 3];
    }
    for (; j < n; j++) sum[j] += v[from + j];
    return;
  }
  for (; j + 3 < n; j += 4) {
    sum[j] += w * v[from + j];
    sum[j + 1] += w * v[from + j + 1];
    sum[j + 2] += w * v[from + j + 2];
    sum[j + 3] += w * v[from + j + 3];
  }
  for (; j < n; j++) sum[j] += w * v[from + j];
}

/**
 * SIF's common component: the first principal direction (uncentred, as in Arora et al. 2017) of the vectors of
 * `sample` texts, found by power iteration on the dim×dim second-moment matrix. Pass it as `commonComponent`.
 */
export function estimateCommonComponent(encoder: StaticEncoder, sample: readonly string[], iterations = 100): Float32Array {
  // Texts without a known word carry no direction: left out rather than refused, as a sample is only a sample.
  const vectors = sample.map((t) => encoder.pool(t).vector).filter((v): v is Float32Array => v !== null);
  const dim = encoder.dim;
  const m = new Float64Array(dim * dim);
  for (const v of vectors) for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) m[a * dim + b] += v[a] * v[b];
  let x = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  for (let it = 0; it < iterations; it++) {
    const y = new Float64Array(dim);
    for (let a = 0; a < dim; a++) {
      let s = 0;
      for (let b = 0; b < dim; b++) s += m[a * dim + b] * x[b];
      y[a] = s;
    }
    const n = Math.hypot(...y);
    if (n === 0) break;
    for (let a = 0; a < dim; a++) y[a] /= n;
    x = y;
  }
  return Float32Array.from(x);
}
