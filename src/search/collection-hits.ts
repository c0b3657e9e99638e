import type { ScoredPassage } from './collection-types.ts';

// The rows and ids a search's hits are made of, before they become SearchHits.

/** A vector search result: its row when the search read it, else the row id to read it by. */
export interface VectorHit {
  id: string;
  score: number;
  row?: HitRow;
  rowId?: bigint;
}

/** A vector hit without its row, the document id and position read from its id `docId#chunk` (a document id may itself hold `#`). */
export function scoredPassage(id: string, score: number): ScoredPassage {
  const at = id.lastIndexOf('#');
  return { id, docId: id.slice(0, at), chunk: Number(id.slice(at + 1)), score, vectorScore: score };
}

/** The columns a hit is made of. */
export const HIT_COLUMNS = ['id', 'doc_id', 'chunk', 'text', 'metadata'];

export interface HitRow {
  doc_id: string;
  chunk: number;
  text: string;
  metadata: string;
  vector?: Float32Array;
}

export function hitRow(r: Record<string, unknown>): HitRow {
  const row: HitRow = { doc_id: r.doc_id as string, chunk: r.chunk as number, text: r.text as string, metadata: r.metadata as string };
  if (r.vector !== undefined && r.vector !== null) row.vector = unit(Float32Array.from(r.vector as ArrayLike<number>));
  return row;
}

function unit(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}
