import { EmbedkitError } from '../errors.ts';
import { acquireSlot, chunkPieces, placeInput, readRng, writeRng, type ChunkPiece } from '../kernels/chunk-feed.ts';
import { scriptBeside, WorkerPool } from '../kernels/pool.ts';
import type { Corpus } from '../text/corpus.ts';
import { encodeCorpus } from '../text/id-stream.ts';
import type { Tokenizer } from '../text/tokenize.ts';
import { throwIfAborted } from '../util/abort.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';
import type { KernelSetup, KernelTask, KernelTaskResult, KernelWorkerInit } from './kernel-worker.ts';
import { ProgressMeter, type ProgressListener } from './progress.ts';
import { linearDecay } from './schedule.ts';

/**
 * The training runner of the chunk-fed trainers (word2vec, fastText): it owns the worker pool over the shared
 * model memory, the chunk feed, the passes over the corpus with the learning-rate schedule, progress events,
 * checkpoints (at every pass end, every `interval` seconds at a chunk boundary, and when aborted), resuming
 * and aborting. A trainer brings its memory already laid out and initialised (KernelSetup) and says how to
 * save its state; the runner never looks inside the model.
 */

/** Words per chunk handed to a worker: big enough that one kernel call does real work, small enough to balance threads. */
export const CHUNK_WORDS = 16384;
/** Chunks queued per worker (each has as many input buffers in its slot): one training, one waiting. */
export const POOL_DEPTH = 2;

/** Where training stands; a trainer's checkpoint stores it. */
export interface RunPosition {
  /** Corpus pass in progress (0-based). */
  pass: number;
  /** Chunks of this pass already trained (the corpus is re-encoded and these are skipped on resume). */
  chunksDone: number;
  /** Words handed to training so far over all passes (drives the learning rate). */
  dispatched: number;
  /** Random state of each worker slot (filled in when a checkpoint is saved; restored on resume). */
  rng: number[];
}

export interface RunOptions {
  corpus: Corpus;
  vocab: Vocabulary;
  tokenizer: Tokenizer;
  /** Longer lines are cut into several sentences. */
  maxSentenceLength: number;
  threads: number;
  epochs: number;
  /** The schedule's unit: words of one epoch. */
  wordsPerEpoch: number;
  /** Learning rate at the start, decayed linearly to minAlpha over epochs × wordsPerEpoch words. */
  alpha: number;
  minAlpha: number;
  /**
   * `passes`: exactly `epochs` passes over the corpus (word2vec). `words`: until epochs × wordsPerEpoch words
   * are trained, the last chunk ending at a line end (fastText), so the last pass may be partial.
   */
  budget: 'passes' | 'words';
  /** A pass from its start that trained nothing: `throw` (the corpus holds no vocabulary word) or `stop`. */
  emptyPass: 'throw' | 'stop';
  /** Where training starts (a fresh position, or a checkpoint's); updated as training goes. */
  position: RunPosition;
  checkpoint?: {
    path: string;
    /** Seconds between mid-pass checkpoints. */
    interval: number;
    /** Saves the model's state with `position` (every worker settled: the memory is quiet). */
    save(path: string, position: RunPosition): Promise<void>;
  };
  onProgress?: ProgressListener;
  /** Milliseconds between progress events while training (default 1000). */
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

/** What a run trained: words over all passes (resumed ones included) and the mean loss of this call's chunks. */
export interface RunTotals {
  trained: number;
  loss?: number;
}

/** Trains the corpus into the shared memory of `setup` on `threads` workers; returns when done (throws when aborted). */
export async function runChunkTraining(setup: KernelSetup, o: RunOptions): Promise<RunTotals> {
  const { position, threads } = o;
  const buffer = setup.memory.buffer;
  for (let s = 0; s < threads; s++) {
    const saved = position.rng[s];
    if (saved !== undefined) writeRng(buffer, setup.layout, s, saved);
  }
  const stats = { wordsDone: position.dispatched, lossSum: 0, lossCount: 0 };
  const pool = await WorkerPool.start<KernelTask, KernelTaskResult>(scriptBeside(import.meta.url, 'kernel-worker'), threads, (slot): KernelWorkerInit => ({ ...setup, slot }), {
    depth: POOL_DEPTH,
    // Workers allocate almost nothing (chunks arrive through shared memory): small heaps, small footprint.
    resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
    onResult: (r) => {
      stats.wordsDone += r.words;
      stats.lossSum += r.lossSum;
      stats.lossCount += r.lossCount;
    },
  });
  try {
    await runPasses(pool, setup, o, stats);
  } finally {
    await pool.close();
  }
  return { trained: stats.wordsDone, loss: stats.lossCount > 0 ? stats.lossSum / stats.lossCount : undefined };
}

async function runPasses(pool: WorkerPool<KernelTask, KernelTaskResult>, setup: KernelSetup, o: RunOptions, stats: { wordsDone: number; lossSum: number; lossCount: number }): Promise<void> {
  const { signal, position, checkpoint, threads } = o;
  const { layout } = setup;
  const buffer = setup.memory.buffer;
  const totalWords = o.wordsPerEpoch * o.epochs;
  const rate = (words: number) => linearDecay(o.alpha, o.minAlpha, Math.min(1, words / totalWords));
  let alpha = rate(position.dispatched);

  const meter = new ProgressMeter({ phase: 'train', epochs: o.epochs, totalWords, listener: o.onProgress, intervalMs: o.progressIntervalMs ?? 1000, startWords: position.dispatched });
  let lastLoss = { sum: 0, count: 0 };
  const report = (force = false) => {
    const delta = stats.lossCount - lastLoss.count;
    const loss = delta > 0 ? (stats.lossSum - lastLoss.sum) / delta : undefined;
    if (meter.update(stats.wordsDone, { learningRate: alpha, loss, force })) lastLoss = { sum: stats.lossSum, count: stats.lossCount };
  };
  const timer = o.onProgress ? setInterval(report, o.progressIntervalMs ?? 1000) : undefined;
  timer?.unref();

  // Every model write of the finished chunks made visible to this thread.
  const settle = async () => {
    await pool.drain();
    for (let slot = 0; slot < threads; slot++) acquireSlot(buffer, layout, slot);
  };
  let lastCheckpoint = performance.now();
  const snapshot = async () => {
    await settle();
    position.rng = Array.from({ length: threads }, (_, s) => readRng(buffer, layout, s));
    await checkpoint!.save(checkpoint!.path, position);
    lastCheckpoint = performance.now();
  };
  const finished = () => (o.budget === 'passes' ? position.pass >= o.epochs : position.dispatched >= totalWords);
  const budgetSpent = () => o.budget === 'words' && position.dispatched >= totalWords;

  try {
    while (!finished() && !signal?.aborted) {
      const passStart = position.dispatched;
      const wholePass = position.chunksDone === 0;
      let chunkIndex = 0;
      for await (const chunk of encodeCorpus(o.corpus, o.vocab, o.tokenizer, { chunkWords: CHUNK_WORDS, maxSentenceLength: o.maxSentenceLength, reuseBuffers: true })) {
        if (signal?.aborted || budgetSpent()) break;
        if (chunkIndex++ < position.chunksDone) continue; // resumed: trained before the checkpoint
        for (const whole of chunkPieces(chunk.ids, chunk.sentenceEnds, layout.shape.maxChunkWords)) {
          if (budgetSpent()) break;
          const piece = o.budget === 'words' ? firstLines(whole, totalWords - position.dispatched) : whole;
          const alphaStart = rate(position.dispatched);
          position.dispatched += piece.ids.length;
          const alphaEnd = rate(position.dispatched);
          alpha = alphaStart;
          // The piece is copied straight into the chosen worker's input buffer in shared memory.
          await pool.submit((worker, seq): KernelTask => ({
            input: seq % POOL_DEPTH,
            nSentences: placeInput(buffer, layout, worker, seq % POOL_DEPTH, piece, seq + 1),
            alphaStart,
            alphaEnd,
            words: piece.ids.length,
          }));
        }
        position.chunksDone = chunkIndex;
        if (checkpoint && (performance.now() - lastCheckpoint) / 1000 >= checkpoint.interval) await snapshot();
      }
      if (signal?.aborted) break;
      if (wholePass && position.dispatched === passStart) {
        if (o.emptyPass === 'throw') throw new EmbedkitError('empty_corpus', 'no vocabulary word occurs in the corpus', { file: o.corpus.path });
        break; // another pass would not read more
      }
      position.pass++;
      position.chunksDone = 0;
      if (checkpoint) await snapshot();
    }
    if (signal?.aborted && checkpoint) await snapshot();
    await settle();
    throwIfAborted(signal, checkpoint?.path);
    report(true);
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** The piece's lines up to the first that reaches `words` words (fastText stops at a line's end too). */
function firstLines(piece: ChunkPiece, words: number): ChunkPiece {
  const ends = piece.sentenceEnds;
  if (ends.length === 0 || ends[ends.length - 1] <= words) return piece;
  let k = 0;
  while (ends[k] < words) k++;
  return { ids: piece.ids.subarray(0, ends[k]), sentenceEnds: ends.subarray(0, k + 1) };
}
