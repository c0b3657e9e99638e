import type { FastifyInstance } from 'fastify';
import { acceptsImages } from '../../encoders/clip-modalities.ts';
import { UnknownWordError } from '../../errors.ts';
import type { Embeddings } from '../../vectors/embeddings.ts';
import { ApiError, invalidRequest, unknownWord } from '../api-error.ts';
import { wordMapOffThread } from '../../viz/word-map.ts';
import { wordsWithPrefix } from '../word-prefix.ts';
import { MAX_MAP_SENTENCES, registerSentenceRoutes } from './sentences.ts';
import type { ServedModel } from '../models.ts';
import type { ProjectionMethod } from '../../viz/project.ts';
import { analogyReport, type AnalogyReport } from '../analogy-examples.ts';
import { solveAnalogy } from '../analogy-query.ts';
import { analogyQuery, MAX_MAP_NEIGHBOURS, MAX_MAP_WORDS, parseRequest, projectionRequest, similarityQuery, similarQuery, suggestQuery } from '../schemas.ts';

/** The JSON endpoints the explorer page calls (under /api): neighbours, analogies, similarity, 2-D maps. */
export function registerExplorerRoutes(app: FastifyInstance, models: readonly ServedModel[], findModel: (name: string) => ServedModel): void {
  /** The model's word vectors; the first model when none is named. */
  const vectorsOf = (name: string | undefined): { model: ServedModel; emb: Embeddings } => {
    const model = name === undefined ? models[0] : findModel(name);
    if (!model.embeddings) throw invalidRequest(`model ${model.name} has no word vectors to explore`, 'model');
    return { model, emb: model.embeddings };
  };
  const known = (emb: Embeddings, word: string, param: string) => {
    if (!emb.has(word)) throw unknownWord(word, param);
  };

  // At start-up each word model is scored on the shipped analogy set, so the page can open on examples it answers
  // right (and say how well it does); a model the set cannot be scored on simply offers none.
  const reports = new Map<ServedModel, AnalogyReport | undefined>();
  app.addHook('onReady', async () => {
    for (const m of models) {
      if (m.embeddings && !reports.has(m)) reports.set(m, await analogyReport(m.embeddings).catch(() => undefined));
    }
  });

  app.get('/api/models', async () => ({
    models: models.map((m) => ({
      name: m.name,
      dim: m.encoder.dim,
      words: m.embeddings?.size ?? null,
      subwords: m.embeddings?.oov !== undefined,
      source: m.source ?? null,
      encoder: m.encoder.id,
      // A CLIP-style model takes pictures too: the page's Images tab offers it.
      images: acceptsImages(m.encoder),
      examples: m.embeddings ? exampleWords(m.embeddings) : [],
      analogies: reports.get(m) ?? null,
    })),
    // The page bounds its map inputs with these, so it never sends a request the schema refuses.
    limits: { mapWords: MAX_MAP_WORDS, mapNeighbours: MAX_MAP_NEIGHBOURS, mapSentences: MAX_MAP_SENTENCES },
  }));
  registerSentenceRoutes(app, models, findModel);

  app.get('/api/similar', async (request) => {
    const q = parseRequest(similarQuery, request.query);
    const { model, emb } = vectorsOf(q.model);
    known(emb, q.word, 'word');
    return { model: model.name, word: q.word, neighbours: guard(() => emb.mostSimilar({ positive: [q.word], topn: q.topn })) };
  });

  app.get('/api/analogy', async (request) => {
    const q = parseRequest(analogyQuery, request.query);
    const { model, emb } = vectorsOf(q.model);
    known(emb, q.a, 'a');
    known(emb, q.b, 'b');
    known(emb, q.c, 'c');
    const results = guard(() => solveAnalogy(emb, q.a, q.b, q.c, q.topn));
    return { model: model.name, a: q.a, b: q.b, c: q.c, results };
  });

  app.get('/api/similarity', async (request) => {
    const q = parseRequest(similarityQuery, request.query);
    const { model, emb } = vectorsOf(q.model);
    known(emb, q.a, 'a');
    known(emb, q.b, 'b');
    return { model: model.name, a: q.a, b: q.b, similarity: guard(() => emb.similarity(q.a, q.b)) };
  });

  app.get('/api/suggest', async (request) => {
    const q = parseRequest(suggestQuery, request.query);
    const { model, emb } = vectorsOf(q.model);
    return { model: model.name, words: wordsWithPrefix(emb, q.prefix, q.limit) };
  });

  app.post('/api/projection', async (request) => {
    const q = parseRequest(projectionRequest, request.body);
    const { model, emb } = vectorsOf(q.model);
    const map = await wordMapOffThread(emb, q.words, { neighbours: q.neighbours, method: q.method as ProjectionMethod });
    return { model: model.name, ...map };
  });
}


/** Library errors about words become 404s; anything else propagates. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof UnknownWordError) throw unknownWord(err.word, 'word');
    if (err instanceof ApiError) throw err;
    throw err;
  }
}

/** A few frequent content words to put in the page's inputs: skip the very top (function words). */
function exampleWords(emb: Embeddings): string[] {
  const out: string[] = [];
  for (let i = Math.min(100, Math.floor(emb.size / 10)); i < emb.size && out.length < 6; i += 37) {
    const w = emb.vocab.word(i);
    if (/^\p{L}{3,}$/u.test(w)) out.push(w);
  }
  return out;
}
