import { Vocabulary } from '../vocab/vocabulary.ts';
import { openCheckpointFile, refuseChangedSettings, writeCheckpointFile, type CheckpointFile, type StridedMatrix } from './checkpoint-file.ts';
import type { ResolvedFastTextOptions } from './fasttext-options.ts';

/**
 * A fastText training checkpoint, in the checkpoint container (checkpoint-file.ts): magic line
 * "EMBEDKIT-FASTTEXT-CHECKPOINT 1", a header with the settings, position, vocabulary words and counts, then
 * the input rows ((words + buckets)×dim) and the output rows (words×dim).
 */
const MAGIC = 'EMBEDKIT-FASTTEXT-CHECKPOINT 1\n';
const MATRICES = ['input', 'output'] as const;

/** The settings a resumed run must share with the run that wrote the checkpoint (threads may change). */
export type FastTextCheckpointSettings = Pick<
  ResolvedFastTextOptions,
  'model' | 'loss' | 'dim' | 'ws' | 'epoch' | 'minCount' | 'neg' | 't' | 'minn' | 'maxn' | 'bucket' | 'lr' | 'lrUpdateRate' | 'seed' | 'tokenizer'
> & { chunkWords: number };

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

interface Header {
  settings: FastTextCheckpointSettings;
  position: FastTextCheckpointPosition;
  words: string[];
  counts: number[];
}

export function fastTextCheckpointSettings(o: ResolvedFastTextOptions, chunkWords: number): FastTextCheckpointSettings {
  const { model, loss, dim, ws, epoch, minCount, neg, t, minn, maxn, bucket, lr, lrUpdateRate, seed, tokenizer } = o;
  return { model, loss, dim, ws, epoch, minCount, neg, t, minn, maxn, bucket, lr, lrUpdateRate, seed, tokenizer, chunkWords };
}

export async function saveFastTextCheckpoint(
  path: string,
  c: { settings: FastTextCheckpointSettings; position: FastTextCheckpointPosition; vocab: Vocabulary; input: StridedMatrix; output: StridedMatrix },
): Promise<void> {
  const header: Header = { settings: c.settings, position: c.position, words: c.vocab.words, counts: Array.from(c.vocab.counts) };
  await writeCheckpointFile(path, MAGIC, header, c.settings.dim, [
    ['input', c.input],
    ['output', c.output],
  ]);
}

/** A checkpoint opened for resuming: settings checked, vocabulary rebuilt, matrices still in the file. */
export interface FastTextResume {
  file: CheckpointFile<Header>;
  position: FastTextCheckpointPosition;
  vocab: Vocabulary;
}

/** Opens `path` and refuses it when it was written with other settings than `now`. */
export async function openFastTextCheckpoint(path: string, now: FastTextCheckpointSettings): Promise<FastTextResume> {
  const file = await openCheckpointFile<Header>(path, MAGIC, 'fastText', MATRICES);
  try {
    refuseChangedSettings(path, file.header.settings, now);
  } catch (err) {
    await file.close();
    throw err;
  }
  return { file, position: file.header.position, vocab: new Vocabulary(file.header.words, file.header.counts) };
}
