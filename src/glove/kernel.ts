/**
 * GloVe's update rule, the TypeScript reference kernel: for each co-occurrence record (i, j, x), one AdaGrad step
 * on the weighted least-squares cost ½·f(x)·(wᵢ·w̃ⱼ + bᵢ + b̃ⱼ − log x)², with f(x) = (x/x_max)^α below x_max and 1
 * above. It follows GloVe's C tool step for step: gradients clipped to ±gradClip, the learning rate divided by
 * √(sum of squared past gradients) per parameter (sums start at 1), a vector update skipped when it would be
 * NaN/∞, and the bias steps taken without eta (as the reference tool does).
 *
 * Memory layout (shared by every thread, Hogwild): `weights` and `gradsq` hold 2·V rows of `stride` floats;
 * row r < V is word r's vector (dim floats, zero-padded to a multiple of 4, so SIMD never needs a tail loop; the
 * padding gets zero gradients and stays zero) with its bias right after the padding, row V + r the context vector
 * and bias.
 *
 * Records come in the training format (see toTrainingRecords): 0-based ids, log x and f(x) precomputed once, so
 * the epochs, the hot part, compute neither a logarithm nor a power.
 */
export interface GloveParams {
  vocabSize: number;
  dim: number;
  /** Floats per row: the padded vector, the bias, padding (see rowStride). */
  stride: number;
  /** Column of the bias: dim rounded up to a multiple of 4. */
  biasAt: number;
  eta: number;
  gradClip: number;
}

/** Floats of the padded vector part of a row; the bias sits right after it. */
export function biasColumn(dim: number): number {
  return (dim + 3) & ~3;
}

/** Floats per row: padded vector, bias, and padding to keep rows 16-byte aligned. */
export function rowStride(dim: number): number {
  return biasColumn(dim) + 4;
}

/**
 * Rewrites GloVe records (1-based ids, float64 count) in place into training records of the same 16 bytes:
 * int32 row i, int32 row j (0-based), float32 log x, float32 f(x) = min(1, (x/xMax)^alpha).
 */
export function toTrainingRecords(ints: Int32Array, values: Float64Array, floats: Float32Array, n: number, xMax: number, alpha: number): void {
  for (let k = 0; k < n; k++) {
    const x = values[2 * k + 1];
    ints[4 * k]--;
    ints[4 * k + 1]--;
    floats[4 * k + 2] = Math.log(x);
    floats[4 * k + 3] = x > xMax ? 1 : Math.pow(x / xMax, alpha);
  }
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
 * Trains the `n` training records of a block (ints[4k], ints[4k+1]: rows; floats[4k+2]: log x; floats[4k+3]: f(x))
 * and returns the sum of their costs before their updates (GloVe reports that sum divided by the records per
 * epoch). Records with a row outside 0..V-1 are skipped, as the C tool does.
 */
export function trainRecords(weights: Float32Array, gradsq: Float32Array, ints: Int32Array, floats: Float32Array, n: number, p: GloveParams, s: GloveScratch): number {
  const { vocabSize: V, dim, stride, biasAt, eta, gradClip } = p;
  const u1 = s.update1;
  const u2 = s.update2;
  let cost = 0;
  for (let k = 0; k < n; k++) {
    const w1 = ints[4 * k];
    const w2 = ints[4 * k + 1];
    if (w1 < 0 || w2 < 0 || w1 >= V || w2 >= V) continue;
    const l1 = w1 * stride;
    const l2 = (w2 + V) * stride;
    let diff = 0;
    for (let b = 0; b < dim; b++) diff += weights[l1 + b] * weights[l2 + b];
    diff += weights[l1 + biasAt] + weights[l2 + biasAt] - floats[4 * k + 2];
    let fdiff = floats[4 * k + 3] * diff;
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
    weights[l1 + biasAt] -= finiteOrZero(fdiff / Math.sqrt(gradsq[l1 + biasAt]));
    weights[l2 + biasAt] -= finiteOrZero(fdiff / Math.sqrt(gradsq[l2 + biasAt]));
    fdiff *= fdiff;
    gradsq[l1 + biasAt] += fdiff;
    gradsq[l2 + biasAt] += fdiff;
  }
  return cost;
}

function clamp(v: number, limit: number): number {
  return v > limit ? limit : v < -limit ? -limit : v;
}

function finiteOrZero(v: number): number {
  return Number.isFinite(v) ? v : 0;
}
