import { importOptional } from '../util/optional-import.ts';

/** How the HNSW graph is built (recorded with the index; a rebuild keeps them unless told otherwise). */
export interface HnswSettings {
  /** Neighbours per node (HNSW's M). */
  connectivity: number;
  /** Candidates considered when linking a new node (efConstruction). */
  expansionAdd: number;
}

/** The library that holds a collection's HNSW graph: hnswlib-node where installed, usearch otherwise. */
export type HnswEngineName = 'hnswlib' | 'usearch';

/** One search's results, best first: slots and cosine similarities, reused from search to search. */
export class HnswFound {
  slots = new Uint32Array(64);
  scores = new Float32Array(64);

  /** Makes room for `count` results (the arrays are replaced when they are too short). */
  reserve(count: number): void {
    if (this.slots.length >= count) return;
    const size = Math.max(count, 2 * this.slots.length);
    this.slots = new Uint32Array(size);
    this.scores = new Float32Array(size);
  }
}

/**
 * A graph over unit-length cosine: nodes are keyed by slot number (a 32-bit integer), scores are cosine
 * similarities computed from the float32 vectors the graph holds.
 */
export interface HnswGraph {
  /** Links `slots[i]`'s vector (row i of `vectors`) into the graph; `threads` where the library builds in parallel. */
  add(slots: readonly number[], vectors: Float32Array, threads: number): void;
  /** Marks slots deleted: searches pass through them but never return them. Slots never added are ignored. */
  remove(slots: readonly number[]): void;
  /** Whether no node was ever added (a search would find nothing). */
  empty(): boolean;
  /**
   * Explores max(`ef`, `take`) candidates (HNSW's ef) and puts the `take` nearest live slots into `found`, in exact
   * order, near-ties included (a graph that scores in float32 rescores those); returns how many it found.
   */
  search(query: Float32Array, ef: number, take: number, found: HnswFound): number;
  /** search for each of the queries held one after another in `queries`; `each` reads `found` after each query. */
  searchMany(queries: Float32Array, ef: number, take: number, found: HnswFound, each: (query: number, count: number) => void): void;
  /** Writes the graph to `path` (synchronously, so the caller's map is of the same moment). */
  save(path: string): void;
  /**
   * Says where the file last written by save now is (moved into place): a graph unchanged since may read it back
   * for searching (hnswlib's is searched from a native copy of it). Settles when that copy is in use or given up.
   */
  savedAt?(path: string): Promise<void>;
  /** Settles when the copy being read for searching after the last save (if any) is in use or given up. */
  searchReady?(): Promise<void>;
}

/** Makes and reads the graphs of one library. */
export interface HnswEngine {
  readonly name: HnswEngineName;
  create(dim: number, settings: HnswSettings): HnswGraph;
  /** The graph saved at `path` (read off the event loop where the library can); throws when it cannot be read. */
  load(path: string, dim: number, settings: HnswSettings): HnswGraph | Promise<HnswGraph>;
}

/** Loads an HNSW library package through importOptional, naming the feature that needs it. */
export function importHnswPackage<T>(name: 'hnswlib-node' | 'usearch', load: () => Promise<T>): Promise<T> {
  return importOptional(name, 'An HNSW index', load);
}
