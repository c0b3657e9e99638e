/**
 * fastText's tokens read straight from a file's bytes, as its Dictionary::readWord reads them: a token is a run of
 * bytes other than its separators (space, \t, \n, \v, \f, \r, NUL), and every '\n' ends a line. Each distinct
 * token is decoded to a string once, when first seen; every other occurrence is found by its bytes' hash. The
 * supervised dictionary pass reads a file this way instead of decoding it into line strings and splitting them,
 * which made about four fifths of that pass's time (strings allocated per token, then looked up in a Map). The
 * hash is word-table.ts's FNV-1a step, here over bytes (that table hashes a line's UTF-16 code units).
 */
import { HASH_SEED, hashStep } from './word-table.ts';

/** Bytes that end a token (fastText's separators). */
const SEPARATOR = new Uint8Array(256);
for (const b of [0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x00]) SEPARATOR[b] = 1;


/** Thrown inside the reader when a token is not valid UTF-8: the caller reads the file as text instead. */
export class NotUtf8Error extends Error {}

/** The distinct tokens of a file in the order first seen, each an id (its index in `tokens`). */
export class ByteTokenTable {
  /** The tokens, decoded; id i is tokens[i]. */
  readonly tokens: string[] = [];
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private starts = new Int32Array(1 << 10);
  private hashes = new Int32Array(1 << 10);
  /** Open addressing over the hashes: id + 1, 0 for an empty slot. */
  private slots = new Int32Array(1 << 12);
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly encoder = new TextEncoder();

  /** The id of `token` (a string, e.g. `</s>`), added when new. */
  idOfString(token: string): number {
    const b = this.encoder.encode(token);
    let h = HASH_SEED;
    for (let i = 0; i < b.length; i++) h = hashStep(h, b[i]);
    return this.idOf(b, 0, b.length, h);
  }

  /** The id of the token in bytes[start, end) whose FNV-1a hash is `h`, added when new. */
  idOf(bytes: Uint8Array, start: number, end: number, h: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const slot = this.slots[at];
      if (slot === 0) return this.add(bytes, start, end, h, at);
      const id = slot - 1;
      if (this.hashes[id] !== h) continue;
      const from = this.starts[id];
      if (this.starts[id + 1] - from !== length) continue;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (this.bytes[from + i] !== bytes[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
  }

  private add(bytes: Uint8Array, start: number, end: number, h: number, at: number): number {
    const id = this.tokens.length;
    let token: string;
    try {
      token = this.decoder.decode(bytes.subarray(start, end));
    } catch {
      throw new NotUtf8Error();
    }
    this.tokens.push(token);
    const length = end - start;
    if (this.used + length > this.bytes.length) this.bytes = grown(this.bytes, this.used + length);
    this.bytes.set(bytes.subarray(start, end), this.used);
    if (id + 2 > this.starts.length) {
      this.starts = grown(this.starts, id + 2);
      this.hashes = grown(this.hashes, id + 2);
    }
    this.starts[id] = this.used;
    this.used += length;
    this.starts[id + 1] = this.used;
    this.hashes[id] = h;
    this.slots[at] = id + 1;
    if (2 * this.tokens.length > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.tokens.length; id++) {
      let at = this.hashes[id] & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = id + 1;
    }
    this.slots = slots;
  }
}

function grown<T extends Uint8Array | Int32Array>(a: T, need: number): T {
  let size = a.length * 2;
  while (size < need) size *= 2;
  const out = new (a.constructor as new (n: number) => T)(size);
  out.set(a);
  return out;
}

/** A batch of lines as token ids: the ids in order (each line's last is the end-of-line token), and the exclusive end of each line in `ids`. */
export interface TokenIdLines {
  ids: Int32Array;
  lineEnds: Int32Array;
}

/**
 * The lines of a byte stream as token ids of `table`, one batch per chunk that ends a line (the arrays are views,
 * valid until the next batch). Lines are cut at '\n' and each ends with the token `endOfLine` (fastText's `</s>`),
 * which the table first meets after the first line's tokens; a last line without '\n' counts when it holds any
 * byte. A UTF-8 byte-order mark at the start is skipped, as the text reader's decoder skips it. A token that is not
 * valid UTF-8 throws NotUtf8Error.
 */
export async function* byteTokenLines(chunks: AsyncIterable<Uint8Array>, table: ByteTokenTable, endOfLine: string): AsyncGenerator<TokenIdLines> {
  let eol = -1;
  // A token cut by the end of a chunk waits in `carry`, its hash so far in h.
  let carry: Uint8Array = new Uint8Array(256);
  let carried = 0;
  let h = HASH_SEED;
  let lineOpen = false;
  let first = true;
  // Ids not yet handed out: whole lines, then the line still open.
  let ids = new Int32Array(1 << 14);
  let count = 0;
  let lineEnds = new Int32Array(1 << 10);
  for await (let chunk of chunks) {
    if (first && chunk.length > 0) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    // A chunk adds at most one id per byte (a token, or the end of a line), plus the carried token.
    if (ids.length < count + chunk.length + 2) ids = grown(ids, count + chunk.length + 2);
    if (lineEnds.length < chunk.length) lineEnds = new Int32Array(chunk.length);
    let lines = 0;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (SEPARATOR[b] === 0) {
        h = hashStep(h, b);
        continue;
      }
      if (carried > 0) {
        carry = append(carry, carried, chunk, start, i);
        ids[count++] = table.idOf(carry, 0, carried + i - start, h);
        carried = 0;
        h = HASH_SEED;
      } else if (i > start) {
        ids[count++] = table.idOf(chunk, start, i, h);
        h = HASH_SEED;
      }
      start = i + 1;
      if (b === 0x0a) {
        if (eol < 0) eol = table.idOfString(endOfLine);
        ids[count++] = eol;
        lineEnds[lines++] = count;
      }
    }
    if (start < chunk.length) {
      carry = append(carry, carried, chunk, start, chunk.length);
      carried += chunk.length - start;
    }
    if (chunk.length > 0) lineOpen = chunk[chunk.length - 1] !== 0x0a;
    if (lines > 0) {
      const end = lineEnds[lines - 1];
      yield { ids: ids.subarray(0, end), lineEnds: lineEnds.subarray(0, lines) };
      ids.copyWithin(0, end, count);
      count -= end;
    }
  }
  if (carried > 0) ids[count++] = table.idOf(carry, 0, carried, h);
  if (lineOpen || count > 0) {
    ids[count++] = eol < 0 ? table.idOfString(endOfLine) : eol;
    yield { ids: ids.subarray(0, count), lineEnds: Int32Array.of(count) };
  }
}

/** `carry` with chunk[from, to) appended after its first `carried` bytes (grown when needed). */
function append(carry: Uint8Array, carried: number, chunk: Uint8Array, from: number, to: number): Uint8Array {
  const out: Uint8Array = carried + to - from > carry.length ? grown(carry, carried + to - from) : carry;
  out.set(chunk.subarray(from, to), carried);
  return out;
}
