/**
 * The random numbers of the training kernels: xorshift32 states, one per worker slot (kept in the slot's
 * configuration block), each draw scrambled by drawOf. The WebAssembly kernels compute the same sequence,
 * so the TypeScript references and the fast kernels draw identically from the same state.
 */

/** The next xorshift32 state (signed 32-bit; never 0 for a non-zero state). */
export function xorshift32(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x;
}

/**
 * The draw a state yields (xorshift32*): the state times an odd constant, so the high bits the callers use
 * mix every state bit non-linearly. Raw xorshift32 states are linear functions of the previous one: the
 * alias method's two consecutive draws (a word, then keep-or-alias) then skewed each word's share of
 * negatives by several percent (χ²/words 7.4 over 2·10⁸ draws from a 74k-word Zipf table; 0.97 with this
 * multiply, as for an ideal generator).
 */
export function drawOf(state: number): number {
  return Math.imul(state, 0x9e3779bb) >>> 0;
}

/** floor(x·n / 2^32) for an unsigned draw x: an integer in 0..n-1 without a division, exact in doubles. */
export function scaleBelow(x: number, n: number): number {
  const a = (x >>> 16) * n;
  const b = (x & 0xffff) * n;
  const q = Math.floor(a / 65536);
  return q + Math.floor(((a - q * 65536) * 65536 + b) / 4294967296);
}

/** A uniform float in [0, 1) from the top 24 bits of an unsigned draw. */
export function unitFloat(x: number): number {
  return (x >>> 8) * 2 ** -24;
}

/**
 * The xorshift32 state `steps` draws after `x`, without drawing them: each step is a linear map over the 32 bits
 * (GF(2)), so `steps` steps are that map's matrix to the power `steps`, found by repeated squaring (about
 * 30 squarings of a 32×32 bit matrix for 10⁸ steps). It lets several threads fill consecutive stretches of one
 * stream, each starting where the one before it ends.
 */
export function xorshift32Jump(x: number, steps: number): number {
  if (!Number.isSafeInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
  // A matrix is its 32 columns: column b is the image of the state with only bit b set.
  let power = Array.from({ length: 32 }, (_, b) => xorshift32(1 << b));
  let state = x | 0;
  for (let n = steps; n > 0; n = Math.floor(n / 2)) {
    if (n % 2 === 1) state = applyBits(power, state);
    if (n > 1) power = power.map((column) => applyBits(power, column));
  }
  return state;
}

/** The bit matrix (columns) times the state: the XOR of the columns of its set bits. */
function applyBits(columns: readonly number[], x: number): number {
  let out = 0;
  for (let b = 0; b < 32; b++) if ((x >>> b) & 1) out ^= columns[b];
  return out;
}
