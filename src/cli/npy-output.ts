import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** NumPy's .npy header (version 1.0) for a little-endian float32 rows × dim matrix, padded to 64 bytes. */
export function npyHeader(rows: number, dim: number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dim}), }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = Buffer.alloc(10 + header.length);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, 10, 'latin1');
  return out;
}

/** Writes a chunk, waiting for the stream to drain when its buffer is full. */
export async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

