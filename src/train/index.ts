/**
 * `embedkit/train`: the trainers (word2vec, fastText, GloVe), the corpora they read and their progress events.
 * @packageDocumentation
 */
export { trainWord2Vec, type Word2VecOptions } from './word2vec.ts';
export { trainFastText, type FastTextTrainOptions } from './fasttext.ts';
export { trainGlove, type GloveOptions, type GloveOutputFormat } from './glove.ts';
export { stderrProgress, type ProgressEvent, type ProgressListener, type StderrProgressOptions } from './progress.ts';
export { openCorpus, corpusFromLines, type Corpus } from '../text/corpus.ts';
