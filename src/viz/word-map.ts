import type { Embeddings, Neighbour } from '../vectors/embeddings.ts';
import { project, type ProjectionMethod } from './project.ts';
import { projectOffThread } from './project-off-thread.ts';

export interface MapPoint {
  word: string;
  x: number;
  y: number;
  /** Index (in `words`) of the query word this point belongs to; a neighbour of several goes to the first. */
  group: number;
  /** True for the query words themselves. */
  query: boolean;
}

export interface WordMap {
  method: ProjectionMethod;
  points: MapPoint[];
  /** Query words the model does not know. */
  missing: string[];
}

export interface WordMapOptions {
  /** Neighbours added around each known word (default 10). */
  neighbours?: number;
  method?: ProjectionMethod;
  seed?: number;
}

/**
 * The chosen words and their nearest neighbours, projected to 2-D.
 * @example
 * ```ts
 * import { loadEmbeddings } from 'embedkit';
 * import { wordMap } from 'embedkit/viz';
 * const map = wordMap(await loadEmbeddings('vectors.bin'), ['king', 'cat'], { neighbours: 3, method: 'pca' });
 * console.log(map.points.map((p) => `${p.word} ${p.x.toFixed(2)} ${p.y.toFixed(2)}`));
 * ```
 */
export function wordMap(emb: Embeddings, words: readonly string[], options: WordMapOptions = {}): WordMap {
  const chosen = mapWords(emb, words, options.neighbours ?? 10);
  const method = options.method ?? 'pca';
  return placed(chosen, method, project(chosen.vectors, method, options.seed));
}

/** wordMap with the projection in a worker thread (for the server: t-SNE and UMAP can take seconds). */
export async function wordMapOffThread(emb: Embeddings, words: readonly string[], options: WordMapOptions = {}): Promise<WordMap> {
  const chosen = mapWords(emb, words, options.neighbours ?? 10);
  const method = options.method ?? 'pca';
  return placed(chosen, method, await projectOffThread(chosen.vectors, method, options.seed));
}

interface MapWords {
  entries: [string, { group: number; query: boolean }][];
  vectors: Float32Array[];
  missing: string[];
}

/** The known query words, then each one's neighbours not already on the map, with their unit vectors. */
function mapWords(emb: Embeddings, words: readonly string[], neighbours: number): MapWords {
  const missing: string[] = [];
  const chosen = new Map<string, { group: number; query: boolean }>();
  const known = [...new Set(words)].filter((w) => {
    if (emb.has(w)) return true;
    missing.push(w);
    return false;
  });
  known.forEach((w, group) => chosen.set(w, { group, query: true }));
  if (neighbours > 0 && known.length > 0) {
    const lists: Neighbour[][] = emb.mostSimilarBatch(known, neighbours);
    lists.forEach((list, group) => {
      for (const n of list) if (!chosen.has(n.word)) chosen.set(n.word, { group, query: false });
    });
  }
  const entries = [...chosen];
  // Unit vectors: the map shows directions (what cosine similarity measures), not vector lengths.
  return { entries, vectors: entries.map(([w]) => emb.getUnit(w)), missing };
}

function placed(chosen: MapWords, method: ProjectionMethod, coords: number[][]): WordMap {
  return {
    method,
    missing: chosen.missing,
    points: chosen.entries.map(([word, p], i) => ({ word, x: coords[i][0], y: coords[i][1], group: p.group, query: p.query })),
  };
}
