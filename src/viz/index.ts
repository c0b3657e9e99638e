/**
 * Pictures of vector spaces, for the server's explorer and the CLI's `plot` alike: projections to 2-D (PCA, t-SNE,
 * UMAP; off the main thread when a server must stay responsive), word maps (chosen words and their neighbours,
 * projected) and PNG plots of them.
 */
export { project, PROJECTION_METHODS, type ProjectionMethod } from './project.ts';
export { pca } from './pca.ts';
export { tsne, type TsneOptions } from './tsne.ts';
export { projectOffThread } from './project-off-thread.ts';
export { wordMap, wordMapOffThread, type WordMap, type MapPoint, type WordMapOptions } from './word-map.ts';
export { renderWordMapPng, type PlotOptions } from './plot-png.ts';
export { GROUP_COLOURS } from './palette.ts';
