import type { Encoder } from '../../encoders/encoder.ts';
import { encoderSpecKind, openEncoder, type OpenedEncoder } from '../../encoders/open-encoder.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { cosineMatrix, dot } from '../../kernels/similarity.ts';
import { umapReduce } from '../../viz/umap.ts';
import { classTfidf, countByClass, keywordTokens } from './ctfidf.ts';
import { embedDocuments } from './embed-documents.ts';
import { hdbscan } from './hdbscan.ts';
import { averageLinkageGroups } from './merge-topics.ts';
import { classDocumentFrequency, flooredKeywords } from './keyword-choice.ts';
import { parseDate, topicsOverTime, type TopicsOverTime } from './over-time.ts';
import { resolveTopicOptions, type TopicRunSettings, type TopicSettings } from './topic-options.ts';

/** Fewest documents with text findTopics works with: UMAP's neighbourhoods and HDBSCAN's clusters need some. */
export const MIN_TOPIC_DOCUMENTS = 20;

/** A document: its text, and optionally when it was written (ISO 8601 or a Date) for topics over time. */
export interface TopicDocument {
  text: string;
  date?: string | Date;
}

/** What findTopics embeds with, how many topics it keeps, and the settings of every stage (see TOPIC_OPTIONS). */
export interface FindTopicsOptions extends TopicSettings {
  /** The model as openEncoder takes it (vectors file, transformer model directory, or http(s)://…#model). */
  model?: string;
  /** An encoder already open (instead of `model`). */
  encoder?: Encoder;
  /** Topics to keep: 'auto' (default) keeps what HDBSCAN finds; a number K merges the most similar topics down to K (average linkage of their mean document vectors). */
  topics?: number | 'auto';
  /** Stops the work between stages and encoder batches. */
  signal?: AbortSignal;
  /** Told each stage as it starts ('embed', 'reduce', 'cluster', 'describe'). */
  onStage?: (stage: 'embed' | 'reduce' | 'cluster' | 'describe') => void;
}

/** One topic: its id (0 is the largest), size, c-TF-IDF keywords and the documents nearest its centroid. */
export interface Topic {
  id: number;
  size: number;
  keywords: { word: string; weight: number }[];
  /** Indices (into the input) of the most representative documents, most representative first. */
  representatives: number[];
}

/** Where one input document went. */
export interface DocumentTopic {
  /** The topic id, −1 for an outlier, null for a skipped document (empty, or no known word). */
  topic: number | null;
  /** HDBSCAN's membership strength in [0, 1] (0 for outliers, also when assigned to the nearest topic afterwards). */
  probability: number;
  /** HDBSCAN left it out of every cluster (its topic is −1, or the nearest one with assignOutliers). */
  outlier: boolean;
}

export interface TopicsResult {
  /** Topics by falling size. */
  topics: Topic[];
  /** One entry per input document, in input order. */
  documents: DocumentTopic[];
  /** Documents HDBSCAN left out of every cluster (assigned or not). */
  outliers: number;
  /** Skipped documents (input indices): with no text, or none of whose words the word vectors know. */
  skipped: { empty: number[]; unknown: number[] };
  /** Clusters HDBSCAN found, before any merging to `topics`. */
  clustersFound: number;
  /**
   * HDBSCAN found no split into two groups of minClusterSize documents: the collection is one cluster. Every
   * document is then in topic 0, whose keywords describe the whole collection.
   */
  singleCluster: boolean;
  /** Counts per topic over time, when documents carry dates. */
  overTime?: TopicsOverTime;
  /** The encoder's id and every setting used, defaults included. */
  settings: TopicRunSettings & { encoder: string; topics: number | 'auto' };
  /** The input index of each embedded document, and its unit vector (for maps). */
  embedded: { index: number[]; vectors: Float32Array[] };
}

/**
 * Topics of a document collection, as BERTopic finds them: documents embedded by any encoder (word vectors pooled by
 * SIF by default), reduced by seeded UMAP, clustered by HDBSCAN, each cluster described by its c-TF-IDF keywords
 * and the documents nearest its centroid. Documents HDBSCAN leaves out are outliers (topic −1) unless
 * `assignOutliers` gives each the nearest topic; `topics: K` merges the most similar topics (average linkage over the
 * cosine of their mean document vectors, as BERTopic's reduce_topics) until K remain. The same documents, model and seed give the same topics.
 * @example
 * ```ts
 * import { findTopics } from 'embedkit/apps';
 * const texts = ['the king and the queen', 'a cat and a dog', 'the river bank', 'paris and london'];
 * const docs = Array.from({ length: 40 }, (_, i) => texts[i % 4]);
 * const result = await findTopics(docs, { model: 'vectors.bin', minClusterSize: 5 });
 * console.log(result.documents.length, result.topics.length > 0); // 40 true
 * ```
 */
export async function findTopics(docs: readonly (string | TopicDocument)[], options: FindTopicsOptions): Promise<TopicsResult> {
  const o = resolveTopicOptions(options);
  const k = options.topics ?? 'auto';
  if (k !== 'auto' && !(Number.isInteger(k) && k >= 1)) throw new InvalidArgumentError(`topics must be "auto" or an integer ≥ 1, got ${JSON.stringify(k)}`);
  const items = docs.map((d) => (typeof d === 'string' ? { text: d } : d));
  items.forEach((d, i) => {
    if (typeof d?.text !== 'string') throw new InvalidArgumentError(`document ${i} has no text (expected a string or { text, date? })`);
  });
  const times = items.map((d, i) => (d.date === undefined ? undefined : parseDate(d.date, i)));
  const withText = items.filter((d) => d.text.trim() !== '').length;
  if (withText < MIN_TOPIC_DOCUMENTS) {
    throw new InvalidArgumentError(`topics need at least ${MIN_TOPIC_DOCUMENTS} documents with text; got ${withText}${withText < items.length ? ` (${items.length - withText} empty skipped)` : ''}`);
  }

  const { encoder, close } = await encoderFor(options, o);
  try {
    options.onStage?.('embed');
    const texts = items.map((d) => d.text);
    const embedded = await embedDocuments(texts, encoder, options.signal);
    const n = embedded.kept.length;
    if (n < MIN_TOPIC_DOCUMENTS) {
      throw new InvalidArgumentError(`topics need at least ${MIN_TOPIC_DOCUMENTS} documents with a vector; got ${n} (${embedded.empty.length} empty, ${embedded.unknown.length} without a known word)`);
    }
    options.onStage?.('reduce');
    options.signal?.throwIfAborted();
    const reduced = umapReduce(embedded.vectors, { nComponents: o.nComponents, nNeighbors: o.nNeighbors, minDist: o.minDist, nEpochs: o.umapEpochs, seed: o.seed });
    options.onStage?.('cluster');
    options.signal?.throwIfAborted();
    const minClusterSize = Math.min(o.minClusterSize, n);
    const maxClusterSize = o.maxClusterSize ?? Math.floor(n / 2);
    const clusters = hdbscan(reduced, {
      minClusterSize,
      minSamples: o.minSamples === undefined ? undefined : Math.min(o.minSamples, n),
      clusterSelection: o.clusterSelection,
      maxClusterSize: maxClusterSize === 0 ? undefined : maxClusterSize,
    });
    options.onStage?.('describe');
    const singleCluster = clusters.clusterCount === 0;
    const labels = singleCluster ? new Int32Array(n) : Int32Array.from(clusters.labels);
    const probabilities = singleCluster ? new Float64Array(n).fill(1) : clusters.probabilities;
    const outlier = Array.from(labels, (l) => l < 0);
    const described = describe(keywordWords(embedded.kept.map((i) => texts[i]), o), labels, Math.max(1, clusters.clusterCount), k, embedded.vectors, o);

    const documents: DocumentTopic[] = items.map(() => ({ topic: null, probability: 0, outlier: false }));
    embedded.kept.forEach((doc, j) => {
      documents[doc] = { topic: described.topicOf[j], probability: outlier[j] ? 0 : probabilities[j], outlier: outlier[j] };
    });
    const topics = described.topics.map((t) => ({ ...t, representatives: t.representatives.map((j) => embedded.kept[j]) }));
    return {
      topics,
      documents,
      outliers: outlier.filter(Boolean).length,
      skipped: { empty: embedded.empty, unknown: embedded.unknown },
      clustersFound: singleCluster ? 1 : clusters.clusterCount,
      singleCluster,
      overTime: topicsOverTime(times, documents.map((d) => d.topic), topics.length),
      settings: { ...o, minClusterSize, maxClusterSize, encoder: encoder.id, topics: k },
      embedded: { index: embedded.kept, vectors: embedded.vectors },
    };
  } finally {
    await close();
  }
}

async function encoderFor(options: FindTopicsOptions, o: TopicRunSettings): Promise<{ encoder: Encoder; close: () => Promise<void> }> {
  if (options.encoder) return { encoder: options.encoder, close: async () => {} };
  if (!options.model) throw new InvalidArgumentError('findTopics needs a model (a vectors file, model directory or URL) or an encoder');
  const isVectors = encoderSpecKind(options.model) === 'vectors';
  if (!isVectors && o.pooling !== undefined) throw new InvalidArgumentError(`pooling applies to vectors files only; ${options.model} pools on its own`);
  const opened: OpenedEncoder = await openEncoder(options.model, isVectors ? { pooling: o.pooling ?? 'sif' } : {});
  return { encoder: opened, close: async () => opened.dispose?.() };
}

/** Each document's keyword tokens, without the words in fewer than keywordMinDocuments documents. */
function keywordWords(texts: readonly string[], o: TopicRunSettings): string[][] {
  const words = texts.map((t) => keywordTokens(t, o.stopWords));
  if (o.keywordMinDocuments <= 1) return words;
  const df = new Map<string, number>();
  for (const w of words) for (const x of new Set(w)) df.set(x, (df.get(x) ?? 0) + 1);
  return words.map((w) => w.filter((x) => df.get(x)! >= o.keywordMinDocuments));
}

/**
 * Topic descriptions from cluster labels (−1 outliers): clusters merged down to `k` by average linkage of their
 * mean document vectors, outliers optionally assigned to the nearest centroid, topics renumbered by falling size,
 * keywords and representatives.
 * `topicOf[j]` is the final topic of embedded document j.
 */
function describe(words: string[][], labels: Int32Array, clusterCount: number, k: number | 'auto', vectors: Float32Array[], o: TopicRunSettings) {
  const tfidf = { bm25: o.bm25Weighting, reduceFrequentWords: o.reduceFrequentWords };
  // Down to k topics: average linkage over the clusters' mean document vectors (merge-topics.ts).
  const groups = k !== 'auto' && clusterCount > k ? averageLinkageGroups(cosineMatrix(centroidsOf(vectors, labels, clusterCount)), k) : Array.from({ length: clusterCount }, (_, c) => [c]);
  // Renumber by falling size (ties: the group holding the lower cluster first).
  const groupOf = new Int32Array(clusterCount);
  groups.forEach((g, i) => g.forEach((c) => (groupOf[c] = i)));
  const sizes = groups.map(() => 0);
  labels.forEach((l) => l >= 0 && sizes[groupOf[l]]++);
  const order = groups.map((_, i) => i).sort((a, b) => sizes[b] - sizes[a] || Math.min(...groups[a]) - Math.min(...groups[b]));
  const idOf = new Int32Array(groups.length);
  order.forEach((g, id) => (idOf[g] = id));
  let topicOf = Array.from(labels, (l) => (l < 0 ? -1 : idOf[groupOf[l]]));

  const centroids = centroidsOf(vectors, topicOf, groups.length);
  if (o.assignOutliers) topicOf = assignedToNearest(vectors, topicOf, centroids);
  // Class groups.length holds the outliers: BERTopic counts them as a class of their own in c-TF-IDF.
  const finalClass = topicOf.map((t) => (t < 0 ? groups.length : t));
  const final = countByClass(words, finalClass, groups.length + 1);
  const weights = classTfidf(final.counts, tfidf);
  const terms = final.terms;
  const { df, sizes: classSizes } = classDocumentFrequency(words, finalClass, final);
  const topics: Topic[] = Array.from({ length: groups.length }, (_, id) => {
    const members = topicOf.flatMap((t, j) => (t === id ? [j] : []));
    const representatives = members
      .map((j) => ({ j, s: dot(vectors[j], centroids[id]) }))
      .sort((a, b) => b.s - a.s || a.j - b.j)
      .slice(0, o.representatives)
      .map((r) => r.j);
    return { id, size: members.length, keywords: flooredKeywords(weights[id], terms, df[id], classSizes[id], o.keywordMinShare, o.keywords), representatives };
  });
  return { topics, topicOf };
}

/**
 * The topics with each outlier (−1) given the topic whose centroid is nearest by cosine, as `assignOutliers` gives
 * them, for topics found without it: `vectors[j]` is the unit vector of the document whose topic is `topicOf[j]`
 * (a result's `embedded`), `count` the number of topics.
 */
export function outliersAssigned(vectors: Float32Array[], topicOf: readonly number[], count: number): number[] {
  return count === 0 ? [...topicOf] : assignedToNearest(vectors, topicOf, centroidsOf(vectors, topicOf, count));
}

function assignedToNearest(vectors: Float32Array[], topicOf: readonly number[], centroids: Float64Array[]): number[] {
  return topicOf.map((t, j) => (t < 0 ? nearest(vectors[j], centroids) : t));
}

/** Each topic's centroid: the normalised sum of its documents' unit vectors. */
function centroidsOf(vectors: Float32Array[], topicOf: ArrayLike<number>, count: number): Float64Array[] {
  const dim = vectors[0].length;
  const sums = Array.from({ length: count }, () => new Float64Array(dim));
  for (let j = 0; j < topicOf.length; j++) {
    const t = topicOf[j];
    if (t < 0) continue;
    for (let d = 0; d < dim; d++) sums[t][d] += vectors[j][d];
  }
  for (const s of sums) {
    const norm = Math.hypot(...s);
    if (norm > 0) for (let d = 0; d < dim; d++) s[d] /= norm;
  }
  return sums;
}

function nearest(v: Float32Array, centroids: Float64Array[]): number {
  let best = 0;
  for (let t = 1; t < centroids.length; t++) if (dot(v, centroids[t]) > dot(v, centroids[best])) best = t;
  return best;
}
