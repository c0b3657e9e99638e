import { basename } from 'node:path';
import { InvalidArgumentError } from '../../errors.ts';
import { NoKnownWordError } from '../../encoders/static.ts';
import { FilterError } from '../../search/filter.ts';
import { invalidRequest } from '../api-error.ts';
import type { BackendHit } from './backend.ts';
import { checkFilter, filterSql } from './filters.ts';
import type { Attributes } from './objects.ts';
import type { VectorStoreRegistry } from './registry.ts';
import { parseBody, searchRequest } from './requests.ts';

/** One result of `POST /v1/vector_stores/{id}/search`, as OpenAI shapes it. */
export interface SearchResult {
  file_id: string;
  filename: string;
  score: number;
  attributes: Attributes;
  content: Array<{ type: 'text'; text: string }>;
}

/**
 * `POST /v1/vector_stores/{id}/search`: hybrid (vector + keyword) search over the store's chunks, as OpenAI's file
 * search ranks, restricted to the chunks whose attributes pass `filters`. Several queries (an array) are searched
 * one by one and merged, each chunk keeping its best score. `rewrite_query` is accepted and does nothing: there
 * is no language model here to rewrite with, so the query is searched as given.
 */
export async function searchStore(stores: VectorStoreRegistry, storeId: string, body: unknown) {
  const store = await stores.active(storeId);
  const req = parseBody(searchRequest, body);
  const collection = await stores.collection(storeId);
  const filter = req.filters === undefined ? undefined : filterSql(checkFilter(req.filters, await collection.fields()));
  const queries = typeof req.query === 'string' ? [req.query] : req.query;
  const page = { object: 'vector_store.search_results.page' as const, search_query: queries, data: [] as SearchResult[], has_more: false, next_page: null };
  const best = new Map<string, BackendHit>();
  for (const q of queries) {
    for (const hit of await searchOrExplain(() => collection.search(q, { k: req.max_num_results, hybrid: true, filter }))) {
      const key = `${hit.docId}\u0000${hit.chunk}`;
      const seen = best.get(key);
      if (!seen || hit.score > seen.score) best.set(key, hit);
    }
  }
  await stores.touch(storeId);
  const threshold = req.ranking_options?.score_threshold ?? 0;
  page.data = [...best.values()]
    .sort((a, b) => b.score - a.score)
    .filter((h) => h.score >= threshold)
    // Only completed files are searched: a file cancelled (or re-attached) while it was being stored has passages in
    // the collection until its ingest job removes them, and a search in that window must not see them.
    .filter((h) => store.files[h.docId] === undefined || store.files[h.docId].status === 'completed')
    .slice(0, req.max_num_results)
    .map((h) => {
      const file = store.files[h.docId];
      return {
        file_id: h.docId,
        filename: file?.filename ?? sourceName(h),
        score: h.score,
        attributes: file?.attributes ?? scalarMetadata(h.metadata),
        content: [{ type: 'text' as const, text: h.text }],
      };
    });
  return page;
}

/**
 * Runs a collection search, turning the library's refusals into OpenAI's 400s: a query with no word the model knows,
 * and a filter the collection refuses (checkFilter catches those first; this is the backstop).
 */
export async function searchOrExplain<T>(search: () => Promise<T>): Promise<T> {
  try {
    return await search();
  } catch (err) {
    if (err instanceof NoKnownWordError) throw invalidRequest(`Invalid 'query': ${err.message}.`, 'query', 'no_known_words');
    if (err instanceof FilterError) throw invalidRequest(`Invalid 'filters': ${err.message}.`, 'filters');
    if (err instanceof InvalidArgumentError) throw invalidRequest(err.message, null);
    throw err;
  }
}

/**
 * The file name of a passage of a collection made outside the API: its `filename` metadata, else the last part of
 * its `source` (the path `embedkit index add` records), else its document id.
 */
export function sourceName(hit: Pick<BackendHit, 'docId' | 'metadata'>): string {
  const { filename, source } = hit.metadata;
  if (typeof filename === 'string' && filename !== '') return filename;
  if (typeof source === 'string' && source !== '') return basename(source);
  return hit.docId;
}

/** A collection made outside the API carries its own metadata: the scalar fields serve as attributes. */
function scalarMetadata(metadata: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(metadata)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}
