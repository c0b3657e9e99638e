import { seededRandom } from '../../../src/util/random.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A temporary folder for one test file; `file` writes into it (gzipped when the name ends in .gz). */
export function tempFiles(): { dir: string; file(name: string, content: string | Buffer): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-text-'));
  return {
    dir,
    file(name, content) {
      const p = join(dir, name);
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      writeFileSync(p, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Collects an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Deterministic pseudo-random generator (mulberry32) for generated corpora. */
export const rng = seededRandom;

/** A Zipf-like corpus: `lines` lines of 1..maxLen tokens drawn from `types` word types. */
export function zipfCorpus(seed: number, lines: number, types: number, maxLen = 12): string {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const n = 1 + Math.floor(r() * maxLen);
    const toks: string[] = [];
    for (let j = 0; j < n; j++) toks.push(`w${Math.floor(Math.pow(types, r()))}`);
    out.push(toks.join(' '));
  }
  return `${out.join('\n')}\n`;
}
