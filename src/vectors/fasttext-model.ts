import { Embeddings } from './embeddings.ts';
import { DenseMatrix, type FastTextMatrix } from './fasttext-matrix.ts';
import { FastTextSubwords } from './subwords.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import { InvalidArgumentError } from '../errors.ts';

/** fastText's `-loss`: hierarchical softmax, negative sampling, full softmax, one-vs-all. */
export type FastTextLoss = 'hs' | 'ns' | 'softmax' | 'ova';
/** The fastText command that trained the model. */
export type FastTextModelKind = 'cbow' | 'skipgram' | 'supervised';

/** The training arguments a fastText `.bin` records (the fields fastText saves, in its names). */
export interface FastTextArgs {
  /** Vector length (`-dim`). */
  dim: number;
  /** Context window size (`-ws`). */
  ws: number;
  /** Passes over the corpus (`-epoch`). */
  epoch: number;
  /** Fewest occurrences for a word to enter the vocabulary (`-minCount`). */
  minCount: number;
  /** Negatives sampled per target (`-neg`). */
  neg: number;
  /** Longest word n-gram (`-wordNgrams`, supervised models). */
  wordNgrams: number;
  /** Loss function (`-loss`). */
  loss: FastTextLoss;
  /** The command that trained it. */
  model: FastTextModelKind;
  /** Number of hashed n-gram rows (`-bucket`; 0: no subwords). */
  bucket: number;
  /** Shortest character n-gram (`-minn`). */
  minn: number;
  /** Longest character n-gram (`-maxn`; 0: no subwords). */
  maxn: number;
  /** Tokens between learning-rate updates (`-lrUpdateRate`). */
  lrUpdateRate: number;
  /** Subsampling threshold (`-t`). */
  t: number;
}

/** Everything a fastText model file holds. */
export interface FastTextModelData {
  /** The training arguments the file records. */
  args: FastTextArgs;
  /** Words (row i of the input matrix is word i), with their corpus counts. */
  vocab: Vocabulary;
  /** Labels of supervised models (empty otherwise), with counts. */
  labels: Vocabulary;
  /** Tokens in the training corpus. */
  ntokens: number;
  /** Pruned (quantized) models only: n-gram bucket → row offset after the words. null: not pruned. */
  pruneIndex: Map<number, number> | null;
  /** nwords + bucket rows: word rows, then n-gram bucket rows. */
  input: FastTextMatrix;
  /** Output (context / label) rows; null when the reader was asked to skip them. */
  output: FastTextMatrix | null;
  /**
   * The file layout the model came from: 12 or 11 (magic + version header), or 0 for the header-less
   * format of the first fastText releases, whose n-gram rules differ slightly (SubwordScheme.legacy).
   */
  version: number;
  /** Words whose bytes in the file were not valid UTF-8: index → original bytes (used for hashing and saving). */
  rawWords?: Map<number, Uint8Array>;
}

/** A fastText model with its subword lookup and composed vocabulary vectors. */
export interface FastTextModel extends FastTextModelData {
  /** Vectors for any word from its character n-grams. */
  subwords: FastTextSubwords;
  /** Vocabulary words with their fastText vectors; `oov` builds vectors for any other word. */
  embeddings: Embeddings;
}

/** The first releases used no magic number; 0 stands for that layout. */
export const LEGACY_FASTTEXT_VERSION = 0;

/** Builds the subword lookup and the vocabulary's vectors (mean of own row and n-gram rows). */
export function assembleFastTextModel(data: FastTextModelData): FastTextModel {
  const { args } = data;
  const legacy = data.version === LEGACY_FASTTEXT_VERSION;
  // Version 11 and older supervised models were trained without character n-grams (fastText drops them on load).
  const maxn = data.version <= 11 && args.model === 'supervised' ? 0 : args.maxn;
  const subwords = new FastTextSubwords({
    vocab: data.vocab,
    scheme: { minn: args.minn, maxn, bucket: args.bucket, legacy },
    pruneIndex: data.pruneIndex,
    input: data.input,
  });
  const raw = data.rawWords;
  const vectors = subwords.composeVocabulary(raw && raw.size > 0 ? (i) => raw.get(i) : undefined);
  const embeddings = new Embeddings(data.vocab, vectors, args.dim, subwords);
  return { ...data, subwords, embeddings };
}

/**
 * A fastText model for vectors that have no subword information (e.g. read from a `.vec` or word2vec
 * file): no n-grams (maxn 0, bucket 0), so each word's row is its vector and unknown words have none.
 * The output matrix is zero: enough for fastText to load and print vectors, not to resume training.
 * Vectors whose unknown words come from character n-grams are refused: the n-grams would be lost without a word;
 * a full model is written from the model itself (readFastTextBin or trainFastText returns it).
 */
export function fastTextModelFromEmbeddings(embeddings: Embeddings, args: Partial<FastTextArgs> = {}): FastTextModelData {
  const oov = embeddings.oov;
  if (oov instanceof FastTextSubwords && oov.scheme.maxn > 0 && oov.scheme.bucket > 0) {
    throw new InvalidArgumentError(
      'these vectors build unknown words from fastText n-grams, which a model of their rows alone would lose; write the fastText model itself (the fastTextModel save option, or writeFastTextBin(model))',
    );
  }
  const { vocab, dim } = embeddings;
  // fastText samples negatives by count; files without counts get 1 per word so its loader has a valid table.
  const counts = Array.from(vocab.counts, (c) => (c > 0 ? c : 1));
  const words = new Vocabulary(vocab.words, counts);
  return {
    args: {
      ws: 5, epoch: 5, minCount: 1, neg: 5, wordNgrams: 1, loss: 'ns', model: 'skipgram', lrUpdateRate: 100, t: 1e-4,
      ...args, dim, bucket: 0, minn: 0, maxn: 0,
    },
    vocab: words,
    labels: new Vocabulary([]),
    ntokens: counts.reduce((s, c) => s + c, 0),
    pruneIndex: null,
    input: new DenseMatrix(vocab.size, dim, embeddings.vectors),
    output: new DenseMatrix(vocab.size, dim),
    version: 12,
  };
}
