import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Embeddings } from '../../src/vectors/embeddings.ts';
import { PYTHON } from '../helpers/oracles.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';

export const LOCAL_FIXTURES = 'test/fixtures/formats';

export interface GensimSpec {
  path: string;
  binary: boolean;
  no_header?: boolean;
  limit?: number;
  unicode_errors?: 'strict' | 'replace' | 'ignore';
}

export interface GensimResult {
  words: string[];
  dim: number;
  vectors: Float32Array;
}

/**
 * What gensim's load_word2vec_format reads from each file (one Python process for the whole list), through
 * Debian's python3-gensim: tests check `needs(t, 'gensim')` (test/helpers/oracles.ts) first.
 */
export function gensimRead(specs: GensimSpec[]): (GensimResult | { error: string })[] {
  const r = spawnSync(PYTHON, [join(LOCAL_FIXTURES, 'gensim-read.py')], {
    input: JSON.stringify(specs),
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`gensim-read.py failed: ${r.stderr.toString()}`);
  const raw = JSON.parse(r.stdout.toString()) as ({ words: string[]; dim: number; vectors: string } | { error: string })[];
  return raw.map((x) => {
    if ('error' in x) return x;
    const bytes = Buffer.from(x.vectors, 'base64');
    const vectors = new Float32Array(bytes.length / 4);
    new Uint8Array(vectors.buffer).set(bytes);
    return { words: x.words, dim: x.dim, vectors };
  });
}

export function expectLoaded(r: GensimResult | { error: string }): GensimResult {
  if ('error' in r) throw new Error(`gensim refused the file: ${r.error}`);
  return r;
}

/** A temporary folder removed after the callback. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-formats-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Deterministic pseudo-random vectors over words that exercise the writers (non-ASCII included). */
export function sampleEmbeddings(words: string[], dim: number, seed = 1): Embeddings {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const v = new Float32Array(words.length * dim);
  for (let i = 0; i < v.length; i++) v[i] = (next() - 0.5) * (i % 7 === 0 ? 2000 : 2) * (i % 11 === 0 ? 1e-6 : 1);
  return new Embeddings(new Vocabulary(words), v, dim);
}
