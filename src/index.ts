/**
 * embedkit's core: word vectors (`Embeddings` and their queries), the files they are read from and written to,
 * and their evaluation. Training, encoders, the HTTP server and plots are subpaths of their own
 * (`embedkit/train`, `embedkit/encoders`, `embedkit/serve`, `embedkit/viz`), so importing the core loads none of them.
 * @packageDocumentation
 */

// Errors
export { EmbedkitError, FormatError, UnknownWordError, InvalidArgumentError, MissingDependencyError, type ErrorLocation } from './errors.ts';

// The one vector type, its vocabulary and its queries
export { Vocabulary } from './vocab/vocabulary.ts';
export { Embeddings, type OovLookup, type Key, type Term, type Neighbour, type MostSimilarOptions, type MeanVectorOptions } from './vectors/embeddings.ts';
export { wordClasses, formatWordClasses, WORD_CLASS_ITERATIONS, type WordClassesOptions } from './vectors/word-classes.ts';
export { parseExpression, type ParsedExpression } from './vectors/expression.ts';

// File formats
export { loadEmbeddings, loadFastTextModel, saveEmbeddings, detectFormat, type VectorFormat, type LoadOptions, type SaveOptions, type UnicodeErrors } from './formats/index.ts';
export { readFastTextBin, type ReadFastTextOptions } from './formats/fasttext-bin-read.ts';
export { writeFastTextBin } from './formats/fasttext-bin-write.ts';
export type { FastTextModel, FastTextModelData, FastTextArgs, FastTextLoss, FastTextModelKind } from './vectors/fasttext-model.ts';
export type { FastTextSubwords, SubwordScheme } from './vectors/subwords.ts';
export type { FastTextMatrix } from './vectors/fasttext-matrix.ts';
export { readVocab, saveVocab } from './vocab/vocab-file.ts';

// Evaluation
export {
  evaluateAnalogies,
  evaluateWordPairs,
  pearson,
  spearman,
  type AnalogyResult,
  type AnalogyAnswer,
  type AnalogyOptions,
  type AnalogySection,
  type AnalogyMethod,
  type WordPairsResult,
  type WordPairsOptions,
  type PearsonResult,
  type SpearmanResult,
} from './eval/index.ts';

// Tokenizers (how texts split into words, for training and for encoders)
export { getTokenizer, TOKENIZER_NAMES, type Tokenizer, type TokenizerName } from './text/tokenize.ts';
