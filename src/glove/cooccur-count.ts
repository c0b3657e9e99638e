import { InvalidArgumentError } from '../errors.ts';
import type { Corpus } from '../text/corpus.ts';
import { encodeCorpus } from '../vocab/id-stream.ts';
import type { Tokenizer } from '../text/tokenize.ts';
import type { Vocabulary } from '../vocab/vocabulary.ts';
import { RecordWriter } from './cooccur-file.ts';
import { fileSource, mergeSorted, tableSource, type SortedSource } from './merge.ts';
import { BYTES_PER_SLOT, forEachSorted, PairTable } from './pair-table.ts';
import type { TempDir } from './temp-dir.ts';
import { throwIfAborted } from '../util/abort.ts';

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

/** The dense region never takes more than this many cells (2^24 float64 = 128 MiB): larger regions were measured to count no faster while growing the resident memory. */
const MAX_DENSE_CELLS = 2 ** 24;

/**
 * Counts the co-occurrences of vocabulary words into `output`, a GloVe co-occurrence file sorted by (word1,
 * word2) with each pair once. Windows stay inside a line; unknown words are dropped before windowing, as in
 * GloVe's cooccur. Pairs whose frequency ranks have a small product, (i+1)·(j+1) ≤ P, accumulate in a dense
 * region (row i holds columns 0 .. P/(i+1)): frequent words with anything, and most increments land there without
 * hashing. The other pairs go to a hash table that, when the memory budget is reached, is written to a temporary
 * file as a sorted run and emptied. At the end the runs, the table and the dense region are merged.
 */
export async function countCooccurrences(corpus: Corpus, vocab: Vocabulary, output: string, o: CooccurCountOptions): Promise<CooccurCountResult> {
  const n = vocab.size;
  if (n >= 2 ** 26) throw new InvalidArgumentError(`vocabulary of ${n} words is too large for co-occurrence counting (limit 2^26)`);
  if (!Number.isInteger(o.window) || o.window < 1) throw new InvalidArgumentError(`window must be a positive integer, got ${o.window}`);
  const plan = planMemory(o.memoryBytes, n);
  const region = denseRegion(plan.denseProduct, n);
  const { rowStart, rowLength } = region;
  const dense = new Float64Array(region.cells);
  const table = new PairTable(plan.tableSlots);
  const weights = new Float64Array(o.window + 1);
  for (let d = 1; d <= o.window; d++) weights[d] = o.distanceWeighting ? 1 / d : 1;
  const runs: string[] = [];
  const stopIfAborted = () => {
    throwIfAborted(o.signal);
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
    if (j < rowLength[i]) dense[rowStart[i] + j] += x;
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
          add(left, right, x);
          if (o.symmetric) add(right, left, x);
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
  sources.push(denseSource(dense, rowStart, rowLength, n));
  const out = new RecordWriter(output);
  let nonZeros: number;
  try {
    nonZeros = await mergeSorted(sources, n, out, stopIfAborted);
  } finally {
    out.close();
  }
  return { nonZeros, spills: runs.length, tokens };
}

/**
 * How the budget is split: at most a quarter for the dense region (its rank-product bound P chosen to fit), the
 * rest for the hash table.
 */
export function planMemory(memoryBytes: number, vocabSize: number): { denseProduct: number; tableSlots: number } {
  if (!(memoryBytes > 0)) throw new InvalidArgumentError(`memory must be a positive number of bytes, got ${memoryBytes}`);
  const maxCells = Math.min(MAX_DENSE_CELLS, Math.floor((memoryBytes * 0.25) / 8));
  // Largest P (by bisection) whose region fits; cells grow monotonically with P.
  let lo = 0;
  let hi = vocabSize * vocabSize;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (regionCells(mid, vocabSize) <= maxCells) lo = mid;
    else hi = mid - 1;
  }
  const rest = memoryBytes - regionCells(lo, vocabSize) * 8;
  let slots = 256;
  // Power of two for masking; 2^27 slots keeps every typed array well below its size limit.
  while (slots * 2 * BYTES_PER_SLOT <= rest && slots < 2 ** 27) slots *= 2;
  return { denseProduct: lo, tableSlots: slots };
}

/** Cells of the region (i+1)·(j+1) ≤ P over an n-word vocabulary. */
function regionCells(P: number, n: number): number {
  let cells = 0;
  for (let i = 0; i < n; i++) {
    const len = Math.min(n, Math.floor(P / (i + 1)));
    if (len === 0) break;
    cells += len;
  }
  return cells;
}

interface DenseRegion {
  rowStart: Float64Array;
  rowLength: Int32Array;
  cells: number;
}

function denseRegion(P: number, n: number): DenseRegion {
  const rowStart = new Float64Array(n);
  const rowLength = new Int32Array(n);
  let cells = 0;
  for (let i = 0; i < n; i++) {
    rowStart[i] = cells;
    rowLength[i] = Math.min(n, Math.floor(P / (i + 1)));
    cells += rowLength[i];
  }
  return { rowStart, rowLength, cells };
}

/** The non-zero cells of the dense region in (i, j) order. */
function denseSource(dense: Float64Array, rowStart: Float64Array, rowLength: Int32Array, n: number): SortedSource {
  let i = 0;
  let j = -1;
  const src: SortedSource = {
    key: 0,
    value: 0,
    advance() {
      for (;;) {
        if (++j >= rowLength[i]) {
          j = 0;
          // Rows are non-increasing in length: the first empty row ends the region.
          if (++i >= n || rowLength[i] === 0) {
            src.key = Infinity;
            return;
          }
        }
        const v = dense[rowStart[i] + j];
        if (v !== 0) {
          src.key = i * n + j;
          src.value = v;
          return;
        }
      }
    },
  };
  if (n === 0 || rowLength[0] === 0) src.key = Infinity;
  else src.advance();
  return src;
}
