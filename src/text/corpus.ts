import { constants as fsConstants, createReadStream, createWriteStream, promises as fsp, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { EmbedkitError, FormatError } from '../errors.ts';

/**
 * A training corpus: one sentence per line, read as a stream as many times as training needs (once for the
 * vocabulary, once per epoch) and never held in memory.
 */
export interface Corpus {
  /** The file name, or '-' for standard input. */
  path: string;
  /** Lines without their '\n' (a trailing '\r' is removed too). Each call starts a new pass. */
  lines(): AsyncIterable<string>;
  /** Size of the source in bytes (compressed size for .gz), when known; the denominator of `bytesRead`. */
  byteLength?: number;
  /**
   * The same lines in arrays of a few thousand, one array per read buffer: the fast path for per-epoch
   * passes, since awaiting once per line costs more than the tokenizing itself.
   */
  lineBatches?(): AsyncIterable<string[]>;
  /**
   * The file's bytes (decompressed), for readers that split them themselves without decoding every line (the
   * supervised dictionary pass); the lines are these bytes cut at '\n' and decoded as UTF-8.
   */
  byteChunks?(): AsyncIterable<Uint8Array>;
  /** Source bytes consumed by the pass in progress (compressed bytes for .gz), for progress display. */
  readonly bytesRead?: number;
  /** Releases what the corpus holds (the spool file of standard input). Safe to call twice. */
  close?(): Promise<void>;
}

/** Read buffer size: 64 KiB keeps the per-chunk overhead small while holding peak memory down (1 MiB strings doubled the reading peak). */
const READ_CHUNK = 1 << 16;
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Opens `input` for streaming: a file name ('.gz' files, or any file starting with the gzip magic bytes, are
 * decompressed on the fly), or '-' for standard input. Standard input (and a named pipe) can be read only once,
 * so the first pass spools it to a temporary file that serves every later pass and is removed by close() or at
 * process exit.
 * A missing, unreadable or non-regular file is reported here, before any work starts.
 * @example
 * ```ts
 * import { openCorpus } from 'embedkit/train';
 * const corpus = await openCorpus('corpus.txt');
 * let lines = 0;
 * for await (const _line of corpus.lines()) lines++;
 * await corpus.close?.();
 * console.log(lines);
 * ```
 */
export async function openCorpus(input: string): Promise<Corpus> {
  if (input === '-') return new SpooledCorpus('-', () => process.stdin);
  const { size, gzip, stream } = await probeFile(input);
  // A named pipe or device (`<(zcat ...)`, /dev/stdin) can be read only once, like standard input.
  if (stream) return new SpooledCorpus(input, () => createReadStream(input, { highWaterMark: READ_CHUNK }));
  return new FileCorpus(input, input, size, gzip || input.endsWith('.gz'));
}

/**
 * An in-memory corpus, for tests and for programs that already hold their sentences.
 * @example
 * ```ts
 * import { corpusFromLines, trainWord2Vec } from 'embedkit/train';
 * const sentences = Array.from({ length: 100 }, (_, i) => (i % 2 ? 'the cat sat on the mat' : 'the dog lay on the rug'));
 * await trainWord2Vec({ input: corpusFromLines(sentences), dim: 10, minCount: 1 });
 * ```
 */
export function corpusFromLines(lines: readonly string[], path = '<memory>'): Corpus {
  return {
    path,
    async *lines() {
      yield* lines;
    },
    async *lineBatches() {
      const batch = 4096;
      for (let i = 0; i < lines.length; i += batch) yield lines.slice(i, i + batch);
    },
  };
}

/** How much of the pass in progress has been read (0..1), for progress display; NaN when the size is unknown. */
export function fractionRead(corpus: Corpus): number {
  return corpus.byteLength && corpus.bytesRead !== undefined ? Math.min(1, corpus.bytesRead / corpus.byteLength) : NaN;
}

/** Yields every line of `corpus`, in batches when the corpus offers them. */
export async function* corpusBatches(corpus: Corpus): AsyncGenerator<string[]> {
  if (corpus.lineBatches) {
    yield* corpus.lineBatches();
    return;
  }
  let batch: string[] = [];
  for await (const line of corpus.lines()) {
    batch.push(line);
    if (batch.length === 4096) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function probeFile(path: string): Promise<{ size: number; gzip: boolean; stream: boolean }> {
  let handle: fsp.FileHandle | undefined;
  try {
    const stat = await fsp.stat(path);
    if (stat.isDirectory()) throw new EmbedkitError('io_error', 'cannot read file: it is a directory', { file: path });
    if (!stat.isFile()) {
      // A pipe is neither opened nor peeked here: closing its read end could kill the writer (SIGPIPE).
      await fsp.access(path, fsConstants.R_OK);
      return { size: 0, gzip: false, stream: true };
    }
    handle = await fsp.open(path, 'r');
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return { size: stat.size, gzip: bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1], stream: false };
  } catch (err) {
    throw ioError(err, path);
  } finally {
    await handle?.close();
  }
}

function ioError(err: unknown, path: string): EmbedkitError {
  if (err instanceof EmbedkitError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : (err as Error).message;
  return new EmbedkitError('io_error', `cannot read file: ${reason}`, { file: path });
}

/** Reads a file pass after pass. */
class FileCorpus implements Corpus {
  private consumed = 0;

  constructor(
    readonly path: string,
    private readonly file: string,
    readonly byteLength: number,
    private readonly gzip: boolean,
  ) {}

  get bytesRead(): number {
    return this.consumed;
  }

  async *lines(): AsyncGenerator<string> {
    for await (const batch of this.lineBatches()) yield* batch;
  }

  async *lineBatches(): AsyncGenerator<string[]> {
    yield* splitLines(this.byteChunks());
  }

  async *byteChunks(): AsyncGenerator<Buffer> {
    this.consumed = 0;
    const counted = async function* (this: FileCorpus, src: AsyncIterable<Buffer>) {
      for await (const chunk of src) {
        this.consumed += chunk.length;
        yield chunk;
      }
    }.call(this, createReadStream(this.file, { highWaterMark: READ_CHUNK }));
    try {
      yield* this.gzip ? gunzip(counted) : counted;
    } catch (err) {
      if (err instanceof EmbedkitError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === 'string' && code.startsWith('Z_')) {
        throw new FormatError(`not valid gzip data (${(err as Error).message}) after ${this.consumed} compressed bytes`, { file: this.path });
      }
      throw ioError(err, this.path);
    }
  }
}

/** Standard input or a pipe, spooled to a temporary file on the first pass so it can be read again. */
class SpooledCorpus implements Corpus {
  private spool: Promise<FileCorpus> | undefined;
  private file: FileCorpus | undefined;
  private spoolPath: string | undefined;
  private readonly removeAtExit = () => this.removeSpool();

  constructor(
    readonly path: string,
    private readonly source: () => NodeJS.ReadableStream,
  ) {}

  get byteLength(): number | undefined {
    return this.file?.byteLength;
  }

  get bytesRead(): number {
    return this.file?.bytesRead ?? 0;
  }

  async *lines(): AsyncGenerator<string> {
    for await (const batch of this.lineBatches()) yield* batch;
  }

  async *lineBatches(): AsyncGenerator<string[]> {
    this.spool ??= this.spoolSource();
    const file = await this.spool;
    yield* file.lineBatches();
  }

  async *byteChunks(): AsyncGenerator<Uint8Array> {
    this.spool ??= this.spoolSource();
    const file = await this.spool;
    yield* file.byteChunks();
  }

  async close(): Promise<void> {
    this.removeSpool();
  }

  /**
   * Copies the whole source to a temporary file first, then reads that file: simpler and more robust than
   * teeing (a first pass that stops early would otherwise leave a truncated spool), at the cost of one disk copy.
   */
  private async spoolSource(): Promise<FileCorpus> {
    const path = join(tmpdir(), `embedkit-spool-${process.pid}-${Date.now().toString(36)}`);
    this.spoolPath = path;
    process.once('exit', this.removeAtExit);
    try {
      const out = createWriteStream(path, { mode: 0o600 });
      await new Promise<void>((resolve, reject) => {
        pipeline(this.source(), out, (err) => (err ? reject(err) : resolve()));
      });
      await finished(out);
      const { size, gzip } = await probeFile(path);
      this.file = new FileCorpus(this.path, path, size, gzip);
      return this.file;
    } catch (err) {
      this.removeSpool();
      const what = this.path === '-' ? 'standard input' : 'the pipe';
      throw new EmbedkitError('io_error', `cannot read ${what}: ${(err as Error).message}`, { file: this.path });
    }
  }

  private removeSpool(): void {
    if (this.spoolPath) rmSync(this.spoolPath, { force: true });
    this.spoolPath = undefined;
    process.removeListener('exit', this.removeAtExit);
  }
}

/** Decompresses a byte stream; errors of the source or of the data surface in the iteration. */
function gunzip(src: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const z = createGunzip({ chunkSize: READ_CHUNK });
  return pipeline(src, z, () => {
    /* errors reach the consumer through the iteration of z */
  });
}

/**
 * Turns byte chunks into arrays of lines. UTF-8 sequences cut by a chunk boundary are reassembled by the
 * streaming decoder; invalid bytes become U+FFFD rather than stopping a long run.
 */
async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + decoder.decode(chunk, { stream: true });
    const last = text.lastIndexOf('\n');
    if (last < 0) {
      carry = text;
      continue;
    }
    carry = text.slice(last + 1);
    const lines = text.slice(0, last).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.length && l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
    }
    yield lines;
  }
  carry += decoder.decode();
  if (carry.length) yield [carry.charCodeAt(carry.length - 1) === 13 ? carry.slice(0, -1) : carry];
}
