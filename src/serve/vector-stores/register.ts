import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServedModel } from '../models.ts';
import type { CollectionBackend } from './backend.ts';
import { registerFileRoutes } from './file-routes.ts';
import { FileStore } from './file-store.ts';
import { FILES_FOLDER, VectorStoreRegistry } from './registry.ts';
import { registerCollectionExplorerRoutes } from './explorer-routes.ts';
import { registerVectorStoreRoutes } from './store-routes.ts';

export interface CollectionsOptions {
  /** The folder holding the collections (one sub-folder each), the uploaded files and the stores' records. */
  dir: string;
  /** The served model whose encoder embeds new stores' chunks and queries (default: the first served model). */
  model?: string;
  /** Largest file upload in bytes (default 64 MiB); larger uploads get 413. */
  uploadLimit?: number;
  /** The time in milliseconds, for stores' activity and expiry (default `Date.now`; tests move it on). */
  clock?: () => number;
  /** How often every store is looked over for files a crashed server left in progress (default 60 s; 0: never). */
  sweepIntervalMs?: number;
}

export const DEFAULT_UPLOAD_LIMIT = 64 * 1024 * 1024;

/**
 * Adds OpenAI's Files and vector-stores APIs, and the explorer's collection routes, over a collections folder.
 * Pending ingests finish (or are left `in_progress`, to be resumed at the next start) when the app closes.
 * Without a folder only `GET /api/collections` answers, with `collections: null`, so the page can tell that
 * this server has no Search tab without a failed request.
 */
export async function registerCollections(
  app: FastifyInstance,
  options: CollectionsOptions | undefined,
  models: readonly ServedModel[],
  backend?: CollectionBackend,
): Promise<VectorStoreRegistry | null> {
  if (options === undefined) {
    app.get('/api/collections', async () => ({ model: null, collections: null }));
    return null;
  }
  const model = options.model === undefined ? models[0] : models.find((m) => m.name === options.model);
  if (!model) throw new Error(`the collections' model ${JSON.stringify(options.model)} is not among the served models`);
  // Loaded on use: LanceDB is an optional peer, needed only by servers that serve collections.
  backend ??= (await import('./search-backend.ts')).searchBackend(model.encoder);
  const files = await FileStore.open(join(options.dir, FILES_FOLDER), options.clock);
  const stores = await VectorStoreRegistry.open(options.dir, files, backend, options.clock, options.sweepIntervalMs);
  app.addHook('onClose', async () => stores.close());
  await registerFileRoutes(app, files, options.uploadLimit ?? DEFAULT_UPLOAD_LIMIT);
  registerVectorStoreRoutes(app, stores);
  registerCollectionExplorerRoutes(app, stores, model.name);
  return stores;
}
