import { z } from 'zod';
import { invalidRequest } from '../api-error.ts';

/** OpenAI's list query: `limit` (1..100), `order` by creation time, cursors `after` / `before` (object ids). */
export interface ListQuery {
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
  before?: string;
}

export interface ListPage<T> {
  object: 'list';
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/**
 * Reads the list query; anything else in it is ignored as OpenAI does, but a malformed `limit` or `order` is a 400
 * naming it. `maxLimit` is 100 for vector stores and their files, 10,000 for /v1/files.
 */
export function listQuery(query: unknown, defaultLimit = 20, maxLimit = 100): ListQuery {
  const schema = z.object({
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit),
    order: z.enum(['asc', 'desc']).default('desc'),
    after: z.string().min(1).optional(),
    before: z.string().min(1).optional(),
  });
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = String(issue.path[0] ?? 'query');
    throw invalidRequest(`Invalid '${param}': ${issue.message}.`, param);
  }
  return parsed.data;
}

/**
 * One page of `items` (given oldest first, as they were created): ordered as asked, starting after the `after` id
 * or ending before the `before` one. A cursor that names no item is a 400, so a client never loops on a stale one.
 */
export function paginate<T extends { id: string }>(items: readonly T[], q: ListQuery): ListPage<T> {
  const ordered = q.order === 'asc' ? [...items] : [...items].reverse();
  let start = 0;
  let end = ordered.length;
  if (q.after !== undefined) {
    const i = ordered.findIndex((x) => x.id === q.after);
    if (i < 0) throw invalidRequest(`Invalid 'after': no object with id ${JSON.stringify(q.after)} in this list.`, 'after');
    start = i + 1;
  }
  if (q.before !== undefined) {
    const i = ordered.findIndex((x) => x.id === q.before);
    if (i < 0) throw invalidRequest(`Invalid 'before': no object with id ${JSON.stringify(q.before)} in this list.`, 'before');
    end = i;
  }
  let slice: T[];
  let hasMore: boolean;
  if (q.before !== undefined && q.after === undefined) {
    // Paging backwards: the `limit` items just before the cursor, still in the asked order.
    const from = Math.max(start, end - q.limit);
    slice = ordered.slice(from, end);
    hasMore = from > start;
  } else {
    slice = ordered.slice(start, Math.min(end, start + q.limit));
    hasMore = start + q.limit < end;
  }
  return { object: 'list', data: slice, first_id: slice[0]?.id ?? null, last_id: slice.at(-1)?.id ?? null, has_more: hasMore };
}
