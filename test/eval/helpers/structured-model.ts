import { readFileSync, writeFileSync } from 'node:fs';
import { Embeddings } from '../../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../../src/vocab/vocabulary.ts';
import { gaussian, seededRandom } from './random.ts';

/**
 * Random but structured vectors for evaluation tests. Analogy pairs of one section share an offset
 * (b ≈ a + offset), word pairs with a high human score lie close, so accuracies and correlations are
 * neither 0 nor 1. The vocabulary mixes the words as written, lower-cased, and case variants placed before
 * or after them (first occurrence wins), fillers, and a tail of question words beyond the usual
 * restrict_vocab cut, so every rule of the evaluation gets exercised.
 */
export interface StructuredModelOptions {
  seed: number;
  dim: number;
  /** Total rows (filled up with random filler words). */
  size: number;
  questionsPath?: string;
  pairsPath?: string;
  /** Noise added to each derived vector, relative to a base vector's spread (default 0.6). */
  noise?: number;
  /** Fraction of question words moved to the end of the vocabulary (default 0.05). */
  tailFraction?: number;
}

export interface StructuredModel {
  words: string[];
  vectors: Float32Array;
  dim: number;
}

export function structuredModel(o: StructuredModelOptions): StructuredModel {
  const uniform = seededRandom(o.seed);
  const normal = gaussian(uniform);
  const { dim } = o;
  const noise = o.noise ?? 0.6;
  const vec = new Map<string, Float32Array>();
  const randomVector = (scale = 1) => Float32Array.from({ length: dim }, () => scale * normal());
  const near = (v: Float32Array, shift: Float32Array | null, sign: number, spread: number) =>
    Float32Array.from(v, (x, j) => x + sign * (shift ? shift[j] : 0) + spread * normal());
  // Vectors are keyed by the lower-cased word: "Athens" and "athens" are one word with one vector.
  const k = (w: string) => w.toLowerCase();

  if (o.questionsPath) {
    let offset = randomVector();
    for (const line of readFileSync(o.questionsPath, 'utf8').split('\n')) {
      if (line.startsWith(': ')) {
        offset = randomVector();
        continue;
      }
      const w = line.trim().split(/\s+/);
      if (w.length !== 4) continue;
      for (const [a, b] of [[k(w[0]), k(w[1])], [k(w[2]), k(w[3])]]) {
        const va = vec.get(a);
        const vb = vec.get(b);
        if (!va && !vb) {
          const base = randomVector();
          vec.set(a, base);
          vec.set(b, near(base, offset, 1, noise));
        } else if (va && !vb) vec.set(b, near(va, offset, 1, noise));
        else if (!va && vb) vec.set(a, near(vb, offset, -1, noise));
      }
    }
  }
  if (o.pairsPath) {
    for (const line of readFileSync(o.pairsPath, 'utf8').split('\n')) {
      if (line.startsWith('#')) continue;
      const f = line.split('\t');
      if (f.length !== 3) continue;
      const [a, b] = [k(f[0]), k(f[1])];
      const score = Number(f[2]);
      // A higher human score (0–10) puts b closer to a.
      const spread = 0.3 + (10 - score) * 0.25;
      const va = vec.get(a);
      const vb = vec.get(b);
      if (!va && !vb) {
        const base = randomVector();
        vec.set(a, base);
        vec.set(b, near(base, null, 0, spread));
      } else if (va && !vb) vec.set(b, near(va, null, 0, spread));
      else if (!va && vb) vec.set(a, near(vb, null, 0, spread));
    }
  }

  const rows: [string, Float32Array][] = [];
  const tail: [string, Float32Array][] = [];
  const tailFraction = o.tailFraction ?? 0.05;
  for (const [word, v] of vec) {
    const r = uniform();
    // As written in the file for some words, lower-cased for others.
    const shown = r < 0.5 ? titleCase(word) : word;
    const variant = uniform() < 0.5 ? word.toUpperCase() : titleCase(word) === shown ? word : titleCase(word);
    const entry: [string, Float32Array] = [shown, v];
    if (uniform() < tailFraction) {
      tail.push(entry);
      continue;
    }
    const roll = uniform();
    if (roll < 0.05 && variant !== shown) rows.push([variant, randomVector()], entry); // variant first: it answers for the word
    else if (roll < 0.15 && variant !== shown) rows.push(entry, [variant, near(v, null, 0, 0.2)]); // a close case variant later
    else rows.push(entry);
  }
  let filler = 0;
  while (rows.length + tail.length < o.size) rows.push([`filler${filler++}`, randomVector()]);
  shuffle(rows, uniform);
  const all = [...rows, ...tail];
  const vectors = new Float32Array(all.length * dim);
  all.forEach(([, v], i) => vectors.set(v, i * dim)); // Float32Array.set rounds to float32 once, here
  return { words: all.map(([w]) => w), vectors, dim };
}

export function toEmbeddings(m: StructuredModel): Embeddings {
  return new Embeddings(new Vocabulary(m.words), m.vectors, m.dim);
}

/** word2vec text format; float32 values printed exactly (shortest round-trip decimal of each). */
export function writeWord2vecText(path: string, m: StructuredModel): void {
  const lines = [`${m.words.length} ${m.dim}`];
  for (let i = 0; i < m.words.length; i++) {
    lines.push(`${m.words[i]} ${Array.from(m.vectors.subarray(i * m.dim, (i + 1) * m.dim)).join(' ')}`);
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Minimal word2vec text reader for tests (real files: header line, then "word v1 … vdim"). */
export function readWord2vecText(path: string): StructuredModel {
  const lines = readFileSync(path, 'utf8').split('\n');
  const [count, dim] = lines[0].trim().split(/\s+/).map(Number);
  const words: string[] = [];
  const vectors = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    const parts = lines[i + 1].trimEnd().split(' ');
    words.push(parts[0]);
    for (let j = 0; j < dim; j++) vectors[i * dim + j] = Number(parts[j + 1]);
  }
  return { words, vectors, dim };
}

function titleCase(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

function shuffle<T>(a: T[], uniform: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
}
