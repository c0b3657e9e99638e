/**
 * Document topics on labelled collections (bench/lib/topic-collections.ts): Brown corpus paragraphs (15 genres),
 * SpamAssassin messages (5 sub-corpora) and pieces of five en-mix sources (Brown, State of the Union, e-mail, KJV,
 * Debian documentation; label = source). On each, in the same run: findTopics with word vectors trained on en-mix by
 * embedkit (word2vec, fastText, GloVe; bench/lib/en-mix-vectors.ts, cached) pooled by mean and by SIF, with the
 * topics HDBSCAN finds and again as LDA is run (the clusters merged to K topics, every outlier assigned); embedkit's
 * LDA (fitLda on the tokens ldaTopics fits, timed as gensim is: dictionary, training, every document's topics);
 * gensim's LdaModel and LdaMulticore (bench/lib/gensim_lda.py) on exactly those tokens (keyword tokens, words in at
 * least 2 and at most half of the documents), K = the number of labels. Scores:
 * NMI and ARI against the labels (outliers counted as a class of their own; NMI over the clustered documents
 * only; NMI with each outlier given its nearest topic, as assignOutliers does and as LDA places every document), gensim's c_v and c_npmi of each topic's top 10 keywords over the documents as the keywords are counted
 * (lower case, English stop words out), topic diversity (unique share of the top 25), LDA's log perplexity (gensim's
 * log_perplexity, the variational bound per word over every document), wall time per run.
 * Then HDBSCAN alone: embedkit's against the plain reference (same labels on the test point sets) and against
 * hdbscan-ts@1.0.17 (agreement and time), and embedkit's time on 5-D point sets of 5k and 10k points.
 *
 *   npm run bench -- topics                                                     (full: every document, all vectors)
 *   TOPICS_DOCS=1500 TOPICS_VECTORS=word2vec TOPICS_HDBSCAN_SIZES= npm run bench -- topics        (reduced)
 *
 * Knobs (environment):
 *   TOPICS_DATA              comma list of brown, spam, en-mix (default all)
 *   TOPICS_DOCS              documents per collection, a seeded random subset (default: all; en-mix: 2,000 per source)
 *   TOPICS_VECTORS           comma list of word2vec, fasttext, glove (default all three; empty: no embedding rows)
 *   TOPICS_VECTORS_FILE      a vectors file to use instead (its .vocab beside it, if any, gives SIF its counts)
 *   TOPICS_POOLINGS          comma list of mean, sif (default both)
 *   TOPICS_MIN_CLUSTER_SIZE  HDBSCAN's minClusterSize (default: findTopics' default, 10)
 *   TOPICS_MAX_CLUSTER_SIZE  findTopics' maxClusterSize (default: findTopics' default, half the documents; 0: no limit)
 *   TOPICS_KEYWORD_SHARE     findTopics' keywordMinShare (default: findTopics' default)
 *   TOPICS_AT_K              0: no rows of findTopics run as LDA is (topics: K, assignOutliers; default: with them);
 *                            only: those rows alone
 *   TOPICS_COMPARE_SHARE     1: also score each embedding run's clusters with keywords by c-TF-IDF weight alone
 *                            (keywordMinShare 0), an extra row (its wall time not measured: 0)
 *   TOPICS_HDBSCAN_SIZES     comma list of point counts for the HDBSCAN timing (default 5000,10000; empty: none)
 *   TOPICS_LDA               comma list of embedkit, gensim, multicore (default all; empty: no LDA rows)
 *   TOPICS_LDA_PASSES        passes of every LDA (default 1, gensim's and fitLda's default)
 *   TOPICS_SEEDS             comma list of seeds of UMAP and of every LDA (default 42; TOPICS_SEED as before):
 *                            the table gives each column's mean ± half its range over them
 *   TOPICS_JSONL             a JSON Lines file each run's rows are appended to (one collection and seed per run on
 *                            a busy machine), and TOPICS_FROM: print the table of such a file without measuring
 */
import { existsSync } from 'node:fs';
import { HDBSCAN } from 'hdbscan-ts';
import { adjustedRandIndex, normalizedMutualInformation } from '../src/apps/topics/cluster-agreement.ts';
import { topicCoherence, topicDiversity } from '../src/apps/topics/coherence.ts';
import { classTfidf, countByClass, keywordTokens, topTerms } from '../src/apps/topics/ctfidf.ts';
import { ldaTopics } from '../src/apps/topics/lda-topics.ts';
import { fitLda } from '../src/apps/topics/lda.ts';
import { findTopics, outliersAssigned } from '../src/apps/topics/find-topics.ts';
import { hdbscan } from '../src/apps/topics/hdbscan.ts';
import { StaticEncoder, type Pooling } from '../src/encoders/static.ts';
import { loadEmbeddings } from '../src/formats/index.ts';
import { gaussian, seededRandom } from '../src/util/random.ts';
import { referenceHdbscan } from '../test/apps/topics/hdbscan-reference.ts';
import { pointSets } from '../test/apps/topics/point-sets.ts';
import { loadEnMixVectors, VECTOR_KINDS, type VectorKind } from './lib/en-mix-vectors.ts';
import { envList } from './lib/env.ts';
import { gensimLda, ldaTokens } from './lib/gensim-lda.ts';
import { SeedRows } from './lib/seed-rows.ts';
import { printTable } from './lib/table.ts';
import { COLLECTIONS, topicCollection, type CollectionName } from './lib/topic-collections.ts';

type LdaTool = 'embedkit' | 'gensim' | 'multicore';
const DATA = envList<CollectionName>(process.env.TOPICS_DATA, [...COLLECTIONS], COLLECTIONS);
const POOLINGS = envList<Pooling>(process.env.TOPICS_POOLINGS, ['mean', 'sif'], ['mean', 'sif']);
const FILE = process.env.TOPICS_VECTORS_FILE;
const VECTORS = FILE || process.env.TOPICS_VECTORS === '' ? [] : envList<VectorKind>(process.env.TOPICS_VECTORS, [...VECTOR_KINDS], VECTOR_KINDS);
const MIN_CLUSTER = process.env.TOPICS_MIN_CLUSTER_SIZE ? Number(process.env.TOPICS_MIN_CLUSTER_SIZE) : undefined;
const MAX_CLUSTER = process.env.TOPICS_MAX_CLUSTER_SIZE ? Number(process.env.TOPICS_MAX_CLUSTER_SIZE) : undefined;
const AT_K = process.env.TOPICS_AT_K !== '0';
const ONLY_AT_K = process.env.TOPICS_AT_K === 'only';
const SHARE = process.env.TOPICS_KEYWORD_SHARE ? Number(process.env.TOPICS_KEYWORD_SHARE) : undefined;
const COMPARE_SHARE = process.env.TOPICS_COMPARE_SHARE === '1';

/** Top 25 keywords by c-TF-IDF weight alone, for documents whose topics are `got` (−1 outliers, a class of their own). */
function weightOnlyKeywords(tokenized: string[][], got: number[], topics: number): string[][] {
  const counts = countByClass(tokenized, got.map((t) => (t === -1 ? topics : t)), topics + 1);
  const weights = classTfidf(counts.counts);
  return Array.from({ length: topics }, (_, t) => topTerms(weights[t], counts.terms, 25).map((k) => k.word));
}
const SIZES = (process.env.TOPICS_HDBSCAN_SIZES ?? '5000,10000').split(',').filter(Boolean).map(Number);
const LDA = process.env.TOPICS_LDA === '' ? [] : envList<LdaTool>(process.env.TOPICS_LDA, ['embedkit', 'gensim', 'multicore'], ['embedkit', 'gensim', 'multicore']);
const PASSES = Number(process.env.TOPICS_LDA_PASSES ?? 1);
const SEEDS = (process.env.TOPICS_SEEDS ?? process.env.TOPICS_SEED ?? '42').split(',').map(Number);
const FROM = process.env.TOPICS_FROM;
const results = new SeedRows(process.env.TOPICS_JSONL);
if (FROM) results.load(FROM, SEEDS);

const models: { name: string; open: () => Promise<Awaited<ReturnType<typeof loadEnMixVectors>>> }[] = FILE
  ? [{ name: FILE.replace(/^.*\//, ''), open: () => loadEmbeddings(FILE, existsSync(FILE.replace(/\.\w+$/, '.vocab')) ? { vocabFile: FILE.replace(/\.\w+$/, '.vocab') } : {}) }]
  : VECTORS.map((kind) => ({ name: `${kind} (en-mix)`, open: () => loadEnMixVectors(kind) }));

const embeddings = new Map<string, Awaited<ReturnType<typeof loadEnMixVectors>>>();
if (!FROM) for (const m of models) embeddings.set(m.name, await m.open());

const counted = new Map<string, string>();
for (const data of FROM ? [] : DATA) {
  const docs = topicCollection(data, Number(process.env.TOPICS_DOCS ?? (data === 'en-mix' ? 10_000 : Infinity)));
  const labelNames = [...new Set(docs.labels)].sort();
  const truth = docs.labels.map((l) => labelNames.indexOf(l));
  const tokenized = docs.texts.map((t) => keywordTokens(t));
  const K = labelNames.length;
  console.log(`${docs.name}: ${docs.texts.length} documents, ${K} ${docs.labelKind} labels`);
  counted.set(data, `${docs.name} (${docs.texts.length}) vs ${K} ${docs.labelKind} labels`);
  /** One seed's row from a run's document topics and keyword lists. */
  const score = (name: string, seed: number, topics: number, outliers: number, got: number[], words: string[][], seconds: number, assigned = got, logPerplexity = NaN) => {
    const clustered = got.flatMap((g, i) => (g >= 0 ? [i] : []));
    const top10 = words.map((w) => w.slice(0, 10));
    const row = [
      topics,
      outliers / docs.texts.length,
      normalizedMutualInformation(got, truth),
      adjustedRandIndex(got, truth),
      normalizedMutualInformation(clustered.map((i) => got[i]), clustered.map((i) => truth[i])),
      normalizedMutualInformation(assigned, truth),
      topicCoherence(top10, tokenized, { measure: 'c_v', topn: 10 }).mean,
      topicCoherence(top10, tokenized, { measure: 'c_npmi', topn: 10 }).mean,
      topicDiversity(words, 25),
      logPerplexity,
      seconds,
    ];
    results.add(data, name, row, seed);
    console.error(`  seed ${seed} ${name}: ${seconds.toFixed(1)} s`);
  };
  for (const seed of SEEDS) {
    for (const m of models) {
      const emb = embeddings.get(m.name)!;
      for (const pooling of POOLINGS) {
        const t = performance.now();
        const settings = {
          encoder: new StaticEncoder(emb, { pooling }),
          keywords: 25,
          seed,
          ...(MIN_CLUSTER ? { minClusterSize: MIN_CLUSTER } : {}),
          ...(MAX_CLUSTER !== undefined ? { maxClusterSize: MAX_CLUSTER } : {}),
          ...(SHARE !== undefined ? { keywordMinShare: SHARE } : {}),
        };
        if (!ONLY_AT_K) {
          const r = await findTopics(docs.texts, settings);
          const seconds = (performance.now() - t) / 1000;
          const got = r.documents.map((d) => d.topic ?? -2);
          // Every document in a topic, as LDA puts them: each outlier given the nearest topic (assignOutliers).
          const assigned = got.slice();
          const { index, vectors } = r.embedded;
          outliersAssigned(vectors, index.map((doc) => got[doc]), r.topics.length).forEach((t, j) => (assigned[index[j]] = t));
          score(`${m.name} ${pooling}`, seed, r.topics.length, r.outliers, got, r.topics.map((tp) => tp.keywords.map((k) => k.word)), seconds, assigned);
          // The same clusters described by c-TF-IDF alone (keywordMinShare 0, findTopics' keywords before the floor).
          if (COMPARE_SHARE && r.settings.keywordMinShare > 0) score(`${m.name} ${pooling}, keywordMinShare 0`, seed, r.topics.length, r.outliers, got, weightOnlyKeywords(tokenized, got, r.topics.length), 0);
        }
        // As LDA is run: K topics (the clusters merged by average linkage) and every document in one.
        if (AT_K) {
          const t2 = performance.now();
          const atK = await findTopics(docs.texts, { ...settings, topics: K, assignOutliers: true });
          const seconds2 = (performance.now() - t2) / 1000;
          score(`${m.name} ${pooling}, K ${K}, outliers assigned`, seed, atK.topics.length, atK.outliers, atK.documents.map((d) => d.topic ?? -2), atK.topics.map((tp) => tp.keywords.map((k) => k.word)), seconds2);
        }
      }
    }
    for (const tool of LDA) {
      if (tool === 'embedkit') {
        // Timed on what gensim's time covers: the same tokens (ldaTokens), dictionary, training and every document's
        // topics. ldaTopics (the command's path) tokenizes the texts itself and fits the same documents, so its
        // topics are these; its own time, tokenizing and representatives included, goes to the log.
        const tokens = ldaTokens(tokenized);
        const index = tokens.flatMap((t, i) => (t.length ? [i] : []));
        const t = performance.now();
        const fit = fitLda(index.map((i) => tokens[i]), { topics: K, topn: 25, passes: PASSES, seed });
        const seconds = (performance.now() - t) / 1000;
        const labels = tokens.map(() => -2);
        index.forEach((doc, j) => (labels[doc] = fit.labels[j]));
        score(`embedkit LDA, K ${K}`, seed, K, 0, labels, fit.topics.map((tp) => tp.keywords.map((k) => k.word)), seconds, labels, fit.logPerplexity);
        const t2 = performance.now();
        ldaTopics(docs.texts, { topics: K, keywords: 25, passes: PASSES, seed });
        console.error(`  seed ${seed} ldaTopics from the texts (tokenizing and representatives included): ${((performance.now() - t2) / 1000).toFixed(1)} s`);
      } else {
        const r = gensimLda(tool, ldaTokens(tokenized), K, PASSES, seed);
        score(`gensim ${tool === 'gensim' ? 'LdaModel' : 'LdaMulticore'}, K ${K}`, seed, K, 0, r.labels, r.topics, r.seconds, r.labels, r.logPerplexity);
      }
    }
  }
}
results.print(
  (data) =>
    `${counted.get(data) ?? data}: findTopics (UMAP 5-D, HDBSCAN minClusterSize ${MIN_CLUSTER ?? 10}, maxClusterSize ${MAX_CLUSTER ?? 'n/2'}) and LDA (${PASSES} pass${PASSES > 1 ? 'es' : ''}); ${SEEDS.length > 1 ? `mean ± half range over seeds ${SEEDS.join(',')}` : `seed ${SEEDS[0]}`}`,
  ['method', 'topics', 'outliers', 'NMI', 'ARI', 'NMI clustered', 'NMI, outliers assigned', 'c_v', 'c_npmi', 'diversity', 'log perplexity', 'wall s'],
  [1, 3, 3, 3, 3, 3, 3, 3, 2, 3, 1],
);

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
