import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { corpusBatches, type Corpus } from '../text/corpus.ts';
import { whitespaceTokenizer, type Tokenizer } from '../text/tokenize.ts';
import { WordCounter } from './word-table.ts';
import { WhitespaceScan } from './whitespace-scan.ts';
import { Vocabulary } from './vocabulary.ts';
import { throwIfAborted } from '../util/abort.ts';

export interface VocabOptions {
  /** Words seen fewer times are dropped (gensim min_count; 0 keeps everything). */
  minCount: number;
  /**
   * Cap on distinct words held while counting (gensim max_vocab_size): whenever a sentence leaves more than
   * this many, words seen fewer than `minReduce` times are dropped and minReduce grows by one (it starts at 1).
   * Bounds memory on huge corpora at the price of approximate counts for rare words.
   */
  maxVocabSize?: number;
  tokenizer: Tokenizer;
  /** Called after each read batch (a few thousand lines) with the tokens counted so far. */
  onProgress?: (wordsSoFar: number) => void;
  /** Sentences longer than this many tokens count as several (gensim's LineSentence); only affects when pruning runs. Default 10000. */
  maxSentenceLength?: number;
  /** Checked after each read batch: once aborted, counting stops with an 'aborted' error. */
  signal?: AbortSignal;
}

export interface VocabularyResult {
  /** Retained words, most frequent first; ties in first-seen order. */
  vocab: Vocabulary;
  /** Sum of the retained words' counts: the in-vocabulary tokens of one epoch (word2vec C's train_words). */
  totalWords: number;
  /** Every token of the corpus, out-of-vocabulary ones included (gensim's corpus_total_words). */
  corpusWords: number;
}

/**
 * One streaming pass over the corpus: counts tokens, then keeps words seen at least minCount times, most
 * frequent first (ties in the order words were first seen: deterministic, where gensim and the C tool
 * leave ties to an unstable sort). With the whitespace tokenizer the tokens are counted straight from the
 * line without allocating a string per occurrence.
 */
export async function buildVocabulary(corpus: Corpus, options: VocabOptions): Promise<VocabularyResult> {
  const { minCount, maxVocabSize, tokenizer, onProgress } = options;
  const maxSentenceLength = options.maxSentenceLength ?? 10000;
  checkCount('minCount', minCount, 0);
  if (maxVocabSize !== undefined) checkCount('maxVocabSize', maxVocabSize, 1);
  checkCount('maxSentenceLength', maxSentenceLength, 1);

  const counter = new WordCounter();
  let corpusWords = 0;
  let minReduce = 1;
  const pruneIfFull = () => {
    if (maxVocabSize !== undefined && counter.size > maxVocabSize) counter.prune(minReduce++);
  };
  const fast = tokenizer === whitespaceTokenizer;

  for await (const batch of corpusBatches(corpus)) {
    for (const line of batch) {
      if (fast) {
        corpusWords += countWhitespaceTokens(line, counter, maxVocabSize === undefined ? Infinity : maxSentenceLength, pruneIfFull);
      } else {
        const tokens = tokenizer(line);
        for (let i = 0; i < tokens.length; i++) {
          counter.add(tokens[i]);
          if ((i + 1) % maxSentenceLength === 0 && i + 1 < tokens.length) pruneIfFull();
        }
        corpusWords += tokens.length;
      }
      pruneIfFull();
    }
    onProgress?.(corpusWords);
    throwIfAborted(options.signal);
  }

  if (corpusWords === 0) {
    throw new EmbedkitError('empty_corpus', 'the corpus has no words', { file: corpus.path });
  }
  const vocab = filterVocabulary(counter.words, countsOf(counter), minCount);
  if (vocab.size === 0) {
    let top = 0;
    for (let i = 1; i < counter.size; i++) if (counter.countAt(i) > counter.countAt(top)) top = i;
    throw new EmbedkitError(
      'empty_vocabulary',
      `minCount ${minCount} removes every word: the corpus has ${corpusWords} tokens of ${counter.size} distinct words` +
        ` and the most frequent, ${JSON.stringify(counter.words[top])}, occurs ${counter.countAt(top)} times` +
        (maxVocabSize !== undefined ? ` (counts after maxVocabSize ${maxVocabSize} pruning)` : ''),
      { file: corpus.path },
    );
  }
  return { vocab, totalWords: vocab.totalCount(), corpusWords };
}

/**
 * Keeps the words counted at least `minCount` times and orders them by count, descending, with ties in their
 * given order (a stable sort). Also used on a vocabulary read from a file.
 */
export function filterVocabulary(words: readonly string[], counts: ArrayLike<number>, minCount: number): Vocabulary {
  const kept: number[] = [];
  for (let i = 0; i < words.length; i++) if (counts[i] >= minCount) kept.push(i);
  kept.sort((a, b) => counts[b] - counts[a] || a - b);
  return new Vocabulary(
    kept.map((i) => words[i]),
    kept.map((i) => counts[i]),
  );
}

/**
 * Counts the whitespace tokens of one line into `counter`, hashing while scanning; returns how many there were.
 * `onPiece` runs after every `pieceLength` tokens that are not the line's last (pruning checkpoints).
 */
function countWhitespaceTokens(line: string, counter: WordCounter, pieceLength: number, onPiece: () => void): number {
  scan.reset(line);
  let tokens = 0;
  while (scan.next()) {
    if (tokens > 0 && tokens % pieceLength === 0) onPiece();
    counter.addSlice(line, scan.start, scan.end, scan.hash);
    tokens++;
  }
  return tokens;
}

const scan = new WhitespaceScan();

function countsOf(counter: WordCounter): Float64Array {
  const out = new Float64Array(counter.size);
  for (let i = 0; i < out.length; i++) out[i] = counter.countAt(i);
  return out;
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
}
