import { EmbedkitError } from '../errors.ts';
import { sharedMemory } from '../kernels/wasm.ts';

/**
 * Memory estimates before training (gensim's estimate_memory idea): every trainer keeps its model in one
 * WebAssembly memory, which holds at most 65,536 pages of 64 KiB (4 GiB). A model that cannot fit is refused
 * before anything is allocated, with the numbers a user needs to choose again, instead of a RangeError from
 * deep inside the allocation.
 */

/** The most one WebAssembly memory can hold. */
export const WASM_MEMORY_LIMIT = 2 ** 32;

export interface MemoryEstimate {
  trainer: string;
  /** Vocabulary words. */
  words: number;
  dim: number;
  /** Bytes of the training memory (model, tables and per-thread buffers) as it would be allocated. */
  bytes: number;
  /** The most bytes one training memory may hold. */
  limit: number;
  fits: boolean;
  /** The largest vocabulary that fits at this dim (0 when none does). */
  maxWords: number;
  /** The largest dim that fits with this vocabulary (0 when none does). */
  maxDim: number;
  /** What else the bytes depend on that a user may change (e.g. fastText's n-gram buckets). */
  note?: string;
}

/**
 * The estimate for `words` × `dim`, given the trainer's exact byte count as a function of both (monotone in
 * each); the largest vocabulary and dim that fit are found by bisection on that same function.
 */
export function memoryEstimate(trainer: string, words: number, dim: number, bytesOf: (words: number, dim: number) => number, note?: string): MemoryEstimate {
  const limit = WASM_MEMORY_LIMIT;
  const bytes = bytesOf(words, dim);
  // The largest n ≥ 1 with f(n) within the limit (0 when even 1 is not): double until past it, then bisect.
  const largest = (f: (n: number) => number, start: number) => {
    let lo = 0;
    let hi = Math.max(1, start);
    while (f(hi) <= limit) {
      if (hi >= 2 ** 40) return hi;
      lo = hi;
      hi *= 2;
    }
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (f(mid) <= limit) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  return {
    trainer,
    words,
    dim,
    bytes,
    limit,
    fits: bytes <= limit,
    maxWords: largest((n) => bytesOf(n, dim), words),
    maxDim: largest((d) => bytesOf(words, d), dim),
    note,
  };
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Throws `memory_limit` when the estimate does not fit, naming words, dim, bytes and what would fit. */
export function refuseOverLimit(e: MemoryEstimate): void {
  if (e.fits) return;
  const fitWords = e.maxWords > 0 ? `at dim ${e.dim} at most ${e.maxWords.toLocaleString('en-US')} words fit` : `no vocabulary fits at dim ${e.dim}`;
  const fitDim = e.maxDim > 0 ? `${e.words.toLocaleString('en-US')} words fit up to dim ${e.maxDim}` : `${e.words.toLocaleString('en-US')} words do not fit at any dim`;
  throw new EmbedkitError(
    'memory_limit',
    `${e.trainer} needs ${gib(e.bytes)} (${e.bytes.toLocaleString('en-US')} bytes) for ${e.words.toLocaleString('en-US')} words × dim ${e.dim}${e.note ? ` (${e.note})` : ''}; ` +
      `one WebAssembly memory holds at most ${gib(e.limit)}: ${fitWords}, and ${fitDim} (raise minCount or lower dim)`,
  );
}

/**
 * The shared training memory of `bytes` (the trainer's layout), after refusing a model whose estimate does not
 * fit. The two are computed apart on purpose: the tests hold the estimate to what is actually allocated.
 */
export function sharedTrainingMemory(estimate: MemoryEstimate, bytes: number): WebAssembly.Memory {
  refuseOverLimit(estimate);
  return sharedMemory(bytes);
}
