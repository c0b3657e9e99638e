import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { EmbedkitError, FormatError } from '../errors.ts';

/**
 * GloVe's binary co-occurrence records, as its cooccur/shuffle/glove tools read and write them: a bare sequence
 * of 16-byte records, each `int32 word1, int32 word2, float64 value` in the machine's (little-endian) byte
 * order, word ids 1-based rows of the vocabulary (most frequent word = 1). No header.
 * In memory, records live in a block with two views: ints[4k], ints[4k+1] are the ids of record k and
 * values[2k+1] its value.
 */
export const RECORD_BYTES = 16;

export interface RecordBlock {
  readonly bytes: Uint8Array;
  readonly ints: Int32Array;
  readonly values: Float64Array;
  /** A float32 view of the same bytes (training records keep log x and f(x) at floats[4k+2], floats[4k+3]). */
  readonly floats: Float32Array;
  /** Records the block can hold. */
  readonly capacity: number;
}

/** A block for `capacity` records, 8-byte aligned (its own ArrayBuffer) so the float64 view works. */
export function recordBlock(capacity: number): RecordBlock {
  const buffer = new ArrayBuffer(Math.max(1, capacity) * RECORD_BYTES);
  return { bytes: new Uint8Array(buffer), ints: new Int32Array(buffer), values: new Float64Array(buffer), floats: new Float32Array(buffer), capacity };
}

/** Appends records to a file in large writes. Ids given to `push` are 0-based rows; the file gets them 1-based. */
export class RecordWriter {
  private readonly block: RecordBlock;
  private fill = 0;
  private fd: number | undefined;
  /** Records written so far (flushed or not). */
  count = 0;

  constructor(
    readonly path: string,
    blockRecords = 1 << 16,
  ) {
    this.block = recordBlock(blockRecords);
    // The ordinary mode (umask-derived): a saved co-occurrence file is an output like any other, and spill
    // files live in a private temporary folder.
    this.fd = openSync(path, 'w');
  }

  push(i: number, j: number, x: number): void {
    const k = this.fill;
    this.block.ints[4 * k] = i + 1;
    this.block.ints[4 * k + 1] = j + 1;
    this.block.values[2 * k + 1] = x;
    this.count++;
    if (++this.fill === this.block.capacity) this.flush();
  }

  /** Appends `n` whole records (already 1-based) from `src` starting at record `from`. */
  pushRaw(src: RecordBlock, from: number, n: number): void {
    this.flush();
    writeAll(this.fd!, src.bytes.subarray(from * RECORD_BYTES, (from + n) * RECORD_BYTES));
    this.count += n;
  }

  flush(): void {
    if (this.fill === 0) return;
    writeAll(this.fd!, this.block.bytes.subarray(0, this.fill * RECORD_BYTES));
    this.fill = 0;
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * Reads a record file in blocks, synchronously (callers yield to the event loop between blocks).
 * With `vocabSize` every record is checked: ids in 1..vocabSize and a finite positive value, else a FormatError
 * naming the byte offset of the bad record.
 */
export class RecordReader {
  private fd: number | undefined;
  readonly records: number;
  /** Index of the next record to read. */
  position = 0;

  constructor(
    readonly path: string,
    private readonly vocabSize?: number,
  ) {
    try {
      this.fd = openSync(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new EmbedkitError('io_error', `cannot read co-occurrence file: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { file: path });
    }
    const size = fstatSync(this.fd).size;
    if (size % RECORD_BYTES !== 0) {
      this.close();
      throw new FormatError(
        `a co-occurrence file is a sequence of ${RECORD_BYTES}-byte records (int32 word1, int32 word2, float64 value), but its size ${size} is not a multiple of ${RECORD_BYTES}`,
        { file: path, byte: size - (size % RECORD_BYTES) },
      );
    }
    this.records = size / RECORD_BYTES;
  }

  /** Positions the reader at record `index`. */
  seek(index: number): void {
    this.position = index;
  }

  /** Reads up to `max` records (default: the block's capacity) into `block`; returns how many (0 at the end). */
  read(block: RecordBlock, max = block.capacity): number {
    const n = Math.min(max, block.capacity, this.records - this.position);
    if (n <= 0) return 0;
    const want = n * RECORD_BYTES;
    let got = 0;
    while (got < want) {
      const r = readSync(this.fd!, block.bytes, got, want - got, this.position * RECORD_BYTES + got);
      if (r === 0) throw new FormatError(`the file ended early (it shrank while being read)`, { file: this.path, byte: this.position * RECORD_BYTES + got });
      got += r;
    }
    if (this.vocabSize !== undefined) checkRecords(block, n, this.vocabSize, this.path, this.position);
    this.position += n;
    return n;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Refuses records whose ids fall outside the vocabulary or whose value is not a positive finite number. */
export function checkRecords(block: RecordBlock, n: number, vocabSize: number, file: string, firstIndex: number): void {
  const { ints, values } = block;
  for (let k = 0; k < n; k++) {
    const i = ints[4 * k];
    const j = ints[4 * k + 1];
    const x = values[2 * k + 1];
    if (i < 1 || i > vocabSize || j < 1 || j > vocabSize || !(x > 0) || !Number.isFinite(x)) {
      const what =
        i < 1 || i > vocabSize || j < 1 || j > vocabSize
          ? `word ids (${i}, ${j}) outside 1..${vocabSize} (the vocabulary has ${vocabSize} words)`
          : `value ${x} (expected a positive finite count)`;
      throw new FormatError(`co-occurrence record ${firstIndex + k + 1} has ${what}`, { file, byte: (firstIndex + k) * RECORD_BYTES });
    }
  }
}
