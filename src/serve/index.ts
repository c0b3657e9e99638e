/**
 * The server's public API, a separate entry point (`embedkit/serve`) so that importing the library itself
 * does not load the HTTP framework.
 */
export { createApp, startServer, DEFAULT_BODY_LIMIT, type ServeOptions, type RunningServer } from './app.ts';
export { staticModel, openServedModel, loadServedModels, parseModelSpec, type ServedModel, type ModelSpec } from './models.ts';
