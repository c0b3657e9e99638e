/**
 * OpenAI's vector-store objects as this server keeps and sends them (the shapes of the `openai` package's
 * `VectorStore`, `VectorStoreFile` and `VectorStoreFileBatch`).
 */

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

export interface ChunkingStrategy {
  type: 'static';
  static: { max_chunk_size_tokens: number; chunk_overlap_tokens: number };
}

export interface FileCounts {
  in_progress: number;
  completed: number;
  failed: number;
  cancelled: number;
  total: number;
}

export type FileStatus = 'in_progress' | 'completed' | 'failed' | 'cancelled';

export interface LastError {
  code: 'server_error' | 'unsupported_file' | 'invalid_file';
  message: string;
}

/** A file attached to a store, as kept in the store's record (the API object is built from it). */
export interface StoreFileRecord {
  id: string;
  created_at: number;
  key: number;
  status: FileStatus;
  last_error: LastError | null;
  attributes: Attributes | null;
  chunking_strategy: ChunkingStrategy;
  usage_bytes: number;
  filename: string;
  batch_id: string | null;
}

export interface BatchRecord {
  id: string;
  created_at: number;
  file_ids: string[];
  cancelled: boolean;
}

/** Everything the server knows about one vector store; saved as JSON beside the collections. */
export interface StoreRecord {
  id: string;
  created_at: number;
  key: number;
  name: string;
  description: string | null;
  metadata: Record<string, string> | null;
  expires_after: { anchor: 'last_active_at'; days: number } | null;
  last_active_at: number | null;
  files: Record<string, StoreFileRecord>;
  batches: Record<string, BatchRecord>;
}

export function countFiles(files: readonly StoreFileRecord[]): FileCounts {
  const counts: FileCounts = { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: files.length };
  for (const f of files) counts[f.status]++;
  return counts;
}

const DAY_SECONDS = 86_400;

/** When the store expires under its `expires_after` policy (Unix seconds), or null when it never does. */
export function expiresAt(r: Pick<StoreRecord, 'expires_after' | 'last_active_at'>): number | null {
  return r.expires_after && r.last_active_at !== null ? r.last_active_at + r.expires_after.days * DAY_SECONDS : null;
}

/** Whether the store has expired at `now` (Unix seconds): it was last used `days` days ago or earlier. */
export function isExpired(r: Pick<StoreRecord, 'expires_after' | 'last_active_at'>, now: number): boolean {
  const at = expiresAt(r);
  return at !== null && now >= at;
}

/** The API object of a store at `now` (Unix seconds), which decides whether it has expired. */
export function vectorStoreObject(r: StoreRecord, now: number) {
  const files = Object.values(r.files);
  const counts = countFiles(files);
  return {
    id: r.id,
    object: 'vector_store' as const,
    created_at: r.created_at,
    name: r.name,
    description: r.description,
    usage_bytes: files.reduce((s, f) => s + f.usage_bytes, 0),
    file_counts: counts,
    status: isExpired(r, now) ? ('expired' as const) : counts.in_progress > 0 ? ('in_progress' as const) : ('completed' as const),
    expires_after: r.expires_after,
    expires_at: expiresAt(r),
    last_active_at: r.last_active_at,
    metadata: r.metadata ?? {},
  };
}

export function vectorStoreFileObject(storeId: string, f: StoreFileRecord) {
  return {
    id: f.id,
    object: 'vector_store.file' as const,
    created_at: f.created_at,
    vector_store_id: storeId,
    status: f.status,
    last_error: f.last_error,
    usage_bytes: f.usage_bytes,
    attributes: f.attributes ?? {},
    chunking_strategy: f.chunking_strategy,
  };
}

export function batchObject(storeId: string, b: BatchRecord, files: readonly StoreFileRecord[]) {
  const counts = countFiles(files);
  const status = b.cancelled && counts.in_progress === 0 ? 'cancelled' : counts.in_progress > 0 ? 'in_progress' : counts.total > 0 && counts.failed === counts.total ? 'failed' : 'completed';
  return {
    id: b.id,
    object: 'vector_store.files_batch' as const,
    created_at: b.created_at,
    vector_store_id: storeId,
    status,
    file_counts: counts,
  };
}
