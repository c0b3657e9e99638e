/**
 * Finding NaN and infinities in float32 data, which no reader lets through: one non-finite value makes every
 * similarity with its row NaN, and NaN is not JSON.
 */

/**
 * Whether `v[at, at + count)` holds only finite values. They do exactly when their sum in float64 is finite: a NaN
 * or an infinity carries through the sum (two opposite infinities give NaN), and float32's largest value (3.4e38)
 * is so far below float64's that no sum of fewer than 10^270 values overflows. One add per value; testing each
 * value's exponent bits took three integer operations and ~35% longer.
 */
export function allFinite(v: Float32Array, at = 0, count = v.length - at): boolean {
  // Four independent sums keep the loop from waiting on one dependency chain.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const end = at + count;
  let j = at;
  for (; j + 3 < end; j += 4) {
    s0 += v[j];
    s1 += v[j + 1];
    s2 += v[j + 2];
    s3 += v[j + 3];
  }
  for (; j < end; j++) s0 += v[j];
  return Number.isFinite(s0 + s1 + s2 + s3);
}

/** Index (from `at`) of the first non-finite value in `v[at, at + count)`, or -1 when all are finite. */
export function firstNonFinite(v: Float32Array, at = 0, count = v.length - at): number {
  if (allFinite(v, at, count)) return -1;
  for (let j = 0; j < count; j++) if (!Number.isFinite(v[at + j])) return j;
  return -1;
}
