import type { Encoder } from '../../encoders/encoder.ts';
import { StaticEncoder } from '../../encoders/static.ts';

/** Document vectors for topic modelling, and the documents that have none. */
export interface EmbeddedDocuments {
  /** Indices (into the input) of the documents that have a vector, in input order. */
  kept: number[];
  /** One unit vector per kept document. */
  vectors: Float32Array[];
  /** Indices of documents with no text (empty or only whitespace). */
  empty: number[];
  /** Indices of documents none of whose words the word vectors know (static encoders only). */
  unknown: number[];
}

const BATCH = 64;

/**
 * Encodes the documents with any encoder. Empty documents are skipped and listed; with word vectors, so are
 * documents without a known word (the encoder would refuse the whole batch for one of them). SIF pooling
 * (Arora et al.) ends by removing the collection's common component: the first principal direction of the pooled
 * vectors, which mostly carries the frequent words every document shares.
 */
export async function embedDocuments(texts: readonly string[], encoder: Encoder, signal?: AbortSignal): Promise<EmbeddedDocuments> {
  const empty: number[] = [];
  const unknown: number[] = [];
  const candidates: number[] = [];
  texts.forEach((t, i) => (t.trim() === '' ? empty.push(i) : candidates.push(i)));
  const kept: number[] = [];
  const vectors: Float32Array[] = [];
  if (encoder instanceof StaticEncoder) {
    for (const i of candidates) {
      signal?.throwIfAborted();
      const { vector } = encoder.pool(texts[i]);
      if (vector) {
        kept.push(i);
        vectors.push(Float32Array.from(vector));
      } else unknown.push(i);
    }
    if (encoder.pooling === 'sif') removeCommonComponent(vectors);
  } else {
    for (let b = 0; b < candidates.length; b += BATCH) {
      const batch = candidates.slice(b, b + BATCH);
      const { vectors: out } = await encoder.encode(
        batch.map((i) => texts[i]),
        { signal },
      );
      kept.push(...batch);
      vectors.push(...out);
    }
  }
  return { kept, vectors, empty, unknown };
}

/** Removes each vector's projection on their first (uncentred) principal direction, then rescales to unit length. */
export function removeCommonComponent(vectors: Float32Array[], iterations = 50): void {
  if (vectors.length < 2) return;
  const dim = vectors[0].length;
  let u: Float64Array = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(dim);
    for (const v of vectors) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += v[k] * u[k];
      for (let k = 0; k < dim; k++) next[k] += dot * v[k];
    }
    const norm = Math.hypot(...next);
    if (norm === 0) return;
    for (let k = 0; k < dim; k++) next[k] /= norm;
    u = next;
  }
  for (const v of vectors) {
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += v[k] * u[k];
    let s = 0;
    for (let k = 0; k < dim; k++) s += (v[k] - dot * u[k]) ** 2;
    // A vector lying along the component keeps its direction rather than becoming zero.
    if (s < 1e-12) continue;
    const inv = 1 / Math.sqrt(s);
    for (let k = 0; k < dim; k++) v[k] = (v[k] - dot * u[k]) * inv;
  }
}
