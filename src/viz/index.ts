/**
 * `embedkit/viz`: 2-D maps of words (PCA, t-SNE, UMAP) and PNG plots of them (PNG needs the optional `@napi-rs/canvas`).
 * @packageDocumentation
 */
export { wordMap, type WordMap, type MapPoint, type WordMapOptions } from './word-map.ts';
export { project, PROJECTION_METHODS, type ProjectionMethod } from './project.ts';
export { renderWordMapPng, type PlotOptions } from './plot-png.ts';
