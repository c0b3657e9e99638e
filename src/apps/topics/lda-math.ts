/**
 * The special functions and the random draws online LDA needs: digamma (ψ) and log Γ in double precision, and
 * Gamma(shape, scale) variates for the initial topics and document weights (gensim draws Gamma(100, 1/100)).
 */

/**
 * ψ(x) for x > 0. Below 7 the argument is shifted by 7 at once: ψ(x) = ψ(x + 7) − Σ_{i=0..6} 1/(x + i), and the sum
 * is taken as one rational function, Q′(x)/Q(x) with Q(x) = x(x+1)…(x+6), so a small argument costs one division
 * instead of a loop of up to 7 with a data-dependent trip count (the E-step calls this K + 1 times per iteration, on
 * γ values mostly below 1). Q's and Q′'s coefficients are positive, so Horner's rule loses no digits for x > 0. From
 * x + 7 ≥ 7 the asymptotic series is good to < 1e-13.
 */
export function digamma(x: number): number {
  const shift = x < 7 ? -shiftBy7(x) : 0;
  const y = x < 7 ? x + 7 : x;
  return shift + Math.log(y) + asymptoticTail(y);
}

/**
 * exp(ψ(x) − c), for the E-step's exp(E[log θ_k]) = exp(ψ(γ_k) − ψ(Σγ)): with y the argument ψ's series starts
 * from, exp(log y + tail) is y · exp(tail), which saves the log of every term (K per E-step iteration).
 */
export function expDigammaMinus(x: number, c: number): number {
  const shift = x < 7 ? -shiftBy7(x) : 0;
  const y = x < 7 ? x + 7 : x;
  return y * Math.exp(shift + asymptoticTail(y) - c);
}

/** Σ_{i=0..6} 1/(x + i) = Q′(x)/Q(x), Q(x) = x(x+1)…(x+6), by Horner's rule on both. */
function shiftBy7(x: number): number {
  const q = x * (720 + x * (1764 + x * (1624 + x * (735 + x * (175 + x * (21 + x))))));
  const dq = 720 + x * (3528 + x * (4872 + x * (2940 + x * (875 + x * (126 + x * 7)))));
  return dq / q;
}

/** ψ(y) − log y by its asymptotic series, for y ≥ 7 (error < 1e-13). */
function asymptoticTail(y: number): number {
  const f = 1 / (y * y);
  return -0.5 / y - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f * (1 / 132 - f * (691 / 32760 - f / 12))))));
}

/** Lanczos coefficients (g = 7, n = 9), good to ~15 digits. */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
  9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * log Γ(x) for x > 0. Below 0.5, log Γ(x) = log Γ(x + 1) − log x: Lanczos's sum from x + 1 ≥ 1, one log more
 * and no reflection (a sine, a log and a second call): the bound takes it of every γ_k and λ_kw, mostly below 0.5.
 */
export function logGamma(x: number): number {
  if (x < 0.5) return lanczosLogGamma(x + 1) - Math.log(x);
  return lanczosLogGamma(x);
}

/** log Γ(x) by Lanczos's approximation, for x ≥ 0.5. */
function lanczosLogGamma(x: number): number {
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
