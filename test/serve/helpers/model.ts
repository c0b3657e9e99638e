import { seededRandom } from '../../../src/util/random.ts';
import { Embeddings } from '../../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../../src/vocab/vocabulary.ts';

/** Deterministic pseudo-random numbers (tests must not depend on Math.random). */
export function rng(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() - 0.5;
}

/** Topic clusters: every word of a cluster is its centre plus small noise, so its nearest neighbours are its cluster. */
export const CLUSTERS: Record<string, string[]> = {
  fruit: ['apple', 'banana', 'cherry', 'grape', 'lemon', 'mango', 'peach', 'pear'],
  animal: ['cat', 'dog', 'horse', 'lion', 'tiger', 'wolf', 'bear', 'fox'],
  city: ['北京', '上海', '广州', '深圳', '杭州', '南京'],
};
/** king = royal + male, queen = royal + female, man = person + male, woman = person + female: king − man + woman = queen. */
export const ANALOGY_WORDS = ['king', 'queen', 'man', 'woman'];

export const DIM = 16;

/**
 * A small model whose answers are known by construction: clusters of near-identical directions and an exact
 * analogy. Counts fall with the row, as in files sorted by frequency.
 */
export function structuredModel(): Embeddings {
  const r = rng(7);
  const words: string[] = [];
  const rows: number[][] = [];
  const axis = (i: number) => Array.from({ length: DIM }, (_, j) => (j === i ? 1 : 0));
  let k = 0;
  for (const members of Object.values(CLUSTERS)) {
    const centre = axis(k++);
    for (const w of members) {
      words.push(w);
      rows.push(centre.map((c) => c + 0.15 * r()));
    }
  }
  const royal = axis(4);
  const person = axis(5);
  const male = axis(6);
  const female = axis(7);
  const add = (a: number[], b: number[]) => a.map((x, i) => x + b[i] + 0.01 * r());
  for (const [w, v] of [
    ['king', add(royal, male)],
    ['queen', add(royal, female)],
    ['man', add(person, male)],
    ['woman', add(person, female)],
  ] as const) {
    words.push(w);
    rows.push(v);
  }
  // Filler words in other directions, so searches run over more than the answers.
  for (let i = 0; i < 40; i++) {
    words.push(`filler${i}`);
    rows.push(Array.from({ length: DIM }, (_, j) => (j >= 8 ? r() : 0.05 * r())));
  }
  const counts = words.map((_, i) => 1000 - i);
  return new Embeddings(new Vocabulary(words, counts), Float32Array.from(rows.flat()), DIM);
}

/** Cosine of two plain vectors (tests compute expected values independently of the code under test). */
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
