import { checkpointSettings } from './option-schema.ts';
import type { CorpusFingerprint } from './corpus-fingerprint.ts';
import { supervisedSchema, type ResolvedSupervisedOptions } from './supervised-options.ts';
import { checkInteger, checkRng, trainerCheckpoint, type OpenedCheckpoint } from './trainer-checkpoint.ts';

/**
 * A supervised fastText training checkpoint: magic line "EMBEDKIT-FASTTEXT-SUPERVISED-CHECKPOINT 2", the words as
 * the vocabulary, the labels in the position, then the input rows ((words + buckets)×dim) and the output rows
 * (labels×dim).
 */
export const supervisedCheckpoint = trainerCheckpoint<SupervisedCheckpointSettings, SupervisedCheckpointPosition>('EMBEDKIT-FASTTEXT-SUPERVISED-CHECKPOINT 2\n', 'fastText supervised', {
  matrices: ['input', 'output'],
  matrixFloats: (s, words) => ({ input: (words + s.bucket) * s.dim, output: s.labels * s.dim }),
  checkPosition(p, s, _vocab, bad) {
    const MAX = Number.MAX_SAFE_INTEGER;
    checkInteger(bad, 'ntokens', p.ntokens, 1, MAX);
    checkInteger(bad, 'pass', p.pass, 0, s.epochs);
    checkInteger(bad, 'dispatched', p.dispatched, 0, s.epochs * p.ntokens);
    checkInteger(bad, 'chunksDone', p.chunksDone, 0, MAX);
    checkRng(bad, p.rng);
    if (!Array.isArray(p.labels) || p.labels.length !== s.labels || !p.labels.every((l) => typeof l === 'string' && l.length > 0)) bad('labels', `is not a list of ${s.labels} labels`);
    if (!Array.isArray(p.labelCounts) || p.labelCounts.length !== s.labels || !p.labelCounts.every((c) => Number.isSafeInteger(c) && c >= 0)) bad('labelCounts', `is not a list of ${s.labels} counts`);
  },
});

/** The settings a resumed run must share: supervisedSchema's `checkpoint` options, the chunk size, the labels. */
export type SupervisedCheckpointSettings = Record<string, unknown> & { chunkWords: number; dim: number; epochs: number; bucket: number; labels: number };

/** Where training stopped, and the labels (the vocabulary section holds the words). */
export interface SupervisedCheckpointPosition {
  pass: number;
  chunksDone: number;
  /** Tokens handed to training so far (drives the learning rate). */
  dispatched: number;
  /** Every token of one pass, labels and `</s>` included. */
  ntokens: number;
  rng: number[];
  labels: string[];
  labelCounts: number[];
}

export type SupervisedResume = OpenedCheckpoint<SupervisedCheckpointSettings, SupervisedCheckpointPosition>;

export function supervisedCheckpointSettings(o: ResolvedSupervisedOptions, chunkWords: number, labels: number): SupervisedCheckpointSettings {
  return { ...checkpointSettings(supervisedSchema, o), chunkWords, labels } as SupervisedCheckpointSettings;
}

/** Opens `path` and refuses it when it was written with other settings or (given `corpus`) for another corpus. */
export function openSupervisedCheckpoint(path: string, settings: SupervisedCheckpointSettings, corpus?: CorpusFingerprint | null): Promise<SupervisedResume> {
  return supervisedCheckpoint.open(path, { settings, corpus });
}
