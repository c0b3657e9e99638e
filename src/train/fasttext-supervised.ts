import { resolveKernelChoice } from '../kernels/native.ts';
import { InvalidArgumentError } from '../errors.ts';
import { loadEmbeddings } from '../formats/index.ts';
import { compileFastTextKernel } from '../kernels/fasttext-fast.ts';
import { fastTextViewsOf, fillFastTextSigmoidTables, planFastTextLayout, writeFastTextOutputTables, type FastTextLayout, type FastTextShape } from '../kernels/fasttext-layout.ts';
import { openCorpus } from '../text/corpus.ts';
import { whitespaceTokenizer } from '../text/tokenize.ts';
import { throwIfAborted } from '../util/abort.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { assembleFastTextModel, type FastTextArgs, type FastTextModel } from '../vectors/fasttext-model.ts';
import { DenseMatrix } from '../vectors/fasttext-matrix.ts';
import { SupervisedInput } from '../vectors/fasttext-supervised-input.ts';
import { buildHuffmanTree } from '../vocab/huffman.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import { corpusFingerprint } from './corpus-fingerprint.ts';
import { unhealthyValue } from './divergence.ts';
import { memoryEstimate, sharedTrainingMemory, type MemoryEstimate } from './memory.ts';
import { negativeSampler } from './negative-sampler.ts';
import { referenceArgs } from './option-schema.ts';
import type { TrainingResult, TrainingStats } from './result.ts';
import { compactRows, initUniformRows } from './rows.ts';
import { freshPosition, POOL_DEPTH, runChunkTraining, spawnTrainingWorkers, startingRows } from './runner.ts';
import { saveTrainedFastTextModel } from './save-output.ts';
import { countSupervisedDictionary } from './supervised-dictionary.ts';
import { openSupervisedCheckpoint, supervisedCheckpoint, supervisedCheckpointSettings, type SupervisedResume } from './supervised-checkpoint.ts';
import { resolveSupervisedOptions, supervisedSchema, type ResolvedSupervisedOptions, type SupervisedTrainOptions } from './supervised-options.ts';
import { cachedPasses, CACHED_IDS, encodeExamples, encodeRecorded } from './supervised-examples.ts';

/**
 * Ids per chunk handed to a worker: larger than the word trainers' (runner.ts CHUNK_WORDS) because an example
 * costs little (one mean, a few output rows): a profile at 16384 ids found the workers waiting for chunks about
 * a third of the training time; eight times fewer hand-overs.
 */
const SUPERVISED_CHUNK_IDS = 131072;

export { resolveSupervisedOptions, supervisedSchema, type ResolvedSupervisedOptions, type SupervisedTrainOptions, type SupervisedLoss } from './supervised-options.ts';

/** What a supervised run reports beyond every trainer's stats. */
export interface SupervisedStats extends TrainingStats {
  /** Labels of the model. */
  labels: number;
  /** Lines read in one pass. */
  lines: number;
  /** Lines with words but no label: fastText trains nothing on them. */
  unlabelled: number;
}

/**
 * Trains a fastText text classifier (fastText's `supervised` command) on lines such as
 * `__label__spam __label__ads buy now`: every token with the label prefix is a label of its line, the other
 * tokens are words. With fastText's defaults (alpha 0.1, dim 100, epochs 5, minCount 1, no character n-grams,
 * softmax loss) and semantics: a line's input is its words' rows, their character n-gram rows (minn..maxn) and
 * its hashed word n-gram rows (wordNgrams), averaged; one of its labels, drawn at random, is the target of the
 * softmax, negative sampling or hierarchical softmax over the labels, or every label is scored one against all
 * (loss ova, for several labels per line); the gradient, divided by the rows, goes back to every row.
 *
 * Training runs on the shared training runner (threads, progress events, checkpoints, abort): the main thread
 * encodes the lines into examples of input rows and labels, worker threads train them Hogwild style in the
 * fastText kernel. Lines without a label are counted (`stats.unlabelled`) and skipped; a file without any
 * label is refused. Saves fastText's `.bin`, which the fastText CLI loads (`output`).
 * @example
 * ```ts
 * import { trainFastTextSupervised, corpusFromLines } from 'embedkit/train';
 * const lines = Array.from({ length: 200 }, (_, i) => (i % 2 ? '__label__sport the match ended in a draw' : '__label__food fresh bread and soup'));
 * const { model, stats } = await trainFastTextSupervised({ input: corpusFromLines(lines), dim: 10, epochs: 5, threads: 1 });
 * console.log(model.labels.words, stats.unlabelled); // [ '__label__food', '__label__sport' ] 0
 * ```
 */
export async function trainFastTextSupervised(options: SupervisedTrainOptions): Promise<TrainingResult<FastTextModel, SupervisedStats>> {
  const started = performance.now();
  const opts = resolveSupervisedOptions(options);
  // Before any work: a 'native' kernel that is not built is refused before the corpus is opened.
  const kernel = resolveKernelChoice(opts.kernel);
  const output = options.output !== undefined ? binTarget(options.output) : undefined;
  const { signal } = options;
  throwIfAborted(signal);
  const corpus = typeof options.input === 'string' ? await openCorpus(options.input) : options.input;
  let resume: SupervisedResume | undefined;
  // The training threads load their script while the dictionary pass reads the corpus.
  const workers = spawnTrainingWorkers(opts.threads);
  try {
    const pretrained = opts.pretrainedVectors !== undefined ? await loadEmbeddings(opts.pretrainedVectors) : undefined;
    if (pretrained && pretrained.dim !== opts.dim) {
      throw new InvalidArgumentError(`pretrainedVectors ${opts.pretrainedVectors} has dimension ${pretrained.dim}, but dim is ${opts.dim}: set dim ${pretrained.dim}`);
    }
    // Compiled off the main thread while the dictionary pass reads the corpus; the runner awaits the same module.
    if (kernel === 'wasm') compileFastTextKernel().catch(() => undefined);
    // The dictionary pass keeps the tokens it reads when they fit beside the first pass's cached chunks: training's
    // first pass then encodes them, without reading and splitting the file again (on 2 cores that pass held the
    // workers back: the main thread took longer to encode an epoch than the workers to train it).
    const dict = await countSupervisedDictionary(corpus, { ...opts, extraWords: pretrained?.vocab.words, signal, onProgress: options.onProgress, recordTokens: CACHED_IDS });
    // Held here alone, so that once the first pass's chunks are cached (up to CACHED_IDS more) the tokens are let go.
    let recorded = dict.recorded;
    dict.recorded = undefined;
    throwIfAborted(signal);
    const settings = supervisedCheckpointSettings(opts, SUPERVISED_CHUNK_IDS, dict.labels.size);
    const corpusPrint = options.resume || options.checkpoint ? await corpusFingerprint(corpus) : null;
    if (options.resume) resume = await openSupervisedCheckpoint(options.resume, settings, corpusPrint);
    const vocab = resume ? resume.vocab : dict.vocab;
    const labels = resume ? new Vocabulary(resume.position.labels, resume.position.labelCounts) : dict.labels;

    const { layout, memory } = createSupervisedTrainer(vocab, labels, opts, dict.longestExample);
    const views = fastTextViewsOf(memory.buffer, layout);
    const rows = vocab.size + opts.bucket;
    const matrices = () => ({ input: { data: views.input, rows, stride: layout.rowFloats }, output: { data: views.output, rows: labels.size, stride: layout.rowFloats } });
    // fastText's initialisation: input rows uniform in [-1/dim, 1/dim), output rows zero; pretrained words' rows copied.
    const uniform = { seed: opts.seed, salt: 0x2545f491, scale: 2 / opts.dim, divisor: 1 };
    // With nothing to copy over them, the workers fill the input rows themselves (in parallel, the same values).
    const workersFill = !resume && !pretrained;
    await startingRows(resume, matrices(), opts.dim, () => {
      if (workersFill) return;
      initUniformRows(views.input, rows, opts.dim, layout.rowFloats, uniform);
      if (pretrained) copyPretrained(pretrained, vocab, views.input, layout.rowFloats);
    });
    const position = resume?.position ?? freshPosition();
    const scheme = new SupervisedInput({ vocab, labels, labelPrefix: opts.labelPrefix, wordNgrams: opts.wordNgrams, bucket: opts.bucket, minn: opts.minn, maxn: opts.maxn, pruneIndex: null });
    // The input rows some example uses, marked as the first pass encodes them: the others keep their finite
    // starting values, so the end-of-training check reads only these (most of 2M buckets go unused on small data).
    // Rows from a checkpoint or pretrained vectors did not start that way: there every row is read.
    const used = resume || pretrained ? undefined : new Uint8Array(rows);
    const totals = await runChunkTraining({ kernel: 'fasttext', layout, memory, kind: kernel }, opts, options, {
      corpus,
      vocab,
      tokenizer: whitespaceTokenizer,
      maxSentenceLength: layout.shape.maxChunkWords,
      chunks: cachedPasses(
        () => (recorded ? encodeRecorded(recorded, scheme, SUPERVISED_CHUNK_IDS, used) : encodeExamples(corpus, scheme, SUPERVISED_CHUNK_IDS, used)),
        () => (recorded = undefined),
      ),
      // fastText's budget: epochs passes of every token (labels and </s> included), the rate falling linearly to 0.
      uniformRows: workersFill ? { ...uniform, byteOffset: layout.input, rows, dim: opts.dim, stride: layout.rowFloats } : undefined,
      wordsPerEpoch: dict.tokensRead,
      workers,
      budget: 'passes',
      emptyPass: 'stop',
      position,
      save: (path, at) =>
        supervisedCheckpoint.save(path, {
          settings,
          position: { ...at, ntokens: dict.tokensRead, labels: labels.words, labelCounts: Array.from(labels.counts) },
          vocab,
          corpus: corpusPrint,
          dim: opts.dim,
          matrices: matrices(),
        }),
      // Every example updates output rows from the mean of its input rows, so a NaN or a runaway value in either
      // shows in the (few) output rows: those are checked at every pass end, all rows before a checkpoint and at the end.
      unhealthy: () => {
        const m = matrices();
        if (options.checkpoint) return unhealthyValue(m, opts.dim);
        if (position.pass < opts.epochs) return unhealthyValue({ output: m.output }, opts.dim);
        return unhealthyValue(m, opts.dim, { input: used });
      },
    });
    const model = assembleFastTextModel({
      args: { ...(referenceArgs(supervisedSchema, opts) as Omit<FastTextArgs, 'model' | 'bucket'>), model: 'supervised', bucket: opts.bucket },
      vocab,
      labels,
      ntokens: dict.ntokens,
      pruneIndex: null,
      // Training is over: the rows are compacted inside the training memory, which the model's matrices then view.
      input: new DenseMatrix(rows, opts.dim, compactRows(views.input, rows, opts.dim, layout.rowFloats)),
      output: new DenseMatrix(labels.size, opts.dim, compactRows(views.output, labels.size, opts.dim, layout.rowFloats)),
      version: 12,
    });
    throwIfAborted(signal);
    // Not synced to the disk (as fastText): seconds saved on a large model; the rename still never shows half a file.
    if (output) await saveTrainedFastTextModel(model, output, false);
    const stats: SupervisedStats = { vocabSize: vocab.size, labels: labels.size, lines: dict.lines, unlabelled: dict.unlabelled, trained: totals.trained, loss: totals.loss, seconds: (performance.now() - started) / 1000 };
    return { embeddings: model.embeddings, model, stats };
  } finally {
    await workers.release();
    await resume?.file.close();
    if (typeof options.input === 'string') await corpus.close?.();
  }
}

/** `X.bin` as it is; anything else is a prefix (PREFIX.bin, as fastText's -output). */
function binTarget(output: string): string {
  if (output === '') throw new InvalidArgumentError('output must be a file name or a prefix, got an empty string');
  if (output.toLowerCase().endsWith('.ftz')) throw new InvalidArgumentError(`cannot write ${output}: quantized .ftz models are not written by training; use .bin`);
  return output.toLowerCase().endsWith('.bin') ? output : `${output}.bin`;
}

/** The pretrained vectors' rows over the words they share with the vocabulary. */
function copyPretrained(pretrained: Embeddings, vocab: Vocabulary, input: Float32Array, stride: number): void {
  const dim = pretrained.dim;
  for (let i = 0; i < pretrained.vocab.size; i++) {
    const row = vocab.indexOf(pretrained.vocab.word(i));
    if (row >= 0) input.set(pretrained.vectors.subarray(i * dim, (i + 1) * dim), row * stride);
  }
}

/** The shared training memory: tables for the loss over the labels, slot configurations. */
export function createSupervisedTrainer(vocab: Vocabulary, labels: Vocabulary, opts: ResolvedSupervisedOptions, longestExample: number): { layout: FastTextLayout; memory: WebAssembly.Memory } {
  const tree = opts.loss === 'hs' ? buildHuffmanTree(labels.counts) : undefined;
  const shape = supervisedShape(opts, vocab.size, labels.size, opts.dim, tree ? tree.codes.length : 0, longestExample);
  const layout = planFastTextLayout(shape);
  const memory = sharedTrainingMemory(supervisedEstimate(opts, vocab.size, labels.size, shape.huffmanBits, longestExample), layout.totalBytes);
  const views = fastTextViewsOf(memory.buffer, layout);
  fillFastTextSigmoidTables(views.expTable, views.logTable);
  // Supervised examples carry their input rows; the per-word lists are unused but kept valid.
  for (let i = 0; i <= vocab.size; i++) views.subwordOffsets[i] = i;
  for (let i = 0; i < vocab.size; i++) views.subwordRows[i] = i;
  views.keep.fill(1);
  // fastText draws label negatives ∝ count^0.5.
  const negatives = opts.loss === 'ns' ? negativeSampler(labels, 0.5) : undefined;
  writeFastTextOutputTables(memory.buffer, layout, views, { tree, negatives }, opts.seed);
  return { layout, memory };
}

function supervisedShape(opts: ResolvedSupervisedOptions, words: number, labels: number, dim: number, huffmanBits: number, longestExample: number): FastTextShape {
  return {
    nwords: words,
    bucket: opts.bucket,
    dim,
    subwordRows: words,
    cbow: false,
    labels,
    loss: opts.loss,
    neg: opts.negative,
    ws: opts.window,
    lrUpdateRate: opts.lrUpdateRate,
    huffmanBits,
    // A chunk ends at the first example that reaches SUPERVISED_CHUNK_IDS ids, so it holds at most one longest example more.
    maxChunkWords: SUPERVISED_CHUNK_IDS + longestExample,
    slots: opts.threads,
    inputBuffers: POOL_DEPTH,
  };
}

export function supervisedEstimate(opts: ResolvedSupervisedOptions, words: number, labels: number, huffmanBits: number, longestExample: number): MemoryEstimate {
  return memoryEstimate('fastText supervised', words, opts.dim, (n, dim) => planFastTextLayout(supervisedShape(opts, n, labels, dim, huffmanBits, longestExample)).totalBytes, `${opts.bucket} n-gram buckets, ${labels} labels`);
}
