import * as zlib from 'node:zlib';

/**
 * CRC-32 (the zlib/PNG polynomial), continued from `value` so large data can be checksummed block by block.
 * node:zlib has it natively since Node 20.15; older Node 20 releases get the table version below.
 */
export function crc32(data: Uint8Array, value = 0): number {
  const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  return native ? native(data, value) : tableCrc32(data, value);
}

let table: Uint32Array | undefined;

/** The byte-at-a-time table implementation (same results as zlib's). */
export function tableCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = ~value >>> 0;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
