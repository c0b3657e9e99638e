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
