// The topics application: filled in by its own modules; this file re-exports them for src/apps/index.ts.
export { topicCoherence, topicDiversity, COHERENCE_OPTIONS, COHERENCE_WINDOWS, type CoherenceMeasure, type CoherenceOptions, type CoherenceResult } from './coherence.ts';
export { readTopicWordLists, type TopicWordList } from './topic-words.ts';
export { fitLda, MIN_LDA_DOCUMENTS, type LdaOptions, type LdaResult, type LdaTopic } from './lda.ts';
export { LDA_OPTIONS } from './lda-options.ts';
export { readTokenizedDocuments, type TokenizeDocumentsOptions, type TokenizedDocuments } from './tokenized-documents.ts';
