/**
 * Learning rate decaying linearly from `alpha` at the start to `minAlpha` at the end of training, as in the
 * word2vec C tool and gensim. `progress` is the fraction of training done: words processed so far over
 * epochs × words per epoch. Values past the ends are clamped, so a last batch that overshoots never yields
 * a rate below minAlpha.
 */
export function linearDecay(alpha: number, minAlpha: number, progress: number): number {
  const p = progress < 0 ? 0 : progress > 1 ? 1 : progress;
  // alpha − (alpha − minAlpha)·p, written as a weighted mean so both ends come out exactly.
  return Math.max(minAlpha, (1 - p) * alpha + p * minAlpha);
}
