import { InvalidArgumentError } from '../errors.ts';
import type { Vocabulary } from './vocabulary.ts';

/**
 * Probability of keeping each occurrence of each word under frequent-word subsampling, the formula of the
 * word2vec C tool and gensim: with t = sample · totalWords, keep(w) = (√(count/t) + 1) · t / count, capped at 1.
 * sample = 0 keeps everything; sample ≥ 1 is gensim's shorthand for an absolute count threshold
 * (t = floor(sample · (3 + √5) / 2), so that words seen more than `sample` times get downsampled).
 */
export function keepProbabilities(vocab: Vocabulary, sample: number, totalWords: number): Float32Array {
  if (!(sample >= 0) || !Number.isFinite(sample)) throw new InvalidArgumentError(`sample must be a number ≥ 0, got ${sample}`);
  const keep = new Float32Array(vocab.size).fill(1);
  if (sample === 0) return keep;
  const threshold = sample < 1 ? sample * totalWords : Math.floor((sample * (3 + Math.sqrt(5))) / 2);
  for (let i = 0; i < vocab.size; i++) {
    const count = vocab.count(i);
    if (count <= 0) continue;
    const p = (Math.sqrt(count / threshold) + 1) * (threshold / count);
    if (p < 1) keep[i] = p;
  }
  return keep;
}

/** Slots per vocabulary word in the negative-sampling table (see negativeTableSize). */
export const NEGATIVE_TABLE_SLOTS_PER_WORD = 32;
export const NEGATIVE_TABLE_MIN_SIZE = 1 << 20;
export const NEGATIVE_TABLE_MAX_SIZE = 1e8;

/**
 * Size of the negative-sampling table for a vocabulary of `vocabSize` words: 32 slots per word, at least 2^20,
 * at most 1e8 (the word2vec C tool's fixed size, 400 MB whatever the vocabulary). A table of T slots gives each
 * word a drawing probability within 1/T of the exact one, so the error matters only for the rarest words.
 * Measured on en-mix (74,398 words at min-count 5; rarest word's exact probability 1.4e-6), total variation
 * distance between the table's distribution and the exact one, and the worst relative error of one word:
 *   10 slots/word (3 MB): 1.6%, 86%;  32 (9.5 MB): 0.53%, 24%;  64 (19 MB): 0.24%, 13%;  1344 (1e8, 400 MB): 0.012%, 1%.
 * Every word had at least one slot at all these sizes. 32 slots cost 128 bytes per word, a sixth of the two
 * dim-100 float matrices, for an error that only shifts how often the rarest words serve as negatives.
 */
export function negativeTableSize(vocabSize: number): number {
  return Math.min(NEGATIVE_TABLE_MAX_SIZE, Math.max(NEGATIVE_TABLE_MIN_SIZE, vocabSize * NEGATIVE_TABLE_SLOTS_PER_WORD));
}

/**
 * Table for drawing negative samples ∝ count^power in O(1): draw a uniform random slot, read the word.
 * Word i fills the slots from round(T·F(i−1)) to round(T·F(i)), F being the cumulative share of count^power,
 * so each word's slot share is within 1/T of its exact probability.
 */
export function buildNegativeTable(vocab: Vocabulary, power = 0.75, size = negativeTableSize(vocab.size)): Int32Array {
  if (vocab.size === 0) throw new InvalidArgumentError('cannot build a negative-sampling table for an empty vocabulary');
  if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError(`negative table size must be a positive integer, got ${size}`);
  let total = 0;
  for (let i = 0; i < vocab.size; i++) total += Math.pow(vocab.count(i), power);
  if (!(total > 0) || !Number.isFinite(total)) {
    throw new InvalidArgumentError('cannot build a negative-sampling table: the vocabulary has no positive counts');
  }
  const table = new Int32Array(size);
  let cumulative = 0;
  let from = 0;
  for (let i = 0; i < vocab.size; i++) {
    cumulative += Math.pow(vocab.count(i), power);
    const to = i === vocab.size - 1 ? size : Math.min(size, Math.round((cumulative / total) * size));
    if (to > from) table.fill(i, from, to);
    from = Math.max(from, to);
  }
  return table;
}
