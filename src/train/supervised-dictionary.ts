import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { corpusBatches, fractionRead, type Corpus } from '../text/corpus.ts';
import { throwIfAborted } from '../util/abort.ts';
import { fastTextTokens } from '../vectors/fasttext-supervised-input.ts';
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
 * fastText's Dictionary::readFromFile for supervised training: counts words and labels (tokens starting with the
 * label prefix) over fastText's tokens, one `</s>` per line; keeps words seen minCount times and labels seen
 * minCountLabel times, each sorted by descending count (ties in order of first appearance). Refuses a file
 * without any label.
 */
export async function countSupervisedDictionary(corpus: Corpus, o: SupervisedDictionaryOptions): Promise<SupervisedDictionary> {
  // Words and labels share one table of the distinct tokens in first-seen order (a token is a label by its prefix).
  const idOf = new Map<string, number>();
  const tokens: string[] = [];
  let counts = new Float64Array(1 << 12);
  const see = (token: string): number => {
    let id = idOf.get(token);
    if (id === undefined) {
      id = tokens.length;
      idOf.set(token, id);
      tokens.push(token);
      if (id === counts.length) {
        const grown = new Float64Array(counts.length * 2);
        grown.set(counts);
        counts = grown;
      }
    }
    counts[id]++;
    return id;
  };
  const limit = o.recordTokens ?? 0;
  let ids: IntList | undefined = limit > 0 ? new IntList() : undefined;
  let lineEnds: IntList | undefined = limit > 0 ? new IntList() : undefined;
  let ntokens = 0;
  let lines = 0;
  let unlabelled = 0;
  let labelCount = 0;
  let longestExample = 0;
  const ngramsPerChar = o.maxn > 0 ? o.maxn - o.minn + 1 : 0;
  const started = performance.now();
  for await (const batch of corpusBatches(corpus)) {
    throwIfAborted(o.signal);
    if (ids && ntokens > limit) ids = lineEnds = undefined;
    for (const line of batch) {
      const lineTokens = fastTextTokens(line);
      lines++;
      let labelled = false;
      let bound = 1 + ngramsPerChar * 5 + o.wordNgrams; // </s> and its share of word n-grams
      for (const token of lineTokens) {
        const id = see(token);
        ids?.push(id);
        if (token !== EOS && token.startsWith(o.labelPrefix)) {
          labelled = true;
          bound++;
        } else bound += o.wordNgrams + ngramsPerChar * (token.length + 2);
      }
      const eos = see(EOS);
      ids?.push(eos);
      lineEnds?.push(ids?.length ?? 0);
      ntokens += lineTokens.length + 1;
      if (labelled) labelCount++;
      else if (lineTokens.length > 0) unlabelled++;
      if (bound > longestExample) longestExample = bound;
    }
    o.onProgress?.({ phase: 'vocab', epoch: 1, epochs: 1, progress: fractionRead(corpus), wordsPerSecond: ntokens / Math.max(1e-3, (performance.now() - started) / 1000), etaSeconds: Infinity, wordsDone: ntokens });
  }
  if (labelCount === 0) {
    throw new EmbedkitError('no_labels', `none of the ${lines} lines has a label (a token starting with "${o.labelPrefix}", the labelPrefix option)`, { file: corpus.path });
  }
  const words = new Map<string, number>();
  const labels = new Map<string, number>();
  for (let id = 0; id < tokens.length; id++) (tokens[id] !== EOS && tokens[id].startsWith(o.labelPrefix) ? labels : words).set(tokens[id], counts[id]);
  const kept = keep(words, o.minCount);
  for (const w of o.extraWords ?? []) if (!w.startsWith(o.labelPrefix)) kept.set(w, (kept.get(w) ?? 0) + 1);
  const vocab = sorted(kept, 1);
  const labelVocab = sorted(labels, o.minCountLabel);
  if (labelVocab.size === 0) throw new InvalidArgumentError(`no label is seen minCountLabel (${o.minCountLabel}) times in ${corpus.path}`);
  const recorded = ids && lineEnds && ntokens <= limit ? { tokens, ids: ids.done(), lineEnds: lineEnds.done() } : undefined;
  // fastText adds each pretrained word to its dictionary as a token read.
  return { vocab, labels: labelVocab, ntokens: ntokens + (o.extraWords?.length ?? 0), tokensRead: ntokens, lines, unlabelled, longestExample, recorded };
}

function keep(counts: Map<string, number>, min: number): Map<string, number> {
  return new Map([...counts].filter(([, c]) => c >= min));
}

/** Entries with count ≥ min by descending count, ties in first-seen order (Array.prototype.sort is stable). */
function sorted(counts: Map<string, number>, min: number): Vocabulary {
  const entries = [...counts].filter(([, c]) => c >= min).sort((a, b) => b[1] - a[1]);
  return new Vocabulary(entries.map(([w]) => w), entries.map(([, c]) => c));
}
