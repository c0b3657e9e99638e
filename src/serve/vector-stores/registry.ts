import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { ApiError, invalidRequest } from '../api-error.ts';
import type { CollectionBackend, StoreCollection } from './backend.ts';
import type { FileStore } from './file-store.ts';
import { fileText } from './file-text.ts';
import { creationKey, isSafeId, newId, notFound } from './ids.ts';
import { expiresAt, isExpired, type Attributes, type BatchRecord, type ChunkingStrategy, type FileStatus, type StoreFileRecord, type StoreRecord } from './objects.ts';

/** Folders of the collections directory that are not collections (dot-named, so no collection can be called so). */
export const FILES_FOLDER = '.files';
export const RECORDS_FOLDER = '.vector-stores';

export interface AttachRequest {
  fileId: string;
  attributes: Attributes | null;
  chunking: ChunkingStrategy;
}

/**
 * The vector stores under one collections directory: each store is the collection in `DIR/<id>/` and its record
 * (name, metadata, attached files and their status) in `DIR/.vector-stores/<id>.json`. A collection made
 * elsewhere (`embedkit index add DIR/docs ...`) is a store too, named after its folder, with no attached files.
 *
 * Ingest runs in the background, one file at a time per store: writes to one collection are serialized here, and
 * a file left `in_progress` by a crash is ingested again at the next start (adds are upserts by file id, so a
 * repeat stores nothing twice).
 */
export class VectorStoreRegistry {
  private readonly records = new Map<string, StoreRecord>();
  private readonly collections = new Map<string, Promise<StoreCollection>>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly saves = new Map<string, Promise<void>>();
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly files: FileStore,
    private readonly backend: CollectionBackend,
    private readonly clock: () => number,
  ) {}

  /** `clock` gives the time in milliseconds (`Date.now` unless a test moves time on). */
  static async open(dir: string, files: FileStore, backend: CollectionBackend, clock: () => number = Date.now): Promise<VectorStoreRegistry> {
    const registry = new VectorStoreRegistry(dir, files, backend, clock);
    await fsp.mkdir(join(dir, RECORDS_FOLDER), { recursive: true });
    for (const name of await fsp.readdir(join(dir, RECORDS_FOLDER))) {
      const m = /^(.+)\.json$/.exec(name);
      if (!m || !isSafeId(m[1])) continue;
      try {
        const record = JSON.parse(await fsp.readFile(join(dir, RECORDS_FOLDER, name), 'utf8')) as StoreRecord;
        if (record.id === m[1]) registry.records.set(record.id, record);
      } catch {
        // An unreadable record (never written whole: writes are atomic) is skipped, not fatal to the server.
      }
    }
    await registry.adoptCollections();
    for (const record of registry.records.values()) {
      for (const f of Object.values(record.files)) if (f.status === 'in_progress') registry.enqueueIngest(record.id, f.id);
    }
    return registry;
  }

  /** Collections found in the directory without a record become stores named after their folder. */
  private async adoptCollections(): Promise<void> {
    for (const entry of await fsp.readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !isSafeId(entry.name) || this.records.has(entry.name)) continue;
      if (!(await this.backend.isCollection(join(this.dir, entry.name)))) continue;
      const stat = await fsp.stat(join(this.dir, entry.name));
      const created = Math.floor(stat.birthtimeMs || stat.mtimeMs) / 1000;
      this.records.set(entry.name, {
        id: entry.name,
        created_at: Math.floor(created),
        key: Math.floor(created * 1e6),
        name: entry.name,
        description: null,
        metadata: null,
        expires_after: null,
        last_active_at: Math.floor(created),
        files: {},
        batches: {},
      });
    }
  }

  list(): StoreRecord[] {
    return [...this.records.values()].sort((a, b) => a.key - b.key);
  }

  get(id: string): StoreRecord {
    const r = this.records.get(id);
    if (!r) throw notFound('vector store', id, 'vector_store_id');
    return r;
  }

  /** The time now, in Unix seconds (the unit of every timestamp in the API). */
  now(): number {
    return Math.floor(this.clock() / 1000);
  }

  /**
   * The store, for a use that keeps it alive (search, new files): an expired store is no longer available for use,
   * as OpenAI's are not, and says so (400, `vector_store_expired`); it can still be read, updated and deleted.
   */
  active(id: string): StoreRecord {
    const r = this.get(id);
    if (isExpired(r, this.now())) {
      const at = new Date(expiresAt(r)! * 1000).toISOString();
      throw new ApiError(400, `Vector store ${id} expired at ${at}, ${r.expires_after!.days} day(s) after it was last active; it can no longer be searched or given files.`, 'invalid_request_error', 'vector_store_id', 'vector_store_expired');
    }
    return r;
  }

  async create(fields: Pick<StoreRecord, 'name' | 'description' | 'metadata' | 'expires_after'>): Promise<StoreRecord> {
    const id = newId('vs_');
    const now = this.now();
    const record: StoreRecord = { id, created_at: now, key: creationKey(), ...fields, last_active_at: now, files: {}, batches: {} };
    // The collection first: a store whose record exists always has one to search.
    await this.collection(id, true);
    this.records.set(id, record);
    await this.save(id);
    return record;
  }

  async update(id: string, fields: Partial<Pick<StoreRecord, 'name' | 'metadata' | 'expires_after'>>): Promise<StoreRecord> {
    const r = this.get(id);
    Object.assign(r, fields);
    await this.save(id);
    return r;
  }

  /** Deletes the store, its collection and record (the uploaded files stay, as OpenAI's do). */
  async delete(id: string): Promise<void> {
    this.get(id);
    this.records.delete(id);
    await this.queues.get(id);
    const collection = this.collections.get(id);
    this.collections.delete(id);
    if (collection) await (await collection.catch(() => null))?.close();
    await this.saves.get(id);
    await fsp.rm(join(this.dir, RECORDS_FOLDER, `${id}.json`), { force: true });
    await fsp.rm(join(this.dir, id), { recursive: true, force: true });
  }

  /** Attaches files (one, or a batch's) and queues their ingest; returns their records, `in_progress`. */
  async attach(storeId: string, requests: readonly AttachRequest[], batchId: string | null = null): Promise<StoreFileRecord[]> {
    const store = this.active(storeId);
    for (const r of requests) this.files.get(r.fileId);
    const now = this.now();
    const attached = requests.map((r) => {
      const record: StoreFileRecord = {
        id: r.fileId,
        created_at: now,
        key: creationKey(),
        status: 'in_progress',
        last_error: null,
        attributes: r.attributes,
        chunking_strategy: r.chunking,
        usage_bytes: 0,
        filename: this.files.get(r.fileId).filename,
        batch_id: batchId,
      };
      store.files[r.fileId] = record;
      return record;
    });
    store.last_active_at = now;
    await this.save(storeId);
    for (const f of attached) this.enqueueIngest(storeId, f.id);
    return attached;
  }

  async createBatch(storeId: string, requests: readonly AttachRequest[]): Promise<BatchRecord> {
    const store = this.active(storeId);
    const ids = requests.map((r) => r.fileId);
    if (new Set(ids).size !== ids.length) throw invalidRequest('A file is listed twice in this batch.', 'file_ids');
    for (const r of requests) this.files.get(r.fileId);
    const batch: BatchRecord = { id: newId('vsfb_'), created_at: this.now(), file_ids: ids, cancelled: false };
    store.batches[batch.id] = batch;
    await this.attach(storeId, requests, batch.id);
    return batch;
  }

  getBatch(storeId: string, batchId: string): BatchRecord {
    const b = this.get(storeId).batches[batchId];
    if (!b) throw notFound('vector store file batch', batchId, 'batch_id');
    return b;
  }

  /** The files of a batch that are still attached, in the batch's order. */
  batchFiles(storeId: string, batch: BatchRecord): StoreFileRecord[] {
    const store = this.get(storeId);
    return batch.file_ids.map((id) => store.files[id]).filter((f) => f !== undefined && f.batch_id === batch.id);
  }

  /** Files of the batch not yet ingested are cancelled; those done stay done. */
  async cancelBatch(storeId: string, batchId: string): Promise<BatchRecord> {
    const batch = this.getBatch(storeId, batchId);
    batch.cancelled = true;
    for (const f of this.batchFiles(storeId, batch)) if (f.status === 'in_progress') f.status = 'cancelled';
    await this.save(storeId);
    return batch;
  }

  getFile(storeId: string, fileId: string): StoreFileRecord {
    const f = this.get(storeId).files[fileId];
    if (!f) throw notFound('vector store file', fileId, 'file_id');
    return f;
  }

  listFiles(storeId: string): StoreFileRecord[] {
    return Object.values(this.get(storeId).files).sort((a, b) => a.key - b.key);
  }

  /** New attributes for an attached file: its chunks are stored again with them (an upsert, after any ingest in flight). */
  async updateFile(storeId: string, fileId: string, attributes: Attributes | null): Promise<StoreFileRecord> {
    const f = this.getFile(storeId, fileId);
    f.attributes = attributes;
    // A file in progress picks the new attributes up (its ingest stores again if it read the old ones); a failed
    // or cancelled file keeps its status, as its text was never stored.
    if (f.status === 'completed') {
      f.status = 'in_progress';
      this.enqueueIngest(storeId, fileId);
    }
    await this.save(storeId);
    return f;
  }

  /** Detaches a file: its chunks leave the collection (the uploaded file stays). */
  async detachFile(storeId: string, fileId: string): Promise<void> {
    this.getFile(storeId, fileId);
    delete this.get(storeId).files[fileId];
    await this.save(storeId);
    await this.enqueue(storeId, async () => {
      const collection = await this.collection(storeId, false);
      await collection.delete([fileId]);
    });
  }

  /** The store's collection, opened once and kept open. */
  collection(storeId: string, create = false): Promise<StoreCollection> {
    let c = this.collections.get(storeId);
    if (!c) {
      c = this.backend.open(join(this.dir, storeId), create);
      // A failed open is not cached: the next request tries again (and reports its own error).
      c.catch(() => this.collections.delete(storeId));
      this.collections.set(storeId, c);
    }
    return c;
  }

  /**
   * Marks the store used now (the anchor of `expires_after`, counted in days): saved at most once a minute, so
   * that a busy store's searches do not each rewrite its record.
   */
  touch(storeId: string): void {
    const r = this.records.get(storeId);
    const now = this.now();
    if (r && (r.last_active_at === null || now - r.last_active_at >= 60)) {
      r.last_active_at = now;
      void this.save(storeId).catch(() => undefined);
    }
  }

  /** Resolves once every queued ingest has finished (tests and shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values(), ...this.saves.values()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
    for (const c of this.collections.values()) await (await c.catch(() => null))?.close();
    this.collections.clear();
  }

  private enqueue(storeId: string, job: () => Promise<void>): Promise<void> {
    const run = (this.queues.get(storeId) ?? Promise.resolve()).then(job);
    const settled = run.catch(() => undefined);
    this.queues.set(storeId, settled);
    void settled.then(() => {
      if (this.queues.get(storeId) === settled) this.queues.delete(storeId);
    });
    return run;
  }

  private enqueueIngest(storeId: string, fileId: string): void {
    void this.enqueue(storeId, () => this.ingest(storeId, fileId));
  }

  /** Reads, checks and stores one attached file, then records how it went; never throws. */
  private async ingest(storeId: string, fileId: string): Promise<void> {
    const store = this.records.get(storeId);
    const f = store?.files[fileId];
    if (!store || !f || f.status !== 'in_progress' || this.closed) return;
    try {
      if (!this.files.has(fileId)) {
        Object.assign(f, { status: 'failed', last_error: { code: 'invalid_file', message: `The file ${fileId} was deleted before it was processed.` } });
      } else {
        const result = fileText(await this.files.content(fileId), f.filename);
        if ('error' in result) {
          Object.assign(f, { status: 'failed', last_error: result.error });
        } else {
          const collection = await this.collection(storeId, true);
          const { max_chunk_size_tokens: maxTokens, chunk_overlap_tokens: overlapTokens } = f.chunking_strategy.static;
          const attributes = f.attributes;
          await collection.add([{ id: fileId, text: result.text, metadata: { ...(attributes ?? {}) } }], { maxTokens, overlapTokens });
          // Detached (or attached anew) while it was being stored: the newer state has its own jobs queued.
          if (store.files[fileId] !== f) return;
          if ((f.status as FileStatus) === 'cancelled') {
            // Its batch was cancelled while it was being stored: a cancelled file is never searched.
            await collection.delete([fileId]);
            return;
          }
          if (f.attributes !== attributes) {
            // New attributes arrived while the old ones were being stored: store again with them.
            this.enqueueIngest(storeId, fileId);
            return;
          }
          Object.assign(f, { status: 'completed', last_error: null, usage_bytes: Buffer.byteLength(result.text) });
        }
      }
    } catch (err) {
      Object.assign(f, { status: 'failed', last_error: { code: 'server_error', message: `Indexing ${f.filename} failed: ${(err as Error).message}` } });
    }
    if (this.records.get(storeId) === store) await this.save(storeId).catch(() => undefined);
  }

  /** Writes the store's record; saves of one store run one after another, each writing the latest state. */
  private save(storeId: string): Promise<void> {
    const run = (this.saves.get(storeId) ?? Promise.resolve()).then(async () => {
      const record = this.records.get(storeId);
      if (record) await writeFileAtomic(join(this.dir, RECORDS_FOLDER, `${storeId}.json`), JSON.stringify(record));
    });
    const settled = run.catch(() => undefined);
    this.saves.set(storeId, settled);
    return run;
  }
}
