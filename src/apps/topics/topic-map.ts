import { umapReduce } from '../../viz/umap.ts';
import type { TopicsResult } from './find-topics.ts';

/** Documents placed in 2-D and coloured by topic, with each topic's keywords at its centre. */
export interface TopicMap {
  /** One point per embedded document: input index, coordinates, topic (−1: outlier). */
  points: { index: number; x: number; y: number; topic: number }[];
  /** Per topic: where its label goes (the median of its documents' coordinates) and its first keywords. */
  labels: { topic: number; x: number; y: number; keywords: string[] }[];
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * A 2-D map of findTopics' documents: their vectors projected by seeded UMAP (2 dimensions, minimum distance 0.1),
 * coloured by topic, each topic labelled by its first `keywords` keywords at the median of its documents (the
 * median stays inside a cluster that the mean of a curved one can miss).
 * @example
 * ```ts
 * import { findTopics, topicMap } from 'embedkit/apps';
 * const texts = ['the king and the queen', 'a cat and a dog', 'the river bank', 'paris and london'];
 * const result = await findTopics(Array.from({ length: 40 }, (_, i) => texts[i % 4]), { model: 'vectors.bin', minClusterSize: 5 });
 * const map = topicMap(result);
 * console.log(map.points.length, map.labels.length === result.topics.length); // 40 true
 * ```
 */
export function topicMap(result: TopicsResult, options: { seed?: number; keywords?: number } = {}): TopicMap {
  const coords = umapReduce(result.embedded.vectors, { nComponents: 2, nNeighbors: result.settings.nNeighbors, minDist: 0.1, seed: options.seed ?? result.settings.seed });
  const points = result.embedded.index.map((index, j) => ({ index, x: coords[j][0], y: coords[j][1], topic: result.documents[index].topic ?? -1 }));
  const labels = result.topics.map((t) => {
    const members = points.filter((p) => p.topic === t.id);
    return { topic: t.id, x: median(members.map((p) => p.x)), y: median(members.map((p) => p.y)), keywords: t.keywords.slice(0, options.keywords ?? 3).map((k) => k.word) };
  });
  return { points, labels };
}
