import type { Writable } from 'node:stream';

/**
 * A byte buffer in front of a write stream: writers fill `buf` at `pos` and hand over whole blocks,
 * so a million-row file costs a few hundred stream writes instead of millions, and backpressure is honoured.
 */
const BLOCK = 1 << 20;

export class ChunkedOutput {
  buf: Buffer = Buffer.allocUnsafe(BLOCK);
  pos = 0;

  constructor(private readonly out: Writable) {}

  /** Appends a string as UTF-8. Synchronous: the buffer grows if needed; call reserve() regularly to flush. */
  writeString(s: string): void {
    const max = s.length * 3;
    if (this.pos + max > this.buf.length) this.grow(this.pos + max);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Ensures `n` free bytes after `pos`, flushing a full block first (and waiting for the stream to drain). */
  async reserve(n: number): Promise<void> {
    if (this.pos + n <= this.buf.length) return;
    await this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  /** Writes out what is buffered; the stream takes ownership of that block, so a fresh one is used next. */
  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const block = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(BLOCK, this.buf.length));
    this.pos = 0;
    if (!this.out.write(block)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => {
          this.out.off('drain', onDrain);
          reject(err);
        };
        const onDrain = () => {
          this.out.off('error', onError);
          resolve();
        };
        this.out.once('drain', onDrain);
        this.out.once('error', onError);
      });
    }
  }

  private grow(size: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(size, this.buf.length * 2));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}
