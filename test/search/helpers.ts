import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Encoder } from '../../src/encoders/encoder.ts';
import { saveEmbeddings } from '../../src/formats/index.ts';
import { corpusFromLines, trainWord2Vec } from '../../src/train/index.ts';

/**
 * Real text for search tests: the licence texts Debian ships in /usr/share/common-licenses (GPL, Apache, MPL...), and
 * word vectors trained on them once per test process (word2vec, dim 24, seeded, one thread), saved as a vectors file
 * so collections record a real model spec.
 */
export const LICENSES = '/usr/share/common-licenses';

export function licenseFiles(): string[] {
  return readdirSync(LICENSES)
    .filter((f) => !f.includes('.') || /^[A-Za-z]/.test(f))
    .map((f) => join(LICENSES, f))
    .filter((p) => {
      try {
        return readFileSync(p).length > 0;
      } catch {
        return false;
      }
    })
    .sort();
}

/** The non-blank lines of the licences, in file order, with where they came from. */
export function licenseLines(): { text: string; file: string; line: number }[] {
  const out: { text: string; file: string; line: number }[] = [];
  const seen = new Set<string>();
  for (const file of licenseFiles()) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((text, i) => {
        // Identical lines would share a content-hash id; keep the first, as a collection would.
        if (!text.trim() || seen.has(text)) return;
        seen.add(text);
        out.push({ text, file, line: i + 1 });
      });
  }
  return out;
}

const dirs: string[] = [];
let model: Promise<string> | undefined;

/** A fresh temporary directory, removed by cleanup(). */
export function tempDir(prefix = 'embedkit-search-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export function cleanup(): void {
  for (const d of dirs.splice(0)) if (existsSync(d)) rmSync(d, { recursive: true, force: true });
}

/**
 * Path of word2vec vectors trained on the licences. Trained once and kept in the temporary directory under a name
 * that hashes the corpus and the settings (so test files running in parallel share it and a changed corpus retrains);
 * saveEmbeddings writes atomically, so a reader never sees half a file.
 */
export function licenseModel(): Promise<string> {
  model ??= (async () => {
    const lines = licenseLines().map((l) => l.text);
    const settings = { dim: 24, epochs: 3, minCount: 2, threads: 1, seed: 1, window: 5 };
    const key = createHash('sha256').update(JSON.stringify(settings)).update(lines.join('\n')).digest('hex').slice(0, 16);
    const path = join(tmpdir(), `embedkit-test-licenses-${key}.bin`);
    if (existsSync(path)) return path;
    const { embeddings } = await trainWord2Vec({ input: corpusFromLines(lines), ...settings });
    await saveEmbeddings(embeddings, path, { format: 'word2vec-binary' });
    return path;
  })();
  return model;
}

/** Cosine similarity in float64. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
}

/** An encoder that only names a dimension: for collections whose documents come with their vectors. */
export function precomputedEncoder(dim: number): Encoder {
  return {
    id: 'test:precomputed',
    dim,
    maxTokens: 8,
    encode(): never {
      throw new Error('these documents come with their vectors');
    },
  };
}
