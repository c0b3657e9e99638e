import { InvalidArgumentError } from '../errors.ts';
import type { Embeddings } from './embeddings.ts';

/** word2vec C runs this many rounds of k-means for -classes. */
export const WORD_CLASS_ITERATIONS = 10;

export interface WordClassesOptions {
  /** Rounds of k-means (default 10, as word2vec C). */
  iterations?: number;
}

/**
 * Word classes by k-means over the word vectors, computed as word2vec C computes them for `-classes N`: word i
 * starts in class i mod N; each round, a class's centroid is the sum of its words' vectors divided by (1 + its
 * size) and scaled to unit length, and every word moves to the class whose centroid has the largest dot product
 * with its (unnormalized) vector, the first such class on a tie. There is no randomness: the same vectors always
 * give the same classes. Returns the class of each row.
 * @example
 * ```ts
 * import { loadEmbeddings, wordClasses } from 'embedkit';
 * const vectors = await loadEmbeddings('vectors.bin');
 * const classes = wordClasses(vectors, 5);
 * console.log(vectors.vocab.word(0), classes[0]);
 * ```
 */
export function wordClasses(emb: Embeddings, classes: number, options: WordClassesOptions = {}): Int32Array {
  const iterations = options.iterations ?? WORD_CLASS_ITERATIONS;
  if (!Number.isInteger(classes) || classes < 1) throw new InvalidArgumentError(`classes must be an integer ≥ 1, got ${classes}`);
  if (!Number.isInteger(iterations) || iterations < 0) throw new InvalidArgumentError(`iterations must be an integer ≥ 0, got ${iterations}`);
  const { dim, size } = emb;
  const rows = Array.from({ length: size }, (_, i) => emb.row(i));
  const cl = Int32Array.from({ length: size }, (_, i) => i % classes);
  // Float64 sums: the same classes as word2vec C's float arithmetic except on exact ties within rounding.
  const cent = new Float64Array(classes * dim);
  const count = new Float64Array(classes);
  for (let it = 0; it < iterations; it++) {
    cent.fill(0);
    count.fill(1);
    for (let w = 0; w < size; w++) {
      const v = rows[w];
      const o = cl[w] * dim;
      for (let d = 0; d < dim; d++) cent[o + d] += v[d];
      count[cl[w]]++;
    }
    for (let c = 0; c < classes; c++) {
      const o = c * dim;
      let norm = 0;
      for (let d = 0; d < dim; d++) {
        cent[o + d] /= count[c];
        norm += cent[o + d] * cent[o + d];
      }
      norm = Math.sqrt(norm);
      // An empty class has a zero centroid: word2vec C divides by zero there (NaN, never chosen); it stays zero here.
      if (norm > 0) for (let d = 0; d < dim; d++) cent[o + d] /= norm;
    }
    for (let w = 0; w < size; w++) {
      const v = rows[w];
      let best = -10;
      let bestClass = 0;
      for (let c = 0; c < classes; c++) {
        const o = c * dim;
        let x = 0;
        for (let d = 0; d < dim; d++) x += cent[o + d] * v[d];
        if (x > best) {
          best = x;
          bestClass = c;
        }
      }
      cl[w] = bestClass;
    }
  }
  return cl;
}

/**
 * The classes as word2vec C's classes file gives them after its demo's `sort -k 2 -n`: one "word class" line per
 * word, by class, words of a class in vocabulary order.
 * @example
 * ```ts
 * import { formatWordClasses, loadEmbeddings, wordClasses } from 'embedkit';
 * const vectors = await loadEmbeddings('vectors.bin');
 * process.stdout.write(formatWordClasses(vectors, wordClasses(vectors, 3))); // "the 0", "king 0", … "cat 2"
 * ```
 */
export function formatWordClasses(emb: Embeddings, classes: Int32Array): string {
  const order = Array.from({ length: emb.size }, (_, i) => i).sort((a, b) => classes[a] - classes[b] || a - b);
  return order.map((i) => `${emb.vocab.word(i)} ${classes[i]}\n`).join('');
}
