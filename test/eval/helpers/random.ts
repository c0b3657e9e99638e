/** Seeded random numbers for tests: the same seed gives the same vectors and samples on every run. */
export { seededRandom } from '../../../src/util/random.ts';

/** Standard normal draws (Box–Muller) from a uniform source. */
export function gaussian(uniform: () => number): () => number {
  return () => {
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}
