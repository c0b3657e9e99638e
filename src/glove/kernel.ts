/**
 * GloVe's update rule, the TypeScript reference kernel: for each co-occurrence record (i, j, x), one AdaGrad step
 * on the weighted least-squares cost ½·f(x)·(wᵢ·w̃ⱼ + bᵢ + b̃ⱼ − log x)², with f(x) = (x/x_max)^α below x_max and 1
 * above. It follows GloVe's C tool step for step: gradients clipped to ±gradClip, the learning rate divided by
 * √(sum of squared past gradients) per parameter (sums start at 1), a vector update skipped when it would be
 * NaN/∞, and the bias steps taken without eta (as the reference tool does).
 *
 * Memory layout (shared by every thread, Hogwild): `weights` and `gradsq` hold 2·V rows of `stride` floats;
 * row r < V is word r's vector with its bias at column `dim`, row V + r is its context vector and bias.
 */
export interface GloveParams {
  vocabSize: number;
  dim: number;
  /** Floats per row: dim + 1 rounded up to a multiple of 4 (SIMD-friendly). */
  stride: number;
  xMax: number;
  alpha: number;
  eta: number;
  gradClip: number;
}

export function rowStride(dim: number): number {
  return (dim + 1 + 3) & ~3;
}

/** Scratch of one thread. */
export interface GloveScratch {
  update1: Float64Array;
  update2: Float64Array;
}

export function gloveScratch(dim: number): GloveScratch {
  return { update1: new Float64Array(dim), update2: new Float64Array(dim) };
}

/**
 * Trains the `n` records of a block (ints[4k], ints[4k+1]: 1-based ids; values[2k+1]: the count) and returns
 * the sum of their costs before their updates (GloVe reports that sum divided by the records per epoch).
 * Records with an id outside 1..V are skipped, as the C tool does.
 */
export function trainRecords(weights: Float32Array, gradsq: Float32Array, ints: Int32Array, values: Float64Array, n: number, p: GloveParams, s: GloveScratch): number {
  const { vocabSize: V, dim, stride, xMax, alpha, eta, gradClip } = p;
  const u1 = s.update1;
  const u2 = s.update2;
  let cost = 0;
  for (let k = 0; k < n; k++) {
    const w1 = ints[4 * k];
    const w2 = ints[4 * k + 1];
    if (w1 < 1 || w2 < 1 || w1 > V || w2 > V) continue;
    const x = values[2 * k + 1];
    const l1 = (w1 - 1) * stride;
    const l2 = (w2 - 1 + V) * stride;
    let diff = 0;
    for (let b = 0; b < dim; b++) diff += weights[l1 + b] * weights[l2 + b];
    diff += weights[l1 + dim] + weights[l2 + dim] - Math.log(x);
    let fdiff = x > xMax ? diff : Math.pow(x / xMax, alpha) * diff;
    if (!Number.isFinite(diff) || !Number.isFinite(fdiff)) continue;
    cost += 0.5 * fdiff * diff;
    let sum1 = 0;
    let sum2 = 0;
    for (let b = 0; b < dim; b++) {
      const g1 = clamp(fdiff * weights[l2 + b], gradClip) * eta;
      const g2 = clamp(fdiff * weights[l1 + b], gradClip) * eta;
      u1[b] = g1 / Math.sqrt(gradsq[l1 + b]);
      u2[b] = g2 / Math.sqrt(gradsq[l2 + b]);
      sum1 += u1[b];
      sum2 += u2[b];
      gradsq[l1 + b] += g1 * g1;
      gradsq[l2 + b] += g2 * g2;
    }
    if (Number.isFinite(sum1) && Number.isFinite(sum2)) {
      for (let b = 0; b < dim; b++) {
        weights[l1 + b] -= u1[b];
        weights[l2 + b] -= u2[b];
      }
    }
    weights[l1 + dim] -= finiteOrZero(fdiff / Math.sqrt(gradsq[l1 + dim]));
    weights[l2 + dim] -= finiteOrZero(fdiff / Math.sqrt(gradsq[l2 + dim]));
    fdiff *= fdiff;
    gradsq[l1 + dim] += fdiff;
    gradsq[l2 + dim] += fdiff;
  }
  return cost;
}

function clamp(v: number, limit: number): number {
  return v > limit ? limit : v < -limit ? -limit : v;
}

function finiteOrZero(v: number): number {
  return Number.isFinite(v) ? v : 0;
}
