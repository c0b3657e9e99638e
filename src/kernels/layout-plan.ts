/**
 * Writes a slot's configuration block: the int32 `values` at their `offsets`, the random state, a zero loss.
 * Every field of `offsets` named like a numeric field of `arrays` (a layout and its slot: syn0, work, ...)
 * gets that array's address, so a kernel's block lists only its sizes and switches.
 */
export function writeConfigBlock<K extends string>(
  buffer: ArrayBufferLike,
  ctx: number,
  offsets: Record<K | 'rng' | 'lossSum' | 'lossCount' | 'bytes', number>,
  arrays: object[],
  values: Partial<Record<K, number>>,
  rng: number,
): void {
  const dv = new DataView(buffer, ctx, offsets.bytes);
  const fields: Record<string, number> = {};
  for (const from of arrays) for (const [name, v] of Object.entries(from)) if (name in offsets && typeof v === 'number') fields[name] = v;
  for (const [name, v] of Object.entries({ ...fields, ...values })) dv.setInt32(offsets[name as K], v as number, true);
  dv.setInt32(offsets.rng, rng, true);
  dv.setFloat64(offsets.lossSum, 0, true);
  dv.setFloat64(offsets.lossCount, 0, true);
}

/**
 * Hands out 64-byte aligned byte ranges of a memory being planned, from `start` (1024: address arithmetic never
 * comes near zero). `end` is the size the memory needs.
 */
export function arena(start = 1024): { take(bytes: number): number; readonly end: number } {
  let at = start;
  return {
    take(bytes: number): number {
      const from = at;
      at = Math.ceil((at + Math.max(bytes, 0)) / 64) * 64;
      return from;
    },
    get end() {
      return at;
    },
  };
}

/** A slot's input buffers: `count` places for a chunk of up to `maxChunkWords` word ids and its sentence ends. */
export function inputBuffers(take: (bytes: number) => number, count: number, maxChunkWords: number): { ids: number; sentenceEnds: number }[] {
  return Array.from({ length: count }, () => ({ ids: take(maxChunkWords * 4), sentenceEnds: take((maxChunkWords + 1) * 4) }));
}

/** Refuses a shape whose fields named in `mins` are not integers at least their minimum; `kind` names the layout. */
export function checkShapeInts(kind: string, shape: object, mins: Record<string, number>): void {
  for (const [name, min] of Object.entries(mins)) {
    const v = (shape as Record<string, unknown>)[name] as number;
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${kind} layout: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
}

/** Typed-array views at planned addresses of `buffer`; address 0 means the array is absent (an empty view). */
export function viewMakers(buffer: ArrayBufferLike) {
  return {
    f32: (at: number, n: number) => new Float32Array(buffer, at, at ? n : 0),
    i32: (at: number, n: number) => new Int32Array(buffer, at, at ? n : 0),
    u8: (at: number, n: number) => new Uint8Array(buffer, at, at ? n : 0),
  };
}
