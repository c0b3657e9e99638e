/**
 * Applications built on vectors, encoders and collections: document topics, cross-lingual alignment and text
 * classification. Imported as `embedkit/apps`.
 *
 * @packageDocumentation
 */
export * from './topics/index.js';
export * from './align/index.js';
export * from './classify/index.js';
