import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { loadEmbeddings } from '../../../src/formats/index.ts';
import { startServer, type RunningServer } from '../../../src/serve/app.ts';
import { staticModel, type ServedModel } from '../../../src/serve/models.ts';
import type { CollectionsOptions } from '../../../src/serve/vector-stores/register.ts';

/** Word vectors of the test fixtures, loaded once per test process: the vector stores' model. */
let model: Promise<ServedModel> | undefined;
export function leeModel(): Promise<ServedModel> {
  model ??= (async () => staticModel('lee', await loadEmbeddings(new URL('../../fixtures/reference/lee_fasttext.vec', import.meta.url).pathname)))();
  return model;
}

export function tempCollectionsDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-vs-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A listening server over `dir` (more options for its collections), with an SDK client pointed at it. */
export async function vectorStoreServer(dir: string, options: Partial<CollectionsOptions> = {}): Promise<{ server: RunningServer; client: OpenAI }> {
  const server = await startServer({ models: [await leeModel()], port: 0, collections: { dir, ...options } });
  return { server, client: new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-checked', maxRetries: 0 }) };
}

export async function uploadText(client: OpenAI, name: string, text: string): Promise<string> {
  return (await client.files.create({ file: await toFile(Buffer.from(text), name), purpose: 'assistants' })).id;
}
