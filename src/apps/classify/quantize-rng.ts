/**
 * The random numbers of fastText's product quantizer, drawn exactly as fastText (built against GNU libstdc++)
 * draws them, so that a quantized model's centroids and codes equal those of `fasttext quantize`:
 * std::minstd_rand (x ← 48271·x mod 2³¹−1), std::shuffle with libstdc++'s two-positions-per-draw loop,
 * std::uniform_int_distribution's downscaling by rejection, and std::generate_canonical<double> from two draws.
 */

const MODULUS = 2147483647;
/** max() − min() of minstd_rand. */
const RANGE = 2147483645;

/** std::minstd_rand: results in 1 .. 2³¹−2. */
export class MinStdRand {
  private x: number;

  constructor(seed: number) {
    const s = seed % MODULUS;
    this.x = s === 0 ? 1 : s;
  }

  next(): number {
    // 48271 · x < 2^47: exact in a double.
    this.x = (this.x * 48271) % MODULUS;
    return this.x;
  }

  /** std::uniform_int_distribution<unsigned long>{0, b}: a draw below the largest multiple of b+1, divided down. */
  uniformInt(b: number): number {
    const erange = b + 1;
    if (erange > RANGE) throw new RangeError('range beyond minstd_rand: not needed by the quantizer');
    const scaling = Math.floor(RANGE / erange);
    const past = erange * scaling;
    let r: number;
    do r = this.next() - 1;
    while (r >= past);
    return Math.floor(r / scaling);
  }

  /** std::uniform_real_distribution<double>(0, 1): generate_canonical<double, 53> from two draws. */
  uniformReal(): number {
    const r = RANGE + 1;
    let sum = 0;
    let tmp = 1;
    for (let k = 0; k < 2; k++) {
      sum += (this.next() - 1) * tmp;
      tmp *= r;
    }
    const ret = sum / tmp;
    return ret >= 1 ? 1 - 2 ** -53 : ret;
  }
}

/** std::shuffle(perm.begin(), perm.end(), rng) as libstdc++ does it. */
export function shuffleInPlace(perm: Int32Array, rng: MinStdRand): void {
  const n = perm.length;
  if (n === 0) return;
  const swap = (i: number, j: number) => {
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  };
  if (Math.floor(RANGE / n) >= n) {
    // The range of one draw covers two positions: i gets x / (i+2), i+1 gets x % (i+2), from x in [0, (i+1)(i+2)).
    let i = 1;
    if (n % 2 === 0) {
      swap(i, rng.uniformInt(1));
      i++;
    }
    while (i !== n) {
      const range = i + 1;
      const x = rng.uniformInt(range * (range + 1) - 1);
      swap(i, Math.floor(x / (range + 1)));
      i++;
      swap(i, x % (range + 1));
      i++;
    }
    return;
  }
  for (let i = 1; i < n; i++) swap(i, rng.uniformInt(i));
}
