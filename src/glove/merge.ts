import { RecordReader, recordBlock, type RecordBlock, type RecordWriter } from './cooccur-file.ts';
import type { SortedEntries } from './pair-table.ts';
import { yieldToEventLoop } from './temp-dir.ts';

/**
 * A stream of (i, j, value) entries in ascending key order, key = i·n + j with 0-based ids. `key` is Infinity
 * once exhausted.
 */
export interface SortedSource {
  key: number;
  value: number;
  /** Moves to the next entry. */
  advance(): void;
  close?(): void;
}

/** A sorted run file (1-based ids on disk), read in blocks. */
export function fileSource(path: string, n: number, blockRecords = 1 << 14): SortedSource {
  const reader = new RecordReader(path);
  const block: RecordBlock = recordBlock(blockRecords);
  let filled = 0;
  let at = 0;
  const src: SortedSource = {
    key: 0,
    value: 0,
    advance() {
      if (at === filled) {
        filled = reader.read(block);
        at = 0;
        if (filled === 0) {
          src.key = Infinity;
          reader.close();
          return;
        }
      }
      src.key = (block.ints[4 * at] - 1) * n + (block.ints[4 * at + 1] - 1);
      src.value = block.values[2 * at + 1];
      at++;
    },
    close: () => reader.close(),
  };
  src.advance();
  return src;
}

/** A hash table's entries, sorted (PairTable.sortedEntries). */
export function tableSource(e: SortedEntries, n: number): SortedSource {
  let row = 0;
  let k = 0;
  const src: SortedSource = {
    key: 0,
    value: 0,
    advance() {
      while (row + 1 < e.start.length && k === e.start[row + 1]) row++;
      if (k === e.packed.length) {
        src.key = Infinity;
        return;
      }
      const j = Math.floor(e.packed[k] / 2 ** 27);
      src.key = row * n + j;
      src.value = e.values[e.packed[k] - j * 2 ** 27];
      k++;
    },
  };
  src.advance();
  return src;
}

/**
 * K-way merge of sorted sources into `out`, adding the values of equal keys (the same pair counted in several
 * runs). Each key is written once, so the output is sorted and unique. A binary heap of sources keeps each
 * step O(log k). Yields to the event loop now and then so an abort can be seen; `shouldStop` is checked there.
 */
export async function mergeSorted(sources: SortedSource[], n: number, out: RecordWriter, shouldStop: () => void): Promise<number> {
  const heap = sources.filter((s) => s.key !== Infinity);
  const less = (a: SortedSource, b: SortedSource) => a.key < b.key;
  const down = (k: number) => {
    for (;;) {
      const l = 2 * k + 1;
      if (l >= heap.length) return;
      const c = l + 1 < heap.length && less(heap[l + 1], heap[l]) ? l + 1 : l;
      if (!less(heap[c], heap[k])) return;
      [heap[c], heap[k]] = [heap[k], heap[c]];
      k = c;
    }
  };
  for (let k = (heap.length >> 1) - 1; k >= 0; k--) down(k);
  let written = 0;
  try {
    while (heap.length) {
      const key = heap[0].key;
      let sum = 0;
      while (heap.length && heap[0].key === key) {
        const top = heap[0];
        sum += top.value;
        top.advance();
        if (top.key === Infinity) {
          heap[0] = heap[heap.length - 1];
          heap.pop();
        }
        if (heap.length) down(0);
      }
      const i = Math.floor(key / n);
      out.push(i, key - i * n, sum);
      if ((++written & 0xfffff) === 0) {
        await yieldToEventLoop();
        shouldStop();
      }
    }
  } finally {
    for (const s of sources) s.close?.();
  }
  return written;
}
