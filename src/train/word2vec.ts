import { availableParallelism } from 'node:os';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { WorkerPool } from '../kernels/pool.ts';
import { sharedMemory } from '../kernels/wasm.ts';
import { compileWord2VecKernel, type Word2VecKernelKind } from '../kernels/word2vec-fast.ts';
import { acquireSlot, chunkPieces, fillTables, placeInput, planLayout, readRng, viewsOf, writeRng, writeSlotConfig, type Word2VecLayout } from '../kernels/word2vec-layout.ts';
import { fractionRead, openCorpus, type Corpus } from '../text/corpus.ts';
import { encodeCorpus } from '../vocab/id-stream.ts';
import { getTokenizer, type TokenizerName } from '../text/tokenize.ts';
import { Embeddings } from '../vectors/embeddings.ts';
import { buildVocabulary } from '../vocab/build.ts';
import { buildHuffmanTree } from '../vocab/huffman.ts';
import { keepProbabilities } from '../vocab/sampling.ts';
import { readVocab, saveVocab } from '../vocab/vocab-file.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';
import { refuseChangedSettings } from './checkpoint-file.ts';
import { loadCheckpoint, saveCheckpoint, type CheckpointPosition, type CheckpointSettings, type Word2VecCheckpoint } from './checkpoint.ts';
import type { ProgressListener } from './progress.ts';
import { linearDecay } from './schedule.ts';
import type { Word2VecTask, Word2VecTaskResult, Word2VecWorkerInit } from './word2vec-worker.ts';
import { negativeSampler } from './negative-sampler.ts';
import { throwIfAborted } from '../util/abort.ts';

/** Options of trainWord2Vec, named like the CLI flags (`--min-count` → minCount). */
export interface Word2VecOptions {
  /** Corpus file (plain or .gz, one sentence per line), '-' for standard input, or an open Corpus. */
  input: string | Corpus;
  /** Where to write the vectors (atomically); nothing is written when omitted. */
  output?: string;
  /** CBOW (the default, as word2vec's C tool). */
  cbow?: boolean;
  /** Skip-gram; the same as cbow: false. */
  skipgram?: boolean;
  dim?: number;
  /** Maximum distance to a context word; each position draws its own effective window in 1..window. */
  window?: number;
  /** Negative samples per prediction (unigram^0.75 distribution); 0 turns negative sampling off. */
  negative?: number;
  /** Hierarchical softmax (alone with negative 0, or together with negative sampling). */
  hs?: boolean;
  /** Subsampling threshold for frequent words; 0 keeps every word. */
  sample?: number;
  minCount?: number;
  /** Cap on distinct words while counting (rare words pruned as the count grows). */
  maxVocabSize?: number;
  /** Starting learning rate (default 0.025 skip-gram, 0.05 CBOW). */
  alpha?: number;
  /** Learning rate reached at the end, decayed linearly over all words of all epochs. */
  minAlpha?: number;
  epochs?: number;
  /** Training threads (default: every core). */
  threads?: number;
  /** CBOW averages the context vectors (default) instead of summing them. */
  cbowMean?: boolean;
  seed?: number;
  /** Write the vocabulary (word count per line) here. */
  saveVocab?: string;
  /** Use this vocabulary file instead of counting the corpus. */
  readVocab?: string;
  /** Output in word2vec binary format instead of text. */
  binary?: boolean;
  tokenizer?: TokenizerName;
  /** Save the training state here at every epoch end, every checkpointInterval seconds, and when aborted. */
  checkpoint?: string;
  /** Continue from this checkpoint. */
  resume?: string;
  /** Seconds between mid-epoch checkpoints (default 600). */
  checkpointInterval?: number;
  /** Lines longer than this many tokens are cut into several sentences (default 10000, as gensim). */
  maxSentenceLength?: number;
  onProgress?: ProgressListener;
  /** Seconds between progress events while training (default 1). */
  progressInterval?: number;
  signal?: AbortSignal;
  /** Which kernel trains: the WebAssembly one (default) or the TypeScript reference (slow; for tests). */
  kernel?: Word2VecKernelKind;
}

/** Every option with its default applied and checked. */
export interface ResolvedWord2VecOptions {
  cbow: boolean;
  dim: number;
  window: number;
  negative: number;
  hs: boolean;
  sample: number;
  minCount: number;
  maxVocabSize: number | undefined;
  alpha: number;
  minAlpha: number;
  epochs: number;
  threads: number;
  cbowMean: boolean;
  seed: number;
  tokenizer: TokenizerName;
  maxSentenceLength: number;
  checkpointInterval: number;
  kernel: Word2VecKernelKind;
}

/** Words per chunk handed to a worker: big enough that one kernel call does real work, small enough to balance threads. */
const CHUNK_WORDS = 16384;
/**
 * Hierarchical softmax: the inner nodes nearest the root (every prediction updates the root, half of them its
 * children, ...) that each thread trains in a private copy within a chunk, merging its change at the chunk's
 * end. Shared, those few rows would bounce between the cores' caches on every prediction.
 */
const HS_HOT_ROWS = 64;
/** Chunks queued per worker (each has as many input buffers in its slot): one training, one waiting. */
const POOL_DEPTH = 2;

/** Applies the defaults and refuses values and combinations that cannot be honoured. */
export function resolveWord2VecOptions(o: Omit<Word2VecOptions, 'input'>): ResolvedWord2VecOptions {
  if (o.cbow === true && o.skipgram === true) throw new InvalidArgumentError('choose either cbow or skipgram, not both');
  const cbow = o.skipgram === true ? false : (o.cbow ?? true);
  if (o.skipgram === false && o.cbow === false) throw new InvalidArgumentError('cbow and skipgram are both off: choose one architecture');
  const r: ResolvedWord2VecOptions = {
    cbow,
    dim: o.dim ?? 100,
    window: o.window ?? 5,
    negative: o.negative ?? 5,
    hs: o.hs ?? false,
    sample: o.sample ?? 1e-3,
    minCount: o.minCount ?? 5,
    maxVocabSize: o.maxVocabSize,
    alpha: o.alpha ?? (cbow ? 0.05 : 0.025),
    minAlpha: o.minAlpha ?? 0.0001,
    epochs: o.epochs ?? 5,
    threads: o.threads ?? availableParallelism(),
    cbowMean: o.cbowMean ?? true,
    seed: o.seed ?? 1,
    tokenizer: o.tokenizer ?? 'whitespace',
    maxSentenceLength: o.maxSentenceLength ?? 10000,
    checkpointInterval: o.checkpointInterval ?? 600,
    kernel: o.kernel ?? 'wasm',
  };
  const int = (name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new InvalidArgumentError(`${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`}, got ${v}`);
    }
  };
  const num = (name: string, v: number, ok: (x: number) => boolean, what: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new InvalidArgumentError(`${name} must be ${what}, got ${v}`);
  };
  int('dim', r.dim, 1, 100000);
  int('window', r.window, 1, 10000);
  int('negative', r.negative, 0, 1000);
  int('min-count', r.minCount, 0);
  if (r.maxVocabSize !== undefined) int('max-vocab-size', r.maxVocabSize, 1);
  int('epochs', r.epochs, 1);
  int('threads', r.threads, 1, 1024);
  int('seed', r.seed, -(2 ** 31), 2 ** 32 - 1);
  int('max-sentence-length', r.maxSentenceLength, 1);
  num('sample', r.sample, (x) => x >= 0, 'a number ≥ 0');
  num('alpha', r.alpha, (x) => x > 0, 'a number > 0');
  num('min-alpha', r.minAlpha, (x) => x >= 0 && x <= r.alpha, `a number in 0..alpha (${r.alpha})`);
  num('checkpoint-interval', r.checkpointInterval, (x) => x > 0, 'a number of seconds > 0');
  if (r.negative === 0 && !r.hs) throw new InvalidArgumentError('negative 0 without hs leaves nothing to train: set negative > 0, or hs');
  getTokenizer(r.tokenizer); // refuses unknown names
  if (r.kernel !== 'wasm' && r.kernel !== 'reference') throw new InvalidArgumentError(`kernel must be wasm or reference, got ${String(r.kernel)}`);
  return r;
}

function settingsOf(r: ResolvedWord2VecOptions): CheckpointSettings {
  return {
    dim: r.dim,
    cbow: r.cbow,
    cbowMean: r.cbowMean,
    hs: r.hs,
    negative: r.negative,
    window: r.window,
    sample: r.sample,
    alpha: r.alpha,
    minAlpha: r.minAlpha,
    epochs: r.epochs,
    seed: r.seed,
    tokenizer: r.tokenizer,
    maxSentenceLength: r.maxSentenceLength,
    chunkWords: CHUNK_WORDS,
  };
}

/**
 * Trains Word2Vec vectors (CBOW or skip-gram; negative sampling and/or hierarchical softmax) on a corpus
 * streamed from disk: one pass counts the vocabulary, then each epoch re-reads the corpus, the main thread
 * encodes it into chunks of word ids and worker threads train them Hogwild-style over one shared memory.
 * Memory is O(V·dim): the corpus is never held. With threads 1 and a fixed seed the result is bit-identical
 * from run to run.
 * @example
 * ```ts
 * import { trainWord2Vec } from 'embedkit/train';
 * import { loadEmbeddings } from 'embedkit';
 * await trainWord2Vec({ input: 'corpus.txt', output: 'trained.bin', binary: true, dim: 20, minCount: 2 });
 * const vectors = await loadEmbeddings('trained.bin');
 * console.log(vectors.size, vectors.mostSimilar({ positive: ['the'], topn: 3 }));
 * ```
 */
export async function trainWord2Vec(options: Word2VecOptions): Promise<Embeddings> {
  const opts = resolveWord2VecOptions(options);
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const settings = settingsOf(opts);
  const tokenizer = getTokenizer(opts.tokenizer);
  const resumed = options.resume ? await loadCheckpoint(options.resume) : undefined;
  if (resumed) refuseChangedSettings(options.resume!, resumed.settings, settings);

  const corpus = typeof options.input === 'string' ? await openCorpus(options.input) : options.input;
  try {
    const started = performance.now();
    let vocab: Vocabulary;
    let wordsPerEpoch: number;
    if (resumed) {
      vocab = resumed.vocab;
      wordsPerEpoch = resumed.position.wordsPerEpoch;
    } else if (options.readVocab) {
      vocab = await readVocab(options.readVocab);
      if (vocab.size === 0) throw new EmbedkitError('empty_vocabulary', 'the vocabulary file has no words', { file: options.readVocab });
      if (!(vocab.totalCount() > 0)) throw new EmbedkitError('empty_vocabulary', 'the vocabulary file has no word counts (needed for sampling)', { file: options.readVocab });
      wordsPerEpoch = vocab.totalCount();
    } else {
      const built = await buildVocabulary(corpus, {
        minCount: opts.minCount,
        maxVocabSize: opts.maxVocabSize,
        tokenizer,
        maxSentenceLength: opts.maxSentenceLength,
        signal,
        onProgress: (words) =>
          onProgress?.({ phase: 'vocab', epoch: 1, epochs: 1, progress: fractionRead(corpus), wordsPerSecond: words / Math.max(1e-3, (performance.now() - started) / 1000), etaSeconds: Infinity, wordsDone: words }),
      });
      vocab = built.vocab;
      // The schedule counts vocabulary words, as word2vec's C tool does, so a vocabulary read from a file
      // (whose counts are all we know) drives it the same way.
      wordsPerEpoch = built.totalWords;
    }
    throwIfAborted(signal);
    if (options.saveVocab) await saveVocab(vocab, options.saveVocab);

    const model = await createModel(vocab, opts, wordsPerEpoch, resumed);
    try {
      await runEpochs(model, corpus, opts, settings, options);
    } finally {
      await model.pool.close();
    }
    // When rows need no padding the vectors are a view of the training memory: no second V×dim copy at the
    // peak (the price: the output matrices stay allocated as long as the vectors are referenced).
    const vectors = model.layout.rowFloats === opts.dim ? model.views.syn0 : unpad(model.views.syn0, vocab.size, opts.dim, model.layout.rowFloats);
    const embeddings = new Embeddings(vocab, vectors, opts.dim);
    if (options.output) {
      throwIfAborted(signal);
      // Loaded on demand: programs that only want the vectors in memory never load the format writers.
      const { saveEmbeddings } = await import('../formats/index.ts');
      await saveEmbeddings(embeddings, options.output, { format: options.binary ? 'word2vec-binary' : 'word2vec-text' });
    }
    return embeddings;
  } finally {
    if (typeof options.input === 'string') await corpus.close?.();
  }
}

interface Model {
  vocab: Vocabulary;
  layout: Word2VecLayout;
  memory: WebAssembly.Memory;
  views: ReturnType<typeof viewsOf>;
  pool: WorkerPool<Word2VecTask, Word2VecTaskResult>;
  position: CheckpointPosition;
  /** Results flow here from the pool. */
  stats: { wordsDone: number; lossSum: number; lossCount: number };
}

async function createModel(vocab: Vocabulary, opts: ResolvedWord2VecOptions, wordsPerEpoch: number, resumed?: Word2VecCheckpoint): Promise<Model> {
  const V = vocab.size;
  const tree = opts.hs ? buildHuffmanTree(vocab.counts) : undefined;
  const layout = planLayout({
    vocabSize: V,
    dim: opts.dim,
    negative: opts.negative,
    hs: opts.hs,
    cbow: opts.cbow,
    cbowMean: opts.cbowMean,
    window: opts.window,
    huffmanBits: tree ? tree.codes.length : 0,
    subsample: opts.sample > 0,
    maxChunkWords: CHUNK_WORDS + opts.maxSentenceLength,
    slots: opts.threads,
    inputBuffers: POOL_DEPTH,
    // One thread has nobody to contend with: every update stays visible at once, as in the sequential rule.
    hotRows: opts.threads > 1 ? HS_HOT_ROWS : 0,
  });
  const memory = sharedMemory(layout.totalBytes);
  const views = viewsOf(memory.buffer, layout);
  fillTables(views);
  if (opts.negative > 0) {
    const sampler = negativeSampler(vocab, 0.75);
    views.aliasProbability.set(sampler.probability);
    views.aliasIndex.set(sampler.alias);
  }
  if (opts.sample > 0) views.keep.set(keepProbabilities(vocab, opts.sample, vocab.totalCount()));
  if (tree) {
    views.codes.set(tree.codes);
    views.points.set(tree.points);
    views.lengths.set(tree.lengths);
    views.offsets.set(tree.offsets);
  }
  const stride = layout.rowFloats;
  if (resumed) {
    restoreRows(views.syn0, resumed.syn0, opts.dim, stride);
    restoreRows(views.syn1neg, resumed.syn1neg, opts.dim, stride);
    restoreRows(views.syn1, resumed.syn1, opts.dim, stride);
  } else {
    initInputVectors(views.syn0, V, opts.dim, stride, opts.seed);
  }
  for (let s = 0; s < opts.threads; s++) {
    writeSlotConfig(memory.buffer, layout, s, opts.seed);
    const saved = resumed?.position.rng[s];
    if (saved !== undefined) writeRng(memory.buffer, layout, s, saved);
  }
  const position: CheckpointPosition = resumed
    ? { ...resumed.position, rng: [] }
    : { epoch: 0, chunksDone: 0, wordsDone: 0, wordsPerEpoch, rng: [] };
  const stats = { wordsDone: position.wordsDone, lossSum: 0, lossCount: 0 };
  const module = opts.kernel === 'wasm' ? await compileWord2VecKernel() : undefined;
  const pool = await WorkerPool.start<Word2VecTask, Word2VecTaskResult>(
    workerScript(),
    opts.threads,
    (slot): Word2VecWorkerInit => ({ memory, layout, slot, kind: opts.kernel, module }),
    {
      depth: POOL_DEPTH,
      // Workers allocate almost nothing (chunks arrive through shared memory): small heaps, small footprint.
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
      onResult: (r) => {
        stats.wordsDone += r.words;
        stats.lossSum += r.lossSum;
        stats.lossCount += r.lossCount;
      },
    },
  );
  return { vocab, layout, memory, views, pool, position, stats };
}

/** The worker script next to this module (.ts when run from source, .js once built). */
function workerScript(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./word2vec-worker${ext}`, import.meta.url);
}

async function runEpochs(model: Model, corpus: Corpus, opts: ResolvedWord2VecOptions, settings: CheckpointSettings, options: Word2VecOptions): Promise<void> {
  const { signal, onProgress, checkpoint } = options;
  const { pool, position, stats } = model;
  const totalWords = position.wordsPerEpoch * opts.epochs;
  const startWords = position.wordsDone;
  const t0 = performance.now();
  let lastCheckpoint = t0;
  let alpha = linearDecay(opts.alpha, opts.minAlpha, Math.min(1, position.wordsDone / totalWords));
  let lastLoss = { sum: 0, count: 0 };

  const emit = () => {
    if (!onProgress) return;
    const seconds = (performance.now() - t0) / 1000;
    const done = stats.wordsDone - startWords;
    const wps = seconds > 0 ? done / seconds : 0;
    const lossDelta = stats.lossCount - lastLoss.count;
    const loss = lossDelta > 0 ? (stats.lossSum - lastLoss.sum) / lossDelta : undefined;
    lastLoss = { sum: stats.lossSum, count: stats.lossCount };
    const progress = Math.min(1, stats.wordsDone / totalWords);
    onProgress({
      phase: 'train',
      epoch: Math.min(position.epoch + 1, opts.epochs),
      epochs: opts.epochs,
      progress,
      wordsPerSecond: wps,
      learningRate: alpha,
      loss,
      etaSeconds: wps > 0 ? Math.max(0, totalWords - stats.wordsDone) / wps : Infinity,
      wordsDone: stats.wordsDone,
    });
  };
  const timer = onProgress ? setInterval(emit, (options.progressInterval ?? 1) * 1000) : undefined;
  timer?.unref();

  const settle = async () => {
    await pool.drain();
    for (let slot = 0; slot < opts.threads; slot++) acquireSlot(model.memory.buffer, model.layout, slot);
  };
  const snapshot = async () => {
    await settle();
    position.wordsDone = stats.wordsDone;
    position.rng = Array.from({ length: opts.threads }, (_, s) => readRng(model.memory.buffer, model.layout, s));
    await saveCheckpoint(checkpoint!, {
      settings,
      position,
      vocab: model.vocab,
      syn0: { data: model.views.syn0, rows: model.vocab.size, stride: model.layout.rowFloats },
      syn1neg: opts.negative > 0 ? { data: model.views.syn1neg, rows: model.vocab.size, stride: model.layout.rowFloats } : undefined,
      syn1: opts.hs ? { data: model.views.syn1, rows: Math.max(model.vocab.size - 1, 1), stride: model.layout.rowFloats } : undefined,
    });
    lastCheckpoint = performance.now();
  };

  try {
    let dispatched = position.wordsDone;
    while (position.epoch < opts.epochs) {
      let chunkIndex = 0;
      const wholeEpoch = position.chunksDone === 0;
      let idsSeen = 0;
      for await (const chunk of encodeCorpus(corpus, model.vocab, getTokenizer(opts.tokenizer), { chunkWords: CHUNK_WORDS, maxSentenceLength: opts.maxSentenceLength, reuseBuffers: true })) {
        if (chunkIndex++ < position.chunksDone) continue; // resumed: trained before the checkpoint
        if (signal?.aborted) break;
        alpha = linearDecay(opts.alpha, opts.minAlpha, Math.min(1, dispatched / totalWords));
        dispatched += chunk.ids.length;
        idsSeen += chunk.ids.length;
        const pieces = [...chunkPieces(chunk.ids, chunk.sentenceEnds, model.layout.shape.maxChunkWords)];
        for (let p = 0; p < pieces.length; p++) {
          // The chunk is copied straight into the chosen worker's input buffer in shared memory.
          await pool.submit((worker, seq): Word2VecTask => ({
            input: seq % POOL_DEPTH,
            nSentences: placeInput(model.memory.buffer, model.layout, worker, seq % POOL_DEPTH, pieces[p], seq + 1),
            alpha,
            words: pieces[p].ids.length,
          }));
        }
        position.chunksDone = chunkIndex;
        if (checkpoint && (performance.now() - lastCheckpoint) / 1000 >= opts.checkpointInterval) await snapshot();
      }
      if (signal?.aborted) break;
      await pool.drain();
      if (wholeEpoch && idsSeen === 0) {
        throw new EmbedkitError('empty_corpus', 'no vocabulary word occurs in the corpus', { file: corpus.path });
      }
      position.epoch++;
      position.chunksDone = 0;
      if (checkpoint) await snapshot();
    }
    if (signal?.aborted) {
      if (checkpoint) await snapshot();
      throwIfAborted(signal, checkpoint);
    }
    await settle();
    emit();
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** Input vectors start small and random, as in word2vec's C tool: uniform in [-0.5, 0.5) / dim. */
function initInputVectors(syn0: Float32Array, rows: number, dim: number, stride: number, seed: number): void {
  let x = (seed ^ 0x5bd1e995) | 0 || 1;
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      syn0[r * stride + d] = ((x >>> 8) * 2 ** -24 - 0.5) / dim;
    }
  }
}

function restoreRows(target: Float32Array, rows: Float32Array, dim: number, stride: number): void {
  const n = rows.length / dim;
  for (let r = 0; r < n; r++) target.set(rows.subarray(r * dim, (r + 1) * dim), r * stride);
}

function unpad(data: Float32Array, rows: number, dim: number, stride: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * stride, r * stride + dim), r * dim);
  return out;
}
