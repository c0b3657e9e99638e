/**
 * Which keyword selection makes findTopics' topics most coherent? The clusters are found once per seed (findTopics,
 * word vectors trained on en-mix, SIF), then each candidate describes the same clusters (outliers a class of their
 * own, as findTopics counts them) and its top 10 keywords are scored by gensim's c_npmi and c_v over the documents'
 * keyword tokens (English stop words out), with topic diversity of the top 25; embedkit's LDA on the same documents
 * and seeds is the baseline. Candidates: c-TF-IDF as BERTopic's default; stop words kept; keywords only from words in
 * at least m documents (CountVectorizer's min_df); BM25 idf and √tf (BERTopic's bm25_weighting and
 * reduce_frequent_words); combinations.
 *
 *   npm run bench -- topics-keywords
 *   KEYWORDS_DOCS=1500 npm run bench -- topics-keywords        (reduced)
 *
 * Measured (1,500 Brown paragraphs, word2vec en-mix SIF, seeds 1-3, mean over seeds; machine under load): default
 * c_npmi −0.169 / c_v 0.382 / diversity 0.93; min df 10 −0.152 / 0.364 / 0.88; √tf −0.155 / 0.362 / 0.99; BM25 idf
 * the same keywords as the default; min df 10 + BM25 + √tf −0.185 / 0.385; embedkit LDA (K 15) −0.115 / 0.311 / 0.41.
 * No candidate raises c_npmi and c_v together, and none reaches LDA's c_npmi, so the defaults stay BERTopic's: LDA's
 * topics share frequent words (diversity 0.41), which co-occur in every window, while c-TF-IDF picks words particular
 * to one cluster (rarer, so more pairs never meet in a 10-word window and score −1). The clusters weigh more than the
 * keywords: on the same paragraphs (bench/topics, seed 42) c_npmi ranges from −0.228 (GloVe, mean, 20 topics) to
 * −0.051 (fastText, SIF, 2 topics) with the vectors and pooling, against ±0.02 from any keyword candidate.
 * These floors are on documents over the whole collection; a floor on the share of the topic's own documents
 * (findTopics' keywordMinShare, 5% by default since) is measured in bench/topics-rules.bench.ts, and "c-TF-IDF
 * (default)" here is the weight-only ranking (keywordMinShare 0).
 *
 * Environment: KEYWORDS_DATA (brown, spam or en-mix; default brown), KEYWORDS_DOCS (default all), KEYWORDS_SEEDS
 * (default 1,2,3), KEYWORDS_VECTORS (word2vec, fasttext or glove; default word2vec).
 */
import { topicCoherence, topicDiversity } from '../src/apps/topics/coherence.ts';
import { classTfidf, countByClass, keywordTokens, topTerms, type ClassTfidfOptions } from '../src/apps/topics/ctfidf.ts';
import { findTopics } from '../src/apps/topics/find-topics.ts';
import { ldaTopics } from '../src/apps/topics/lda-topics.ts';
import { StaticEncoder } from '../src/encoders/static.ts';
import { loadEnMixVectors, type VectorKind } from './lib/en-mix-vectors.ts';
import { printTable } from './lib/table.ts';
import { topicCollection, type CollectionName } from './lib/topic-collections.ts';

interface Candidate extends ClassTfidfOptions {
  name: string;
  stopWords?: 'english' | 'none';
  minDf?: number;
}
const CANDIDATES: Candidate[] = [
  { name: 'c-TF-IDF (default)' },
  { name: 'stop words kept (scored over texts with them)', stopWords: 'none' },
  { name: 'min df 2', minDf: 2 },
  { name: 'min df 5', minDf: 5 },
  { name: 'min df 10', minDf: 10 },
  { name: 'min df 20', minDf: 20 },
  { name: 'BM25 idf', bm25: true },
  { name: '√tf', reduceFrequentWords: true },
  { name: 'BM25 + √tf', bm25: true, reduceFrequentWords: true },
  { name: 'min df 5 + √tf', minDf: 5, reduceFrequentWords: true },
  { name: 'min df 10 + √tf', minDf: 10, reduceFrequentWords: true },
  { name: 'min df 10 + BM25 + √tf', minDf: 10, bm25: true, reduceFrequentWords: true },
];

const data = (process.env.KEYWORDS_DATA ?? 'brown') as CollectionName;
const docs = topicCollection(data, Number(process.env.KEYWORDS_DOCS ?? Infinity));
const seeds = (process.env.KEYWORDS_SEEDS ?? '1,2,3').split(',').map(Number);
const kind = (process.env.KEYWORDS_VECTORS ?? 'word2vec') as VectorKind;
const reference = docs.texts.map((t) => keywordTokens(t));
const K = new Set(docs.labels).size;
console.log(`${docs.name}: ${docs.texts.length} documents; ${kind} (en-mix) SIF; seeds ${seeds.join(',')}`);

/** Top 25 keywords of each topic under one candidate, for documents labelled `topicOf` (−1 outliers, null skipped). */
function keywords(c: Candidate, topicOf: (number | null)[], topics: number): string[][] {
  const members = topicOf.flatMap((t, i) => (t === null ? [] : [i]));
  let words = members.map((i) => keywordTokens(docs.texts[i], c.stopWords ?? 'english'));
  if (c.minDf) {
    const df = new Map<string, number>();
    for (const w of words) for (const x of new Set(w)) df.set(x, (df.get(x) ?? 0) + 1);
    words = words.map((w) => w.filter((x) => df.get(x)! >= c.minDf!));
  }
  const counts = countByClass(words, members.map((i) => (topicOf[i]! < 0 ? topics : topicOf[i]!)), topics + 1);
  const weights = classTfidf(counts.counts, c);
  return Array.from({ length: topics }, (_, t) => topTerms(weights[t], counts.terms, 25).map((k) => k.word));
}

const scores = new Map<string, { npmi: number[]; cv: number[]; diversity: number[] }>();
// Keywords that may be stop words are scored over texts that keep them (else a topic of stop words has no word to score).
const withStopWords = docs.texts.map((t) => keywordTokens(t, 'none'));
const add = (name: string, topics: string[][], texts = reference) => {
  const s = scores.get(name) ?? { npmi: [], cv: [], diversity: [] };
  const top10 = topics.map((t) => t.slice(0, 10));
  s.npmi.push(topicCoherence(top10, texts, { measure: 'c_npmi', topn: 10 }).mean);
  s.cv.push(topicCoherence(top10, texts, { measure: 'c_v', topn: 10 }).mean);
  s.diversity.push(topicDiversity(topics, 25));
  scores.set(name, s);
};
const emb = await loadEnMixVectors(kind);
for (const seed of seeds) {
  const t = performance.now();
  const r = await findTopics(docs.texts, { encoder: new StaticEncoder(emb, { pooling: 'sif' }), seed });
  console.error(`seed ${seed}: ${r.topics.length} topics, ${r.outliers} outliers, ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const topicOf = r.documents.map((d) => d.topic);
  for (const c of CANDIDATES) add(c.name, keywords(c, topicOf, r.topics.length), c.stopWords === 'none' ? withStopWords : reference);
  const lda = ldaTopics(docs.texts, { topics: K, keywords: 25, seed });
  add(`embedkit LDA, K ${K} (baseline)`, lda.topics.map((tp) => tp.keywords.map((k) => k.word)));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const range = (xs: number[]) => `${mean(xs).toFixed(4)} (${Math.min(...xs).toFixed(3)}..${Math.max(...xs).toFixed(3)})`;
printTable(
  `Keyword selection on ${docs.name} (${docs.texts.length}), same clusters per seed; mean (min..max) over seeds ${seeds.join(',')}`,
  ['keywords', 'c_npmi', 'c_v', 'diversity@25'],
  [...scores].map(([name, s]) => [name, range(s.npmi), range(s.cv), range(s.diversity)]),
);
