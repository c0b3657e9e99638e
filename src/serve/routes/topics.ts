import type { FastifyInstance } from 'fastify';
import { findTopics, type FindTopicsOptions, type TopicDocument } from '../../apps/topics/find-topics.ts';
import { topicMap } from '../../apps/topics/topic-map.ts';
import type { TopicSettings } from '../../apps/topics/topic-options.ts';
import { StaticEncoder } from '../../encoders/static.ts';
import type { ServedModel } from '../models.ts';

/** The document collection the page's Topics tab maps: its topics are found once, when the server starts. */
export interface TopicsViewOptions {
  /** The documents (texts, or `{ text, date }`), e.g. from readTopicDocuments. */
  documents: readonly (string | TopicDocument)[];
  /** Shown above the map (a file name, say). */
  name?: string;
  /** The served model whose encoder embeds the documents (default: the first served model). Word vectors pool by SIF. */
  model?: string;
  /** findTopics' settings (minClusterSize, seed, …) and `topics` ('auto' or K). */
  settings?: TopicSettings & Pick<FindTopicsOptions, 'topics'>;
  /** Told each stage of findTopics as it starts, and 'map' for the 2-D layout (a command line shows progress). */
  onStage?: (stage: string) => void;
}

/** Longest document text the map sends for hovering (the rest is cut at a space and marked with …). */
export const MAX_HOVER_CHARS = 600;
/** Keywords listed per topic in the table under the map. */
const TABLE_KEYWORDS = 10;

function shorten(text: string, max = MAX_HOVER_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.lastIndexOf(' ', max);
  return `${flat.slice(0, cut > max / 2 ? cut : max)} …`;
}

/**
 * Finds the topics of the collection with a served model's encoder and lays them out in 2-D (topicMap), then holds
 * the page's answer as one JSON string: the work is done before the server listens, so no request waits on it and
 * none holds the event loop to build it.
 */
export async function buildTopicsView(options: TopicsViewOptions, models: readonly ServedModel[]): Promise<string> {
  const model = options.model === undefined ? models[0] : models.find((m) => m.name === options.model);
  if (!model) throw new Error(`the topics' model ${JSON.stringify(options.model)} is not among the served models`);
  // Word vectors pool by SIF for topics (findTopics' default), whatever pooling the embeddings API uses.
  const encoder = model.embeddings ? new StaticEncoder(model.embeddings, { id: model.encoder.id, pooling: 'sif' }) : model.encoder;
  const result = await findTopics(options.documents, { ...options.settings, encoder, onStage: options.onStage });
  options.onStage?.('map');
  const map = topicMap(result);
  const texts = options.documents.map((d) => (typeof d === 'string' ? d : d.text));
  return JSON.stringify({
    name: options.name ?? null,
    model: model.name,
    documents: texts.length,
    mapped: map.points.length,
    outliers: result.outliers,
    clustersFound: result.clustersFound,
    singleCluster: result.singleCluster,
    skipped: { empty: result.skipped.empty.length, unknown: result.skipped.unknown.length },
    topics: result.topics.map((t) => ({
      id: t.id,
      size: t.size,
      keywords: t.keywords.slice(0, TABLE_KEYWORDS).map((k) => k.word),
      representative: shorten(texts[t.representatives[0]] ?? '', 200),
    })),
    labels: map.labels,
    points: map.points.map((p) => ({ index: p.index, x: p.x, y: p.y, topic: p.topic, text: shorten(texts[p.index]) })),
  });
}

/**
 * `GET /api/topics`: the Topics tab's map (documents as points with their topic and text, keyword labels at the
 * topics' centres, the topics table). Without a collection it answers `{ topics: null }`, so the page can tell
 * that this server has no Topics tab without a failed request.
 */
export function registerTopicRoutes(app: FastifyInstance, view: string | null): void {
  if (view === null) {
    app.get('/api/topics', async () => ({ topics: null }));
    return;
  }
  app.get('/api/topics', async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(view));
}
