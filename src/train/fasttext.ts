import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { compileFastTextKernel } from '../kernels/fasttext-fast.ts';
import { fastTextViewsOf, fillFastTextSigmoidTables, planFastTextLayout, writeFastTextSlotConfig, type FastTextLayout } from '../kernels/fasttext-layout.ts';
import { WorkerPool } from '../kernels/pool.ts';
import { sharedMemory } from '../kernels/wasm.ts';
import { acquireSlot, chunkPieces, placeInput, readRng, writeRng, type ChunkPiece } from '../kernels/word2vec-layout.ts';
import { xorshift32 } from '../kernels/xorshift.ts';
import { corpusBatches, fractionRead, openCorpus, type Corpus } from '../text/corpus.ts';
import { encodeCorpus } from '../vocab/id-stream.ts';
import { getTokenizer, whitespaceTokenizer, type Tokenizer } from '../text/tokenize.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { assembleFastTextModel, type FastTextModel, type FastTextModelData } from '../vectors/fasttext-model.ts';
import { DenseMatrix } from '../vectors/fasttext-matrix.ts';
import { EOS, ngramBuckets } from '../vectors/subwords.ts';
import { buildVocabulary } from '../vocab/build.ts';
import { buildHuffmanTree } from '../vocab/huffman.ts';
import { keepProbabilities } from '../vocab/sampling.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import { fastTextCheckpointSettings, openFastTextCheckpoint, saveFastTextCheckpoint, type FastTextCheckpointPosition, type FastTextCheckpointSettings, type FastTextResume } from './fasttext-checkpoint.ts';
import type { FastTextTask, FastTextTaskResult, FastTextWorkerInit } from './fasttext-worker.ts';
import { resolveFastTextOptions, type FastTextTrainOptions, type ResolvedFastTextOptions } from './fasttext-options.ts';
import { negativeSampler } from './negative-sampler.ts';
import { ProgressMeter } from './progress.ts';
import { linearDecay } from './schedule.ts';
import { throwIfAborted } from '../util/abort.ts';

export { resolveFastTextOptions, type FastTextTrainOptions, type ResolvedFastTextOptions } from './fasttext-options.ts';

/** Words per chunk handed to a worker (as word2vec). */
const CHUNK_WORDS = 16384;
/** fastText cuts lines longer than this many tokens into several. */
const MAX_LINE_TOKENS = 1024;
/** Chunks queued per worker: one training, one waiting. */
const POOL_DEPTH = 2;
/** A WebAssembly memory holds at most 4 GiB. */
const MAX_MEMORY_BYTES = 2 ** 32 - 2 ** 16;

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
 * Returns the model (with its subword lookup: `embeddings` answers queries for unknown words too); saves
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
export async function trainFastText(options: FastTextTrainOptions): Promise<FastTextModel> {
  const opts = resolveFastTextOptions(options);
  const outputs = options.output !== undefined ? outputTargets(options.output) : [];
  const { signal } = options;
  throwIfAborted(signal);
  const settings = fastTextCheckpointSettings(opts, CHUNK_WORDS);
  const raw = typeof options.input === 'string' ? await openCorpus(options.input) : options.input;
  let resume: FastTextResume | undefined;
  try {
    if (options.resume) resume = await openFastTextCheckpoint(options.resume, settings);
    const base = getTokenizer(opts.tokenizer);
    // fastText reads a line end as the token </s>: a whitespace corpus gets it appended to each line (the
    // whitespace fast paths stay on); another tokenizer gets it appended to its tokens.
    const fast = base === whitespaceTokenizer;
    const corpus = fast ? withEndOfLineToken(raw) : raw;
    const tokenizer: Tokenizer = fast ? base : (line) => [...base(line), EOS];

    const { vocab, ntokens } = resume ? { vocab: resume.vocab, ntokens: resume.position.ntokens } : await countVocabulary(raw, corpus, tokenizer, opts, options);
    throwIfAborted(signal);

    const trainer = await createTrainer(vocab, opts, ntokens, resume);
    try {
      await runEpochs(trainer, corpus, tokenizer, opts, options, settings);
    } finally {
      await trainer.pool.close();
    }
    const model = assembleFastTextModel(modelData(trainer, opts, ntokens));
    for (const target of outputs) {
      throwIfAborted(signal);
      if (target.format === 'fasttext-bin') {
        const { writeFastTextBin } = await import('../formats/fasttext-bin-write.ts');
        await writeFastTextBin(model, target.path);
      } else {
        const { saveEmbeddings } = await import('../formats/index.ts');
        await saveEmbeddings(model.embeddings, target.path, { format: 'fasttext-vec' });
      }
    }
    return model;
  } finally {
    await resume?.file.close();
    if (typeof options.input === 'string') await raw.close?.();
  }
}

/** The vocabulary pass: fastText's dictionary, and every token read (rare ones included). */
async function countVocabulary(raw: Corpus, corpus: Corpus, tokenizer: Tokenizer, opts: ResolvedFastTextOptions, options: FastTextTrainOptions): Promise<{ vocab: Vocabulary; ntokens: number }> {
  const { signal, onProgress } = options;
  const started = performance.now();
  const built = await buildVocabulary(corpus, {
    minCount: opts.minCount,
    tokenizer,
    maxSentenceLength: MAX_LINE_TOKENS,
    signal,
    onProgress: (words) =>
      onProgress?.({ phase: 'vocab', epoch: 1, epochs: 1, progress: fractionRead(raw), wordsPerSecond: words / Math.max(1e-3, (performance.now() - started) / 1000), etaSeconds: Infinity, wordsDone: words }),
  });
  const { vocab } = built;
  if (vocab.size === 1 && vocab.word(0) === EOS) {
    throw new EmbedkitError('empty_corpus', 'the corpus has only empty lines (or no word reaches min-count)', { file: raw.path });
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

interface Trainer {
  vocab: Vocabulary;
  layout: FastTextLayout;
  memory: WebAssembly.Memory;
  pool: WorkerPool<FastTextTask, FastTextTaskResult>;
  /** Where training stands (the checkpoints' position); its rng is filled in when a checkpoint is saved. */
  position: FastTextCheckpointPosition;
  stats: { wordsDone: number; lossSum: number; lossCount: number };
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

async function createTrainer(vocab: Vocabulary, opts: ResolvedFastTextOptions, ntokens: number, resume?: FastTextResume): Promise<Trainer> {
  const V = vocab.size;
  const subwords = subwordLists(vocab, opts);
  const tree = opts.loss === 'hs' ? buildHuffmanTree(vocab.counts) : undefined;
  const layout = planFastTextLayout({
    nwords: V,
    bucket: opts.maxn > 0 ? opts.bucket : 0,
    dim: opts.dim,
    subwordRows: subwords.rows.length,
    cbow: opts.model === 'cbow',
    loss: opts.loss,
    neg: opts.neg,
    ws: opts.ws,
    lrUpdateRate: opts.lrUpdateRate,
    huffmanBits: tree ? tree.codes.length : 0,
    maxChunkWords: CHUNK_WORDS + MAX_LINE_TOKENS,
    slots: opts.threads,
    inputBuffers: POOL_DEPTH,
  });
  if (layout.totalBytes > MAX_MEMORY_BYTES) {
    const gib = (layout.totalBytes / 2 ** 30).toFixed(2);
    throw new InvalidArgumentError(`the model needs ${gib} GiB (${V} words + ${layout.shape.bucket} buckets, dim ${opts.dim}); the limit is 4 GiB: lower bucket or dim`);
  }
  const memory = sharedMemory(layout.totalBytes);
  const views = fastTextViewsOf(memory.buffer, layout);
  fillFastTextSigmoidTables(views.expTable, views.logTable);
  views.subwordOffsets.set(subwords.offsets);
  views.subwordRows.set(subwords.rows);
  // fastText's discard test compares against the frequency among all tokens read, unknown ones included.
  views.keep.set(keepProbabilities(vocab, opts.t, ntokens));
  if (tree) {
    views.codes.set(tree.codes);
    views.points.set(tree.points);
    views.lengths.set(tree.lengths);
    views.offsets.set(tree.offsets);
  } else if (opts.loss === 'ns') {
    const sampler = negativeSampler(vocab, 0.5);
    views.aliasProbability.set(sampler.probability);
    views.aliasIndex.set(sampler.alias);
  }
  const stride = layout.rowFloats;
  if (resume) {
    await resume.file.readInto('input', { data: views.input, rows: V + layout.shape.bucket, stride }, opts.dim);
    await resume.file.readInto('output', { data: views.output, rows: V, stride }, opts.dim);
  } else {
    initInputRows(views.input, V + layout.shape.bucket, opts.dim, stride, opts.seed);
  }
  for (let s = 0; s < opts.threads; s++) {
    writeFastTextSlotConfig(memory.buffer, layout, s, opts.seed);
    const saved = resume?.position.rng[s];
    if (saved !== undefined) writeRng(memory.buffer, layout, s, saved);
  }
  const position: FastTextCheckpointPosition = resume ? { ...resume.position, rng: [] } : { pass: 0, chunksDone: 0, dispatched: 0, ntokens, rng: [] };
  const stats = { wordsDone: position.dispatched, lossSum: 0, lossCount: 0 };
  const module = opts.kernel === 'wasm' ? await compileFastTextKernel() : undefined;
  const pool = await WorkerPool.start<FastTextTask, FastTextTaskResult>(workerScript(), opts.threads, (slot): FastTextWorkerInit => ({ memory, layout, slot, kind: opts.kernel, module }), {
    depth: POOL_DEPTH,
    resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
    onResult: (r) => {
      stats.wordsDone += r.words;
      stats.lossSum += r.lossSum;
      stats.lossCount += r.lossCount;
    },
  });
  return { vocab, layout, memory, pool, position, stats };
}

function workerScript(): URL {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./fasttext-worker${ext}`, import.meta.url);
}

/**
 * Trains as fastText does: until the in-vocabulary tokens trained (</s> included) reach `epoch` times every token
 * the vocabulary pass read (`ntokens`, rare words included), the learning rate falling linearly over that
 * budget. A corpus with words under min-count thus gets a little more than `epoch` passes: the last is partial.
 * With a checkpoint file the state is saved at every pass end, every checkpointInterval seconds (at a chunk
 * boundary) and when aborted; a resumed run skips the chunks already trained and goes on bit for bit.
 */
async function runEpochs(trainer: Trainer, corpus: Corpus, tokenizer: Tokenizer, opts: ResolvedFastTextOptions, options: FastTextTrainOptions, settings: FastTextCheckpointSettings): Promise<void> {
  const { signal, onProgress, checkpoint } = options;
  const { pool, stats, layout, memory, position } = trainer;
  const totalWords = position.ntokens * opts.epoch;
  const meter = new ProgressMeter({ phase: 'train', epochs: opts.epoch, totalWords, listener: onProgress, intervalMs: 1000, startWords: position.dispatched });
  let lastLoss = { sum: 0, count: 0 };
  let alpha = linearDecay(opts.lr, 0, Math.min(1, position.dispatched / totalWords));
  const report = (force = false) => {
    const delta = stats.lossCount - lastLoss.count;
    const loss = delta > 0 ? (stats.lossSum - lastLoss.sum) / delta : undefined;
    const event = meter.update(stats.wordsDone, { learningRate: alpha, loss, force });
    if (event) lastLoss = { sum: stats.lossSum, count: stats.lossCount };
  };
  const timer = onProgress ? setInterval(report, 1000) : undefined;
  timer?.unref();
  const settle = async () => {
    await pool.drain();
    for (let slot = 0; slot < opts.threads; slot++) acquireSlot(memory.buffer, layout, slot);
  };
  let lastCheckpoint = performance.now();
  const snapshot = async () => {
    await settle();
    position.rng = Array.from({ length: opts.threads }, (_, s) => readRng(memory.buffer, layout, s));
    const views = fastTextViewsOf(memory.buffer, layout);
    const V = trainer.vocab.size;
    await saveFastTextCheckpoint(checkpoint!, {
      settings,
      position,
      vocab: trainer.vocab,
      input: { data: views.input, rows: V + layout.shape.bucket, stride: layout.rowFloats },
      output: { data: views.output, rows: V, stride: layout.rowFloats },
    });
    lastCheckpoint = performance.now();
  };
  try {
    while (position.dispatched < totalWords && !signal?.aborted) {
      const passStart = position.dispatched;
      let chunkIndex = 0;
      for await (const chunk of encodeCorpus(corpus, trainer.vocab, tokenizer, { chunkWords: CHUNK_WORDS, maxSentenceLength: MAX_LINE_TOKENS, reuseBuffers: true })) {
        if (signal?.aborted || position.dispatched >= totalWords) break;
        if (chunkIndex++ < position.chunksDone) continue; // resumed: trained before the checkpoint
        for (const whole of chunkPieces(chunk.ids, chunk.sentenceEnds, layout.shape.maxChunkWords)) {
          if (position.dispatched >= totalWords) break;
          const piece = firstLines(whole, totalWords - position.dispatched);
          const alphaStart = linearDecay(opts.lr, 0, position.dispatched / totalWords);
          position.dispatched += piece.ids.length;
          const alphaEnd = linearDecay(opts.lr, 0, position.dispatched / totalWords);
          alpha = alphaStart;
          await pool.submit((worker, seq): FastTextTask => ({
            input: seq % POOL_DEPTH,
            nSentences: placeInput(memory.buffer, layout, worker, seq % POOL_DEPTH, piece, seq + 1),
            alphaStart,
            alphaEnd,
            words: piece.ids.length,
          }));
        }
        position.chunksDone = chunkIndex;
        if (checkpoint && (performance.now() - lastCheckpoint) / 1000 >= opts.checkpointInterval) await snapshot();
      }
      if (signal?.aborted) break;
      // Nothing in the vocabulary was read in a whole pass (not one resumed after its last chunk): another would not help.
      if (position.dispatched === passStart && position.chunksDone === 0) break;
      position.pass++;
      position.chunksDone = 0;
      if (checkpoint) await snapshot();
    }
    if (signal?.aborted && checkpoint) await snapshot();
    await settle();
    throwIfAborted(signal, checkpoint);
    report(true);
  } finally {
    if (timer) clearInterval(timer);
  }
}

/** The piece's lines up to the first that reaches `words` tokens (fastText stops at a line's end too). */
function firstLines(piece: ChunkPiece, words: number): ChunkPiece {
  const ends = piece.sentenceEnds;
  if (ends.length === 0 || ends[ends.length - 1] <= words) return piece;
  let k = 0;
  while (ends[k] < words) k++;
  return { ids: piece.ids.subarray(0, ends[k]), sentenceEnds: ends.subarray(0, k + 1) };
}

/** fastText's initialisation of the input rows: uniform in [-1/dim, 1/dim). Output rows start at zero. */
function initInputRows(input: Float32Array, rows: number, dim: number, stride: number, seed: number): void {
  let x = (seed ^ 0x2545f491) | 0 || 1;
  const scale = 2 / dim;
  for (let r = 0; r < rows; r++) {
    const off = r * stride;
    for (let d = 0; d < dim; d++) {
      x = xorshift32(x);
      input[off + d] = ((x >>> 8) * 2 ** -24 - 0.5) * scale;
    }
  }
}

/** The trained matrices as a fastText model (rows copied out of the padded shared memory when padded). */
function modelData(trainer: Trainer, opts: ResolvedFastTextOptions, ntokens: number): FastTextModelData {
  const { vocab, layout, memory } = trainer;
  const views = fastTextViewsOf(memory.buffer, layout);
  const V = vocab.size;
  const bucket = layout.shape.bucket;
  return {
    args: {
      dim: opts.dim,
      ws: opts.ws,
      epoch: opts.epoch,
      minCount: opts.minCount,
      neg: opts.neg,
      wordNgrams: 1,
      loss: opts.loss,
      model: opts.model,
      bucket,
      minn: opts.maxn > 0 ? opts.minn : 0,
      maxn: opts.maxn,
      lrUpdateRate: opts.lrUpdateRate,
      t: opts.t,
    },
    vocab,
    labels: new Vocabulary([]),
    ntokens,
    pruneIndex: null,
    input: new DenseMatrix(V + bucket, opts.dim, unpad(views.input, V + bucket, opts.dim, layout.rowFloats)),
    output: new DenseMatrix(V, opts.dim, unpad(views.output, V, opts.dim, layout.rowFloats)),
    version: 12,
  };
}

/**
 * Rows of `dim` floats out of rows of `stride`. Unpadded rows are a view of the training memory: no second
 * (V + bucket)×dim copy at the peak (the price: the training memory lives as long as the model).
 */
function unpad(data: Float32Array, rows: number, dim: number, stride: number): Float32Array {
  if (stride === dim) return data.subarray(0, rows * dim);
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * stride, r * stride + dim), r * dim);
  return out;
}
