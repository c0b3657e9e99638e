import { z } from 'zod';
import { invalidRequest } from '../api-error.ts';
import type { Attributes, ChunkingStrategy } from './objects.ts';

/**
 * Request bodies of the vector-store routes, with OpenAI's limits. A refusal is a 400 whose `param` is the full
 * path of the field (`chunking_strategy.static.chunk_overlap_tokens`), so a client learns exactly what to fix.
 */

/** OpenAI's default: 800-token chunks overlapping by 400. */
export const AUTO_CHUNKING: ChunkingStrategy = { type: 'static', static: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 } };

const metadata = z
  .record(z.string().max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, 'at most 16 keys')
  .nullable();

const attributes = z
  .record(z.string().max(64), z.union([z.string().max(512), z.number(), z.boolean()]))
  .refine((m) => Object.keys(m).length <= 16, 'at most 16 keys')
  .nullable();

const chunkingStrategy = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto') }).strict(),
  z
    .object({
      type: z.literal('static'),
      static: z
        .object({
          max_chunk_size_tokens: z.number().int().min(100).max(4096),
          chunk_overlap_tokens: z.number().int().min(0),
        })
        .strict()
        .refine((s) => s.chunk_overlap_tokens <= s.max_chunk_size_tokens / 2, {
          message: 'chunk_overlap_tokens must not exceed half of max_chunk_size_tokens',
          path: ['chunk_overlap_tokens'],
        }),
    })
    .strict(),
]);

const expiresAfter = z.object({ anchor: z.literal('last_active_at'), days: z.number().int().min(1).max(365) }).strict();

export const createStoreRequest = z.object({
  name: z.string().max(256).optional(),
  description: z.string().max(512).optional(),
  metadata: metadata.optional(),
  expires_after: expiresAfter.optional(),
  file_ids: z.array(z.string().min(1)).max(500).optional(),
  chunking_strategy: chunkingStrategy.optional(),
});

export const updateStoreRequest = z.object({
  name: z.string().max(256).nullable().optional(),
  metadata: metadata.optional(),
  expires_after: expiresAfter.nullable().optional(),
});

export const attachFileRequest = z.object({
  file_id: z.string().min(1),
  attributes: attributes.optional(),
  chunking_strategy: chunkingStrategy.optional(),
});

export const updateFileRequest = z.object({ attributes });

export const createBatchRequest = z
  .object({
    file_ids: z.array(z.string().min(1)).min(1).max(500).optional(),
    files: z
      .array(z.object({ file_id: z.string().min(1), attributes: attributes.optional(), chunking_strategy: chunkingStrategy.optional() }))
      .min(1)
      .max(500)
      .optional(),
    attributes: attributes.optional(),
    chunking_strategy: chunkingStrategy.optional(),
  })
  .refine((b) => (b.file_ids === undefined) !== (b.files === undefined), { message: "give exactly one of 'file_ids' and 'files'", path: ['file_ids'] });

/** The largest query accepted, in characters: a query is one text to embed, not a document. */
export const MAX_QUERY_CHARS = 4096;

export const searchRequest = z.object({
  query: z.union([z.string().min(1).max(MAX_QUERY_CHARS), z.array(z.string().min(1).max(MAX_QUERY_CHARS)).min(1).max(10)]),
  max_num_results: z.number().int().min(1).max(50).default(10),
  // Checked against the store's attributes by checkFilter, which names the field at fault.
  filters: z.unknown().optional(),
  ranking_options: z
    .object({ ranker: z.enum(['none', 'auto', 'default-2024-11-15']).optional(), score_threshold: z.number().min(0).max(1).optional() })
    .optional(),
  rewrite_query: z.boolean().optional(),
});

/** Parses `body` with `schema`, or throws OpenAI's 400 naming the first field at fault by its full path. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue.path.length ? issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('') : null;
  throw invalidRequest(`${param ? `Invalid '${param}'` : 'Invalid request body'}: ${issue.message}.`, param);
}

export function chunkingFrom(param: z.infer<typeof chunkingStrategy> | undefined): ChunkingStrategy {
  return param === undefined || param.type === 'auto' ? AUTO_CHUNKING : { type: 'static', static: { ...param.static } };
}

export function attributesFrom(param: Record<string, string | number | boolean> | null | undefined): Attributes | null {
  return param === undefined || param === null ? null : { ...param };
}
