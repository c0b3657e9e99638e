import { InvalidArgumentError } from '../../errors.ts';
import { resolveKernelChoice, requireNativeKernels, type NativeKernels } from '../../kernels/native.ts';
import { topK } from '../../kernels/topk.ts';
import { resolveOptions } from '../../train/option-schema.ts';
import { seededRandom } from '../../util/random.ts';
import { addSufficientStats, eStepBuffers, inferDocument, type EStepBuffers } from './lda-estep.ts';
import { documentBound, topicsBound } from './lda-bound.ts';
import { digamma, gammaSampler } from './lda-math.ts';
import { LDA_OPTIONS } from './lda-options.ts';

/**
 * Latent Dirichlet allocation by online variational Bayes (Hoffman, Blei & Bach 2010) as gensim's LdaModel runs it:
 * topics start as Gamma(100, 1/100) draws; each chunk of documents runs the E-step (lda-estep.ts) against the
 * current topics and its sufficient statistics are blended into the topics with weight ρ = (offset + pass +
 * updates/chunksize)^−decay, scaled up to the whole collection. Equal seeds do not give gensim's topics bit for bit
 * (another random generator, double instead of float precision), but the same model: tests hold the perplexity
 * bound to gensim's spread over seeds.
 */

/** Fewer documents than this give no topics worth the name; fitLda refuses them. */
export const MIN_LDA_DOCUMENTS = 20;

/** Options of fitLda, gensim's names, every one optional (defaults and checks in LDA_OPTIONS). */
export interface LdaOptions {
  /** Number of topics K (default 10). */
  topics?: number;
  /** Passes over the documents (default 1). */
  passes?: number;
  /** Documents per online update (default 2000). */
  chunksize?: number;
  /** Most E-step iterations per document (default 50). */
  iterations?: number;
  /** The E-step stops when γ's mean absolute change is below this (default 0.001). */
  gammaThreshold?: number;
  /** κ: a chunk's weight decays as (offset + t)^−κ (default 0.5). */
  decay?: number;
  /** τ0 (default 1). */
  offset?: number;
  /** Symmetric document-topic prior (default 1/K). */
  alpha?: number;
  /** Symmetric topic-word prior (default 1/K). */
  eta?: number;
  /** Random seed (default 1). */
  seed?: number;
  /** Keywords listed per topic (default 10). */
  topn?: number;
  /**
   * Which E-step runs: 'auto' (default) the native one (native/lda.c) where the addon is built, else the TypeScript
   * one; 'native' or 'reference' (the TypeScript one, lda-estep.ts) by name. Both give the same model to rounding.
   */
  kernel?: 'auto' | 'native' | 'reference';
}

/** One topic: its keywords, most probable first, scored by p(word | topic). */
export interface LdaTopic {
  id: number;
  keywords: { word: string; score: number }[];
}

/** What fitLda returns. */
export interface LdaResult {
  topics: LdaTopic[];
  /** θ_d, the topic proportions of each document (normalized γ), in input order. */
  docTopics: Float32Array[];
  /** Each document's most probable topic; −1 for an empty document. */
  labels: Int32Array;
  /** gensim's log_perplexity over all the documents: the variational bound per word (higher is better). */
  logPerplexity: number;
  /** The vocabulary (every distinct token), and p(word | topic) word-major: row w holds K probabilities. */
  vocabulary: string[];
  topicWord: Float32Array;
  /** Σ_w λ_kw per topic: the variational topics' pseudo-counts, so λ_kw = topicWord[w·K + k] · topicMass[k]. */
  topicMass: Float64Array;
  stats: { documents: number; emptyDocuments: number; tokens: number; seconds: number; meanIterations: number };
}

/** The documents as bags of words: document d's distinct word ids are ids[start[d]..start[d+1]), counts alike. */
interface Bags {
  vocabulary: string[];
  start: Int32Array;
  ids: Int32Array;
  counts: Float64Array;
  tokens: number;
  longest: number;
}

function bagsOf(docs: readonly (readonly string[])[]): Bags {
  const index = new Map<string, number>();
  const vocabulary: string[] = [];
  // Distinct ids per document in one pass over the tokens, by stamping each id with the document that saw it last.
  const seenIn: number[] = [];
  const slot: number[] = [];
  const start = new Int32Array(docs.length + 1);
  const ids: number[] = [];
  const counts: number[] = [];
  let tokens = 0;
  let longest = 0;
  for (let d = 0; d < docs.length; d++) {
    const doc = docs[d];
    start[d] = ids.length;
    for (let t = 0; t < doc.length; t++) {
      let id = index.get(doc[t]);
      if (id === undefined) {
        id = vocabulary.length;
        index.set(doc[t], id);
        vocabulary.push(doc[t]);
        seenIn.push(-1);
        slot.push(0);
      }
      if (seenIn[id] !== d) {
        seenIn[id] = d;
        slot[id] = ids.length;
        ids.push(id);
        counts.push(1);
      } else counts[slot[id]]++;
    }
    tokens += doc.length;
    longest = Math.max(longest, ids.length - start[d]);
  }
  start[docs.length] = ids.length;
  return { vocabulary, start, ids: Int32Array.from(ids), counts: Float64Array.from(counts), tokens, longest };
}

/** exp(E[log β]) word-major from λ (word-major V×K): exp(ψ(λ_wk) − ψ(Σ_w λ_wk)). `eta` is added to λ first. */
function expElogbetaOf(lambda: Float64Array, eta: number, K: number, out: Float32Array): void {
  const V = lambda.length / K;
  const psiSums = new Float64Array(K);
  for (let w = 0; w < V; w++) for (let k = 0; k < K; k++) psiSums[k] += lambda[w * K + k] + eta;
  for (let k = 0; k < K; k++) psiSums[k] = digamma(psiSums[k]);
  for (let w = 0; w < V; w++) for (let k = 0; k < K; k++) out[w * K + k] = Math.exp(digamma(lambda[w * K + k] + eta) - psiSums[k]);
}

/**
 * The native E-step (native/lda.c) over ranges of at most `chunk` documents: its γ and exp(E[log θ]) buffers (K per
 * document of the last range run) and its work space, allocated once.
 */
function nativeEStep(kernels: NativeKernels, bags: Bags, alpha: Float64Array, chunk: number) {
  const K = alpha.length;
  const gamma = new Float64Array(chunk * K);
  const expElogtheta = new Float64Array(chunk * K);
  const work = new Float64Array(2 * K + K * Math.max(1, bags.longest));
  return {
    gamma,
    expElogtheta,
    /** Runs documents first..last−1 from starting γ drawn in document order; returns the iterations run. */
    run(first: number, last: number, draw: () => number, expElogbeta: Float32Array, iterations: number, threshold: number, stats: Float64Array | null): number {
      for (let j = 0; j < (last - first) * K; j++) gamma[j] = draw();
      return kernels.ldaEStep(bags.ids, bags.counts, bags.start, first, last, expElogbeta, alpha, gamma, expElogtheta, iterations, threshold, stats, work);
    },
  };
}

/** Fills `out` with draws. */
function fillWith(out: Float64Array, draw: () => number): void {
  for (let i = 0; i < out.length; i++) out[i] = draw();
}

/** The M-step's blend: sstats ← (1 − ρ) sstats + scale · chunkStats. */
function blend(sstats: Float64Array, chunkStats: Float64Array, rho: number, scale: number): void {
  for (let i = 0; i < sstats.length; i++) sstats[i] = (1 - rho) * sstats[i] + scale * chunkStats[i];
}

/** θ = γ / Σγ, as float32. */
function proportionsOf(gamma: Float64Array): Float32Array {
  let sum = 0;
  for (let k = 0; k < gamma.length; k++) sum += gamma[k];
  const theta = new Float32Array(gamma.length);
  for (let k = 0; k < gamma.length; k++) theta[k] = gamma[k] / sum;
  return theta;
}

/** The first index of the largest value. */
function argmax(values: Float64Array): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

/** Σ_w λ_wk per topic, λ = sstats + η (word-major). */
function topicSumsOf(sstats: Float64Array, eta: number, K: number): Float64Array {
  const sums = new Float64Array(K);
  for (let w = 0; w < sstats.length; w += K) for (let k = 0; k < K; k++) sums[k] += sstats[w + k] + eta;
  return sums;
}

/** p(word | topic) = λ_wk / Σ_w λ_wk, word-major. */
function topicWordOf(sstats: Float64Array, eta: number, topicSums: Float64Array): Float32Array {
  const K = topicSums.length;
  const out = new Float32Array(sstats.length);
  for (let w = 0; w < sstats.length; w += K) for (let k = 0; k < K; k++) out[w + k] = (sstats[w + k] + eta) / topicSums[k];
  return out;
}

/** Topic k's column of the word-major p(word | topic) matrix. */
function topicColumn(topicWord: Float32Array, K: number, k: number): Float32Array {
  const column = new Float32Array(topicWord.length / K);
  for (let w = 0; w < column.length; w++) column[w] = topicWord[w * K + k];
  return column;
}

/**
 * Fits LDA to tokenized documents. Empty documents are kept (gensim counts them too) and labelled −1; fewer than
 * MIN_LDA_DOCUMENTS non-empty documents are refused.
 *
 * @example
 *   import { fitLda } from 'embedkit/apps';
 *   const pets = ['dog', 'cat', 'pet', 'food', 'vet'];
 *   const money = ['stock', 'market', 'price', 'bank', 'trade'];
 *   const docs = Array.from({ length: 40 }, (_, i) => Array.from({ length: 30 }, (_, j) => (i % 2 ? pets : money)[(i * 7 + j * 3) % 5]));
 *   const lda = fitLda(docs, { topics: 2, passes: 5, seed: 1 });
 *   for (const t of lda.topics) console.log(t.id, t.keywords.slice(0, 3).map((k) => k.word).join(' '));
 */
export function fitLda(docs: readonly (readonly string[])[], options: LdaOptions = {}): LdaResult {
  const began = performance.now();
  const o = resolveOptions(LDA_OPTIONS, options as Record<string, unknown>);
  const K = o.topics;
  const nonEmpty = docs.reduce((n, d) => n + (d.length > 0 ? 1 : 0), 0);
  if (nonEmpty < MIN_LDA_DOCUMENTS) throw new InvalidArgumentError(`LDA needs at least ${MIN_LDA_DOCUMENTS} non-empty documents, got ${nonEmpty}`);
  const bags = bagsOf(docs);
  const V = bags.vocabulary.length;
  const alphaValue = o.alpha ?? 1 / K;
  const eta = o.eta ?? 1 / K;
  const alpha = new Float64Array(K).fill(alphaValue);
  const D = docs.length;
  const chunksize = Math.min(D, o.chunksize);

  const random = seededRandom(o.seed);
  const draw = gammaSampler(random, 100, 1 / 100);
  // λ − η (gensim's sstats), word-major; the first topics are random draws, and their exp(E[log β]) is taken
  // from the draws alone, without η, as gensim does.
  const sstats = new Float64Array(V * K);
  fillWith(sstats, draw);
  const expElogbeta = new Float32Array(V * K);
  expElogbetaOf(sstats, 0, K, expElogbeta);

  const chunkStats = new Float64Array(V * K);
  const buffers = eStepBuffers(K, bags.longest);
  const gamma = new Float64Array(K);
  let updates = 0;
  let iterationsRun = 0;
  let inferred = 0;
  const native = resolveKernelChoice(o.kernel) === 'native' ? nativeEStep(requireNativeKernels(), bags, alpha, chunksize) : undefined;
  const infer = (d: number, b: EStepBuffers): void => {
    for (let k = 0; k < K; k++) gamma[k] = draw();
    iterationsRun += inferDocument(bags.ids, bags.counts, bags.start[d], bags.start[d + 1], expElogbeta, alpha, gamma, o.iterations, o.gammaThreshold, b);
    inferred++;
  };
  /** The E-step on documents first..last−1 with fresh starting γ (drawn in document order); sstats added to `stats`. */
  const inferRange = (first: number, last: number, stats: Float64Array | null): void => {
    if (native) {
      iterationsRun += native.run(first, last, draw, expElogbeta, o.iterations, o.gammaThreshold, stats);
      inferred += last - first;
      return;
    }
    for (let d = first; d < last; d++) {
      infer(d, buffers);
      if (stats) addSufficientStats(bags.ids, bags.start[d], bags.start[d + 1], expElogbeta, buffers, stats);
    }
  };
  for (let pass = 0; pass < o.passes; pass++) {
    for (let first = 0; first < D; first += chunksize) {
      const last = Math.min(D, first + chunksize);
      chunkStats.fill(0);
      inferRange(first, last, chunkStats);
      // M-step: blend the chunk's statistics, scaled to the whole collection, into the topics.
      const rho = Math.pow(o.offset + pass + updates / chunksize, -o.decay);
      const scale = (rho * D) / (last - first);
      blend(sstats, chunkStats, rho, scale);
      expElogbetaOf(sstats, eta, K, expElogbeta);
      if (pass === 0) updates += last - first;
    }
  }

  // Final inference: every document's topic proportions, and the bound gensim's log_perplexity reports.
  const docTopics: Float32Array[] = [];
  const labels = new Int32Array(D);
  let score = 0;
  for (let first = 0; first < D; first += chunksize) {
    const last = Math.min(D, first + chunksize);
    if (!native) {
      for (let d = first; d < last; d++) {
        infer(d, buffers);
        score += finish(d, gamma, buffers.expElogtheta);
      }
      continue;
    }
    inferRange(first, last, null);
    for (let d = first; d < last; d++) score += finish(d, native.gamma.subarray((d - first) * K, (d - first + 1) * K), native.expElogtheta.subarray((d - first) * K, (d - first + 1) * K));
  }
  /** Document d's proportions and label from its final γ; returns its part of the bound. */
  function finish(d: number, g: Float64Array, expElogtheta: Float64Array): number {
    docTopics.push(proportionsOf(g));
    labels[d] = bags.start[d + 1] > bags.start[d] ? argmax(g) : -1;
    return documentBound(bags.ids, bags.counts, bags.start[d], bags.start[d + 1], expElogbeta, expElogtheta, g, alphaValue);
  }
  // The topics' part of the bound, and p(word | topic).
  const topicSums = topicSumsOf(sstats, eta, K);
  score += topicsBound(sstats, expElogbeta, topicSums, eta);
  const topicWord = topicWordOf(sstats, eta, topicSums);

  const topics: LdaTopic[] = [];
  for (let k = 0; k < K; k++) {
    // Highest p(word | topic) first, the lower word id first among equals (a stable sort's order).
    const top = topK(topicColumn(topicWord, K, k), o.topn);
    topics.push({ id: k, keywords: top.map(({ index, score }) => ({ word: bags.vocabulary[index], score })) });
  }
  return {
    topics,
    docTopics,
    labels,
    logPerplexity: score / Math.max(1, bags.tokens),
    vocabulary: bags.vocabulary,
    topicWord,
    topicMass: topicSums,
    stats: { documents: D, emptyDocuments: D - nonEmpty, tokens: bags.tokens, seconds: (performance.now() - began) / 1000, meanIterations: iterationsRun / Math.max(1, inferred) },
  };
}
