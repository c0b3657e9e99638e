/**
 * Approximate nearest neighbours: embedkit's collections (LanceDB IVF_PQ and IVF_HNSW_SQ through buildAnnIndex and
 * search) next to hnswlib-node 3.0.0 and usearch 2.25.3 on the same rows, in the same run. Data sets: (a) the lines
 * of en-mix embedded by SIF over the en-mix word2vec vectors (bench/lib/en-mix-vectors.ts; dim 100; cached in
 * .cache/bench/ann), (b) seeded random Gaussian rows (dim 96). Held-out queries; recall@10 against exact search
 * (the SIMD kernel), queries/s one query at a time at recall ≥ 0.90 / 0.95 / 0.99 from a sweep of each index's
 * search setting, build time and peak memory (each library in its own process under /usr/bin/time; the "data" row
 * is a process that only loads the rows). Then exact search: the SIMD kernel against numpy (matrix @ query, one
 * BLAS thread) on random rows. `npm run bench -- search`.
 *
 * Knobs (environment):
 *   ANN_SETS        comma list of en-mix, gaussian (default both)
 *   ANN_ROWS        rows per set (default: every en-mix line but the queries; 1,000,000 Gaussian rows)
 *   ANN_QUERIES     held-out queries (default 1,000)
 *   ANN_THREADS     build threads for every library (default 2; hnswlib-node adds points on one thread whatever it is)
 *   ANN_ENGINES     comma list of embedkit-hnsw, embedkit-hnsw-rows, embedkit-ivf_pq, embedkit-ivf_hnsw_sq, hnswlib,
 *                   usearch (default all)
 *   EXACT_ROWS, EXACT_DIM, EXACT_QUERIES   the exact-search comparison (default 100,000 × 300, 200 queries)
 */
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { estimateCommonComponent, StaticEncoder } from '../src/encoders/static.ts';
import { loadSimilarityKernel, SimilarityIndex } from '../src/kernels/fast-similarity.ts';
import { gaussian, seededRandom } from '../src/util/random.ts';
import type { AnnEngine, AnnReport, AnnSpec } from './lib/ann-engine.ts';
import { CACHE, EN_MIX, loadEnMixVectors } from './lib/en-mix-vectors.ts';
import { envList } from './lib/env.ts';
import { measure, PYTHON } from './lib/measure.ts';
import { printTable } from './lib/table.ts';

const here = resolve(fileURLToPath(new URL('.', import.meta.url)));
const SETS = envList(process.env.ANN_SETS, ['en-mix', 'gaussian'], ['en-mix', 'gaussian'] as const);
const ROWS = process.env.ANN_ROWS ? Number(process.env.ANN_ROWS) : undefined;
const QUERIES = Number(process.env.ANN_QUERIES ?? 1000);
const THREADS = Number(process.env.ANN_THREADS ?? 2);
const ALL_ENGINES: AnnEngine[] = ['embedkit-hnsw', 'embedkit-hnsw-rows', 'embedkit-ivf_pq', 'embedkit-ivf_hnsw_sq', 'hnswlib', 'usearch'];
const ENGINES = envList<AnnEngine>(process.env.ANN_ENGINES, ALL_ENGINES, ALL_ENGINES);
const K = 10;
const SWEEPS: Record<Exclude<AnnEngine, 'data'>, AnnSpec['sweep']> = {
  hnswlib: [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048],
  usearch: [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048],
  'embedkit-hnsw': [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048],
  'embedkit-hnsw-rows': [10, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 2048],
  'embedkit-ivf_pq': [[2, 5], [5, 5], [10, 10], [20, 10], [40, 10], [40, 20], [80, 20], [160, 40], [320, 80]],
  'embedkit-ivf_hnsw_sq': [[2, 5], [5, 5], [10, 10], [20, 10], [40, 10], [40, 20], [80, 20], [160, 40], [320, 80]],
};

interface DataSet {
  name: string;
  dim: number;
  base: Float32Array;
  queries: Float32Array;
}

/** en-mix's lines as SIF vectors (word2vec en-mix, corpus counts, common component of 20,000 lines), cached. */
async function enMixSif(): Promise<{ matrix: Float32Array; rows: number; dim: number }> {
  const dir = join(CACHE, 'ann');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'en-mix-sif-word2vec.f32');
  const meta = join(dir, 'en-mix-sif-word2vec.json');
  if (existsSync(file) && existsSync(meta)) {
    const { rows, dim } = JSON.parse(readFileSync(meta, 'utf8')) as { rows: number; dim: number };
    const b = readFileSync(file);
    return { matrix: new Float32Array(b.buffer, b.byteOffset, rows * dim), rows, dim };
  }
  const emb = await loadEnMixVectors('word2vec');
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(EN_MIX).pipe(createGunzip()), crlfDelay: Infinity })) lines.push(line);
  const weighted = new StaticEncoder(emb, { pooling: 'sif', tokenizer: 'whitespace' });
  const sampleRnd = seededRandom(100);
  const sample = Array.from({ length: 20_000 }, () => lines[Math.floor(sampleRnd() * lines.length)]);
  const encoder = new StaticEncoder(emb, { pooling: 'sif', tokenizer: 'whitespace', commonComponent: estimateCommonComponent(weighted, sample) });
  const dim = encoder.dim;
  const matrix = new Float32Array(lines.length * dim);
  let rows = 0;
  // A line without a word in the vocabulary (only rare words) has no vector and is left out.
  for (const line of lines) {
    const v = encoder.pool(line).vector;
    if (v) matrix.set(v, rows++ * dim);
  }
  writeFileSync(file, new Uint8Array(matrix.buffer, 0, rows * dim * 4));
  writeFileSync(meta, JSON.stringify({ rows, dim, lines: lines.length }));
  console.error(`en-mix: ${rows.toLocaleString('en-US')} of ${lines.length.toLocaleString('en-US')} lines have a vector`);
  return { matrix: matrix.subarray(0, rows * dim), rows, dim };
}

/** Splits `rows` into held-out queries (a seeded random pick) and the base (the others, first `limit` of them). */
function holdOut(name: string, matrix: Float32Array, rows: number, dim: number, limit?: number): DataSet {
  const rnd = seededRandom(1000);
  const held = new Set<number>();
  while (held.size < QUERIES) held.add(Math.floor(rnd() * rows));
  const queries = new Float32Array(QUERIES * dim);
  [...held].forEach((r, i) => queries.set(matrix.subarray(r * dim, (r + 1) * dim), i * dim));
  const n = Math.min(rows - QUERIES, limit ?? Infinity);
  const base = new Float32Array(n * dim);
  for (let r = 0, o = 0; r < rows && o < n; r++) if (!held.has(r)) base.set(matrix.subarray(r * dim, (r + 1) * dim), o++ * dim);
  return { name, dim, base, queries };
}

function gaussianSet(rows: number, dim: number): DataSet {
  const rnd = seededRandom(96);
  const all = new Float32Array((rows + QUERIES) * dim);
  for (let i = 0; i < all.length; i++) all[i] = gaussian(rnd);
  return { name: `Gaussian ${rows.toLocaleString('en-US')} × ${dim} (seed 96)`, dim, base: all.subarray(0, rows * dim), queries: all.subarray(rows * dim) };
}

/** Exact top-10 rows of every query by cosine, with the SIMD kernel. */
async function groundTruth(set: DataSet): Promise<Int32Array> {
  await loadSimilarityKernel();
  const rows = set.base.length / set.dim;
  const index = SimilarityIndex.tryCreate(set.base, set.dim);
  if (!index) throw new Error('the SIMD similarity kernel is unavailable or the rows do not fit');
  const out = new Int32Array(QUERIES * K);
  for (let q = 0; q < QUERIES; q++) {
    index.topK(set.queries.subarray(q * set.dim, (q + 1) * set.dim), K, rows, []).forEach((s, j) => (out[q * K + j] = s.index));
  }
  return out;
}

/** The best q/s by CPU time among the settings that reach `target` recall (the wall clock is noise on a shared machine). */
function atRecall(report: AnnReport, target: number): string {
  const ok = report.sweep.filter((p) => p.recall >= target);
  if (ok.length === 0) return '–';
  const best = ok.reduce((a, b) => (b.cpuQps > a.cpuQps ? b : a));
  return `${Math.round(best.cpuQps)} (${best.setting})`;
}

const LABELS: Record<AnnEngine, string> = {
  data: 'rows only (no index)',
  'embedkit-hnsw': 'embedkit Collection, hnsw (hnswlib-node graph beside LanceDB, searched natively), ids and scores',
  'embedkit-hnsw-rows': 'embedkit Collection, hnsw, with text and metadata read',
  'embedkit-ivf_pq': 'embedkit Collection, IVF_PQ (LanceDB)',
  'embedkit-ivf_hnsw_sq': 'embedkit Collection, IVF_HNSW_SQ (LanceDB)',
  hnswlib: 'hnswlib-node 3.0.0 (M 16, efConstruction 128)',
  usearch: 'usearch 2.25.3 (connectivity 16, expansion_add 128)',
};

async function annTables(set: DataSet): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'embedkit-bench-search-'));
  try {
    const rows = set.base.length / set.dim;
    const t = performance.now();
    const truth = await groundTruth(set);
    console.error(`${set.name}: exact answers of ${QUERIES} queries in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const files = { base: join(tmp, 'base.f32'), queries: join(tmp, 'queries.f32'), truth: join(tmp, 'truth.i32') };
    writeFileSync(files.base, new Uint8Array(set.base.buffer, set.base.byteOffset, set.base.byteLength));
    writeFileSync(files.queries, new Uint8Array(set.queries.buffer, set.queries.byteOffset, set.queries.byteLength));
    writeFileSync(files.truth, new Uint8Array(truth.buffer));
    const env = { ...process.env, RAYON_NUM_THREADS: String(THREADS), LANCE_CPU_THREADS: String(THREADS), OMP_NUM_THREADS: String(THREADS) };
    const results: { report: AnnReport; rss: number }[] = [];
    for (const engine of ['data', ...ENGINES] as AnnEngine[]) {
      const spec: AnnSpec = { engine, ...files, rows, queryCount: QUERIES, dim: set.dim, threads: THREADS, sweep: engine === 'data' ? [] : SWEEPS[engine], stopAt: 0.995 };
      try {
        const m = await measure(process.execPath, ['--import', 'tsx', join(here, 'lib/ann-engine.ts'), JSON.stringify(spec)], env, (text) => process.stderr.write(text.replace(/__RSS_KB__.*\n?/, '')));
        results.push({ report: JSON.parse(m.stdout.trim().split('\n').pop()!) as AnnReport, rss: m.peakRssMiB });
      } catch (err) {
        console.error(`${engine} failed: ${(err as Error).message.slice(0, 500)}`);
      }
    }
    printTable(
      `${set.name}: ${rows.toLocaleString('en-US')} rows, ${QUERIES.toLocaleString('en-US')} held-out queries, recall@10 against exact cosine (ties with the exact tenth count); build with ${THREADS} threads, queries one at a time on one thread`,
      ['index', 'build s', 'peak RSS MiB', 'disk MiB', 'q/s (CPU time) @ recall ≥ 0.90', '@ ≥ 0.95', '@ ≥ 0.99', 'best recall@10'],
      results.map(({ report: r, rss }) => [
        LABELS[r.engine],
        r.engine === 'data' ? '–' : `${r.buildSeconds.toFixed(1)}${r.ingestSeconds !== undefined ? ` (+ ingest ${r.ingestSeconds.toFixed(1)})` : ''}`,
        Math.round(rss),
        r.diskMiB !== undefined ? Math.round(r.diskMiB) : '–',
        atRecall(r, 0.9),
        atRecall(r, 0.95),
        atRecall(r, 0.99),
        r.sweep.length ? Math.max(...r.sweep.map((p) => p.recall)).toFixed(4) : '–',
      ]),
    );
    printTable(`${set.name}: every setting swept`, ['index', 'setting', 'recall@10', 'recall@10, ids alone', 'q/s (wall clock)', 'q/s (CPU time)'], results.flatMap(({ report: r }) => r.sweep.map((p) => [LABELS[r.engine], p.setting, p.recall.toFixed(4), p.recallIds.toFixed(4), Math.round(p.qps), Math.round(p.cpuQps)])));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const NUMPY = String.raw`
import sys, time, json
import numpy as np
m = np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, int(sys.argv[2]))
q = np.fromfile(sys.argv[3], dtype=np.float32).reshape(-1, int(sys.argv[2]))
m /= np.linalg.norm(m, axis=1, keepdims=True)
times = []
for v in q:
    t = time.perf_counter()
    s = m @ v
    top = np.argpartition(-s, 10)[:10]
    top = top[np.argsort(-s[top])]
    times.append(time.perf_counter() - t)
times.sort()
print(json.dumps({'median_ms': 1000 * times[len(times) // 2], 'numpy': np.__version__}))
`;

/** Exact top-10: the SIMD kernel (int8 scan + exact rescoring) against numpy, one thread each, median ms per query. */
async function exactTable(): Promise<void> {
  const rows = Number(process.env.EXACT_ROWS ?? 100_000);
  const dim = Number(process.env.EXACT_DIM ?? 300);
  const nq = Number(process.env.EXACT_QUERIES ?? 200);
  const set = gaussianSet(rows, dim);
  const queries = set.queries.subarray(0, Math.min(nq, QUERIES) * dim);
  const count = queries.length / dim;
  const tmp = mkdtempSync(join(tmpdir(), 'embedkit-bench-exact-'));
  try {
    writeFileSync(join(tmp, 'm.f32'), new Uint8Array(set.base.buffer, set.base.byteOffset, set.base.byteLength));
    writeFileSync(join(tmp, 'q.f32'), new Uint8Array(queries.buffer, queries.byteOffset, queries.byteLength));
    const py = spawnSync(PYTHON, ['-c', NUMPY, join(tmp, 'm.f32'), String(dim), join(tmp, 'q.f32')], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    if (py.status !== 0) throw new Error(`numpy run failed:\n${py.stderr}`);
    const numpy = JSON.parse(py.stdout) as { median_ms: number; numpy: string };
    await loadSimilarityKernel();
    const index = SimilarityIndex.tryCreate(set.base, dim)!;
    const median = (compact: boolean) => {
      const ts: number[] = [];
      for (let q = 0; q < count; q++) {
        const t = performance.now();
        index.topK(queries.subarray(q * dim, (q + 1) * dim), K, rows, [], { compact });
        ts.push(performance.now() - t);
      }
      return ts.sort((a, b) => a - b)[ts.length >> 1];
    };
    const simd = median(true);
    const f32 = median(false);
    printTable(`exact top-${K}, ${rows.toLocaleString('en-US')} × ${dim} Gaussian (seed 96), one thread, median of ${count} queries`, ['method', 'ms / query', 'speed vs numpy'], [
      [`numpy ${numpy.numpy} (unit rows, m @ q + argpartition, 1 BLAS thread)`, numpy.median_ms, '1.00×'],
      ['embedkit SIMD kernel (int8 scan + exact float32 rescoring)', simd, `${(numpy.median_ms / simd).toFixed(2)}×`],
      ['embedkit SIMD kernel, float32 scan only', f32, `${(numpy.median_ms / f32).toFixed(2)}×`],
    ]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

for (const name of SETS) {
  if (name === 'en-mix') {
    const { matrix, rows, dim } = await enMixSif();
    await annTables(holdOut(`en-mix lines, SIF over word2vec (dim ${dim})`, matrix, rows, dim, ROWS));
  } else {
    const n = ROWS ?? 1_000_000;
    await annTables(gaussianSet(n, 96));
  }
}
await exactTable();
console.log('\nMeasured on a shared machine under load: compare ratios within one run, not absolute numbers across runs.');
