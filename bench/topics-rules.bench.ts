/**
 * Which settings of findTopics, chosen by a rule rather than per collection, make embedding topics beat LDA on NMI
 * and c_npmi everywhere? Per collection the documents are embedded once (word vectors trained on en-mix, SIF) and
 * reduced by UMAP once per seed; then every combination of HDBSCAN's minClusterSize rule, outlier handling and
 * keyword choice is scored: NMI and ARI against the labels (outliers a class of their own), gensim's c_v and c_npmi
 * of the top 10 keywords, topic diversity of the top 25. embedkit's LDA and gensim's LdaModel (K = labels) on the
 * same documents and seeds are the baseline, with their seed spread. Pick on seeds 1-3, report on 4-6.
 *
 *   RULES_DOCS=1500 RULES_SEEDS=1,2,3 node --import tsx bench/topics-rules.bench.ts
 *
 * On a busy machine, one collection and seed per run, each appending its rows to a JSON Lines file, then the table
 * of all of them:
 *   RULES_DATA=brown RULES_SEEDS=1 RULES_JSONL=rules.jsonl node --import tsx bench/topics-rules.bench.ts   (each)
 *   RULES_FROM=rules.jsonl node --import tsx bench/topics-rules.bench.ts                                 (table)
 *
 * Environment: RULES_DATA (comma list of brown, spam, en-mix; default all), RULES_DOCS (default 1500), RULES_SEEDS
 * (default 1,2,3), RULES_VECTORS (word2vec, fasttext or glove; default word2vec), RULES_POOLING (mean or sif;
 * default sif), RULES_SIZES (comma list of minClusterSize rules: a number, or n/D for the documents over D; default
 * 10,n/100,n/50).
 */
import { adjustedRandIndex, normalizedMutualInformation } from '../src/apps/topics/cluster-agreement.ts';
import { topicCoherence, topicDiversity } from '../src/apps/topics/coherence.ts';
import { classTfidf, countByClass, keywordTokens, topTerms } from '../src/apps/topics/ctfidf.ts';
import { embedDocuments, embedWords } from '../src/apps/topics/embed-documents.ts';
import { hdbscan } from '../src/apps/topics/hdbscan.ts';
import { centroidKeywords, classDocumentFrequency, mmrKeywords, flooredKeywords } from '../src/apps/topics/keyword-choice.ts';
import { ldaTopics } from '../src/apps/topics/lda-topics.ts';
import { StaticEncoder, type Pooling } from '../src/encoders/static.ts';
import { umapReduce } from '../src/viz/umap.ts';
import { loadEnMixVectors, type VectorKind } from './lib/en-mix-vectors.ts';
import { envList } from './lib/env.ts';
import { gensimLda, ldaTokens } from './lib/gensim-lda.ts';
import { SeedRows } from './lib/seed-rows.ts';
import { COLLECTIONS, topicCollection, type CollectionName } from './lib/topic-collections.ts';

const DATA = envList<CollectionName>(process.env.RULES_DATA, [...COLLECTIONS], COLLECTIONS);
const DOCS = Number(process.env.RULES_DOCS ?? 1500);
const SEEDS = (process.env.RULES_SEEDS ?? '1,2,3').split(',').map(Number);
const KIND = (process.env.RULES_VECTORS ?? 'word2vec') as VectorKind;
const POOLING = (process.env.RULES_POOLING ?? 'sif') as Pooling;
const SIZES = (process.env.RULES_SIZES ?? '10,n/100,n/50').split(',');
const sizeOf = (rule: string, n: number) => (rule.startsWith('n/') ? Math.max(2, Math.round(n / Number(rule.slice(2)))) : Number(rule));

type Choice = { name: string; floor?: number; rerank?: 'centroid' | 'mmr' };
const CHOICES: Choice[] = [
  { name: 'c-TF-IDF' },
  { name: 'floor 5%', floor: 0.05 },
  { name: 'floor 10%', floor: 0.1 },
  { name: 'floor 20%', floor: 0.2 },
  { name: 'centroid', rerank: 'centroid' },
  { name: 'floor 10% + centroid', floor: 0.1, rerank: 'centroid' },
  { name: 'mmr 0.3', rerank: 'mmr' },
];

const FROM = process.env.RULES_FROM;
const scores = new SeedRows(process.env.RULES_JSONL);
if (FROM) scores.load(FROM, SEEDS);
const add = (data: string, name: string, row: number[], seed: number) => scores.add(data, name, row, seed);

const encoder = FROM ? undefined : new StaticEncoder(await loadEnMixVectors(KIND), { pooling: POOLING });
for (const data of DATA) {
  if (!encoder) break;
  const docs = topicCollection(data, DOCS);
  const labelNames = [...new Set(docs.labels)].sort();
  const truth = docs.labels.map((l) => labelNames.indexOf(l));
  const tokenized = docs.texts.map((t) => keywordTokens(t));
  const K = labelNames.length;
  const embedded = await embedDocuments(docs.texts, encoder);
  const n = embedded.kept.length;
  const words = embedded.kept.map((i) => tokenized[i]);
  const vocabulary = [...new Set(words.flat())];
  const wordVectors = await embedWords(vocabulary, encoder, embedded.commonComponent);
  const wordVector = (w: string) => wordVectors.get(w) ?? null;
  /** One row: topics, outlier share, NMI, ARI, c_v, c_npmi, diversity, from each kept document's topic (−1 outlier). */
  const score = (topicOf: number[], keywords: string[][]): number[] => {
    const got = docs.texts.map(() => -2);
    embedded.kept.forEach((doc, j) => (got[doc] = topicOf[j]));
    const top10 = keywords.map((w) => w.slice(0, 10));
    return [
      keywords.length,
      topicOf.filter((t) => t < 0).length / n,
      normalizedMutualInformation(got, truth),
      adjustedRandIndex(got, truth),
      topicCoherence(top10, tokenized, { measure: 'c_v', topn: 10 }).mean,
      topicCoherence(top10, tokenized, { measure: 'c_npmi', topn: 10 }).mean,
      topicDiversity(keywords, 25),
    ];
  };
  for (const seed of SEEDS) {
    let t = performance.now();
    const reduced = umapReduce(embedded.vectors, { nComponents: 5, nNeighbors: 15, minDist: 0, nEpochs: 200, seed });
    console.error(`${data} seed ${seed}: UMAP ${((performance.now() - t) / 1000).toFixed(1)} s`);
    for (const rule of SIZES) {
      const clusters = hdbscan(reduced, { minClusterSize: Math.min(n, sizeOf(rule, n)) });
      const count = Math.max(1, clusters.clusterCount);
      const labels = clusters.clusterCount === 0 ? new Array<number>(n).fill(0) : Array.from(clusters.labels);
      for (const assign of [false, true]) {
        const centroids = centroidsOf(embedded.vectors, labels, count);
        const topicOf = assign ? labels.map((l, j) => (l >= 0 ? l : nearest(embedded.vectors[j], centroids))) : labels;
        const classOf = topicOf.map((l) => (l < 0 ? count : l));
        const counts = countByClass(words, classOf, count + 1);
        const weights = classTfidf(counts.counts);
        const { df, sizes } = classDocumentFrequency(words, classOf, counts);
        const termId = new Map(counts.terms.map((w, i) => [w, i]));
        const finalCentroids = assign ? centroidsOf(embedded.vectors, topicOf, count) : centroids;
        for (const c of CHOICES) {
          const keywords = Array.from({ length: count }, (_, k) => {
            // A floor alone ranks by c-TF-IDF; with a reranking, the floor's words are its candidates.
            const floored = c.floor ? flooredKeywords(weights[k], counts.terms, df[k], sizes[k], c.floor, c.rerank ? 30 : 25) : undefined;
            const candidates = floored ? new Map(floored.map((x) => [termId.get(x.word)!, x.weight])) : weights[k];
            const picked =
              c.rerank === 'centroid'
                ? centroidKeywords(candidates, counts.terms, finalCentroids[k], wordVector, 25)
                : c.rerank === 'mmr'
                  ? mmrKeywords(candidates, counts.terms, finalCentroids[k], wordVector, 25, 0.3)
                  : (floored ?? topTerms(weights[k], counts.terms, 25));
            return picked.map((x) => x.word);
          });
          add(data, `size ${rule}${assign ? ', outliers assigned' : ''}, ${c.name}`, score(topicOf, keywords), seed);
        }
      }
    }
    t = performance.now();
    const lda = ldaTopics(docs.texts, { topics: K, keywords: 25, seed });
    const ldaSeconds = (performance.now() - t) / 1000;
    const ldaGot = lda.documents.map((d) => d.topic ?? -2);
    add(data, `embedkit LDA, K ${K}`, scoreLabels(ldaGot, lda.topics.map((tp) => tp.keywords.map((k) => k.word)), truth, tokenized, ldaSeconds), seed);
    const g = gensimLda('gensim', ldaTokens(tokenized), K, 1, seed);
    add(data, `gensim LdaModel, K ${K}`, scoreLabels(g.labels, g.topics, truth, tokenized, g.seconds), seed);
    console.error(`${data} seed ${seed}: LDA ${ldaSeconds.toFixed(1)} s, gensim ${g.seconds.toFixed(1)} s`);
  }
}

/** An LDA row (no outliers), in the same columns. */
function scoreLabels(got: number[], keywords: string[][], truth: number[], tokenized: string[][], _seconds: number): number[] {
  const top10 = keywords.map((w) => w.slice(0, 10));
  return [
    keywords.length,
    0,
    normalizedMutualInformation(got, truth),
    adjustedRandIndex(got, truth),
    topicCoherence(top10, tokenized, { measure: 'c_v', topn: 10 }).mean,
    topicCoherence(top10, tokenized, { measure: 'c_npmi', topn: 10 }).mean,
    topicDiversity(keywords, 25),
  ];
}

function centroidsOf(vectors: Float32Array[], topicOf: number[], count: number): Float64Array[] {
  const sums = Array.from({ length: count }, () => new Float64Array(vectors[0].length));
  topicOf.forEach((t, j) => t >= 0 && vectors[j].forEach((x, d) => (sums[t][d] += x)));
  return sums;
}

function nearest(v: Float32Array, centroids: Float64Array[]): number {
  const sim = (c: Float64Array) => c.reduce((s, x, d) => s + x * v[d], 0) / (Math.hypot(...c) || 1);
  let best = 0;
  for (let t = 1; t < centroids.length; t++) if (sim(centroids[t]) > sim(centroids[best])) best = t;
  return best;
}

scores.print(
  (data) => `${data} (${DOCS} documents), ${KIND} (en-mix) ${POOLING}, UMAP 5-D; mean ± half range over seeds ${SEEDS.join(',')}`,
  ['setting', 'topics', 'outliers', 'NMI', 'ARI', 'c_v', 'c_npmi', 'diversity'],
  [1],
);
