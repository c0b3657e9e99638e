/**
 * Sums of co-occurrence weights keyed by (i, j) word rows: an open-addressing hash table (linear probing) in
 * three typed arrays, 16 bytes a slot, no per-pair objects. It grows by doubling up to `maxCapacity` slots;
 * past that `full` turns true and the owner spills it (sortedEntries) and clears it.
 */
export class PairTable {
  private keyI: Int32Array;
  private keyJ: Int32Array;
  private vals: Float64Array;
  private mask: number;
  private limit: number;
  size = 0;

  constructor(
    private readonly maxCapacity: number,
    initialCapacity = 1 << 16,
  ) {
    const cap = Math.min(maxCapacity, initialCapacity);
    this.keyI = new Int32Array(cap).fill(-1);
    this.keyJ = new Int32Array(cap);
    this.vals = new Float64Array(cap);
    this.mask = cap - 1;
    this.limit = Math.floor(cap * LOAD);
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** True when the table is at its load limit and may not grow: spill it before adding more. */
  get full(): boolean {
    return this.size >= this.limit && this.capacity >= this.maxCapacity;
  }

  add(i: number, j: number, x: number): void {
    let s = slotOf(i, j) & this.mask;
    const keyI = this.keyI;
    const keyJ = this.keyJ;
    for (;;) {
      const k = keyI[s];
      if (k === i && keyJ[s] === j) {
        this.vals[s] += x;
        return;
      }
      if (k === -1) break;
      s = (s + 1) & this.mask;
    }
    keyI[s] = i;
    keyJ[s] = j;
    this.vals[s] = x;
    if (++this.size >= this.limit && this.capacity < this.maxCapacity) this.grow();
  }

  /**
   * The entries in (i, j) order, the order of GloVe's files: `each(i, j, value)` is called once per pair. Sorting
   * is a counting sort by row, then a native sort of each row's (j, slot) pairs packed into one float64 each (j·2^27 +
   * slot, exact below 2^53), so values are read straight from their slot, never looked up again.
   */
  sortedEntries(rows: number): SortedEntries {
    const start = new Int32Array(rows + 1);
    for (let s = 0; s <= this.mask; s++) if (this.keyI[s] !== -1) start[this.keyI[s] + 1]++;
    for (let r = 0; r < rows; r++) start[r + 1] += start[r];
    const fill = start.slice(0, rows);
    const packed = new Float64Array(this.size);
    for (let s = 0; s <= this.mask; s++) {
      const i = this.keyI[s];
      if (i !== -1) packed[fill[i]++] = this.keyJ[s] * SLOT_BITS + s;
    }
    for (let r = 0; r < rows; r++) if (start[r + 1] - start[r] > 1) packed.subarray(start[r], start[r + 1]).sort();
    return { start, packed, values: this.vals };
  }

  clear(): void {
    this.keyI.fill(-1);
    this.size = 0;
  }

  private grow(): void {
    const oldI = this.keyI;
    const oldJ = this.keyJ;
    const oldV = this.vals;
    const cap = Math.min(this.maxCapacity, oldI.length * 2);
    this.keyI = new Int32Array(cap).fill(-1);
    this.keyJ = new Int32Array(cap);
    this.vals = new Float64Array(cap);
    this.mask = cap - 1;
    this.limit = Math.floor(cap * LOAD);
    this.size = 0;
    for (let s = 0; s < oldI.length; s++) if (oldI[s] !== -1) this.add(oldI[s], oldJ[s], oldV[s]);
  }
}

/** Room for a slot index (capacity ≤ 2^27) below the packed j. */
const SLOT_BITS = 2 ** 27;

/** Entries sorted by (i, j): row i's entries are packed[start[i] .. start[i+1]), each j·2^27 + slot of its value. */
export interface SortedEntries {
  start: Int32Array;
  packed: Float64Array;
  values: Float64Array;
}

/** Calls `each` for the entries in order. */
export function forEachSorted(e: SortedEntries, each: (i: number, j: number, value: number) => void): void {
  for (let i = 0; i + 1 < e.start.length; i++) {
    for (let k = e.start[i]; k < e.start[i + 1]; k++) {
      const j = Math.floor(e.packed[k] / SLOT_BITS);
      each(i, j, e.values[e.packed[k] - j * SLOT_BITS]);
    }
  }
}

/** Load factor: linear probing stays short below ~0.7. */
const LOAD = 0.7;

/** Bytes a slot costs while counting, including the sort keys of a spill (8 bytes per filled slot). */
export const BYTES_PER_SLOT = 16 + 8 * LOAD;

function slotOf(i: number, j: number): number {
  let h = Math.imul(i, 0x9e3779b1) ^ Math.imul(j + 0x7f4a7c15, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
