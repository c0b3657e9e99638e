import { InvalidArgumentError } from '../../errors.ts';
import { keywordTokens } from './ctfidf.ts';
import type { DocumentTopic, Topic, TopicDocument, TopicsResult } from './find-topics.ts';
import { fitLda, MIN_LDA_DOCUMENTS, type LdaOptions } from './lda.ts';
import { parseDate, topicsOverTime } from './over-time.ts';
import { resolveTopicOptions } from './topic-options.ts';

/** Options of ldaTopics: K, LDA's own settings, and findTopics' keyword, representative and stop-word settings. */
export interface LdaTopicsOptions extends Omit<LdaOptions, 'topics' | 'topn'> {
  /** Number of topics K (LDA has no "auto"). */
  topics: number;
  /** Keywords listed per topic (default 10, as findTopics). */
  keywords?: number;
  /** Most representative documents listed per topic (default 3). */
  representatives?: number;
  /** Words left out of the documents (default english). */
  stopWords?: 'english' | 'none';
}

/**
 * The LDA baseline in findTopics' terms: documents tokenized as c-TF-IDF tokenizes them (lower case, English stop
 * words dropped by default), words in fewer than 2 documents or in more than half of them left out (gensim's
 * filter_extremes, with no_below lowered to 2 for small collections), online LDA (fitLda) with K topics; each
 * document goes to its most probable topic, with θ as its probability; topics are numbered by falling size, keywords
 * are p(word | topic), representatives the documents with the highest θ for the topic. LDA has no outliers; documents
 * left with no word are skipped (listed as empty).
 *
 * @example
 *   import { ldaTopics } from 'embedkit/apps';
 *   const pets = 'my dog and my cat love the vet and pet food';
 *   const money = 'the stock market price fell and the bank raised trade rates';
 *   const docs = Array.from({ length: 40 }, (_, i) => (i % 2 ? pets : money));
 *   const r = ldaTopics(docs, { topics: 2, passes: 5 });
 *   console.log(r.topics.map((t) => t.keywords.slice(0, 3).map((k) => k.word).join(' ')));
 */
export function ldaTopics(docs: readonly (string | TopicDocument)[], options: LdaTopicsOptions): TopicsResult {
  const { keywords: _k, representatives: _r, stopWords: _s, topics: K, ...lda } = options;
  const o = resolveTopicOptions({ keywords: options.keywords, representatives: options.representatives, stopWords: options.stopWords });
  if (!(Number.isInteger(K) && K >= 1)) throw new InvalidArgumentError(`topics must be an integer ≥ 1 for LDA, got ${JSON.stringify(K)}`);
  const items = docs.map((d) => (typeof d === 'string' ? { text: d } : d));
  const times = items.map((d, i) => (d.date === undefined ? undefined : parseDate(d.date, i)));
  const tokens = items.map((d) => keywordTokens(d.text, o.stopWords));
  const df = new Map<string, number>();
  for (const t of tokens) for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
  const nonEmpty = tokens.filter((t) => t.length > 0).length;
  const kept = tokens.map((t) => t.filter((w) => df.get(w)! >= 2 && df.get(w)! <= 0.5 * nonEmpty));
  const index = kept.flatMap((t, i) => (t.length ? [i] : []));
  const empty = kept.flatMap((t, i) => (t.length ? [] : [i]));
  if (index.length < MIN_LDA_DOCUMENTS) {
    throw new InvalidArgumentError(`LDA needs at least ${MIN_LDA_DOCUMENTS} documents with words; got ${index.length}${empty.length ? ` (${empty.length} empty or with only rare or common words, skipped)` : ''}`);
  }
  const fit = fitLda(
    index.map((i) => kept[i]),
    { ...lda, topics: K, topn: o.keywords },
  );
  // Renumber by falling size.
  const sizes = new Array<number>(K).fill(0);
  fit.labels.forEach((l) => l >= 0 && sizes[l]++);
  const order = sizes.map((_, k) => k).sort((a, b) => sizes[b] - sizes[a] || a - b);
  const idOf = new Int32Array(K);
  order.forEach((k, id) => (idOf[k] = id));
  const documents: DocumentTopic[] = items.map(() => ({ topic: null, probability: 0, outlier: false }));
  index.forEach((doc, j) => {
    const k = fit.labels[j];
    documents[doc] = { topic: idOf[k], probability: fit.docTopics[j][k], outlier: false };
  });
  const topics: Topic[] = order.map((k, id) => ({
    id,
    size: sizes[k],
    keywords: fit.topics[k].keywords.map((w) => ({ word: w.word, weight: w.score })),
    representatives: index
      .map((doc, j) => ({ doc, theta: fit.docTopics[j][k] }))
      .sort((a, b) => b.theta - a.theta || a.doc - b.doc)
      .slice(0, o.representatives)
      .map((x) => x.doc),
  }));
  return {
    topics,
    documents,
    outliers: 0,
    skipped: { empty, unknown: [] },
    clustersFound: K,
    singleCluster: false,
    overTime: topicsOverTime(times, documents.map((d) => d.topic), K),
    settings: { ...resolveTopicOptions({}), ...o, encoder: 'lda', topics: K },
    embedded: { index: [], vectors: [] },
  };
}
