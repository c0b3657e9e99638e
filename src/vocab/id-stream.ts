import { InvalidArgumentError } from '../errors.ts';
import type { Vocabulary } from './vocabulary.ts';
import { WordIndex } from './word-table.ts';
import { WhitespaceScan } from './whitespace-scan.ts';
import { corpusBatches, type Corpus } from '../text/corpus.ts';
import { whitespaceTokenizer, type Tokenizer } from '../text/tokenize.ts';

const indexes = new WeakMap<Vocabulary, WordIndex>();

/** The WordIndex of `vocab`, built once per Vocabulary (its words never change). */
function wordIndexOf(vocab: Vocabulary): WordIndex {
  let index = indexes.get(vocab);
  if (!index) {
    index = new WordIndex(vocab.words);
    indexes.set(vocab, index);
  }
  return index;
}

/** A run of whole sentences as vocabulary rows. */
export interface IdChunk {
  /** Rows of the in-vocabulary tokens, sentence after sentence. */
  ids: Int32Array;
  /** sentenceEnds[k] is the index in `ids` one past the end of sentence k; sentences are never empty. */
  sentenceEnds: Int32Array;
  /** Tokens read to make this chunk, out-of-vocabulary ones included (progress and learning rate, as gensim counts). */
  words: number;
}

export interface EncodeOptions {
  /** Longer lines are cut into sentences of this many tokens (counted before dropping unknown words, as gensim). Default 10000. */
  maxSentenceLength?: number;
  /** A chunk is yielded once it holds at least this many ids (it always ends at a sentence end). Default 65536. */
  chunkWords?: number;
  /**
   * The caller is done with each chunk when it asks for the next one, so its id buffer may be refilled
   * (default false). Trainers copy each chunk into shared memory at once; reusing the few buffers in flight
   * spares the garbage collector a 100 KB array per chunk, which otherwise piles up as memory between
   * collections.
   */
  reuseBuffers?: boolean;
}

/**
 * Streams the corpus as vocabulary rows, one line per sentence, unknown tokens dropped. Run once per epoch,
 * so it is written for speed: with the whitespace tokenizer tokens are looked up straight from the line
 * (no substring per token), and each chunk's arrays are allocated once.
 */
export async function* encodeCorpus(corpus: Corpus, vocab: Vocabulary, tokenizer: Tokenizer, options: EncodeOptions = {}): AsyncGenerator<IdChunk> {
  const maxSentenceLength = options.maxSentenceLength ?? 10000;
  const chunkWords = options.chunkWords ?? 65536;
  for (const [name, v] of [['maxSentenceLength', maxSentenceLength], ['chunkWords', chunkWords]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${v}`);
  }
  const index = wordIndexOf(vocab);
  const builder = new ChunkBuilder(chunkWords, maxSentenceLength);
  const fast = tokenizer === whitespaceTokenizer;
  const reuse = options.reuseBuffers ?? false;

  for await (const batch of corpusBatches(corpus)) {
    for (const line of batch) {
      if (fast) encodeWhitespaceLine(line, index, builder);
      else encodeTokens(tokenizer(line), index, builder);
      for (let k = 0; k < builder.ready.length; k++) {
        yield builder.ready[k];
        if (reuse) builder.recycle(builder.ready[k].ids);
      }
      builder.ready.length = 0;
    }
  }
  if (builder.words > 0) yield builder.take();
}

/**
 * Accumulates ids and sentence ends. A chunk is complete at the first sentence end that reaches chunkWords, so
 * its capacity is chunkWords plus one longest sentence; complete chunks wait in `ready` until the line is done.
 */
class ChunkBuilder {
  readonly ready: IdChunk[] = [];
  ids!: Int32Array;
  ends!: Int32Array;
  length = 0;
  sentences = 0;
  /** Start of the sentence being filled. */
  sentenceStart = 0;
  words = 0;

  constructor(
    private readonly chunkWords: number,
    readonly maxSentenceLength: number,
  ) {
    this.reset();
  }

  /** Id buffers the caller has finished with. */
  private readonly free: Int32Array[] = [];

  private reset(): void {
    this.ids = this.free.pop() ?? new Int32Array(this.chunkWords + this.maxSentenceLength);
    this.ends = new Int32Array(Math.min(this.ids.length, 1024));
    this.length = 0;
    this.sentences = 0;
    this.sentenceStart = 0;
    this.words = 0;
  }

  /** Closes the sentence being filled (if it has any id); may complete the chunk, replacing `ids`. */
  endSentence(): void {
    if (this.length === this.sentenceStart) return;
    if (this.sentences === this.ends.length) {
      const ends = new Int32Array(this.ends.length * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.ends[this.sentences++] = this.length;
    this.sentenceStart = this.length;
    if (this.length >= this.chunkWords) this.ready.push(this.take());
  }

  /** Takes back the buffer behind a chunk's ids for a later chunk. */
  recycle(ids: Int32Array): void {
    this.free.push(new Int32Array(ids.buffer, ids.byteOffset, this.chunkWords + this.maxSentenceLength));
  }

  take(): IdChunk {
    const chunk = { ids: this.ids.subarray(0, this.length), sentenceEnds: this.ends.slice(0, this.sentences), words: this.words };
    this.reset();
    return chunk;
  }
}

/** Scans one line for whitespace tokens, hashing as it goes, and appends the known ones. */
function encodeWhitespaceLine(line: string, index: WordIndex, b: ChunkBuilder): void {
  let ids = b.ids;
  const limit = b.maxSentenceLength;
  let length = b.length;
  let inPiece = 0;
  scan.reset(line);
  while (scan.next()) {
    if (inPiece === limit) {
      b.length = length;
      b.endSentence();
      ids = b.ids;
      length = b.length;
      inPiece = 0;
    }
    const id = index.find(line, scan.start, scan.end, scan.hash);
    if (id >= 0) ids[length++] = id;
    inPiece++;
    b.words++;
  }
  b.length = length;
  b.endSentence();
}

const scan = new WhitespaceScan();

function encodeTokens(tokens: string[], index: WordIndex, b: ChunkBuilder): void {
  const limit = b.maxSentenceLength;
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && i % limit === 0) b.endSentence();
    const id = index.indexOf(tokens[i]);
    if (id >= 0) b.ids[b.length++] = id;
    b.words++;
  }
  b.endSentence();
}
