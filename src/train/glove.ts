export { gloveSchema, resolveGloveOptions, type GloveOptions, type GloveOutputFormat, type ResolvedGloveOptions } from './glove-options.ts';
import { chooseTokenizer } from './choose-tokenizer.ts';
import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { resolveGloveOptions, type GloveOptions, type ResolvedGloveOptions } from './glove-options.ts';
import { countCooccurrences } from '../glove/cooccur-count.ts';
import { RECORD_BYTES } from '../glove/cooccur-file.ts';
import { biasColumn, rowStride, toTrainingRecords, type GloveParams } from '../glove/kernel.ts';
import { shuffleCooccurrences } from '../glove/shuffle.ts';
import { createTempDir } from '../glove/temp-dir.ts';
import { createModel, gloveMemoryBytes, outputVectors, runEpochs, type EpochReport, type GloveModel } from '../glove/train.ts';
import { openCorpus, type Corpus } from '../text/corpus.ts';
import { getTokenizer } from '../text/tokenize.ts';
import { Embeddings } from '../vectors/embeddings.ts';
import { readVocab, saveVocab } from '../vocab/vocab-file.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import { readingProgress, vocabularyPass } from './vocabulary-pass.ts';
import { ProgressMeter } from './progress.ts';
import { saveTrainedVectors } from './save-output.ts';
import type { TrainingResult, TrainingStats } from './result.ts';
import { memoryEstimate, refuseOverLimit, type MemoryEstimate } from './memory.ts';
import { throwIfAborted } from '../util/abort.ts';
import { TrainingDivergedError, unhealthyValue } from './divergence.ts';
import { removeStaleTemporaryFiles, temporaryPathFor } from '../util/atomic-write.ts';
import { writeFailure } from '../util/write-failure.ts';

/** What a GloVe run did, for reports and benchmarks. */
export interface GloveStats extends TrainingStats {
  /** Distinct co-occurring pairs trained on. */
  nonZeros: number;
  /** Seconds counting the vocabulary and the co-occurrences (0 when read from files). */
  countSeconds: number;
  /** Sorted runs spilled to disk while counting. */
  spills: number;
  shuffleSeconds: number;
  epochs: EpochReport[];
}

/** trainGloveDetailed's result: the vectors with the stats beside them (the shape callers of that name expect). */
export type GloveTrainingResult = { embeddings: Embeddings } & Omit<GloveStats, 'trained' | 'loss' | 'seconds'>;

/** The same run as trainGlove, its stats spread beside the vectors. */
export async function trainGloveDetailed(options: GloveOptions): Promise<GloveTrainingResult> {
  const { embeddings, stats } = await trainGlove(options);
  const { trained: _trained, loss: _loss, seconds: _seconds, ...rest } = stats;
  return { embeddings, ...rest };
}

/**
 * Trains GloVe vectors the way GloVe's four tools do in sequence: count the vocabulary, count co-occurrences
 * within the window (memory-bounded: sorted runs spill to temporary files and are merged), shuffle the records
 * (memory-bounded), then train word and context vectors with AdaGrad on the weighted least-squares cost, threads
 * sharing the parameters Hogwild-style. Temporary files are removed on success, on error and on abort.
 * Returns the vectors and the run's stats.
 * @example
 * ```ts
 * import { trainGlove } from 'embedkit/train';
 * import { loadEmbeddings } from 'embedkit';
 * const { stats } = await trainGlove({ input: 'corpus.txt', output: 'glove.txt', dim: 20, minCount: 2 });
 * console.log(stats.epochs.length, (await loadEmbeddings('glove.txt')).size);
 * ```
 */
export async function trainGlove(options: GloveOptions): Promise<TrainingResult<undefined, GloveStats>> {
  const started = performance.now();
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
  const opened = typeof options.input === 'string' ? await openCorpus(options.input) : options.input;
  // The tokenizer may be detected from the first lines, which the returned corpus's first pass replays.
  const chosen = await chooseTokenizer(opened, options.tokenizer, opts.tokenizer, options.onTokenizer);
  opts.tokenizer = chosen.name;
  const corpus = chosen.corpus;
  const temp = createTempDir(options.tmpDir);
  /** Files already written, which an interruption leaves in place: its message names them. */
  const written: string[] = [];
  try {
    const t0 = performance.now();
    const vocab = await loadVocabulary(corpus, options, opts);
    stop();
    // Refused before the co-occurrence pass, not after it: the model's size is known once the vocabulary is.
    refuseOverLimit(gloveEstimate(opts, vocab.size));
    if (options.saveVocab) {
      await saveVocab(vocab, options.saveVocab);
      written.push(options.saveVocab);
    }

    let cooccurFile: string;
    let spills = 0;
    if (options.cooccur) {
      cooccurFile = options.cooccur;
    } else {
      // A file kept for later runs is written under the atomic writes' temporary name, so a run killed
      // before renaming it leaves a file the next write into that folder recognises and removes.
      if (options.saveCooccur) await removeStaleTemporaryFiles(dirname(options.saveCooccur));
      const target = options.saveCooccur ? temporaryPathFor(options.saveCooccur) : temp.file('cooccur.bin');
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
      }).catch((err: unknown) => {
        throw options.saveCooccur ? writeFailure(err, options.saveCooccur, 'the co-occurrence file') : writeFailure(err, temp.path, 'the co-occurrence counts', TEMP_NOTE);
      });
      spills = counted.spills;
      if (options.saveCooccur) {
        syncFile(target);
        renameSync(target, options.saveCooccur);
        temp.release(target);
        written.push(options.saveCooccur);
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
      beforeWrite: (block, n) => toTrainingRecords(block.ints, block.values, block.floats, n, opts.xMax, opts.weightingExponent),
    }).catch((err: unknown) => {
      throw writeFailure(err, temp.path, 'the shuffled co-occurrences', TEMP_NOTE);
    });
    if (!options.cooccur && !options.saveCooccur) rmSync(cooccurFile, { force: true }); // the shuffled copy replaces it
    if (records === 0) throw new EmbedkitError('empty_corpus', 'no two vocabulary words co-occur: nothing to train', { file: options.cooccur ?? corpus?.path });
    const shuffleSeconds = (performance.now() - t1) / 1000;

    const params = gloveParams(opts, vocab.size, opts.dim);
    const { model, memory } = createModel(params, opts.seed, opts.threads);
    const meter = new ProgressMeter({ phase: 'train', epochs: opts.epochs, totalWords: records * opts.epochs, listener: onProgress });
    const epochs = await runEpochs(model, memory, shuffled, records, {
      epochs: opts.epochs,
      threads: opts.threads,
      seed: opts.seed,
      signal,
      kernel: options.kernel,
      // Progress counts co-occurrence records (GloVe's unit of work) where the other trainers count words.
      onRecords: onProgress ? (epoch, done, cost) => meter.update((epoch - 1) * records + done, { epoch, loss: cost }) : undefined,
      onEpoch: async (report) => {
        // Checked before anything is saved: a diverged state is never written (not even as an epoch snapshot).
        const bad = divergence(model, report.cost);
        if (bad) throw new TrainingDivergedError(`${bad} after epoch ${report.epoch}`, opts.alpha);
        meter.update(report.epoch * records, { epoch: report.epoch, loss: report.cost, force: true });
        options.onEpoch?.(report);
        if (options.output && opts.checkpointEvery && report.epoch % opts.checkpointEvery === 0 && report.epoch < opts.epochs) {
          const snapshot = `${options.output}.epoch${String(report.epoch).padStart(3, '0')}`;
          await save(embeddingsOf(model, vocab, opts.model), snapshot, opts, options.header);
          written.push(snapshot);
        }
      },
    });
    const embeddings = embeddingsOf(model, vocab, opts.model);
    if (options.output) {
      stop();
      await save(embeddings, options.output, opts, options.header);
    }
    const stats: GloveStats = { vocabSize: vocab.size, trained: records * epochs.length, loss: epochs.at(-1)?.cost, seconds: (performance.now() - started) / 1000, nonZeros: records, countSeconds, spills, shuffleSeconds, epochs };
    return { embeddings, stats };
  } catch (err) {
    throw interruptedAfterWriting(err, written);
  } finally {
    temp.remove();
    if (typeof options.input === 'string') await corpus?.close?.();
  }
}

/**
 * Divergence, as the other trainers detect it (divergence.ts): a learning rate far too high makes AdaGrad's
 * updates overflow, the cost turns infinite or NaN and the rows follow. Checked once per epoch.
 */
function divergence(model: GloveModel, cost: number): string | undefined {
  if (!Number.isFinite(cost)) return `the cost is ${cost}`;
  const { vocabSize, stride, dim } = model.params;
  const rows = (from: number) => ({ data: model.weights.subarray(from * stride), rows: vocabSize, stride });
  return unhealthyValue({ 'word vectors': rows(0), 'context vectors': rows(vocabSize) }, dim);
}

/** Where a failing device leaves GloVe's temporary folder, for the error's message. */
const TEMP_NOTE = 'the temporary folder was removed; the option tmpDir puts it on another disk';

/** Flushes a finished file to the disk before it is renamed into place. */
function syncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function gloveParams(opts: ResolvedGloveOptions, words: number, dim: number): GloveParams {
  return { vocabSize: words, dim, stride: rowStride(dim), biasAt: biasColumn(dim), eta: opts.alpha, gradClip: opts.gradClip };
}

function gloveEstimate(opts: ResolvedGloveOptions, words: number): MemoryEstimate {
  return memoryEstimate('GloVe', words, opts.dim, (n, dim) => gloveMemoryBytes(gloveParams(opts, n, dim), opts.threads));
}

/** An interruption after some files were written says which: "nothing was written" would be untrue. */
function interruptedAfterWriting(err: unknown, written: string[]): unknown {
  if (!(err instanceof EmbedkitError) || err.code !== 'aborted' || written.length === 0) return err;
  const files = written.join(', ');
  return new EmbedkitError('aborted', `training was interrupted; ${files} ${written.length === 1 ? 'was' : 'were'} written, the vectors were not written`, {});
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

