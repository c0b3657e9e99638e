/**
 * `embedkit/serve`: the HTTP server (OpenAI-compatible embeddings API and explorer page), a separate entry point
 * so that importing the library itself does not load the HTTP framework.
 * @packageDocumentation
 */
export { createApp, startServer, DEFAULT_BODY_LIMIT, type ServeOptions, type RunningServer } from './app.ts';
export { DEFAULT_LIMITS, type ServeLimits } from './limits.ts';
export { staticModel, openServedModel, loadServedModels, type ServedModel } from './models.ts';
export { DEFAULT_UPLOAD_LIMIT, type CollectionsOptions } from './vector-stores/register.ts';
export type { TopicsViewOptions } from './routes/topics.ts';
export type { AlignedLanguagesOptions } from './routes/languages.ts';
