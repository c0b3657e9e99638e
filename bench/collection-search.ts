// Exact against approximate search in a collection, on one machine in one run: the in-memory SIMD scan against
// LanceDB's own flat scan, and LanceDB's IVF_PQ / IVF_HNSW_SQ indexes' recall@10 against the exact top 10, with
// their latency and build time. Data: N vectors (default 50,000 × 64) drawn around 500 random centres (clustered, as
// text embeddings are), queries drawn the same way and held out. Run:
//   node --import tsx bench/collection-search.ts [N] [DIM] [QUERIES]
//
// Measured here (2 shared cores, busy; wall-clock, so ±50%), `bench/collection-search.ts 20000 64 100`:
//   add 2,400 docs/s (batches of 5,000); exact index load 3.0 s
//   exact, SIMD scan over vectors held in memory   15.7 ms/query   recall@10 1.000 (the reference)
//   exact, LanceDB flat scan                        47.6 ms/query   recall@10 1.000
//   IVF_PQ (build 75 s)  nprobes 10 refine 1  15.5 ms 0.736 | nprobes 20 refine 10 (default)  9.7 ms 1.000
//   IVF_HNSW_SQ (9.6 s)  nprobes 10 refine 1  20.3 ms 0.962 | nprobes 20 refine 10           18.9 ms 0.998
// So collections search exactly with the SIMD kernel until an ANN index is built (LanceDB's flat scan is ~3× slower),
// and the ANN defaults (nprobes 20, refineFactor 10) keep recall@10 at 0.998–1.000 on clustered data.
//
// Then the hnsw index (usearch beside the table) against hnswlib-node and usearch used directly, over the same rows
// in the same process, graphs built alike (M 16, efConstruction 128, 2 threads where the library can): for each ef,
// recall@10 against the exact top 10 and queries/s, each engine timed over every query in 3 interleaved rounds and
// its best round kept, so a load spike on a shared machine hits every engine alike and the q/s ratios hold. "with
// rows" reads each hit's text and metadata from LanceDB per query; searchMany reads those of 100 queries at once.
// COLLECTION_BENCH_IVF=0 skips the (slow to build) IVF indexes.
//
// Measured when the collection's graph was usearch's (it is hnswlib-node's where installed since; see README's search
// section for the ANN bench with it). Measured here (2 shared cores at load 20–28, so wall clock is noise; CPU time per engine, best of 3 interleaved
// rounds), `COLLECTION_BENCH_IVF=0 node --import tsx bench/collection-search.ts 20000 64 200` (clustered) and the same
// with COLLECTION_BENCH_DATA=gaussian and dim 96: q/s by CPU time, embedkit ids + scores / usearch / hnswlib-node,
//   clustered  ef 32   9,487 / 12,062 / 20,580 (recall@10 0.9995 / 1 / 1)        embedkit / usearch 0.79×
//   clustered  ef 64   6,309 /  6,658 / 12,593                                     0.95×
//   Gaussian   ef 256  1,692 /  1,766 /  3,147 (recall@10 0.923 / 0.926 / 0.922)  0.96×
//   Gaussian   ef 512  1,022 /    950 /  1,687 (recall@10 0.984 / 0.990 / 0.986)  1.08×
// searchMany of 100 with each hit's row 5,647 (clustered, ef 32) and 830 (Gaussian, ef 512); one search with its
// rows 190–320 (LanceDB's take costs ~3 ms). Before the per-query overhead was cut (a stat and a promise chain per
// query, ~50 µs) the collection ran at 0.4–0.6× usearch; what remains is ~10 µs per query (measured with
// node --cpu-prof: the hit objects and usearch's own result arrays).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EncodeResult, Encoder } from '../src/encoders/encoder.ts';
import { openCollection } from '../src/search/index.ts';
import { gaussian, seededRandom } from '../src/util/random.ts';
import { printTable } from './lib/table.ts';

const N = Number(process.argv[2] ?? 50_000);
const DIM = Number(process.argv[3] ?? 64);
const QUERIES = Number(process.argv[4] ?? 200);
/** COLLECTION_BENCH_DATA=gaussian: plain random Gaussian rows (no clusters: the hardest case for a graph search). */
const GAUSSIAN = process.env.COLLECTION_BENCH_DATA === 'gaussian';
const random = seededRandom(42);
const centres = Array.from({ length: 500 }, () => Float32Array.from({ length: DIM }, () => gaussian(random)));
const draw = () => {
  if (GAUSSIAN) return Float32Array.from({ length: DIM }, () => gaussian(random));
  const c = centres[Math.floor(random() * centres.length)];
  return Float32Array.from(c, (x) => x + 0.6 * gaussian(random));
};
const rows = Array.from({ length: N }, draw);
const queries = Array.from({ length: QUERIES }, draw);

/** Texts "v123" stand for row 123: an encoder that looks vectors up, so the benchmark measures search alone. */
const lookup: Encoder = {
  id: 'bench:lookup',
  dim: DIM,
  maxTokens: 8,
  async encode(texts: readonly string[]): Promise<EncodeResult> {
    return { vectors: texts.map((t) => rows[Number(t.slice(1))]), tokens: texts.map(() => 1) };
  },
};

const dir = mkdtempSync(join(tmpdir(), 'embedkit-bench-collection-'));
try {
  const c = await openCollection(join(dir, 'c'), { encoder: lookup, annThreshold: Infinity });
  let t = performance.now();
  await c.add(
    rows.map((_, i) => ({ id: String(i), text: `v${i}` })),
    { batchSize: 5000 },
  );
  const addSeconds = (performance.now() - t) / 1000;
  console.log(`rows ${N} × ${DIM}, ${QUERIES} queries; add ${addSeconds.toFixed(1)} s (${Math.round(N / addSeconds)} docs/s)`);

  const time = async (label: string, options: Parameters<typeof c.search>[1]) => {
    await c.search(queries[0], options); // warm: the exact index loads, LanceDB opens its files
    const t0 = performance.now();
    const results: string[][] = [];
    for (const q of queries) results.push((await c.search(q, options)).map((h) => h.id));
    const ms = (performance.now() - t0) / QUERIES;
    return { label, ms, results };
  };
  t = performance.now();
  const exact = await time('exact: SIMD scan (in memory)', { k: 10 });
  console.log(`exact index load + first query ${(performance.now() - t - exact.ms * QUERIES).toFixed(0)} ms`);
  // LanceDB's flat scan: a filter that every row passes sends the query to LanceDB with the index bypassed.
  await c.add([]);
  const report = (r: { label: string; ms: number; results: string[][] }) => {
    let hit = 0;
    r.results.forEach((ids, i) => {
      const want = new Set(exact.results[i]);
      hit += ids.filter((id) => want.has(id)).length;
    });
    console.log(`${r.label.padEnd(44)} ${r.ms.toFixed(2).padStart(8)} ms/query  recall@10 ${(hit / (10 * QUERIES)).toFixed(3)}`);
  };
  report(exact);
  await c.add([{ id: 'flag', text: 'v0', metadata: { all: true } }]);
  await c.delete(['flag']);
  report(await time('exact: LanceDB flat scan (filtered path)', { k: 10, filter: 'all IS NULL' }));
  await hnswComparison(c, exact.results);
  for (const type of process.env.COLLECTION_BENCH_IVF === '0' ? [] : (['ivf_pq', 'ivf_hnsw_sq'] as const)) {
    t = performance.now();
    await c.buildAnnIndex({ type });
    console.log(`${type} build ${((performance.now() - t) / 1000).toFixed(1)} s`);
    for (const [nprobes, refineFactor] of [[10, 1], [20, 10], [40, 10], [80, 20]]) {
      report(await time(`${type} nprobes ${nprobes} refine ${refineFactor}`, { k: 10, nprobes, refineFactor }));
    }
  }
  await c.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The collection's hnsw index next to hnswlib-node and usearch on the same rows, timed in interleaved rounds. */
async function hnswComparison(c: Awaited<ReturnType<typeof openCollection>>, exactIds: string[][]): Promise<void> {
  const K = 10;
  const { default: usearch } = await import('usearch');
  const { default: hnswlib } = await import('hnswlib-node');
  const flat = new Float32Array(N * DIM);
  rows.forEach((r, i) => flat.set(r, i * DIM));
  let t = performance.now();
  await c.buildAnnIndex({ type: 'hnsw', connectivity: 16, expansionAdd: 128, threads: 2 });
  const builds = [`embedkit hnsw ${((performance.now() - t) / 1000).toFixed(1)} s`];
  t = performance.now();
  const config = (ef: number) => ({ dimensions: DIM, metric: usearch.MetricKind.Cos, quantization: usearch.ScalarKind.F32, connectivity: 16, expansion_add: 128, expansion_search: ef, multi: false });
  const us = new usearch.Index(config(16));
  us.add(BigUint64Array.from({ length: N }, (_, i) => BigInt(i)), flat, 2);
  builds.push(`usearch ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const usFile = join(dir, 'usearch.index');
  us.save(usFile);
  t = performance.now();
  const hn = new hnswlib.HierarchicalNSW('cosine', DIM);
  hn.initIndex(N, 16, 128, 100);
  for (let i = 0; i < N; i++) hn.addPoint(Array.from(rows[i]), i);
  builds.push(`hnswlib-node ${((performance.now() - t) / 1000).toFixed(1)} s (one thread)`);
  console.log(`hnsw builds: ${builds.join(', ')}`);
  const want = exactIds.map((ids) => new Set(ids));
  const recall = (got: string[][]) => got.reduce((n, ids, i) => n + ids.filter((id) => want[i].has(id)).length, 0) / (K * QUERIES);
  const engines = ['embedkit hnsw, ids + scores', 'embedkit hnsw, with rows', 'embedkit hnsw, rows, searchMany of 100', 'usearch 2.25.3', 'hnswlib-node 3.0.0'] as const;
  const table: (string | number)[][] = [];
  const best = new Map<string, { recall: number; qps: number; ef: number }[]>();
  for (const ef of [16, 32, 64, 128, 256, 512]) {
    // usearch fixes its expansion when an index is made: a view of the saved graph per setting (memory-mapped).
    const view = new usearch.Index(config(ef));
    view.view(usFile);
    hn.setEf(ef);
    const run: Record<(typeof engines)[number], () => Promise<string[][]>> = {
      'embedkit hnsw, ids + scores': async () => {
        const out: string[][] = [];
        for (const q of queries) out.push((await c.search(q, { k: K, ef, fetch: false })).map((h) => h.id));
        return out;
      },
      'embedkit hnsw, with rows': async () => {
        const out: string[][] = [];
        for (const q of queries) out.push((await c.search(q, { k: K, ef })).map((h) => h.id));
        return out;
      },
      'embedkit hnsw, rows, searchMany of 100': async () => {
        const out: string[][] = [];
        for (let i = 0; i < queries.length; i += 100) for (const hits of await c.searchMany(queries.slice(i, i + 100), { k: K, ef })) out.push(hits.map((h) => h.id));
        return out;
      },
      'usearch 2.25.3': async () => queries.map((q) => Array.from(view.search(q, K, 1).keys, (key) => `${key}#0`)),
      'hnswlib-node 3.0.0': async () => queries.map((q) => hn.searchKnn(Array.from(q), K).neighbors.map((n) => `${n}#0`)),
    };
    const times = new Map<string, number>();
    const cpu = new Map<string, number>();
    const found = new Map<string, string[][]>();
    for (let round = 0; round < 3; round++) {
      for (let e = 0; e < engines.length; e++) {
        const name = engines[(e + round) % engines.length];
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const got = await run[name]();
        const used = process.cpuUsage(c0);
        const ms = performance.now() - t0;
        times.set(name, Math.min(times.get(name) ?? Infinity, ms));
        // CPU time (user + system, every thread of the process): what a search costs, whatever else the machine runs.
        cpu.set(name, Math.min(cpu.get(name) ?? Infinity, (used.user + used.system) / 1000));
        found.set(name, got);
      }
    }
    const qps = (name: string) => QUERIES / (times.get(name)! / 1000);
    const cpuQps = (name: string) => QUERIES / (cpu.get(name)! / 1000);
    for (const name of engines) {
      const r = recall(found.get(name)!);
      table.push([name, ef, r.toFixed(4), Math.round(qps(name)), Math.round(cpuQps(name))]);
      best.set(name, [...(best.get(name) ?? []), { recall: r, qps: cpuQps(name), ef }]);
    }
  }
  printTable(`hnsw: ${N.toLocaleString('en-US')} × ${DIM} ${GAUSSIAN ? 'Gaussian' : 'clustered'} rows, ${QUERIES} queries, k ${K}, one query at a time, best of 3 interleaved rounds`, ['engine', 'ef', 'recall@10', 'q/s (wall clock)', 'q/s (CPU time)'], table);
  const at = (name: string, target: number) => {
    const ok = best.get(name)!.filter((p) => p.recall >= target);
    return ok.length ? ok.reduce((a, b) => (b.qps > a.qps ? b : a)) : undefined;
  };
  const rowsAt = [0.9, 0.95, 0.99].map((target) => {
    const e = at(engines[0], target);
    const cells: (string | number)[] = [`≥ ${target}`];
    for (const name of engines) {
      const p = at(name, target);
      cells.push(p ? `${Math.round(p.qps)} (ef ${p.ef})` : '–');
    }
    const ratio = (name: string) => {
      const p = at(name, target);
      return e && p ? `${(e.qps / p.qps).toFixed(2)}×` : '–';
    };
    cells.push(ratio('usearch 2.25.3'), ratio('hnswlib-node 3.0.0'));
    return cells;
  });
  printTable('hnsw: q/s by CPU time at equal recall@10 (same run)', ['recall@10', ...engines, 'embedkit ids / usearch', 'embedkit ids / hnswlib'], rowsAt);
}
