import { endianness } from 'node:os';
import { importHnswPackage, type HnswEngine, type HnswFound, type HnswGraph, type HnswSettings } from './hnsw-graph.ts';

type Usearch = (typeof import('usearch'))['default'];
type UsearchIndex = InstanceType<Usearch['Index']>;

const LITTLE_ENDIAN = endianness() === 'LE';

/** usearch's graphs (prebuilt binary; builds on many threads): the engine where hnswlib-node is not installed. */
export async function loadUsearchEngine(): Promise<HnswEngine> {
  const usearch = await importHnswPackage('usearch', async () => (await import('usearch')).default);
  const newIndex = (dim: number, settings: HnswSettings): UsearchIndex =>
    // expansion_search stays small: a search asks for max(ef, wanted) results, and usearch explores at least that many.
    new usearch.Index({ dimensions: dim, metric: usearch.MetricKind.Cos, quantization: usearch.ScalarKind.F32, connectivity: settings.connectivity, expansion_add: settings.expansionAdd, expansion_search: 16, multi: false });
  return {
    name: 'usearch',
    create: (dim, settings) => new UsearchGraph(newIndex(dim, settings)),
    load(path, dim, settings) {
      const index = newIndex(dim, settings);
      index.load(path);
      return new UsearchGraph(index);
    },
  };
}

class UsearchGraph implements HnswGraph {
  constructor(private readonly index: UsearchIndex) {}

  add(slots: readonly number[], vectors: Float32Array, threads: number): void {
    this.index.add(BigUint64Array.from(slots, BigInt), vectors, Math.max(1, threads));
  }

  remove(slots: readonly number[]): void {
    this.index.remove(BigUint64Array.from(slots, BigInt));
  }

  empty(): boolean {
    return this.index.size() === 0;
  }

  /** usearch accumulates float32 cosines in float64: its order is exact as it comes. */
  /** usearch explores max(its expansion, wanted) candidates: it is asked for max(ef, take) and the first `take` kept. */
  search(query: Float32Array, ef: number, take: number, found: HnswFound): number {
    // One thread: a single query gains nothing from more, and starting them costs more than the search.
    const { keys, distances } = this.index.search(query, Math.max(ef, take), 1);
    return put(found, keys, distances, 0, Math.min(take, keys.length));
  }

  /**
   * One call into usearch for all the queries. One thread: usearch searches on as many threads as it reserved
   * contexts for, which its JavaScript binding neither sets nor tells (a loaded graph may have one).
   */
  searchMany(queries: Float32Array, ef: number, take: number, found: HnswFound, each: (query: number, count: number) => void): void {
    const wanted = Math.max(ef, take);
    const batch = this.index.search(queries, wanted, 1);
    const count = queries.length / this.index.dimensions();
    // One query gives usearch's single-query answer, not a batch.
    if (count === 1) return each(0, put(found, batch.keys, batch.distances, 0, Math.min(take, batch.keys.length)));
    const { keys, distances, counts } = batch as unknown as { keys: BigUint64Array; distances: Float32Array; counts: BigUint64Array };
    for (let q = 0; q < count; q++) each(q, put(found, keys, distances, q * wanted, Math.min(take, Number(counts[q]))));
  }

  save(path: string): void {
    this.index.save(path);
  }
}

/** Puts usearch's keys and cosine distances into `found` as slots and similarities. */
function put(found: HnswFound, keys: BigUint64Array, distances: Float32Array, from: number, count: number): number {
  found.reserve(count);
  const { slots, scores } = found;
  // Slots fit in 32 bits: the low words of the little-endian 64-bit keys, read without making a BigInt per key.
  const words = LITTLE_ENDIAN ? new Uint32Array(keys.buffer, keys.byteOffset + from * 8, count * 2) : undefined;
  for (let i = 0; i < count; i++) {
    slots[i] = words ? words[2 * i] : Number(keys[from + i]);
    scores[i] = 1 - distances[from + i];
  }
  return count;
}
