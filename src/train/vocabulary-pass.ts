import { fractionRead, type Corpus } from '../text/corpus.ts';
import type { Tokenizer } from '../text/tokenize.ts';
import { buildVocabulary, type VocabularyResult } from '../vocab/build.ts';
import type { ProgressListener } from './progress.ts';

/**
 * Progress of a single pass reading the corpus (`phase` vocab, or GloVe's count): the fraction of its bytes
 * read, words per second since the call. Returns the callback the pass reports its word count to.
 */
export function readingProgress(phase: string, corpus: Corpus, listener: ProgressListener | undefined): (words: number) => void {
  const started = performance.now();
  return (words) =>
    listener?.({ phase, epoch: 1, epochs: 1, progress: fractionRead(corpus), wordsPerSecond: words / Math.max(1e-3, (performance.now() - started) / 1000), etaSeconds: Infinity, wordsDone: words });
}

export interface VocabularyPassOptions {
  minCount: number;
  maxVocabSize?: number;
  tokenizer: Tokenizer;
  maxSentenceLength: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** The corpus whose bytes measure progress when `corpus` wraps it (default `corpus`). */
  progressOf?: Corpus;
}

/** The vocabulary pass every trainer starts with, reporting `vocab` progress events. */
export function vocabularyPass(corpus: Corpus, o: VocabularyPassOptions): Promise<VocabularyResult> {
  return buildVocabulary(corpus, {
    minCount: o.minCount,
    maxVocabSize: o.maxVocabSize,
    tokenizer: o.tokenizer,
    maxSentenceLength: o.maxSentenceLength,
    signal: o.signal,
    onProgress: readingProgress('vocab', o.progressOf ?? corpus, o.onProgress),
  });
}
