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
