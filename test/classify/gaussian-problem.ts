/** A seeded problem: `classes` Gaussian clouds in `dim` dimensions, unbalanced, overlapping (so the fit is not separable). */
export function problem(n: number, dim: number, classes: number, seed: number): { X: Float32Array[]; y: Int32Array } {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => normal()));
  const X: Float32Array[] = [];
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // Class k drawn with weight k + 1: class sizes differ, which 'balanced' corrects.
    let c = Math.floor(uniform() * ((classes * (classes + 1)) / 2));
    let k = 0;
    while (c >= k + 1) c -= ++k;
    y[i] = k;
    X.push(Float32Array.from(centres[k], (m) => m + 1.5 * normal()));
  }
  return { X, y };
}
