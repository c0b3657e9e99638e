import { promises as fsp } from 'node:fs';
import { EmbedkitError, FormatError, InvalidArgumentError } from '../errors.ts';
import { withAtomicWriteStream, writeAll } from '../util/atomic-write.ts';
import { crc32 } from '../util/crc32.ts';

/**
 * The container every training checkpoint uses (little-endian), format 2:
 *   a magic line naming the trainer and the format version ("… 2\n"),
 *   u32 header length, u32 CRC-32 of the header, then the header as UTF-8 JSON: the trainer's fields (settings,
 *   position, corpus fingerprint) and `sections`, the name, byte length and CRC-32 of every section in file order,
 *   the sections one after another: byte sections (the vocabulary's words and counts, as JSON) and matrices
 *   (rows of `dim` float32s).
 * Every section has its own checksum, so damage is reported by section name. Byte sections are checked when the
 * file is opened; matrices when they are read (they are read in blocks straight into the trainer's memory: a
 * fastText checkpoint is as large as its model, ~1 GB, and holding the file and the model at once would double
 * the peak), along with their values, which must all be finite.
 * Written atomically, so a checkpoint interrupted while being saved leaves the previous one intact.
 * Format 1 (no checksums) is refused: it cannot be checked.
 */

/** Matrices as the trainer holds them: rows of `stride` floats of which the first `dim` are the vector. */
export interface StridedMatrix {
  data: Float32Array;
  rows: number;
  stride: number;
}

/** One section of the file as the writer hands it over: bytes, or a strided matrix (undefined: stored empty). */
export type SectionData = { bytes: Uint8Array } | { matrix: StridedMatrix | undefined };

/** A section as the header describes it. */
export interface SectionEntry {
  name: string;
  bytes: number;
  crc32: number;
}

/** Rows copied per block between the file and the strided matrices. */
const BLOCK_ROWS = 4096;
/** Headers larger than this are damage, not data (the vocabulary lives in its own sections). */
const MAX_HEADER_BYTES = 64 << 20;

export async function writeCheckpointFile(path: string, magic: string, header: object, dim: number, sections: [string, SectionData][]): Promise<void> {
  // The checksums go in the header, which precedes the sections: computed first (matrices block by block),
  // and the same blocks are produced again when writing.
  const blocks = function* (data: SectionData): Generator<Uint8Array> {
    if ('bytes' in data) {
      yield data.bytes;
      return;
    }
    const m = data.matrix;
    if (!m) return;
    // Rows are copied out of the (shared) training memory in blocks, dropping the padding floats.
    for (let r0 = 0; r0 < m.rows; r0 += BLOCK_ROWS) {
      const r1 = Math.min(m.rows, r0 + BLOCK_ROWS);
      const buf = new Float32Array((r1 - r0) * dim);
      for (let r = r0; r < r1; r++) buf.set(m.data.subarray(r * m.stride, r * m.stride + dim), (r - r0) * dim);
      yield new Uint8Array(buf.buffer);
    }
  };
  const entries: SectionEntry[] = sections.map(([name, data]) => {
    let crc = 0;
    let bytes = 0;
    for (const b of blocks(data)) {
      crc = crc32(b, crc);
      bytes += b.length;
    }
    return { name, bytes, crc32: crc };
  });
  const json = Buffer.from(JSON.stringify({ ...header, sections: entries }), 'utf8');
  const fields = Buffer.alloc(8);
  fields.writeUInt32LE(json.length, 0);
  fields.writeUInt32LE(crc32(json), 4);
  await withAtomicWriteStream(
    path,
    async (out) => {
      await writeAll(out, Buffer.from(magic, 'latin1'));
      await writeAll(out, fields);
      await writeAll(out, json);
      for (const [, data] of sections) for (const b of blocks(data)) await writeAll(out, b);
    },
    'the checkpoint',
  );
}

/** An opened checkpoint: its header, its byte sections (checked), and its matrices read on demand. */
export interface CheckpointFile<H> {
  path: string;
  header: H;
  /** Float count of each matrix (byte length / 4 of each section). */
  lengths: Record<string, number>;
  /** The bytes of section `name`, their checksum verified. */
  bytes(name: string): Promise<Buffer>;
  /** Reads matrix `name` into rows of `target` (rows × dim floats must be its length), checking its checksum and values. */
  readInto(name: string, target: StridedMatrix, dim: number): Promise<void>;
  /** Reads matrix `name` whole into a new unpadded array (for matrices small enough to hold twice). */
  read(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

/** The magic line without its version number ("EMBEDKIT-W2V-CHECKPOINT "), to recognise other versions. */
function magicName(magic: string): string {
  return magic.slice(0, magic.trimEnd().lastIndexOf(' ') + 1);
}

/**
 * Opens a checkpoint written with `magic` (`kind` names it in errors) and checks its structure: the header's
 * checksum, that it parses to an object listing sections whose sizes add up to the file's, and that it holds
 * every section in `names`.
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
    const head = await readAt(0, magic.length + 8);
    const start = head.subarray(0, magic.length).toString('latin1');
    if (start !== magic) {
      const name = magicName(magic);
      const version = start.startsWith(name) ? /^(\d+)\n/.exec(start.slice(name.length) + head.subarray(magic.length).toString('latin1')) : null;
      if (version && Number(version[1]) < Number(magic.slice(name.length))) {
        throw new FormatError(
          `this ${kind} checkpoint was written by an older version of embedkit (checkpoint format ${version[1]}, without checksums), so it cannot be checked; start the training again without resuming from it`,
          { file: path, byte: 0 },
        );
      }
      throw new FormatError(`not an embedkit ${kind} checkpoint (expected it to start with ${JSON.stringify(magic.trim())})`, { file: path, byte: 0 });
    }
    if (head.length < magic.length + 8) throw new FormatError('checkpoint truncated in its header', { file: path, byte: magic.length });
    const hlen = head.readUInt32LE(magic.length);
    const headerStart = magic.length + 8;
    if (hlen > MAX_HEADER_BYTES || headerStart + hlen > size) throw new FormatError(`checkpoint truncated in its header: expected ${hlen} bytes, found ${size - headerStart}`, { file: path, byte: headerStart });
    const json = await readAt(headerStart, hlen);
    if (crc32(json) !== head.readUInt32LE(magic.length + 4)) throw new FormatError('checkpoint header is damaged (its checksum does not match)', { file: path, byte: headerStart });
    let header: H & { sections: SectionEntry[] };
    try {
      header = JSON.parse(json.toString('utf8')) as H & { sections: SectionEntry[] };
    } catch {
      throw new FormatError('checkpoint header is not valid JSON', { file: path, byte: headerStart });
    }
    const fail = (message: string, byte = headerStart): never => {
      throw new FormatError(message, { file: path, byte });
    };
    if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('checkpoint header is not an object');
    if (!Array.isArray(header.sections)) fail('checkpoint header field sections is missing');
    const entries = new Map<string, SectionEntry & { offset: number }>();
    let at = headerStart + hlen;
    for (const s of header.sections as unknown[]) {
      const e = s as SectionEntry;
      if (typeof e !== 'object' || e === null || typeof e.name !== 'string' || entries.has(e.name)) fail('checkpoint header field sections has an entry without a (unique) name');
      if (!Number.isSafeInteger(e.bytes) || e.bytes < 0) fail(`checkpoint header: section ${e.name} has an invalid length ${JSON.stringify(e.bytes)}`);
      if (!Number.isInteger(e.crc32) || e.crc32 < 0 || e.crc32 > 0xffffffff) fail(`checkpoint header: section ${e.name} has an invalid checksum ${JSON.stringify(e.crc32)}`);
      if (at + e.bytes > size) fail(`checkpoint truncated in ${e.name}: expected ${e.bytes} bytes, found ${size - at}`, at);
      entries.set(e.name, { ...e, offset: at });
      at += e.bytes;
    }
    for (const name of names) if (!entries.has(name)) fail(`checkpoint header does not list the section ${name}`);
    if (at !== size) fail(`checkpoint has ${size - at} unexpected bytes at its end`, at);
    const lengths = Object.fromEntries([...entries.values()].map((e) => [e.name, e.bytes / 4]));

    const entry = (name: string) => entries.get(name) ?? fail(`checkpoint has no section ${name}`);
    const damaged = (name: string, offset: number): never => fail(`checkpoint section ${name} is damaged (its checksum does not match)`, offset);
    const readInto = async (name: string, target: StridedMatrix, dim: number): Promise<void> => {
      const e = entry(name);
      if (e.bytes !== target.rows * dim * 4) fail(`checkpoint matrix ${name} holds ${e.bytes / 4} floats, expected ${target.rows} rows × ${dim}`, e.offset);
      let crc = 0;
      for (let r0 = 0; r0 < target.rows; r0 += BLOCK_ROWS) {
        const r1 = Math.min(target.rows, r0 + BLOCK_ROWS);
        const bytes = await readAt(e.offset + r0 * dim * 4, (r1 - r0) * dim * 4);
        crc = crc32(bytes, crc);
        const rows = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
        const bad = rows.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) fail(`checkpoint matrix ${name} row ${r0 + Math.floor(bad / dim)} holds ${rows[bad]}`, e.offset + (r0 * dim + bad) * 4);
        for (let r = r0; r < r1; r++) target.data.set(rows.subarray((r - r0) * dim, (r - r0 + 1) * dim), r * target.stride);
      }
      if (crc !== e.crc32) damaged(name, e.offset);
    };
    const bytes = async (name: string): Promise<Buffer> => {
      const e = entry(name);
      const b = await readAt(e.offset, e.bytes);
      if (crc32(b) !== e.crc32) damaged(name, e.offset);
      return b;
    };
    return {
      path,
      header,
      lengths,
      bytes,
      readInto,
      read: async (name) => {
        if (!entries.has(name)) return new Float32Array(0);
        const b = await bytes(name);
        if (b.length % 4 !== 0) fail(`checkpoint matrix ${name} holds ${b.length} bytes, not whole floats`, entry(name).offset);
        const floats = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
        const bad = floats.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) fail(`checkpoint matrix ${name} holds ${floats[bad]} at float ${bad}`, entry(name).offset + bad * 4);
        return floats;
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
