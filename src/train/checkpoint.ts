import { Vocabulary } from '../vocab/vocabulary.ts';
import { openCheckpointFile, writeCheckpointFile, type StridedMatrix } from './checkpoint-file.ts';

/**
 * A Word2Vec training checkpoint: everything needed to continue training exactly where it stopped. In the
 * checkpoint container (checkpoint-file.ts): magic line "EMBEDKIT-W2V-CHECKPOINT 1", a header with the
 * settings, position, vocabulary words and counts, then syn0 (V×dim), syn1neg (V×dim, empty without negative
 * sampling) and syn1 ((V−1)×dim, empty without hierarchical softmax).
 */
const MAGIC = 'EMBEDKIT-W2V-CHECKPOINT 1\n';

/** The settings a resumed run must share with the run that wrote the checkpoint. */
export interface CheckpointSettings {
  dim: number;
  cbow: boolean;
  cbowMean: boolean;
  hs: boolean;
  negative: number;
  window: number;
  sample: number;
  alpha: number;
  minAlpha: number;
  epochs: number;
  seed: number;
  tokenizer: string;
  maxSentenceLength: number;
  chunkWords: number;
}

/** Where training stopped. */
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

interface Header {
  settings: CheckpointSettings;
  position: CheckpointPosition;
  words: string[];
  counts: number[];
}

const MATRICES = ['syn0', 'syn1neg', 'syn1'] as const;

export async function saveCheckpoint(
  path: string,
  c: Omit<Word2VecCheckpoint, 'syn0' | 'syn1neg' | 'syn1'> & { syn0: StridedMatrix; syn1neg?: StridedMatrix; syn1?: StridedMatrix },
): Promise<void> {
  const header: Header = { settings: c.settings, position: c.position, words: c.vocab.words, counts: Array.from(c.vocab.counts) };
  await writeCheckpointFile(path, MAGIC, header, c.settings.dim, [
    ['syn0', c.syn0],
    ['syn1neg', c.syn1neg],
    ['syn1', c.syn1],
  ]);
}

export async function loadCheckpoint(path: string): Promise<Word2VecCheckpoint> {
  const file = await openCheckpointFile<Header>(path, MAGIC, 'word2vec', MATRICES);
  try {
    const [syn0, syn1neg, syn1] = [await file.read('syn0'), await file.read('syn1neg'), await file.read('syn1')];
    const { settings, position, words, counts } = file.header;
    return { settings, position, vocab: new Vocabulary(words, counts), syn0, syn1neg, syn1 };
  } finally {
    await file.close();
  }
}
