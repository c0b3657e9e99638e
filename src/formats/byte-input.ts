import { constants } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FormatError } from '../errors.ts';

/**
 * A pull-style byte reader over a file (plain or gzip-compressed) with one growable window buffer.
 * Readers parse straight out of `buf[start, end)`; when a row spans the window's end they ask for more,
 * which moves the unread tail to the front and reads the next block after it. No per-line allocation,
 * no readline: reading a 1 GB file is a few dozen large reads plus the parsing itself.
 */

/** First read size; it doubles after each read up to MAX_READ, so `limit` loads touch little of a big file. */
const FIRST_READ = 1 << 18;
const MAX_READ = 1 << 24;
/**
 * Whole-file mode: blocks read at once, each on its own libuv thread. Reading into fresh memory is mostly page
 * faults; two reads in flight took a 1 GB load from ~0.95 s to ~0.89 s on 2 cores (three were no faster).
 */
const READS_IN_FLIGHT = 2;

interface RawSource {
  read(into: Buffer, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

class FileSource implements RawSource {
  /** Where the next read starts: advanced when a read is issued, so several may be in flight at once. */
  private position = 0;
  constructor(private readonly fh: FileHandle) {}
  async read(into: Buffer, offset: number, length: number): Promise<number> {
    const at = this.position;
    this.position += length;
    const { bytesRead } = await this.fh.read(into, offset, length, at);
    if (bytesRead < length) this.position = at + bytesRead;
    return bytesRead;
  }
  close(): Promise<void> {
    return this.fh.close();
  }
}

/** Decompressed bytes of a gzip file, served through the same read() as a plain file. */
class GunzipSource implements RawSource {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer | null = null;
  private pendingPos = 0;
  /** Decompressed bytes handed out so far: where a decompression error is reported. */
  private delivered = 0;

  constructor(
    private readonly stream: Readable,
    private readonly file: string,
  ) {
    this.chunks = stream[Symbol.asyncIterator]();
  }

  async read(into: Buffer, offset: number, length: number): Promise<number> {
    let n = 0;
    while (n < length) {
      if (this.pending === null || this.pendingPos >= this.pending.length) {
        let next: IteratorResult<Buffer>;
        try {
          next = await this.chunks.next();
        } catch (err) {
          // The offset is in the decompressed text, as for every other error about a gzip file's content.
          const at = this.delivered + n;
          throw new FormatError(`cannot decompress gzip data (${at} bytes of text decompressed before the error): ${(err as Error).message}`, { file: this.file, byte: at });
        }
        if (next.done) break;
        this.pending = next.value;
        this.pendingPos = 0;
        continue;
      }
      const take = Math.min(length - n, this.pending.length - this.pendingPos);
      this.pending.copy(into, offset + n, this.pendingPos, this.pendingPos + take);
      this.pendingPos += take;
      n += take;
    }
    this.delivered += n;
    return n;
  }

  async close(): Promise<void> {
    this.stream.destroy();
  }
}

export class ByteInput {
  /** Window buffer; only `[start, end)` holds unread data. */
  buf: Buffer;
  start = 0;
  end = 0;
  /** Absolute offset (in the decompressed stream) of buf[0]; add it to an index to report a byte position. */
  base = 0;
  eof = false;
  /** Bytes pulled from the source so far (decompressed). */
  bytesRead = 0;
  private readSize = FIRST_READ;
  /** Whole-file mode: the reads in flight (bytes asked for, bytes read), in file order; the first fills buf[end, …). */
  private readonly ahead: { length: number; read: Promise<number> }[] = [];
  /** Whole-file mode: where the next read to start goes. */
  private aheadAt = 0;

  private constructor(
    private readonly source: RawSource,
    readonly file: string,
    /** True when the file is gzip-compressed (then `size` is the compressed size). */
    readonly gzip: boolean,
    readonly size: number,
    /** The whole file goes into one buffer of its size, never compacted (see open()). */
    readonly whole: boolean,
  ) {
    // A small plain file gets a window of its size (+1 to see the end), not FIRST_READ: loading many small files
    // would otherwise allocate 256 KiB each and spend its time in garbage collection.
    this.buf = Buffer.allocUnsafe(whole ? size : gzip ? FIRST_READ : Math.min(FIRST_READ, size + 1));
  }

  /**
   * Opens `path`; gzip is recognized by its magic bytes, whatever the file is called. With `whole` (plain
   * files only; ignored for gzip) the window is one buffer the size of the file and data never moves, so a
   * reader can turn that buffer into its result in place: the word2vec binary reader slides each vector
   * down to its row, sparing a second gigabyte-sized allocation and its page faults.
   */
  static async open(path: string, options: { whole?: boolean } = {}): Promise<ByteInput> {
    const fh = await open(path, 'r');
    try {
      const stat = await fh.stat();
      if (!stat.isFile()) throw new FormatError('not a regular file', { file: path });
      const magic = Buffer.alloc(2);
      const { bytesRead } = await fh.read(magic, 0, 2, 0);
      if (bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
        await fh.close();
        // 1 MiB reads and output chunks for large files; a small file's size rounded up to 64 KiB, for the same reason.
        const chunk = Math.min(1 << 20, Math.max(1 << 16, stat.size));
        const gunzip = pipeline(createReadStream(path, { highWaterMark: chunk }), createGunzip({ chunkSize: chunk }), () => {
          /* errors surface through the iterator */
        });
        return new ByteInput(new GunzipSource(gunzip, path), path, true, stat.size, false);
      }
      // One Buffer holds at most buffer.constants.MAX_LENGTH bytes; bigger files stream through the window.
      const whole = options.whole === true && stat.size <= constants.MAX_LENGTH;
      return new ByteInput(new FileSource(fh), path, false, stat.size, whole);
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }
  }

  /** Absolute byte offset of buf[i]. */
  offset(i: number): number {
    return this.base + i;
  }

  /**
   * Reads another block after the unread data (moving that data to the front first). At least `minBytes`
   * of buffer space is offered to the read. Returns false at end of input.
   */
  async more(minBytes = 0): Promise<boolean> {
    if (this.eof) return false;
    if (this.whole) {
      // The file as it was when opened: whatever it grew by afterwards is not read.
      if (this.ahead.length === 0) this.readAhead(minBytes);
      const { length, read } = this.ahead.shift()!;
      const n = await read;
      if (n === 0) {
        this.eof = true;
        return false;
      }
      this.end += n;
      this.bytesRead += n;
      if (n < length) {
        // Only the file's end reads short (it shrank since it was opened): what follows is not read.
        await this.settleReads();
        this.eof = true;
        return true;
      }
      // Keep reads in flight (on libuv's threads, faulting in their fresh pages there) while the caller parses.
      this.readAhead(0);
      return true;
    }
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
    }
    // A plain file asks for no more than what is left of it (+1 to see the end), as the window was sized.
    const left = this.gzip ? Infinity : Math.max(1, this.size - this.bytesRead + 1);
    const want = Math.max(Math.min(this.readSize, left), minBytes);
    if (this.buf.length - this.end < want) {
      const bigger = Buffer.allocUnsafe(this.end + want);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    const n = await this.source.read(this.buf, this.end, want);
    if (n === 0) {
      this.eof = true;
      return false;
    }
    this.end += n;
    this.bytesRead += n;
    this.readSize = Math.min(this.readSize * 2, MAX_READ);
    return true;
  }

  /** Makes `n` unread bytes available unless the input ends first; returns whether it could. */
  async need(n: number): Promise<boolean> {
    while (this.end - this.start < n) {
      if (!(await this.more(n - (this.end - this.start)))) return false;
    }
    return true;
  }

  /** Whole-file mode: starts reads of the next blocks until READS_IN_FLIGHT are pending. */
  private readAhead(minBytes: number): void {
    if (this.aheadAt < this.end) this.aheadAt = this.end;
    while (this.ahead.length < READS_IN_FLIGHT) {
      const at = this.aheadAt;
      const want = Math.min(Math.max(this.readSize, minBytes), this.buf.length - at);
      if (want <= 0) {
        if (this.ahead.length === 0) this.ahead.push({ length: 0, read: Promise.resolve(0) });
        return;
      }
      const read = this.source.read(this.buf, at, want);
      // Marked handled now: the caller may be parsing synchronously when it fails, and awaits it later.
      read.catch(() => undefined);
      this.ahead.push({ length: want, read });
      this.aheadAt = at + want;
      this.readSize = Math.min(this.readSize * 2, MAX_READ);
    }
  }

  async close(): Promise<void> {
    await this.settleReads();
    return this.source.close();
  }

  /** Waits for the reads in flight and drops them: they must finish before their buffer or file handle goes. */
  private async settleReads(): Promise<void> {
    await Promise.all(this.ahead.splice(0).map(({ read }) => read.catch(() => 0)));
  }
}

/** The first `n` bytes of a file (decompressed when gzip), fewer if the file is shorter. */
export async function readHead(path: string, n: number): Promise<Buffer> {
  const input = await ByteInput.open(path);
  try {
    await input.need(n);
    return Buffer.from(input.buf.subarray(input.start, Math.min(input.end, input.start + n)));
  } finally {
    await input.close();
  }
}
