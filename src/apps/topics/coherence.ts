import { InvalidArgumentError } from '../../errors.ts';
import { defineOptions, int, oneOf, optional, resolveOptions } from '../../train/option-schema.ts';
import { countDocuments, countWindows, type CooccurrenceCounts } from './coherence-counts.ts';

/**
 * Topic coherence as gensim 4's CoherenceModel computes it (Röder, Both & Hinneburg 2015's four stages:
 * segmentation, probability estimation, confirmation, aggregation), for topics given as word lists and texts
 * given as token lists:
 *
 * | measure | segmentation | probabilities | confirmation |
 * |---|---|---|---|
 * | `c_v` | one-set | boolean sliding window, 110 | NPMI context vectors, cosine |
 * | `c_npmi` | one-one | boolean sliding window, 10 | normalized PMI |
 * | `c_uci` | one-one | boolean sliding window, 10 | PMI |
 * | `u_mass` | one-preceding | boolean document | log conditional probability |
 *
 * gensim's own details are kept: ε = 1e-12; topic words absent from the texts are dropped; topics are cut to
 * `topn` words only when the first topic is longer than `topn`; a repeated word counts once per repetition.
 */

/** The coherence measures gensim's CoherenceModel offers over texts. */
export type CoherenceMeasure = 'c_v' | 'c_npmi' | 'c_uci' | 'u_mass';

/** gensim's sliding-window sizes (SLIDING_WINDOW_SIZES); u_mass counts whole documents. */
export const COHERENCE_WINDOWS: Readonly<Record<Exclude<CoherenceMeasure, 'u_mass'>, number>> = { c_v: 110, c_npmi: 10, c_uci: 10 };

/** gensim's EPSILON in direct_confirmation_measure, added to co-occurrence probabilities before the log. */
const EPSILON = 1e-12;

export const COHERENCE_OPTIONS = defineOptions({
  measure: { ...oneOf(['c_v', 'c_npmi', 'c_uci', 'u_mass'] as const), default: 'c_v', help: 'coherence measure, as gensim names it' },
  window: { ...optional(int(1)), help: 'sliding window size in tokens (default as gensim: 110 for c_v, 10 for c_npmi and c_uci; u_mass counts documents)' },
  topn: { ...int(1), default: 20, help: 'words of each topic scored (gensim: only when the first topic has more)' },
});

/** Options of topicCoherence. */
export interface CoherenceOptions {
  /** Which measure (default `c_v`). */
  measure?: CoherenceMeasure;
  /** Sliding window size (default gensim's for the measure); ignored by `u_mass`. */
  window?: number;
  /** Words of each topic scored (default 20). */
  topn?: number;
}

/** What topicCoherence returns. */
export interface CoherenceResult {
  measure: CoherenceMeasure;
  /** The sliding window used, or undefined for u_mass. */
  window: number | undefined;
  topn: number;
  /** One value per topic, in the order given (NaN where gensim's is: a topic left with one word, say). */
  perTopic: number[];
  /** Arithmetic mean of perTopic (gensim's `get_coherence()`). */
  mean: number;
  /** The words each topic was scored on: those found in the texts, cut to topn. */
  scoredWords: string[][];
  /** Virtual documents counted: texts for u_mass, windows otherwise. */
  documents: number;
}

/** Mean as numpy's np.mean gives it for these short lists: NaN for an empty list. */
const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
};

/** gensim's log_ratio_measure for one pair: PMI, or NPMI when normalized. */
function logRatio(c: CooccurrenceCounts, a: number, b: number, normalize: boolean): number {
  const N = c.documents;
  const co = c.pair(a, b);
  const pmi = Math.log((co / N + EPSILON) / ((c.occurrences[a] / N) * (c.occurrences[b] / N)));
  return normalize ? pmi / -Math.log(co / N + EPSILON) : pmi;
}

/** s_one_one + log_ratio_measure: every ordered pair of positions i ≠ j. */
function directPairs(topic: Int32Array, c: CooccurrenceCounts, normalize: boolean): number {
  const sims: number[] = [];
  for (let i = 0; i < topic.length; i++) for (let j = 0; j < topic.length; j++) if (i !== j) sims.push(logRatio(c, topic[i], topic[j], normalize));
  return mean(sims);
}

/** s_one_pre + log_conditional_probability: each word against every word before it. */
function uMass(topic: Int32Array, c: CooccurrenceCounts): number {
  const N = c.documents;
  const sims: number[] = [];
  for (let k = 1; k < topic.length; k++) {
    for (let j = 0; j < k; j++) {
      const star = c.occurrences[topic[j]];
      // gensim turns a ZeroDivisionError (a word no document holds) into 0.
      sims.push(star === 0 ? 0 : Math.log((c.pair(topic[k], topic[j]) / N + EPSILON) / (star / N)));
    }
  }
  return mean(sims);
}

/**
 * s_one_set + cosine of NPMI context vectors (gensim's indirect cosine_similarity with measure 'nlr', gamma 1): each
 * word's vector holds its NPMI with every topic word, the topic's vector the sums over all topic words; entries for
 * a repeated word add up, as gensim's sparse vector does.
 */
function cV(topic: Int32Array, c: CooccurrenceCounts): number {
  const distinct = [...new Set(topic)];
  const slot = new Map(distinct.map((id, i) => [id, i]));
  const m = distinct.length;
  const npmi = new Map<number, number>();
  const sim = (a: number, b: number) => {
    const key = a < b ? a * 0x100000 + b : b * 0x100000 + a;
    let v = npmi.get(key);
    if (v === undefined) npmi.set(key, (v = logRatio(c, a, b, true)));
    return v;
  };
  const wordVector = new Map<number, Float64Array>();
  for (const w of distinct) {
    const v = new Float64Array(m);
    for (const u of topic) v[slot.get(u)!] += sim(w, u);
    wordVector.set(w, v);
  }
  const setVector = new Float64Array(m);
  for (const u of topic) for (const w of topic) setVector[slot.get(u)!] += sim(w, u);
  const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const setNorm = norm(setVector);
  const sims = new Float64Array(topic.length);
  topic.forEach((w, i) => {
    const v = wordVector.get(w)!;
    let dot = 0;
    for (let k = 0; k < m; k++) dot += v[k] * setVector[k];
    sims[i] = dot / (norm(v) * setNorm);
  });
  return mean(sims);
}

/**
 * Coherence of each topic over tokenized texts, equal to gensim's `CoherenceModel(topics=…, texts=…,
 * dictionary=Dictionary(texts), coherence=measure).get_coherence_per_topic()` (within rounding).
 *
 * A topic none of whose words occur in the texts is refused, as gensim refuses it.
 *
 * @example
 *   import { topicCoherence } from 'embedkit/apps';
 *   const texts = [['cat', 'dog', 'pet'], ['dog', 'pet', 'food'], ['stock', 'market', 'price'], ['market', 'price', 'fall']];
 *   const r = topicCoherence([['dog', 'pet'], ['market', 'price']], texts, { measure: 'u_mass' });
 *   console.log(r.perTopic.map((x) => x.toFixed(3)), r.mean.toFixed(3));
 */
export function topicCoherence(topics: readonly (readonly string[])[], texts: readonly (readonly string[])[], options: CoherenceOptions = {}): CoherenceResult {
  const o = resolveOptions(COHERENCE_OPTIONS, options as Record<string, unknown>);
  if (topics.length === 0) throw new InvalidArgumentError('topics is empty: give at least one topic');
  const known = new Set<string>();
  for (const text of texts) for (const w of text) known.add(w);
  let kept = topics.map((topic, i) => {
    const words = topic.filter((w) => known.has(w));
    if (words.length === 0) throw new InvalidArgumentError(`topic ${i} has no word that occurs in the texts`);
    return words;
  });
  // gensim's CoherenceModel.topics cuts every topic to topn only when the first one is longer.
  if (kept[0].length > o.topn) kept = kept.map((words) => words.slice(0, o.topn));
  const relevant = new Map<string, number>();
  for (const words of kept) for (const w of words) if (!relevant.has(w)) relevant.set(w, relevant.size);
  const ids = kept.map((words) => Int32Array.from(words, (w) => relevant.get(w)!));
  const window = o.measure === 'u_mass' ? undefined : (o.window ?? COHERENCE_WINDOWS[o.measure]);
  const counts = window === undefined ? countDocuments(texts, relevant) : countWindows(texts, relevant, window);
  const score = (t: Int32Array): number => {
    switch (o.measure) {
      case 'u_mass':
        return uMass(t, counts);
      case 'c_v':
        return cV(t, counts);
      default:
        return directPairs(t, counts, o.measure === 'c_npmi');
    }
  };
  const perTopic = ids.map(score);
  return { measure: o.measure, window, topn: o.topn, perTopic, mean: mean(perTopic), scoredWords: kept, documents: counts.documents };
}

/**
 * Topic diversity (Dieng, Ruiz & Blei 2020): the share of distinct words among the top `topn` words of all topics;
 * 1 when no two topics share a word. Topics shorter than `topn` contribute the words they have.
 *
 * @example
 *   import { topicDiversity } from 'embedkit/apps';
 *   console.log(topicDiversity([['a', 'b', 'c'], ['c', 'd', 'e']], 3)); // 5 distinct of 6 → 0.833…
 */
export function topicDiversity(topics: readonly (readonly string[])[], topn = 25): number {
  if (!Number.isInteger(topn) || topn < 1) throw new InvalidArgumentError(`topn must be an integer ≥ 1, got ${topn}`);
  const distinct = new Set<string>();
  let total = 0;
  for (const topic of topics) {
    const top = topic.slice(0, topn);
    total += top.length;
    for (const w of top) distinct.add(w);
  }
  if (total === 0) throw new InvalidArgumentError('topics hold no words');
  return distinct.size / total;
}
