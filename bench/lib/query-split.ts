import { seededRandom } from '../../src/util/random.ts';

/**
 * The retrieval benchmark's queries split once into a dev part, the only one any choice (fusion rule, alpha, depth)
 * may look at, and a test part, the one reported: a choice made on the queries it is then scored on would flatter
 * it. The split is a seeded shuffle of all query indices, fixed by DEV_SEED so every run and every machine draws the
 * same dev queries; changing the seed or the fraction makes a new split, and numbers chosen on the old dev part are
 * no longer honest on the new test part.
 */
export const DEV_FRACTION = 0.1;
export const DEV_SEED = 1807;

export type QuerySplit = 'dev' | 'test' | 'all';

/** The indices 0 … total − 1 in a seeded random order (Fisher–Yates over seededRandom). */
export function shuffledIndices(total: number, seed: number): number[] {
  const idx = Array.from({ length: total }, (_, i) => i);
  const rnd = seededRandom(seed);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

/** The query indices of one part of the split, ascending: dev (the first DEV_FRACTION of the shuffle), test (the rest) or all. */
export function splitIndices(total: number, split: QuerySplit): number[] {
  if (split === 'all') return Array.from({ length: total }, (_, i) => i);
  const order = shuffledIndices(total, DEV_SEED);
  const devSize = Math.round(total * DEV_FRACTION);
  return (split === 'dev' ? order.slice(0, devSize) : order.slice(devSize)).sort((a, b) => a - b);
}

/** `n` of the given indices, a seeded random subset in ascending order (all of them when n ≥ their number). */
export function subsetOf(indices: readonly number[], n: number, seed: number): number[] {
  if (n >= indices.length) return [...indices];
  return shuffledIndices(indices.length, seed)
    .slice(0, n)
    .map((i) => indices[i])
    .sort((a, b) => a - b);
}
