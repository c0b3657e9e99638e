import { closeSync, existsSync, openSync, promises as fsp, readFileSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { EmbedkitError } from '../errors.ts';
import { temporaryPathFor, writeFileAtomic } from '../util/atomic-write.ts';
import { loadHnswEngine } from './hnsw-engine.ts';
import { HnswFound, type HnswEngine, type HnswEngineName, type HnswGraph, type HnswSettings } from './hnsw-graph.ts';

export type { HnswSettings } from './hnsw-graph.ts';

/** One passage to index: its id, the hash of its stored content, and its vector (null: a zero vector, never found). */
export interface HnswEntry {
  id: string;
  hash: string;
  vector: Float32Array | null;
}

/**
 * The JSON file that names the graph file and says which passage each key stands for, as of which table version.
 * Format 1 (before hnswlib-node could hold the graph) has no `engine`: its graph is usearch's.
 */
interface HnswMeta {
  format: 1 | 2;
  tableVersion: number;
  /** The library that wrote the graph file (format 2). */
  engine?: HnswEngineName;
  dim: number;
  connectivity: number;
  expansionAdd: number;
  /** The graph, a file beside this one. */
  file: string;
  /** Passage id of each key (null: a key whose passage was deleted). */
  ids: (string | null)[];
  /** Content hash of each key's passage, as the table's `hash` column held it when it was indexed. */
  hashes: (string | null)[];
}

const META = 'index.json';
/** Graph files other processes may still be loading are kept this long after a newer one replaced them. */
const KEEP_REPLACED_MS = 60_000;

/**
 * An HNSW graph (hnswlib-node or usearch, hnsw-graph.ts) over a collection's passage vectors, kept beside the
 * LanceDB table. Its keys are its own
 * slot numbers, one per indexed passage, mapped to passage ids here: LanceDB's row ids change when compaction
 * rewrites fragments, passage ids do not. Each slot records the content hash of the passage it indexed, and the index
 * the table version it reflects, so a collection can tell which passages changed since (sync) and update the graph
 * in place: new and changed passages added, deleted and replaced ones removed from the graph.
 */
export class HnswIndex {
  /** Passage id → slot, for the live slots. */
  private readonly slotOf = new Map<string, number>();

  private constructor(
    private readonly engine: HnswEngine,
    private readonly graph: HnswGraph,
    readonly dim: number,
    readonly settings: HnswSettings,
    private readonly ids: (string | null)[],
    private readonly hashes: (string | null)[],
    /** The table version the index reflects. */
    public tableVersion: number,
  ) {
    ids.forEach((id, slot) => {
      if (id !== null) this.slotOf.set(id, slot);
    });
  }

  /** An empty index whose graph `engine` holds. */
  static create(engine: HnswEngine, dim: number, settings: HnswSettings, tableVersion: number): HnswIndex {
    return new HnswIndex(engine, engine.create(dim, settings), dim, settings, [], [], tableVersion);
  }

  /** The library that holds the graph. */
  get engineName(): HnswEngineName {
    return this.engine.name;
  }

  /** Passages indexed (live slots, zero vectors included). */
  get size(): number {
    return this.slotOf.size;
  }

  /** Slots ever given out (live and deleted): the length a per-slot array needs. */
  get slots(): number {
    return this.ids.length;
  }

  /** Slots freed by deletes, as a fraction of all slots: past one half a rebuild is cheaper to keep. */
  get deadFraction(): number {
    return this.ids.length === 0 ? 0 : 1 - this.slotOf.size / this.ids.length;
  }

  idOf(slot: number): string | null {
    return this.ids[slot] ?? null;
  }

  slot(id: string): number | undefined {
    return this.slotOf.get(id);
  }

  hashOf(slot: number): string | null {
    return this.hashes[slot] ?? null;
  }

  /** Every live passage id with its recorded hash. */
  *entries(): IterableIterator<[id: string, hash: string]> {
    for (const [id, slot] of this.slotOf) yield [id, this.hashes[slot]!];
  }

  /** Indexes passages (an id already indexed is replaced); `threads` link nodes in parallel (default: every core). */
  add(entries: readonly HnswEntry[], threads = availableParallelism()): void {
    this.remove(entries.map((e) => e.id).filter((id) => this.slotOf.has(id)));
    const keys: number[] = [];
    const vectors = new Float32Array(entries.length * this.dim);
    for (const e of entries) {
      const slot = this.ids.length;
      this.ids.push(e.id);
      this.hashes.push(e.hash);
      this.slotOf.set(e.id, slot);
      if (e.vector === null || isZero(e.vector)) continue;
      if (e.vector.length !== this.dim) throw new EmbedkitError('hnsw_dim', `passage ${e.id} has a vector of dim ${e.vector.length}, the index holds dim ${this.dim}`);
      vectors.set(e.vector, keys.length * this.dim);
      keys.push(slot);
    }
    if (keys.length === 0) return;
    this.graph.add(keys, vectors.subarray(0, keys.length * this.dim), Math.max(1, threads));
  }

  /** Drops passages from the index (ids it does not hold are ignored). */
  remove(ids: readonly string[]): void {
    const keys: number[] = [];
    for (const id of ids) {
      const slot = this.slotOf.get(id);
      if (slot === undefined) continue;
      this.slotOf.delete(id);
      this.ids[slot] = null;
      this.hashes[slot] = null;
      keys.push(slot);
    }
    if (keys.length === 0) return;
    // The graph marks the nodes deleted: searches pass through them but never return them.
    this.graph.remove(keys);
  }

  /**
   * Searches for the `take` slots nearest to `query` by cosine, exploring max(`ef`, `take`) candidates (HNSW's ef),
   * and returns how many it found; they are in `found.slots` and `found.scores` (cosine similarity), best first,
   * until the next search: the arrays are reused. The graph keeps the float32 vectors and computes the cosine of each
   * candidate, so the scores need no rescoring (near-ties are put in exact order).
   */
  search(query: Float32Array, ef: number, take = ef): number {
    const n = Math.min(take, this.slotOf.size);
    if (n <= 0 || this.graph.empty()) return 0;
    return this.graph.search(query, ef, n, this.found);
  }

  /**
   * Searches for many queries at once (`queries` holds them one after another), as search does; calls
   * `each(q, count)` after each query's results are put in `found`.
   */
  searchMany(queries: Float32Array, ef: number, take: number, each: (query: number, count: number) => void): void {
    const count = queries.length / this.dim;
    const n = Math.min(take, this.slotOf.size);
    if (n <= 0 || this.graph.empty()) {
      for (let q = 0; q < count; q++) each(q, 0);
      return;
    }
    this.graph.searchMany(queries, ef, n, this.found, each);
  }

  /** The slots and cosine similarities of one query's results, best first, valid until the next search. */
  readonly found = new HnswFound();

  /**
   * Saves the graph and its map in `dir` without ever showing a half-written pair: the graph goes to a new file
   * (written to a temporary name, then renamed), then the map naming it replaces the old one atomically. The graph
   * and the map are taken in one step (no add or remove can fall between them), and saves of one index run one after
   * another. Nothing is written when `dir` already holds an index of this table version or a later one (another
   * Collection or process saved it). Graph files no map names are removed once they are a minute old (a process may
   * still be loading one it read the name of).
   */
  save(dir: string): Promise<void> {
    const run = this.saving.then(() => this.saveNow(dir));
    this.saving = run.catch(() => undefined);
    return run;
  }

  private saving: Promise<void> = Promise.resolve();

  /** Settles when the saves asked for so far are done (or failed). */
  saved(): Promise<void> {
    return this.saving;
  }

  /**
   * Settles when the saves asked for so far are done and the graph's copy for searching (read back from the saved
   * file, where the library's graph has one) is in use; never rejects.
   */
  async searchReady(): Promise<void> {
    await this.saving;
    await this.graph.searchReady?.();
  }

  private async saveNow(dir: string): Promise<void> {
    await fsp.mkdir(dir, { recursive: true });
    if ((HnswIndex.savedTableVersion(dir) ?? -1) >= this.tableVersion) return;
    const file = `graph-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.${this.engine.name}`;
    const tmp = temporaryPathFor(join(dir, file));
    let meta: string;
    try {
      // Synchronous, so graph and map are of one moment.
      this.graph.save(tmp);
      meta = JSON.stringify({ format: 2, tableVersion: this.tableVersion, engine: this.engine.name, dim: this.dim, ...this.settings, file, ids: this.ids, hashes: this.hashes } satisfies HnswMeta);
      await fsp.rename(tmp, join(dir, file));
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    // Not waited for: searches go on with the graph in memory until its faster copy is read (searchReady).
    void this.graph.savedAt?.(join(dir, file));
    await writeFileAtomic(join(dir, META), meta, 'the HNSW index map');
    const now = Date.now();
    for (const name of await fsp.readdir(dir)) {
      if (!/^graph-.*\.(usearch|hnswlib)$/.test(name) || name === file) continue;
      const stat = await fsp.stat(join(dir, name)).catch(() => undefined);
      if (stat && now - stat.mtimeMs > KEEP_REPLACED_MS) await fsp.rm(join(dir, name), { force: true });
    }
  }

  /**
   * The table version of the index saved in `dir`, read from the head of its map (the map starts with it), or
   * undefined when there is none.
   */
  static savedTableVersion(dir: string): number | undefined {
    let fd: number | undefined;
    try {
      fd = openSync(join(dir, META), 'r');
      const head = Buffer.alloc(64);
      const n = readSync(fd, head, 0, head.length, 0);
      const m = /^\{"format":[12],"tableVersion":(\d+),/.exec(head.toString('utf8', 0, n));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Whether an index was saved in `dir`. */
  static exists(dir: string): boolean {
    return existsSync(join(dir, META));
  }

  /** The settings of the index saved in `dir`, read without loading the graph. */
  static savedSettings(dir: string): HnswSettings | undefined {
    try {
      const meta = JSON.parse(readFileSync(join(dir, META), 'utf8')) as HnswMeta;
      return { connectivity: meta.connectivity, expansionAdd: meta.expansionAdd };
    } catch {
      return undefined;
    }
  }

  /**
   * The index saved in `dir`, or undefined when none is there or it cannot be read (the caller rebuilds it). The
   * graph is read by the library that wrote it (usearch for a format-1 map); when that library is not installed
   * the index cannot be read, and is rebuilt with the one that is.
   */
  static async load(dir: string, dim: number): Promise<HnswIndex | undefined> {
    let meta: HnswMeta;
    try {
      meta = JSON.parse(readFileSync(join(dir, META), 'utf8')) as HnswMeta;
    } catch {
      return undefined;
    }
    if ((meta.format !== 1 && meta.format !== 2) || meta.dim !== dim || meta.ids.length !== meta.hashes.length) return undefined;
    const settings = { connectivity: meta.connectivity, expansionAdd: meta.expansionAdd };
    const name = meta.format === 1 ? 'usearch' : meta.engine;
    if (name !== 'usearch' && name !== 'hnswlib') return undefined;
    const engine = await loadHnswEngine(name).catch(() => undefined);
    if (!engine) return undefined;
    let graph: HnswGraph;
    try {
      graph = await engine.load(join(dir, meta.file), dim, settings);
    } catch {
      return undefined;
    }
    return new HnswIndex(engine, graph, dim, settings, meta.ids, meta.hashes, meta.tableVersion);
  }

  /** Removes a saved index. */
  static async drop(dir: string): Promise<void> {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

function isZero(v: Float32Array): boolean {
  for (const x of v) if (x !== 0) return false;
  return true;
}
