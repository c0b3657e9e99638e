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
  /** SIF's common component, removed from every vector (SIF pooling only). */
  commonComponent?: Float64Array;
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
  let commonComponent: Float64Array | undefined;
  if (encoder instanceof StaticEncoder) {
    for (const i of candidates) {
      signal?.throwIfAborted();
      const { vector } = encoder.pool(texts[i]);
      if (vector) {
        kept.push(i);
        vectors.push(Float32Array.from(vector));
      } else unknown.push(i);
    }
    if (encoder.pooling === 'sif') commonComponent = removeCommonComponent(vectors);
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
  return { kept, vectors, empty, unknown, ...(commonComponent ? { commonComponent } : {}) };
}

/**
 * Removes each vector's projection on their first (uncentred) principal direction, then rescales to unit length;
 * returns that direction (undefined when there was none to remove), so word vectors can be put in the same space.
 */
export function removeCommonComponent(vectors: Float32Array[], iterations = 50): Float64Array | undefined {
  if (vectors.length < 2) return undefined;
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
    if (norm === 0) return undefined;
    for (let k = 0; k < dim; k++) next[k] /= norm;
    u = next;
  }
  // A vector lying along the component keeps its direction rather than becoming zero (withoutComponent leaves it).
  for (const v of vectors) withoutComponent(v, u);
  return u;
}

/**
 * Unit vectors of single words in the documents' space, for keywords chosen by similarity to a topic: the encoder's
 * vector of each word, with the documents' common component removed as from them (SIF). Words the encoder has no
 * vector for map to null.
 */
export async function embedWords(words: readonly string[], encoder: Encoder, commonComponent?: Float64Array, signal?: AbortSignal): Promise<Map<string, Float32Array | null>> {
  const out = new Map<string, Float32Array | null>();
  if (encoder instanceof StaticEncoder) {
    for (const w of words) {
      const v = encoder.pool(w).vector;
      out.set(w, v && commonComponent ? withoutComponent(Float32Array.from(v), commonComponent) : v);
    }
    return out;
  }
  for (let b = 0; b < words.length; b += BATCH) {
    const batch = words.slice(b, b + BATCH);
    const { vectors } = await encoder.encode(batch, { signal });
    batch.forEach((w, i) => out.set(w, vectors[i]));
  }
  return out;
}

/** `v` less its projection on the unit vector `u`, at unit length, in place (null, `v` untouched, when nothing is left). */
function withoutComponent(v: Float32Array, u: Float64Array): Float32Array | null {
  let dot = 0;
  for (let k = 0; k < v.length; k++) dot += v[k] * u[k];
  let s = 0;
  for (let k = 0; k < v.length; k++) s += (v[k] - dot * u[k]) ** 2;
  if (s < 1e-12) return null;
  const inv = 1 / Math.sqrt(s);
  for (let k = 0; k < v.length; k++) v[k] = (v[k] - dot * u[k]) * inv;
  return v;
}
