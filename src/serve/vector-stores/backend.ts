/**
 * What the vector-store routes need from a collection: the narrow slice of `embedkit/search` they use, so the
 * OpenAI-facing code does not depend on how a collection stores or ranks its chunks.
 */

export interface BackendDoc {
  id: string;
  text: string;
  metadata: Record<string, string | number | boolean>;
}

export interface BackendHit {
  docId: string;
  chunk: number;
  text: string;
  /** The ranking score, higher is better (fused for hybrid search). */
  score: number;
  /** Cosine similarity of the query and chunk vectors, when the vector side ranked this chunk. */
  vectorScore?: number;
  /** BM25 score, when the keyword side ranked this chunk. */
  keywordScore?: number;
  metadata: Record<string, unknown>;
}

export interface BackendSearch {
  k: number;
  hybrid: boolean;
  /** An SQL condition on metadata fields (`embedkit/search` filters). */
  filter?: string;
}

export interface StoreCollection {
  add(docs: BackendDoc[], chunking: { maxTokens: number; overlapTokens: number }): Promise<void>;
  delete(docIds: string[]): Promise<void>;
  search(query: string, options: BackendSearch): Promise<BackendHit[]>;
  /** The stored passages of these documents, in document then passage order. */
  passages(docIds: string[]): Promise<Array<{ docId: string; chunk: number; text: string }>>;
  /** Metadata fields the stored chunks carry, with their types. */
  fields(): Promise<Map<string, 'string' | 'number' | 'boolean'>>;
  /** Number of stored chunks. */
  count(): Promise<number>;
  close(): Promise<void>;
}

export interface CollectionBackend {
  /** Opens the collection at `path`, creating it (with the backend's encoder) when `create` is set. */
  open(path: string, create: boolean): Promise<StoreCollection>;
  /** Whether `path` holds a collection this backend can open. */
  isCollection(path: string): Promise<boolean>;
}
