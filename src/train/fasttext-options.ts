import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from '../errors.ts';
import type { Corpus } from '../text/corpus.ts';
import { getTokenizer, type TokenizerName } from '../text/tokenize.ts';
import type { FastTextKernelKind } from '../kernels/fasttext-fast.ts';
import type { FastTextTrainingLoss } from '../kernels/fasttext-layout.ts';
import type { ProgressListener } from './progress.ts';

/** Options of trainFastText, in fastText's names and with its defaults (the CLI flags are the same names). */
export interface FastTextTrainOptions {
  /** Corpus file (plain or .gz, one sentence per line), '-' for standard input, or an open Corpus. */
  input: string | Corpus;
  /**
   * Where to save: `X.bin` (fastText model), `X.vec` / `X.txt` (text vectors), or a prefix without one of
   * those extensions, which writes PREFIX.bin and PREFIX.vec as fastText does. Nothing is written when omitted.
   */
  output?: string;
  /** skipgram (default) or cbow. */
  model?: 'skipgram' | 'cbow';
  /** Starting learning rate (default 0.05), decayed linearly to 0 over all tokens of all epochs. */
  lr?: number;
  dim?: number;
  /** Maximum context distance; each position draws its window in 1..ws (default 5). */
  ws?: number;
  epoch?: number;
  minCount?: number;
  /** Negatives per target (default 5). */
  neg?: number;
  /** Subsampling threshold (default 1e-4); 0 keeps every token. */
  t?: number;
  /**
   * ns (negative sampling, default), hs (hierarchical softmax) or softmax (the full softmax over the vocabulary:
   * exact but O(vocabulary) per prediction, as in fastText; for small vocabularies).
   */
  loss?: FastTextTrainingLoss;
  /** Character n-gram lengths (default 3..6); maxn 0 trains without subwords. */
  minn?: number;
  maxn?: number;
  /** N-gram hash buckets (default 2,000,000). */
  bucket?: number;
  /** Tokens between learning-rate updates (default 100). */
  lrUpdateRate?: number;
  /** Training threads (default: every core). */
  threads?: number;
  seed?: number;
  /** How lines split into words (default whitespace, as fastText); each line ends with the token `</s>`. */
  tokenizer?: TokenizerName;
  /** Save the training state here at the end of every corpus pass, every checkpointInterval seconds, and when aborted. */
  checkpoint?: string;
  /** Continue from this checkpoint (written with the same settings; the thread count may differ). */
  resume?: string;
  /** Seconds between mid-pass checkpoints (default 600). */
  checkpointInterval?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Which kernel trains: the WebAssembly one (default) or the TypeScript reference (slower; for tests). */
  kernel?: FastTextKernelKind;
}

export interface ResolvedFastTextOptions {
  model: 'skipgram' | 'cbow';
  lr: number;
  dim: number;
  ws: number;
  epoch: number;
  minCount: number;
  neg: number;
  t: number;
  loss: FastTextTrainingLoss;
  minn: number;
  maxn: number;
  bucket: number;
  lrUpdateRate: number;
  threads: number;
  seed: number;
  tokenizer: TokenizerName;
  checkpointInterval: number;
  kernel: FastTextKernelKind;
}

/** Applies fastText's defaults and refuses values that cannot be honoured, naming the option. */
export function resolveFastTextOptions(o: Omit<FastTextTrainOptions, 'input'>): ResolvedFastTextOptions {
  const r: ResolvedFastTextOptions = {
    model: o.model ?? 'skipgram',
    lr: o.lr ?? 0.05,
    dim: o.dim ?? 100,
    ws: o.ws ?? 5,
    epoch: o.epoch ?? 5,
    minCount: o.minCount ?? 5,
    neg: o.neg ?? 5,
    t: o.t ?? 1e-4,
    loss: o.loss ?? 'ns',
    minn: o.minn ?? 3,
    maxn: o.maxn ?? 6,
    bucket: o.bucket ?? 2_000_000,
    lrUpdateRate: o.lrUpdateRate ?? 100,
    threads: o.threads ?? availableParallelism(),
    seed: o.seed ?? 1,
    tokenizer: o.tokenizer ?? 'whitespace',
    checkpointInterval: o.checkpointInterval ?? 600,
    kernel: o.kernel ?? 'wasm',
  };
  if (r.model !== 'skipgram' && r.model !== 'cbow') {
    throw new InvalidArgumentError(`model must be skipgram or cbow, got ${JSON.stringify(r.model)} (supervised models are not trained here)`);
  }
  const loss = r.loss as string;
  if (loss === 'ova') {
    throw new InvalidArgumentError('loss ova (one-vs-all) is for supervised multi-label models: use ns, hs or softmax for word vectors');
  }
  if (loss !== 'ns' && loss !== 'hs' && loss !== 'softmax') throw new InvalidArgumentError(`loss must be ns, hs or softmax, got ${JSON.stringify(loss)}`);
  const int = (name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw new InvalidArgumentError(`${name} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in ${min}..${max}`}, got ${v}`);
    }
  };
  int('dim', r.dim, 1, 10_000);
  int('ws', r.ws, 1, 10_000);
  int('epoch', r.epoch, 1);
  int('min-count', r.minCount, 1);
  int('neg', r.neg, r.loss === 'ns' ? 1 : 0, 1000);
  int('minn', r.minn, 0, 100);
  int('maxn', r.maxn, 0, 100);
  int('bucket', r.bucket, 0, 100_000_000);
  int('lr-update-rate', r.lrUpdateRate, 1);
  int('threads', r.threads, 1, 1024);
  int('seed', r.seed, -(2 ** 31), 2 ** 32 - 1);
  if (typeof r.lr !== 'number' || !(r.lr > 0) || !Number.isFinite(r.lr)) throw new InvalidArgumentError(`lr must be a number > 0, got ${r.lr}`);
  if (typeof r.checkpointInterval !== 'number' || !(r.checkpointInterval > 0)) {
    throw new InvalidArgumentError(`checkpoint-interval must be a number of seconds > 0, got ${r.checkpointInterval}`);
  }
  if (typeof r.t !== 'number' || !(r.t >= 0 && r.t < 1)) throw new InvalidArgumentError(`t must be a number in [0, 1), got ${r.t}`);
  if (r.maxn > 0) {
    if (r.minn < 1) throw new InvalidArgumentError(`minn must be ≥ 1 when maxn is ${r.maxn} (n-grams have at least one character)`);
    if (r.minn > r.maxn) throw new InvalidArgumentError(`minn ${r.minn} is greater than maxn ${r.maxn}: n-gram lengths run from minn to maxn`);
    if (r.bucket === 0) throw new InvalidArgumentError('bucket 0 leaves no rows for character n-grams: set maxn 0 to train without subwords, or bucket > 0');
  }
  getTokenizer(r.tokenizer); // refuses unknown names
  if (r.kernel !== 'wasm' && r.kernel !== 'reference') throw new InvalidArgumentError(`kernel must be wasm or reference, got ${String(r.kernel)}`);
  return r;
}
