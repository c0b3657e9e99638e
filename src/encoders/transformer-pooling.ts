import { normalizeInPlace } from './encoder.ts';
import type { TransformerPooling } from './transformer-model-dir.ts';
import type { HiddenStates } from './transformer-runtime.ts';

/**
 * One unit vector from the token vectors of row `row` of a right-padded batch whose first `count` positions are
 * real tokens: their mean (special tokens included, as sentence-transformers does), the first token's vector
 * ([CLS]), or the last real token's (decoder-style embedding models).
 */
export function poolRow(h: HiddenStates, row: number, count: number, how: TransformerPooling): Float32Array {
  const { data, length, dim } = h;
  const base = row * length * dim;
  if (how === 'cls') return normalizeInPlace(data.slice(base, base + dim));
  if (how === 'last-token') {
    const o = base + (count - 1) * dim;
    return normalizeInPlace(data.slice(o, o + dim));
  }
  const sum = new Float64Array(dim);
  for (let t = 0; t < count; t++) {
    const o = base + t * dim;
    for (let j = 0; j < dim; j++) sum[j] += data[o + j];
  }
  const out = new Float32Array(dim);
  for (let j = 0; j < dim; j++) out[j] = sum[j] / count;
  return normalizeInPlace(out);
}

/** The vector of each of the first `count` tokens of row `row` (views are copied: the batch buffer is reused). */
export function tokenRows(h: HiddenStates, row: number, count: number): Float32Array[] {
  const { data, length, dim } = h;
  const base = row * length * dim;
  return Array.from({ length: count }, (_, t) => data.slice(base + t * dim, base + (t + 1) * dim));
}
