import { join, resolve } from 'node:path';
import type { Connection, Table } from '@lancedb/lancedb';
import { EmbedkitError, InvalidArgumentError, MissingDependencyError } from '../errors.ts';
import type { Encoder } from '../encoders/encoder.ts';
import { openEncoder, type OpenedEncoder } from '../encoders/open-encoder.ts';
import { NoKnownWordError } from '../encoders/static.ts';
import { chunkText, resolveChunking, type ChunkingOptions } from './chunking.ts';
import {
  checkSameEncoder,
  CollectionNotFoundError,
  describeEncoder,
  parseRecord,
  RECORD_KEY,
  type CollectionRecord,
} from './collection-record.ts';
import { contentHash, stableJson } from './content-hash.ts';
import { ExactIndex } from './exact-index.ts';
import { compileFilter, FilterError, sqlString, type FieldType } from './filter.ts';
import { convexScoreFusion, HYBRID_DEPTH, reciprocalRankFusion } from './fusion.ts';
import { resolveBuildAnnOptions, resolveSearchOptions, type ResolvedSearchOptions as ResolvedSearch } from './search-options.ts';
import { loadHnswEngine } from './hnsw-engine.ts';
import { loadLanceDb } from './lancedb.ts';
import { mmrOrder } from './mmr.ts';
import { withWriteLock } from './write-lock.ts';
import { checkDocument } from './collection-document.ts';
import { HIT_COLUMNS, hitRow, scoredPassage, type HitRow, type VectorHit } from './collection-hits.ts';
import { CollectionHnsw, HNSW_DIR, scoredFromGraph } from './collection-hnsw.ts';
import { columnOfField, columnValue, createTable, LOCK_FILE, metadataFields, metadataType, quoteColumn, SQL_TYPE, TABLE } from './collection-schema.ts';
import { TableVersion } from './collection-version.ts';
import type {
  AddDocument,
  AddOptions,
  AddProgress,
  AddResult,
  BuildAnnOptions,
  CollectionInfo,
  OpenCollectionOptions,
  ScoredPassage,
  SearchHit,
  SearchOptions,
  StoredChunk,
} from './collection-types.ts';

/** OpenCollectionOptions.versionRecheckMs's default. */
const VERSION_RECHECK_MS = 100;
/** OpenCollectionOptions.hnswSaveDelayMs's default. */
const HNSW_SAVE_DELAY_MS = 2000;

export type {
  OpenCollectionOptions,
  AddDocument,
  AddProgress,
  AddOptions,
  AddResult,
  SearchOptions,
  ScoredPassage,
  SearchHit,
  StoredChunk,
  AnnIndexType,
  BuildAnnOptions,
  CollectionInfo,
} from './collection-types.ts';

/** What add() knows is stored: passage id → hash, by document, as of a table version. */
interface StoredPassages {
  version: number;
  hashes: Map<string, Map<string, string>>;
}

interface ChunkRow {
  id: string;
  doc_id: string;
  chunk: number;
  text: string;
  hash: string;
  metadata: string;
  vector: Float32Array;
}

/** LanceDB's names of vector indexes, as AnnIndexType spells them. */
const ANN_INDEX_TYPES: Record<string, string> = { IvfPq: 'ivf_pq', IvfHnswSq: 'ivf_hnsw_sq' };

/**
 * Opens the collection at `path` (a directory; LanceDB keeps its files there), creating it when it does not exist
 * and a model or encoder is given. The collection records its encoder and dimension and refuses any other.
 *
 * @example
 * ```ts
 * import { openCollection } from 'embedkit/search';
 * const collection = await openCollection('notes.collection', { model: 'vectors.bin', pooling: 'mean' });
 * await collection.add([{ text: 'the king and the queen', metadata: { lang: 'en' } }, { text: 'the cat and the dog' }]);
 * const [best] = await collection.search('queen', { k: 1 });
 * console.log(best.text, await collection.count()); // the king and the queen 2
 * ```
 */
export async function openCollection(path: string, options: OpenCollectionOptions = {}): Promise<Collection> {
  const { lancedb } = await loadLanceDb();
  const local = !/^[a-z][a-z0-9+.-]*:\/\//i.test(path);
  const db = await lancedb.connect(path, { readConsistencyInterval: 0 });
  let table: Table;
  const names = await db.tableNames();
  if (names.includes(TABLE)) {
    table = await openExistingTable(db, path, local);
  } else {
    if (options.create === false) throw new CollectionNotFoundError(path, `no collection at ${path}`);
    if (options.model === undefined && options.encoder === undefined) {
      throw new CollectionNotFoundError(path, `no collection at ${path}; give a model (or an encoder) to create one`);
    }
    table = await createTable(db, path, local, options);
  }
  const record = parseRecord((await table.schema()).metadata.get(RECORD_KEY), path);
  checkSameEncoder(path, record.encoder, options.model, options.pooling, options.encoder);
  return new Collection(path, local, table, record, options);
}

/**
 * The collection's table, which another process may be creating right now: its folder appears before its first
 * version is written, so it is listed but cannot be opened yet. Such a failure on local disk waits for the creator's
 * write lock (held until the table is whole) and opens it then.
 */
async function openExistingTable(db: Connection, path: string, local: boolean): Promise<Table> {
  try {
    return await db.openTable(TABLE);
  } catch (err) {
    if (!local) throw err;
    return withWriteLock(join(path, LOCK_FILE), () => db.openTable(TABLE));
  }
}

/**
 * A searchable set of documents cut into passages, their vectors and metadata, stored with LanceDB. Get one from
 * openCollection.
 *
 * @example
 * ```ts
 * import { openCollection, type Collection } from 'embedkit/search';
 * const collection: Collection = await openCollection('animals.collection', { model: 'vectors.bin' });
 * await collection.add([{ id: 'pets', text: 'the cat and the dog' }]);
 * console.log(collection.dim, collection.describeEncoder().endsWith('dim 16')); // 16 true
 * await collection.close();
 * ```
 */
export class Collection {
  private encoderPromise: Promise<Encoder> | undefined;
  private exact: { version: number; index: ExactIndex } | undefined;
  private indexState: { version: number; vector: boolean; fts: boolean } | undefined;
  private readonly lockFile: string | undefined;
  private readonly version: TableVersion;
  private readonly hnsw: CollectionHnsw;

  /** @internal Use openCollection. */
  constructor(
    /** Where the collection lives. */
    readonly path: string,
    local: boolean,
    private readonly table: Table,
    /** What the collection records about its encoder. */
    readonly record: CollectionRecord,
    private readonly options: OpenCollectionOptions,
  ) {
    this.lockFile = local ? join(path, LOCK_FILE) : undefined;
    const versionRecheckMs = options.versionRecheckMs ?? VERSION_RECHECK_MS;
    const hnswSaveDelayMs = options.hnswSaveDelayMs ?? HNSW_SAVE_DELAY_MS;
    for (const [name, value] of [['versionRecheckMs', versionRecheckMs], ['hnswSaveDelayMs', hnswSaveDelayMs]] as const) {
      if (!(value >= 0)) throw new InvalidArgumentError(`${name} must be a number of milliseconds ≥ 0, got ${value}`);
    }
    this.version = new TableVersion(table, local ? resolve(path) : path, versionRecheckMs);
    this.hnsw = new CollectionHnsw(table, record.encoder.dim, local ? join(path, HNSW_DIR) : undefined, hnswSaveDelayMs, this.version);
  }

  /** Length of the collection's vectors. */
  get dim(): number {
    return this.record.encoder.dim;
  }

  /** The collection's encoder, opened on first use from the recorded model unless one was given. */
  encoder(): Promise<Encoder> {
    this.encoderPromise ??= (async () => {
      const given = this.options.encoder;
      if (given) return given;
      const { model, pooling } = this.record.encoder;
      if (model === undefined) {
        throw new InvalidArgumentError(`collection ${this.path} was made with an opened encoder (${this.record.encoder.id}); pass it as encoder to add or search`);
      }
      const opened: OpenedEncoder = await openEncoder(model, { ...this.options.encoderOptions, pooling });
      if (opened.dim !== this.dim) {
        throw new InvalidArgumentError(`model ${model} now gives vectors of dim ${opened.dim}, but collection ${this.path} holds dim ${this.dim}: the model changed since the collection was made`);
      }
      return opened;
    })();
    this.encoderPromise.catch(() => (this.encoderPromise = undefined));
    return this.encoderPromise;
  }

  /** Runs a write holding the collection's write lock, on the table's latest version. */
  private async write<T>(fn: () => Promise<T>): Promise<T> {
    const run = async () => {
      await this.table.checkoutLatest();
      try {
        return await fn();
      } finally {
        // Whatever it committed, searches of this process read the version again.
        this.version.committed();
      }
    };
    return this.lockFile ? withWriteLock(this.lockFile, run) : run();
  }

  /** Metadata fields and their types, from the table's columns. */
  async fields(): Promise<Map<string, FieldType>> {
    return metadataFields(await this.table.schema());
  }

  /** Passages stored. */
  async count(): Promise<number> {
    return this.table.countRows();
  }

  /**
   * Adds or replaces documents (an array or any iterable, sync or async, so a large source streams): each is cut into
   * passages with ids `docId#0`, `docId#1`, …, embedded and committed in batches. A document already stored with the
   * same passages (same ids, same text and metadata) is skipped without embedding, so rerunning an interrupted ingest
   * does only what is missing; a changed document replaces all its passages in one commit.
   */
  async add(docs: Iterable<AddDocument> | AsyncIterable<AddDocument>, options: AddOptions = {}): Promise<AddResult> {
    const chunking = resolveChunking(options.chunking);
    const batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`batchSize must be a positive integer, got ${batchSize}`);
    const progress: AddProgress = { docs: 0, skippedDocs: 0, chunks: 0 };
    const known = await this.storedPassages();
    let batch: AddDocument[] = [];
    let position = 0;
    const flush = async () => {
      if (options.signal?.aborted) throw new EmbedkitError('aborted', `adding to ${this.path} was interrupted; the ${progress.docs} documents committed before are kept, and adding the same documents again continues`);
      const stats = await this.addBatch(batch, chunking, position - batch.length, known);
      progress.docs += batch.length;
      progress.skippedDocs += stats.skipped;
      progress.chunks += stats.chunks;
      batch = [];
      options.onProgress?.({ ...progress });
    };
    for await (const doc of docs) {
      batch.push(doc);
      position++;
      if (batch.length >= batchSize) await flush();
    }
    if (batch.length) await flush();
    if (progress.chunks > 0) await this.afterWrites();
    return { ...progress, rows: await this.count() };
  }

  /** Keeps the indexes current after writes: builds the ANN index past annThreshold rows, folds new rows into existing indexes. */
  private async afterWrites(): Promise<void> {
    const rows = await this.count();
    const indices = await this.table.listIndices();
    const hasVector = indices.some((i) => i.columns.includes('vector'));
    const hnsw = this.hnsw.exists();
    if (!hasVector && !hnsw && rows >= (this.options.annThreshold ?? 100_000)) {
      // An HNSW graph where hnswlib-node or usearch is installed; LanceDB's IVF_PQ where neither is.
      await this.buildAnnIndex().catch((err: unknown) => {
        if (!(err instanceof MissingDependencyError)) throw err;
        return this.buildAnnIndex({ type: 'ivf_pq' });
      });
    } else if (indices.length > 0 || hnsw) {
      await this.write(async () => {
        if (indices.length > 0) await this.table.optimize();
        if (hnsw) await this.hnsw.sync();
      });
    }
  }

  private async addBatch(batch: AddDocument[], chunking: Required<ChunkingOptions>, firstPosition: number, known: StoredPassages): Promise<{ skipped: number; chunks: number }> {
    // The last copy of a document id in the batch wins, as later upserts would.
    const byId = new Map<string, { doc: AddDocument; rows: Omit<ChunkRow, 'vector'>[] }>();
    const given = new Map<string, Float32Array>();
    batch.forEach((doc, i) => {
      checkDocument(doc, firstPosition + i, this.dim, this.path);
      const docId = doc.id ?? contentHash(doc.text);
      const metadata = doc.metadata ?? {};
      const metaJson = stableJson(metadata);
      if (doc.vector !== undefined) {
        // A vector computed elsewhere stands for the whole text: one passage, whose hash covers the vector too (the
        // same text with another vector is a change).
        const vector = Float32Array.from(doc.vector);
        const id = `${docId}#0`;
        given.set(id, vector);
        const vectorKey = Buffer.from(vector.buffer).toString('base64');
        byId.delete(docId);
        byId.set(docId, { doc, rows: [{ id, doc_id: docId, chunk: 0, text: doc.text, hash: contentHash(`${doc.text}\u0000${metaJson}\u0000${vectorKey}`), metadata: JSON.stringify(metadata) }] });
        return;
      }
      const rows = chunkText(doc.text, chunking).map((c) => ({
        id: `${docId}#${c.index}`,
        doc_id: docId,
        chunk: c.index,
        text: c.text,
        hash: contentHash(`${c.text}\u0000${metaJson}`),
        metadata: JSON.stringify(metadata),
      }));
      byId.delete(docId);
      byId.set(docId, { doc, rows });
    });
    const same = (docId: string, rows: { id: string; hash: string }[]) => {
      const have = known.hashes.get(docId);
      return have ? have.size === rows.length && rows.every((r) => have.get(r.id) === r.hash) : rows.length === 0;
    };
    let changed = [...byId].filter(([docId, { rows }]) => !same(docId, rows));
    if (changed.length === 0) return { skipped: batch.length, chunks: 0 };
    const pending = changed.flatMap(([, { rows }]) => rows).filter((r) => !given.has(r.id));
    const vectors = await this.embed(pending.map((r) => r.text));
    const vectorOf = new Map([...given, ...pending.map((r, i) => [r.id, vectors[i]] as const)]);
    let written = 0;
    await this.write(async () => {
      // Another process wrote since this one last looked: what add() knew of every document may be stale (not only
      // this batch's), so read it all again before deciding what is new.
      if ((await this.table.version()) !== known.version) {
        const now = await this.storedPassages();
        known.version = now.version;
        known.hashes = now.hashes;
        changed = changed.filter(([docId, { rows }]) => !same(docId, rows));
      }
      if (changed.length === 0) return;
      const metas = changed.flatMap(([, { doc, rows }]) => rows.map(() => doc.metadata ?? {}));
      const fields = await this.ensureFields(metas);
      const schema = await this.table.schema();
      const { lancedb } = await loadLanceDb();
      const toTable = (docs: typeof changed) =>
        lancedb.makeArrowTable(
          docs.flatMap(([, { doc, rows }]) =>
            rows.map((r) => {
              const row: Record<string, unknown> = { ...r, vector: Array.from(vectorOf.get(r.id)!) };
              for (const [key] of fields) row[columnOfField(key)] = columnValue((doc.metadata ?? {})[key]);
              return row;
            }),
          ),
          { schema },
        );
      // New documents are appended (a commit whose cost does not grow with the table); documents already stored
      // are replaced in one commit: their passages upserted and any older passage not among them (a document that
      // got shorter) deleted, so a crash leaves each document either old or new.
      const fresh = changed.filter(([docId, { rows }]) => !known.hashes.has(docId) && rows.length > 0);
      const stored = changed.filter(([docId]) => known.hashes.has(docId));
      if (fresh.length) await this.table.add(toTable(fresh));
      const replacing = stored.filter(([, { rows }]) => rows.length > 0);
      const inDocs = (docs: typeof changed) => `doc_id IN (${docs.map(([docId]) => sqlString(docId)).join(', ')})`;
      if (replacing.length) {
        await this.table.mergeInsert('id').whenMatchedUpdateAll().whenNotMatchedInsertAll().whenNotMatchedBySourceDelete({ where: inDocs(replacing) }).execute(toTable(replacing));
      }
      const emptied = stored.filter(([, { rows }]) => rows.length === 0);
      if (emptied.length) await this.table.delete(inDocs(emptied));
      for (const [docId, { rows }] of changed) {
        if (rows.length) known.hashes.set(docId, new Map(rows.map((r) => [r.id, r.hash])));
        else known.hashes.delete(docId);
        written += rows.length;
      }
      known.version = await this.table.version();
    });
    return { skipped: batch.length - changed.length, chunks: written };
  }

  /**
   * Every stored passage's id and hash by document, read once per add() (one scan, so that checking a batch costs
   * nothing however large the collection), with the table version it was read at.
   */
  private async storedPassages(): Promise<StoredPassages> {
    const version = await this.table.version();
    const hashes = new Map<string, Map<string, string>>();
    if ((await this.table.countRows()) > 0) {
      for await (const batch of this.table.query().select(['id', 'doc_id', 'hash'])) {
        const ids = batch.getChild('id')!;
        const docs = batch.getChild('doc_id')!;
        const hs = batch.getChild('hash')!;
        for (let i = 0; i < batch.numRows; i++) {
          const docId = docs.get(i) as string;
          let m = hashes.get(docId);
          if (!m) hashes.set(docId, (m = new Map()));
          m.set(ids.get(i) as string, hs.get(i) as string);
        }
      }
    }
    return { version, hashes };
  }

  /**
   * Embeds texts with the collection's encoder, refusing vectors of another dimension. A passage with no word the
   * model knows (word vectors only) is stored with a zero vector: vector search never returns it, keyword search can.
   */
  private async embed(texts: string[]): Promise<Float32Array[]> {
    // Documents that came with their vectors need no encoder (nor one opened).
    if (texts.length === 0) return [];
    const encoder = await this.encoder();
    const out: Float32Array[] = [];
    const encodeAll = async (part: string[]): Promise<void> => {
      if (part.length === 0) return;
      let vectors: Float32Array[];
      try {
        ({ vectors } = await encoder.encode(part));
      } catch (err) {
        if (!(err instanceof NoKnownWordError) || err.index >= part.length) throw err;
        await encodeAll(part.slice(0, err.index));
        out.push(new Float32Array(this.dim));
        return encodeAll(part.slice(err.index + 1));
      }
      for (const v of vectors) {
        if (v.length !== this.dim) {
          throw new InvalidArgumentError(`encoder ${encoder.id} gave a vector of dim ${v.length}, but collection ${this.path} holds dim ${this.dim}`);
        }
        out.push(v);
      }
    };
    for (let i = 0; i < texts.length; i += 256) await encodeAll(texts.slice(i, i + 256));
    return out;
  }

  /** Adds a column for every new filterable metadata field; a field given a value of another type is refused. */
  private async ensureFields(metas: Record<string, unknown>[]): Promise<Map<string, FieldType>> {
    const fields = await this.fields();
    const added = new Map<string, FieldType>();
    for (const meta of metas) {
      for (const [key, value] of Object.entries(meta)) {
        const type = metadataType(key, value);
        if (!type) continue;
        const known = fields.get(key) ?? added.get(key);
        if (known === undefined) added.set(key, type);
        else if (known !== type) {
          throw new InvalidArgumentError(`metadata field ${JSON.stringify(key)} holds ${known} values in collection ${this.path}; got a ${type} (${JSON.stringify(value)})`);
        }
      }
    }
    if (added.size) {
      await this.table.addColumns([...added].map(([key, type]) => ({ name: columnOfField(key), valueSql: `CAST(NULL AS ${SQL_TYPE[type]})` })));
    }
    for (const [k, t] of added) fields.set(k, t);
    return fields;
  }

  /**
   * Deletes documents by id (every passage of each), or single passages by passage id (`docId#chunk`). Returns how
   * many passages were deleted.
   */
  async delete(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const list = ids.map(sqlString).join(', ');
    return this.write(async () => {
      const before = await this.table.countRows();
      await this.table.delete(`doc_id IN (${list}) OR id IN (${list})`);
      const deleted = before - (await this.table.countRows());
      if (deleted > 0 && this.hnsw.exists()) await this.hnsw.sync();
      return deleted;
    });
  }

  /**
   * The stored passages of these documents (by document id) or passages (by passage id), in document and passage order.
   */
  async get(ids: readonly string[]): Promise<StoredChunk[]> {
    if (ids.length === 0) return [];
    const list = ids.map(sqlString).join(', ');
    const rows = await this.table.query().where(`doc_id IN (${list}) OR id IN (${list})`).select(['id', 'doc_id', 'chunk', 'text', 'metadata']).toArray();
    const order = new Map(ids.map((id, i) => [id, i]));
    const rank = (r: Record<string, unknown>) => order.get(r.doc_id as string) ?? order.get(r.id as string) ?? 0;
    rows.sort((a, b) => rank(a) - rank(b) || (a.doc_id < b.doc_id ? -1 : a.doc_id > b.doc_id ? 1 : 0) || a.chunk - b.chunk);
    return rows.map((r) => ({ id: r.id, docId: r.doc_id, chunk: r.chunk, text: r.text, metadata: JSON.parse(r.metadata) as Record<string, unknown> }));
  }

  /**
   * The passages closest to `query` (a text, embedded with the collection's encoder, or a vector of the collection's
   * dimension): exact cosine search, or the ANN index once one is built; with `hybrid`, fused with BM25 full-text
   * results; with `filter`, only passages whose metadata match; with `mmr`, re-ranked for diversity. With
   * `fetch: false`, ids and scores only (no row is read on the vector path).
   */
  async search(query: string | Float32Array, options: SearchOptions & { fetch: false }): Promise<ScoredPassage[]>;
  async search(query: string | Float32Array, options?: SearchOptions): Promise<SearchHit[]>;
  async search(query: string | Float32Array, options: SearchOptions = {}): Promise<SearchHit[] | ScoredPassage[]> {
    return this.searchResolved(query, resolveSearchOptions(options as Record<string, unknown>), true);
  }

  /**
   * search() with its options resolved. `retry`: when a hit's row is missing from the table (another process
   * committed since the version this process last read, so row ids moved), read the version and search again once.
   */
  private async searchResolved(query: string | Float32Array, options: ResolvedSearch, retry: boolean): Promise<SearchHit[] | ScoredPassage[]> {
    const { k, alpha, mmr, hybrid, filter, fetch } = options;
    if (hybrid && typeof query !== 'string') throw new InvalidArgumentError('hybrid search needs a text query (keywords), not a vector');
    const where = filter === undefined || filter.trim() === '' ? undefined : compileFilter(filter, await this.fields(), (f) => quoteColumn(columnOfField(f)));
    // Re-ranking needs more candidates than it returns; fusion takes a deeper list from each side (HYBRID_DEPTH).
    const pool = hybrid ? Math.max(4 * k, HYBRID_DEPTH) : mmr !== undefined ? Math.max(4 * k, 40) : k;
    let vector: Float32Array | undefined;
    try {
      vector = typeof query === 'string' ? await this.embedQuery(query) : this.checkVector(query);
    } catch (err) {
      // A query with no word the model knows can still match by keywords.
      if (!(hybrid && err instanceof NoKnownWordError)) throw err;
    }
    if (vector !== undefined && !fetch && !hybrid && mmr === undefined && where === undefined && !options.exact) {
      // The fast path: ids and scores from a graph known to be current, with no await and nothing read.
      const state = this.hnsw.now();
      if (state) return scoredFromGraph(state.index, vector, k, options.ef);
    }
    const withVectors = mmr !== undefined;
    const vectorHits = vector === undefined || (hybrid && alpha === 0) ? [] : await this.vectorCandidates(vector, pool, where, options, withVectors);
    let ranked: { id: string; score: number }[];
    let keywordHits = new Map<string, { score: number; row: HitRow }>();
    if (hybrid) {
      keywordHits = await this.keywordCandidates(query as string, pool, where, withVectors);
      ranked =
        options.fusion === 'convex'
          ? convexScoreFusion([
              { ids: vectorHits.map((h) => h.id), scores: vectorHits.map((h) => h.score), weight: alpha },
              { ids: [...keywordHits.keys()], scores: [...keywordHits.values()].map((h) => h.score), weight: 1 - alpha },
            ])
          : reciprocalRankFusion([
              { ids: vectorHits.map((h) => h.id), weight: alpha },
              { ids: [...keywordHits.keys()], weight: 1 - alpha },
            ]).filter((h) => h.score > 0);
    } else {
      ranked = vectorHits;
    }
    if (!fetch && mmr === undefined && !hybrid) {
      // Ids and scores only: nothing more to read.
      return vectorHits.slice(0, k).map((h) => scoredPassage(h.id, h.score));
    }
    const vectorScores = new Map(vectorHits.map((h) => [h.id, h.score]));
    const rows = new Map<string, HitRow>();
    for (const [id, h] of keywordHits) rows.set(id, h.row);
    for (const h of vectorHits) if (h.row) rows.set(h.id, h.row);
    // The vector hits found without their rows (exact scan, HNSW) are read in one batch, only those that can be returned.
    const wanted = new Set((mmr !== undefined ? ranked : ranked.slice(0, k)).map((h) => h.id));
    const unread = vectorHits.filter((h) => !rows.has(h.id) && h.rowId !== undefined && wanted.has(h.id));
    if (!(await this.readRows(unread, withVectors, rows)) && retry) {
      this.version.forget();
      return this.searchResolved(query, options, false);
    }
    let order = ranked.filter((h) => rows.has(h.id));
    if (mmr !== undefined && order.length > 0) {
      const top = order[0].score;
      // Relevance on the cosine scale: cosine itself, or the fused score relative to the best one.
      const relevance = order.map((h) => (hybrid ? h.score / top : h.score));
      const vecs = order.map((h) => rows.get(h.id)!.vector!);
      order = mmrOrder(relevance, vecs, mmr, k).map((i) => order[i]);
    }
    return order.slice(0, k).map((h) => {
      const r = rows.get(h.id)!;
      const hit: SearchHit = { id: h.id, docId: r.doc_id, chunk: r.chunk, text: r.text, score: h.score, metadata: JSON.parse(r.metadata) as Record<string, unknown> };
      const vs = vectorScores.get(h.id);
      if (vs !== undefined) hit.vectorScore = vs;
      const ks = keywordHits.get(h.id);
      if (ks !== undefined) hit.keywordScore = ks.score;
      if (!fetch) return { id: hit.id, docId: hit.docId, chunk: hit.chunk, score: hit.score, ...(vs !== undefined ? { vectorScore: vs } : {}), ...(ks !== undefined ? { keywordScore: ks.score } : {}) };
      return hit;
    });
  }

  /**
   * Reads the rows of hits found without them, in one request, into `rows` (by passage id). False when some are
   * not in the table as it is now: their row ids are of an older version.
   */
  private async readRows(hits: readonly VectorHit[], withVectors: boolean, rows: Map<string, HitRow>): Promise<boolean> {
    if (hits.length === 0) return true;
    const columns = [...HIT_COLUMNS, ...(withVectors ? ['vector'] : [])];
    let read: Record<string, unknown>[];
    try {
      read = await this.table.takeRowIds(hits.map((h) => h.rowId!)).select(columns).toArray();
    } catch (err) {
      // A row id of a fragment compaction removed; a search that cannot be explained so fails as it did.
      if (this.version.known() === undefined || (await this.table.version()) === this.version.lastRead) throw err;
      return false;
    }
    // A row id another commit gave to another passage reads that passage: it is not the hit.
    const asked = new Set(hits.map((h) => h.id));
    for (const r of read) if (asked.has(r.id as string)) rows.set(r.id as string, hitRow(r));
    return hits.every((h) => rows.has(h.id));
  }

  /**
   * Many searches at once, each as search() would answer it: text queries are embedded in one encoder call, the
   * HNSW graph is searched for all of them in one call, and the rows of all
   * the hits are read from the table in one request (a read costs about as much for one row as for hundreds), which
   * is what a vector search that wants the text spends most of its time on. Hybrid and MMR searches run one by one.
   */
  async searchMany(queries: readonly (string | Float32Array)[], options: SearchOptions & { fetch: false }): Promise<ScoredPassage[][]>;
  async searchMany(queries: readonly (string | Float32Array)[], options?: SearchOptions): Promise<SearchHit[][]>;
  async searchMany(queries: readonly (string | Float32Array)[], options: SearchOptions = {}): Promise<SearchHit[][] | ScoredPassage[][]> {
    const resolved = resolveSearchOptions(options as Record<string, unknown>);
    if (resolved.hybrid || resolved.mmr !== undefined) {
      const out: SearchHit[][] = [];
      for (const q of queries) out.push(await this.search(q, options));
      return out;
    }
    const { k, filter, fetch } = resolved;
    const where = filter === undefined || filter.trim() === '' ? undefined : compileFilter(filter, await this.fields(), (f) => quoteColumn(columnOfField(f)));
    const texts = queries.filter((q): q is string => typeof q === 'string');
    let embedded: Float32Array[] = [];
    if (texts.length) {
      const encoder = (await this.encoder()) as OpenedEncoder;
      ({ vectors: embedded } = encoder.encodeQueries ? await encoder.encodeQueries(texts) : await encoder.encode(texts));
    }
    let t = 0;
    const vectors = queries.map((q) => this.checkVector(typeof q === 'string' ? embedded[t++] : q));
    for (let attempt = 0; ; attempt++) {
      const found = await this.vectorCandidatesMany(vectors, k, where, resolved);
      if (!fetch) return found.map((hits) => hits.map((h) => scoredPassage(h.id, h.score)));
      const rows = new Map<string, HitRow>();
      for (const hits of found) for (const h of hits) if (h.row) rows.set(h.id, h.row);
      const unread = new Map<string, VectorHit>();
      for (const hits of found) for (const h of hits) if (!rows.has(h.id) && h.rowId !== undefined) unread.set(h.id, h);
      if (!(await this.readRows([...unread.values()], false, rows)) && attempt === 0) {
        this.version.forget();
        continue;
      }
      return found.map((hits) =>
        hits
          .filter((h) => rows.has(h.id))
          .map((h) => {
            const r = rows.get(h.id)!;
            return { id: h.id, docId: r.doc_id, chunk: r.chunk, text: r.text, score: h.score, metadata: JSON.parse(r.metadata) as Record<string, unknown>, vectorScore: h.score };
          }),
      );
    }
  }

  /** The k best passages of each query: the HNSW graph searched for all at once where it applies, else one by one. */
  private async vectorCandidatesMany(vectors: Float32Array[], k: number, where: string | undefined, options: ResolvedSearch): Promise<VectorHit[][]> {
    if (where === undefined && !options.exact && vectors.length > 1) {
      const version = await this.version.current();
      const state = this.hnsw.held(version) ?? (this.hnsw.exists() ? await this.hnsw.current() : undefined);
      if (state) {
        const flat = new Float32Array(vectors.length * this.dim);
        vectors.forEach((v, i) => flat.set(v, i * this.dim));
        const { index, rowIds } = state;
        const out: VectorHit[][] = [];
        index.searchMany(flat, options.ef, k, (_, count) => {
          const hits: VectorHit[] = [];
          const { slots, scores } = index.found;
          for (let i = 0; i < count && hits.length < k; i++) {
            const id = index.idOf(slots[i]);
            if (id !== null) hits.push({ id, score: scores[i], rowId: rowIds[slots[i]] });
          }
          out.push(hits);
        });
        return out;
      }
    }
    const found: VectorHit[][] = [];
    for (const v of vectors) found.push((await this.vectorCandidates(v, k, where, options, false)).slice(0, k));
    return found;
  }

  private async embedQuery(query: string): Promise<Float32Array> {
    const encoder = (await this.encoder()) as OpenedEncoder;
    const { vectors } = encoder.encodeQueries ? await encoder.encodeQueries([query]) : await encoder.encode([query]);
    return this.checkVector(vectors[0]);
  }

  private checkVector(v: Float32Array): Float32Array {
    if (v.length !== this.dim) throw new InvalidArgumentError(`query vector has dim ${v.length}, but collection ${this.path} holds dim ${this.dim}`);
    return v;
  }

  /** Whether LanceDB holds a vector index, per table version (listing indexes on every query costs a manifest read). */
  private async hasVectorIndex(): Promise<boolean> {
    const version = await this.version.current();
    if (this.indexState?.version !== version) {
      const indices = await this.table.listIndices();
      this.indexState = { version, vector: indices.some((i) => i.columns.includes('vector')), fts: indices.some((i) => i.indexType === 'FTS') };
    }
    return this.indexState.vector;
  }

  /**
   * The best passages by cosine: the HNSW graph, or the in-memory SIMD scan (both give row ids, the rows are read
   * later and only if wanted), or LanceDB's search (with the rows) where a filter or an IVF index applies.
   */
  private async vectorCandidates(vector: Float32Array, n: number, where: string | undefined, options: ResolvedSearch, withVectors: boolean): Promise<VectorHit[]> {
    // The HNSW index loaded for the table's current version is still the index: replacing or dropping it (building
    // an IVF index) commits to the table. Otherwise its files are looked for, so another process's build is seen.
    const version = options.exact ? undefined : await this.version.current();
    const held = options.exact ? undefined : this.hnsw.held(version);
    const hnsw = !options.exact && (held !== undefined || this.hnsw.exists());
    if (hnsw) {
      const state = held ?? (await this.hnsw.current());
      const hits = await this.hnsw.candidates(state, vector, n, where, options.ef);
      if (hits) return hits;
    }
    const indexed = !options.exact && !hnsw && (await this.hasVectorIndex());
    if (!indexed && where === undefined) {
      const index = await this.exactIndex();
      return index.search(vector, n).map((s) => ({ id: index.ids[s.index], score: s.score, rowId: index.rowIds[s.index] }));
    }
    const columns = [...HIT_COLUMNS, ...(withVectors ? ['vector'] : [])];
    let q = this.table.vectorSearch(Array.from(vector)).distanceType('cosine').select([...columns, '_distance']).limit(n);
    if (where !== undefined) q = q.where(where);
    if (indexed) q = q.nprobes(options.nprobes).refineFactor(options.refineFactor);
    else q = q.bypassVectorIndex();
    const rows = await q.toArray();
    return rows.filter((r) => Number.isFinite(r._distance)).map((r) => ({ id: r.id as string, score: 1 - (r._distance as number), row: hitRow(r) }));
  }

  /** BM25 full-text matches with their rows (the index is built on first use and kept current by add()). */
  private async keywordCandidates(query: string, n: number, where: string | undefined, withVectors: boolean): Promise<Map<string, { score: number; row: HitRow }>> {
    await this.ensureFullTextIndex();
    let q = this.table.search(query, 'fts').select([...HIT_COLUMNS, ...(withVectors ? ['vector'] : []), '_score']).limit(n);
    if (where !== undefined) q = q.where(where);
    const rows = await q.toArray();
    return new Map(rows.map((r) => [r.id as string, { score: r._score as number, row: hitRow(r) }]));
  }

  private async ensureFullTextIndex(): Promise<void> {
    const has = async () => (await this.table.listIndices()).some((i) => i.indexType === 'FTS');
    if (await has()) return;
    const { lancedb } = await loadLanceDb();
    await this.write(async () => {
      if (await has()) return;
      // Plain lower-cased words, no stemming or stop words: scores follow the BM25 formula on the text as written.
      await this.table.createIndex('text', { config: lancedb.Index.fts({ withPosition: false, stem: false, removeStopWords: false, asciiFolding: true, lowercase: true }) });
    });
  }

  /** The in-memory exact index of the table's current version (rebuilt after any commit, by any process). */
  private async exactIndex(): Promise<ExactIndex> {
    const version = await this.version.current();
    if (this.exact?.version === version) return this.exact.index;
    const ids: string[] = [];
    const rowIds: bigint[] = [];
    const chunks: Float32Array[] = [];
    for await (const batch of this.table.query().select(['id', 'vector']).withRowId()) {
      const idCol = batch.getChild('id')!;
      const vecCol = batch.getChild('vector')!;
      const rowIdCol = batch.getChild('_rowid')!;
      for (let i = 0; i < batch.numRows; i++) {
        ids.push(idCol.get(i) as string);
        rowIds.push(rowIdCol.get(i) as bigint);
      }
      // The FixedSizeList's child holds the batch's floats contiguously.
      const values = vecCol.data[0].children[0];
      const floats = (values.values as Float32Array).subarray(values.offset + vecCol.data[0].offset * this.dim, values.offset + (vecCol.data[0].offset + batch.numRows) * this.dim);
      chunks.push(floats);
    }
    const all = new Float32Array(ids.length * this.dim);
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    const index = await ExactIndex.build(ids, rowIds, all, this.dim);
    this.exact = { version, index };
    return index;
  }

  /**
   * Builds (or rebuilds) the approximate nearest-neighbour index over the vectors; searches use it from then on
   * (unless asked to be exact). IVF_PQ needs at least 256 rows to train its codebooks.
   */
  async buildAnnIndex(options: BuildAnnOptions = {}): Promise<void> {
    const resolved = resolveBuildAnnOptions(options as Record<string, unknown>);
    const type = resolved.type;
    if (type === 'hnsw') {
      if (!this.hnsw.dir) throw new InvalidArgumentError(`an hnsw index is kept in files beside the table, on local disk; collection ${this.path} is not local: build an ivf_pq or ivf_hnsw_sq index`);
      await loadHnswEngine();
      const settings = { connectivity: resolved.connectivity, expansionAdd: resolved.expansionAdd };
      await this.write(async () => {
        // One vector index at a time: searches would otherwise have to pick.
        const lance = (await this.table.listIndices()).find((i) => i.columns.includes('vector'));
        if (lance) await this.table.dropIndex(lance.name);
        this.hnsw.forget();
        await this.hnsw.sync({ rebuild: true, settings, threads: resolved.threads });
      });
      return;
    }
    const { lancedb } = await loadLanceDb();
    const rows = await this.count();
    if (type === 'ivf_pq' && rows < 256) throw new InvalidArgumentError(`an IVF_PQ index needs at least 256 rows to train on; collection ${this.path} has ${rows}`);
    const partitions = options.partitions ?? Math.max(1, Math.min(Math.round(Math.sqrt(rows)), Math.floor(rows / 40)));
    const dim = this.dim;
    const subVectors = options.subVectors ?? (dim % 4 === 0 ? dim / 4 : dim % 2 === 0 ? dim / 2 : dim);
    if (dim % subVectors !== 0) throw new InvalidArgumentError(`subVectors must divide the dimension ${dim}, got ${subVectors}`);
    const config =
      type === 'ivf_pq'
        ? lancedb.Index.ivfPq({ distanceType: 'cosine', numPartitions: partitions, numSubVectors: subVectors })
        : lancedb.Index.hnswSq({ distanceType: 'cosine', numPartitions: partitions });
    await this.write(async () => {
      await this.table.createIndex('vector', { config, replace: true });
      await this.hnsw.drop();
    });
  }

  /**
   * What the collection holds: its encoder, passages, documents, metadata fields and indexes.
   */
  async info(): Promise<CollectionInfo> {
    const docIds = new Set<string>();
    for await (const batch of this.table.query().select(['doc_id'])) {
      const col = batch.getChild('doc_id')!;
      for (let i = 0; i < batch.numRows; i++) docIds.add(col.get(i) as string);
    }
    const indices = await this.table.listIndices();
    const vector = indices.find((i) => i.columns.includes('vector'));
    return {
      path: this.path,
      encoder: this.record.encoder,
      rows: await this.count(),
      docs: docIds.size,
      fields: Object.fromEntries(await this.fields()),
      annIndex: this.hnsw.exists() ? 'hnsw' : vector ? (ANN_INDEX_TYPES[vector.indexType] ?? vector.indexType) : null,
      fullTextIndex: indices.some((i) => i.indexType === 'FTS'),
      version: await this.table.version(),
      createdAt: this.record.createdAt,
    };
  }

  /** A one-line description of the collection's encoder. */
  describeEncoder(): string {
    return describeEncoder(this.record.encoder);
  }

  /** Releases the table (and an encoder the collection opened itself). */
  async close(): Promise<void> {
    if (!this.options.encoder && this.encoderPromise) {
      const e = (await this.encoderPromise.catch(() => undefined)) as OpenedEncoder | undefined;
      await e?.dispose?.();
    }
    // Updates of the HNSW graph not saved yet are saved now; its memory goes with the last reference to it.
    await this.hnsw.close();
    this.table.close();
  }
}

export { FilterError };
