/**
 * `embedkit/viz`: 2-D maps of words (PCA, t-SNE, UMAP) and PNG plots of them (PNG needs the optional `@napi-rs/canvas`).
 * @packageDocumentation
 */
export { wordMap, type WordMap, type MapPoint, type WordMapOptions } from '../serve/explore.ts';
export { project, PROJECTION_METHODS, type ProjectionMethod } from '../serve/projection/index.ts';
export { renderWordMapPng, type PlotOptions } from '../serve/plot-png.ts';
