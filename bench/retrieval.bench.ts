/**
 * Retrieval on a benchmark nobody tuned on: the 31,095 verses the World English Bible shares with the King James
 * Version are the collection (`.cache/bench/bible`, built from Debian's SWORD packages by
 * scripts/bench-data/bible-verses.mjs), each King James verse is a query, and its one relevant document is the WEB
 * verse with the same reference. recall@1, recall@10 and MRR@10 for word2vec / fastText / GloVe vectors trained on
 * en-mix by embedkit (bench/lib/en-mix-vectors.ts, cached) pooled by mean and by SIF, BM25 alone, and hybrid
 * (vector + BM25 fused by reciprocal rank fusion, and by a convex combination of min-max normalised scores), all through the search library's Collection API, next to Debian's
 * python3-sklearn TF-IDF cosine measured in the same run on the same queries. A plain in-memory BM25 is printed as
 * a cross-check of the library's full-text ranking. `npm run bench -- retrieval`.
 *
 * The queries are split once (bench/lib/query-split.ts): a seeded 10% is the dev part, the only one any choice of
 * fusion rule, alpha or depth may be made on; the other 90% is the test part, the one reported.
 *
 * Knobs (environment):
 *   RETRIEVAL_SPLIT        test (default), dev or all: which part of the split is run
 *   RETRIEVAL_QUERIES      number of queries, a seeded random subset of the part when below its size (default: all)
 *   RETRIEVAL_SEED         the subset's seed (default 18)
 *   RETRIEVAL_FUSIONS      hybrid rows, comma list of fusion:alpha (default rrf:0.5,convex:0.5,convex:0.3; the
 *                          collection engine only)
 *   RETRIEVAL_VECTORS      comma list of word2vec, fasttext, glove (default all three)
 *   RETRIEVAL_POOLINGS     comma list of mean, sif (default both)
 *   RETRIEVAL_ENGINE       collection (default: the search library) or direct (encoders + the exact SIMD kernel +
 *                          the in-memory BM25, no store: a cross-check, and what ran before the library existed)
 *   RETRIEVAL_CONCURRENCY  searches in flight at once (default 4)
 *   RETRIEVAL_BM25_REFERENCE  0 leaves out the in-memory BM25 cross-check (the collection engine's BM25 row stays):
 *                          under load it is the slowest row of a full run
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pooling } from '../src/encoders/static.ts';
import { HYBRID_DEPTH } from '../src/search/fusion.ts';
import { loadSimilarityKernel, SimilarityIndex } from '../src/kernels/fast-similarity.ts';
import { bibleVerses } from './lib/bible.ts';
import { Bm25 } from './lib/bm25.ts';
import { loadEnMixVectors, VECTOR_KINDS, type VectorKind } from './lib/en-mix-vectors.ts';
import { envList } from './lib/env.ts';
import { PYTHON } from './lib/measure.ts';
import { retrievalEncoder } from './lib/retrieval-encoder.ts';
import { splitIndices, subsetOf, type QuerySplit } from './lib/query-split.ts';
import { scoreRankings, type RetrievalScores } from './lib/retrieval-metrics.ts';
import { printTable } from './lib/table.ts';

const here = resolve(fileURLToPath(new URL('.', import.meta.url)));
const VECTORS = envList<VectorKind>(process.env.RETRIEVAL_VECTORS, [...VECTOR_KINDS], VECTOR_KINDS);
const POOLINGS = envList<Pooling>(process.env.RETRIEVAL_POOLINGS, ['mean', 'sif'], ['mean', 'sif']);
const ENGINE = envList(process.env.RETRIEVAL_ENGINE, ['collection'], ['collection', 'direct'] as const)[0];
const CONCURRENCY = Number(process.env.RETRIEVAL_CONCURRENCY ?? 4);
const SEED = Number(process.env.RETRIEVAL_SEED ?? 18);
const FUSIONS = (process.env.RETRIEVAL_FUSIONS ?? 'rrf:0.5,convex:0.5,convex:0.3').split(',').map((f) => {
  const [fusion, alpha] = f.split(':');
  if ((fusion !== 'rrf' && fusion !== 'convex') || !(Number(alpha) >= 0 && Number(alpha) <= 1)) throw new Error(`RETRIEVAL_FUSIONS: expected fusion:alpha (rrf or convex, alpha 0 to 1), got ${f}`);
  return { fusion: fusion as 'rrf' | 'convex', alpha: Number(alpha) };
});
const K = 10;
/** Candidates each ranking brings to the fusion: what the library's hybrid search takes (max(4k, HYBRID_DEPTH)). */
const POOL = Math.max(4 * K, HYBRID_DEPTH);
const RRF_K = 60;

const { dir: bibleDir, kjv, web } = bibleVerses();
const all = kjv.length;
const SPLIT = envList<QuerySplit>(process.env.RETRIEVAL_SPLIT, ['test'], ['test', 'dev', 'all'])[0];
const part = splitIndices(all, SPLIT);
const wanted = Number(process.env.RETRIEVAL_QUERIES ?? part.length);
const picks = subsetOf(part, wanted > 0 ? wanted : part.length, SEED);
const queries = picks.map((i) => kjv[i].text);
const relevant = picks.map((i) => kjv[i].id);
const docIds = web.map((v) => v.id);

interface Row {
  method: string;
  scores: RetrievalScores;
  seconds: number;
}
const rows: Row[] = [];

/** Runs `search` over every query with CONCURRENCY in flight; a query that throws ranks nothing (a miss). */
async function runQueries(method: string, search: (q: string) => Promise<string[]> | string[]): Promise<void> {
  const rankings: string[][] = new Array(queries.length);
  let failed = 0;
  let next = 0;
  const t = performance.now();
  const worker = async () => {
    while (next < queries.length) {
      const i = next++;
      try {
        rankings[i] = await search(queries[i]);
      } catch {
        failed++;
        rankings[i] = [];
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t) / 1000;
  const scores = scoreRankings(rankings, relevant);
  rows.push({ method: failed ? `${method} (${failed} queries failed)` : method, scores, seconds });
  // Each row as it is measured, so a run cut short still reports what it finished.
  console.error(`  ${method}: ${seconds.toFixed(1)} s; R@1 ${scores.recall1.toFixed(4)} R@10 ${scores.recall10.toFixed(4)} MRR@10 ${scores.mrr10.toFixed(4)}`);
}

function fuse(vector: readonly string[], keyword: readonly string[], alpha = 0.5): string[] {
  const s = new Map<string, number>();
  vector.forEach((id, i) => s.set(id, (s.get(id) ?? 0) + alpha / (RRF_K + i + 1)));
  keyword.forEach((id, i) => s.set(id, (s.get(id) ?? 0) + (1 - alpha) / (RRF_K + i + 1)));
  return [...s].sort((a, b) => b[1] - a[1]).slice(0, K).map(([id]) => id);
}

const tmp = mkdtempSync(join(tmpdir(), 'embedkit-bench-retrieval-'));
try {
  console.error(`${queries.length.toLocaleString('en-US')} queries against ${web.length.toLocaleString('en-US')} verses; engine ${ENGINE}, ${CONCURRENCY} in flight`);

  // The classic baseline first (another process, same queries).
  const picksFile = join(tmp, 'picks.json');
  writeFileSync(picksFile, JSON.stringify(picks));
  const tfidfOut = join(tmp, 'tfidf.json');
  const t0 = performance.now();
  const py = spawnSync(PYTHON, [join(here, 'lib/tfidf.py'), join(bibleDir, 'web.jsonl'), join(bibleDir, 'kjv.jsonl'), picksFile, tfidfOut], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' },
  });
  if (py.status !== 0) throw new Error(`TF-IDF baseline failed:\n${py.stderr}`);
  const tfidf = JSON.parse((await import('node:fs')).readFileSync(tfidfOut, 'utf8')) as { top: number[][]; sklearn: string; search_s: number };
  rows.push({ method: `TF-IDF cosine (scikit-learn ${tfidf.sklearn}, exact)`, scores: scoreRankings(tfidf.top.map((r) => r.map((d) => docIds[d])), relevant), seconds: (performance.now() - t0) / 1000 });

  const bm25 = new Bm25(web.map((v) => v.text));
  if (process.env.RETRIEVAL_BM25_REFERENCE !== '0' || ENGINE === 'direct') {
    await runQueries('BM25, in-memory reference (k1 1.2, b 0.75)', (q) => bm25.search(q, K).map((d) => docIds[d]));
  }

  let keywordDone = false;
  for (const kind of VECTORS) {
    const emb = await loadEnMixVectors(kind);
    for (const pooling of POOLINGS) {
      const encoder = retrievalEncoder(emb, kind, pooling, web.map((v) => v.text));
      const label = `${kind} ${pooling === 'sif' ? 'SIF' : 'mean'}`;
      console.error(`${label}:`);
      if (ENGINE === 'direct') {
        await loadSimilarityKernel();
        // A verse with no known word keeps a zero vector (never a vector match), as the collection stores it.
        const matrix = new Float32Array(web.length * encoder.dim);
        web.forEach((v, i) => {
          const pooled = encoder.pool(v.text).vector;
          if (pooled) matrix.set(pooled, i * encoder.dim);
        });
        const index = SimilarityIndex.tryCreate(matrix, encoder.dim)!;
        const vectorTop = (q: string, n: number) => {
          const v = encoder.pool(q).vector;
          return v ? index.topK(v, n, index.size, []).map((s) => docIds[s.index]) : [];
        };
        await runQueries(`${label}`, (q) => vectorTop(q, K));
        await runQueries(`hybrid: ${label} + BM25 (RRF)`, (q) => fuse(vectorTop(q, POOL), bm25.search(q, POOL).map((d) => docIds[d])));
        continue;
      }
      const { openCollection } = await import('../src/search/index.ts');
      const t = performance.now();
      const collection = await openCollection(join(tmp, `${kind}-${pooling}`), { encoder, create: true });
      await collection.add(
        web.map((v) => ({ id: v.id, text: v.text })),
        { batchSize: 4096 },
      );
      console.error(`  ingest: ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const ranked = (hits: { docId: string }[]) => hits.map((h) => h.docId);
      if (!keywordDone) {
        await runQueries('BM25 alone (Collection hybrid search, alpha 0)', async (q) => ranked(await collection.search(q, { k: K, hybrid: true, alpha: 0 })));
        keywordDone = true;
      }
      await runQueries(label, async (q) => ranked(await collection.search(q, { k: K })));
      for (const { fusion, alpha } of FUSIONS) {
        await runQueries(`hybrid: ${label} + BM25 (${fusion === 'rrf' ? 'RRF' : 'convex, min-max'}, alpha ${alpha})`, async (q) => ranked(await collection.search(q, { k: K, hybrid: true, fusion, alpha })));
      }
      await collection.close();
    }
  }

  printTable(
    `KJV verse → WEB verse, ${queries.length.toLocaleString('en-US')} queries of the ${SPLIT} split${queries.length < part.length ? ` (random subset of its ${part.length.toLocaleString('en-US')}, seed ${SEED})` : ''}, ${web.length.toLocaleString('en-US')} documents; engine: ${ENGINE === 'collection' ? 'embedkit/search Collection' : 'direct (encoder + exact kernel, in-memory BM25)'}`,
    ['method', 'recall@1', 'recall@10', 'MRR@10', 'queries/s'],
    rows.map((r) => [r.method, r.scores.recall1.toFixed(4), r.scores.recall10.toFixed(4), r.scores.mrr10.toFixed(4), Math.round(queries.length / r.seconds)]),
  );
  console.log(`\nqueries/s: whole pass over the queries with ${CONCURRENCY} in flight (TF-IDF: its process, fitting included). Vectors: en-mix, dim 100, cached in .cache/bench/vectors.`);
  console.log('en-mix contains both Bibles\' text (unsupervised): the vectors have seen the words of queries and documents, never the pairing.');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
