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
}

/**
 * fastText's Dictionary::readFromFile for supervised training: counts words and labels (tokens starting with the
 * label prefix) over fastText's tokens, one `</s>` per line; keeps words seen minCount times and labels seen
 * minCountLabel times, each sorted by descending count (ties in order of first appearance). Refuses a file
 * without any label.
 */
export async function countSupervisedDictionary(corpus: Corpus, o: SupervisedDictionaryOptions): Promise<SupervisedDictionary> {
  const words = new Map<string, number>();
  const labels = new Map<string, number>();
  let ntokens = 0;
  let lines = 0;
  let unlabelled = 0;
  let longestExample = 0;
  const ngramsPerChar = o.maxn > 0 ? o.maxn - o.minn + 1 : 0;
  const started = performance.now();
  for await (const batch of corpusBatches(corpus)) {
    throwIfAborted(o.signal);
    for (const line of batch) {
      const tokens = fastTextTokens(line);
      lines++;
      let labelled = false;
      let bound = 1 + ngramsPerChar * 5 + o.wordNgrams; // </s> and its share of word n-grams
      for (const token of tokens) {
        if (token.startsWith(o.labelPrefix)) {
          labels.set(token, (labels.get(token) ?? 0) + 1);
          labelled = true;
          bound++;
        } else {
          words.set(token, (words.get(token) ?? 0) + 1);
          bound += o.wordNgrams + ngramsPerChar * (token.length + 2);
        }
      }
      words.set(EOS, (words.get(EOS) ?? 0) + 1);
      ntokens += tokens.length + 1;
      if (!labelled && tokens.length > 0) unlabelled++;
      if (bound > longestExample) longestExample = bound;
    }
    o.onProgress?.({ phase: 'vocab', epoch: 1, epochs: 1, progress: fractionRead(corpus), wordsPerSecond: ntokens / Math.max(1e-3, (performance.now() - started) / 1000), etaSeconds: Infinity, wordsDone: ntokens });
  }
  if (labels.size === 0) {
    throw new EmbedkitError('no_labels', `none of the ${lines} lines has a label (a token starting with "${o.labelPrefix}", the labelPrefix option)`, { file: corpus.path });
  }
  const kept = keep(words, o.minCount);
  for (const w of o.extraWords ?? []) if (!w.startsWith(o.labelPrefix)) kept.set(w, (kept.get(w) ?? 0) + 1);
  const vocab = sorted(kept, 1);
  const labelVocab = sorted(labels, o.minCountLabel);
  if (labelVocab.size === 0) throw new InvalidArgumentError(`no label is seen minCountLabel (${o.minCountLabel}) times in ${corpus.path}`);
  // fastText adds each pretrained word to its dictionary as a token read.
  return { vocab, labels: labelVocab, ntokens: ntokens + (o.extraWords?.length ?? 0), tokensRead: ntokens, lines, unlabelled, longestExample };
}

function keep(counts: Map<string, number>, min: number): Map<string, number> {
  return new Map([...counts].filter(([, c]) => c >= min));
}

/** Entries with count ≥ min by descending count, ties in first-seen order (Array.prototype.sort is stable). */
function sorted(counts: Map<string, number>, min: number): Vocabulary {
  const entries = [...counts].filter(([, c]) => c >= min).sort((a, b) => b[1] - a[1]);
  return new Vocabulary(entries.map(([w]) => w), entries.map(([, c]) => c));
}
