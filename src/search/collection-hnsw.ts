import { availableParallelism } from 'node:os';
import type { Table } from '@lancedb/lancedb';
import { scoredPassage, type VectorHit } from './collection-hits.ts';
import type { ScoredPassage } from './collection-types.ts';
import type { TableVersion } from './collection-version.ts';
import { loadHnswEngine } from './hnsw-engine.ts';
import { HnswIndex, type HnswEntry, type HnswSettings } from './hnsw-index.ts';

/** Where a local collection keeps its HNSW index (hnsw-index.ts), beside LanceDB's files. */
export const HNSW_DIR = '.embedkit-hnsw';

/** The HNSW settings when none are given or saved. */
const DEFAULT_HNSW: HnswSettings = { connectivity: 16, expansionAdd: 128 };
/** Rows whose vectors are read in one request when the HNSW index takes them in. */
const HNSW_READ_BATCH = 8192;

/** The HNSW index of one table version, with the LanceDB row id of each slot's passage in that version. */
export interface HnswState {
  index: HnswIndex;
  version: number;
  rowIds: BigUint64Array;
  /** Filter → the slots it lets through, for this version. */
  masks: Map<string, FilterMask>;
}

interface FilterMask {
  bits: Uint8Array;
  count: number;
}

/** The k passages nearest to `vector` in the graph, searched with `ef` candidates, as fetch: false returns them. */
export function scoredFromGraph(index: HnswIndex, vector: Float32Array, k: number, ef: number): ScoredPassage[] {
  const count = index.search(vector, ef, k);
  const { slots, scores } = index.found;
  const out: ScoredPassage[] = [];
  for (let i = 0; i < count && out.length < k; i++) {
    const id = index.idOf(slots[i]);
    if (id !== null) out.push(scoredPassage(id, scores[i]));
  }
  return out;
}

/**
 * The HNSW graph kept beside a collection's table (local collections only): loaded, brought up to date after commits
 * and saved, and searched, for the Collection that holds it.
 */
export class CollectionHnsw {
  /** The graph of the table version it was last brought to, once loaded. */
  private state: HnswState | undefined;
  private syncing: Promise<HnswState> | undefined;
  /** The HNSW graph's save after the last commit, waiting for more commits to save with it. */
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly table: Table,
    private readonly dim: number,
    /** The HNSW index's folder (local collections only). */
    readonly dir: string | undefined,
    private readonly saveDelayMs: number,
    private readonly version: TableVersion,
  ) {}

  /** The HNSW graph when it reflects the table version known without asking (the search fast path), else undefined. */
  now(): HnswState | undefined {
    const version = this.version.known();
    return version !== undefined && this.state?.version === version ? this.state : undefined;
  }

  /** The graph when it reflects `version`, else undefined. */
  held(version: number | undefined): HnswState | undefined {
    return this.state?.version === version ? this.state : undefined;
  }

  /** Whether an HNSW index is kept beside the table (a file test, so another process's build is seen at once). */
  exists(): boolean {
    return this.dir !== undefined && HnswIndex.exists(this.dir);
  }

  /**
   * HNSW search: the `max(ef, n)` nearest slots, the first n returned. With a filter, the graph is asked for more
   * (as many more as the filter is selective) and the hits that pass are kept; undefined (the caller scans exactly)
   * when the filter passes under 2% of the passages or too few of the candidates pass.
   */
  async candidates(state: HnswState, vector: Float32Array, n: number, where: string | undefined, ef: number): Promise<VectorHit[] | undefined> {
    const { index, rowIds } = state;
    const base = Math.max(ef, n);
    let mask: FilterMask | undefined;
    let wanted = base;
    if (where !== undefined) {
      mask = await this.filterMask(state, where);
      if (mask.count === 0) return [];
      const passing = mask.count / Math.max(1, index.size);
      if (passing < 0.02) return undefined;
      wanted = Math.ceil(Math.min(base / passing, 50 * base) * 1.2);
    }
    // Without a filter the first n are kept; with one, any of the candidates may be among them.
    const count = index.search(vector, wanted, mask ? wanted : n);
    const { slots, scores } = index.found;
    const out: VectorHit[] = [];
    for (let i = 0; i < count && out.length < n; i++) {
      const slot = slots[i];
      if (mask && !mask.bits[slot]) continue;
      const id = index.idOf(slot);
      if (id !== null) out.push({ id, score: scores[i], rowId: rowIds[slot] });
    }
    if (mask && out.length < Math.min(n, mask.count)) return undefined;
    return out;
  }

  /** Which slots a filter lets through, asked of LanceDB once per filter and table version (the last 16 kept). */
  private async filterMask(state: HnswState, where: string): Promise<FilterMask> {
    const cached = state.masks.get(where);
    if (cached) return cached;
    const bits = new Uint8Array(state.index.slots);
    let count = 0;
    for await (const batch of this.table.query().where(where).select(['id'])) {
      const ids = batch.getChild('id')!;
      for (let i = 0; i < batch.numRows; i++) {
        const slot = state.index.slot(ids.get(i) as string);
        if (slot !== undefined && !bits[slot]) {
          bits[slot] = 1;
          count++;
        }
      }
    }
    const mask = { bits, count };
    if (state.masks.size >= 16) state.masks.delete(state.masks.keys().next().value!);
    state.masks.set(where, mask);
    return mask;
  }

  /** The HNSW index as of the table's current version: loaded on first use, brought up to date after any commit. */
  async current(): Promise<HnswState> {
    const version = await this.version.current();
    if (this.state?.version === version) return this.state;
    this.syncing ??= this.sync({ reader: true }).finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /**
   * Brings the HNSW index up to the table's current version and saves it: the saved index is loaded (or, when there
   * is none, built from every row), then compared with the table by passage id and content hash (one read of those
   * two columns, no vectors): passages that are new or changed are added with their vectors, deleted ones removed.
   * A rebuild (`rebuild`, or when deletes left more than half the slots dead) starts from an empty graph.
   *
   * A graph built or loaded here is saved at once (another process then finds it current). A graph this object
   * already held and updated is saved hnswSaveDelayMs later (OpenCollectionOptions), with every update made meanwhile, or on close: a
   * save writes the whole graph, and a stream of small commits would otherwise write it once per commit. A process
   * that ends before saving loses nothing: the next one to load the saved graph brings it up to date as above.
   */
  async sync(build: { rebuild?: boolean; settings?: HnswSettings; threads?: number; reader?: boolean } = {}): Promise<HnswState> {
    const engine = await loadHnswEngine();
    const dir = this.dir!;
    const version = await this.version.read();
    const held = build.rebuild ? undefined : this.state?.index;
    let index = build.rebuild ? undefined : (held ?? (await HnswIndex.load(dir, this.dim)));
    const settings = build.settings ?? index?.settings ?? HnswIndex.savedSettings(dir) ?? DEFAULT_HNSW;
    const ids: string[] = [];
    const hashes: string[] = [];
    const rowIds: bigint[] = [];
    for await (const batch of this.table.query().select(['id', 'hash']).withRowId()) {
      const idCol = batch.getChild('id')!;
      const hashCol = batch.getChild('hash')!;
      const rowIdCol = batch.getChild('_rowid')!;
      for (let i = 0; i < batch.numRows; i++) {
        ids.push(idCol.get(i) as string);
        hashes.push(hashCol.get(i) as string);
        rowIds.push(rowIdCol.get(i) as bigint);
      }
    }
    const present = new Set(ids);
    const gone = index ? [...index.entries()].filter(([id]) => !present.has(id)).map(([id]) => id) : [];
    let changed: number[] = [];
    if (index) {
      for (let i = 0; i < ids.length; i++) {
        const slot = index.slot(ids[i]);
        if (slot === undefined || index.hashOf(slot) !== hashes[i]) changed.push(i);
      }
      const dead = (index.slots - index.size + gone.length + changed.length) / (index.slots + changed.length);
      if (dead > 0.5) index = undefined;
    }
    const dirty = index === undefined || index.tableVersion !== version || gone.length > 0 || changed.length > 0;
    if (!index) {
      index = HnswIndex.create(engine, this.dim, settings, version);
      changed = ids.map((_, i) => i);
    }
    index.remove(gone);
    const threads = build.threads ?? availableParallelism();
    // Vectors of the passages to add, read by row id in slices (a full build reads them all the same way).
    for (let from = 0; from < changed.length; from += HNSW_READ_BATCH) {
      const part = changed.slice(from, from + HNSW_READ_BATCH);
      const read = await this.table.takeRowIds(part.map((i) => rowIds[i])).select(['id', 'vector']).toArray();
      const vectorOf = new Map(read.map((r) => [r.id as string, r.vector ? Float32Array.from(r.vector as ArrayLike<number>) : null]));
      const entries: HnswEntry[] = part.map((i) => ({ id: ids[i], hash: hashes[i], vector: vectorOf.get(ids[i]) ?? null }));
      index.add(entries, threads);
    }
    index.tableVersion = version;
    const rowIdOf = new BigUint64Array(index.slots);
    for (let i = 0; i < ids.length; i++) rowIdOf[index.slot(ids[i])!] = rowIds[i];
    this.state = { index, version, rowIds: rowIdOf, masks: new Map() };
    if (dirty && index === held && this.saveDelayMs > 0) {
      this.scheduleSave();
    } else if (dirty) {
      this.cancelSave();
      // A search that cannot write the folder (read-only disk, no permission) still uses the index it brought up to
      // date in memory; a write that cannot save it fails.
      await index.save(dir).catch((err: unknown) => {
        if (!build.reader) throw err;
      });
      // A graph saved whole (built or rebuilt) is read back for searching before the first search; a second or
      // so at a million rows, against minutes of building.
      await index.searchReady();
    }
    return this.state;
  }

  /** Saves the HNSW graph hnswSaveDelayMs from now, with the updates made until then (one save for a burst of commits). */
  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      // Unsaved, the graph is brought up to date from the table by whoever loads it next: a failure costs time only.
      this.state?.index.save(this.dir!).catch(() => undefined);
    }, this.saveDelayMs);
    // A waiting save never keeps the process alive.
    this.saveTimer.unref();
  }

  private cancelSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
  }

  /** Makes the waiting save now, if there is one (close() does), and waits for any save under way. */
  private async flushSave(): Promise<void> {
    const waiting = this.saveTimer !== undefined;
    this.cancelSave();
    if (waiting) await this.state?.index.save(this.dir!);
    await this.state?.index.saved();
  }

  /** Lets go of the graph held, without saving (a rebuild starts from none). */
  forget(): void {
    this.state = undefined;
  }

  /** Drops the graph: its files and what this object holds (an IVF index replaces it). */
  async drop(): Promise<void> {
    // A graph save still waiting would write the dropped index again.
    this.cancelSave();
    await this.state?.index.saved();
    if (this.dir) await HnswIndex.drop(this.dir);
    this.state = undefined;
  }

  /** Saves the updates not saved yet; the graph's memory goes with the last reference to it. */
  async close(): Promise<void> {
    await this.flushSave().catch(() => undefined);
    this.state = undefined;
  }
}
