import type { Embeddings } from '../vectors/embeddings.ts';

/** Vocabulary words starting with `prefix` (case-insensitive), most frequent first. */
export function wordsWithPrefix(emb: Embeddings, prefix: string, limit = 10, scan = 200_000): string[] {
  const p = prefix.toLowerCase();
  const out: string[] = [];
  if (p === '') return out;
  const end = Math.min(emb.size, scan);
  for (let i = 0; i < end && out.length < limit; i++) {
    const w = emb.vocab.word(i);
    if (w.toLowerCase().startsWith(p)) out.push(w);
  }
  return out;
}
