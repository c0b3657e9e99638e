import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.ts';

/**
 * Vectors already paid for, on disk: one small file per (model, dimensions, text), named by the SHA-256 of that
 * key and spread over 256 folders. A file holds the token count (uint32) and the float32 vector, little-endian.
 * Writes are atomic, so concurrent writers and interrupted runs never leave a torn entry; an unreadable entry is
 * a miss.
 */
export interface CachedVector {
  vector: Float32Array;
  tokens: number;
}

export class VectorCache {
  constructor(
    readonly dir: string,
    /** Part of every key: the remote model and anything else that changes its vectors. */
    private readonly scope: string,
  ) {}

  private path(text: string): string {
    const hash = createHash('sha256').update(this.scope).update('\0').update(text).digest('hex');
    return join(this.dir, hash.slice(0, 2), `${hash.slice(2)}.f32`);
  }

  async get(text: string, dim?: number): Promise<CachedVector | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path(text));
    } catch {
      return undefined;
    }
    if (bytes.length < 8 || bytes.length % 4 !== 0) return undefined;
    const n = bytes.length / 4 - 1;
    if (dim !== undefined && n !== dim) return undefined;
    const vector = new Float32Array(n);
    for (let i = 0; i < n; i++) vector[i] = bytes.readFloatLE(4 + 4 * i);
    return { vector, tokens: bytes.readUInt32LE(0) };
  }

  async set(text: string, entry: CachedVector): Promise<void> {
    const path = this.path(text);
    const bytes = Buffer.alloc(4 + 4 * entry.vector.length);
    bytes.writeUInt32LE(entry.tokens, 0);
    entry.vector.forEach((x, i) => bytes.writeFloatLE(x, 4 + 4 * i));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFileAtomic(path, bytes);
  }
}
