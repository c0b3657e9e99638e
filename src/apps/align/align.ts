import { InvalidArgumentError } from '../../errors.ts';
import { Embeddings } from '../../vectors/embeddings.ts';
import { resolveAlignOptions, type AlignSettings } from './align-options.ts';
import { compareWithChance, noBetterThanChance, type ChanceComparison } from './chance.ts';
import { resolvePairs, type ResolvedPairs, type WordPair } from './dictionary.ts';
import { induceDictionary } from './induce.ts';
import { applyMap, leastSquares, procrustes, type PairedRows } from './mapping.ts';
import { normalizationSteps, normalizeRows, type Normalization } from './normalize.ts';
import { similarityDistributionSeed } from './unsupervised.ts';

/** alignSpaces's options: any of the settings (the rest take their defaults), the seed dictionary and a progress callback. */
export type AlignOptions = Partial<AlignSettings> & {
  /** Seed pairs (source word, target word); required by procrustes and lstsq unless `identical` is set. */
  dictionary?: readonly WordPair[];
  /** Called after every solve with the round just finished. */
  onRound?: (round: AlignRound) => void;
  /** Stops the work between rounds (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
};

/** Something the caller of alignSpaces should know; `option` names the option to change, when there is one. */
export interface AlignWarning {
  message: string;
  option?: string;
}

/** One solve of the map: which dictionary it used and how well the map fits it. */
export interface AlignRound {
  /** 0 for the seed dictionary, then one per refinement or self-learning iteration. */
  round: number;
  /** Pairs the map was solved from. */
  pairs: number;
  /**
   * Supervised rounds: the mean cosine of the mapped pairs. Self-learning iterations: VecMap's objective, the mean
   * of both directions' best cosines over the induced dictionary.
   */
  objective: number;
  /** Self-learning only: the keep probability of the stochastic induction. */
  keepProbability?: number;
}

/** The two spaces in one coordinate system, the map, and how it was found. */
export interface Alignment {
  /** The source words, normalised and mapped into the target's coordinates. */
  source: Embeddings;
  /** The target words, normalised (the same steps as the source). */
  target: Embeddings;
  /** The d×d map, row-major, applied to normalised source column vectors: mapped = matrix·x. */
  matrix: Float64Array;
  /** The options as resolved (defaults applied). */
  options: AlignSettings;
  /** The seed dictionary looked up in both spaces (absent for unsupervised): what was found and what was missing. */
  seed?: Omit<ResolvedPairs, 'found'> & { identical: number };
  /** Every solve, in order. */
  rounds: AlignRound[];
  /** False when self-learning stopped at `iterations` before its objective settled. */
  converged: boolean;
  /** Unsupervised: the final map against a chance map on the same spaces (compareWithChance). */
  chance?: ChanceComparison;
  /** Things the caller should know (a loop that did not converge, a seed with few pairs). */
  warnings: AlignWarning[];
}

/**
 * xorshift32: a small seeded source for the stochastic induction, so runs repeat. It fills whole arrays (one
 * uniform per row of a query) in a loop on a local state, several times faster than a call per number.
 */
function seededRandom(seed: number): (uniforms: Float64Array) => void {
  let state = seed >>> 0 || 0x9e3779b9;
  return (uniforms) => {
    let s = state;
    for (let j = 0; j < uniforms.length; j++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      uniforms[j] = s / 4294967296;
    }
    state = s;
  };
}

/**
 * Maps a source word-vector space onto a target space so that translations sit together: supervised orthogonal
 * Procrustes from a seed dictionary (optionally refined by re-inducing the dictionary from mutual CSLS nearest
 * neighbours), semi-supervised (identical strings as the seed), unsupervised (VecMap's similarity-distribution
 * initialisation then self-learning with stochastic dictionary induction), or gensim's least-squares
 * TranslationMatrix for comparison. Both spaces are returned in one coordinate system, with the map.
 * Spaces of different dimension are refused.
 * @example
 * ```ts
 * import { Embeddings, Vocabulary } from 'embedkit';
 * import { alignSpaces } from 'embedkit/apps';
 * // A target space and the same words rotated by 90° in the plane, with other names.
 * const tgt = new Embeddings(new Vocabulary(['perro', 'gato', 'casa']), Float32Array.from([1, 0, 0, 1, -1, -1]), 2);
 * const src = new Embeddings(new Vocabulary(['dog', 'cat', 'house']), Float32Array.from([0, 1, -1, 0, 1, -1]), 2);
 * const a = await alignSpaces(src, tgt, { dictionary: [['dog', 'perro'], ['cat', 'gato']], normalize: 'none' });
 * console.log(a.target.similarByVector(a.source.get('house'), 1)[0].word); // casa
 * ```
 */
export async function alignSpaces(source: Embeddings, target: Embeddings, options: AlignOptions = {}): Promise<Alignment> {
  const { dictionary, onRound, signal, ...given } = options;
  const o = resolveAlignOptions(given);
  if (source.dim !== target.dim) {
    throw new InvalidArgumentError(`the source space has ${source.dim} dimensions and the target space ${target.dim}: alignment maps between spaces of one dimension`);
  }
  signal?.throwIfAborted();
  const d = source.dim;
  const steps = normalizationSteps(o.normalize as Normalization);
  const x = normalizeRows(source.vectors, d, steps);
  const z = normalizeRows(target.vectors, d, steps);
  const tgtOut = await new Embeddings(target.vocab, z, d).prepare();
  const warnings: AlignWarning[] = [];
  const rounds: AlignRound[] = [];
  const record = async (r: AlignRound) => {
    rounds.push(r);
    onRound?.(r);
    // A turn of the event loop between rounds, so signals (Ctrl-C, SIGTERM) and timers are served during a long run.
    await new Promise((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
  };
  const solve = o.method === 'lstsq' ? leastSquares : procrustes;
  const paired = (srcRows: Int32Array, tgtRows: Int32Array): PairedRows => ({ x, z, dim: d, srcRows, tgtRows });
  const mapped = async (w: Float64Array) => new Embeddings(source.vocab, applyMap(x, d, w), d).prepare();

  let w: Float64Array;
  let seed: Alignment['seed'];
  let converged = true;
  let chance: ChanceComparison | undefined;
  if (o.method === 'unsupervised') {
    if (dictionary?.length) throw new InvalidArgumentError('method unsupervised learns without a dictionary: leave dictionary out, or use procrustes');
    const n = Math.min(o.unsupervisedVocab, source.size, target.size);
    const init = similarityDistributionSeed(x, z, d, n, steps, o.k);
    w = procrustes(paired(init.srcRows, init.tgtRows));
    await record({ round: 0, pairs: init.srcRows.length, objective: init.objective });
    ({ w, converged } = await selfLearn(w, o, paired, mapped, tgtOut, record));
    if (!converged) warnings.push({ option: 'iterations', message: `self-learning reached its limit of iterations (${o.iterations}) before its objective settled; final objective ${rounds.at(-1)!.objective.toFixed(4)}` });
    chance = await compareWithChance(w, paired, mapped, tgtOut, { rows: o.maxVocab, csls: o.csls, k: o.k, seed: o.seed });
    if (noBetterThanChance(chance)) {
      const { objective, chanceObjective, mutualShare, chanceMutualShare } = chance;
      warnings.push({
        message: `the map is no better than chance: final objective ${objective.toFixed(4)} against ${chanceObjective.toFixed(4)} for a map solved from its own dictionary shuffled, and ${(100 * mutualShare).toFixed(1)}% of words in mutual pairs against ${(100 * chanceMutualShare).toFixed(1)}%, both nearer chance than an exact match; the spaces may not share their structure`,
      });
    }
  } else {
    const resolved = resolvePairs(dictionary ?? [], source.vocab, target.vocab);
    let srcRows = Array.from(resolved.srcRows);
    let tgtRows = Array.from(resolved.tgtRows);
    let identical = 0;
    if (o.identical) {
      const have = new Set(srcRows.map((s, i) => `${s} ${tgtRows[i]}`));
      const end = Math.min(o.maxVocab, source.size);
      for (let i = 0; i < end; i++) {
        const j = target.vocab.indexOf(source.vocab.word(i));
        if (j < 0 || j >= o.maxVocab || have.has(`${i} ${j}`)) continue;
        srcRows.push(i);
        tgtRows.push(j);
        identical++;
      }
    }
    const { found: _found, ...summary } = resolved;
    seed = { ...summary, identical };
    if (srcRows.length === 0) {
      throw new InvalidArgumentError(
        dictionary?.length
          ? `no pair of the dictionary has both words in the spaces (${resolved.missingSource.length} source and ${resolved.missingTarget.length} target words missing)`
          : `method ${o.method} needs a dictionary, or identical to seed one from words spelt alike`,
      );
    }
    if (srcRows.length < d) warnings.push({ message: `the seed dictionary has ${srcRows.length} pairs for ${d} dimensions: the map is underdetermined` });
    w = solve(paired(Int32Array.from(srcRows), Int32Array.from(tgtRows)));
    await record({ round: 0, pairs: srcRows.length, objective: pairCosine(x, z, d, w, srcRows, tgtRows) });
    for (let r = 1; r <= o.refine; r++) {
      const induced = induceDictionary(await mapped(w), tgtOut, { rows: o.maxVocab, csls: o.csls, k: o.k, mode: 'mutual' });
      if (induced.srcRows.length === 0) {
        warnings.push({ message: `refinement round ${r} found no mutual nearest neighbours; the map of round ${r - 1} is kept` });
        break;
      }
      srcRows = Array.from(induced.srcRows);
      tgtRows = Array.from(induced.tgtRows);
      w = solve(paired(induced.srcRows, induced.tgtRows));
      await record({ round: r, pairs: srcRows.length, objective: pairCosine(x, z, d, w, srcRows, tgtRows) });
    }
  }
  return { source: await mapped(w), target: tgtOut, matrix: w, options: o, seed, rounds, converged, chance, warnings };
}

/**
 * VecMap's self-learning loop: solve the orthogonal map from the current dictionary, induce a new one (both
 * directions, CSLS, each score kept with the keep probability), and repeat; when the objective has not improved
 * for `patience` iterations the keep probability is multiplied, and once it has reached 1 the loop ends.
 */
async function selfLearn(
  w0: Float64Array,
  o: AlignSettings,
  paired: (s: Int32Array, t: Int32Array) => PairedRows,
  mapped: (w: Float64Array) => Promise<Embeddings>,
  target: Embeddings,
  record: (r: AlignRound) => Promise<void>,
): Promise<{ w: Float64Array; converged: boolean }> {
  const random = seededRandom(o.seed);
  let w = w0;
  let keep = o.keepProbability;
  let best = -Infinity;
  let lastImprovement = 0;
  for (let it = 1; it <= o.iterations; it++) {
    if (it - lastImprovement > o.patience) {
      if (keep >= 1) return { w, converged: true };
      keep = Math.min(1, keep * o.keepMultiplier);
      lastImprovement = it;
    }
    const induced = induceDictionary(await mapped(w), target, { rows: o.maxVocab, csls: o.csls, k: o.k, mode: 'union', keepProbability: keep, random });
    if (induced.objective - best >= o.threshold) {
      best = induced.objective;
      lastImprovement = it;
    }
    w = procrustes(paired(induced.srcRows, induced.tgtRows));
    await record({ round: it, pairs: induced.srcRows.length, objective: induced.objective, keepProbability: keep });
  }
  return { w, converged: false };
}

/** Mean cosine between W·x_i and z_i over the pairs. */
function pairCosine(x: Float32Array, z: Float32Array, d: number, w: Float64Array, src: readonly number[], tgt: readonly number[]): number {
  let total = 0;
  const m = new Float64Array(d);
  for (let k = 0; k < src.length; k++) {
    const xo = src[k] * d;
    const zo = tgt[k] * d;
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += w[a * d + b] * x[xo + b];
      m[a] = s;
    }
    let dot = 0;
    let nm = 0;
    let nz = 0;
    for (let a = 0; a < d; a++) {
      dot += m[a] * z[zo + a];
      nm += m[a] * m[a];
      nz += z[zo + a] * z[zo + a];
    }
    if (nm > 0 && nz > 0) total += dot / Math.sqrt(nm * nz);
  }
  return src.length ? total / src.length : 0;
}
