import { resolveKernelChoice } from '../kernels/native.ts';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { fastTextViewsOf, fillFastTextSigmoidTables, planFastTextLayout, writeFastTextOutputTables, type FastTextLayout, type FastTextShape } from '../kernels/fasttext-layout.ts';
import { corpusBatches, openCorpus, type Corpus } from '../text/corpus.ts';
import { getTokenizer, whitespaceTokenizer, type Tokenizer } from '../text/tokenize.ts';
import { throwIfAborted } from '../util/abort.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { assembleFastTextModel, type FastTextArgs, type FastTextModel, type FastTextModelData } from '../vectors/fasttext-model.ts';
import { DenseMatrix } from '../vectors/fasttext-matrix.ts';
import { EOS, ngramBuckets } from '../vectors/subwords.ts';
import { buildHuffmanTree } from '../vocab/huffman.ts';
import { keepProbabilities } from '../vocab/sampling.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import { corpusFingerprint } from './corpus-fingerprint.ts';
import { FASTTEXT_MAX_LINE_TOKENS, fastTextCheckpoint, fastTextCheckpointSettings, openFastTextCheckpoint, type FastTextResume } from './fasttext-checkpoint.ts';
import { fastTextSchema, resolveFastTextOptions, type FastTextTrainOptions, type ResolvedFastTextOptions } from './fasttext-options.ts';
import { referenceArgs } from './option-schema.ts';
import { memoryEstimate, sharedTrainingMemory, type MemoryEstimate } from './memory.ts';
import { negativeSampler } from './negative-sampler.ts';
import { initUniformRows, unpad } from './rows.ts';
import { unhealthyValue } from './divergence.ts';
import { CHUNK_WORDS, freshPosition, POOL_DEPTH, runChunkTraining, startingRows } from './runner.ts';
import { saveTrainedFastTextModel, saveTrainedVectors } from './save-output.ts';
import { chooseTokenizer } from './choose-tokenizer.ts';
import { vocabularyPass } from './vocabulary-pass.ts';
import type { TrainingResult } from './result.ts';

export { fastTextSchema, resolveFastTextOptions, type FastTextTrainOptions, type ResolvedFastTextOptions } from './fasttext-options.ts';

/** fastText cuts lines longer than this many tokens into several. */
const MAX_LINE_TOKENS = FASTTEXT_MAX_LINE_TOKENS;

/**
 * Trains fastText word vectors with character n-gram subwords (skip-gram or CBOW; negative sampling or
 * hierarchical softmax), with fastText's defaults and semantics: every line ends with the token `</s>`,
 * a word's input is the mean of its own row and its n-gram bucket rows, frequent words are subsampled with
 * keep = √(t/f) + t/f, negatives are drawn ∝ count^0.5, and the learning rate decays linearly to 0.
 *
 * Shares the word2vec plumbing: the corpus is streamed (one pass for the vocabulary, one per epoch), the
 * main thread encodes it into chunks of word ids placed in shared memory, worker threads train them
 * Hogwild style (kernels/wasm/fasttext.wat, held to kernels/fasttext-reference.ts). With threads 1 and a fixed seed two runs are bit-identical.
 *
 * Returns the vectors, the model (with its subword lookup: `embeddings` answers queries for unknown words too) and the run's stats; saves
 * it atomically when `output` is set.
 * @example
 * ```ts
 * import { trainFastText } from 'embedkit/train';
 * import { readFastTextBin } from 'embedkit';
 * await trainFastText({ input: 'corpus.txt', output: 'trained.bin', dim: 20, minCount: 2, bucket: 10000 });
 * const model = await readFastTextBin('trained.bin');
 * console.log(model.embeddings.mostSimilar({ positive: ['thee'], topn: 3 })); // unknown words have vectors too
 * ```
 */
export async function trainFastText(options: FastTextTrainOptions): Promise<TrainingResult<FastTextModel>> {
  const started = performance.now();
  const opts = resolveFastTextOptions(options);
  // Before the vocabulary pass: a 'native' kernel that is not built is refused before any work.
  const kernelKind = resolveKernelChoice(opts.kernel);
  const outputs = options.output !== undefined ? outputTargets(options.output) : [];
  const { signal } = options;
  throwIfAborted(signal);
  const opened = typeof options.input === 'string' ? await openCorpus(options.input) : options.input;
  // The tokenizer may be detected from the first lines, which the returned corpus's first pass replays.
  const chosen = await chooseTokenizer(opened, options.tokenizer, opts.tokenizer, options.onTokenizer);
  opts.tokenizer = chosen.name;
  const raw = chosen.corpus;
  const settings = fastTextCheckpointSettings(opts, CHUNK_WORDS);
  let resume: FastTextResume | undefined;
  try {
    const corpusPrint = options.resume || options.checkpoint ? await corpusFingerprint(opened) : null;
    if (options.resume) resume = await openFastTextCheckpoint(options.resume, settings, corpusPrint);
    const base = getTokenizer(opts.tokenizer);
    // fastText reads a line end as the token </s>: a whitespace corpus gets it appended to each line (the
    // whitespace fast paths stay on); another tokenizer gets it appended to its tokens.
    const fast = base === whitespaceTokenizer;
    const corpus = fast ? withEndOfLineToken(raw) : raw;
    const tokenizer: Tokenizer = fast ? base : (line) => [...base(line), EOS];

    const { vocab, ntokens } = resume ? { vocab: resume.vocab, ntokens: resume.position.ntokens } : await countVocabulary(raw, corpus, tokenizer, opts, options);
    throwIfAborted(signal);

    const { layout, memory } = await createTrainer(vocab, opts, ntokens);
    const views = fastTextViewsOf(memory.buffer, layout);
    const rows = inputRows(vocab, layout);
    const matrices = () => ({ input: { data: views.input, rows, stride: layout.rowFloats }, output: { data: views.output, rows: vocab.size, stride: layout.rowFloats } });
    // fastText's initialisation of the input rows: uniform in [-1/dim, 1/dim). Output rows start at zero.
    await startingRows(resume, matrices(), opts.dim, () =>
      initUniformRows(views.input, rows, opts.dim, layout.rowFloats, { seed: opts.seed, salt: 0x2545f491, scale: 2 / opts.dim, divisor: 1 }),
    );
    // fastText's budget: epochs × every token the vocabulary pass read (rare ones included), trained over the
    // in-vocabulary ones, the rate falling linearly to minAlpha (0); a corpus with words under minCount thus
    // gets a little more than `epochs` passes, the last partial.
    const totals = await runChunkTraining({ kernel: 'fasttext', layout, memory, kind: kernelKind }, opts, options, {
      corpus,
      vocab,
      tokenizer,
      maxSentenceLength: MAX_LINE_TOKENS,
      wordsPerEpoch: ntokens,
      budget: 'words',
      emptyPass: 'stop',
      position: resume?.position ?? freshPosition(),
      save: (path, at) => fastTextCheckpoint.save(path, { settings, position: { ...at, ntokens }, vocab, corpus: corpusPrint, dim: opts.dim, matrices: matrices() }),
      unhealthy: () => unhealthyValue(matrices(), opts.dim),
    });
    const model = assembleFastTextModel(modelData(vocab, layout, views, opts, ntokens));
    for (const target of outputs) {
      throwIfAborted(signal);
      if (target.format === 'fasttext-bin') await saveTrainedFastTextModel(model, target.path);
      else await saveTrainedVectors(model.embeddings, target.path, 'fasttext-vec');
    }
    return { embeddings: model.embeddings, model, stats: { vocabSize: vocab.size, trained: totals.trained, loss: totals.loss, seconds: (performance.now() - started) / 1000 } };
  } finally {
    await resume?.file.close();
    if (typeof options.input === 'string') await raw.close?.();
  }
}

/** The vocabulary pass: fastText's dictionary, and every token read (rare ones included). */
async function countVocabulary(raw: Corpus, corpus: Corpus, tokenizer: Tokenizer, opts: ResolvedFastTextOptions, options: FastTextTrainOptions): Promise<{ vocab: Vocabulary; ntokens: number }> {
  const built = await vocabularyPass(corpus, { minCount: opts.minCount, tokenizer, maxSentenceLength: MAX_LINE_TOKENS, signal: options.signal, onProgress: options.onProgress, progressOf: raw });
  const { vocab } = built;
  if (vocab.size === 1 && vocab.word(0) === EOS) {
    throw new EmbedkitError('empty_corpus', 'the corpus has only empty lines (or no word reaches minCount)', { file: raw.path });
  }
  return { vocab, ntokens: built.corpusWords };
}

/** The vectors of a trained model (known words; unknown words through the subword lookup). */
export async function trainFastTextEmbeddings(options: FastTextTrainOptions): Promise<Embeddings> {
  return (await trainFastText(options)).embeddings;
}

export interface OutputTarget {
  path: string;
  format: 'fasttext-bin' | 'fasttext-vec';
}

/** `X.bin` → the model; `X.vec` / `X.txt` → text vectors; anything else is a prefix: PREFIX.bin and PREFIX.vec. */
export function outputTargets(output: string): OutputTarget[] {
  if (output === '') throw new InvalidArgumentError('output must be a file name or a prefix, got an empty string');
  const lower = output.toLowerCase();
  if (lower.endsWith('.bin')) return [{ path: output, format: 'fasttext-bin' }];
  if (lower.endsWith('.vec') || lower.endsWith('.txt')) return [{ path: output, format: 'fasttext-vec' }];
  if (lower.endsWith('.ftz')) throw new InvalidArgumentError(`cannot write ${output}: quantized .ftz models are read, not written; use .bin`);
  return [
    { path: `${output}.bin`, format: 'fasttext-bin' },
    { path: `${output}.vec`, format: 'fasttext-vec' },
  ];
}

/** The corpus with ` </s>` appended to every line (the whitespace tokenizer then sees fastText's line-end token). */
function withEndOfLineToken(corpus: Corpus): Corpus {
  const suffix = ` ${EOS}`;
  return {
    path: corpus.path,
    get byteLength() {
      return corpus.byteLength;
    },
    get bytesRead() {
      return corpus.bytesRead;
    },
    async *lines() {
      for await (const line of corpus.lines()) yield line + suffix;
    },
    async *lineBatches() {
      for await (const batch of corpusBatches(corpus)) yield batch.map((line) => line + suffix);
    },
  };
}

/** Each word's input rows: its own row, then its n-gram bucket rows (none for </s>), as fastText's dictionary. */
function subwordLists(vocab: Vocabulary, opts: ResolvedFastTextOptions): { offsets: Int32Array; rows: Int32Array } {
  const V = vocab.size;
  const offsets = new Int32Array(V + 1);
  const rows: number[] = [];
  const scheme = { minn: opts.minn, maxn: opts.maxn, bucket: opts.bucket };
  for (let i = 0; i < V; i++) {
    offsets[i] = rows.length;
    rows.push(i);
    const word = vocab.word(i);
    if (word !== EOS && opts.maxn > 0) for (const b of ngramBuckets(word, scheme)) rows.push(V + b);
  }
  offsets[V] = rows.length;
  return { offsets, rows: Int32Array.from(rows) };
}

/** Rows of the input matrix: one per word, then the n-gram buckets. */
function inputRows(vocab: Vocabulary, layout: FastTextLayout): number {
  return vocab.size + layout.shape.bucket;
}

/** The shared training memory, laid out and filled: subword lists, sampling tables, Huffman tree, slot configurations. */
async function createTrainer(vocab: Vocabulary, opts: ResolvedFastTextOptions, ntokens: number): Promise<{ layout: FastTextLayout; memory: WebAssembly.Memory }> {
  const subwords = subwordLists(vocab, opts);
  const tree = opts.loss === 'hs' ? buildHuffmanTree(vocab.counts) : undefined;
  const huffmanBits = tree ? tree.codes.length : 0;
  const layout = planFastTextLayout(shapeOf(opts, vocab.size, opts.dim, subwords.rows.length, huffmanBits));
  const memory = sharedTrainingMemory(fastTextEstimate(opts, vocab.size, subwords.rows.length, huffmanBits), layout.totalBytes);
  const views = fastTextViewsOf(memory.buffer, layout);
  fillFastTextSigmoidTables(views.expTable, views.logTable);
  views.subwordOffsets.set(subwords.offsets);
  views.subwordRows.set(subwords.rows);
  // fastText's discard test compares against the frequency among all tokens read, unknown ones included.
  views.keep.set(keepProbabilities(vocab, opts.sample, ntokens));
  const negatives = opts.loss === 'ns' ? negativeSampler(vocab, 0.5) : undefined;
  writeFastTextOutputTables(memory.buffer, layout, views, { tree, negatives }, opts.seed);
  return { layout, memory };
}

/**
 * The training memory fastText would allocate for `vocab` with these options (word and n-gram bucket rows,
 * output rows, subword lists, tables, per-thread buffers), and the largest vocabulary and dim that fit.
 */
export function estimateFastTextMemory(options: Omit<FastTextTrainOptions, 'input'>, vocab: Vocabulary): MemoryEstimate {
  const opts = resolveFastTextOptions(options);
  return fastTextEstimate(opts, vocab.size, subwordLists(vocab, opts).rows.length, opts.loss === 'hs' ? buildHuffmanTree(vocab.counts).codes.length : 0);
}

function fastTextEstimate(opts: ResolvedFastTextOptions, words: number, subwordRows: number, huffmanBits: number): MemoryEstimate {
  const bucket = opts.maxn > 0 ? opts.bucket : 0;
  // Subword lists and Huffman codes grow with the vocabulary; for other sizes they are scaled in proportion.
  const scaled = (x: number, n: number) => Math.ceil((x * n) / words);
  return memoryEstimate('fastText', words, opts.dim, (n, dim) => planFastTextLayout(shapeOf(opts, n, dim, scaled(subwordRows, n), scaled(huffmanBits, n))).totalBytes, `${bucket} n-gram buckets`);
}

function shapeOf(opts: ResolvedFastTextOptions, words: number, dim: number, subwordRows: number, huffmanBits: number): FastTextShape {
  return {
    nwords: words,
    bucket: opts.maxn > 0 ? opts.bucket : 0,
    dim,
    subwordRows,
    cbow: opts.model === 'cbow',
    loss: opts.loss,
    neg: opts.negative,
    ws: opts.window,
    lrUpdateRate: opts.lrUpdateRate,
    huffmanBits,
    maxChunkWords: CHUNK_WORDS + MAX_LINE_TOKENS,
    slots: opts.threads,
    inputBuffers: POOL_DEPTH,
  };
}

/** The trained matrices as a fastText model (rows copied out of the padded shared memory when padded). */
function modelData(vocab: Vocabulary, layout: FastTextLayout, views: ReturnType<typeof fastTextViewsOf>, opts: ResolvedFastTextOptions, ntokens: number): FastTextModelData {
  const words = vocab.size;
  const bucket = layout.shape.bucket;
  return {
    // fastText's args are the schema's options under their fastText names, with what training made of them.
    args: { ...(referenceArgs(fastTextSchema, opts) as Omit<FastTextArgs, 'wordNgrams'>), wordNgrams: 1, bucket, minn: opts.maxn > 0 ? opts.minn : 0 },
    vocab,
    labels: new Vocabulary([]),
    ntokens,
    pruneIndex: null,
    input: new DenseMatrix(words + bucket, opts.dim, unpad(views.input, words + bucket, opts.dim, layout.rowFloats)),
    output: new DenseMatrix(words, opts.dim, unpad(views.output, words, opts.dim, layout.rowFloats)),
    version: 12,
  };
}
