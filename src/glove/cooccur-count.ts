import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import type { Corpus } from '../text/corpus.ts';
import { encodeCorpus } from '../text/id-stream.ts';
import type { Tokenizer } from '../text/tokenize.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';
import { RecordWriter } from './cooccur-file.ts';
import { fileSource, mergeSorted, tableSource, type SortedSource } from './merge.ts';
import { BYTES_PER_SLOT, forEachSorted, PairTable } from './pair-table.ts';
import type { TempDir } from './temp-dir.ts';

export interface CooccurCountOptions {
  /** Context words on each side (one side when not symmetric). */
  window: number;
  /** Count right contexts too: every (left, right) pair also adds (right, left). */
  symmetric: boolean;
  /** A pair d words apart adds 1/d (GloVe's default) instead of 1. */
  distanceWeighting: boolean;
  /** Memory for the counts, in bytes; beyond it sorted runs spill to files in `tempDir`. */
  memoryBytes: number;
  tokenizer: Tokenizer;
  tempDir: TempDir;
  /** Lines longer than this many tokens are cut (windows do not span the cut). Default 100000. */
  maxSentenceLength?: number;
  /** Called after each chunk of the corpus with the tokens read so far. */
  onProgress?: (tokens: number) => void;
  signal?: AbortSignal;
}

export interface CooccurCountResult {
  /** Distinct (i, j) pairs written. */
  nonZeros: number;
  /** Sorted runs spilled to disk before the merge (0 when everything fit). */
  spills: number;
  /** Tokens read, out-of-vocabulary ones included. */
  tokens: number;
}

/** The dense corner for the most frequent words is at most this wide (2048² float64 = 32 MiB). */
const MAX_DENSE = 2048;

/**
 * Counts the co-occurrences of vocabulary words into `output`, a GloVe co-occurrence file sorted by (word1,
 * word2) with each pair once. Windows stay inside a line; unknown words are dropped before windowing, as in
 * GloVe's cooccur. Pairs of the most frequent words accumulate in a dense square (most increments land there
 * and need no hashing); the others in a hash table that, when the memory budget is reached, is written to a
 * temporary file as a sorted run and emptied. At the end the runs, the table and the square are merged.
 */
export async function countCooccurrences(corpus: Corpus, vocab: Vocabulary, output: string, o: CooccurCountOptions): Promise<CooccurCountResult> {
  const n = vocab.size;
  if (n >= 2 ** 26) throw new InvalidArgumentError(`vocabulary of ${n} words is too large for co-occurrence counting (limit 2^26)`);
  if (!Number.isInteger(o.window) || o.window < 1) throw new InvalidArgumentError(`window must be a positive integer, got ${o.window}`);
  const plan = planMemory(o.memoryBytes, n);
  const dense = new Float64Array(plan.dense * plan.dense);
  const D = plan.dense;
  const table = new PairTable(plan.tableSlots);
  const weights = new Float64Array(o.window + 1);
  for (let d = 1; d <= o.window; d++) weights[d] = o.distanceWeighting ? 1 / d : 1;
  const runs: string[] = [];
  const stopIfAborted = () => {
    if (o.signal?.aborted) throw new EmbedkitError('aborted', 'training was interrupted; nothing was written', {});
  };

  const spill = () => {
    const path = o.tempDir.file(`run-${runs.length}.bin`);
    runs.push(path);
    const w = new RecordWriter(path);
    try {
      forEachSorted(table.sortedEntries(n), (i, j, x) => w.push(i, j, x));
    } finally {
      w.close();
    }
    table.clear();
  };
  const add = (i: number, j: number, x: number) => {
    if (i < D && j < D) dense[i * D + j] += x;
    else {
      table.add(i, j, x);
      if (table.full) spill();
    }
  };

  let tokens = 0;
  const window = o.window;
  for await (const chunk of encodeCorpus(corpus, vocab, o.tokenizer, { maxSentenceLength: o.maxSentenceLength ?? 100000 })) {
    stopIfAborted();
    const { ids, sentenceEnds } = chunk;
    let start = 0;
    for (let s = 0; s < sentenceEnds.length; s++) {
      const end = sentenceEnds[s];
      for (let p = start; p < end; p++) {
        const right = ids[p];
        const reach = Math.min(window, p - start);
        for (let d = 1; d <= reach; d++) {
          const left = ids[p - d];
          const x = weights[d];
          // Inlined dense path: it takes most of the increments.
          if (left < D && right < D) {
            dense[left * D + right] += x;
            if (o.symmetric) dense[right * D + left] += x;
          } else {
            add(left, right, x);
            if (o.symmetric) add(right, left, x);
          }
        }
      }
      start = end;
    }
    tokens += chunk.words;
    o.onProgress?.(tokens);
  }
  stopIfAborted();

  const sources: SortedSource[] = runs.map((path) => fileSource(path, n));
  sources.push(tableSource(table.sortedEntries(n), n));
  sources.push(denseSource(dense, D, n));
  const out = new RecordWriter(output);
  let nonZeros: number;
  try {
    nonZeros = await mergeSorted(sources, n, out, stopIfAborted);
  } finally {
    out.close();
  }
  return { nonZeros, spills: runs.length, tokens };
}

/** How the budget is split: a dense square for the top words (a quarter at most), the rest for the hash table. */
export function planMemory(memoryBytes: number, vocabSize: number): { dense: number; tableSlots: number } {
  if (!(memoryBytes > 0)) throw new InvalidArgumentError(`memory must be a positive number of bytes, got ${memoryBytes}`);
  const dense = Math.min(vocabSize, MAX_DENSE, Math.floor(Math.sqrt((memoryBytes * 0.25) / 8)));
  const rest = memoryBytes - dense * dense * 8;
  let slots = 256;
  // Power of two for masking; 2^27 slots (2.7 GiB) keeps every typed array well below its size limit.
  while (slots * 2 * BYTES_PER_SLOT <= rest && slots < 2 ** 27) slots *= 2;
  return { dense, tableSlots: slots };
}

/** The non-zero cells of the dense square in (i, j) order. */
function denseSource(dense: Float64Array, D: number, n: number): SortedSource {
  let cell = -1;
  const src: SortedSource = {
    key: 0,
    value: 0,
    advance() {
      while (++cell < dense.length && dense[cell] === 0);
      if (cell >= dense.length) {
        src.key = Infinity;
        return;
      }
      const i = Math.floor(cell / D);
      src.key = i * n + (cell - i * D);
      src.value = dense[cell];
    },
  };
  src.advance();
  return src;
}
