import { endianness } from 'node:os';
import type { Writable } from 'node:stream';
import { FormatError, InvalidArgumentError } from '../errors.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { ByteInput } from './byte-input.ts';
import { allFinite, firstNonFinite } from './finite-values.ts';
import { checkHeaderBounds } from './header-bounds.ts';
import { ChunkedOutput } from './output.ts';
import { PackedWords } from './packed-words.ts';
import { RowStore } from './row-store.ts';
import { readLimits } from './read-limits.ts';
import type { ReadResult } from './text-reader.ts';
import { decodeWord, invalidUtf8At, type UnicodeErrors } from './utf8.ts';

/**
 * word2vec binary format: a text header "rows dim\n", then per row the word, a space, and dim little-endian
 * float32 values. The C tool writes a '\n' after each vector, gensim does not; like gensim (and the C tool's
 * own readers) we skip newlines before each word, so both load and a file may even mix them.
 */
export interface BinaryReadOptions {
  limit?: number;
  unicodeErrors: UnicodeErrors;
  onWarning: (message: string) => void;
  counts?: Map<string, number>;
  /** Longest word accepted (read-limits.ts has the default). */
  maxWordBytes?: number;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const LITTLE_ENDIAN = endianness() === 'LE';

export async function readWord2VecBinary(file: string, o: BinaryReadOptions): Promise<ReadResult> {
  // Without a limit the whole file is read into one buffer that becomes the matrix (see readRows).
  const input = await ByteInput.open(file, { whole: o.limit === undefined });
  try {
    const embeddings = await readRows(file, input, o);
    return { embeddings, bytesRead: input.bytesRead };
  } finally {
    await input.close();
  }
}

async function readRows(file: string, input: ByteInput, o: BinaryReadOptions): Promise<Embeddings> {
  const fail = (message: string, at: number) => new FormatError(message, { file, byte: at });
  // A word longer than this means the file is not what its header says (or is not word2vec binary at all).
  const { maxWordBytes } = readLimits(o);
  const { rows: expectedRows, dim } = await readHeader(file, input);
  const limit = Math.min(expectedRows, o.limit ?? Infinity);
  const rowBytes = dim * 4;
  const capacity = initialCapacity(input, limit, rowBytes);
  const store = new RowStore(dim, capacity, inPlaceMatrix(input, limit, rowBytes));
  let matrix = store.vectors;
  let matrixBytes = new Uint8Array(matrix.buffer, matrix.byteOffset, matrix.byteLength);
  // Words go in as bytes and come out as strings in a few batch decodes; per row only numbers are kept.
  const words = new PackedWords(o.unicodeErrors, wordBytesHint(input, capacity, rowBytes));
  let rowOffsets: Float64Array = new Float64Array(capacity);

  while (store.rows < limit) {
    const row = store.rows;
    // Skip the newline(s) the C tool leaves after each vector; find the space that ends the word.
    let p = input.start;
    let space: number;
    for (;;) {
      while (p < input.end && input.buf[p] === NEWLINE) p++;
      input.start = p;
      space = spaceAt(input.buf, p, input.end);
      if (space >= 0) break;
      if (input.end - input.start > maxWordBytes) {
        throw fail(`row ${row + 1}: no space after ${maxWordBytes} bytes of word (maxWordBytes; is this a word2vec binary file?)`, input.offset(input.start));
      }
      if (!(await input.more())) {
        const where = input.offset(input.end);
        if (input.start === input.end) {
          throw fail(`the header says ${expectedRows} rows, but the file ends after ${row} (is the file truncated?)`, where);
        }
        throw fail(`row ${row + 1}: the file ends inside a word, expected a space and ${rowBytes} bytes of vector (is the file truncated?)`, where);
      }
      p = input.start;
    }
    const wordStart = input.start;
    if (space === wordStart) throw fail(`row ${row + 1}: expected a word, found a space`, input.offset(wordStart));
    if (space - wordStart > maxWordBytes) throw fail(`row ${row + 1}: a word of more than ${maxWordBytes} bytes (maxWordBytes; is this a word2vec binary file?)`, input.offset(wordStart));
    if (!words.add(input.buf, wordStart, space)) {
      const bad = invalidUtf8At(input.buf, wordStart, space);
      throw fail(
        `row ${row + 1}: invalid UTF-8 in a word: byte 0x${input.buf[bad].toString(16).padStart(2, '0')} (use unicodeErrors 'replace' or 'ignore' to load anyway)`,
        input.offset(bad),
      );
    }
    if (row === rowOffsets.length) rowOffsets = grown(rowOffsets);
    rowOffsets[row] = input.offset(wordStart);
    input.start = space + 1;
    // The await costs a microtask per row, so only ask for more when the window is short.
    if (input.end - input.start < rowBytes) {
      // need() may slide the window and overwrite the word's bytes: keep a copy for the message.
      const wordBytes = Buffer.from(input.buf.subarray(wordStart, space));
      if (!(await input.need(rowBytes))) {
        const word = decodeWord(wordBytes, 0, wordBytes.length, o.unicodeErrors);
        throw fail(
          `row ${row + 1} (${JSON.stringify(word)}): expected ${rowBytes} bytes of vector, found ${input.end - input.start} before the end of the file (is the file truncated?)`,
          input.offset(input.start),
        );
      }
    }
    const at = store.nextRowOffset();
    if (store.vectors !== matrix) {
      // The store grew (a gzip file whose header promised more than our first guess).
      matrix = store.vectors;
      matrixBytes = new Uint8Array(matrix.buffer, matrix.byteOffset, matrix.byteLength);
    }
    copyRow(input.buf, input.start, matrixBytes, at * 4, rowBytes);
    if (!allFinite(matrix, at, dim)) {
      const j = firstNonFinite(matrix, at, dim);
      const word = JSON.stringify(words.finish()[row]);
      throw fail(`row ${row + 1} (${word}): value ${j + 1} is ${matrix[at + j]}: vectors must be finite`, input.offset(input.start + j * 4));
    }
    input.start += rowBytes;
    store.commitRow();
  }

  if (o.limit === undefined || o.limit > expectedRows) await expectEnd(input, expectedRows, fail);
  return store.finish({
    locate: (row) => ({ file, byte: rowOffsets[row] }),
    onWarning: o.onWarning,
    counts: o.counts,
    words: words.finish(),
  });
}

function grown(a: Float64Array): Float64Array {
  const bigger = new Float64Array(Math.max(16, a.length * 2));
  bigger.set(a);
  return bigger;
}

/**
 * Bytes the words of `rows` rows take: what the file holds besides their vectors (header and newlines
 * included, so a little more), or a guess for gzip files and `limit` loads.
 */
function wordBytesHint(input: ByteInput, rows: number, rowBytes: number): number {
  if (input.gzip) return rows * 16;
  return Math.min(Math.max(0, input.size - rows * rowBytes), rows * 64);
}

/** Index of the first space in `b[from, end)`, or -1. Words are short: a plain loop beats a native indexOf call. */
function spaceAt(b: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) if (b[i] === SPACE) return i;
  return -1;
}

/**
 * In a whole-file buffer, row i's vector sits after the header and i+1 words, so sliding it down to
 * i × rowBytes never overwrites bytes not yet parsed: the buffer's start can be the matrix itself.
 */
function inPlaceMatrix(input: ByteInput, rows: number, rowBytes: number): Float32Array | undefined {
  if (!input.whole || !LITTLE_ENDIAN || rows * rowBytes > input.size || input.buf.byteOffset % 4 !== 0) return undefined;
  return new Float32Array(input.buf.buffer, input.buf.byteOffset, (rows * rowBytes) / 4);
}

/**
 * Rows to preallocate: the header's count, unless the file is too small to hold them (a damaged header must
 * not allocate gigabytes). Float32 data barely compresses, so 8× the gzip size is a generous bound.
 */
function initialCapacity(input: ByteInput, rows: number, rowBytes: number): number {
  return Math.min(rows, Math.floor((input.gzip ? input.size * 8 : input.size) / rowBytes) + 1);
}

/** Copies one row of little-endian float32 bytes into the matrix (byte-wise, so any source alignment works). */
function copyRow(src: Buffer, from: number, dst: Uint8Array, to: number, n: number): void {
  if (LITTLE_ENDIAN) {
    // In place (one shared buffer), copyWithin moves the bytes without the views Buffer.copy makes per call.
    if (dst.buffer === src.buffer) src.copyWithin(dst.byteOffset - src.byteOffset + to, from, from + n);
    else src.copy(dst, to, from, from + n);
    return;
  }
  for (let k = 0; k < n; k += 4) {
    dst[to + k] = src[from + k + 3];
    dst[to + k + 1] = src[from + k + 2];
    dst[to + k + 2] = src[from + k + 1];
    dst[to + k + 3] = src[from + k];
  }
}

async function readHeader(file: string, input: ByteInput): Promise<{ rows: number; dim: number }> {
  for (;;) {
    // Only the bytes read so far: past `end` a whole-file buffer is not yet filled, and scanning it would
    // touch (and fault in) up to the whole file's size of memory for nothing.
    const at = input.buf.subarray(input.start, input.end).indexOf(NEWLINE);
    const nl = at < 0 ? -1 : input.start + at;
    if (nl >= 0) {
      const text = input.buf.toString('latin1', input.start, nl);
      const m = /^\s*(\d+)[ \t]+(\d+)\s*$/.exec(text);
      if (!m) throw new FormatError(`expected a header "<rows> <dimension>", found ${JSON.stringify(text.slice(0, 60))}`, { file, line: 1 });
      const rows = Number(m[1]);
      const dim = Number(m[2]);
      // A row is at least a one-byte word, a space and dim float32 values.
      checkHeaderBounds({ file, rows, dim, fileSize: input.size, gzip: input.gzip, minRowBytes: (d) => 2 + d * 4 });
      input.start = nl + 1;
      return { rows, dim };
    }
    if (input.end - input.start > 256) {
      throw new FormatError(`expected a header "<rows> <dimension>" on the first line, found no newline in ${input.end - input.start} bytes`, { file, line: 1 });
    }
    if (!(await input.more())) {
      if (input.end === input.start) throw new FormatError('the file is empty (expected word vectors)', { file, byte: 0 });
      throw new FormatError('the file ends inside the header line', { file, line: 1 });
    }
  }
}

/** After the last row only newlines may follow; anything else means the header undercounts the rows. */
async function expectEnd(input: ByteInput, expectedRows: number, fail: (m: string, at: number) => FormatError): Promise<void> {
  for (;;) {
    while (input.start < input.end && (input.buf[input.start] === NEWLINE || input.buf[input.start] === SPACE)) input.start++;
    if (input.start < input.end) {
      throw fail(`the header says ${expectedRows} rows, but more data follows the last of them`, input.offset(input.start));
    }
    if (!(await input.more())) return;
  }
}

/** Writes the C tool's layout: header, then "word " + float32 bytes + "\n" per row. */
export async function writeWord2VecBinary(emb: Embeddings, out: Writable): Promise<void> {
  const { dim, vectors } = emb;
  const words = emb.vocab.words;
  const sink = new ChunkedOutput(out);
  sink.writeString(`${words.length} ${dim}\n`);
  const rowBytes = dim * 4;
  const bytes = Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.length === 0 || / |^\n/.test(word)) {
      throw new InvalidArgumentError(`row ${i + 1}: the word ${JSON.stringify(word)} cannot be written to word2vec binary (empty, contains a space or starts with a newline)`);
    }
    sink.writeString(word);
    await sink.reserve(rowBytes + 2);
    sink.buf[sink.pos++] = SPACE;
    if (LITTLE_ENDIAN) bytes.copy(sink.buf, sink.pos, i * rowBytes, (i + 1) * rowBytes);
    else for (let j = 0; j < dim; j++) sink.buf.writeFloatLE(vectors[i * dim + j], sink.pos + j * 4);
    sink.pos += rowBytes;
    sink.buf[sink.pos++] = NEWLINE;
  }
  await sink.flush();
}
