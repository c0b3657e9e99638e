import { MinStdRand } from './quantize-rng.ts';

/** The parameters fastText's autotune searches (minn and maxn move together: maxn = minn + 3, or 0). */
export interface TunedParameters {
  alpha: number;
  epochs: number;
  dim: number;
  wordNgrams: number;
  bucket: number;
  minn: number;
  maxn: number;
  loss: 'softmax' | 'ns' | 'hs' | 'ova';
  /** The quantization's coordinates per sub-vector, searched only with a model size target (a power of 2, 2..16). */
  dsub?: number;
}

export type TunedName = keyof TunedParameters;

/** fastText's choices for minn; maxn is minn + 3 (or 0 with minn 0). */
const MINN_CHOICES = [0, 2, 3];

/**
 * fastText's AutotuneStrategy: the first trial is the starting point; every later one perturbs the best
 * parameters so far, each not fixed by the caller, by a Gaussian whose spread narrows as the time budget is
 * spent (from startSigma to endSigma between a quarter and three quarters of it): epoch, lr, dim and bucket
 * multiplied by 2^N(0, σ), wordNgrams and minn's choice moved by N(0, σ), each clamped to fastText's range (dsub
 * too, as 2^(1..4), when the parameters have one: with a model size target); the loss is softmax unless fixed.
 * Gaussians are drawn as libstdc++'s std::normal_distribution (polar method; a
 * fresh distribution per draw) from minstd_rand seeded as the caller says.
 */
export class AutotuneStrategy {
  private best: TunedParameters;
  private bestMinnIndex = 0;
  private bestDsubExponent = 1;
  private bestNonzeroBucket = 2_000_000;
  private trials = 0;
  private readonly rng: MinStdRand;

  constructor(
    start: TunedParameters,
    private readonly fixed: ReadonlySet<TunedName>,
    seed: number,
  ) {
    this.rng = new MinStdRand(seed >>> 0);
    this.best = { ...start };
    this.updateBest(start);
  }

  /** The parameters of the next trial, `t` the fraction of the time budget spent (0..1). */
  ask(t: number): TunedParameters {
    this.trials++;
    if (this.trials === 1) return { ...this.best };
    const a = { ...this.best };
    const free = (name: TunedName) => !this.fixed.has(name);
    if (free('epochs')) a.epochs = this.gaussInt(a.epochs, 1, 100, 2.8, 2.5, t, false);
    if (free('alpha')) a.alpha = this.gauss(a.alpha, 0.01, 5.0, 1.9, 1.0, t, false, false);
    if (free('dim')) a.dim = this.gaussInt(a.dim, 1, 1000, 1.4, 0.3, t, false);
    if (free('wordNgrams')) a.wordNgrams = this.gaussInt(a.wordNgrams, 1, 5, 4.3, 2.4, t, true);
    // fastText draws the quantization's dsub here whether or not a model size target uses it: the later
    // parameters see the same random numbers either way.
    if (free('dsub')) {
      const dsub = 2 ** this.gaussInt(this.bestDsubExponent, 1, 4, 2.0, 1.0, t, true);
      if (a.dsub !== undefined) a.dsub = dsub;
    }
    if (free('minn')) a.minn = MINN_CHOICES[this.gaussInt(this.bestMinnIndex, 0, MINN_CHOICES.length - 1, 4.0, 1.4, t, true)];
    if (free('maxn')) a.maxn = a.minn === 0 ? 0 : a.minn + 3;
    // fastText draws a bucket count only when something uses the buckets.
    if (free('bucket')) a.bucket = a.wordNgrams <= 1 && a.maxn === 0 ? 0 : this.gaussInt(this.bestNonzeroBucket, 10_000, 10_000_000, 2.0, 1.5, t, false);
    if (free('loss')) a.loss = 'softmax';
    return a;
  }

  /** Records a new best trial: later trials perturb it. */
  updateBest(p: TunedParameters): void {
    this.best = { ...p };
    const i = MINN_CHOICES.indexOf(p.minn);
    this.bestMinnIndex = i >= 0 ? i : 0;
    if (p.bucket !== 0) this.bestNonzeroBucket = p.bucket;
    if (p.dsub !== undefined) this.bestDsubExponent = Math.log2(p.dsub);
  }

  /** std::normal_distribution<double>(0, stddev)(rng), a fresh distribution: the polar method's second value. */
  private normal(stddev: number): number {
    let x: number;
    let y: number;
    let r2: number;
    do {
      x = 2 * this.rng.uniformReal() - 1;
      y = 2 * this.rng.uniformReal() - 1;
      r2 = x * x + y * y;
    } while (r2 > 1 || r2 === 0);
    return y * Math.sqrt((-2 * Math.log(r2)) / r2) * stddev;
  }

  /** fastText's updateArgGauss: val + N or val · 2^N, N ~ N(0, σ(t)), truncated to an integer when asked, clamped. */
  private gauss(val: number, min: number, max: number, startSigma: number, endSigma: number, t: number, linear: boolean, integer: boolean): number {
    const stddev = startSigma - ((startSigma - endSigma) / 0.5) * Math.min(0.5, Math.max(t - 0.25, 0));
    const coeff = this.normal(stddev);
    let v = linear ? coeff + val : 2 ** coeff * val;
    if (integer) v = Math.trunc(v);
    return Math.min(max, Math.max(min, v));
  }

  private gaussInt(val: number, min: number, max: number, startSigma: number, endSigma: number, t: number, linear: boolean): number {
    return this.gauss(val, min, max, startSigma, endSigma, t, linear, true);
  }
}
