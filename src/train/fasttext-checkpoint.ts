import { fastTextSchema, type ResolvedFastTextOptions } from './fasttext-options.ts';
import { checkpointSettings } from './option-schema.ts';
import type { CorpusFingerprint } from './corpus-fingerprint.ts';
import { checkInteger, checkRng, trainerCheckpoint, type OpenedCheckpoint } from './trainer-checkpoint.ts';

/** Tokens of the longest line fastText trains (longer lines are cut): the budget's last line may pass it by this much. */
export const FASTTEXT_MAX_LINE_TOKENS = 1024;

/**
 * A fastText training checkpoint: magic line "EMBEDKIT-FASTTEXT-CHECKPOINT 2", then the vocabulary, the input
 * rows ((words + buckets)×dim) and the output rows (words×dim).
 */
export const fastTextCheckpoint = trainerCheckpoint<FastTextCheckpointSettings, FastTextCheckpointPosition>('EMBEDKIT-FASTTEXT-CHECKPOINT 2\n', 'fastText', {
  matrices: ['input', 'output'],
  matrixFloats: (s, words) => ({ input: (words + (s.bucket as number)) * s.dim, output: words * s.dim }),
  checkPosition(p, s, vocab, bad) {
    const MAX = Number.MAX_SAFE_INTEGER;
    // ntokens counts every token read, rare ones included: at least the vocabulary's own counts.
    const inVocabulary = vocab.totalCount();
    checkInteger(bad, 'ntokens', p.ntokens, Math.max(1, Math.ceil(inVocabulary)), MAX, ' (at least the vocabulary counts)');
    const budget = s.epochs * p.ntokens;
    checkInteger(bad, 'dispatched', p.dispatched, 0, budget + FASTTEXT_MAX_LINE_TOKENS, ' (epochs × ntokens, plus the last line)');
    // Every pass but the last trains the vocabulary's tokens, so the budget bounds the passes.
    const passes = Math.ceil(budget / Math.max(1, inVocabulary)) + 1;
    checkInteger(bad, 'pass', p.pass, 0, passes, ' (the budget allows no more passes)');
    const chunks = Math.floor(p.ntokens / s.chunkWords) + 1;
    checkInteger(bad, 'chunksDone', p.chunksDone, 0, chunks, ` (a pass has at most ${chunks} chunks)`);
    checkRng(bad, p.rng);
  },
});

/** The settings a resumed run must share with the run that wrote the checkpoint: fastTextSchema's `checkpoint` options and the chunk size. */
export type FastTextCheckpointSettings = Record<string, unknown> & { chunkWords: number; dim: number; epochs: number };

/** Where training stopped. */
export interface FastTextCheckpointPosition {
  /** Corpus pass in progress (0-based). */
  pass: number;
  /** Chunks of this pass already trained (the corpus is re-encoded and these are skipped on resume). */
  chunksDone: number;
  /** Vocabulary tokens handed to training so far (drives the learning rate; training ends at epoch × ntokens). */
  dispatched: number;
  /** Every token the vocabulary pass read, rare ones included (the budget's unit, as fastText's ntokens). */
  ntokens: number;
  /** Random state of each worker slot. */
  rng: number[];
}

export type FastTextResume = OpenedCheckpoint<FastTextCheckpointSettings, FastTextCheckpointPosition>;

export function fastTextCheckpointSettings(o: ResolvedFastTextOptions, chunkWords: number): FastTextCheckpointSettings {
  return { ...checkpointSettings(fastTextSchema, o), chunkWords } as FastTextCheckpointSettings;
}

/** Opens `path` and refuses it when it was written with other settings, or (given `corpus`) for another corpus. */
export function openFastTextCheckpoint(path: string, settings: FastTextCheckpointSettings, corpus?: CorpusFingerprint | null): Promise<FastTextResume> {
  return fastTextCheckpoint.open(path, { settings, corpus });
}
