import type { Pooling } from '../../encoders/static.ts';
import { bool, defineOptions, fraction, int, number, oneOf, optional, resolveOptions, type Given } from '../../train/option-schema.ts';
import type { StopWords } from './ctfidf.ts';
import type { ClusterSelection } from './hdbscan.ts';

/**
 * The options of findTopics, declared once (as the trainers' and search's are): defaults, validation (errors name
 * the option) and the CLI's `topics` flags all come from here. Defaults follow BERTopic's: UMAP to 5 dimensions
 * with 15 neighbours and minimum distance 0, HDBSCAN with clusters of at least 10 documents.
 */
export const TOPIC_OPTIONS = defineOptions({
  minClusterSize: { ...int(2, 1_000_000), default: 10, help: 'fewest documents in a topic (HDBSCAN min_cluster_size)' },
  minSamples: { ...optional(int(1, 1_000_000)), help: 'neighbours that define density (HDBSCAN min_samples; default: minClusterSize)' },
  maxClusterSize: {
    ...optional(int(0, 1_000_000_000)),
    help: 'largest topic HDBSCAN keeps while it splits into smaller ones (default: half the documents; 0: no limit)',
  },
  clusterSelection: { ...oneOf(['eom', 'leaf'] as const), default: 'eom', help: "how HDBSCAN picks clusters: eom (excess of mass) or leaf (the finest)" },
  nNeighbors: { ...int(2, 1000), default: 15, help: 'UMAP neighbours per document' },
  nComponents: { ...int(2, 100), default: 5, help: 'dimensions UMAP reduces the document vectors to before clustering' },
  minDist: { ...number('nonNegative'), default: 0, help: 'UMAP minimum distance between reduced points' },
  umapEpochs: { ...int(1, 10_000), default: 200, help: 'UMAP layout epochs' },
  seed: { ...int(0, 2 ** 31 - 1), default: 42, help: 'seed of UMAP: the same documents and seed give the same topics' },
  keywords: { ...int(1, 1000), default: 10, help: 'c-TF-IDF keywords listed per topic' },
  representatives: { ...int(1, 1000), default: 3, help: 'most representative documents listed per topic (nearest its centroid)' },
  assignOutliers: { ...bool(), default: false, help: 'assign documents HDBSCAN leaves as outliers (-1) to the nearest topic centroid' },
  stopWords: { ...oneOf(['english', 'none'] as const), default: 'english', help: 'words left out of keywords' },
  keywordMinDocuments: { ...int(1, 1_000_000), default: 1, help: 'keywords only from words in at least this many documents (CountVectorizer min_df)' },
  keywordMinShare: { ...fraction(), default: 0.05, help: "keywords first from words in at least this share of the topic's documents (0: any)" },
  bm25Weighting: { ...bool(), default: false, help: "c-TF-IDF with BM25's idf (BERTopic's bm25_weighting)" },
  reduceFrequentWords: { ...bool(), default: false, help: "c-TF-IDF with the square root of tf (BERTopic's reduce_frequent_words)" },
  pooling: { ...optional(oneOf(['mean', 'sif'] as const)), help: 'how a vectors file pools word vectors into a document vector (default sif)' },
});

/** The settings of findTopics' stages, any subset (TOPIC_OPTIONS declares each with its default and bounds). */
export interface TopicSettings {
  /** Fewest documents in a topic: HDBSCAN's min_cluster_size (default 10). */
  minClusterSize?: number;
  /** Neighbours that define density: HDBSCAN's min_samples (default: minClusterSize). */
  minSamples?: number;
  /**
   * Largest topic HDBSCAN's excess of mass keeps while it splits into smaller clusters (default: half the embedded
   * documents; 0: no limit). Excess of mass can keep one blob that sheds small groups level by level, a "topic"
   * holding most of the collection; the default takes that blob's sub-clusters instead.
   */
  maxClusterSize?: number;
  /** How HDBSCAN picks clusters from its tree: 'eom', excess of mass (default), or 'leaf', the finest clusters. */
  clusterSelection?: ClusterSelection;
  /** UMAP neighbours per document (default 15). */
  nNeighbors?: number;
  /** Dimensions UMAP reduces document vectors to before clustering (default 5). */
  nComponents?: number;
  /** UMAP minimum distance between reduced points (default 0). */
  minDist?: number;
  /** UMAP layout epochs (default 200). */
  umapEpochs?: number;
  /** UMAP's seed: the same documents and seed give the same topics (default 42). */
  seed?: number;
  /** c-TF-IDF keywords listed per topic (default 10). */
  keywords?: number;
  /** Most representative documents listed per topic (default 3). */
  representatives?: number;
  /** Give each outlier the nearest topic centroid's topic (default false). */
  assignOutliers?: boolean;
  /** Words left out of keywords: English stop words, or none (default 'english'). */
  stopWords?: StopWords;
  /** Keywords only from words in at least this many documents (CountVectorizer's min_df; default 1). */
  keywordMinDocuments?: number;
  /**
   * Keywords first from the words in at least this share of the topic's own documents, by c-TF-IDF weight, then the
   * other words if too few pass (default 0.05; 0: by weight alone).
   */
  keywordMinShare?: number;
  /** c-TF-IDF with BM25's idf, ln(1 + (A − f + 0.5) / (f + 0.5)) (default false). */
  bm25Weighting?: boolean;
  /** c-TF-IDF with √tf, damping words frequent within a topic (default false). */
  reduceFrequentWords?: boolean;
  /** How a vectors file pools word vectors into a document vector (default 'sif'; other models pool on their own). */
  pooling?: Pooling;
}

/** The settings a run used: every default applied. */
export type TopicRunSettings = Required<Omit<TopicSettings, 'minSamples' | 'maxClusterSize' | 'pooling'>> & Pick<TopicSettings, 'minSamples' | 'maxClusterSize' | 'pooling'>;

/** The schema's own view of the settings, for the test that holds TopicSettings to it. */
export type TopicSchemaSettings = Given<typeof TOPIC_OPTIONS>;

/** Topic options with defaults applied, each checked against its schema (an OptionError names the option). */
export function resolveTopicOptions(given: TopicSettings): TopicRunSettings {
  return resolveOptions(TOPIC_OPTIONS, given as Record<string, unknown>);
}
