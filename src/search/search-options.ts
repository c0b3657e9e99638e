import { z } from 'zod';
import { bool, defineOptions, int, oneOf, optional, resolveOptions, text, type ValueKind } from '../train/option-schema.ts';

/**
 * The options of search and ingest, declared once (as the trainers' are): defaults, validation (errors name the
 * option), help text, and the CLI's flags (`--k`, `--filter`, `--hybrid`, `--alpha`, `--mmr`, `--max-tokens` ...),
 * which take the library's names. The generic schema helpers live in train/option-schema.ts, a module with no
 * trainer in it (zod and the errors only); search imports that one module of train/ and nothing else there.
 */
const unitInterval = () => ({ kind: { type: 'number', positive: false } as ValueKind, schema: z.number().min(0).max(1), expect: 'a number from 0 to 1' });

export const SEARCH_OPTIONS = defineOptions({
  k: { ...int(1, 10_000), default: 10, help: 'results to return' },
  filter: { ...optional(text()), help: 'SQL condition on metadata fields, e.g. \'lang = "en" AND year >= 2020\'' },
  hybrid: { ...bool(), default: false, help: 'fuse BM25 keyword results with the vector results (reciprocal rank fusion)' },
  alpha: { ...unitInterval(), default: 0.5, help: 'hybrid search: weight of the vector ranking; 1 − alpha weighs the keyword ranking' },
  mmr: { ...optional(unitInterval()), help: 're-rank for diversity by maximal marginal relevance with this λ (1: relevance only)' },
  exact: { ...bool(), default: false, help: 'scan every vector even when an ANN index exists' },
  nprobes: { ...int(1, 100_000), default: 20, help: 'ANN: IVF partitions to probe' },
  refineFactor: { ...int(1, 1000), default: 10, help: 'ANN: candidates re-scored exactly, as a multiple of k' },
});

export const ADD_OPTIONS = defineOptions({
  maxTokens: { ...int(1), default: 800, help: 'longest passage, in tokens (chunking.maxTokens)' },
  overlapTokens: { ...int(0), default: (r: Record<string, unknown>) => Math.min(400, Math.floor((r.maxTokens as number) / 2)), help: 'tokens a passage repeats from the one before (chunking.overlapTokens; default 400, at most half of maxTokens)' },
  batchSize: { ...int(1, 1_000_000), default: 64, help: 'documents per commit: an interrupted ingest loses at most one batch' },
  txt: { ...oneOf(['lines', 'file'] as const), default: 'lines', help: '.txt files: one document per line, or one per file' },
});

export type ResolvedSearchOptions = ReturnType<typeof resolveSearchOptions>;

/** Search options with defaults applied, each checked against its schema (an OptionError names the option). */
export function resolveSearchOptions(given: Record<string, unknown>) {
  return resolveOptions(SEARCH_OPTIONS, given);
}
