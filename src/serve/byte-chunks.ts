import { Readable } from 'node:stream';

/** Bytes per chunk: small enough that filling or writing one never holds the event loop, large enough to be few. */
const CHUNK_BYTES = 64 * 1024;
/** The first chunk: most answers (one or a few vectors) fit it whole. */
const FIRST_CHUNK_BYTES = 8 * 1024;

/**
 * A response body built piece by piece into fixed-size byte chunks, sent without ever being one string or one
 * buffer. A multi-megabyte answer as a single string costs the event loop tens of milliseconds at once after it
 * has been built: joining it, measuring its UTF-8 length for Content-Length, and encoding it for the socket each
 * run over all of it (more on a busy machine). Written into chunks as it is built, each piece costs its own
 * share, between the builder's turns, and the chunks go to the socket as they are.
 */
export class ByteChunks {
  private readonly chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(FIRST_CHUNK_BYTES);
  private used = 0;
  private total = 0;

  /** Appends `text`, which the caller guarantees is ASCII (one byte per character: numbers, base64, fixed keys). */
  ascii(text: string): void {
    this.append(text, text.length, 'latin1');
  }

  /** Appends any text, UTF-8 encoded. */
  utf8(text: string): void {
    this.append(text, Buffer.byteLength(text), 'utf8');
  }

  /** Bytes appended so far. */
  get length(): number {
    return this.total;
  }

  /**
   * The body for fastify's reply.send: one Buffer when it fits a chunk, else a stream of the chunks (the caller
   * sets Content-Length from `length`, so the answer is not sent chunked).
   */
  payload(): Buffer | Readable {
    const parts = [...this.chunks, this.current.subarray(0, this.used)];
    return parts.length === 1 ? parts[0] : Readable.from(parts, { objectMode: false });
  }

  private append(text: string, bytes: number, encoding: 'latin1' | 'utf8'): void {
    if (bytes > this.current.length - this.used) {
      if (this.used > 0) this.chunks.push(this.current.subarray(0, this.used));
      this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, bytes));
      this.used = 0;
    }
    this.used += this.current.write(text, this.used, bytes, encoding);
    this.total += bytes;
  }
}
