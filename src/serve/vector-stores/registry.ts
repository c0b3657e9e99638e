import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { withWriteLock } from '../../search/write-lock.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { ApiError, invalidRequest } from '../api-error.ts';
import type { CollectionBackend, StoreCollection } from './backend.ts';
import type { FileStore } from './file-store.ts';
import { fileText } from './file-text.ts';
import { creationKey, isSafeId, newId, notFound } from './ids.ts';
import { expiresAt, isExpired, type Attributes, type BatchRecord, type ChunkingStrategy, type StoreFileRecord, type StoreRecord } from './objects.ts';

/** Folders of the collections directory that are not collections (dot-named, so no collection can be called so). */
export const FILES_FOLDER = '.files';
export const RECORDS_FOLDER = '.vector-stores';
/** How often a server looks over every store for files left in progress by a server that crashed. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

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
 * The records on disk are the only state: every request reads them (a stat; a record is parsed again only when its file
 * changed), so any number of servers over one directory (one machine's processes, or machines sharing it) see the same
 * stores, files and statuses. A record changes by read, change, atomic write under the store's record lock
 * (`<id>.lock`), so no change of one server overwrites another's. The collection is written under the store's ingest
 * lock (`<id>.ingest.lock`), one writer per store across processes; whichever server holds it stores the next file
 * still `in_progress`, whoever attached it, so a file left `in_progress` by a server that stopped or crashed is taken
 * up by the next server that sees it (adds are upserts by file id: a repeat stores nothing twice): at its start, at any
 * request to that store, and by a sweep over every store each `sweepIntervalMs`, so a store nobody asks about does not
 * keep its files in progress until someone does.
 */
export class VectorStoreRegistry {
  /** Opened collections of this process (LanceDB handles read the latest commit of any process at each query). */
  private readonly collections = new Map<string, Promise<StoreCollection>>();
  /** This process's ingest and delete jobs, one chain per store. */
  private readonly queues = new Map<string, Promise<void>>();
  private closed = false;
  private sweepTimer?: NodeJS.Timeout;
  /** Records parsed by read(), by store id, with the identity of the file they were parsed from. */
  private readonly parsed = new Map<string, { identity: string; record: StoreRecord }>();

  private constructor(
    readonly dir: string,
    private readonly files: FileStore,
    private readonly backend: CollectionBackend,
    private readonly clock: () => number,
  ) {}

  /**
   * `clock` gives the time in milliseconds (`Date.now` unless a test moves time on); every `sweepIntervalMs` the
   * stores are looked over for files left in progress (0: only at start and on requests).
   */
  static async open(dir: string, files: FileStore, backend: CollectionBackend, clock: () => number = Date.now, sweepIntervalMs = DEFAULT_SWEEP_INTERVAL_MS): Promise<VectorStoreRegistry> {
    const registry = new VectorStoreRegistry(dir, files, backend, clock);
    await fsp.mkdir(join(dir, RECORDS_FOLDER), { recursive: true });
    // Files a stopped server left in progress.
    await registry.sweep();
    if (sweepIntervalMs > 0) {
      registry.sweepTimer = setInterval(() => void registry.sweep().catch(() => undefined), sweepIntervalMs);
      registry.sweepTimer.unref();
    }
    return registry;
  }

  /** Queues every file in progress that no job of this process is storing (another server's crash left it so). */
  private async sweep(): Promise<void> {
    for (const record of await this.list()) this.resume(record);
  }

  /** Every store, oldest first. */
  async list(): Promise<StoreRecord[]> {
    const names = await fsp.readdir(join(this.dir, RECORDS_FOLDER));
    const ids = names.map((n) => /^(.+)\.json$/.exec(n)?.[1]).filter((id): id is string => id !== undefined && isSafeId(id));
    const records = (await Promise.all(ids.map((id) => this.read(id)))).filter((r): r is StoreRecord => r !== null);
    const known = new Set(records.map((r) => r.id));
    for (const entry of await fsp.readdir(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || known.has(entry.name) || !isSafeId(entry.name)) continue;
      const adopted = await this.adopted(entry.name);
      if (adopted) records.push(adopted);
    }
    return records.sort((a, b) => a.key - b.key);
  }

  /** The store's record, or a 404. Files found `in_progress` with no server storing them are taken up here. */
  async get(id: string): Promise<StoreRecord> {
    const r = (await this.read(id)) ?? (await this.adopted(id));
    if (!r) {
      void this.forget(id);
      throw notFound('vector store', id, 'vector_store_id');
    }
    this.resume(r);
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
  async active(id: string): Promise<StoreRecord> {
    const r = await this.get(id);
    checkActive(r, this.now());
    return r;
  }

  async create(fields: Pick<StoreRecord, 'name' | 'description' | 'metadata' | 'expires_after'>): Promise<StoreRecord> {
    const id = newId('vs_');
    const now = this.now();
    const record: StoreRecord = { id, created_at: now, key: creationKey(), ...fields, last_active_at: now, files: {}, batches: {} };
    // The collection first: a store whose record exists always has one to search.
    await this.collection(id, true);
    await this.write(record);
    return record;
  }

  update(id: string, fields: Partial<Pick<StoreRecord, 'name' | 'metadata' | 'expires_after'>>): Promise<StoreRecord> {
    return this.change(id, (r) => void Object.assign(r, fields));
  }

  /** Deletes the store, its collection and record (the uploaded files stay, as OpenAI's do). */
  async delete(id: string): Promise<void> {
    await this.get(id);
    // After any write of the collection in flight, in this process or another.
    await withWriteLock(this.ingestLock(id), async () => {
      await withWriteLock(this.recordLock(id), () => fsp.rm(this.recordPath(id), { force: true }));
      await this.forget(id);
      await fsp.rm(join(this.dir, id), { recursive: true, force: true });
    });
  }

  /** Attaches files (one, or a batch's) and queues their ingest; returns their records, `in_progress`. */
  async attach(storeId: string, requests: readonly AttachRequest[], batch: BatchRecord | null = null): Promise<StoreFileRecord[]> {
    await this.active(storeId);
    const filenames = await Promise.all(requests.map(async (r) => (await this.files.get(r.fileId)).filename));
    let attached: StoreFileRecord[] = [];
    await this.change(storeId, (store) => {
      const now = this.now();
      checkActive(store, now);
      attached = requests.map((r, i) => {
        const record: StoreFileRecord = {
          id: r.fileId,
          created_at: now,
          key: creationKey(),
          status: 'in_progress',
          last_error: null,
          attributes: r.attributes,
          chunking_strategy: r.chunking,
          usage_bytes: 0,
          filename: filenames[i],
          batch_id: batch?.id ?? null,
        };
        store.files[r.fileId] = record;
        return record;
      });
      if (batch) store.batches[batch.id] = batch;
      store.last_active_at = now;
    });
    for (const f of attached) this.enqueueIngest(storeId, f.id);
    return attached;
  }

  async createBatch(storeId: string, requests: readonly AttachRequest[]): Promise<BatchRecord> {
    const ids = requests.map((r) => r.fileId);
    if (new Set(ids).size !== ids.length) throw invalidRequest('A file is listed twice in this batch.', 'file_ids');
    const batch: BatchRecord = { id: newId('vsfb_'), created_at: this.now(), file_ids: ids, cancelled: false };
    await this.attach(storeId, requests, batch);
    return batch;
  }

  async getBatch(storeId: string, batchId: string): Promise<{ batch: BatchRecord; files: StoreFileRecord[] }> {
    const store = await this.get(storeId);
    const batch = store.batches[batchId];
    if (!batch) throw notFound('vector store file batch', batchId, 'batch_id');
    return { batch, files: batchFiles(store, batch) };
  }

  /** Files of the batch not yet ingested are cancelled; those done stay done. */
  async cancelBatch(storeId: string, batchId: string): Promise<{ batch: BatchRecord; files: StoreFileRecord[] }> {
    await this.getBatch(storeId, batchId);
    const store = await this.change(storeId, (r) => {
      const batch = r.batches[batchId];
      if (!batch) throw notFound('vector store file batch', batchId, 'batch_id');
      batch.cancelled = true;
      for (const f of batchFiles(r, batch)) if (f.status === 'in_progress') f.status = 'cancelled';
    });
    return { batch: store.batches[batchId], files: batchFiles(store, store.batches[batchId]) };
  }

  async getFile(storeId: string, fileId: string): Promise<StoreFileRecord> {
    return fileOf(await this.get(storeId), fileId);
  }

  async listFiles(storeId: string): Promise<StoreFileRecord[]> {
    return Object.values((await this.get(storeId)).files).sort((a, b) => a.key - b.key);
  }

  /** New attributes for an attached file: its chunks are stored again with them (an upsert, after any ingest in flight). */
  async updateFile(storeId: string, fileId: string, attributes: Attributes | null): Promise<StoreFileRecord> {
    let again = false;
    const store = await this.change(storeId, (r) => {
      const f = fileOf(r, fileId);
      f.attributes = attributes;
      // A file in progress picks the new attributes up (its ingest stores again if it read the old ones); a failed
      // or cancelled file keeps its status, as its text was never stored.
      if (f.status === 'completed') {
        f.status = 'in_progress';
        again = true;
      }
    });
    if (again) this.enqueueIngest(storeId, fileId);
    return store.files[fileId];
  }

  /** Detaches a file: its chunks leave the collection (the uploaded file stays). */
  async detachFile(storeId: string, fileId: string): Promise<void> {
    await this.change(storeId, (r) => {
      fileOf(r, fileId);
      delete r.files[fileId];
    });
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
   * Marks the store used now (the anchor of `expires_after`, counted in days): written at most once a minute, so
   * that a busy store's searches do not each rewrite its record.
   */
  async touch(storeId: string): Promise<void> {
    const stale = (r: StoreRecord) => r.last_active_at === null || this.now() - r.last_active_at >= 60;
    const r = await this.read(storeId);
    if (!r || !stale(r)) return;
    await this.change(storeId, (record) => {
      if (stale(record)) record.last_active_at = this.now();
    }).catch(() => undefined);
  }

  /** Resolves once every ingest this process has queued has finished (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.queues.size) await Promise.all([...this.queues.values()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    await this.idle();
    for (const c of this.collections.values()) await (await c.catch(() => null))?.close();
    this.collections.clear();
  }

  private recordPath(id: string): string {
    return join(this.dir, RECORDS_FOLDER, `${id}.json`);
  }

  private recordLock(id: string): string {
    return join(this.dir, RECORDS_FOLDER, `${id}.lock`);
  }

  private ingestLock(id: string): string {
    return join(this.dir, RECORDS_FOLDER, `${id}.ingest.lock`);
  }

  /**
   * The store's record as on disk now. Parsed records are kept by the identity of their file (inode, size, mtime,
   * ctime): a record is rewritten by an atomic rename, so any change of any process gives a new file, and an
   * unchanged one costs a stat instead of reading and parsing what, for a store of thousands of files, is megabytes.
   * The record returned is shared: callers only read it (change() edits a copy).
   */
  private async read(id: string): Promise<StoreRecord | null> {
    if (!isSafeId(id)) return null;
    try {
      const path = this.recordPath(id);
      const stat = await fsp.stat(path, { bigint: true });
      const identity = `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
      const known = this.parsed.get(id);
      if (known?.identity === identity) return known.record;
      const record = JSON.parse(await fsp.readFile(path, 'utf8')) as StoreRecord;
      if (record.id !== id) return null;
      this.parsed.set(id, { identity, record });
      return record;
    } catch {
      this.parsed.delete(id);
      // Missing, or not a record of ours (records are written atomically: never half there).
      return null;
    }
  }

  /** A collection in the directory without a record is a store named after its folder, created when the folder was. */
  private async adopted(id: string): Promise<StoreRecord | null> {
    if (!isSafeId(id) || !(await this.backend.isCollection(join(this.dir, id)))) return null;
    const stat = await fsp.stat(join(this.dir, id));
    const created = Math.floor(stat.birthtimeMs || stat.mtimeMs) / 1000;
    return {
      id,
      created_at: Math.floor(created),
      key: Math.floor(created * 1e6),
      name: id,
      description: null,
      metadata: null,
      expires_after: null,
      last_active_at: Math.floor(created),
      files: {},
      batches: {},
    };
  }

  private write(record: StoreRecord): Promise<void> {
    return writeFileAtomic(this.recordPath(record.id), JSON.stringify(record));
  }

  /** Reads the store's record, lets `edit` change it (or throw: nothing is written) and writes it, under its lock. */
  private change(id: string, edit: (r: StoreRecord) => void): Promise<StoreRecord> {
    return withWriteLock(this.recordLock(id), async () => {
      const found = (await this.read(id)) ?? (await this.adopted(id));
      if (!found) throw notFound('vector store', id, 'vector_store_id');
      // A copy: the record read may be the one other requests hold (read() shares it), and an edit that throws
      // must leave nothing changed.
      const r = structuredClone(found);
      edit(r);
      await this.write(r);
      return r;
    });
  }

  /** Closes this process's handle of a store that no longer exists. */
  private async forget(id: string): Promise<void> {
    const c = this.collections.get(id);
    this.collections.delete(id);
    if (c) await (await c.catch(() => null))?.close();
  }

  /** Queues the store's files `in_progress` unless this process is storing files of it already. */
  private resume(r: StoreRecord): void {
    if (this.closed || this.queues.has(r.id)) return;
    for (const f of Object.values(r.files)) if (f.status === 'in_progress') this.enqueueIngest(r.id, f.id);
  }

  /** Runs `job` after the store's earlier jobs of this process, holding its ingest lock (one writer across processes). */
  private enqueue(storeId: string, job: () => Promise<void>): Promise<void> {
    // A job that has not started when the server closes is left to the next server (its file stays in progress).
    const run = (this.queues.get(storeId) ?? Promise.resolve()).then(() => (this.closed ? undefined : withWriteLock(this.ingestLock(storeId), job)));
    const settled = run.catch(() => undefined);
    this.queues.set(storeId, settled);
    void settled.then(() => {
      if (this.queues.get(storeId) === settled) this.queues.delete(storeId);
    });
    return run;
  }

  private enqueueIngest(storeId: string, fileId: string): void {
    void this.enqueue(storeId, () => this.ingest(storeId, fileId)).catch(() => undefined);
  }

  /**
   * Reads, checks and stores one attached file, then records how it went. Runs under the store's ingest lock and
   * reads the record afresh: a file another server stored meanwhile is `completed` and skipped.
   */
  private async ingest(storeId: string, fileId: string): Promise<void> {
    if (this.closed) return;
    const f = (await this.read(storeId))?.files[fileId];
    if (!f || f.status !== 'in_progress') return;
    let outcome: Partial<StoreFileRecord>;
    let collection: StoreCollection | undefined;
    try {
      const content = await this.files.content(fileId).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      });
      const result = content === null ? null : fileText(content, f.filename);
      if (result === null) {
        outcome = { status: 'failed', last_error: { code: 'invalid_file', message: `The file ${fileId} was deleted before it was processed.` } };
      } else if ('error' in result) {
        outcome = { status: 'failed', last_error: result.error };
      } else {
        collection = await this.collection(storeId, true);
        const { max_chunk_size_tokens: maxTokens, chunk_overlap_tokens: overlapTokens } = f.chunking_strategy.static;
        await collection.add([{ id: fileId, text: result.text, metadata: { ...(f.attributes ?? {}) } }], { maxTokens, overlapTokens });
        outcome = { status: 'completed', last_error: null, usage_bytes: Buffer.byteLength(result.text) };
      }
    } catch (err) {
      outcome = { status: 'failed', last_error: { code: 'server_error', message: `Indexing ${f.filename} failed: ${(err as Error).message}` } };
    }
    let unwanted = false;
    let again = false;
    await this.change(storeId, (r) => {
      const now = r.files[fileId];
      // Detached (or attached anew) while it was being stored: the newer state has its own jobs queued.
      if (!now || now.key !== f.key) return;
      if (now.status === 'cancelled') {
        // Its batch was cancelled while it was being stored: a cancelled file is never searched.
        unwanted = outcome.status === 'completed';
        return;
      }
      if (outcome.status === 'completed' && JSON.stringify(now.attributes) !== JSON.stringify(f.attributes)) {
        // New attributes arrived while the old ones were being stored: store again with them.
        again = true;
        return;
      }
      Object.assign(now, outcome);
    }).catch(() => undefined);
    if (unwanted) await collection?.delete([fileId]);
    if (again) await this.ingest(storeId, fileId);
  }
}

function checkActive(r: StoreRecord, now: number): void {
  if (!isExpired(r, now)) return;
  const at = new Date(expiresAt(r)! * 1000).toISOString();
  throw new ApiError(400, `Vector store ${r.id} expired at ${at}, ${r.expires_after!.days} day(s) after it was last active; it can no longer be searched or given files.`, 'invalid_request_error', 'vector_store_id', 'vector_store_expired');
}

function fileOf(store: StoreRecord, fileId: string): StoreFileRecord {
  const f = store.files[fileId];
  if (!f) throw notFound('vector store file', fileId, 'file_id');
  return f;
}

/** The files of a batch that are still attached, in the batch's order. */
function batchFiles(store: StoreRecord, batch: BatchRecord): StoreFileRecord[] {
  return batch.file_ids.map((id) => store.files[id]).filter((f) => f !== undefined && f.batch_id === batch.id);
}
