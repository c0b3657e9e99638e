import { UMAP } from 'umap-js';
import { seededRandom } from '../util/random.ts';

/** How UMAP reduces: target dimension, neighbourhood size, how tightly points may pack, and the seed. */
export interface UmapOptions {
  /** Dimensions of the result (default 2). */
  nComponents?: number;
  /** Neighbours that define each point's neighbourhood (default 15; capped at the number of points − 1). */
  nNeighbors?: number;
  /** Smallest distance between points in the result (default 0.1). */
  minDist?: number;
  /** Layout epochs (default: umap-js's, 500 up to 10,000 points and 200 above). */
  nEpochs?: number;
  /** Seed of every random choice: the same points and seed give the same result (default 42). */
  seed?: number;
}

/**
 * UMAP (umap-js) of `points`, seeded through one generator for the neighbour search and the layout alike, so the
 * same points and seed give the same coordinates on every run. The maps' 2-D projection and the topics' reduction
 * before clustering both come from here.
 */
export function umapReduce(points: readonly ArrayLike<number>[], options: UmapOptions = {}): number[][] {
  const umap = new UMAP({
    nComponents: options.nComponents ?? 2,
    nNeighbors: Math.min(options.nNeighbors ?? 15, points.length - 1),
    minDist: options.minDist ?? 0.1,
    random: seededRandom(options.seed ?? 42),
    ...(options.nEpochs !== undefined ? { nEpochs: options.nEpochs } : {}),
  });
  return umap.fit(points.map((p) => Array.from(p)));
}
