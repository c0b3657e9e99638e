/** Worker-thread side of OffThreadJson: parses request bodies, dropping prototype-poisoning keys as fastify's parser does. */
import { Buffer } from 'node:buffer';
import { parentPort } from 'node:worker_threads';

/** "__proto__" keys, and "constructor" keys holding a "prototype", are removed (fastify's onProtoPoisoning: 'remove'). */
function dropPoison(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) return undefined;
  return value;
}

parentPort!.on('message', ({ id, bytes }: { id: number; bytes: Uint8Array }) => {
  try {
    let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    // A leading byte-order mark is skipped, as fastify's own parser skips it for a small body.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // The reviver slows parsing: only when such a key may be there.
    const value: unknown = JSON.parse(text, /__proto__|constructor/.test(text) ? dropPoison : undefined);
    parentPort!.postMessage({ id, value });
  } catch (err) {
    parentPort!.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
