/** Worker-thread side of OffThreadJson: gathers request bodies, parses them, dropping prototype-poisoning keys as fastify's parser does. */
import { Buffer } from 'node:buffer';
import { parentPort } from 'node:worker_threads';
import { LONG_STRING_CHARS, type JsonPath } from './json-long-strings.ts';

/** "__proto__" keys, and "constructor" keys holding a "prototype", are removed (fastify's onProtoPoisoning: 'remove'). */
function dropPoison(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) return undefined;
  return value;
}

/**
 * The strings of at least LONG_STRING_CHARS in `value` (walked without recursion: any depth), each replaced by ''
 * in place; the value itself when it is such a string (path []).
 */
function takeLongStrings(value: unknown): { path: JsonPath; text: string }[] {
  if (typeof value === 'string') return value.length >= LONG_STRING_CHARS ? [{ path: [], text: value }] : [];
  const found: { path: JsonPath; text: string }[] = [];
  // Each node's place as a link to its parent's, so a deeply nested body costs no copy of its path per level.
  type Trail = { key: string | number; up: Trail } | null;
  const pathOf = (trail: Trail, key: string | number): JsonPath => {
    const path: JsonPath = [key];
    for (let t = trail; t; t = t.up) path.push(t.key);
    return path.reverse();
  };
  const stack: { node: Record<string | number, unknown>; trail: Trail }[] = [];
  if (value !== null && typeof value === 'object') stack.push({ node: value as Record<string, unknown>, trail: null });
  while (stack.length > 0) {
    const { node, trail } = stack.pop()!;
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    for (const key of keys) {
      const child = node[key];
      if (typeof child === 'string') {
        if (child.length >= LONG_STRING_CHARS) {
          found.push({ path: pathOf(trail, key), text: child });
          node[key] = '';
        }
      } else if (child !== null && typeof child === 'object') {
        stack.push({ node: child as Record<string, unknown>, trail: { key, up: trail } });
      }
    }
  }
  return found;
}

/** The bodies being received, by id. */
const bodies = new Map<number, Uint8Array[]>();
/** Pieces of long strings not yet sent back, by body id, sent one per request from the main thread. */
const pieces = new Map<number, string[]>();

parentPort!.on('message', ({ id, bytes, end, more, cancel }: { id: number; bytes?: Uint8Array; end?: true; more?: true; cancel?: true }) => {
  if (bytes) {
    const chunks = bodies.get(id);
    if (chunks) chunks.push(bytes);
    else bodies.set(id, [bytes]);
    return;
  }
  if (more) {
    const left = pieces.get(id);
    const piece = left?.shift();
    if (left?.length === 0) pieces.delete(id);
    if (piece !== undefined) parentPort!.postMessage({ id, piece });
    return;
  }
  const chunks = bodies.get(id) ?? [];
  bodies.delete(id);
  if (cancel) pieces.delete(id);
  if (cancel || !end) return;
  try {
    let text = Buffer.concat(chunks).toString('utf8');
    // A leading byte-order mark is skipped, as fastify's own parser skips it for a small body.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // The reviver slows parsing: only when such a key may be there.
    let value: unknown = JSON.parse(text, /__proto__|constructor/.test(text) ? dropPoison : undefined);
    const long = takeLongStrings(value);
    if (long.length === 0) {
      parentPort!.postMessage({ id, value });
      return;
    }
    if (long[0].path.length === 0) value = '';
    const queue: string[] = [];
    for (const { text: s } of long) for (let at = 0; at < s.length; at += LONG_STRING_CHARS) queue.push(s.slice(at, at + LONG_STRING_CHARS));
    pieces.set(id, queue);
    parentPort!.postMessage({ id, value, long: long.map(({ path, text: s }) => ({ path, pieces: Math.ceil(s.length / LONG_STRING_CHARS) })) });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
