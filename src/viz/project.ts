import { InvalidArgumentError } from '../errors.ts';
import { pca } from './pca.ts';
import { tsne } from './tsne.ts';
import { umapReduce } from './umap.ts';

export type ProjectionMethod = 'pca' | 'tsne' | 'umap';
export const PROJECTION_METHODS: readonly ProjectionMethod[] = ['pca', 'tsne', 'umap'];

/**
 * 2-D coordinates of `points` by the chosen method. PCA is linear and instant; t-SNE and UMAP keep
 * neighbourhoods (both seeded, so the same words give the same map). Fewer points than the nonlinear methods
 * can work with fall back to PCA.
 * @example
 * ```ts
 * import { project } from 'embedkit/viz';
 * const points = project([[1, 0, 0], [0.9, 0.1, 0], [0, 0, 1]], 'pca');
 * console.log(points); // three [x, y] pairs; the first two close together
 * ```
 */
export function project(points: readonly ArrayLike<number>[], method: ProjectionMethod = 'pca', seed = 42): number[][] {
  switch (method) {
    case 'pca':
      return pca(points, 2);
    case 'tsne':
      return tsne(points);
    case 'umap': {
      if (points.length < 5) return pca(points, 2);
      return umapReduce(points, { nComponents: 2, nNeighbors: 15, minDist: 0.1, seed });
    }
    default:
      throw new InvalidArgumentError(`unknown projection method ${JSON.stringify(method)}; expected one of ${PROJECTION_METHODS.join(', ')}`);
  }
}
