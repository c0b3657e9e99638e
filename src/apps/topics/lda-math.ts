/**
 * The special functions and the random draws online LDA needs: digamma (ψ) and log Γ in double precision, and
 * Gamma(shape, scale) variates for the initial topics and document weights (gensim draws Gamma(100, 1/100)).
 */

/** ψ(x) for x > 0: shifted up to x ≥ 7 by ψ(x) = ψ(x+1) − 1/x, then the asymptotic series (error < 1e-13). */
export function digamma(x: number): number {
  let shift = 0;
  while (x < 7) {
    shift -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f / 12))))));
}

/** Lanczos coefficients (g = 7, n = 9), good to ~15 digits. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Gamma(shape, scale) draws for shape ≥ 1 (Marsaglia & Tsang 2000) from a uniform generator. */
export function gammaSampler(random: () => number, shape: number, scale: number): () => number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - random();
    const r = Math.sqrt(-2 * Math.log(u));
    const phi = 2 * Math.PI * random();
    spare = r * Math.sin(phi);
    return r * Math.cos(phi);
  };
  return () => {
    for (;;) {
      const x = normal();
      let v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const u = random();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
    }
  };
}
