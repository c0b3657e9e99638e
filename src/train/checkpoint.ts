import type { Vocabulary } from '../vocab/vocabulary.ts';
import type { StridedMatrix } from './checkpoint-file.ts';
import type { CorpusFingerprint } from './corpus-fingerprint.ts';
import { checkInteger, checkRng, trainerCheckpoint, type ResumingRun } from './trainer-checkpoint.ts';

/**
 * A Word2Vec training checkpoint: everything needed to continue training exactly where it stopped. Magic line
 * "EMBEDKIT-W2V-CHECKPOINT 2", then the vocabulary, syn0 (V×dim), syn1neg (V×dim, empty without negative
 * sampling) and syn1 ((V−1)×dim, empty without hierarchical softmax).
 */
const format = trainerCheckpoint<CheckpointSettings, CheckpointPosition>('EMBEDKIT-W2V-CHECKPOINT 2\n', 'word2vec', {
  matrices: ['syn0', 'syn1neg', 'syn1'],
  matrixFloats: (s, words) => ({
    syn0: words * s.dim,
    syn1neg: (s.negative as number) > 0 ? words * s.dim : 0,
    syn1: s.hs === true ? Math.max(words - 1, 1) * s.dim : 0,
  }),
  checkPosition(p, s, _vocab, bad) {
    const MAX = Number.MAX_SAFE_INTEGER;
    checkInteger(bad, 'wordsPerEpoch', p.wordsPerEpoch, 1, MAX);
    checkInteger(bad, 'epoch', p.epoch, 0, s.epochs, ' (the run has that many epochs)');
    // Every chunk but a pass's last holds at least chunkWords words.
    const chunks = Math.floor(p.wordsPerEpoch / s.chunkWords) + 1;
    checkInteger(bad, 'chunksDone', p.chunksDone, 0, p.epoch === s.epochs ? 0 : chunks, p.epoch === s.epochs ? ' (training had finished)' : ` (a pass has at most ${chunks} chunks)`);
    // The schedule's total; a pass dispatches the vocabulary words the vocabulary pass counted.
    checkInteger(bad, 'wordsDone', p.wordsDone, 0, s.epochs * p.wordsPerEpoch, ' (epochs × wordsPerEpoch)');
    checkRng(bad, p.rng);
  },
});

/**
 * The settings a resumed run must share with the run that wrote the checkpoint: the options word2vecSchema
 * marks `checkpoint`, and the chunk size.
 */
export type CheckpointSettings = Record<string, unknown> & { chunkWords: number; dim: number; epochs: number };

/** Where training stopped (the runner's position under the names this format has always stored). */
export interface CheckpointPosition {
  /** Epoch in progress (0-based); equals `epochs` when training had finished. */
  epoch: number;
  /** Chunks of this epoch already trained (the corpus is re-encoded and these are skipped on resume). */
  chunksDone: number;
  /** Vocabulary words handed to training so far over all epochs (drives the learning rate). */
  wordsDone: number;
  /** Vocabulary words per epoch (the learning-rate schedule's unit). */
  wordsPerEpoch: number;
  /** Random state of each worker slot. */
  rng: number[];
}

export interface Word2VecCheckpoint {
  settings: CheckpointSettings;
  position: CheckpointPosition;
  vocab: Vocabulary;
  /** Row-major matrices without padding: V×dim, V×dim (or empty), (V−1)×dim (or empty). */
  syn0: Float32Array;
  syn1neg: Float32Array;
  syn1: Float32Array;
}

export async function saveCheckpoint(
  path: string,
  c: Omit<Word2VecCheckpoint, 'syn0' | 'syn1neg' | 'syn1'> & { corpus: CorpusFingerprint | null; syn0: StridedMatrix; syn1neg?: StridedMatrix; syn1?: StridedMatrix },
): Promise<void> {
  await format.save(path, { settings: c.settings, position: c.position, vocab: c.vocab, corpus: c.corpus, dim: c.settings.dim, matrices: { syn0: c.syn0, syn1neg: c.syn1neg, syn1: c.syn1 } });
}

/** Opens a checkpoint for resuming (matrices read on demand); with `run`, refuses one written with other settings or for another corpus. */
export function openWord2VecCheckpoint(path: string, run?: ResumingRun<CheckpointSettings>) {
  return format.open(path, run);
}

export async function loadCheckpoint(path: string): Promise<Word2VecCheckpoint> {
  const { file, settings, position, vocab } = await format.open(path);
  try {
    const [syn0, syn1neg, syn1] = [await file.read('syn0'), await file.read('syn1neg'), await file.read('syn1')];
    return { settings, position, vocab, syn0, syn1neg, syn1 };
  } finally {
    await file.close();
  }
}
