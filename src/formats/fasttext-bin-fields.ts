import type { ByteCursor } from './fasttext-bin-io.ts';

/** Field readers that check values as they go and report the field's own offset on failure. */
export class FieldReader {
  readonly cursor: ByteCursor;
  /** Appended to every error about a file read in the legacy layout, so the reader's guess is visible. */
  note = '';

  constructor(cursor: ByteCursor) {
    this.cursor = cursor;
  }

  fail(field: string, message: string, at: number): never {
    throw this.cursor.error(field, message + this.note, at);
  }

  private async guarded<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (this.note && err instanceof Error && err.name === 'FormatError') {
        err.message += this.note;
      }
      throw err;
    }
  }

  /** An int32 within [min, max]. */
  async int32(field: string, min = -0x80000000, max = 0x7fffffff): Promise<number> {
    const at = this.cursor.offset;
    const v = await this.guarded(() => this.cursor.int32(field));
    if (v < min || v > max) this.fail(field, rangeMessage(v, min, max), at);
    return v;
  }

  async int64(field: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Promise<number> {
    const at = this.cursor.offset;
    const v = await this.guarded(() => this.cursor.int64(field));
    if (v < min || v > max) this.fail(field, rangeMessage(v, min, max), at);
    return v;
  }

  async float64(field: string): Promise<number> {
    return this.guarded(() => this.cursor.float64(field));
  }

  async flag(field: string): Promise<boolean> {
    const at = this.cursor.offset;
    const v = await this.guarded(() => this.cursor.uint8(field));
    if (v > 1) this.fail(field, `expected 0 or 1, found ${v}`, at);
    return v === 1;
  }

  async uint8(field: string): Promise<number> {
    return this.guarded(() => this.cursor.uint8(field));
  }

  async cstring(field: string): Promise<Uint8Array> {
    return this.guarded(() => this.cursor.cstring(field));
  }

  /** `count` bytes that must be present, as a fresh array. */
  async bytes(count: number, field: string): Promise<Uint8Array> {
    this.require(count, field);
    const out = new Uint8Array(count);
    await this.guarded(() => this.cursor.readInto(out, field));
    return out;
  }

  /** `count` float32 values that must be present. */
  async floats(count: number, field: string): Promise<Float32Array> {
    this.require(count * 4, field);
    const out = new Float32Array(count);
    await this.guarded(() => this.cursor.readInto(new Uint8Array(out.buffer), field));
    return out;
  }

  /** Fills `target` (a view into a larger array) with the next float32 values. */
  async floatsInto(target: Float32Array, field: string): Promise<void> {
    await this.guarded(() => this.cursor.readInto(new Uint8Array(target.buffer, target.byteOffset, target.byteLength), field));
  }

  require(bytes: number, field: string): void {
    if (bytes > this.cursor.remaining) {
      this.fail(field, `needs ${bytes} byte${bytes === 1 ? '' : 's'} but the file ends ${this.cursor.remaining} bytes later, at byte ${this.cursor.size} (truncated file?)`, this.cursor.offset);
    }
  }
}

function rangeMessage(v: number, min: number, max: number): string {
  if (max === Number.MAX_SAFE_INTEGER || max === 0x7fffffff) return `expected a value ≥ ${min}, found ${v}`;
  if (min === max) return `expected ${min}, found ${v}`;
  return `expected a value in ${min}..${max}, found ${v}`;
}
