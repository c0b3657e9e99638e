import { createHash } from 'node:crypto';

/** Hex SHA-256 of a string, cut to `chars` characters (128 bits by default: collisions are not a practical concern). */
export function contentHash(text: string, chars = 32): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, chars);
}

/**
 * A key for a JSON value that does not depend on the order its object keys were written in, so the same metadata
 * hashes the same however it was built.
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}
