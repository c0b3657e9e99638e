/**
 * embedkit's public API. Everything the CLI does is reachable from here with one import.
 */

// Errors
export { EmbedkitError, FormatError, UnknownWordError, InvalidArgumentError, type ErrorLocation } from './errors.ts';

// The one vector type and its queries
export { Vocabulary } from './vocab/vocabulary.ts';
export { Embeddings, type OovLookup, type Key, type Term, type Neighbour, type MostSimilarOptions, type MeanVectorOptions } from './vectors/embeddings.ts';
export { topK, type Scored } from './vectors/topk.ts';
export { parseExpression, type ParsedExpression } from './vectors/expression.ts';
export { SimilarityIndex, loadSimilarityKernel, kthLargest } from './kernels/fast-similarity.ts';

// File formats
export { loadEmbeddings, saveEmbeddings, detectFormat, type VectorFormat, type LoadOptions, type SaveOptions } from './formats/index.ts';
export { readFastTextBin, writeFastTextBin, writeFastTextBinStream, isFastTextBinHead, FASTTEXT_MAGIC, FASTTEXT_VERSION, type ReadFastTextOptions } from './formats/fasttext-bin.ts';

// Subword (fastText) models
export { FastTextSubwords, fastTextHash, fastTextHashString, charNgrams, ngramBuckets, type SubwordScheme } from './vectors/subwords.ts';
export {
  assembleFastTextModel,
  fastTextModelOf,
  fastTextModelFromEmbeddings,
  type FastTextModel,
  type FastTextModelData,
  type FastTextArgs,
  type FastTextLoss,
  type FastTextModelKind,
} from './vectors/fasttext-model.ts';
export { DenseMatrix, QuantizedMatrix, ProductQuantizer, type FastTextMatrix } from './vectors/fasttext-matrix.ts';

// Evaluation
export {
  evaluateAnalogies,
  evaluateWordPairs,
  pearson,
  spearman,
  rankData,
  type AnalogyResult,
  type AnalogyOptions,
  type AnalogySection,
  type AnalogyMethod,
  type WordPairsResult,
  type WordPairsOptions,
  type PearsonResult,
  type SpearmanResult,
} from './eval/index.ts';

// Text and corpora
export { getTokenizer, whitespaceTokenizer, unicodeTokenizer, jiebaTokenizer, TOKENIZER_NAMES, type Tokenizer, type TokenizerName } from './text/tokenize.ts';
export { openCorpus, corpusFromLines, corpusBatches, type Corpus } from './text/corpus.ts';
export { encodeCorpus, type IdChunk, type EncodeOptions } from './text/id-stream.ts';

// Vocabulary building and sampling
export { buildVocabulary, filterVocabulary, type VocabOptions, type VocabularyResult } from './vocab/build.ts';
export { saveVocab, readVocab } from './vocab/vocab-file.ts';
export { keepProbabilities, buildNegativeTable, negativeTableSize } from './vocab/sampling.ts';
export { buildHuffmanTree, type HuffmanTree } from './vocab/huffman.ts';

// Training
export { trainWord2Vec, resolveWord2VecOptions, type Word2VecOptions, type ResolvedWord2VecOptions } from './train/word2vec.ts';
export { loadCheckpoint, saveCheckpoint, type Word2VecCheckpoint } from './train/checkpoint.ts';
export { linearDecay } from './train/schedule.ts';
export { ProgressMeter, stderrProgress, formatProgress, type ProgressEvent, type ProgressListener, type ProgressMeterOptions, type ProgressUpdate } from './train/progress.ts';
export { trainFastText, trainFastTextEmbeddings, resolveFastTextOptions, outputTargets, type FastTextTrainOptions, type ResolvedFastTextOptions, type OutputTarget } from './train/fasttext.ts';
export type { FastTextKernelKind } from './kernels/fasttext-fast.ts';
export { trainGlove, trainGloveDetailed, resolveGloveOptions, type GloveOptions, type ResolvedGloveOptions, type GloveTrainingResult, type GloveOutputFormat } from './train/glove.ts';
export { estimateMemory, type EstimateOptions, type MemoryEstimate } from './train/estimate-memory.ts';
export type { TrainingResult, TrainingStats } from './train/result.ts';
export type { GloveStats } from './train/glove.ts';
export type { EpochReport as GloveEpochReport } from './glove/train.ts';
export type { GloveKernelKind } from './glove/wasm-kernel.ts';
export { RecordReader as CooccurrenceReader, RecordWriter as CooccurrenceWriter } from './glove/cooccur-file.ts';

// Encoders: one interface for every consumer (the server, retrieval); the server itself is `embedkit/serve`
export { normalizeInPlace, type Encoder, type EncodeResult } from './encoders/encoder.ts';
export { StaticEncoder, estimateCommonComponent, guessTokenizer, wordProbabilities, type StaticEncoderOptions, type Pooling } from './encoders/static.ts';
export { TransformerEncoder, type TransformerEncoderOptions, type TokenVectors } from './encoders/transformer.ts';
export { readModelDirectory, isModelDirectory, REQUIRED_MODEL_FILES, TRANSFORMER_POOLINGS, type ModelDirectory, type TransformerPooling } from './encoders/transformer-model-dir.ts';
export { wordOccurrences, contextualWordVectors, cosineMatrix, type WordOccurrence } from './encoders/transformer-tokens.ts';
export { windowSpans, planBatches, combineWindows, type WindowSpan } from './encoders/transformer-windows.ts';
export { RemoteEncoder, embeddingsUrl, shareTokens, type RemoteEncoderOptions } from './encoders/remote.ts';
export { RemoteError, retryAfter, type RetryPolicy } from './encoders/remote-http.ts';
export { VectorCache, type CachedVector } from './encoders/remote-cache.ts';
