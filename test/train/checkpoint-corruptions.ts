// The corruption classes issue 15 found checkpoints accepting or crashing on, applied to a real checkpoint.
// Shared by the corruption-table test and anything else that wants the same catalogue.
import { EmbedkitError } from '../../src/errors.ts';
import { crc32 } from '../../src/util/crc32.ts';

/** A checkpoint split into its parts: magic line, header JSON, and the bytes after the header. */
export interface CheckpointParts {
  magic: string;
  /** 1: no checksums (u32 header length); 2: u32 header length then u32 header CRC-32. */
  version: number;
  header: Record<string, unknown>;
  headerEnd: number;
  body: Buffer;
}

export function splitCheckpoint(bytes: Buffer): CheckpointParts {
  const nl = bytes.indexOf(0x0a);
  const magic = bytes.subarray(0, nl + 1).toString('latin1');
  const version = Number(magic.trim().split(' ').at(-1));
  const start = nl + 1 + (version >= 2 ? 8 : 4);
  const hlen = bytes.readUInt32LE(nl + 1);
  return { magic, version, header: JSON.parse(bytes.subarray(start, start + hlen).toString('utf8')), headerEnd: start + hlen, body: bytes.subarray(start + hlen) };
}

/** Joins the parts again; the header's checksum is recomputed (a consistent file whose values are wrong). */
export function joinCheckpoint(p: CheckpointParts, header = p.header, body = p.body): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const fields = Buffer.alloc(p.version >= 2 ? 8 : 4);
  fields.writeUInt32LE(json.length, 0);
  if (p.version >= 2) fields.writeUInt32LE(crc32(json), 4);
  return Buffer.concat([Buffer.from(p.magic, 'latin1'), fields, json, body]);
}

/** Byte offset and float count of matrix `name` in the file. */
export function matrixAt(bytes: Buffer, name: string): { offset: number; floats: number } {
  const p = splitCheckpoint(bytes);
  let at = p.headerEnd;
  if (p.version >= 2) {
    for (const s of p.header.sections as { name: string; bytes: number }[]) {
      if (s.name === name) return { offset: at, floats: s.bytes / 4 };
      at += s.bytes;
    }
  } else {
    for (const [n, floats] of Object.entries(p.header.lengths as Record<string, number>)) {
      if (n === name) return { offset: at, floats };
      at += floats * 4;
    }
  }
  throw new Error(`no matrix ${name}`);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function editHeader(bytes: Buffer, edit: (h: Json) => void): Buffer {
  const p = splitCheckpoint(bytes);
  const h = structuredClone(p.header) as Json;
  edit(h);
  return joinCheckpoint(p, h);
}

/** Changes a matrix's declared size by `delta` floats (in whichever way the format declares it). */
function resize(h: Json, name: string, delta: number): void {
  if (h.sections) (h.sections as Json[]).find((s) => s.name === name)!.bytes += delta * 4;
  else h.lengths[name] += delta;
}

function flipBit(bytes: Buffer, at: number, bit = 0): Buffer {
  const out = Buffer.from(bytes);
  out[at] ^= 1 << bit;
  return out;
}

function setFloat(bytes: Buffer, at: number, value: number, fixChecksum: boolean, name: string): Buffer {
  const out = Buffer.from(bytes);
  out.writeFloatLE(value, at);
  if (!fixChecksum) return out;
  const p = splitCheckpoint(out);
  if (p.version < 2) return out;
  const h = structuredClone(p.header) as Json;
  const { offset, floats } = matrixAt(out, name);
  (h.sections as Json[]).find((s) => s.name === name)!.crc32 = crc32(out.subarray(offset, offset + floats * 4));
  return joinCheckpoint(p, h, out.subarray(p.headerEnd));
}

/** What a corruption needs to know about the pristine run. */
export interface Pristine {
  bytes: Buffer;
  /** A word of the vocabulary (its bytes are found and a bit flipped). */
  word: string;
  /** The first two vocabulary counts, as they are written. */
  counts: [number, number];
  dim: number;
}

export interface Corruption {
  name: string;
  /** The damaged checkpoint, or undefined when the class is about the corpus rather than the file. */
  bytes?: (p: Pristine) => Buffer;
  /** Resume on another corpus than the one the checkpoint was written for. */
  otherCorpus?: boolean;
}

export const CORRUPTIONS: Corruption[] = [
  { name: 'header key missing: settings', bytes: (p) => editHeader(p.bytes, (h) => delete h.settings) },
  { name: 'header key missing: position', bytes: (p) => editHeader(p.bytes, (h) => delete h.position) },
  { name: 'header key missing: position.epoch', bytes: (p) => editHeader(p.bytes, (h) => delete h.position.epoch) },
  { name: 'header key missing: position.rng', bytes: (p) => editHeader(p.bytes, (h) => delete h.position.rng) },
  { name: 'header key missing: settings.dim', bytes: (p) => editHeader(p.bytes, (h) => delete h.settings.dim) },
  { name: 'header: settings is null', bytes: (p) => editHeader(p.bytes, (h) => (h.settings = null)) },
  { name: 'header is an array', bytes: (p) => editHeader(p.bytes, (h) => Object.keys(h).forEach((k) => delete h[k])) },
  { name: 'shifted matrix lengths (syn0 +dim, syn1neg −dim)', bytes: (p) => editHeader(p.bytes, (h) => (resize(h, 'syn0', p.dim), resize(h, 'syn1neg', -p.dim))) },
  { name: 'matrix length not a whole row (syn0 +1, syn1neg −1)', bytes: (p) => editHeader(p.bytes, (h) => (resize(h, 'syn0', 1), resize(h, 'syn1neg', -1))) },
  { name: 'NaN in syn0', bytes: (p) => setFloat(p.bytes, matrixAt(p.bytes, 'syn0').offset + 12, NaN, false, 'syn0') },
  { name: 'NaN in syn0, its checksum matching', bytes: (p) => setFloat(p.bytes, matrixAt(p.bytes, 'syn0').offset + 12, NaN, true, 'syn0') },
  { name: '+Infinity in syn1neg, its checksum matching', bytes: (p) => setFloat(p.bytes, matrixAt(p.bytes, 'syn1neg').offset + 40, Infinity, true, 'syn1neg') },
  { name: 'bit flip in a word', bytes: (p) => flipBit(p.bytes, p.bytes.indexOf(Buffer.from(`"${p.word}"`)) + 1, 0) },
  { name: 'bit flip in a count', bytes: (p) => flipBit(p.bytes, p.bytes.indexOf(Buffer.from(`${p.counts[0]},${p.counts[1]},`)), 0) },
  { name: 'bit flip in syn0 (mantissa)', bytes: (p) => flipBit(p.bytes, matrixAt(p.bytes, 'syn0').offset + 100, 3) },
  { name: 'bit flip in syn1neg (exponent)', bytes: (p) => flipBit(p.bytes, matrixAt(p.bytes, 'syn1neg').offset + 7, 6) },
  { name: 'position.epoch 99', bytes: (p) => editHeader(p.bytes, (h) => (h.position.epoch = 99)) },
  { name: 'position.epoch -1', bytes: (p) => editHeader(p.bytes, (h) => (h.position.epoch = -1)) },
  { name: 'position.epoch 0.5', bytes: (p) => editHeader(p.bytes, (h) => (h.position.epoch = 0.5)) },
  { name: 'position.chunksDone 1e9', bytes: (p) => editHeader(p.bytes, (h) => (h.position.chunksDone = 1e9)) },
  { name: 'position.wordsDone negative', bytes: (p) => editHeader(p.bytes, (h) => (h.position.wordsDone = -5000)) },
  { name: 'position.wordsDone 1e15', bytes: (p) => editHeader(p.bytes, (h) => (h.position.wordsDone = 1e15)) },
  { name: 'position.wordsPerEpoch 0', bytes: (p) => editHeader(p.bytes, (h) => (h.position.wordsPerEpoch = 0)) },
  { name: 'position.rng not numbers', bytes: (p) => editHeader(p.bytes, (h) => (h.position.rng = ['x'])) },
  { name: 'settings.epochs changed in the file', bytes: (p) => editHeader(p.bytes, (h) => (h.settings.epochs = 7)) },
  { name: 'settings.dim changed in the file', bytes: (p) => editHeader(p.bytes, (h) => (h.settings.dim = p.dim * 2)) },
  { name: 'header byte flipped (checksum not fixed)', bytes: (p) => flipBit(p.bytes, splitCheckpoint(p.bytes).headerEnd - 3, 0) },
  { name: 'header length field too large', bytes: (p) => (p.bytes.writeUInt32LE(0xffffff00, p.bytes.indexOf(0x0a) + 1), p.bytes) },
  { name: 'truncated in the last matrix', bytes: (p) => p.bytes.subarray(0, p.bytes.length - 100) },
  { name: 'truncated in the header', bytes: (p) => p.bytes.subarray(0, splitCheckpoint(p.bytes).headerEnd - 10) },
  { name: 'truncated to the magic line', bytes: (p) => p.bytes.subarray(0, p.bytes.indexOf(0x0a) + 1) },
  { name: 'empty file', bytes: () => Buffer.alloc(0) },
  { name: 'extra bytes at the end', bytes: (p) => Buffer.concat([p.bytes, Buffer.alloc(16)]) },
  { name: 'written by an older version (format 1)', bytes: (p) => Buffer.concat([Buffer.from(p.bytes.subarray(0, p.bytes.indexOf(0x0a) - 1)), Buffer.from('1'), p.bytes.subarray(p.bytes.indexOf(0x0a))]) },
  { name: 'resumed on a different corpus (same size)', otherCorpus: true },
];

export type Outcome = 'refused cleanly' | 'accepted' | 'crashed';

/** Refused cleanly: an EmbedkitError that names the checkpoint file. Anything else thrown is a crash. */
export function classify(err: unknown, path: string): { outcome: Outcome; message: string } {
  if (err === undefined) return { outcome: 'accepted', message: '' };
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof EmbedkitError && message.includes(path)) return { outcome: 'refused cleanly', message };
  return { outcome: 'crashed', message: `${err instanceof Error ? err.name : typeof err}: ${message}` };
}
