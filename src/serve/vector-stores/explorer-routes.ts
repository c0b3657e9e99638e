import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { VectorStoreRegistry } from './registry.ts';
import { MAX_QUERY_CHARS, parseBody } from './requests.ts';
import { searchOrExplain, sourceName } from './search.ts';

const searchBody = z.object({
  collection: z.string().min(1),
  query: z.string().trim().min(1).max(MAX_QUERY_CHARS),
  k: z.number().int().min(1).max(50).default(10),
  hybrid: z.boolean().default(true),
});

/**
 * The explorer page's Search tab: `GET /api/collections` lists the stores, `POST /api/collections/search` ranks
 * passages with the vector and keyword scores apart, and hybrid search as a switch (the OpenAI route always
 * fuses them).
 */
export function registerCollectionExplorerRoutes(app: FastifyInstance, stores: VectorStoreRegistry, model: string): void {
  app.get('/api/collections', async () => ({
    model,
    collections: await Promise.all(
      (await stores.list()).map(async (r) => {
        const files = Object.values(r.files);
        let chunks: number | null = null;
        try {
          chunks = await (await stores.collection(r.id)).count();
        } catch {
          // unreadable collection: listed, its size unknown; searching it reports the error
        }
        return { id: r.id, name: r.name || r.id, files: files.length, completed: files.filter((f) => f.status === 'completed').length, chunks };
      }),
    ),
  }));

  app.post('/api/collections/search', async (request) => {
    const body = parseBody(searchBody, request.body);
    const store = await stores.get(body.collection);
    const collection = await stores.collection(store.id);
    const started = performance.now();
    const hits = await searchOrExplain(() => collection.search(body.query, { k: body.k, hybrid: body.hybrid }));
    return {
      collection: store.id,
      query: body.query,
      hybrid: body.hybrid,
      took_ms: Math.round((performance.now() - started) * 10) / 10,
      hits: hits.map((h) => ({
        file_id: h.docId,
        filename: store.files[h.docId]?.filename ?? sourceName(h),
        chunk: h.chunk,
        text: h.text,
        score: h.score,
        vector_score: h.vectorScore ?? null,
        keyword_score: h.keywordScore ?? null,
      })),
    };
  });
}
