import type { Embeddings } from '../../vectors/embeddings.ts';
import { lcgRandom } from '../../util/random.ts';
import { induceDictionary } from './induce.ts';
import { procrustes, type PairedRows } from './mapping.ts';

/**
 * How a map's dictionary compares with what a map that knows nothing gets on the same spaces. Self-learning always
 * settles somewhere, and its objective (the mean best cosine) is high on any two clouds of word vectors, related or
 * not, so "converged" says nothing about whether the map found translations. The chance map is solved exactly as the
 * real one (orthogonal Procrustes) from the real map's own dictionary with its target side shuffled: the same words,
 * the same number of pairs, no correspondence. Both maps are then read the same way (deterministic induction over the
 * same rows).
 */
export interface ChanceComparison {
  /** VecMap's objective (mean of both directions' best cosines) under the final map. */
  objective: number;
  /** The same objective under the chance map. */
  chanceObjective: number;
  /** Share of the searched source rows whose nearest target row has them as its nearest source row (mutual pairs). */
  mutualShare: number;
  /** The same share under the chance map. */
  chanceMutualShare: number;
}

/** What compareWithChance searches: the rows and the retrieval the alignment itself used. */
export interface ChanceOptions {
  rows: number;
  csls: boolean;
  k: number;
  /** Seed of the shuffle. */
  seed: number;
}

/** The final map's objective and mutual-pair share beside a chance map's on the same spaces (ChanceComparison). */
export async function compareWithChance(
  w: Float64Array,
  paired: (s: Int32Array, t: Int32Array) => PairedRows,
  mapped: (w: Float64Array) => Promise<Embeddings>,
  target: Embeddings,
  o: ChanceOptions,
): Promise<ChanceComparison> {
  const read = (space: Embeddings) => induceDictionary(space, target, { rows: o.rows, csls: o.csls, k: o.k, mode: 'mutual' });
  const source = await mapped(w);
  const real = read(source);
  const rows = Math.min(o.rows, source.size);
  // The mutual pairs with their targets shuffled (Fisher–Yates); the first `rows` rows paired in order if none.
  const src = real.srcRows.length ? real.srcRows : Int32Array.from({ length: rows }, (_, i) => i);
  const tgt = Int32Array.from(real.srcRows.length ? real.tgtRows : src);
  const random = lcgRandom(o.seed);
  for (let i = tgt.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [tgt[i], tgt[j]] = [tgt[j], tgt[i]];
  }
  const chance = read(await mapped(procrustes(paired(src, tgt))));
  return { objective: real.objective, chanceObjective: chance.objective, mutualShare: real.srcRows.length / rows, chanceMutualShare: chance.srcRows.length / rows };
}

/**
 * Where a statistic sits between the chance map's value (0) and an exact isometry's, which pairs every word with its
 * image (1): (value − chance) / (1 − chance). Self-learning fits its map to the very rows it is read on, so even
 * unrelated spaces end above the chance map (about a third of the way on random clouds); a map that found
 * translations ends much nearer 1.
 */
export function shareOfGain(value: number, chance: number): number {
  return chance < 1 ? (value - chance) / (1 - chance) : 0;
}

/**
 * The alignment is no better than chance when both its objective and its mutual-pair share are nearer the chance
 * map's than an exact isometry's (shareOfGain below one half): the midpoint is the rule, not a value fitted to a run,
 * and requiring both keeps a real alignment with one weak statistic from being flagged.
 */
export function noBetterThanChance(c: ChanceComparison): boolean {
  return shareOfGain(c.objective, c.chanceObjective) < 0.5 && shareOfGain(c.mutualShare, c.chanceMutualShare) < 0.5;
}
