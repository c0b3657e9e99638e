/**
 * One ANN library on one data set, in its own process so its peak memory is its own (bench/search.bench.ts runs
 * it under /usr/bin/time): builds the index over the base rows, then for each search setting runs every query
 * one at a time and reports recall@10 against the exact answers and queries per second.
 *
 * Recall counts ties as ann-benchmarks does: a returned row is right when it is one of the exact ten or as near the
 * query as the exact tenth (within float rounding). en-mix repeats lines, and among rows with one vector the exact
 * search's pick is arbitrary, so counting ids alone capped every library near 0.967 however wide its search.
 *
 *   node --import tsx bench/lib/ann-engine.ts '<json spec>'   → one JSON line on stdout
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dot, norm } from '../../src/kernels/similarity.ts';

export type AnnEngine = 'data' | 'hnswlib' | 'usearch' | 'embedkit-hnsw' | 'embedkit-hnsw-rows' | 'embedkit-ivf_pq' | 'embedkit-ivf_hnsw_sq';

export interface AnnSpec {
  engine: AnnEngine;
  /** Raw little-endian float32 rows. */
  base: string;
  rows: number;
  queries: string;
  queryCount: number;
  dim: number;
  /** Exact top-10 row indices per query (int32). */
  truth: string;
  threads: number;
  /** The search settings to sweep, cheapest first (ef, expansion, or [nprobes, refineFactor]). */
  sweep: (number | [number, number])[];
  /** Stop the sweep once recall@10 reaches this. */
  stopAt: number;
}

export interface SweepPoint {
  setting: string;
  /** recall@10 with ties (see above). */
  recall: number;
  /** recall@10 counting the exact search's ids only. */
  recallIds: number;
  /** Queries per second of wall-clock time. */
  qps: number;
  /**
   * Queries per second of this process's CPU time (user + system, all its threads): on a shared, loaded machine the
   * wall clock counts the time other processes ran; the CPU time of a one-thread search does not.
   */
  cpuQps: number;
}

export interface AnnReport {
  engine: AnnEngine;
  buildSeconds: number;
  /** Seconds to store the rows before the index build (the collection's ingest), when separate. */
  ingestSeconds?: number;
  diskMiB?: number;
  sweep: SweepPoint[];
}

const K = 10;

function readF32(path: string, count: number): Float32Array {
  const b = readFileSync(path);
  if (b.byteLength < count * 4) throw new Error(`${path} holds ${b.byteLength} bytes, expected ${count * 4}`);
  return new Float32Array(b.buffer, b.byteOffset, count);
}

function dirMiB(path: string): number {
  let bytes = 0;
  const walk = (p: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const q = join(p, e.name);
      if (e.isDirectory()) walk(q);
      else bytes += statSync(q).size;
    }
  };
  walk(path);
  return bytes / 2 ** 20;
}

/** Cosine of query q with row `row` of base, by the reference kernels (−Infinity for a zero vector: never a tie). */
function cosine(base: Float32Array, row: number, q: Float32Array): number {
  const v = base.subarray(row * q.length, (row + 1) * q.length);
  const n = norm(v) * norm(q);
  return n > 0 ? dot(v, q) / n : -Infinity;
}

/** Float rounding between the exact kernel's float32 cosines and these float64 ones. */
const TIE = 1e-5;

async function sweep(spec: AnnSpec, base: Float32Array, truth: Int32Array, queries: Float32Array, setup: (s: AnnSpec['sweep'][number]) => Promise<void> | void, search: (q: Float32Array) => Promise<number[]> | number[]): Promise<SweepPoint[]> {
  const out: SweepPoint[] = [];
  for (const setting of spec.sweep) {
    await setup(setting);
    await search(queries.subarray(0, spec.dim)); // warm-up
    const answers: number[][] = [];
    const t = performance.now();
    const cpu = process.cpuUsage();
    for (let q = 0; q < spec.queryCount; q++) answers.push(await search(queries.subarray(q * spec.dim, (q + 1) * spec.dim)));
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - t) / 1000;
    // Scored after the clock stops.
    let found = 0;
    let foundIds = 0;
    for (let q = 0; q < spec.queryCount; q++) {
      const query = queries.subarray(q * spec.dim, (q + 1) * spec.dim);
      const want = truth.subarray(q * K, (q + 1) * K);
      const tenth = cosine(base, want[K - 1], query);
      for (const id of new Set(answers[q].slice(0, K))) {
        if (want.includes(id)) foundIds++;
        if (want.includes(id) || cosine(base, id, query) >= tenth - TIE) found++;
      }
    }
    const point = {
      setting: Array.isArray(setting) ? `nprobes ${setting[0]}, refine ${setting[1]}` : String(setting),
      recall: found / (K * spec.queryCount),
      recallIds: foundIds / (K * spec.queryCount),
      qps: spec.queryCount / seconds,
      cpuQps: spec.queryCount / ((used.user + used.system) / 1e6),
    };
    out.push(point);
    console.error(`  ${spec.engine} ${point.setting}: recall@10 ${point.recall.toFixed(4)} (ids alone ${point.recallIds.toFixed(4)}), ${point.qps.toFixed(0)} q/s, ${point.cpuQps.toFixed(0)} q/s by CPU time`);
    if (point.recall >= spec.stopAt) break;
  }
  return out;
}

async function run(spec: AnnSpec): Promise<AnnReport> {
  const { dim } = spec;
  const base = readF32(spec.base, spec.rows * dim);
  const queries = readF32(spec.queries, spec.queryCount * dim);
  const tb = readFileSync(spec.truth);
  const truth = new Int32Array(tb.buffer, tb.byteOffset, spec.queryCount * K);
  const tmp = mkdtempSync(join(tmpdir(), 'embedkit-bench-ann-'));
  try {
    if (spec.engine === 'data') return { engine: spec.engine, buildSeconds: 0, sweep: [] };
    if (spec.engine === 'hnswlib') {
      const { default: hnswlib } = await import('hnswlib-node');
      const index = new hnswlib.HierarchicalNSW('cosine', dim);
      const t = performance.now();
      // The graph settings every library here is built with: M 16, efConstruction 128 (the collection's defaults);
      // hnswlib-node adds points on one thread.
      index.initIndex(spec.rows, 16, 128, 100);
      for (let i = 0; i < spec.rows; i++) index.addPoint(Array.from(base.subarray(i * dim, (i + 1) * dim)), i);
      const buildSeconds = (performance.now() - t) / 1000;
      const points = await sweep(spec, base, truth, queries, (ef) => index.setEf(ef as number), (q) => index.searchKnn(Array.from(q), K).neighbors);
      return { engine: spec.engine, buildSeconds, sweep: points };
    }
    if (spec.engine === 'usearch') {
      const { default: usearch } = await import('usearch');
      const config = (expansion: number) => ({ dimensions: dim, metric: usearch.MetricKind.Cos, quantization: usearch.ScalarKind.F32, multi: false, connectivity: 16, expansion_add: 128, expansion_search: expansion });
      const index = new usearch.Index(config(64));
      const t = performance.now();
      index.add(BigUint64Array.from({ length: spec.rows }, (_, i) => BigInt(i)), base, spec.threads);
      const buildSeconds = (performance.now() - t) / 1000;
      const file = join(tmp, 'index.usearch');
      index.save(file);
      // usearch fixes expansion_search when an index is made: each setting views the saved index (memory-mapped, no copy).
      let view = index;
      const points = await sweep(
        spec,
        base,
        truth,
        queries,
        (e) => {
          view = new usearch.Index(config(e as number));
          view.view(file);
        },
        (q) => Array.from(view.search(q, K, 1).keys, Number),
      );
      return { engine: spec.engine, buildSeconds, diskMiB: statSync(file).size / 2 ** 20, sweep: points };
    }
    // embedkit: a collection whose documents are the rows (an encoder that hands back each row's vector), the ANN
    // index built by buildAnnIndex, queries given as vectors.
    const { openCollection } = await import('../../src/search/index.ts');
    if (spec.engine === 'embedkit-hnsw' || spec.engine === 'embedkit-hnsw-rows') {
      // The rows go in as precomputed vectors (no encoder runs); the graph (hnswlib-node's where it is installed, as
      // here) is built with the same connectivity and expansion_add as the hnswlib and usearch rows above. embedkit-hnsw asks for ids and scores only (what hnswlib and usearch
      // return), embedkit-hnsw-rows also reads each hit's text and metadata from LanceDB.
      const refuse = { id: 'precomputed:bench-rows', dim, maxTokens: 8191, encode(): never { throw new Error('rows come with their vectors'); } };
      const path = join(tmp, 'collection');
      const collection = await openCollection(path, { encoder: refuse, create: true, annThreshold: Number.MAX_SAFE_INTEGER });
      let t = performance.now();
      const docs = function* () {
        for (let i = 0; i < spec.rows; i++) yield { id: String(i), text: `r${i}`, vector: base.subarray(i * dim, (i + 1) * dim) };
      };
      await collection.add(docs(), { batchSize: 20_000 });
      const ingestSeconds = (performance.now() - t) / 1000;
      t = performance.now();
      await collection.buildAnnIndex({ type: 'hnsw', connectivity: 16, expansionAdd: 128, threads: spec.threads });
      const buildSeconds = (performance.now() - t) / 1000;
      const fetch = spec.engine === 'embedkit-hnsw-rows';
      let ef = 64;
      const points = await sweep(
        spec,
        base,
        truth,
        queries,
        (s) => {
          ef = s as number;
        },
        async (q) => (await collection.search(q, { k: K, ef, fetch })).map((h) => Number(h.docId)),
      );
      const diskMiB = dirMiB(path);
      await collection.close();
      return { engine: spec.engine, buildSeconds, ingestSeconds, diskMiB, sweep: points };
    }
    const encoder = {
      id: 'precomputed:bench-rows',
      dim,
      maxTokens: 8191,
      async encode(texts: readonly string[]) {
        return { vectors: texts.map((t) => Float32Array.from(base.subarray(Number(t.slice(1)) * dim, (Number(t.slice(1)) + 1) * dim))), tokens: texts.map(() => 1) };
      },
    };
    const path = join(tmp, 'collection');
    const collection = await openCollection(path, { encoder, create: true, annThreshold: Number.MAX_SAFE_INTEGER });
    let t = performance.now();
    const docs = function* () {
      for (let i = 0; i < spec.rows; i++) yield { id: String(i), text: `r${i}` };
    };
    await collection.add(docs(), { batchSize: 20_000 });
    const ingestSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await collection.buildAnnIndex({ type: spec.engine === 'embedkit-ivf_pq' ? 'ivf_pq' : 'ivf_hnsw_sq' });
    const buildSeconds = (performance.now() - t) / 1000;
    let setting: [number, number] = [20, 10];
    const points = await sweep(
      spec,
      base,
      truth,
      queries,
      (s) => {
        setting = s as [number, number];
      },
      async (q) => (await collection.search(q, { k: K, nprobes: setting[0], refineFactor: setting[1] })).map((h) => Number(h.docId)),
    );
    const diskMiB = dirMiB(path);
    await collection.close();
    return { engine: spec.engine, buildSeconds, ingestSeconds, diskMiB, sweep: points };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const spec = JSON.parse(process.argv[2]) as AnnSpec;
console.log(JSON.stringify(await run(spec)));
