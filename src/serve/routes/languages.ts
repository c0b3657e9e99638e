import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { translator, type Translation } from '../../apps/align/translate.ts';
import type { Embeddings, Neighbour } from '../../vectors/embeddings.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { invalidRequest, unknownWord } from '../api-error.ts';
import type { ServedModel } from '../models.ts';
import { parseRequest } from '../schemas.ts';
import { pca } from '../../viz/pca.ts';

/** Two served word models whose spaces are aligned (by `embedkit align` or `embedkit train joint`): the page's Languages tab. */
export interface AlignedLanguagesOptions {
  /** The two served models' names, each the name of its language on the page (`es`, `en`). */
  languages: readonly [string, string];
  /** Only the N most frequent words of each space are candidates and CSLS neighbourhoods (all words when absent). */
  restrictVocab?: number;
  /** CSLS neighbourhood size (default 10, as MUSE). */
  k?: number;
}

/** Longest word a request may ask for (checked before any lookup). */
export const MAX_WORD_CHARS = 200;
/** Most translations (and neighbours) a request may ask for. */
export const MAX_TRANSLATIONS = 50;

type Translate = (words: readonly string[], topn?: number) => Translation[];

/** One direction: the word's space, the other language, and its two translators (set up once). */
interface Direction {
  from: Embeddings;
  to: string;
  toSpace: Embeddings;
  nn: Translate;
  csls: Translate;
}

/** What the Languages routes answer from: built before the server listens, as CSLS's setup scans both spaces. */
export interface LanguagesView {
  options: AlignedLanguagesOptions;
  directions: Map<string, Direction>;
  k: number;
}

/**
 * Checks the two models (served, with word vectors of one dimension) and sets up translation both ways, NN and CSLS:
 * CSLS's neighbourhood means are computed here, once, so no request pays for them.
 */
export function buildLanguagesView(options: AlignedLanguagesOptions, models: readonly ServedModel[]): LanguagesView {
  const [a, b] = options.languages.map((name) => {
    const m = models.find((x) => x.name === name);
    if (!m) throw new InvalidArgumentError(`the aligned language ${JSON.stringify(name)} is not among the served models (${models.map((x) => x.name).join(', ')})`);
    if (!m.embeddings) throw new InvalidArgumentError(`the aligned language ${JSON.stringify(name)} has no word vectors`);
    return { name, emb: m.embeddings };
  });
  if (a.name === b.name) throw new InvalidArgumentError('the two aligned languages must be two different served models');
  const k = options.k ?? 10;
  const settings = { k, restrictVocab: options.restrictVocab };
  const direction = (from: typeof a, to: typeof a): Direction => ({
    from: from.emb,
    to: to.name,
    toSpace: to.emb,
    nn: translator(from.emb, to.emb, settings),
    csls: translator(from.emb, to.emb, { ...settings, csls: true }),
  });
  return { options, k, directions: new Map([[a.name, direction(a, b)], [b.name, direction(b, a)]]) };
}

const translateQuery = z.object({
  word: z.string().min(1).max(MAX_WORD_CHARS),
  from: z.string().min(1),
  topn: z.coerce.number().int().min(1).max(MAX_TRANSLATIONS).default(10),
});

const scored = (list: readonly Neighbour[] | null) => (list ?? []).map(({ word, score }) => ({ word, score }));

/**
 * `GET /api/languages`: the aligned pair (or `{ languages: null }` without one, so the page adds no tab), and
 * `GET /api/languages/translate?word=&from=&topn=`: the word's translations in the other language by nearest
 * neighbour and by CSLS, with its neighbours in its own language. Errors in OpenAI's shape: a word past
 * MAX_WORD_CHARS or a topn past MAX_TRANSLATIONS is refused before any lookup, an unknown language is a 400 and an
 * unknown word a 404.
 */
export function registerLanguageRoutes(app: FastifyInstance, view: LanguagesView | null): void {
  if (view === null) {
    app.get('/api/languages', async () => ({ languages: null }));
    return;
  }
  app.get('/api/languages', async () => ({
    languages: [...view.directions].map(([name, d]) => ({ name, words: d.from.size, examples: d.from.vocab.words.slice(0, 8) })),
    k: view.k,
    restrictVocab: view.options.restrictVocab ?? null,
    limits: { wordChars: MAX_WORD_CHARS, translations: MAX_TRANSLATIONS },
  }));
  app.get('/api/languages/translate', async (request) => {
    const q = parseRequest(translateQuery, request.query);
    const d = view.directions.get(q.from);
    if (!d) throw invalidRequest(`'from' is invalid: the aligned languages are ${[...view.directions.keys()].map((n) => JSON.stringify(n)).join(' and ')}, not ${JSON.stringify(q.from)}.`, 'from');
    if (!d.from.has(q.word)) throw unknownWord(q.word, 'word');
    const csls = scored(d.csls([q.word], q.topn)[0].translations);
    const neighbours = scored(d.from.mostSimilar({ positive: [q.word], topn: q.topn }));
    return { word: q.word, from: q.from, to: d.to, nn: scored(d.nn([q.word], q.topn)[0].translations), csls, neighbours, map: languagesMap(q.word, neighbours, csls, q.from, d) };
  });
}

/**
 * The word, its neighbours and its CSLS translations in 2-D (PCA of their vectors in the shared space), each point
 * naming its language: one map where both languages meet.
 */
export function languagesMap(word: string, neighbours: readonly { word: string }[], translations: readonly { word: string }[], from: string, d: Pick<Direction, 'from' | 'to' | 'toSpace'>): { word: string; lang: string; x: number; y: number }[] {
  const points = [
    ...[word, ...neighbours.map((n) => n.word)].map((w) => ({ word: w, lang: from, vector: d.from.row(d.from.vocab.indexOf(w)) })),
    ...translations.map((n) => ({ word: n.word, lang: d.to, vector: d.toSpace.row(d.toSpace.vocab.indexOf(n.word)) })),
  ];
  const xy = pca(points.map((p) => p.vector));
  return points.map((p, i) => ({ word: p.word, lang: p.lang, x: xy[i][0], y: xy[i][1] }));
}
