import { renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { countCooccurrences } from '../glove/cooccur-count.ts';
import { RECORD_BYTES } from '../glove/cooccur-file.ts';
import { biasColumn, rowStride, toTrainingRecords, type GloveParams } from '../glove/kernel.ts';
import type { GloveKernelKind } from '../glove/wasm-kernel.ts';
import { shuffleCooccurrences } from '../glove/shuffle.ts';
import { createTempDir } from '../glove/temp-dir.ts';
import { createModel, gloveMemoryBytes, outputVectors, runEpochs, type EpochReport, type GloveModel } from '../glove/train.ts';
import { openCorpus, type Corpus } from '../text/corpus.ts';
import { getTokenizer, type TokenizerName } from '../text/tokenize.ts';
import { Embeddings } from '../vectors/embeddings.ts';
import { readVocab, saveVocab } from '../vocab/vocab-file.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import type { ProgressListener } from './progress.ts';
import { readingProgress, vocabularyPass } from './vocabulary-pass.ts';
import { saveTrainedVectors } from './save-output.ts';
import { memoryEstimate, refuseOverLimit, type MemoryEstimate } from './memory.ts';
import { throwIfAborted } from '../util/abort.ts';

export type GloveOutputFormat = 'glove-text' | 'word2vec-text' | 'word2vec-binary';

/** Options of trainGlove, named like the CLI flags (`--x-max` → xMax); defaults are those of GloVe's tools. */
export interface GloveOptions {
  /** Corpus (plain or .gz, one sentence per line), '-' for standard input, or an open Corpus. Not needed with `cooccur` + `readVocab`. */
  input?: string | Corpus;
  /** Where to write the vectors (atomically); nothing is written when omitted. */
  output?: string;
  /** Words seen fewer times are ignored (default 5). */
  minCount?: number;
  /** Keep only this many most frequent words. */
  maxVocab?: number;
  /** Context words on each side (default 15). */
  window?: number;
  /** Count left and right contexts (default true); false counts left contexts only. */
  symmetric?: boolean;
  /** A pair d words apart counts 1/d (default true). */
  distanceWeighting?: boolean;
  /** GiB of memory for counting and shuffling (default 4); beyond it sorted runs spill to temporary files. */
  memory?: number;
  /** Cutoff of the weighting function f(x) = (x/xMax)^alpha (default 100). */
  xMax?: number;
  /** Exponent of the weighting function (default 0.75). */
  alpha?: number;
  /** AdaGrad learning rate (default 0.05). */
  eta?: number;
  /** Gradient components are clipped to ±gradClip (default 100, as GloVe's grad_clip_value). */
  gradClip?: number;
  dim?: number;
  epochs?: number;
  /** Training threads (default: every core). */
  threads?: number;
  /** Seeds initialisation and shuffling (default 1); with one thread the result is reproducible bit for bit. */
  seed?: number;
  /** 0: word vector, bias, context vector, bias; 1: word vectors; 2: word + context vectors (default). */
  model?: 0 | 1 | 2;
  /** Also write the vectors every N epochs to `<output>.epoch<N>`. */
  checkpointEvery?: number;
  /** Keep the counted co-occurrences in this file (GloVe's binary record format). */
  saveCooccur?: string;
  /** Train from this co-occurrence file (GloVe's format) instead of counting the corpus. */
  cooccur?: string;
  /** Write the vocabulary ("word count" lines, as GloVe's vocab_count). */
  saveVocab?: string;
  /** Use this vocabulary ("word count" lines) instead of counting the corpus; ids of `cooccur` refer to it. */
  readVocab?: string;
  /** Output format (default glove-text, no header). */
  format?: GloveOutputFormat;
  /** GloVe text only: start with a "rows dim" line. */
  header?: boolean;
  tokenizer?: TokenizerName;
  /** Folder for temporary files (default the system's). */
  tmpDir?: string;
  onProgress?: ProgressListener;
  /** Called after every epoch with its mean cost. */
  onEpoch?: (report: EpochReport) => void;
  signal?: AbortSignal;
  /** Which kernel trains: WebAssembly SIMD (default) or the TypeScript reference (slower; for tests). */
  kernel?: GloveKernelKind;
}

export interface ResolvedGloveOptions {
  minCount: number;
  maxVocab: number | undefined;
  window: number;
  symmetric: boolean;
  distanceWeighting: boolean;
  memory: number;
  xMax: number;
  alpha: number;
  eta: number;
  gradClip: number;
  dim: number;
  epochs: number;
  threads: number;
  seed: number;
  model: 0 | 1 | 2;
  checkpointEvery: number | undefined;
  format: GloveOutputFormat;
  tokenizer: TokenizerName;
}

/** What a run did, for reports and benchmarks. */
export interface GloveTrainingResult {
  embeddings: Embeddings;
  vocabSize: number;
  /** Distinct co-occurring pairs trained on. */
  nonZeros: number;
  /** Seconds counting the vocabulary and the co-occurrences (0 when read from files). */
  countSeconds: number;
  /** Sorted runs spilled to disk while counting. */
  spills: number;
  shuffleSeconds: number;
  epochs: EpochReport[];
}

export function resolveGloveOptions(o: Omit<GloveOptions, 'input'>): ResolvedGloveOptions {
  const r: ResolvedGloveOptions = {
    minCount: o.minCount ?? 5,
    maxVocab: o.maxVocab,
    window: o.window ?? 15,
    symmetric: o.symmetric ?? true,
    distanceWeighting: o.distanceWeighting ?? true,
    memory: o.memory ?? 4,
    xMax: o.xMax ?? 100,
    alpha: o.alpha ?? 0.75,
    eta: o.eta ?? 0.05,
    gradClip: o.gradClip ?? 100,
    dim: o.dim ?? 50,
    epochs: o.epochs ?? 25,
    threads: o.threads ?? availableParallelism(),
    seed: o.seed ?? 1,
    model: o.model ?? 2,
    checkpointEvery: o.checkpointEvery,
    format: o.format ?? 'glove-text',
    tokenizer: o.tokenizer ?? 'whitespace',
  };
  const int = (name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(v) || v < min || v > max) throw new InvalidArgumentError(`${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`}, got ${v}`);
  };
  const positive = (name: string, v: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`${name} must be a number > 0, got ${v}`);
  };
  int('min-count', r.minCount, 0);
  if (r.maxVocab !== undefined) int('max-vocab', r.maxVocab, 1);
  int('window', r.window, 1, 10000);
  int('dim', r.dim, 1, 100000);
  int('epochs', r.epochs, 1);
  int('threads', r.threads, 1, 1024);
  int('seed', r.seed, -(2 ** 31), 2 ** 32 - 1);
  if (r.checkpointEvery !== undefined) int('checkpoint-every', r.checkpointEvery, 1);
  positive('memory', r.memory);
  positive('x-max', r.xMax);
  positive('alpha', r.alpha);
  positive('eta', r.eta);
  positive('grad-clip', r.gradClip);
  if (r.model !== 0 && r.model !== 1 && r.model !== 2) throw new InvalidArgumentError(`model must be 0, 1 or 2, got ${String(r.model)}`);
  if (!['glove-text', 'word2vec-text', 'word2vec-binary'].includes(r.format)) throw new InvalidArgumentError(`format must be glove-text, word2vec-text or word2vec-binary, got ${String(r.format)}`);
  getTokenizer(r.tokenizer);
  if (o.kernel !== undefined && o.kernel !== 'wasm' && o.kernel !== 'reference') throw new InvalidArgumentError(`kernel must be wasm or reference, got ${String(o.kernel)}`);
  return r;
}

/** Trains GloVe vectors; see trainGloveDetailed. */
export async function trainGlove(options: GloveOptions): Promise<Embeddings> {
  return (await trainGloveDetailed(options)).embeddings;
}

/**
 * Trains GloVe vectors the way GloVe's four tools do in sequence: count the vocabulary, count co-occurrences
 * within the window (memory-bounded: sorted runs spill to temporary files and are merged), shuffle the records
 * (memory-bounded), then train word and context vectors with AdaGrad on the weighted least-squares cost, threads
 * sharing the parameters Hogwild-style. Temporary files are removed on success, on error and on abort.
 */
export async function trainGloveDetailed(options: GloveOptions): Promise<GloveTrainingResult> {
  const opts = resolveGloveOptions(options);
  const { signal, onProgress } = options;
  const stop = () => {
    throwIfAborted(signal);
  };
  stop();
  if (options.input === undefined && !(options.cooccur && options.readVocab)) {
    throw new InvalidArgumentError('give the corpus (input), or a co-occurrence file (cooccur) with its vocabulary (readVocab)');
  }
  const memoryBytes = opts.memory * 2 ** 30;
  const corpus = typeof options.input === 'string' ? await openCorpus(options.input) : options.input;
  const temp = createTempDir(options.tmpDir);
  try {
    const t0 = performance.now();
    const vocab = await loadVocabulary(corpus, options, opts);
    stop();
    // Refused before the co-occurrence pass, not after it: the model's size is known once the vocabulary is.
    refuseOverLimit(gloveEstimate(opts, vocab.size));
    if (options.saveVocab) await saveVocab(vocab, options.saveVocab);

    let cooccurFile: string;
    let spills = 0;
    if (options.cooccur) {
      cooccurFile = options.cooccur;
    } else {
      const target = options.saveCooccur ? join(dirname(options.saveCooccur), `.${basename(options.saveCooccur)}.tmp-${process.pid}`) : temp.file('cooccur.bin');
      temp.track(target);
      const counted = await countCooccurrences(corpus!, vocab, target, {
        window: opts.window,
        symmetric: opts.symmetric,
        distanceWeighting: opts.distanceWeighting,
        memoryBytes: memoryBytes * 0.9,
        tokenizer: getTokenizer(opts.tokenizer),
        tempDir: temp,
        signal,
        onProgress: readingProgress('count', corpus!, onProgress),
      });
      spills = counted.spills;
      if (options.saveCooccur) {
        renameSync(target, options.saveCooccur);
        temp.release(target);
        cooccurFile = options.saveCooccur;
      } else {
        cooccurFile = target;
      }
    }
    const countSeconds = options.cooccur ? 0 : (performance.now() - t0) / 1000;
    stop();

    const t1 = performance.now();
    const shuffled = temp.file('shuffled.bin');
    const records = await shuffleCooccurrences(cooccurFile, shuffled, {
      // At most 2^27 records (2 GiB) in one block: well inside the typed-array limits.
      maxRecords: Math.min(2 ** 27, Math.floor((memoryBytes * 0.9) / RECORD_BYTES)),
      seed: opts.seed,
      tempDir: temp,
      vocabSize: options.cooccur ? vocab.size : undefined,
      signal,
      // The shuffled copy is private: it holds training records (log x and f(x) computed once, not every epoch).
      beforeWrite: (block, n) => toTrainingRecords(block.ints, block.values, block.floats, n, opts.xMax, opts.alpha),
    });
    if (!options.cooccur && !options.saveCooccur) rmSync(cooccurFile, { force: true }); // the shuffled copy replaces it
    if (records === 0) throw new EmbedkitError('empty_corpus', 'no two vocabulary words co-occur: nothing to train', { file: options.cooccur ?? corpus?.path });
    const shuffleSeconds = (performance.now() - t1) / 1000;

    const params = gloveParams(opts, vocab.size, opts.dim);
    const { model, memory } = createModel(params, opts.seed, opts.threads);
    const trainStart = performance.now();
    const totalRecords = records * opts.epochs;
    const epochs = await runEpochs(model, memory, shuffled, records, {
      epochs: opts.epochs,
      threads: opts.threads,
      seed: opts.seed,
      signal,
      kernel: options.kernel,
      onRecords: onProgress
        ? (epoch, done, cost) => {
            const all = (epoch - 1) * records + done;
            const rate = all / Math.max(1e-3, (performance.now() - trainStart) / 1000);
            onProgress({ phase: 'train', epoch, epochs: opts.epochs, progress: all / totalRecords, wordsPerSecond: rate, loss: cost, etaSeconds: (totalRecords - all) / rate, wordsDone: all });
          }
        : undefined,
      onEpoch: async (report) => {
        const all = report.epoch * records;
        const rate = all / Math.max(1e-3, (performance.now() - trainStart) / 1000);
        onProgress?.({ phase: 'train', epoch: report.epoch, epochs: opts.epochs, progress: all / totalRecords, wordsPerSecond: rate, loss: report.cost, etaSeconds: (totalRecords - all) / rate, wordsDone: all });
        options.onEpoch?.(report);
        if (options.output && opts.checkpointEvery && report.epoch % opts.checkpointEvery === 0 && report.epoch < opts.epochs) {
          await save(embeddingsOf(model, vocab, opts.model), `${options.output}.epoch${String(report.epoch).padStart(3, '0')}`, opts, options.header);
        }
      },
    });
    const embeddings = embeddingsOf(model, vocab, opts.model);
    if (options.output) {
      stop();
      await save(embeddings, options.output, opts, options.header);
    }
    return { embeddings, vocabSize: vocab.size, nonZeros: records, countSeconds, spills, shuffleSeconds, epochs };
  } finally {
    temp.remove();
    if (typeof options.input === 'string') await corpus?.close?.();
  }
}

function gloveParams(opts: ResolvedGloveOptions, words: number, dim: number): GloveParams {
  return { vocabSize: words, dim, stride: rowStride(dim), biasAt: biasColumn(dim), eta: opts.eta, gradClip: opts.gradClip };
}

function gloveEstimate(opts: ResolvedGloveOptions, words: number): MemoryEstimate {
  return memoryEstimate('GloVe', words, opts.dim, (n, dim) => gloveMemoryBytes(gloveParams(opts, n, dim), opts.threads));
}

/** The training memory GloVe would allocate for `vocab` with these options, and the largest vocabulary and dim that fit. */
export function estimateGloveMemory(options: Omit<GloveOptions, 'input'>, vocab: Vocabulary): MemoryEstimate {
  return gloveEstimate(resolveGloveOptions(options), vocab.size);
}

async function loadVocabulary(corpus: Corpus | undefined, options: GloveOptions, opts: ResolvedGloveOptions): Promise<Vocabulary> {
  if (options.readVocab) {
    const vocab = await readVocab(options.readVocab);
    if (vocab.size === 0) throw new EmbedkitError('empty_vocabulary', 'the vocabulary file has no words', { file: options.readVocab });
    return vocab;
  }
  const built = await vocabularyPass(corpus!, { minCount: opts.minCount, tokenizer: getTokenizer(opts.tokenizer), maxSentenceLength: 100000, signal: options.signal, onProgress: options.onProgress });
  const vocab = built.vocab;
  // GloVe's max-vocab keeps the most frequent words (the vocabulary is sorted by count, ties in first-seen order).
  if (opts.maxVocab !== undefined && vocab.size > opts.maxVocab) {
    return new Vocabulary(vocab.words.slice(0, opts.maxVocab), vocab.counts.subarray(0, opts.maxVocab));
  }
  return vocab;
}

function embeddingsOf(model: GloveModel, vocab: Vocabulary, which: 0 | 1 | 2): Embeddings {
  const { vectors, dim } = outputVectors(model, which);
  return new Embeddings(vocab, vectors, dim);
}

function save(emb: Embeddings, path: string, opts: ResolvedGloveOptions, header?: boolean): Promise<void> {
  return saveTrainedVectors(emb, path, opts.format, header ?? false);
}

