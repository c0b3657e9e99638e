import { open, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { FormatError } from '../errors.ts';

/**
 * Little-endian binary reading and writing for fastText's `.bin` layout (native C++ writes of int32,
 * int64, double, bytes and NUL-terminated strings). The reader streams through a file handle so a
 * multi-gigabyte model never sits in memory twice, and every failure names the field and its byte offset.
 */

const CHUNK = 1 << 16;

export class ByteCursor {
  readonly file: string;
  readonly size: number;
  /** Absolute offset of the next unread byte. */
  offset = 0;
  private readonly fh: FileHandle;
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  /** Absolute offset of buf[0] and how many bytes of buf are valid. */
  private bufStart = 0;
  private bufLen = 0;

  private constructor(fh: FileHandle, file: string, size: number) {
    this.fh = fh;
    this.file = file;
    this.size = size;
  }

  static async open(file: string): Promise<ByteCursor> {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      return new ByteCursor(fh, file, size);
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  get remaining(): number {
    return this.size - this.offset;
  }

  /** A FormatError about `field`, located at `at` (default: the current offset). */
  error(field: string, message: string, at = this.offset): FormatError {
    return new FormatError(`${field}: ${message}`, { file: this.file, byte: at });
  }

  /** Throws unless `n` more bytes exist. */
  require(n: number, field: string): void {
    if (n > this.remaining) {
      throw this.error(field, `needs ${n} byte${n === 1 ? '' : 's'} but the file ends ${this.remaining} bytes later, at byte ${this.size} (truncated file?)`);
    }
  }

  /** Makes bytes [offset, offset + n) available in buf; returns their index in buf. */
  private async window(n: number, field: string): Promise<number> {
    this.require(n, field);
    if (this.offset >= this.bufStart && this.offset + n <= this.bufStart + this.bufLen) return this.offset - this.bufStart;
    if (this.buf.length < n) this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
    const want = Math.min(this.buf.length, this.size - this.offset);
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.fh.read(this.buf, got, want - got, this.offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    this.bufStart = this.offset;
    this.bufLen = got;
    if (got < n) throw this.error(field, `the file shrank while being read (${got} of ${n} bytes)`);
    return 0;
  }

  async int32(field: string): Promise<number> {
    const i = await this.window(4, field);
    this.offset += 4;
    return this.buf.readInt32LE(i);
  }

  /** An int64 that must fit a JavaScript number exactly. */
  async int64(field: string): Promise<number> {
    const at = this.offset;
    const i = await this.window(8, field);
    const v = this.buf.readBigInt64LE(i);
    this.offset += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw this.error(field, `value ${v} is out of range`, at);
    }
    return Number(v);
  }

  async float64(field: string): Promise<number> {
    const i = await this.window(8, field);
    this.offset += 8;
    return this.buf.readDoubleLE(i);
  }

  async uint8(field: string): Promise<number> {
    const i = await this.window(1, field);
    this.offset += 1;
    return this.buf[i];
  }

  /** Bytes up to the next NUL (excluded); the cursor moves past the NUL. */
  async cstring(field: string): Promise<Uint8Array> {
    const start = this.offset;
    let want = Math.min(64, this.remaining);
    for (;;) {
      if (want === 0) throw this.error(field, `no terminating NUL byte before the end of the file at byte ${this.size} (truncated file?)`, start);
      const i = await this.window(want, field);
      // Search everything the buffer holds from here, not just `want` bytes.
      const avail = this.bufStart + this.bufLen - start;
      const nul = this.buf.subarray(i, i + avail).indexOf(0);
      if (nul >= 0) {
        this.offset = start + nul + 1;
        return new Uint8Array(this.buf.subarray(i, i + nul));
      }
      if (start + avail >= this.size) {
        throw this.error(field, `no terminating NUL byte before the end of the file at byte ${this.size} (truncated file?)`, start);
      }
      want = Math.min(avail * 2, this.size - start);
    }
  }

  /** Fills `target` with the next target.byteLength bytes, reading large spans straight from the file. */
  async readInto(target: Uint8Array, field: string): Promise<void> {
    this.require(target.byteLength, field);
    let done = 0;
    // First whatever the buffer already holds.
    if (this.offset >= this.bufStart && this.offset < this.bufStart + this.bufLen) {
      const from = this.offset - this.bufStart;
      const n = Math.min(this.bufLen - from, target.byteLength);
      target.set(this.buf.subarray(from, from + n));
      done = n;
    }
    while (done < target.byteLength) {
      const { bytesRead } = await this.fh.read(target, done, Math.min(target.byteLength - done, 1 << 30), this.offset + done);
      if (bytesRead === 0) throw this.error(field, `the file shrank while being read`);
      done += bytesRead;
    }
    this.offset += target.byteLength;
  }

  /** Moves past `n` bytes that must exist. */
  skip(n: number, field: string): void {
    this.require(n, field);
    this.offset += n;
  }
}

/** Appends little-endian values into chunks and writes them to a stream, honouring backpressure. */
export class ByteSink {
  private readonly out: Writable;
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK);
  private used = 0;

  constructor(out: Writable) {
    this.out = out;
  }

  private room(n: number): void {
    if (this.used + n <= this.chunk.length) return;
    // Full: hand the chunk to the stream (it keeps the reference) and start a new one.
    if (this.used > 0) this.out.write(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.used = 0;
  }

  int32(v: number): void {
    this.room(4);
    this.used = this.chunk.writeInt32LE(v, this.used);
  }

  int64(v: number): void {
    this.room(8);
    this.used = this.chunk.writeBigInt64LE(BigInt(v), this.used);
  }

  float64(v: number): void {
    this.room(8);
    this.used = this.chunk.writeDoubleLE(v, this.used);
  }

  uint8(v: number): void {
    this.room(1);
    this.chunk[this.used++] = v;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.chunk.set(b, this.used);
    this.used += b.length;
  }

  /** Sends buffered bytes and waits while the stream is over its high-water mark. */
  async flush(): Promise<void> {
    if (this.used > 0) {
      const ok = this.out.write(this.chunk.subarray(0, this.used));
      this.chunk = Buffer.allocUnsafe(CHUNK);
      this.used = 0;
      if (!ok) await once(this.out, 'drain');
    }
  }

  /** Flushes, then writes a large array's bytes in slices without copying them. */
  async large(data: ArrayBufferView): Promise<void> {
    await this.flush();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const slice = 1 << 24;
    for (let at = 0; at < bytes.length; at += slice) {
      if (!this.out.write(bytes.subarray(at, Math.min(at + slice, bytes.length)))) await once(this.out, 'drain');
    }
  }
}
