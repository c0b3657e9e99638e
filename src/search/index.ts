/**
 * `embedkit/search`: collections of documents cut into passages, embedded with any encoder and stored with LanceDB
 * (an optional peer: `npm install @lancedb/lancedb apache-arrow`): upsert and delete by id, exact or approximate
 * vector search, hybrid BM25 + vector search, metadata filters, MMR re-ranking, and file ingest.
 * @packageDocumentation
 */
export {
  openCollection,
  Collection,
  type OpenCollectionOptions,
  type AddDocument,
  type AddOptions,
  type AddProgress,
  type AddResult,
  type SearchOptions,
  type SearchHit,
  type ScoredPassage,
  type StoredChunk,
  type AnnIndexType,
  type BuildAnnOptions,
  type CollectionInfo,
} from './collection.ts';
export { CollectionNotFoundError, EncoderMismatchError, type CollectionEncoderRecord, type CollectionRecord } from './collection-record.ts';
export { chunkText, type ChunkingOptions, type TextChunk } from './chunking.ts';
export { FilterError, type FieldType } from './filter.ts';
export { type Fusion } from './fusion.ts';
export { CollectionLockedError, type WriteLockOptions } from './write-lock.ts';
export { ingestFiles, type IngestFilesOptions, type IngestProgress, type IngestResult, type FileReport, type FileKind, type TxtMode } from './ingest-files.ts';
export { addImages, imageEncoderOf, imageQueryVector, modalityFilter, MODALITY_FIELD, type ImageDocument, type AddImagesOptions, type AddImagesResult } from './image-documents.ts';
