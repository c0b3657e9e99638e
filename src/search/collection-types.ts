import type { Encoder } from '../encoders/encoder.ts';
import type { OpenEncoderOptions } from '../encoders/open-encoder.ts';
import type { Pooling } from '../encoders/static.ts';
import type { TransformerPooling } from '../encoders/transformer-model-dir.ts';
import type { ChunkingOptions } from './chunking.ts';
import type { CollectionEncoderRecord } from './collection-record.ts';
import type { FieldType } from './filter.ts';
import type { Fusion } from './fusion.ts';

// The options and results of a Collection's methods (collection.ts), which re-exports them.

export interface OpenCollectionOptions {
  /**
   * The model that embeds the collection's texts, as openEncoder takes it: a vectors file (pooled by `pooling`), a
   * transformer model directory, or `http(s)://host/v1#model` for an OpenAI-compatible API. Needed to create a
   * collection; when opening one it may be omitted (the recorded model is used) and otherwise must equal the record.
   */
  model?: string;
  /** How token vectors are pooled (see OpenEncoderOptions.pooling); recorded with the model. */
  pooling?: Pooling | TransformerPooling;
  /** An encoder already opened (the server's, a test's); recorded by its id and dimension. Takes precedence over model for encoding. */
  encoder?: Encoder;
  /** Further settings for opening the model (API key, remote cache, transformer threads...); never recorded. */
  encoderOptions?: Omit<OpenEncoderOptions, 'pooling'>;
  /** Create the collection when there is none at the path (default true; false: a CollectionNotFoundError). */
  create?: boolean;
  /** Row count from which add() builds the ANN index itself when there is none (default 100,000). */
  annThreshold?: number;
  /**
   * How long (ms) searches trust the table version they last read when no Collection of this process committed
   * since (default 100): asking LanceDB costs a manifest read, as much as a graph search, so another process's commit
   * is seen by searches at most this long after it is made. 0: every search asks. Writes always see the latest.
   */
  versionRecheckMs?: number;
  /**
   * How long (ms) after a commit the HNSW graph is saved, together with the commits made meanwhile (default 2000),
   * or on close; 0: at every commit. Each save writes the whole graph. An unsaved graph loses nothing: whoever loads
   * it next brings it up to date from the table.
   */
  hnswSaveDelayMs?: number;
}

/**
 * A document to add: its text, an optional id (default: a hash of the text) and optional metadata; optionally its
 * vector, computed elsewhere.
 */
export interface AddDocument {
  id?: string;
  text: string;
  /**
   * The document's vector, when it was embedded elsewhere (it must have the collection's dimension): the document is
   * stored as one passage with this vector, not cut into passages nor embedded; its text is kept for keyword search
   * and for the hits.
   */
  vector?: Float32Array | readonly number[];
  /** Field → value. String, number and boolean values can be filtered on; each field keeps one type per collection. */
  metadata?: Record<string, unknown>;
}

export interface AddProgress {
  /** Documents read so far (stored, skipped or empty). */
  docs: number;
  /** Of those, documents already stored with the same passages, skipped without embedding. */
  skippedDocs: number;
  /** Passages embedded and committed so far. */
  chunks: number;
}

export interface AddOptions {
  /** How texts are cut into passages (default 800 tokens with 400 overlap). */
  chunking?: ChunkingOptions;
  /** Documents per commit (default 64): a crash loses at most the batch being written. */
  batchSize?: number;
  /** Called after every commit. */
  onProgress?: (progress: AddProgress) => void;
  /** Stops between batches; what was committed stays. */
  signal?: AbortSignal;
}

export interface AddResult extends AddProgress {
  /** Rows (passages) in the collection afterwards. */
  rows: number;
}

export interface SearchOptions {
  /** Results to return (default 10). */
  k?: number;
  /**
   * An SQL condition on metadata fields as LanceDB takes it, e.g. `lang = "en" AND year >= 2020`; unknown fields and
   * values of the wrong type are refused with a FilterError naming the field.
   */
  filter?: string;
  /** Fuse BM25 full-text results with the vector results (by `fusion`; default false). */
  hybrid?: boolean;
  /**
   * In hybrid search, the weight of the vector ranking; 1 − alpha weighs the keyword ranking (default 0.3 with
   * convex fusion, the best weight on the verse-retrieval benchmark's dev queries; 0.5 with rrf). 1: the vector
   * ranking alone, 0: the keyword ranking alone (passages without a query word drop out).
   */
  alpha?: number;
  /**
   * How hybrid search fuses the rankings (fusion.ts): `convex` (default), alpha × the min-max normalised cosine +
   * (1 − alpha) × the min-max normalised BM25 score, which keeps how far ahead a list's best passage is, each score
   * in [0, 1]; `rrf`, reciprocal rank fusion, each list giving weight / (60 + rank), which needs only ranks (for
   * rankings of comparable strength, or scores that mean little). On the verse-retrieval benchmark's test queries,
   * where BM25 alone is strong (recall@1 0.954) and word-vector rankings weaker (0.81–0.86), convex at alpha 0.3
   * (chosen on the dev queries) ties or beats BM25 alone (0.953–0.955, recall@10 and MRR@10 above it) while rrf at
   * alpha 0.5 ranks below it (0.88–0.92) (README, search section).
   */
  fusion?: Fusion;
  /** Re-rank for diversity by maximal marginal relevance with this λ (1: relevance only, 0: diversity only). */
  mmr?: number;
  /** Scan every vector even when an ANN index exists (default false). */
  exact?: boolean;
  /** ANN: IVF partitions to probe (default 20). */
  nprobes?: number;
  /** ANN (IVF indexes): candidates re-scored exactly, as a multiple of k (default 10). */
  refineFactor?: number;
  /**
   * ANN (hnsw index): candidates the graph search keeps (default 512); more finds more of the exact top k, slower.
   * Measured recall@10 at 512: 0.98 on random Gaussian rows (20,000 × 96; 0.77 at 128), 0.97 on en-mix SIF vectors
   * (100,000 × 100), 0.9995 on clustered rows, where ef 32 already gives as much and runs several times faster.
   */
  ef?: number;
  /**
   * Read each hit's text and metadata from the table (default true). false: hits carry ids and scores only, and the
   * vector search reads no row at all (the fastest search, for callers that look passages up themselves).
   */
  fetch?: boolean;
}

/** A passage found by a search, without its text: what `fetch: false` returns. */
export interface ScoredPassage {
  /** The passage's id, `docId#chunk`. */
  id: string;
  docId: string;
  /** 0-based position of the passage in its document. */
  chunk: number;
  /** The ranking score: cosine similarity, or the fused score in hybrid search (see SearchOptions.fusion). */
  score: number;
  /** Cosine similarity to the query, when the passage was among the vector results. */
  vectorScore?: number;
  /** BM25 score, when the passage was among the keyword results of a hybrid search. */
  keywordScore?: number;
}

/** One passage found by a search. */
export interface SearchHit extends ScoredPassage {
  text: string;
  metadata: Record<string, unknown>;
}

/** A stored passage, as get() returns it. */
export interface StoredChunk {
  id: string;
  docId: string;
  chunk: number;
  text: string;
  metadata: Record<string, unknown>;
}

export type AnnIndexType = 'hnsw' | 'ivf_pq' | 'ivf_hnsw_sq';

export interface BuildAnnOptions {
  /**
   * `hnsw` (default): an HNSW graph held in memory beside the table (hnswlib-node, else usearch: optional peers;
   * local collections only), the fastest search. LanceDB's `ivf_pq` (compact, the default when partitions or subVectors are given) or
   * `ivf_hnsw_sq` (larger, higher recall per probe), kept inside the table (also on object storage).
   */
  type?: AnnIndexType;
  /** IVF partitions (default: about √rows). */
  partitions?: number;
  /** PQ sub-vectors (default: dim / 4 when it divides, else dim / 2 or dim). */
  subVectors?: number;
  /** hnsw: neighbours per node, HNSW's M (default 16). */
  connectivity?: number;
  /** hnsw: candidates considered when linking a node, HNSW's efConstruction (default 128). */
  expansionAdd?: number;
  /** hnsw: threads that build the graph (default: every core; usearch only, hnswlib-node builds on one). */
  threads?: number;
}

export interface CollectionInfo {
  path: string;
  encoder: CollectionEncoderRecord;
  /** Passages stored. */
  rows: number;
  /** Distinct documents stored. */
  docs: number;
  /** Metadata fields and their types. */
  fields: Record<string, FieldType>;
  /** The vector index, when one is built (an AnnIndexType, or LanceDB's name for an index built otherwise). */
  annIndex: AnnIndexType | string | null;
  /** Whether the full-text (BM25) index exists. */
  fullTextIndex: boolean;
  /** The table's version (one per commit). */
  version: number;
  createdAt: string;
}
