// The topics application: this file re-exports its modules for src/apps/index.ts.
export { hdbscan, type ClusterSelection, type HdbscanOptions, type HdbscanResult } from './hdbscan.ts';
export { findTopics, MIN_TOPIC_DOCUMENTS, type FindTopicsOptions, type TopicDocument, type Topic, type DocumentTopic, type TopicsResult } from './find-topics.ts';
export type { TopicSettings, TopicRunSettings } from './topic-options.ts';
export type { StopWords } from './ctfidf.ts';
export type { TopicsOverTime } from './over-time.ts';
export { normalizedMutualInformation, adjustedRandIndex } from './cluster-agreement.ts';
export { readTopicDocuments } from './read-documents.ts';
export { topicMap, type TopicMap } from './topic-map.ts';
export { topicCoherence, topicDiversity, COHERENCE_WINDOWS, type CoherenceMeasure, type CoherenceOptions, type CoherenceResult } from './coherence.ts';
export { readTopicWordLists, type TopicWordList } from './topic-words.ts';
export { fitLda, MIN_LDA_DOCUMENTS, type LdaOptions, type LdaResult, type LdaTopic } from './lda.ts';
export { readTokenizedDocuments, type TokenizeDocumentsOptions, type TokenizedDocuments } from './tokenized-documents.ts';
export { ldaTopics, type LdaTopicsOptions } from './lda-topics.ts';
