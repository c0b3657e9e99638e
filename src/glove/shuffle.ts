import { seededRandom } from '../util/random.ts';
import { RecordReader, recordBlock, RecordWriter, type RecordBlock } from './cooccur-file.ts';
import type { TempDir } from './temp-dir.ts';
import { yieldToEventLoop } from './temp-dir.ts';
import { throwIfAborted } from '../util/abort.ts';

export interface ShuffleOptions {
  /** Records held in memory at once. */
  maxRecords: number;
  seed: number;
  tempDir: TempDir;
  /** When given, every record is checked against the vocabulary (files from elsewhere). */
  vocabSize?: number;
  signal?: AbortSignal;
  /** Applied to each block of the output just before it is written (e.g. conversion to training records). */
  beforeWrite?: (block: RecordBlock, n: number) => void;
}

/**
 * Shuffles a co-occurrence file into `output` with at most `maxRecords` records in memory, as GloVe's shuffle
 * does: when the file fits, one Fisher–Yates pass; otherwise each memory-sized chunk is shuffled and written to a
 * temporary file, then rounds take an equal share from every chunk file, shuffle the round and append it.
 * The result is not a uniform permutation of a huge file, but pairs from all parts of the sorted input are mixed
 * in every stretch of the output, which is what stochastic training needs. Returns the number of records.
 */
export async function shuffleCooccurrences(input: string, output: string, o: ShuffleOptions): Promise<number> {
  const random = seededRandom(o.seed);
  const reader = new RecordReader(input, o.vocabSize);
  const stop = () => {
    throwIfAborted(o.signal);
  };
  const capacity = Math.max(1024, Math.min(o.maxRecords, reader.records));
  const block = recordBlock(capacity);
  try {
    if (reader.records <= capacity) {
      const n = reader.read(block);
      shuffleBlock(block, n, random);
      o.beforeWrite?.(block, n);
      const w = new RecordWriter(output);
      try {
        w.pushRaw(block, 0, n);
      } finally {
        w.close();
      }
      return n;
    }
    // Pass 1: shuffled chunks.
    const chunks: RecordReader[] = [];
    try {
      for (let n = reader.read(block); n > 0; n = reader.read(block)) {
        shuffleBlock(block, n, random);
        const path = o.tempDir.file(`shuffle-${chunks.length}.bin`);
        const w = new RecordWriter(path);
        try {
          w.pushRaw(block, 0, n);
        } finally {
          w.close();
        }
        chunks.push(new RecordReader(path));
        await yieldToEventLoop();
        stop();
      }
      // Pass 2: rounds of an equal share from every chunk.
      const share = Math.max(1, Math.floor(capacity / chunks.length));
      const w = new RecordWriter(output);
      let total = 0;
      try {
        for (;;) {
          let fill = 0;
          for (const c of chunks) fill += readInto(c, block, fill, share);
          if (fill === 0) break;
          shuffleBlock(block, fill, random);
          o.beforeWrite?.(block, fill);
          w.pushRaw(block, 0, fill);
          total += fill;
          await yieldToEventLoop();
          stop();
        }
      } finally {
        w.close();
      }
      return total;
    } finally {
      for (const c of chunks) c.close();
    }
  } finally {
    reader.close();
  }
}

/** Reads up to `max` records of `r` into `block` starting at record `at`. */
function readInto(r: RecordReader, block: RecordBlock, at: number, max: number): number {
  const n = Math.min(max, block.capacity - at, r.records - r.position);
  if (n <= 0) return 0;
  const view: RecordBlock = {
    bytes: block.bytes.subarray(at * 16, (at + n) * 16),
    ints: block.ints.subarray(at * 4, (at + n) * 4),
    values: block.values.subarray(at * 2, (at + n) * 2),
    floats: block.floats.subarray(at * 4, (at + n) * 4),
    capacity: n,
  };
  return r.read(view);
}

/** Fisher–Yates over the first n 16-byte records, swapping them as four int32 words. */
export function shuffleBlock(block: RecordBlock, n: number, random: () => number): void {
  const a = block.ints;
  for (let k = n - 1; k > 0; k--) {
    const r = Math.floor(random() * (k + 1));
    if (r === k) continue;
    const x = 4 * k;
    const y = 4 * r;
    for (let t = 0; t < 4; t++) {
      const tmp = a[x + t];
      a[x + t] = a[y + t];
      a[y + t] = tmp;
    }
  }
}
