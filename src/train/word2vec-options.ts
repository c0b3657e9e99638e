import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from '../errors.ts';
import type { Word2VecKernelKind } from '../kernels/word2vec-fast.ts';
import type { Corpus } from '../text/corpus.ts';
import { getTokenizer, type TokenizerName } from '../text/tokenize.ts';
import type { ProgressListener } from './progress.ts';

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
