import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { NoKnownWordError } from '../../encoders/static.ts';
import { project, type ProjectionMethod } from '../../viz/project.ts';
import { PROJECTION_METHODS } from '../../viz/project.ts';
import { projectOffThread } from '../../viz/project-off-thread.ts';
import { invalidRequest } from '../api-error.ts';
import { parseRequest } from '../schemas.ts';
import type { ServedModel } from '../models.ts';
import { SENTENCE_SAMPLE } from '../sentence-sample.ts';

/** Bounds of the sentence endpoints, served to the page in /api/models next to the map's. */
export const MAX_SENTENCE_CHARS = 2000;
export const MAX_MAP_SENTENCES = 30;

const modelName = z.string().min(1).optional();
const sentence = z.string().trim().min(1).max(MAX_SENTENCE_CHARS);
const similarityRequest = z.object({ model: modelName, a: sentence, b: sentence });
const nearestRequest = z.object({ model: modelName, text: sentence, topn: z.number().int().min(1).max(SENTENCE_SAMPLE.length).default(5) });
const mapRequest = z.object({
  model: modelName,
  sentences: z.array(sentence).min(1).max(MAX_MAP_SENTENCES),
  method: z.enum(PROJECTION_METHODS as [string, ...string[]]).default('pca'),
});

/**
 * What the explorer offers for any model through its encoder, and the only thing it offers for a sentence model
 * (a transformer or a remote API, which has no word list): the similarity of two texts, the nearest sentences of
 * a small built-in sample, and a 2-D map of typed sentences.
 */
export function registerSentenceRoutes(app: FastifyInstance, models: readonly ServedModel[], findModel: (name: string) => ServedModel): void {
  const modelOf = (name: string | undefined) => (name === undefined ? models[0] : findModel(name));
  // The sample is encoded once per model, on first use.
  const samples = new Map<ServedModel, Promise<Float32Array[]>>();
  const sampleVectors = (m: ServedModel) => {
    let p = samples.get(m);
    if (!p) {
      p = m.encoder.encode(SENTENCE_SAMPLE).then((r) => r.vectors);
      p.catch(() => samples.delete(m));
      samples.set(m, p);
    }
    return p;
  };

  app.post('/api/sentences/similarity', async (request) => {
    const q = parseRequest(similarityRequest, request.body);
    const model = modelOf(q.model);
    const [a, b] = await encode(model, [q.a, q.b], ['a', 'b']);
    return { model: model.name, a: q.a, b: q.b, similarity: dot(a, b) };
  });

  app.post('/api/sentences/nearest', async (request) => {
    const q = parseRequest(nearestRequest, request.body);
    const model = modelOf(q.model);
    const [v] = await encode(model, [q.text], ['text']);
    const sample = await sampleVectors(model);
    const results = SENTENCE_SAMPLE.map((text, i) => ({ text, score: dot(v, sample[i]) }))
      .sort((x, y) => y.score - x.score)
      .slice(0, q.topn);
    return { model: model.name, text: q.text, results, sample: SENTENCE_SAMPLE.length };
  });

  app.post('/api/sentences/map', async (request) => {
    const q = parseRequest(mapRequest, request.body);
    const model = modelOf(q.model);
    const vectors = await encode(model, q.sentences, q.sentences.map((_, i) => `sentences.${i}`));
    const method = q.method as ProjectionMethod;
    const xy = vectors.length < 3 ? project(vectors, 'pca') : await projectOffThread(vectors, method);
    return { model: model.name, method, points: q.sentences.map((text, i) => ({ text, x: xy[i][0], y: xy[i][1] })) };
  });
}

/** Unit vectors of `texts`; a text a word model knows no word of is named by its parameter. */
async function encode(model: ServedModel, texts: string[], params: string[]): Promise<Float32Array[]> {
  try {
    return (await model.encoder.encode(texts)).vectors;
  } catch (err) {
    if (err instanceof NoKnownWordError) {
      const param = params[err.index] ?? null;
      throw invalidRequest(`'$.${param}' is invalid: ${err.message}.`, param, 'no_known_words');
    }
    throw err;
  }
}

/** Cosine of two unit vectors. */
function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

