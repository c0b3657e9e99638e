import { EmbedkitError } from '../errors.ts';
import { acquireSlot, chunkPieces, placeInput, readRng, writeRng, type ChunkPiece } from '../kernels/chunk-feed.ts';
import { compileFastTextKernel } from '../kernels/fasttext-fast.ts';
import { scriptBeside, SpawnedWorkers, WorkerPool } from '../kernels/pool.ts';
import { compileWord2VecKernel } from '../kernels/word2vec-fast.ts';
import type { Corpus } from '../text/corpus.ts';
import { encodeCorpus, type IdChunk } from '../vocab/id-stream.ts';
import type { Tokenizer } from '../text/tokenize.ts';
import { throwIfAborted } from '../util/abort.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';
import type { CheckpointFile, StridedMatrix } from './checkpoint-file.ts';
import { isNumericTrap, TrainingDivergedError } from './divergence.ts';
import type { KernelSetup, KernelTask, KernelTaskResult, KernelWorkerInit, UniformRowsTask } from './kernel-worker.ts';
import { ProgressMeter, type ProgressListener } from './progress.ts';
import { rowRangeOf } from './rows.ts';
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

/** The trainer settings the runner reads (every trainer's resolved options have them, under these names). */
export interface RunSettings {
  threads: number;
  epochs: number;
  /** Learning rate at the start, decayed linearly to minAlpha (default 0) over epochs × wordsPerEpoch words. */
  alpha: number;
  minAlpha?: number;
  /** Seconds between mid-pass checkpoints. */
  checkpointInterval: number;
}

/** What the caller of a trainer asked for: a checkpoint file, progress events, an abort signal. */
export interface RunCaller {
  checkpoint?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/** How the trainer's corpus is trained. */
export interface RunPlan {
  corpus: Corpus;
  vocab: Vocabulary;
  tokenizer: Tokenizer;
  /** Longer lines are cut into several sentences. */
  maxSentenceLength: number;
  /** The schedule's unit: words of one epoch. */
  wordsPerEpoch: number;
  /**
   * `passes`: exactly `epochs` passes over the corpus (word2vec). `words`: until epochs × wordsPerEpoch words
   * are trained, the last chunk ending at a line end (fastText), so the last pass may be partial.
   */
  budget: 'passes' | 'words';
  /** A pass from its start that trained nothing: `throw` (the corpus holds no vocabulary word) or `stop`. */
  emptyPass: 'throw' | 'stop';
  /**
   * One pass's chunks when the trainer encodes the corpus itself (fastText's supervised examples: input rows and
   * labels); the schedule then counts each chunk's `words` (tokens read), shared among its pieces, not its ids.
   * Default: the corpus as vocabulary rows (encodeCorpus), counted by ids.
   */
  chunks?: () => AsyncIterable<IdChunk>;
  /** Where training starts (a fresh position, or a checkpoint's); updated as training goes. */
  position: RunPosition;
  /** Saves the model's state with `position` to the caller's checkpoint file (every worker settled: the memory is quiet). */
  save(path: string, position: RunPosition): Promise<void>;
  /**
   * A matrix the workers fill with initUniformRows' values before the first chunk, each its own range of rows
   * (the trainer leaves it unfilled): a large matrix's draws then run on every thread, the same values as one.
   */
  uniformRows?: Omit<UniformRowsTask['uniformRows'], 'from' | 'to'>;
  /** Milliseconds between progress events while training (default 1000). */
  progressIntervalMs?: number;
  /** Training threads started ahead of the run (spawnTrainingWorkers): used when there are `threads` of them. */
  workers?: SpawnedWorkers;
  /**
   * The first non-finite or runaway value of the model's rows, described, or undefined when all are healthy
   * (divergence.ts). Checked at every pass end, before every checkpoint and before returning.
   */
  unhealthy(): string | undefined;
}

/** A position at the very start. */
export function freshPosition(): RunPosition {
  return { pass: 0, chunksDone: 0, dispatched: 0, rng: [] };
}

/** What a run trained: words over all passes (resumed ones included) and the mean loss of this call's chunks. */
export interface RunTotals {
  trained: number;
  loss?: number;
}

/**
 * The model's rows at the start: read from the checkpoint being resumed (`resume`), or initialised by `init`.
 * `matrices` are the strided matrices in the checkpoint's names (undefined for one a configuration lacks).
 */
export async function startingRows(resume: { file: CheckpointFile<unknown> } | undefined, matrices: Record<string, StridedMatrix | undefined>, dim: number, init: () => void): Promise<void> {
  if (!resume) return init();
  for (const [name, m] of Object.entries(matrices)) if (m) await resume.file.readInto(name, m, dim);
}

const KERNEL_WORKER = scriptBeside(import.meta.url, 'kernel-worker');
/** Workers allocate almost nothing (chunks arrive through shared memory): small heaps, small footprint. */
const KERNEL_WORKER_LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 };

/**
 * Starts the training threads of a run ahead of it (RunPlan.workers): two workers took 80–95 ms to load their
 * script and answer, time a trainer can spend reading its corpus instead. Call release() on them if the run never
 * starts.
 */
export function spawnTrainingWorkers(threads: number): SpawnedWorkers {
  return new SpawnedWorkers(KERNEL_WORKER, threads, KERNEL_WORKER_LIMITS);
}

/** Trains the corpus into the shared memory of `setup` on `threads` workers; returns when done (throws when aborted). */
export async function runChunkTraining(kernel: Omit<KernelSetup, 'module'>, settings: RunSettings, caller: RunCaller, plan: RunPlan): Promise<RunTotals> {
  // The WebAssembly module is compiled once here and posted to every worker.
  const module = kernel.kind === 'wasm' ? await (kernel.kernel === 'word2vec' ? compileWord2VecKernel() : compileFastTextKernel()) : undefined;
  const setup = { ...kernel, module } as KernelSetup;
  const { threads } = settings;
  const { position } = plan;
  const buffer = setup.memory.buffer;
  for (let s = 0; s < threads; s++) {
    const saved = position.rng[s];
    if (saved !== undefined) writeRng(buffer, setup.layout, s, saved);
  }
  const stats = { wordsDone: position.dispatched, lossSum: 0, lossCount: 0 };
  const pool = await WorkerPool.start<KernelTask | UniformRowsTask, KernelTaskResult>(KERNEL_WORKER, threads, (slot): KernelWorkerInit => ({ ...setup, slot }), {
    depth: POOL_DEPTH,
    resourceLimits: KERNEL_WORKER_LIMITS,
    spawned: plan.workers,
    onResult: (r) => {
      stats.wordsDone += r.words;
      stats.lossSum += r.lossSum;
      stats.lossCount += r.lossCount;
    },
  });
  const run = { checkpointSaved: false };
  try {
    const rows = plan.uniformRows;
    let filled: Promise<void> | undefined;
    if (rows) {
      // One range per worker (submit picks each idle worker once); every row is filled before any chunk trains.
      for (let s = 0; s < threads; s++) await pool.submit((worker) => ({ uniformRows: { ...rows, ...rowRangeOf(rows.rows, worker, threads) } }));
      filled = pool.drain();
      // Awaited before the first chunk; a run that stops before reading one still sees a failure at its final drain.
      filled.catch(() => undefined);
    }
    await runPasses(pool, setup, settings, caller, plan, stats, run, filled);
  } catch (err) {
    // A kernel that trapped on a NaN, or rows that overflowed: the learning rate, not a bug. Anything else
    // (an abort, a failing disk) goes on unchanged.
    if (err instanceof EmbedkitError) throw err;
    const bad = plan.unhealthy();
    if (bad || isNumericTrap(err)) {
      const detail = `${bad ?? 'a NaN or infinite value reached the kernel'} within the first ${plan.position.dispatched} words`;
      throw Object.assign(new TrainingDivergedError(detail, settings.alpha, run.checkpointSaved ? caller.checkpoint : undefined), { cause: err });
    }
    throw err;
  } finally {
    await pool.close();
  }
  return { trained: stats.wordsDone, loss: stats.lossCount > 0 ? stats.lossSum / stats.lossCount : undefined };
}

async function runPasses(
  pool: WorkerPool<KernelTask | UniformRowsTask, KernelTaskResult>,
  setup: KernelSetup,
  settings: RunSettings,
  { signal, checkpoint, onProgress }: RunCaller,
  plan: RunPlan,
  stats: { wordsDone: number; lossSum: number; lossCount: number },
  run: { checkpointSaved: boolean },
  filled?: Promise<void>,
): Promise<void> {
  const { threads, epochs } = settings;
  const { position } = plan;
  const { layout } = setup;
  const buffer = setup.memory.buffer;
  const totalWords = plan.wordsPerEpoch * epochs;
  const rate = (words: number) => linearDecay(settings.alpha, settings.minAlpha ?? 0, Math.min(1, words / totalWords));
  let alpha = rate(position.dispatched);

  const intervalMs = plan.progressIntervalMs ?? 1000;
  // The timer below paces the events; the meter's own gap is shorter so a tick that comes a little early still emits.
  const meter = new ProgressMeter({ phase: 'train', epochs, totalWords, listener: onProgress, intervalMs: intervalMs / 2, startWords: position.dispatched });
  let lastLoss = { sum: 0, count: 0 };
  const report = (force = false) => {
    const delta = stats.lossCount - lastLoss.count;
    const loss = delta > 0 ? (stats.lossSum - lastLoss.sum) / delta : undefined;
    if (meter.update(stats.wordsDone, { learningRate: alpha, loss, force })) lastLoss = { sum: stats.lossSum, count: stats.lossCount };
  };
  const timer = onProgress ? setInterval(report, intervalMs) : undefined;
  timer?.unref();

  // Every model write of the finished chunks made visible to this thread.
  const settle = async () => {
    await pool.drain();
    for (let slot = 0; slot < threads; slot++) acquireSlot(buffer, layout, slot);
  };
  // Settled rows checked before they are saved anywhere: a diverged state never overwrites a healthy checkpoint.
  const checkHealth = () => {
    const bad = plan.unhealthy();
    if (bad) throw new TrainingDivergedError(`${bad} after ${stats.wordsDone} words`, settings.alpha, run.checkpointSaved ? checkpoint : undefined);
  };
  let lastCheckpoint = performance.now();
  const snapshot = async () => {
    await settle();
    checkHealth();
    position.rng = Array.from({ length: threads }, (_, s) => readRng(buffer, layout, s));
    await plan.save(checkpoint!, position);
    run.checkpointSaved = true;
    lastCheckpoint = performance.now();
  };
  const finished = () => (plan.budget === 'passes' ? position.pass >= epochs : position.dispatched >= totalWords);
  const budgetSpent = () => plan.budget === 'words' && position.dispatched >= totalWords;

  try {
    while (!finished() && !signal?.aborted) {
      const passStart = position.dispatched;
      const wholePass = position.chunksDone === 0;
      let chunkIndex = 0;
      // encodeCorpus reuses its buffers, so only a trainer's own chunks (fresh arrays) are read ahead of the fill.
      if (filled && !plan.chunks) await filled;
      let chunks = plan.chunks ? plan.chunks() : encodeCorpus(plan.corpus, plan.vocab, plan.tokenizer, { chunkWords: CHUNK_WORDS, maxSentenceLength: plan.maxSentenceLength, reuseBuffers: true });
      if (filled) chunks = afterFill(chunks, filled);
      filled = undefined;
      for await (const chunk of chunks) {
        if (signal?.aborted || budgetSpent()) break;
        if (chunkIndex++ < position.chunksDone) continue; // resumed: trained before the checkpoint
        const chunkIds = chunk.sentenceEnds.length ? chunk.sentenceEnds[chunk.sentenceEnds.length - 1] : 0;
        let idsSoFar = 0;
        let weighed = 0;
        for (const whole of chunkPieces(chunk.ids, chunk.sentenceEnds, layout.shape.maxChunkWords)) {
          if (budgetSpent()) break;
          const piece = plan.budget === 'words' ? firstLines(whole, totalWords - position.dispatched) : whole;
          const alphaStart = rate(position.dispatched);
          let weight = piece.ids.length;
          if (plan.chunks) {
            idsSoFar += piece.ids.length;
            weight = (chunkIds > 0 ? Math.round((chunk.words * idsSoFar) / chunkIds) : chunk.words) - weighed;
            weighed += weight;
          }
          position.dispatched += weight;
          const alphaEnd = rate(position.dispatched);
          alpha = alphaStart;
          // The piece is copied straight into the chosen worker's input buffer in shared memory.
          await pool.submit((worker, seq): KernelTask => ({
            input: seq % POOL_DEPTH,
            nSentences: placeInput(buffer, layout, worker, seq % POOL_DEPTH, piece, seq + 1),
            alphaStart,
            alphaEnd,
            words: weight,
          }));
        }
        position.chunksDone = chunkIndex;
        if (checkpoint && (performance.now() - lastCheckpoint) / 1000 >= settings.checkpointInterval) await snapshot();
      }
      if (signal?.aborted) break;
      if (wholePass && position.dispatched === passStart) {
        if (plan.emptyPass === 'throw') throw new EmbedkitError('empty_corpus', 'no vocabulary word occurs in the corpus', { file: plan.corpus.path });
        break; // another pass would not read more
      }
      position.pass++;
      position.chunksDone = 0;
      if (checkpoint) await snapshot();
      else {
        await settle();
        checkHealth();
      }
    }
    if (signal?.aborted && checkpoint) await snapshot();
    await settle();
    throwIfAborted(signal, checkpoint);
    checkHealth();
    report(true);
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** Ids a pass reads ahead while the workers fill the starting rows (4 bytes each). */
const FILL_READ_AHEAD_IDS = 16 * 1024 * 1024;

/**
 * The pass's chunks once `filled` settles (no chunk may train on rows still being filled): the first ones, up
 * to FILL_READ_AHEAD_IDS ids, are read and encoded meanwhile, so the main thread works while the workers fill.
 * A failed fill rejects here.
 */
async function* afterFill(chunks: AsyncIterable<IdChunk>, filled: Promise<void>): AsyncGenerator<IdChunk> {
  let settled = false;
  void filled.then(
    () => (settled = true),
    () => (settled = true),
  );
  const it = chunks[Symbol.asyncIterator]();
  const ahead: IdChunk[] = [];
  let ids = 0;
  try {
    let next = await it.next();
    while (!settled && ids < FILL_READ_AHEAD_IDS && !next.done) {
      ahead.push(next.value);
      ids += next.value.ids.length;
      next = await it.next();
    }
    await filled;
    yield* ahead;
    for (; !next.done; next = await it.next()) yield next.value;
  } finally {
    await it.return?.();
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
