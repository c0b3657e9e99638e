import { InvalidArgumentError, UnknownWordError } from '../errors.ts';
import { dot, dotRows, norm, unit } from '../kernels/similarity.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import { loadSimilarityKernel, similarityKernelNow, SimilarityIndex } from '../kernels/fast-similarity.ts';
import { topK, type Scored } from '../kernels/topk.ts';

/** Builds vectors for words outside the vocabulary (fastText's character n-grams). */
export interface OovLookup {
  /** Vector for `word`, or null when nothing about it is known (no n-gram rows). */
  vectorFor(word: string): Float32Array | null;
}

/** A word, or a raw vector, as gensim accepts in queries. */
export type Key = string | Float32Array | number[];
/** A key alone (weight +1 when positive, −1 when negative) or a key with an explicit weight. */
export type Term = Key | readonly [Key, number];

/** One query answer: a word and its cosine similarity to the query. */
export interface Neighbour {
  word: string;
  /** Cosine similarity in [-1, 1] (3CosMul scores for mostSimilarCosmul). */
  score: number;
}

/** A gensim-style query: the mean of the positive terms minus the negative ones. */
export interface MostSimilarOptions {
  /** Words or vectors the answers should resemble. */
  positive?: Term | readonly Term[];
  /** Words or vectors the answers should differ from. */
  negative?: Term | readonly Term[];
  /** How many neighbours; default 10. */
  topn?: number;
  /** Search only the first N rows (vectors files are sorted by frequency). */
  restrictVocab?: number;
}

/** How Embeddings.meanVector averages its keys. */
export interface MeanVectorOptions {
  /** One weight per key (default 1 each). */
  weights?: readonly number[];
  /** Unit-normalize each word vector before averaging (default true). */
  preNormalize?: boolean;
  /** Unit-normalize the result (default false). */
  postNormalize?: boolean;
  /** Skip unknown words instead of throwing (default true). */
  ignoreMissing?: boolean;
}

/**
 * The one vector type of embedkit: a vocabulary and a row-major V×dim Float32Array, with unit-norm
 * rows computed once on first query. Every model, file format and query works on this type.
 * Query semantics follow gensim's KeyedVectors so results can be compared one to one.
 * @example
 * ```ts
 * import { Embeddings, Vocabulary } from 'embedkit';
 * const vectors = new Embeddings(new Vocabulary(['cat', 'dog', 'car']), new Float32Array([1, 0, 0.9, 0.1, 0, 1]), 2);
 * console.log(vectors.mostSimilar({ positive: ['cat'], topn: 1 })); // [ { word: 'dog', score: 0.99… } ]
 * console.log(vectors.similarity('cat', 'car')); // 0
 * ```
 */
export class Embeddings {
  /** The words; row i of `vectors` belongs to word i. */
  readonly vocab: Vocabulary;
  /** size × dim floats, row-major, as read or trained (not normalized). */
  readonly vectors: Float32Array;
  /** Length of every vector. */
  readonly dim: number;
  /** Set by subword models so unknown words still get vectors. */
  oov?: OovLookup;
  private unitRows?: Float32Array;
  private rowNorms?: Float32Array;
  private zeroRows?: Int32Array;
  /** The WebAssembly search index (unit rows, int8 copy), built on first query once the kernel is compiled. */
  private index?: SimilarityIndex;

  constructor(vocab: Vocabulary, vectors: Float32Array, dim: number, oov?: OovLookup) {
    if (!Number.isInteger(dim) || dim <= 0) throw new InvalidArgumentError(`dimension must be a positive integer, got ${dim}`);
    if (vectors.length !== vocab.size * dim) {
      throw new InvalidArgumentError(`expected ${vocab.size}×${dim} = ${vocab.size * dim} floats, got ${vectors.length}`);
    }
    this.vocab = vocab;
    this.vectors = vectors;
    this.dim = dim;
    this.oov = oov;
    // Compiling the kernel takes tens of milliseconds: start now so the first query finds it ready.
    void loadSimilarityKernel();
  }

  /**
   * Waits for the WebAssembly kernel and builds the search index (unit rows and their int8 copy), so
   * that the next query is fast. Optional: queries work without it, on the reference kernels until
   * the kernel is compiled. Resolves to this.
   */
  async prepare(): Promise<this> {
    await loadSimilarityKernel();
    this.fast();
    return this;
  }

  /** Number of words (rows). */
  get size(): number {
    return this.vocab.size;
  }

  /** True for vocabulary words, and for any word a subword model can build. */
  has(word: string): boolean {
    return this.vocab.has(word) || (this.oov !== undefined && this.oov.vectorFor(word) !== null);
  }

  /** Row index of a vocabulary word, or -1. */
  indexOf(word: string): number {
    return this.vocab.indexOf(word);
  }

  /** Raw vector of row i (a view: do not modify). */
  row(i: number): Float32Array {
    return this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Raw vector of `word` (a view for vocabulary words); unknown words go to the subword model or throw. */
  get(word: string): Float32Array {
    const i = this.vocab.indexOf(word);
    if (i >= 0) return this.row(i);
    const v = this.oov?.vectorFor(word);
    if (v) return v;
    throw new UnknownWordError(word);
  }

  /** Unit-length vector of `word`. */
  getUnit(word: string): Float32Array {
    const i = this.vocab.indexOf(word);
    if (i >= 0) return this.unitMatrix().subarray(i * this.dim, (i + 1) * this.dim);
    return unit(this.get(word));
  }

  /** L2 norm of every row, computed once. */
  norms(): Float32Array {
    if (!this.rowNorms) this.computeUnitRows();
    return this.rowNorms!;
  }

  /** All rows scaled to unit length (zero rows stay zero), computed once and cached. */
  unitMatrix(): Float32Array {
    if (!this.unitRows) this.computeUnitRows();
    return this.unitRows!;
  }

  /** Drops the cached unit rows and search index, e.g. after the raw vectors were changed in place. */
  invalidate(): void {
    this.unitRows = undefined;
    this.rowNorms = undefined;
    this.zeroRows = undefined;
    this.index = undefined;
  }

  /**
   * The search index, built on first use if the kernel is compiled and the model fits in wasm32
   * memory; undefined means "use the reference kernels". Its unit rows then replace any computed in
   * plain TypeScript (same values: both divide in float64 and round to float32).
   */
  private fast(): SimilarityIndex | undefined {
    if (this.index || !similarityKernelNow()) return this.index;
    const index = SimilarityIndex.tryCreate(this.vectors, this.dim);
    if (index) {
      this.index = index;
      this.unitRows = index.unit;
      this.rowNorms = index.norms;
      this.zeroRows = index.zeroRows;
    }
    return this.index;
  }

  private computeUnitRows(): void {
    if (this.fast()) return;
    const { dim, vectors } = this;
    const n = this.size;
    const u = new Float32Array(vectors.length);
    const norms = new Float32Array(n);
    const zero: number[] = [];
    for (let r = 0; r < n; r++) {
      const o = r * dim;
      // The reference kernel's norm: float64 sum in row order, as the search index computes it.
      const nr = norm(vectors.subarray(o, o + dim));
      norms[r] = nr;
      if (nr > 0) for (let j = 0; j < dim; j++) u[o + j] = vectors[o + j] / nr;
      else zero.push(r);
    }
    this.unitRows = u;
    this.rowNorms = norms;
    this.zeroRows = Int32Array.from(zero);
  }

  /**
   * Dot products of `query` with the unit rows [start, end): cosines when `query` is unit length.
   * Zero rows score NaN (their cosine is undefined, as in gensim), so they are never neighbours.
   */
  scoreRows(query: Float32Array, start = 0, end = this.size): Float32Array {
    const out = new Float32Array(Math.max(0, end - start));
    const index = this.fast();
    if (index) index.scoreRows(query, start, end, out);
    else dotRows(this.unitMatrix(), this.dim, start, end, query, out);
    for (const z of this.zeroRows!) if (z >= start && z < end) out[z - start] = NaN;
    return out;
  }

  /** The `topn` rows of [0, end) nearest to a unit `query`, skipping `skip` (query words) and zero rows. */
  private nearest(query: Float32Array, topn: number, end: number, skip: Set<number>): Neighbour[] {
    const index = this.fast();
    const best = index ? index.topK(query, topn, end, [...skip]) : topK(this.scoreRows(query, 0, end), topn, 0, end, skip);
    return this.named(best);
  }

  private named(best: readonly Scored[]): Neighbour[] {
    return best.map(({ index, score }) => ({ word: this.vocab.word(index), score }));
  }

  /**
   * Weighted mean of word vectors and raw vectors, as gensim's get_mean_vector: words are unit-normalized
   * first (unless preNormalize is false), raw vectors are taken as they are, the sum is divided by Σ|weight|.
   */
  meanVector(keys: readonly Key[], options: MeanVectorOptions = {}): Float32Array {
    const { weights, preNormalize = true, postNormalize = false, ignoreMissing = true } = options;
    if (keys.length === 0) throw new InvalidArgumentError('cannot compute a mean of no words');
    if (weights && weights.length !== keys.length) {
      throw new InvalidArgumentError(`${keys.length} keys but ${weights.length} weights`);
    }
    const mean = new Float32Array(this.dim);
    let total = 0;
    keys.forEach((key, k) => {
      const w = weights ? weights[k] : 1;
      let v: ArrayLike<number>;
      if (typeof key === 'string') {
        if (!this.has(key)) {
          if (ignoreMissing) return;
          throw new UnknownWordError(key);
        }
        v = preNormalize ? this.getUnit(key) : this.get(key);
      } else {
        this.checkDim(key);
        v = key;
      }
      for (let j = 0; j < this.dim; j++) mean[j] += w * v[j];
      total += Math.abs(w);
    });
    if (total > 0) for (let j = 0; j < this.dim; j++) mean[j] /= total;
    return postNormalize ? unit(mean) : mean;
  }

  /**
   * Top-N words by cosine to the weighted mean of `positive` minus `negative` (gensim's most_similar).
   * Words given as input are never returned.
   */
  mostSimilar(options: MostSimilarOptions | Term | readonly Term[]): Neighbour[] {
    const o = normalizeOptions(options);
    const topn = o.topn ?? 10;
    if (topn < 1) return [];
    const { keys, weights } = splitTerms(o.positive, o.negative);
    if (keys.length === 0) throw new InvalidArgumentError('cannot compute similarity with no input');
    const mean = this.meanVector(keys, { weights, postNormalize: true, ignoreMissing: false });
    return this.nearest(mean, topn, this.clipEnd(o.restrictVocab), this.inputRows(keys));
  }

  /** Top-N words by cosine to a raw vector. */
  similarByVector(vector: Float32Array | number[], topn = 10, restrictVocab?: number): Neighbour[] {
    return this.mostSimilar({ positive: [vector], topn, restrictVocab });
  }

  /**
   * Many queries at once: each query's neighbours, computed with one pass over the matrix per block of
   * queries so the rows stay in cache. Queries are words or raw vectors.
   */
  mostSimilarBatch(queries: readonly Key[], topn = 10, restrictVocab?: number): Neighbour[][] {
    if (topn < 1) return queries.map(() => []);
    const end = this.clipEnd(restrictVocab);
    const means = queries.map((q) => this.meanVector([q], { postNormalize: true, ignoreMissing: false }));
    const skips = queries.map((q) => this.inputRows([q]));
    const index = this.fast();
    if (!index) return means.map((m, i) => this.nearest(m, topn, end, skips[i]));
    return index.topKBatch(means, topn, end, skips.map((s) => [...s])).map((best) => this.named(best));
  }

  /**
   * 3CosMul (Levy and Goldberg 2014), as gensim's most_similar_cosmul: the product of shifted cosines to the
   * positive words divided by that to the negative words.
   */
  mostSimilarCosmul(options: MostSimilarOptions | Term | readonly Term[]): Neighbour[] {
    const o = normalizeOptions(options);
    const topn = o.topn ?? 10;
    if (topn < 1) return [];
    const pos = toList(o.positive).map((t) => termKey(t));
    const neg = toList(o.negative).map((t) => termKey(t));
    if (pos.length === 0) throw new InvalidArgumentError('cannot compute similarity with no input');
    const end = this.clipEnd(o.restrictVocab);
    const vec = (k: Key) => (typeof k === 'string' ? this.getUnit(k) : this.checkDim(k));
    const shifted = (k: Key) => {
      const s = this.scoreRows(Float32Array.from(vec(k)), 0, end);
      for (let i = 0; i < s.length; i++) s[i] = (1 + s[i]) / 2;
      return s;
    };
    const num = new Float64Array(end).fill(1);
    const den = new Float64Array(end).fill(1);
    for (const k of pos) {
      const s = shifted(k);
      for (let i = 0; i < end; i++) num[i] *= s[i];
    }
    for (const k of neg) {
      const s = shifted(k);
      for (let i = 0; i < end; i++) den[i] *= s[i];
    }
    const scores = new Float64Array(end);
    // gensim multiplies an empty product as 1.0 only when there are negatives; with none it divides by 1e-6+1.
    const hasNeg = neg.length > 0;
    for (let i = 0; i < end; i++) scores[i] = num[i] / ((hasNeg ? den[i] : 1) + 0.000001);
    return this.rankRows(scores, topn, this.inputRows([...pos, ...neg]));
  }

  /** Cosine similarity of two words. */
  similarity(w1: string, w2: string): number {
    return dot(this.getUnit(w1), this.getUnit(w2));
  }

  /** 1 − cosine similarity. */
  distance(w1: string, w2: string): number {
    return 1 - this.similarity(w1, w2);
  }

  /**
   * Cosine distances from a word or vector to `others` (all rows when omitted). As in gensim, a zero
   * vector on either side has no direction: its distances are NaN.
   */
  distances(from: string | Float32Array | number[], others: readonly string[] = []): Float32Array {
    const v = typeof from === 'string' ? this.get(from) : this.checkDim(from);
    const q = unit(v);
    const noDirection = q.every((x) => x === 0);
    if (others.length === 0) {
      const s = this.scoreRows(q);
      for (let i = 0; i < s.length; i++) s[i] = noDirection ? NaN : 1 - s[i];
      return s;
    }
    return Float32Array.from(others, (w) => {
      const u = this.getUnit(w);
      return noDirection || u.every((x) => x === 0) ? NaN : 1 - dot(q, u);
    });
  }

  /** Cosine between the means of two word sets (gensim's n_similarity: raw vectors averaged). */
  nSimilarity(ws1: readonly string[], ws2: readonly string[]): number {
    if (ws1.length === 0 || ws2.length === 0) throw new InvalidArgumentError('both word lists must be non-empty');
    for (const w of [...ws1, ...ws2]) if (!this.has(w)) throw new UnknownWordError(w);
    const m1 = this.meanVector(ws1, { preNormalize: false });
    const m2 = this.meanVector(ws2, { preNormalize: false });
    return dot(unit(m1), unit(m2));
  }

  /** Words ranked by cosine to the centroid of their unit vectors, closest first. Unknown words are skipped. */
  rankByCentrality(words: readonly string[]): Neighbour[] {
    const used = words.filter((w) => this.has(w));
    if (used.length === 0) throw new InvalidArgumentError('none of the words is in the vocabulary');
    const vecs = used.map((w) => this.getUnit(w));
    const mean = this.meanVector(vecs, { postNormalize: true });
    return used
      .map((word, i) => ({ word, score: dot(vecs[i], mean) }))
      .sort((a, b) => b.score - a.score || (a.word < b.word ? 1 : a.word > b.word ? -1 : 0));
  }

  /** The word that fits least with the others. */
  doesntMatch(words: readonly string[]): string {
    const ranked = this.rankByCentrality(words);
    return ranked[ranked.length - 1].word;
  }

  /** Vocabulary words closer to w1 than w2 is (w1 itself excluded), in row order. */
  closerThan(w1: string, w2: string): string[] {
    const i1 = this.requireIndex(w1);
    const i2 = this.requireIndex(w2);
    const d = this.distances(w1);
    const out: string[] = [];
    for (let i = 0; i < d.length; i++) if (d[i] < d[i2] && i !== i1) out.push(this.vocab.word(i));
    return out;
  }

  /** 1 + how many words are closer to w1 than w2 is. */
  rank(w1: string, w2: string): number {
    return this.closerThan(w1, w2).length + 1;
  }

  /** Row index of a vocabulary word, throwing UnknownWordError otherwise. */
  requireIndex(word: string): number {
    const i = this.vocab.indexOf(word);
    if (i < 0) throw new UnknownWordError(word);
    return i;
  }

  private clipEnd(restrictVocab?: number): number {
    if (restrictVocab === undefined || restrictVocab === 0) return this.size;
    if (!Number.isInteger(restrictVocab) || restrictVocab < 0) throw new InvalidArgumentError(`restrictVocab must be a positive integer, got ${restrictVocab}`);
    return Math.min(restrictVocab, this.size);
  }

  private inputRows(keys: readonly Key[]): Set<number> {
    const s = new Set<number>();
    for (const k of keys) if (typeof k === 'string' && this.vocab.has(k)) s.add(this.vocab.indexOf(k));
    return s;
  }

  private rankRows(scores: ArrayLike<number>, topn: number, skip: Set<number>): Neighbour[] {
    return topK(scores, topn, 0, scores.length, skip).map(({ index, score }) => ({ word: this.vocab.word(index), score }));
  }

  private checkDim(v: ArrayLike<number>): ArrayLike<number> {
    if (v.length !== this.dim) throw new InvalidArgumentError(`vector has ${v.length} dimensions, the model has ${this.dim}`);
    return v;
  }
}

function normalizeOptions(o: MostSimilarOptions | Term | readonly Term[]): MostSimilarOptions {
  if (typeof o === 'string' || Array.isArray(o) || o instanceof Float32Array) return { positive: o as Term | Term[] };
  return o as MostSimilarOptions;
}

/** A lone term, or a list of them; a [word, number] pair counts as one weighted term. */
function toList(t: Term | readonly Term[] | undefined): Term[] {
  if (t === undefined) return [];
  if (typeof t === 'string' || t instanceof Float32Array) return [t];
  if (isWeighted(t)) return [t as Term];
  if (Array.isArray(t) && t.length > 0 && typeof t[0] === 'number') return [t as number[]];
  return [...(t as readonly Term[])];
}

function isWeighted(t: unknown): boolean {
  return Array.isArray(t) && t.length === 2 && typeof t[1] === 'number' && (typeof t[0] === 'string' || t[0] instanceof Float32Array || Array.isArray(t[0]));
}

function termKey(t: Term): Key {
  return isWeighted(t) ? (t as readonly [Key, number])[0] : (t as Key);
}

function splitTerms(positive: MostSimilarOptions['positive'], negative: MostSimilarOptions['negative']): { keys: Key[]; weights: number[] } {
  const keys: Key[] = [];
  const weights: number[] = [];
  for (const [list, sign] of [[toList(positive), 1], [toList(negative), -1]] as const) {
    for (const t of list) {
      if (isWeighted(t)) {
        const [k, w] = t as readonly [Key, number];
        keys.push(k);
        weights.push(w);
      } else {
        keys.push(t as Key);
        weights.push(sign);
      }
    }
  }
  return { keys, weights };
}
