import type { Encoder } from '../../encoders/encoder.ts';
import { NoKnownWordError } from '../../encoders/static.ts';

/** Texts per encode call: bounds the memory of one call while keeping a transformer's or an API's batches full. */
const BATCH = 256;

/**
 * Each text's vector, or undefined for a text the encoder has no vector for (empty, or no word a vectors file
 * knows): classifiers give such a text no prediction, as fastText does for a line without a known word.
 */
export async function textVectors(encoder: Encoder, texts: readonly string[], signal?: AbortSignal): Promise<(Float32Array | undefined)[]> {
  const out: (Float32Array | undefined)[] = new Array(texts.length).fill(undefined);
  for (let start = 0; start < texts.length; start += BATCH) {
    signal?.throwIfAborted();
    const positions: number[] = [];
    for (let i = start; i < Math.min(texts.length, start + BATCH); i++) if (texts[i].trim() !== '') positions.push(i);
    await encodeInto(encoder, texts, positions, out, signal);
  }
  return out;
}

/** Encodes texts[positions] into out; a text without a vector is left out and the rest encoded again. */
async function encodeInto(encoder: Encoder, texts: readonly string[], positions: number[], out: (Float32Array | undefined)[], signal?: AbortSignal): Promise<void> {
  while (positions.length > 0) {
    try {
      const { vectors } = await encoder.encode(positions.map((i) => texts[i]), { signal });
      positions.forEach((p, j) => (out[p] = vectors[j]));
      return;
    } catch (err) {
      if (!(err instanceof NoKnownWordError)) throw err;
      positions = positions.filter((_, j) => j !== err.index);
    }
  }
}
