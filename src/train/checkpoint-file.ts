import { promises as fsp } from 'node:fs';
import { EmbedkitError, FormatError, InvalidArgumentError } from '../errors.ts';
import { withAtomicWriteStream } from '../util/atomic-write.ts';

/**
 * The container every training checkpoint uses (little-endian):
 *   a magic line naming the trainer and the format version,
 *   u32 header length, then the header as UTF-8 JSON (the trainer's settings, position and vocabulary, plus
 *   `lengths`: the float count of each matrix, in file order),
 *   the matrices as rows of `dim` float32s, one after another.
 * Written atomically, so a checkpoint interrupted while being saved leaves the previous one intact. Read in
 * blocks straight into the trainer's memory: a fastText checkpoint is as large as its model (~1 GB), and
 * holding the file and the model at once would double the peak.
 */

/** Matrices as the trainer holds them: rows of `stride` floats of which the first `dim` are the vector. */
export interface StridedMatrix {
  data: Float32Array;
  rows: number;
  stride: number;
}

/** Rows copied per block between the file and the strided matrices. */
const BLOCK_ROWS = 4096;

export async function writeCheckpointFile(path: string, magic: string, header: object, dim: number, matrices: [string, StridedMatrix | undefined][]): Promise<void> {
  const lengths = Object.fromEntries(matrices.map(([name, m]) => [name, (m?.rows ?? 0) * dim]));
  const json = Buffer.from(JSON.stringify({ ...header, lengths }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  await withAtomicWriteStream(path, async (out) => {
    const write = (b: Uint8Array) => (out.write(b) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
    await write(Buffer.from(magic, 'latin1'));
    await write(len);
    await write(json);
    for (const [, m] of matrices) {
      if (!m) continue;
      // Rows are copied out of the (shared) training memory in blocks, dropping the padding floats.
      for (let r0 = 0; r0 < m.rows; r0 += BLOCK_ROWS) {
        const r1 = Math.min(m.rows, r0 + BLOCK_ROWS);
        const buf = new Float32Array((r1 - r0) * dim);
        for (let r = r0; r < r1; r++) buf.set(m.data.subarray(r * m.stride, r * m.stride + dim), (r - r0) * dim);
        await write(new Uint8Array(buf.buffer));
      }
    }
  });
}

/** An opened checkpoint: its header, and its matrices read on demand. */
export interface CheckpointFile<H> {
  path: string;
  header: H;
  /** Float count of each matrix. */
  lengths: Record<string, number>;
  /** Reads matrix `name` into rows of `target` (rows × dim floats must be its length). */
  readInto(name: string, target: StridedMatrix, dim: number): Promise<void>;
  /** Reads matrix `name` whole into a new unpadded array (for matrices small enough to hold twice). */
  read(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

/**
 * Opens a checkpoint written with `magic` (`kind` names it in errors) and checks its structure: the header
 * parses and declares every matrix in `names`, and the file holds exactly those matrices' bytes.
 */
export async function openCheckpointFile<H>(path: string, magic: string, kind: string, names: readonly string[]): Promise<CheckpointFile<H>> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EmbedkitError('io_error', `cannot read checkpoint: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { file: path });
  }
  try {
    const size = (await handle.stat()).size;
    const readAt = async (position: number, length: number): Promise<Buffer> => {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, position);
      return buf.subarray(0, bytesRead);
    };
    const head = await readAt(0, magic.length + 4);
    if (head.subarray(0, magic.length).toString('latin1') !== magic) {
      throw new FormatError(`not an embedkit ${kind} checkpoint (expected it to start with ${JSON.stringify(magic.trim())})`, { file: path, byte: 0 });
    }
    if (head.length < magic.length + 4) throw new FormatError('checkpoint truncated in its header', { file: path, byte: magic.length });
    const hlen = head.readUInt32LE(magic.length);
    const headerStart = magic.length + 4;
    if (headerStart + hlen > size) throw new FormatError(`checkpoint truncated in its header: expected ${hlen} bytes, found ${size - headerStart}`, { file: path, byte: headerStart });
    let header: H & { lengths: Record<string, number> };
    try {
      header = JSON.parse((await readAt(headerStart, hlen)).toString('utf8')) as H & { lengths: Record<string, number> };
    } catch {
      throw new FormatError('checkpoint header is not valid JSON', { file: path, byte: headerStart });
    }
    const lengths = header.lengths ?? {};
    const offsets = new Map<string, number>();
    let at = headerStart + hlen;
    for (const [name, n] of Object.entries(lengths)) {
      if (!Number.isSafeInteger(n) || n < 0) throw new FormatError(`checkpoint header: matrix ${name} has an invalid length ${JSON.stringify(n)}`, { file: path, byte: headerStart });
      if (at + n * 4 > size) throw new FormatError(`checkpoint truncated in ${name}: expected ${n * 4} bytes, found ${size - at}`, { file: path, byte: at });
      offsets.set(name, at);
      at += n * 4;
    }
    for (const name of names) if (!offsets.has(name)) throw new FormatError(`checkpoint header does not list the matrix ${name}`, { file: path, byte: headerStart });
    if (at !== size) throw new FormatError(`checkpoint has ${size - at} unexpected bytes at its end`, { file: path, byte: at });

    const readInto = async (name: string, target: StridedMatrix, dim: number): Promise<void> => {
      const start = offsets.get(name);
      if (start === undefined || lengths[name] !== target.rows * dim) {
        throw new FormatError(`checkpoint matrix ${name} holds ${lengths[name] ?? 0} floats, expected ${target.rows} rows × ${dim}`, { file: path, byte: start ?? headerStart });
      }
      for (let r0 = 0; r0 < target.rows; r0 += BLOCK_ROWS) {
        const r1 = Math.min(target.rows, r0 + BLOCK_ROWS);
        const bytes = await readAt(start + r0 * dim * 4, (r1 - r0) * dim * 4);
        const rows = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
        for (let r = r0; r < r1; r++) target.data.set(rows.subarray((r - r0) * dim, (r - r0 + 1) * dim), r * target.stride);
      }
    };
    return {
      path,
      header,
      lengths,
      readInto,
      read: async (name) => {
        const start = offsets.get(name);
        if (start === undefined) return new Float32Array(0);
        const bytes = await readAt(start, lengths[name] * 4);
        return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      },
      close: () => handle.close(),
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Refuses to resume `path` when any setting it was written with differs from this run's, naming each. */
export function refuseChangedSettings<S extends object>(path: string, saved: S, now: S): void {
  const diffs = (Object.keys(now) as (keyof S)[]).filter((k) => saved[k] !== now[k]).map((k) => `${String(k)} ${String(saved[k])} (now ${String(now[k])})`);
  if (diffs.length) throw new InvalidArgumentError(`cannot resume ${path}: it was written with ${diffs.join(', ')}; rerun with the same settings`);
}
