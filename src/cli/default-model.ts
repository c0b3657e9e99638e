import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../errors.ts';
import type { ProgressListener } from '../train/progress.ts';
import { trainWord2Vec } from '../train/word2vec.ts';

/** Where `embedkit start` keeps the model it trained, relative to the working directory. */
export const DEFAULT_MODEL_CACHE = '.cache/default-model.bin';
const SAMPLE_CORPUS = 'data/sample-pd.txt.gz';

/** The sample corpus shipped with the package: looked up from this module upwards (sources and build differ in depth). */
export function sampleCorpusPath(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, SAMPLE_CORPUS);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

export interface DefaultModelOptions {
  /** Cache file (default .cache/default-model.bin in the working directory). */
  cache?: string;
  /** Corpus to train on (default: the shipped sample). */
  corpus?: string;
  /** Skip-gram instead of CBOW (CBOW is the default: ~4x faster here, for neighbours of similar quality on this corpus). */
  skipgram?: boolean;
  epochs?: number;
  threads?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

export interface DefaultModel {
  /** The vectors file (word2vec binary). */
  path: string;
  /** Word counts of the training corpus, for SIF weights. */
  vocabPath?: string;
  /** True when this call trained it; false when the cache was reused. */
  trained: boolean;
}

/**
 * The model `embedkit start` serves when none is configured: the cached one, or one trained now on the sample
 * corpus (dim 100) and cached. The vectors file is written atomically by the trainer, so an interrupted run
 * never leaves a half-written cache that a later run would trust.
 */
export async function ensureDefaultModel(options: DefaultModelOptions = {}): Promise<DefaultModel> {
  const path = resolve(options.cache ?? DEFAULT_MODEL_CACHE);
  const vocabPath = path.replace(/\.bin$/, '') + '.vocab';
  if (existsSync(path)) return { path, vocabPath: existsSync(vocabPath) ? vocabPath : undefined, trained: false };
  const corpus = options.corpus ?? sampleCorpusPath();
  if (!corpus || !existsSync(corpus)) {
    throw new InvalidArgumentError(`no model configured and the sample corpus ${SAMPLE_CORPUS} was not found; give a model with --model FILE or EMBEDKIT_MODEL=FILE`);
  }
  mkdirSync(dirname(path), { recursive: true });
  await trainWord2Vec({
    input: corpus,
    output: path,
    binary: true,
    saveVocab: vocabPath,
    cbow: !options.skipgram,
    dim: 100,
    epochs: options.epochs ?? 5,
    minCount: 5,
    threads: options.threads,
    seed: 1,
    onProgress: options.onProgress,
    signal: options.signal,
  });
  return { path, vocabPath, trained: true };
}
