import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importHnswPackage, type HnswEngine, type HnswFound, type HnswGraph, type HnswSettings } from './hnsw-graph.ts';
import { HnswlibSnapshot } from './hnswlib-snapshot.ts';

type Hnswlib = typeof import('hnswlib-node');
type HierarchicalNSW = InstanceType<Hnswlib['HierarchicalNSW']>;

/** Seed of the random levels nodes are given, so a graph built twice from the same rows is the same graph. */
const SEED = 100;
/** Nodes a new graph has room for before it first grows (it doubles each time it is full). */
const INITIAL_CAPACITY = 1024;
/** Results whose float32 scores differ by less are rescored in float64 (float32's error on a cosine of dim ≤ 4096). */
const TIE = 1e-5;

/**
 * hnswlib-node's graphs: the engine where it is installed (its native part compiles at install). Its search is
 * 1.7–3× usearch's at equal recall on the benchmarks' data; its binding links nodes on the calling thread only.
 * A saved graph that is only searched is read by embedkit's native addon instead (HnswlibSnapshot), where it is
 * built: the same search, 1.4–1.8× as fast (README, search).
 */
export async function loadHnswlibEngine(): Promise<HnswEngine> {
  // A CommonJS addon: Node gives its exports as the module's default.
  const hnswlib = await importHnswPackage('hnswlib-node', async () => {
    const m = (await import('hnswlib-node')) as Hnswlib & { default?: Hnswlib };
    return m.default ?? m;
  });
  return {
    name: 'hnswlib',
    create(dim: number, settings: HnswSettings) {
      // 'cosine' normalises each vector as it is added and each query as it is searched, then ranks by dot product.
      const index = new hnswlib.HierarchicalNSW('cosine', dim);
      index.initIndex({ maxElements: INITIAL_CAPACITY, m: settings.connectivity, efConstruction: settings.expansionAdd, randomSeed: SEED });
      return new HnswlibGraph(hnswlib, dim, index, undefined);
    },
    async load(path: string, dim: number) {
      // Both read the file on another thread: a server loading a large graph goes on answering meanwhile.
      const snapshot = await HnswlibSnapshot.open(path, dim);
      if (snapshot) return new HnswlibGraph(hnswlib, dim, undefined, { snapshot, path });
      const index = new hnswlib.HierarchicalNSW('cosine', dim);
      await index.readIndex(path);
      return new HnswlibGraph(hnswlib, dim, index, { path });
    },
  };
}

/** The file that holds the graph as it is now, and the native copy of it once one is read. */
interface SavedGraph {
  path: string;
  snapshot?: HnswlibSnapshot;
}

/**
 * One graph in one of two forms: hnswlib-node's (to change it, and to search it until a native copy is read, or
 * where the native addon is not built) or a native snapshot of its saved file (to search it). A save starts reading
 * the file into a snapshot off the event loop; once read, and if the graph has not changed meanwhile, searches use
 * it and hnswlib-node's copy is freed, so one copy is held at a time. The next change reads the file back into
 * hnswlib-node (as loading a graph does; a save already writes the whole file).
 */
class HnswlibGraph implements HnswGraph {
  /** The binding takes plain arrays: one reused for every vector passed in. */
  private readonly point: number[];
  /** The ef last set on hnswlib-node's copy (a search explores max(ef, k)); 0: none yet. */
  private ef = 0;
  /** Changes made (adds and removes), and how many there were when the graph was last written by save. */
  private changes = 0;
  private changesAtSave = -1;
  /** Settles when the snapshot being read (if any) is in use or given up. */
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly hnswlib: Hnswlib,
    private readonly dim: number,
    /** hnswlib-node's copy (undefined while a snapshot holds the graph). */
    private index: HierarchicalNSW | undefined,
    /** The file holding the graph as it is now (undefined after a change not yet saved). */
    private saved: SavedGraph | undefined,
  ) {
    this.point = new Array<number>(dim).fill(0);
  }

  /** Which copy searches read now: 'native' (a snapshot) or 'hnswlib' (hnswlib-node's). */
  get searcher(): 'native' | 'hnswlib' {
    return this.saved?.snapshot ? 'native' : 'hnswlib';
  }

  savedAt(path: string): Promise<void> {
    // A change between the save and its move: the file is already behind the graph.
    if (this.changes !== this.changesAtSave) return this.reading;
    if (this.saved) {
      this.saved.path = path;
      return this.reading;
    }
    const saved: SavedGraph = { path };
    this.saved = saved;
    this.reading = HnswlibSnapshot.open(path, this.dim).then(
      (snapshot) => {
        if (!snapshot) return;
        // Changed (or saved again) while the file was read: this copy is behind.
        if (this.saved !== saved) return snapshot.close();
        saved.snapshot = snapshot;
        // hnswlib-node frees a graph only when its object is collected; a new one-node graph frees it now.
        this.index?.initIndex({ maxElements: 1 });
        this.index = undefined;
      },
      // Unreadable (gone already, or no memory for a second copy): hnswlib-node's copy goes on searching.
      () => undefined,
    );
    return this.reading;
  }

  /** Settles when the snapshot being read after the last save is in use (or given up). */
  searchReady(): Promise<void> {
    return this.reading;
  }

  /** hnswlib-node's copy, read from the saved file (or from the snapshot) when a snapshot holds the graph. */
  private writable(): HierarchicalNSW {
    let index = this.index;
    if (!index) {
      const { path, snapshot } = this.saved!;
      index = new this.hnswlib.HierarchicalNSW('cosine', this.dim);
      try {
        index.readIndexSync(path);
      } catch {
        // The file is gone (another process saved a newer graph and removed it): the snapshot writes the same bytes.
        const copy = join(tmpdir(), `embedkit-hnsw-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.hnswlib`);
        try {
          snapshot!.save(copy);
          index.readIndexSync(copy);
        } finally {
          rmSync(copy, { force: true });
        }
      }
      this.index = index;
      this.ef = 0;
    }
    this.saved?.snapshot?.close();
    this.saved = undefined;
    this.changes++;
    return index;
  }

  /** `threads` is not used: the binding adds one node per call, on this thread. */
  add(slots: readonly number[], vectors: Float32Array): void {
    const index = this.writable();
    const needed = index.getCurrentCount() + slots.length;
    let capacity = Math.max(1, index.getMaxElements());
    if (needed > capacity) {
      while (capacity < needed) capacity *= 2;
      index.resizeIndex(capacity);
    }
    for (let i = 0; i < slots.length; i++) index.addPoint(this.copy(vectors, i), slots[i]);
  }

  remove(slots: readonly number[]): void {
    const index = this.writable();
    for (const slot of slots) {
      try {
        index.markDelete(slot);
      } catch (err) {
        // A slot that was never added (a zero vector) or is already deleted: nothing to do.
        if (!/not found|already deleted/i.test(String((err as Error).message))) throw err;
      }
    }
  }

  empty(): boolean {
    const snapshot = this.saved?.snapshot;
    return snapshot ? snapshot.count === 0 : this.index!.getCurrentCount() === 0;
  }

  search(query: Float32Array, ef: number, take: number, found: HnswFound): number {
    const snapshot = this.saved?.snapshot;
    if (snapshot) return snapshot.search(query, ef, take, found);
    const index = this.index!;
    // Asked for `take` results only: the binding makes a JavaScript number of each result it returns.
    const explore = Math.max(ef, take);
    if (explore !== this.ef) index.setEf((this.ef = explore));
    const { neighbors, distances } = index.searchKnn(this.copy(query, 0), Math.min(take, index.getMaxElements()));
    const count = neighbors.length;
    found.reserve(count);
    const { slots, scores } = found;
    for (let i = 0; i < count; i++) {
      slots[i] = neighbors[i];
      scores[i] = 1 - distances[i];
    }
    this.settleTies(query, found, count);
    return count;
  }

  /**
   * hnswlib scores in float32, whose rounding (about 1e-7 per term) can swap two results whose cosines differ by
   * less: a near-duplicate of the query found after the query's own twin. Each run of results within TIE of each
   * other is rescored in float64 from the stored vectors and put in order. Runs are rare (near-duplicates), so this
   * reads few vectors.
   */
  private settleTies(query: Float32Array, found: HnswFound, count: number): void {
    const { slots, scores } = found;
    let qq = 0;
    for (let i = 0; i < this.dim; i++) qq += query[i] * query[i];
    const qNorm = Math.sqrt(qq);
    for (let start = 0; start < count; ) {
      let end = start + 1;
      while (end < count && scores[end - 1] - scores[end] < TIE) end++;
      if (end - start > 1 && qNorm > 0) {
        const run = [];
        for (let i = start; i < end; i++) run.push({ slot: slots[i], score: this.exactCosine(query, qNorm, slots[i]) });
        run.sort((a, b) => b.score - a.score);
        run.forEach((r, j) => {
          slots[start + j] = r.slot;
          scores[start + j] = r.score;
        });
      }
      start = end;
    }
  }

  /** Cosine of the query with a stored (unit) vector, in float64. */
  private exactCosine(query: Float32Array, qNorm: number, slot: number): number {
    const v = this.index!.getPoint(slot);
    let dot = 0;
    let vv = 0;
    for (let i = 0; i < this.dim; i++) {
      dot += query[i] * v[i];
      vv += v[i] * v[i];
    }
    return vv > 0 ? dot / (qNorm * Math.sqrt(vv)) : 0;
  }

  searchMany(queries: Float32Array, ef: number, take: number, found: HnswFound, each: (query: number, count: number) => void): void {
    const count = queries.length / this.dim;
    for (let q = 0; q < count; q++) each(q, this.search(queries.subarray(q * this.dim, (q + 1) * this.dim), ef, take, found));
  }

  save(path: string): void {
    const snapshot = this.saved?.snapshot;
    if (snapshot) snapshot.save(path);
    else this.index!.writeIndexSync(path);
    this.changesAtSave = this.changes;
  }


  /** Row `row` of `vectors` in the reused plain array. */
  private copy(vectors: Float32Array, row: number): number[] {
    const { point, dim } = this;
    for (let j = 0, o = row * dim; j < dim; j++) point[j] = vectors[o + j];
    return point;
  }
}
