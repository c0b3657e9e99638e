import { z } from 'zod';
import { PROJECTION_METHODS } from '../viz/project.ts';
import { invalidRequest } from './api-error.ts';

/** OpenAI's limits for /v1/embeddings. */
export const MAX_INPUTS = 2048;
export const MAX_TOKENS_PER_INPUT = 8191;
export const MAX_TOKENS_PER_REQUEST = 300_000;

const tokenId = z.number().int().nonnegative();

/**
 * An item of a mixed input list for models that take images (Jina's convention, see image-inputs.ts): a text, or
 * an image as a data URL, base64 or an http(s) URL.
 */
const inputItem = z.union([z.string(), z.object({ text: z.string() }).strict(), z.object({ image: z.string() }).strict()]);

/** The body of POST /v1/embeddings: the fields OpenAI accepts, with `{ text }` / `{ image }` items beside strings. */
export const embeddingsRequest = z.object({
  input: z.union([
    z.string(),
    z.array(z.string()),
    z.array(tokenId),
    z.array(z.array(tokenId)),
    z.array(inputItem),
  ]),
  model: z.string().min(1),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().optional(),
  user: z.string().optional(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequest>;

const modelName = z.string().min(1).optional();
const topn = z.coerce.number().int().min(1).max(100).default(10);

export const similarQuery = z.object({ model: modelName, word: z.string().min(1), topn });
export const analogyQuery = z.object({ model: modelName, a: z.string().min(1), b: z.string().min(1), c: z.string().min(1), topn });
export const similarityQuery = z.object({ model: modelName, a: z.string().min(1), b: z.string().min(1) });
export const suggestQuery = z.object({ model: modelName, prefix: z.string(), limit: z.coerce.number().int().min(1).max(50).default(10) });
/**
 * The map's bounds, served to the page in /api/models so that its inputs hold the same limits. At most
 * 30 × (1 + 30) = 930 points: t-SNE is O(n²) per iteration, a few seconds at that size.
 */
export const MAX_MAP_WORDS = 30;
export const MAX_MAP_NEIGHBOURS = 30;
export const projectionRequest = z.object({
  model: modelName,
  words: z.array(z.string().min(1)).min(1).max(MAX_MAP_WORDS),
  neighbours: z.number().int().min(0).max(MAX_MAP_NEIGHBOURS).default(10),
  method: z.enum(PROJECTION_METHODS as [string, ...string[]]).default('pca'),
});

/** The first problem zod found, as a message and the OpenAI `param` it concerns. */
export function describeIssue(error: z.ZodError): { message: string; param: string | null } {
  const issue = error.issues[0];
  const path = issue.path.map(String);
  const param = path.length ? path[0] : null;
  const where = path.length ? `'$.${path.join('.')}'` : 'The request body';
  return { message: `${where} is invalid: ${issue.message}.`, param };
}

/** `value` checked against `schema` (an absent body or query counts as `{}`); a 400 in OpenAI's shape otherwise. */
export function parseRequest<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const { message, param } = describeIssue(r.error);
    throw invalidRequest(message, param);
  }
  return r.data;
}
