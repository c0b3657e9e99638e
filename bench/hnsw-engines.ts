// Why usearch's engine searches slower than hnswlib-node's at equal recall: both libraries over the same unit-length
// rows, graphs built alike (M 16, efConstruction 128, one thread), usearch with cosine and with inner product (the
// rows are unit length, so both rank alike) on float32, and with float16 / bfloat16 / int8 storage; for each search
// expansion (usearch's expansion_search, hnswlib's ef) recall@10 against the exact top 10 and queries/s by CPU time,
// best of 3 interleaved rounds (so a load spike on a shared machine hits every variant alike). Also which SIMD
// targets usearch's prebuilt binary has and picks here, and the cost of one call through each binding. Run:
//   [HNSW_DATA=clustered] node --import tsx bench/hnsw-engines.ts [ROWS] [DIM] [QUERIES]
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import usearch from 'usearch';
import { gaussian, seededRandom } from '../src/util/random.ts';
import { printTable } from './lib/table.ts';

const N = Number(process.argv[2] ?? 20_000);
const DIM = Number(process.argv[3] ?? 96);
const Q = Number(process.argv[4] ?? 300);
const CLUSTERED = process.env.HNSW_DATA === 'clustered';
const random = seededRandom(42);
const centres = Array.from({ length: 500 }, () => Float32Array.from({ length: DIM }, () => gaussian(random)));
const draw = () => {
  const c = CLUSTERED ? centres[Math.floor(random() * centres.length)] : undefined;
  const v = Float32Array.from({ length: DIM }, (_, j) => (c ? c[j] + 0.6 * gaussian(random) : gaussian(random)));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};
const rows = Array.from({ length: N }, draw);
const queries = Array.from({ length: Q }, draw);
const flat = new Float32Array(N * DIM);
rows.forEach((r, i) => flat.set(r, i * DIM));
const truth = queries.map((q) => {
  const scored = rows.map((r, i) => ({ i, s: r.reduce((a, x, j) => a + x * q[j], 0) }));
  return new Set(scored.sort((a, b) => b.s - a.s).slice(0, 10).map((h) => h.i));
});

// The binary's SIMD targets: compiled in, and usable on this CPU (the native module exports both).
const native = createRequire(import.meta.url)(join(createRequire(import.meta.url).resolve('usearch'), '../../../../prebuilds', `${process.platform}-${process.arch}`, 'usearch.node')) as { hardwareAccelerationCompiled(): string; hardwareAccelerationAvailable(): string };
console.log(`usearch SIMD targets compiled: ${native.hardwareAccelerationCompiled()}; available here: ${native.hardwareAccelerationAvailable()}`);

const VARIANTS = ['Cos:F32', 'IP:F32', 'IP:F16', 'IP:BF16', 'Cos:I8'] as const;
const dir = mkdtempSync(join(tmpdir(), 'embedkit-hnsw-engines-'));
const config = (variant: string, expansion: number) => {
  const [metric, scalar] = variant.split(':') as [keyof typeof usearch.MetricKind, keyof typeof usearch.ScalarKind];
  return { dimensions: DIM, metric: usearch.MetricKind[metric], quantization: usearch.ScalarKind[scalar], connectivity: 16, expansion_add: 128, expansion_search: expansion, multi: false };
};
const keys = BigUint64Array.from({ length: N }, (_, i) => BigInt(i));
const builds: (string | number)[][] = [];
const cpuSeconds = (f: () => void) => {
  const c = process.cpuUsage();
  f();
  const u = process.cpuUsage(c);
  return (u.user + u.system) / 1e6;
};
for (const v of VARIANTS) {
  const index = new usearch.Index(config(v, 16));
  builds.push([`usearch ${v}`, cpuSeconds(() => index.add(keys, flat, 1)).toFixed(1)]);
  index.save(join(dir, `${v.replace(':', '-')}.usearch`));
}
const hn = new hnswlib.HierarchicalNSW('ip', DIM);
hn.initIndex(N, 16, 128, 100);
builds.push(['hnswlib-node ip', cpuSeconds(() => rows.forEach((r, i) => hn.addPoint(Array.from(r), i))).toFixed(1)]);
printTable(`builds, ${N.toLocaleString('en-US')} × ${DIM} ${CLUSTERED ? 'clustered' : 'Gaussian'} unit rows, one thread`, ['graph', 'CPU s'], builds);

// One call through each binding on a graph of 64 rows (k 1): what a search costs besides the graph walk.
{
  const small = new usearch.Index(config('Cos:F32', 1));
  small.add(keys.subarray(0, 64), flat.subarray(0, 64 * DIM), 1);
  const tiny = new hnswlib.HierarchicalNSW('cosine', DIM);
  tiny.initIndex(64, 16, 64, 100);
  for (let i = 0; i < 64; i++) tiny.addPoint(Array.from(rows[i]), i);
  tiny.setEf(1);
  const q = queries[0];
  const calls = 50_000;
  const us = cpuSeconds(() => {
    for (let i = 0; i < calls; i++) small.search(q, 1, 1);
  });
  const hs = cpuSeconds(() => {
    for (let i = 0; i < calls; i++) tiny.searchKnn(Array.from(q), 1);
  });
  console.log(`one call, 64 rows, k 1 (CPU µs): usearch ${((us / calls) * 1e6).toFixed(1)}, hnswlib-node ${((hs / calls) * 1e6).toFixed(1)} (with the query copied to an array)`);
}

const table: (string | number)[][] = [];
for (const ef of [32, 64, 128, 256, 512]) {
  const run: Record<string, () => number[][]> = {};
  for (const v of VARIANTS) {
    const view = new usearch.Index(config(v, ef));
    view.view(join(dir, `${v.replace(':', '-')}.usearch`));
    run[`usearch ${v}`] = () => queries.map((q) => Array.from(view.search(q, 10, 1).keys, Number));
  }
  const arrays = queries.map((q) => Array.from(q));
  run['hnswlib-node ip'] = () => {
    hn.setEf(ef);
    return arrays.map((q) => hn.searchKnn(q, 10).neighbors);
  };
  const names = Object.keys(run);
  const best = new Map<string, number>();
  const recall = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    for (let e = 0; e < names.length; e++) {
      const name = names[(e + round) % names.length];
      let got: number[][] = [];
      const s = cpuSeconds(() => (got = run[name]()));
      best.set(name, Math.min(best.get(name) ?? Infinity, s));
      recall.set(name, got.reduce((a, ids, i) => a + ids.filter((id) => truth[i].has(id)).length, 0) / (10 * Q));
    }
  }
  table.push([ef, ...names.map((n) => `${Math.round(Q / best.get(n)!)} (${recall.get(n)!.toFixed(3)})`)]);
}
printTable(`q/s by CPU time (recall@10), ${Q} queries, one at a time, best of 3 interleaved rounds`, ['ef', ...VARIANTS.map((v) => `usearch ${v}`), 'hnswlib-node ip'], table);
rmSync(dir, { recursive: true, force: true });
