import { randomBytes } from 'node:crypto';
import { ApiError } from '../api-error.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh object id with OpenAI's prefixes (`file-`, `vs_`, `vsfb_`) and 24 random letters and digits. */
export function newId(prefix: string): string {
  const bytes = randomBytes(24);
  let s = prefix;
  // 248 = 4 × 62: bytes past it would favour the first letters; the bias left (at most 1/62) is harmless for ids.
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

/**
 * Ids name folders and files on disk: only letters, digits, `_`, `-` and `.` (not first), at most 128 characters,
 * so no id can climb out of the collections folder or name a hidden entry.
 */
export function isSafeId(id: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}$/.test(id);
}

export function notFound(what: string, id: string, param: string): ApiError {
  return new ApiError(404, `No ${what} found with id '${id}'.`, 'invalid_request_error', param, 'not_found');
}

/**
 * A sort key that keeps creation order for objects made in the same second (created_at has one-second
 * resolution): milliseconds, then a counter.
 */
let lastKey = 0;
export function creationKey(): number {
  lastKey = Math.max(lastKey + 1, Date.now() * 1000);
  return lastKey;
}
