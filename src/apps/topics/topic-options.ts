import { bool, defineOptions, int, number, oneOf, optional, resolveOptions, type Given } from '../../train/option-schema.ts';

/**
 * The options of findTopics, declared once (as the trainers' and search's are): defaults, validation (errors name
 * the option) and the CLI's `topics` flags all come from here. Defaults follow BERTopic's: UMAP to 5 dimensions
 * with 15 neighbours and minimum distance 0, HDBSCAN with clusters of at least 10 documents.
 */
export const TOPIC_OPTIONS = defineOptions({
  minClusterSize: { ...int(2, 1_000_000), default: 10, help: 'fewest documents in a topic (HDBSCAN min_cluster_size)' },
  minSamples: { ...optional(int(1, 1_000_000)), help: 'neighbours that define density (HDBSCAN min_samples; default: minClusterSize)' },
  nNeighbors: { ...int(2, 1000), default: 15, help: 'UMAP neighbours per document' },
  nComponents: { ...int(2, 100), default: 5, help: 'dimensions UMAP reduces the document vectors to before clustering' },
  minDist: { ...number('nonNegative'), default: 0, help: 'UMAP minimum distance between reduced points' },
  umapEpochs: { ...int(1, 10_000), default: 200, help: 'UMAP layout epochs' },
  seed: { ...int(0, 2 ** 31 - 1), default: 42, help: 'seed of UMAP: the same documents and seed give the same topics' },
  keywords: { ...int(1, 1000), default: 10, help: 'c-TF-IDF keywords listed per topic' },
  representatives: { ...int(1, 1000), default: 3, help: 'most representative documents listed per topic (nearest its centroid)' },
  assignOutliers: { ...bool(), default: false, help: 'assign documents HDBSCAN leaves as outliers (-1) to the nearest topic centroid' },
  stopWords: { ...oneOf(['english', 'none'] as const), default: 'english', help: 'words left out of keywords' },
  pooling: { ...optional(oneOf(['mean', 'sif'] as const)), help: 'how a vectors file pools word vectors into a document vector (default sif)' },
});

/** The options findTopics takes from TOPIC_OPTIONS, any subset. */
export type TopicSettings = Given<typeof TOPIC_OPTIONS>;

/** Topic options with defaults applied, each checked against its schema (an OptionError names the option). */
export function resolveTopicOptions(given: Record<string, unknown>) {
  return resolveOptions(TOPIC_OPTIONS, given);
}

export type ResolvedTopicOptions = ReturnType<typeof resolveTopicOptions>;
