import { basename } from 'node:path';
import { InvalidArgumentError } from '../errors.ts';
import type { LoadOptions } from '../formats/index.ts';
import { StaticEncoder, type StaticEncoderOptions } from '../encoders/static.ts';
import type { Encoder } from '../encoders/encoder.ts';
import { openEncoder, type OpenEncoderOptions } from '../encoders/open-encoder.ts';
import type { HubOptions } from '../encoders/hub.ts';
import { isHubSpec, parseHubSpec } from '../encoders/hub-spec.ts';
import { publicSource } from './model-source.ts';
import type { TransformerEncoderOptions } from '../encoders/transformer.ts';
import type { RemoteEncoderOptions } from '../encoders/remote.ts';
import type { Embeddings } from '../vectors/embeddings.ts';

/** A model the server answers for: its API name, the encoder behind /v1/embeddings, and (for static models) the word vectors the explorer queries. */
export interface ServedModel {
  name: string;
  encoder: Encoder;
  embeddings?: Embeddings;
  /** Unix seconds when it was loaded (OpenAI's `created`). */
  created: number;
  /** Where it came from, shown on the page and by /api/models to any client (see publicSource: no paths, no secrets). */
  source?: string;
}

export interface ModelSpec {
  name: string;
  path: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

/**
 * `name=path`, or a bare path named after its file (directory and extensions dropped: `data/wiki.en.vec.gz` →
 * `wiki.en`). A path that itself contains "=" can be given as `name=path`.
 */
export function parseModelSpec(spec: string): ModelSpec {
  const eq = spec.indexOf('=');
  if (eq > 0 && NAME.test(spec.slice(0, eq))) return { name: spec.slice(0, eq), path: spec.slice(eq + 1) };
  // A hub model is named after its repository, dots kept (hf:BAAI/bge-small-en-v1.5 → bge-small-en-v1.5).
  if (isHubSpec(spec)) return { name: parseHubSpec(spec).name, path: spec };
  let name = basename(spec).replace(/\.gz$/i, '');
  const dot = name.lastIndexOf('.');
  if (dot > 0) name = name.slice(0, dot);
  if (!/^[^\s/]+$/.test(name)) throw new InvalidArgumentError(`cannot derive a model name from ${JSON.stringify(spec)}; give one as name=path`);
  return { name, path: spec };
}

/**
 * Wraps loaded vectors as a served model with a static encoder.
 * @example
 * ```ts
 * import { loadEmbeddings } from 'embedkit';
 * import { startServer, staticModel } from 'embedkit/serve';
 * const en = staticModel('en', await loadEmbeddings('vectors.bin'), { pooling: 'sif' });
 * const server = await startServer({ models: [en], port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export function staticModel(name: string, embeddings: Embeddings, options: StaticEncoderOptions = {}, source?: string): ServedModel {
  return { name, embeddings, encoder: new StaticEncoder(embeddings, { id: `static:${name}`, ...options }), created: Math.floor(Date.now() / 1000), source };
}

/**
 * Opens one spec (see openEncoder) as a served model named `name`; a remote URL without "#model" asks the API for `name`.
 * @example
 * ```ts
 * import { createApp, openServedModel } from 'embedkit/serve';
 * const app = await createApp({ models: [await openServedModel('en', 'vectors.bin')] });
 * const res = await app.inject({ method: 'POST', url: '/v1/embeddings', payload: { model: 'en', input: 'the king' } });
 * console.log(res.statusCode); // 200
 * await app.close();
 * ```
 */
export async function openServedModel(name: string, spec: string, options: OpenEncoderOptions = {}): Promise<ServedModel> {
  const encoder = await openEncoder(spec, { remoteModel: name, ...options, name });
  if (encoder instanceof StaticEncoder) {
    await encoder.embeddings.prepare();
    return { name, encoder, embeddings: encoder.embeddings, created: Math.floor(Date.now() / 1000), source: publicSource(spec) };
  }
  return { name, encoder, created: Math.floor(Date.now() / 1000), source: publicSource(spec) };
}

/**
 * Loads every spec (in order; names must be unique) through openEncoder: an http(s) URL as a remote encoder, a model
 * directory (one with a config.json) as a transformer encoder, anything else as a vectors file with a static encoder.
 * @example
 * ```ts
 * import { loadServedModels, startServer } from 'embedkit/serve';
 * const models = await loadServedModels(['en=vectors.bin', 'tiny=model']);
 * const server = await startServer({ models, port: 0 });
 * console.log(models.map((m) => m.name), server.url); // [ 'en', 'tiny' ] …
 * await server.close();
 * ```
 */
export async function loadServedModels(
  specs: readonly string[],
  encoder: StaticEncoderOptions = {},
  load: LoadOptions = {},
  transformer: TransformerEncoderOptions = {},
  remote: Partial<RemoteEncoderOptions> = {},
  hub: HubOptions = {},
): Promise<ServedModel[]> {
  const parsed = specs.map(parseModelSpec);
  const seen = new Set<string>();
  for (const { name } of parsed) {
    if (seen.has(name)) throw new InvalidArgumentError(`two models are named ${JSON.stringify(name)}; name them apart with name=path`);
    seen.add(name);
  }
  const models: ServedModel[] = [];
  for (const { name, path } of parsed) models.push(await openServedModel(name, path, { vectors: encoder, load, transformer, remote, hub }));
  return models;
}
