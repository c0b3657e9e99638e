import { InvalidArgumentError } from '../errors.ts';

/**
 * Long inputs and batches, as plain arithmetic on token ids (no model here): how an input longer than the model's
 * window is cut, how the rows of a request are grouped so that no batch exceeds a token budget, and how the
 * window vectors of one input are combined again.
 */

/** Where a window starts in an input's content tokens (special tokens excluded) and how many it holds. */
export interface WindowSpan {
  start: number;
  length: number;
}

/**
 * Cuts `count` content tokens into windows of at most `size`, each starting `size - overlap` after the previous
 * one, the last ending at the input's end. An input that fits is one window.
 */
export function windowSpans(count: number, size: number, overlap: number): WindowSpan[] {
  if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError(`window size must be a positive integer, got ${size}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= size) throw new InvalidArgumentError(`overlap must be an integer in 0..${size - 1} (the window holds ${size} tokens), got ${overlap}`);
  const spans: WindowSpan[] = [{ start: 0, length: Math.min(count, size) }];
  const step = size - overlap;
  while (spans[spans.length - 1].start + size < count) {
    const start = spans[spans.length - 1].start + step;
    spans.push({ start, length: Math.min(size, count - start) });
  }
  return spans;
}

/**
 * Groups row lengths into batches: rows sorted longest first (so rows of similar length share a batch), a batch
 * closed when one more row would make rows × longest row exceed `tokenBudget`, the count exceed `maxBatch`, or
 * the padding exceed `maxPadding` of the batch (padding is computed like real tokens, so on a CPU a batch full of
 * it is slower than smaller batches). A row longer than the budget gets a batch of its own. Returns row indices
 * per batch.
 */
export function planBatches(lengths: readonly number[], tokenBudget: number, maxBatch = Infinity, maxPadding = 0.2): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const batches: number[][] = [];
  let current: number[] = [];
  let longest = 0;
  let real = 0;
  for (const i of order) {
    const padded = (current.length + 1) * longest;
    if (current.length > 0 && (padded > tokenBudget || current.length + 1 > maxBatch || padded - real - lengths[i] > maxPadding * padded)) {
      batches.push(current);
      current = [];
    }
    if (current.length === 0) {
      longest = lengths[i];
      real = 0;
    }
    current.push(i);
    real += lengths[i];
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * The vector of an input cut into windows: the unit vectors of its windows averaged with each window's token count
 * as weight, scaled to unit length again. A single window is returned as is.
 */
export function combineWindows(vectors: readonly Float32Array[], weights: readonly number[]): Float32Array {
  if (vectors.length === 1) return vectors[0];
  const dim = vectors[0].length;
  const sum = new Float64Array(dim);
  let total = 0;
  vectors.forEach((v, k) => {
    const w = weights[k];
    total += w;
    for (let j = 0; j < dim; j++) sum[j] += w * v[j];
  });
  let norm = 0;
  for (let j = 0; j < dim; j++) norm += sum[j] * sum[j];
  norm = Math.sqrt(norm);
  const out = new Float32Array(dim);
  // Dividing by the total weight first changes nothing after normalising; skip it, but keep zero safe.
  if (norm > 0 && total > 0) for (let j = 0; j < dim; j++) out[j] = sum[j] / norm;
  return out;
}
