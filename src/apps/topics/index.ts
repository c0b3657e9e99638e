// The topics application: this file re-exports its modules for src/apps/index.ts.
export { hdbscan, type HdbscanOptions, type HdbscanResult } from './hdbscan.ts';
export { findTopics, MIN_TOPIC_DOCUMENTS, type FindTopicsOptions, type TopicDocument, type Topic, type DocumentTopic, type TopicsResult } from './find-topics.ts';
export { TOPIC_OPTIONS, type TopicSettings } from './topic-options.ts';
export type { TopicsOverTime } from './over-time.ts';
export { normalizedMutualInformation, adjustedRandIndex } from './cluster-agreement.ts';
export { readTopicDocuments } from './read-documents.ts';
export { topicMap, type TopicMap } from './topic-map.ts';
