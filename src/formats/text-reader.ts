import { FormatError } from '../errors.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { ByteInput } from './byte-input.ts';
import { parseDecimal, parseNumberSlow } from './float-text.ts';
import { checkHeaderBounds } from './header-bounds.ts';
import { readLimits, type ReadLimits } from './read-limits.ts';
import { RowStore } from './row-store.ts';
import { decodeWord, invalidUtf8At, type UnicodeErrors } from './utf8.ts';

/**
 * The one reader behind every text format: lines of "word v1 v2 … vdim", optionally after a
 * "rows dim" header. word2vec text (the C tool's trailing space and `</s>` row, gensim's variant without
 * the space) and fastText .vec require the header; GloVe text has none, or one when converted.
 */
export interface TextReadOptions {
  header: 'required' | 'optional';
  limit?: number;
  unicodeErrors: UnicodeErrors;
  onWarning: (message: string) => void;
  counts?: Map<string, number>;
  /** Longest line and word accepted (read-limits.ts has the defaults). */
  maxLineBytes?: number;
  maxWordBytes?: number;
}

export interface ReadResult {
  embeddings: Embeddings;
  /** Bytes taken from the file (decompressed), to show that `limit` stops early. */
  bytesRead: number;
}

const SPACE = 0x20;
const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const HEADER = /^\s*(\d+)[ \t]+(\d+)\s*$/;

interface Line {
  start: number;
  end: number;
  /** False when the input ended without a final newline. */
  terminated: boolean;
}

/** Iterates lines in place over a ByteInput; a line is valid in `input.buf` until the next call. */
class LineCursor {
  lineNo = 0;
  private scanFrom: number;

  constructor(
    private readonly input: ByteInput,
    private readonly maxLineBytes: number,
    /** The error for a line over the cap (line number, absolute byte where it starts). */
    private readonly tooLong: (lineNo: number, byte: number) => Error,
  ) {
    this.scanFrom = input.start;
  }

  /** The next line when the window already holds it, without an await (undefined: more input is needed). */
  inWindow(): Line | undefined {
    const input = this.input;
    const nl = input.buf.indexOf(NEWLINE, this.scanFrom);
    if (nl < 0 || nl >= input.end) return undefined;
    if (nl - input.start > this.maxLineBytes) throw this.tooLong(this.lineNo + 1, input.offset(input.start));
    const line = { start: input.start, end: nl, terminated: true };
    input.start = nl + 1;
    this.scanFrom = input.start;
    this.lineNo++;
    return line;
  }

  async next(): Promise<Line | null> {
    const input = this.input;
    for (;;) {
      const line = this.inWindow();
      if (line) return line;
      const scanned = input.end - input.start;
      // Checked before reading more: a line with no end in sight never grows the window past the cap.
      if (scanned > this.maxLineBytes) throw this.tooLong(this.lineNo + 1, input.offset(input.start));
      if (!(await input.more())) {
        if (input.start === input.end) return null;
        const line = { start: input.start, end: input.end, terminated: false };
        input.start = input.end;
        this.lineNo++;
        return line;
      }
      // more() moved the unread bytes to the front: resume the scan where it stopped.
      this.scanFrom = input.start + scanned;
    }
  }
}

export async function readTextVectors(file: string, o: TextReadOptions): Promise<ReadResult> {
  const input = await ByteInput.open(file);
  try {
    const embeddings = await new TextReader(file, input, o).read();
    return { embeddings, bytesRead: input.bytesRead };
  } finally {
    await input.close();
  }
}

class TextReader {
  private readonly lines: LineCursor;
  private dim = 0;
  private dimSource = '';
  private store!: RowStore;
  private readonly limits: ReadLimits;

  constructor(
    private readonly file: string,
    private readonly input: ByteInput,
    private readonly o: TextReadOptions,
  ) {
    this.limits = readLimits(o);
    const max = this.limits.maxLineBytes;
    this.lines = new LineCursor(input, max, (line, byte) => new FormatError(`line longer than ${max} bytes (maxLineBytes; expected a word and its vector values on each line)`, { file, line, byte }));
  }

  private error(message: string, line: number): FormatError {
    return new FormatError(message, { file: this.file, line });
  }

  async read(): Promise<Embeddings> {
    const { input, o } = this;
    const limit = o.limit ?? Infinity;
    let first = await this.lines.next();
    if (first === null) throw new FormatError('the file is empty (expected word vectors)', { file: this.file, byte: 0 });
    const buf = input.buf;
    // A UTF-8 byte order mark is not part of the first word.
    if (first.end - first.start >= 3 && buf[first.start] === 0xef && buf[first.start + 1] === 0xbb && buf[first.start + 2] === 0xbf) first.start += 3;

    const header = HEADER.exec(input.buf.toString('latin1', first.start, Math.min(first.end, first.start + 64)));
    let expectedRows = -1;
    let firstDataLine = 1;
    if (header) {
      expectedRows = Number(header[1]);
      this.dim = Number(header[2]);
      // A row is at least a one-byte word and " v" per value.
      checkHeaderBounds({ file: this.file, rows: expectedRows, dim: this.dim, fileSize: input.size, gzip: input.gzip, minRowBytes: (d) => 1 + 2 * d });
      this.dimSource = "the header's dimension";
      // Each value takes at least two bytes ("0 "): a damaged header must not allocate more than the file can fill.
      const fits = Math.floor((input.gzip ? input.size * 8 : input.size) / (2 * this.dim)) + 1;
      this.store = new RowStore(this.dim, Math.min(expectedRows, limit, fits));
      firstDataLine = 2;
      first = null;
    } else if (o.header === 'required') {
      const found = input.buf.toString('utf8', first.start, Math.min(first.end, first.start + 60));
      throw this.error(
        `expected a header "<rows> <dimension>", found ${JSON.stringify(found)}` +
          ' (a file without a header is GloVe text: use the glove-text format)',
        1,
      );
    } else {
      this.dim = this.countValues(first);
      if (this.dim === 0) throw this.error('expected a word followed by its vector values, found no values', 1);
      this.dimSource = 'the dimension of line 1';
      this.store = new RowStore(this.dim, Math.min(limit, this.estimateRows(first)));
    }

    let blankLine = 0;
    let blankBytes = 0;
    let lastLine: Line | null = null;
    for (let line = first ?? (await this.lines.next()); line !== null; line = this.lines.inWindow() ?? (await this.lines.next())) {
      lastLine = line;
      const lineNo = this.lines.lineNo;
      let end = line.end;
      if (end > line.start && input.buf[end - 1] === RETURN) end--;
      if (isBlank(input.buf, line.start, end)) {
        if (blankLine === 0) blankLine = lineNo;
        // Blank lines may only end the file; a run of them longer than a line may be is a gzip bomb, not a tail.
        blankBytes += line.end - line.start + 1;
        if (blankBytes > this.limits.maxLineBytes) {
          throw this.error(`more than ${this.limits.maxLineBytes} bytes of blank lines (maxLineBytes; expected a word and its vector values, or the end of the file)`, blankLine);
        }
        continue;
      }
      if (blankLine !== 0) throw this.error(`empty line inside the data (expected a word and ${this.dim} values)`, blankLine);
      if (this.store.rows === limit) break;
      if (this.store.rows === expectedRows) {
        throw this.error(
          `the header says ${expectedRows} rows, but the file has more: this line is row ${expectedRows + 1}`,
          lineNo,
        );
      }
      this.parseRow(line.start, end, lineNo, line.terminated);
    }
    if (expectedRows >= 0 && this.store.rows < Math.min(expectedRows, limit)) {
      const lineNo = this.lines.lineNo + (lastLine && !lastLine.terminated ? 0 : 1);
      throw this.error(
        `the header says ${expectedRows} rows, but the file ends after ${this.store.rows} (expected row ${this.store.rows + 1} here; is the file truncated?)`,
        lineNo,
      );
    }
    return this.store.finish({
      locate: (row) => ({ file: this.file, line: firstDataLine + row }),
      onWarning: o.onWarning,
      counts: o.counts,
    });
  }

  /** Number of value fields after the word on a line (the GloVe dimension, from its first row). */
  private countValues(line: Line): number {
    const b = this.input.buf;
    let p = line.start;
    while (p < line.end && b[p] !== SPACE) p++;
    let n = 0;
    let end = line.end;
    if (end > p && b[end - 1] === RETURN) end--;
    while (p < end) {
      while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
      if (p >= end) break;
      n++;
      while (p < end && b[p] !== SPACE && b[p] !== TAB) p++;
    }
    return n;
  }

  /** Rows in a header-less file, from its size and the first line's length; the store grows if it is short. */
  private estimateRows(first: Line): number {
    const lineBytes = first.end - first.start + 1;
    const bytes = this.input.gzip ? this.input.size * 4 : this.input.size;
    return Math.max(16, Math.ceil((bytes / lineBytes) * 1.05));
  }

  /** Parses one "word v1 … vdim" line straight into the next matrix row. */
  private parseRow(start: number, end: number, lineNo: number, terminated: boolean): void {
    const b = this.input.buf;
    const dim = this.dim;
    let p = start;
    while (p < end && b[p] !== SPACE) p++;
    if (p === start) throw this.error(`expected a word at the start of the line, found a space`, lineNo);
    if (p - start > this.limits.maxWordBytes) throw this.error(`a word of more than ${this.limits.maxWordBytes} bytes (maxWordBytes; expected a word and its vector values)`, lineNo);
    const word = this.word(start, p, lineNo);
    const store = this.store;
    const at = store.nextRowOffset();
    const vectors = store.vectors;
    let j = 0;
    for (;;) {
      while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
      if (p >= end) break;
      const tokenStart = p;
      while (p < end && b[p] !== SPACE && b[p] !== TAB) p++;
      if (j === dim) {
        let found = dim + 1;
        for (;;) {
          while (p < end && (b[p] === SPACE || b[p] === TAB)) p++;
          if (p >= end) break;
          found++;
          while (p < end && b[p] !== SPACE && b[p] !== TAB) p++;
        }
        throw this.error(`expected ${dim} values after ${JSON.stringify(word)} (${this.dimSource}), found ${found}`, lineNo);
      }
      let v = parseDecimal(b, tokenStart, p);
      if (v !== v) v = this.slowValue(tokenStart, p, j, word, lineNo);
      vectors[at + j] = v;
      // A finite double can still overflow float32 (1e39).
      if (vectors[at + j] === Infinity || vectors[at + j] === -Infinity) {
        throw this.error(`value ${j + 1} of ${JSON.stringify(word)} (${b.toString('latin1', tokenStart, p)}) is outside the float32 range`, lineNo);
      }
      j++;
    }
    if (j !== dim) {
      const hint = terminated ? '' : ' (the last line has no newline: is the file truncated?)';
      throw this.error(`expected ${dim} values after ${JSON.stringify(word)} (${this.dimSource}), found ${j}${hint}`, lineNo);
    }
    store.push(word);
  }

  private slowValue(start: number, end: number, j: number, word: string, lineNo: number): number {
    const token = this.input.buf.toString('utf8', start, end);
    const v = parseNumberSlow(token);
    if (v === null) throw this.error(`expected a number as value ${j + 1} of ${JSON.stringify(word)}, found ${JSON.stringify(token)}`, lineNo);
    if (!Number.isFinite(v)) throw this.error(`value ${j + 1} of ${JSON.stringify(word)} is ${token}: vectors must be finite`, lineNo);
    return v;
  }

  private word(start: number, end: number, lineNo: number): string {
    const b = this.input.buf;
    const w = decodeWord(b, start, end, this.o.unicodeErrors);
    if (w !== null) return w;
    const at = invalidUtf8At(b, start, end);
    throw new FormatError(
      `invalid UTF-8 in a word: byte 0x${b[at].toString(16).padStart(2, '0')} (use unicodeErrors 'replace' or 'ignore' to load anyway)`,
      { file: this.file, line: lineNo, byte: this.input.offset(at) },
    );
  }
}

function isBlank(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== SPACE && b[i] !== TAB) return false;
  return true;
}
