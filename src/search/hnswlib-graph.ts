import { importHnswPackage, type HnswEngine, type HnswFound, type HnswGraph, type HnswSettings } from './hnsw-graph.ts';

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
      return new HnswlibGraph(index, dim);
    },
    load(path: string, dim: number) {
      const index = new hnswlib.HierarchicalNSW('cosine', dim);
      index.readIndexSync(path);
      return new HnswlibGraph(index, dim);
    },
  };
}

class HnswlibGraph implements HnswGraph {
  /** The binding takes plain arrays: one reused for every vector passed in. */
  private readonly point: number[];
  /** The ef last set (a search explores max(ef, k)). */
  private ef = 1;

  constructor(
    private readonly index: HierarchicalNSW,
    private readonly dim: number,
  ) {
    this.point = new Array<number>(dim).fill(0);
    index.setEf(this.ef);
  }

  /** `threads` is not used: the binding adds one node per call, on this thread. */
  add(slots: readonly number[], vectors: Float32Array): void {
    const needed = this.index.getCurrentCount() + slots.length;
    let capacity = this.index.getMaxElements();
    if (needed > capacity) {
      while (capacity < needed) capacity *= 2;
      this.index.resizeIndex(capacity);
    }
    for (let i = 0; i < slots.length; i++) this.index.addPoint(this.copy(vectors, i), slots[i]);
  }

  remove(slots: readonly number[]): void {
    for (const slot of slots) {
      try {
        this.index.markDelete(slot);
      } catch (err) {
        // A slot that was never added (a zero vector) or is already deleted: nothing to do.
        if (!/not found|already deleted/i.test(String((err as Error).message))) throw err;
      }
    }
  }

  empty(): boolean {
    return this.index.getCurrentCount() === 0;
  }

  search(query: Float32Array, ef: number, take: number, found: HnswFound): number {
    // Asked for `take` results only: the binding makes a JavaScript number of each result it returns.
    const explore = Math.max(ef, take);
    if (explore !== this.ef) this.index.setEf((this.ef = explore));
    const { neighbors, distances } = this.index.searchKnn(this.copy(query, 0), Math.min(take, this.index.getMaxElements()));
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
    const v = this.index.getPoint(slot);
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
    this.index.writeIndexSync(path);
  }

  /** Row `row` of `vectors` in the reused plain array. */
  private copy(vectors: Float32Array, row: number): number[] {
    const { point, dim } = this;
    for (let j = 0, o = row * dim; j < dim; j++) point[j] = vectors[o + j];
    return point;
  }
}
