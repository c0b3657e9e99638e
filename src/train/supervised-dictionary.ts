import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { corpusBatches, fractionRead, type Corpus } from '../text/corpus.ts';
import { throwIfAborted } from '../util/abort.ts';
import { fastTextTokens } from '../vectors/fasttext-supervised-input.ts';
import { ByteTokenTable, byteTokenLines, NotUtf8Error, type TokenIdLines } from '../vocab/byte-tokens.ts';
import { EOS } from '../vectors/subwords.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';
import type { ProgressListener } from './progress.ts';

/** What the dictionary pass of supervised training found. */
export interface SupervisedDictionary {
  /** Words kept (count ≥ minCount), most frequent first; `</s>` is a word. */
  vocab: Vocabulary;
  /** Labels kept (count ≥ minCountLabel), most frequent first. */
  labels: Vocabulary;
  /** Every token read, labels and `</s>` included, plus one per pretrained word (fastText's ntokens, as its .bin records it). */
  ntokens: number;
  /** Tokens of one pass over the file (the schedule's unit). */
  tokensRead: number;
  /** Lines read. */
  lines: number;
  /** Lines with words but no label (fastText trains nothing on them). */
  unlabelled: number;
  /** An upper bound on the input rows plus labels of any one line (sizes the kernels' buffers). */
  longestExample: number;
  /** The file's tokens as the pass read them, when asked for and no more than the limit (see RecordedTokens). */
  recorded?: RecordedTokens;
}

/**
 * Every token of the file, `</s>` ending each line, as indices into `tokens` (the distinct tokens in the order first
 * seen): training's first pass encodes these instead of reading and splitting the file a second time.
 */
export interface RecordedTokens {
  tokens: string[];
  ids: Int32Array;
  /** Exclusive end of each line in `ids`. */
  lineEnds: Int32Array;
}

export interface SupervisedDictionaryOptions {
  minCount: number;
  minCountLabel: number;
  labelPrefix: string;
  wordNgrams: number;
  minn: number;
  maxn: number;
  /** Words to add once each (pretrained vectors' words, as fastText adds them), after minCount is applied. */
  extraWords?: readonly string[];
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Keep the tokens read (`recorded`) unless the file has more than this many; 0 or absent: keep none. */
  recordTokens?: number;
}

/** A growable Int32Array. */
class IntList {
  data = new Int32Array(1 << 16);
  length = 0;
  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * The corpus's lines as token ids (each line ending with `</s>`'s id) and the distinct tokens in first-seen order:
 * from the file's bytes where it offers them and they are UTF-8 throughout, else from its decoded lines.
 */
async function tokenLines(corpus: Corpus, read: (batches: AsyncIterable<TokenIdLines>, tokens: string[]) => Promise<void>): Promise<void> {
  if (corpus.byteChunks) {
    const table = new ByteTokenTable();
    try {
      return await read(byteTokenLines(corpus.byteChunks(), table, EOS), table.tokens);
    } catch (err) {
      if (!(err instanceof NotUtf8Error)) throw err;
      // Invalid UTF-8 somewhere: the text reader turns those bytes into U+FFFD, which the bytes cannot reproduce.
    }
  }
  const tokens: string[] = [];
  return read(stringTokenLines(corpus, tokens), tokens);
}

/** tokenLines from decoded lines, split by fastTextTokens. */
async function* stringTokenLines(corpus: Corpus, tokens: string[]): AsyncGenerator<TokenIdLines> {
  const idOf = new Map<string, number>();
  const see = (token: string): number => {
    let id = idOf.get(token);
    if (id === undefined) {
      id = tokens.length;
      idOf.set(token, id);
      tokens.push(token);
    }
    return id;
  };
  let ids = new Int32Array(1 << 14);
  for await (const batch of corpusBatches(corpus)) {
    const lineEnds = new Int32Array(batch.length);
    let count = 0;
    for (let l = 0; l < batch.length; l++) {
      const lineTokens = fastTextTokens(batch[l]);
      if (ids.length < count + lineTokens.length + 1) {
        const grown = new Int32Array(2 * (count + lineTokens.length + 1));
        grown.set(ids.subarray(0, count));
        ids = grown;
      }
      for (const token of lineTokens) ids[count++] = see(token);
      ids[count++] = see(EOS);
      lineEnds[l] = count;
    }
    yield { ids: ids.subarray(0, count), lineEnds };
  }
}

/**
 * fastText's Dictionary::readFromFile for supervised training: counts words and labels (tokens starting with the
 * label prefix) over fastText's tokens, one `</s>` per line; keeps words seen minCount times and labels seen
 * minCountLabel times, each sorted by descending count (ties in order of first appearance). Refuses a file
 * without any label.
 */
export async function countSupervisedDictionary(corpus: Corpus, o: SupervisedDictionaryOptions): Promise<SupervisedDictionary> {
  let counts = new Float64Array(1 << 12);
  // Per token id: 1 for a label, and the token's length in UTF-16 units (the bound on its character n-grams).
  let isLabel = new Uint8Array(1 << 12);
  let lengths = new Int32Array(1 << 12);
  let known = 0;
  const limit = o.recordTokens ?? 0;
  let ids: IntList | undefined;
  let lineEnds: IntList | undefined;
  let ntokens = 0;
  let lines = 0;
  let unlabelled = 0;
  let labelled = 0;
  let longestExample = 0;
  let tokens: string[] = [];
  const ngramsPerChar = o.maxn > 0 ? o.maxn - o.minn + 1 : 0;
  const started = performance.now();
  await tokenLines(corpus, async (batches, seen) => {
    // A second reading (the bytes were not UTF-8) starts over.
    tokens = seen;
    counts.fill(0);
    known = ntokens = lines = unlabelled = labelled = longestExample = 0;
    ids = limit > 0 ? new IntList() : undefined;
    lineEnds = limit > 0 ? new IntList() : undefined;
    for await (const batch of batches) {
      throwIfAborted(o.signal);
      if (tokens.length > known) {
        if (tokens.length > counts.length) {
          const size = 2 ** Math.ceil(Math.log2(tokens.length));
          counts = grow(counts, new Float64Array(size));
          isLabel = grow(isLabel, new Uint8Array(size));
          lengths = grow(lengths, new Int32Array(size));
        }
        for (; known < tokens.length; known++) {
          isLabel[known] = tokens[known] !== EOS && tokens[known].startsWith(o.labelPrefix) ? 1 : 0;
          lengths[known] = tokens[known].length;
        }
      }
      if (ids && ntokens > limit) ids = lineEnds = undefined;
      const batchIds = batch.ids;
      let start = 0;
      for (const end of batch.lineEnds) {
        lines++;
        let hasLabel = false;
        let bound = 1 + ngramsPerChar * 5 + o.wordNgrams; // </s> and its share of word n-grams
        // The line's tokens, then its </s> (counted, not bounded again).
        for (let t = start; t < end - 1; t++) {
          const id = batchIds[t];
          counts[id]++;
          if (isLabel[id]) {
            hasLabel = true;
            bound++;
          } else bound += o.wordNgrams + ngramsPerChar * (lengths[id] + 2);
        }
        counts[batchIds[end - 1]]++;
        if (ids && lineEnds) {
          for (let t = start; t < end; t++) ids.push(batchIds[t]);
          lineEnds.push(ids.length);
        }
        ntokens += end - start;
        if (hasLabel) labelled++;
        else if (end - start > 1) unlabelled++;
        if (bound > longestExample) longestExample = bound;
        start = end;
      }
      o.onProgress?.({ phase: 'vocab', epoch: 1, epochs: 1, progress: fractionRead(corpus), wordsPerSecond: ntokens / Math.max(1e-3, (performance.now() - started) / 1000), etaSeconds: Infinity, wordsDone: ntokens });
    }
  });
  if (labelled === 0) {
    throw new EmbedkitError('no_labels', `none of the ${lines} lines has a label (a token starting with "${o.labelPrefix}", the labelPrefix option)`, { file: corpus.path });
  }
  const words = new Map<string, number>();
  const labels = new Map<string, number>();
  for (let id = 0; id < tokens.length; id++) (isLabel[id] ? labels : words).set(tokens[id], counts[id]);
  const kept = keep(words, o.minCount);
  for (const w of o.extraWords ?? []) if (!w.startsWith(o.labelPrefix)) kept.set(w, (kept.get(w) ?? 0) + 1);
  const vocab = sorted(kept, 1);
  const labelVocab = sorted(labels, o.minCountLabel);
  if (labelVocab.size === 0) throw new InvalidArgumentError(`no label is seen minCountLabel (${o.minCountLabel}) times in ${corpus.path}`);
  const recorded = ids && lineEnds && ntokens <= limit ? { tokens, ids: ids.done(), lineEnds: lineEnds.done() } : undefined;
  // fastText adds each pretrained word to its dictionary as a token read.
  return { vocab, labels: labelVocab, ntokens: ntokens + (o.extraWords?.length ?? 0), tokensRead: ntokens, lines, unlabelled, longestExample, recorded };
}

function grow<T extends Float64Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function keep(counts: Map<string, number>, min: number): Map<string, number> {
  return new Map([...counts].filter(([, c]) => c >= min));
}

/** Entries with count ≥ min by descending count, ties in first-seen order (Array.prototype.sort is stable). */
function sorted(counts: Map<string, number>, min: number): Vocabulary {
  const entries = [...counts].filter(([, c]) => c >= min).sort((a, b) => b[1] - a[1]);
  return new Vocabulary(entries.map(([w]) => w), entries.map(([, c]) => c));
}
