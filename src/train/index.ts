/**
 * `embedkit/train`: the trainers (word2vec, fastText, GloVe), the corpora they read and their progress events.
 * @packageDocumentation
 */
export { trainWord2Vec, type Word2VecOptions } from './word2vec.ts';
export { trainFastText, type FastTextTrainOptions } from './fasttext.ts';
export { trainFastTextSupervised, type SupervisedTrainOptions, type SupervisedStats, type SupervisedLoss } from './fasttext-supervised.ts';
export { trainGlove, type GloveOptions, type GloveOutputFormat, type GloveStats } from './glove.ts';
export { estimateMemory, type EstimateOptions, type MemoryEstimate } from './estimate-memory.ts';
export type { SupervisedEstimateOptions } from './estimate-supervised.ts';
export type { TrainingResult, TrainingStats } from './result.ts';
export { stderrProgress, type ProgressEvent, type ProgressListener, type StderrProgressOptions } from './progress.ts';
export { openCorpus, corpusFromLines, type Corpus } from '../text/corpus.ts';
export type { TokenizerListener, TokenizerChoice } from './choose-tokenizer.ts';
// Types the options above refer to.
export type { KernelChoice } from '../kernels/native.ts';
export type { Word2VecKernelKind } from '../kernels/word2vec-fast.ts';
export type { FastTextKernelKind } from '../kernels/fasttext-fast.ts';
export type { FastTextTrainingLoss } from '../kernels/fasttext-layout.ts';
export type { GloveKernelKind } from '../glove/wasm-kernel.ts';
export type { EpochReport as GloveEpochReport } from '../glove/train.ts';
