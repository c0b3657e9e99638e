/**
 * Long strings in a parsed body come back from the JSON worker in pieces of this many characters, one piece per
 * turn of the event loop: a 7.5 MB string copied into the main thread in one message held its loop for 20-30 ms
 * on a loaded machine. The pieces are joined with `+`, which links them rather than copying them, so a string
 * that is refused for its length (as an embeddings input over the limit is) is never copied whole.
 */
export const LONG_STRING_CHARS = 256 * 1024;

/** Where a value sits in a parsed JSON document: object keys and array indexes from the root. */
export type JsonPath = (string | number)[];

/** Sets `value` at `path` in `root`; returns the new root (the value itself when the path is empty). */
export function setAt(root: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) node = node[path[i]] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
  return root;
}
