import { EmbedkitError } from '../errors.ts';
import { resolveKernelChoice } from '../kernels/native.ts';
import { fillTables, planLayout, viewsOf, writeSlotConfig, type Word2VecLayout, type Word2VecShape } from '../kernels/word2vec-layout.ts';
import { openCorpus, type Corpus } from '../text/corpus.ts';
import { getTokenizer } from '../text/tokenize.ts';
import { throwIfAborted } from '../util/abort.ts';
import { Embeddings } from '../vectors/embeddings.ts';
import { buildHuffmanTree } from '../vocab/huffman.ts';
import { keepProbabilities } from '../vocab/sampling.ts';
import { readVocab, saveVocab } from '../vocab/vocab-file.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';
import { openWord2VecCheckpoint, saveCheckpoint, type CheckpointPosition, type CheckpointSettings } from './checkpoint.ts';
import { negativeSampler } from './negative-sampler.ts';
import { initUniformRows, unpad } from './rows.ts';
import { unhealthyValue } from './divergence.ts';
import { CHUNK_WORDS, freshPosition, POOL_DEPTH, runChunkTraining, startingRows } from './runner.ts';
import { chooseTokenizer } from './choose-tokenizer.ts';
import { corpusFingerprint } from './corpus-fingerprint.ts';
import { vocabularyPass } from './vocabulary-pass.ts';
import type { TrainingResult } from './result.ts';
import { checkpointSettings } from './option-schema.ts';
import { resolveWord2VecOptions, word2vecSchema, type ResolvedWord2VecOptions, type Word2VecOptions } from './word2vec-options.ts';
import { saveTrainedVectors } from './save-output.ts';
import { memoryEstimate, sharedTrainingMemory, type MemoryEstimate } from './memory.ts';

export { resolveWord2VecOptions, word2vecSchema, type ResolvedWord2VecOptions, type Word2VecOptions } from './word2vec-options.ts';

/**
 * Hierarchical softmax: the inner nodes nearest the root (every prediction updates the root, half of them its
 * children, ...) that each thread trains in a private copy, adding its change to the shared rows after every
 * sentence. Shared, those few rows would bounce between the cores' caches on every prediction.
 * The merge used to come once per 16,384-word chunk; each thread then moved the top rows for a whole chunk without
 * seeing the other's moves, and the sum of both overshot. That cost analogy, most at window 10 (issue 17, skip-gram
 * HS on 3.6M words × 2 epochs, 2 threads, seeds 1–3, under load): per chunk 0.0716 analogy / 0.5486 WordSim-353
 * against gensim's 0.0779 / 0.5212 (spread 0.0026 / 0.0112), per sentence 0.0801 / 0.5271, for no measurable CPU
 * time (26.7 s against 27.0 s a run, same minute). At window 5 both are near gensim: 1 epoch (seeds 1–6) per chunk
 * 0.0332 / 0.4223, per sentence 0.0373 / 0.4083, gensim 0.0366 / 0.4160 (spread 0.0076 / 0.0278); 2 epochs per
 * chunk 0.0663 / 0.5013, per sentence 0.0694 / 0.4886, gensim 0.0704 / 0.4978 (spread 0.0085 / 0.0071). The
 * per-chunk merge's extra WordSim-353 at window 5 came with the lost analogy; one thread (no copies at all) scores
 * like the per-sentence merge (1 epoch, seeds 1–3: 0.0367 / 0.3972).
 */
const HS_HOT_ROWS = 64;

/**
 * Input vectors start uniform in ±INIT_SCALE/(2·dim): ±1/dim, gensim 4's range, twice word2vec C's ±0.5/dim.
 * With the output rows starting at zero, the first updates of the output rows are proportional to the input
 * rows, so the smaller range leaves a short job (a few million words, a few epochs) measurably behind gensim
 * (issue 17: +0.004 analogy, +0.005 WordSim-353 over 3 seeds on 3.6M words × 2 epochs); on long jobs the two agree.
 */
const INIT_SCALE = 2;

/** What only the word2vec bench's candidate runs pass. Not public options. */
export interface Word2VecBenchOptions {
  /** KERNEL_VARIANT bits (kernels/word2vec-layout.ts). */
  kernelVariant?: number;
  /** Input vectors start uniform in ±initScale/(2·dim) (default INIT_SCALE; 1: word2vec C's range). */
  initScale?: number;
  /** Hot hierarchical-softmax rows copied per thread (default HS_HOT_ROWS with several threads; 0: none). */
  hotRows?: number;
}

/** What a checkpoint records: the schema's checkpointed settings, and the chunk size (it decides the chunks skipped on resume). */
function settingsOf(r: ResolvedWord2VecOptions): CheckpointSettings {
  return { ...checkpointSettings(word2vecSchema, { ...r, skipgram: undefined }), chunkWords: CHUNK_WORDS } as CheckpointSettings;
}

/**
 * Trains Word2Vec vectors (CBOW or skip-gram; negative sampling and/or hierarchical softmax) on a corpus
 * streamed from disk: one pass counts the vocabulary, then each epoch re-reads the corpus, the main thread
 * encodes it into chunks of word ids and worker threads train them Hogwild-style over one shared memory
 * (the training runner, runner.ts). Memory is O(V·dim): the corpus is never held. With threads 1 and a fixed
 * seed the result is bit-identical from run to run. Returns the vectors and the run's stats.
 * @example
 * ```ts
 * import { trainWord2Vec } from 'embedkit/train';
 * import { loadEmbeddings } from 'embedkit';
 * await trainWord2Vec({ input: 'corpus.txt', output: 'trained.bin', binary: true, dim: 20, minCount: 2 });
 * const vectors = await loadEmbeddings('trained.bin');
 * console.log(vectors.size, vectors.mostSimilar({ positive: ['the'], topn: 3 }));
 * ```
 */
export async function trainWord2Vec(options: Word2VecOptions): Promise<TrainingResult> {
  const started = performance.now();
  const opts = resolveWord2VecOptions(options);
  // Before the vocabulary pass: a 'native' kernel that is not built is refused before any work.
  const kernelKind = resolveKernelChoice(opts.kernel);
  const { signal } = options;
  throwIfAborted(signal);
  const opened = typeof options.input === 'string' ? await openCorpus(options.input) : options.input;
  // The tokenizer may be detected from the first lines, which the returned corpus's first pass replays.
  const chosen = await chooseTokenizer(opened, options.tokenizer, opts.tokenizer, options.onTokenizer);
  opts.tokenizer = chosen.name;
  const corpus = chosen.corpus;
  const settings = settingsOf(opts);
  const tokenizer = getTokenizer(opts.tokenizer);
  const corpusPrint = options.resume || options.checkpoint ? await corpusFingerprint(opened) : null;
  const resumed = options.resume ? await openWord2VecCheckpoint(options.resume, { settings, corpus: corpusPrint }) : undefined;
  try {
    const { vocab, wordsPerEpoch } = resumed ? { vocab: resumed.vocab, wordsPerEpoch: resumed.position.wordsPerEpoch } : await countVocabulary(corpus, opts, options);
    throwIfAborted(signal);
    if (options.saveVocab) await saveVocab(vocab, options.saveVocab);

    const { layout, memory, views } = await createModel(vocab, opts, (options as Word2VecBenchOptions).kernelVariant ?? 0, (options as Word2VecBenchOptions).hotRows);
    const stride = layout.rowFloats;
    const matrices = () => ({
      syn0: { data: views.syn0, rows: vocab.size, stride },
      syn1neg: opts.negative > 0 ? { data: views.syn1neg, rows: vocab.size, stride } : undefined,
      syn1: opts.hs ? { data: views.syn1, rows: Math.max(vocab.size - 1, 1), stride } : undefined,
    });
    await startingRows(resumed, matrices(), opts.dim, () =>
      initUniformRows(views.syn0, vocab.size, opts.dim, stride, { seed: opts.seed, salt: 0x5bd1e995, scale: (options as Word2VecBenchOptions).initScale ?? INIT_SCALE, divisor: opts.dim }),
    );
    const p = resumed?.position;
    const totals = await runChunkTraining({ kernel: 'word2vec', layout, memory, kind: kernelKind }, opts, options, {
      corpus,
      vocab,
      tokenizer,
      maxSentenceLength: opts.maxSentenceLength,
      wordsPerEpoch,
      budget: 'passes',
      emptyPass: 'throw',
      // The checkpoint keeps the names this format has always stored.
      position: p ? { pass: p.epoch, chunksDone: p.chunksDone, dispatched: p.wordsDone, rng: p.rng } : freshPosition(),
      save: (path, at) => {
        const saved: CheckpointPosition = { epoch: at.pass, chunksDone: at.chunksDone, wordsDone: at.dispatched, wordsPerEpoch, rng: at.rng };
        return saveCheckpoint(path, { settings, position: saved, vocab, corpus: corpusPrint, ...matrices() });
      },
      progressIntervalMs: (options.progressInterval ?? 1) * 1000,
      unhealthy: () => unhealthyValue(matrices(), opts.dim),
    });
    const embeddings = new Embeddings(vocab, unpad(views.syn0, vocab.size, opts.dim, stride), opts.dim);
    if (options.output) {
      throwIfAborted(signal);
      await saveTrainedVectors(embeddings, options.output, options.binary ? 'word2vec-binary' : 'word2vec-text');
    }
    return { embeddings, stats: { vocabSize: vocab.size, trained: totals.trained, loss: totals.loss, seconds: (performance.now() - started) / 1000 } };
  } finally {
    await resumed?.file.close();
    if (typeof options.input === 'string') await corpus.close?.();
  }
}

/** The vocabulary and the schedule's unit: from a vocabulary file, or counted in a first pass over the corpus. */
async function countVocabulary(corpus: Corpus, opts: ResolvedWord2VecOptions, options: Word2VecOptions): Promise<{ vocab: Vocabulary; wordsPerEpoch: number }> {
  if (options.readVocab) {
    const vocab = await readVocab(options.readVocab);
    if (vocab.size === 0) throw new EmbedkitError('empty_vocabulary', 'the vocabulary file has no words', { file: options.readVocab });
    if (!(vocab.totalCount() > 0)) throw new EmbedkitError('empty_vocabulary', 'the vocabulary file has no word counts (needed for sampling)', { file: options.readVocab });
    return { vocab, wordsPerEpoch: vocab.totalCount() };
  }
  const built = await vocabularyPass(corpus, {
    minCount: opts.minCount,
    maxVocabSize: opts.maxVocabSize,
    tokenizer: getTokenizer(opts.tokenizer),
    maxSentenceLength: opts.maxSentenceLength,
    signal: options.signal,
    onProgress: options.onProgress,
  });
  // The schedule counts vocabulary words, as word2vec's C tool does, so a vocabulary read from a file
  // (whose counts are all we know) drives it the same way.
  return { vocab: built.vocab, wordsPerEpoch: built.totalWords };
}

/** The shared training memory, laid out and filled: sampling tables, Huffman tree, slot configurations. */
async function createModel(vocab: Vocabulary, opts: ResolvedWord2VecOptions, variant: number, hotRows?: number): Promise<{ layout: Word2VecLayout; memory: WebAssembly.Memory; views: ReturnType<typeof viewsOf> }> {
  const tree = opts.hs ? buildHuffmanTree(vocab.counts) : undefined;
  const huffmanBits = tree ? tree.codes.length : 0;
  const layout = planLayout({ ...shapeOf(opts, vocab.size, opts.dim, huffmanBits), variant, ...(hotRows === undefined ? {} : { hotRows }) });
  const memory = sharedTrainingMemory(word2vecEstimate(opts, vocab.size, huffmanBits), layout.totalBytes);
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
  for (let s = 0; s < opts.threads; s++) writeSlotConfig(memory.buffer, layout, s, opts.seed);
  return { layout, memory, views };
}

/**
 * The training memory word2vec would allocate for `vocab` with these options (model rows, sampling tables,
 * Huffman tree and per-thread buffers), and the largest vocabulary and dim that fit in one WebAssembly memory.
 */
export function estimateWord2VecMemory(options: Omit<Word2VecOptions, 'input'>, vocab: Vocabulary): MemoryEstimate {
  const opts = resolveWord2VecOptions(options);
  return word2vecEstimate(opts, vocab.size, opts.hs ? buildHuffmanTree(vocab.counts).codes.length : 0);
}

function word2vecEstimate(opts: ResolvedWord2VecOptions, words: number, huffmanBits: number): MemoryEstimate {
  // The Huffman codes grow with the vocabulary; for other vocabulary sizes they are scaled in proportion.
  return memoryEstimate('word2vec', words, opts.dim, (n, dim) => planLayout(shapeOf(opts, n, dim, Math.ceil((huffmanBits * n) / words))).totalBytes);
}

function shapeOf(opts: ResolvedWord2VecOptions, words: number, dim: number, huffmanBits: number): Word2VecShape {
  return {
    vocabSize: words,
    dim,
    negative: opts.negative,
    hs: opts.hs,
    cbow: opts.cbow,
    cbowMean: opts.cbowMean,
    window: opts.window,
    huffmanBits,
    subsample: opts.sample > 0,
    maxChunkWords: CHUNK_WORDS + opts.maxSentenceLength,
    slots: opts.threads,
    inputBuffers: POOL_DEPTH,
    // One thread has nobody to contend with: every update stays visible at once, as in the sequential rule.
    hotRows: opts.threads > 1 ? HS_HOT_ROWS : 0,
  };
}
