import { z } from 'zod';
import { bool, defineOptions, int, number, oneOf, resolveOptions, type Resolved, type ValueKind } from '../../train/option-schema.ts';
import { NORMALIZATIONS, type Normalization } from './normalize.ts';

const unitInterval = () => ({ kind: { type: 'number', positive: true } as ValueKind, schema: z.number().gt(0).max(1), expect: 'a number in (0, 1]' });

/**
 * The options of alignSpaces, declared once: defaults, validation (errors name the option), help text, and the
 * `align` command's flags, which take the library's names. Defaults follow MUSE for the supervised refinement
 * (CSLS with k = 10, mutual nearest neighbours among the 15,000 most frequent words) and VecMap for the
 * normalisation and the unsupervised self-learning, with a shorter stochastic interval than VecMap's 50 so that the
 * loop ends in tens of iterations, not hundreds.
 */
export const ALIGN_OPTIONS = defineOptions({
  method: { ...oneOf(['procrustes', 'lstsq', 'unsupervised'] as const), default: 'procrustes', help: 'orthogonal Procrustes (supervised), least squares as gensim\'s TranslationMatrix, or unsupervised (VecMap\'s initialisation and self-learning)' },
  normalize: { ...oneOf(NORMALIZATIONS), default: (r: Record<string, unknown>) => (r.method === 'lstsq' ? 'unit' : 'unit-center-unit'), help: 'normalisation applied to both spaces first (default unit-center-unit as VecMap; unit for lstsq, as gensim)' },
  identical: { ...bool(), default: false, help: 'semi-supervised: add the words spelt the same in both spaces (among the maxVocab most frequent) to the seed dictionary' },
  refine: { ...int(0, 1000), default: 0, help: 'refinement rounds: re-induce the dictionary from mutual nearest neighbours and solve again' },
  csls: { ...bool(), default: true, help: 'induce dictionaries by CSLS rather than plain cosine' },
  k: { ...int(1, 1000), default: 10, help: 'CSLS neighbourhood size' },
  maxVocab: { ...int(1), default: 15000, help: 'most frequent words of each space searched when dictionaries are induced' },
  unsupervisedVocab: { ...int(2), default: 2000, help: 'unsupervised: most frequent words whose similarity distributions give the initial dictionary (VecMap: 4000)' },
  iterations: { ...int(1, 100000), default: 100, help: 'unsupervised: most self-learning iterations; stopping there is reported as not converged' },
  keepProbability: { ...unitInterval(), default: 0.1, help: 'unsupervised: initial probability of keeping a similarity in stochastic dictionary induction' },
  keepMultiplier: { ...number('positive'), default: 2, help: 'unsupervised: factor applied to the keep probability when the objective stops improving' },
  patience: { ...int(1, 100000), default: 3, help: 'unsupervised: iterations without improvement before the keep probability grows (VecMap: 50)' },
  threshold: { ...number('nonNegative'), default: 1e-3, help: 'unsupervised: smallest objective gain that counts as an improvement (VecMap: 1e-6, with its 50-iteration patience; with a short patience a creeping objective would otherwise never let the keep probability grow)' },
  seed: { ...int(0, 2 ** 32 - 1), default: 1, help: 'random seed of the stochastic dictionary induction' },
});

/** alignSpaces's settings, every one resolved (ALIGN_OPTIONS's help texts say what each does). */
export interface AlignSettings {
  /** `procrustes` (supervised, orthogonal), `lstsq` (gensim's TranslationMatrix) or `unsupervised` (VecMap). */
  method: 'procrustes' | 'lstsq' | 'unsupervised';
  /** Normalisation applied to both spaces first. */
  normalize: Normalization;
  /** Semi-supervised: add identically spelt words to the seed dictionary. */
  identical: boolean;
  /** Refinement rounds (re-induce the dictionary from mutual nearest neighbours, solve again). */
  refine: number;
  /** Induce dictionaries by CSLS rather than cosine. */
  csls: boolean;
  /** CSLS neighbourhood size. */
  k: number;
  /** Most frequent words of each space searched when dictionaries are induced. */
  maxVocab: number;
  /** Unsupervised: words whose similarity distributions give the initial dictionary. */
  unsupervisedVocab: number;
  /** Unsupervised: most self-learning iterations. */
  iterations: number;
  /** Unsupervised: initial keep probability of the stochastic induction. */
  keepProbability: number;
  /** Unsupervised: factor applied to the keep probability when the objective stalls. */
  keepMultiplier: number;
  /** Unsupervised: iterations without improvement before the keep probability grows. */
  patience: number;
  /** Unsupervised: smallest objective gain that counts as an improvement. */
  threshold: number;
  /** Random seed of the stochastic induction. */
  seed: number;
}

/** alignSpaces's options with defaults applied, each checked (an OptionError names the option). */
export function resolveAlignOptions(given: Record<string, unknown>): AlignSettings {
  const resolved: Resolved<typeof ALIGN_OPTIONS> = resolveOptions(ALIGN_OPTIONS, given);
  return resolved as AlignSettings;
}
