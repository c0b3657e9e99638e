import { z } from 'zod';
import { bool, defineOptions, int, oneOf, optional, resolveOptions, text, type ValueKind } from '../train/option-schema.ts';

/**
 * The options of search and ingest, declared once (as the trainers' are): defaults, validation (errors name the
 * option), help text, and the CLI's flags (`--k`, `--filter`, `--hybrid`, `--alpha`, `--mmr`, `--max-tokens` ...),
 * which take the library's names. The generic schema helpers live in train/option-schema.ts, a module with no
 * trainer in it (zod and the errors only); search imports that one module of train/ and nothing else there.
 */
const unitInterval = () => ({ kind: { type: 'number', positive: false } as ValueKind, schema: z.number().min(0).max(1), expect: 'a number from 0 to 1' });

/**
 * alpha's default with convex fusion: the best weight of the vector side on the verse-retrieval benchmark's dev
 * queries (bench/lib/fusion-sweep.ts), where BM25 is the stronger ranking.
 */
const CONVEX_ALPHA = 0.3;
/** alpha's default with reciprocal rank fusion: both rankings weighed alike. */
const RRF_ALPHA = 0.5;

export const SEARCH_OPTIONS = defineOptions({
  k: { ...int(1, 10_000), default: 10, help: 'results to return' },
  filter: { ...optional(text()), help: 'SQL condition on metadata fields, e.g. \'lang = "en" AND year >= 2020\'' },
  hybrid: { ...bool(), default: false, help: 'fuse BM25 keyword results with the vector results (by the fusion rule)' },
  // convex: rrf at alpha 0.5 ranked about 4 (SIF) and 7 (mean pooling) points of recall@1 below BM25 alone on the
  // verse-retrieval benchmark's test queries, convex at 0.3 (chosen on the dev queries) as high as BM25 and above
  // TF-IDF (README, search section).
  // fusion comes before alpha: alpha's default is computed from it.
  fusion: { ...oneOf(['convex', 'rrf'] as const), default: 'convex', help: 'hybrid search: convex (alpha × min-max normalised cosine + (1 − alpha) × min-max normalised BM25) or rrf (reciprocal rank fusion, k 60; ranks only, for rankings of comparable strength)' },
  alpha: {
    ...unitInterval(),
    default: (r: Record<string, unknown>) => (r.fusion === 'rrf' ? RRF_ALPHA : CONVEX_ALPHA),
    help: `hybrid search: weight of the vector ranking; 1 − alpha weighs the keyword ranking (default ${CONVEX_ALPHA} with convex fusion, ${RRF_ALPHA} with rrf)`,
  },
  mmr: { ...optional(unitInterval()), help: 're-rank for diversity by maximal marginal relevance with this λ (1: relevance only)' },
  exact: { ...bool(), default: false, help: 'scan every vector even when an ANN index exists' },
  nprobes: { ...int(1, 100_000), default: 20, help: 'ANN: IVF partitions to probe' },
  refineFactor: { ...int(1, 1000), default: 10, help: 'ANN: candidates re-scored exactly, as a multiple of k' },
  // 512: recall@10 ≥ 0.95 on every data set of the benchmarks (0.98 on 20,000 random Gaussian rows of dim 96, where
  // 128 gave 0.77 and 256 0.92; 0.97 on 100,000 en-mix SIF lines; 0.9995 on clustered rows); README, search section.
  ef: { ...int(1, 100_000), default: 512, help: 'ANN (hnsw index): candidates the graph search keeps; more finds more of the exact top k, slower (default 512: recall@10 ≥ 0.95 on the benchmarks\' data sets)' },
  fetch: { ...bool(), default: true, help: "read each hit's text and metadata from the table (false: ids and scores only, no row read on the vector path)" },
});

/**
 * The options of buildAnnIndex. `type` is computed last: hnsw (an in-process graph, through hnswlib-node or usearch) unless an
 * IVF setting (partitions, subVectors) was given, which only LanceDB's IVF indexes take.
 */
export const BUILD_ANN_OPTIONS = defineOptions({
  partitions: { ...optional(int(1)), help: 'IVF partitions (default about √rows)' },
  subVectors: { ...optional(int(1)), help: 'IVF_PQ sub-vectors (must divide the dimension; default dim / 4 when it divides)' },
  connectivity: { ...int(2, 512), default: 16, help: "hnsw: neighbours per node (HNSW's M)" },
  expansionAdd: { ...int(1, 100_000), default: 128, help: 'hnsw: candidates considered when linking a node (efConstruction)' },
  threads: { ...optional(int(1, 1024)), help: 'hnsw: threads that build the graph (default: every core; usearch only, hnswlib-node builds on one)' },
  type: {
    ...oneOf(['hnsw', 'ivf_pq', 'ivf_hnsw_sq'] as const),
    default: (r: Record<string, unknown>) => (r.partitions !== undefined || r.subVectors !== undefined ? 'ivf_pq' : 'hnsw'),
    help: 'index type: hnsw (in-process graph beside the table, needs hnswlib-node or usearch), or LanceDB\'s ivf_pq / ivf_hnsw_sq (default hnsw; ivf_pq when partitions or subVectors are given)',
  },
});

export const ADD_OPTIONS = defineOptions({
  maxTokens: { ...int(1), default: 800, help: 'longest passage, in tokens (chunking.maxTokens)' },
  overlapTokens: { ...int(0), default: (r: Record<string, unknown>) => Math.min(400, Math.floor((r.maxTokens as number) / 2)), help: 'tokens a passage repeats from the one before (chunking.overlapTokens; default 400, at most half of maxTokens)' },
  batchSize: { ...int(1, 1_000_000), default: 64, help: 'documents per commit: an interrupted ingest loses at most one batch' },
  txt: { ...oneOf(['lines', 'file'] as const), default: 'lines', help: '.txt files: one document per line, or one per file' },
});

/** Build options with defaults applied (an OptionError names a bad one). */
export function resolveBuildAnnOptions(given: Record<string, unknown>) {
  return resolveOptions(BUILD_ANN_OPTIONS, given);
}

export type ResolvedSearchOptions = ReturnType<typeof resolveSearchOptions>;

type ResolvedSearch = ReturnType<typeof resolveSearchOptionsAnew>;

function resolveSearchOptionsAnew(given: Record<string, unknown>) {
  return resolveOptions(SEARCH_OPTIONS, given);
}

/**
 * Option sets already resolved, by their JSON: checking one through the schemas costs about as much as an HNSW
 * search (~10 µs), and a program searching in a loop passes the same few sets over and over.
 */
const resolvedSets = new Map<string, ResolvedSearch>();

/** Search options with defaults applied, each checked against its schema (an OptionError names the option). */
export function resolveSearchOptions(given: Record<string, unknown>): ResolvedSearch {
  const key = JSON.stringify(given);
  const known = resolvedSets.get(key);
  if (known) return { ...known };
  const resolved = resolveSearchOptionsAnew(given);
  // Only plain values (the JSON says all of it) are remembered; a bounded number of sets.
  if (Object.values(given).every((v) => v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) {
    if (resolvedSets.size >= 64) resolvedSets.delete(resolvedSets.keys().next().value!);
    resolvedSets.set(key, resolved);
  }
  return { ...resolved };
}
