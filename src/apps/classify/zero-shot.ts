import type { EncodeOptions, Encoder } from '../../encoders/encoder.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { textVectors } from './text-vectors.ts';

/** The sentence each label is put in before it is encoded; `{}` marks the label. */
export const DEFAULT_ZERO_SHOT_TEMPLATE = 'This text is about {}.';

/**
 * The softmax temperature used when none is given, from the temperatures calibrateZeroShotTemperature fitted on
 * the benchmark's labelled sets (bench/classify-embeddings.bench.ts, en-mix word2vec SIF vectors, the default
 * template): 0.08 SpamAssassin, 0.22 Brown genres, 0.48 State of the Union party (for the century the similarities
 * carried no information and the fit went flat). Calibrate on a few labelled texts of your own for probabilities
 * that mean what they say; the ranking of the labels does not depend on it.
 */
export const DEFAULT_ZERO_SHOT_TEMPERATURE = 0.2;

export interface ZeroShotOptions {
  /** Sentence with `{}` where the label goes (default DEFAULT_ZERO_SHOT_TEMPLATE). */
  template?: string;
  /** Softmax temperature over the cosine similarities (default DEFAULT_ZERO_SHOT_TEMPERATURE). */
  temperature?: number;
  signal?: AbortSignal;
  /** Passed to the encoder for the texts (a server's token check). */
  onTokens?: EncodeOptions['onTokens'];
}

/** A label's cosine similarity to a text and its probability (softmax of the similarities / temperature). */
export interface ZeroShotScore {
  label: string;
  score: number;
  probability: number;
}

/** The prompts of the labels, checked: labels non-empty and distinct, the template with a `{}`. */
export function labelPrompts(labels: readonly string[], template = DEFAULT_ZERO_SHOT_TEMPLATE): string[] {
  if (labels.length < 2) throw new InvalidArgumentError(`zero-shot classification needs at least 2 labels, got ${labels.length}`);
  if (labels.some((l) => l.trim() === '')) throw new InvalidArgumentError('a label is empty');
  if (new Set(labels).size !== labels.length) throw new InvalidArgumentError('the labels repeat one another');
  if (!template.includes('{}')) throw new InvalidArgumentError(`the template ${JSON.stringify(template)} has no {} for the label`);
  return labels.map((l) => template.split('{}').join(l));
}

/** Each text's cosine similarity to each label prompt (undefined for a text without a vector). */
export async function labelSimilarities(encoder: Encoder, texts: readonly string[], labels: readonly string[], options: ZeroShotOptions = {}): Promise<(Float64Array | undefined)[]> {
  const prompts = labelPrompts(labels, options.template);
  // The texts first: a caller's token check (a server's limits) runs before any other model work.
  const vectors = options.onTokens ? await encodeChecked(encoder, texts, options) : await textVectors(encoder, texts, options.signal);
  const labelVectors = await textVectors(encoder, prompts, options.signal);
  const missing = labelVectors.findIndex((v) => !v);
  if (missing >= 0) throw new InvalidArgumentError(`the label ${JSON.stringify(labels[missing])} has no vector in ${encoder.id} (as ${JSON.stringify(prompts[missing])})`);
  // Encoders return unit vectors: the dot product is the cosine.
  return vectors.map((v) => (v ? Float64Array.from(labelVectors, (l) => dot(v, l!)) : undefined));
}

/**
 * Zero-shot classification by similarity: each label is put in the template ("This text is about sport."), the
 * texts and the label sentences are encoded by the same encoder, and each text gets every label ranked by cosine
 * similarity, with probabilities from a softmax of the similarities divided by the temperature (calibrated as
 * calibrateZeroShotTemperature does). A text without a vector (empty, or no known word) gets an empty list.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { zeroShotClassify } from 'embedkit/apps';
 * import { openEncoder } from 'embedkit/encoders';
 * writeFileSync('v.vec', '6 2\nmatch 1 0\ngoal 0.9 0.1\nsport 0.95 0.05\nbread 0 1\nsoup 0.1 0.9\nfood 0.05 0.95\n');
 * const encoder = await openEncoder('v.vec');
 * const [ranked] = await zeroShotClassify(encoder, ['a late goal'], ['sport', 'food'], { template: '{}' });
 * console.log(ranked[0].label); // sport
 * ```
 */
export async function zeroShotClassify(encoder: Encoder, texts: readonly string[], labels: readonly string[], options: ZeroShotOptions = {}): Promise<ZeroShotScore[][]> {
  const temperature = options.temperature ?? DEFAULT_ZERO_SHOT_TEMPERATURE;
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new InvalidArgumentError(`temperature must be a positive number, got ${temperature}`);
  const similarities = await labelSimilarities(encoder, texts, labels, options);
  return similarities.map((s) => {
    if (!s) return [];
    const p = softmax(s, 1 / temperature);
    return labels.map((label, i) => ({ label, score: s[i], probability: p[i] })).sort((a, b) => b.score - a.score);
  });
}

/** What calibrateZeroShotTemperature found. */
export interface ZeroShotCalibration {
  temperature: number;
  /** Mean negative log-likelihood of the true labels at that temperature. */
  nll: number;
  /** Share of texts whose most similar label is their own (the temperature does not change it). */
  accuracy: number;
  /** Texts used (those with a vector and a label among `labels`). */
  examples: number;
}

/**
 * Temperature scaling (Guo et al., 2017, "On Calibration of Modern Neural Networks"): the temperature that
 * minimizes the mean negative log-likelihood of the true labels under the softmax of similarity / temperature, on
 * labelled texts. The NLL is convex in 1/temperature, so a golden-section search over 1/temperature in (0, 1000]
 * finds the minimum. `gold[i]` is text i's label, one of `labels` (texts with another label are left out).
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { calibrateZeroShotTemperature } from 'embedkit/apps';
 * import { openEncoder } from 'embedkit/encoders';
 * writeFileSync('v.vec', '6 2\nmatch 1 0\ngoal 0.9 0.1\nsport 0.95 0.05\nbread 0 1\nsoup 0.1 0.9\nfood 0.05 0.95\n');
 * const encoder = await openEncoder('v.vec');
 * const fit = await calibrateZeroShotTemperature(encoder, ['match', 'soup', 'goal bread'], ['sport', 'food', 'food'], ['sport', 'food'], { template: '{}' });
 * console.log(fit.temperature > 0, fit.accuracy); // true 1
 * ```
 */
export async function calibrateZeroShotTemperature(
  encoder: Encoder,
  texts: readonly string[],
  gold: readonly string[],
  labels: readonly string[],
  options: Omit<ZeroShotOptions, 'temperature'> = {},
): Promise<ZeroShotCalibration> {
  if (gold.length !== texts.length) throw new InvalidArgumentError(`${texts.length} texts but ${gold.length} gold labels`);
  const index = new Map(labels.map((l, i) => [l, i]));
  const keep = texts.flatMap((_, i) => (index.has(gold[i]) ? [i] : []));
  const similarities = await labelSimilarities(encoder, keep.map((i) => texts[i]), labels, options);
  const rows: { s: Float64Array; y: number }[] = [];
  similarities.forEach((s, j) => s && rows.push({ s, y: index.get(gold[keep[j]])! }));
  if (rows.length === 0) throw new InvalidArgumentError('no calibration text has both a vector and one of the labels');
  const nll = (beta: number) => {
    let sum = 0;
    for (const { s, y } of rows) {
      let max = -Infinity;
      for (const v of s) max = Math.max(max, beta * v);
      let z = 0;
      for (const v of s) z += Math.exp(beta * v - max);
      sum += max + Math.log(z) - beta * s[y];
    }
    return sum / rows.length;
  };
  // Golden-section search on the convex NLL over beta = 1/temperature.
  const phi = (Math.sqrt(5) - 1) / 2;
  let lo = 0;
  let hi = 1000;
  let a = hi - phi * (hi - lo);
  let b = lo + phi * (hi - lo);
  let fa = nll(a);
  let fb = nll(b);
  while (hi - lo > 1e-6 * Math.max(1, lo)) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - phi * (hi - lo);
      fa = nll(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + phi * (hi - lo);
      fb = nll(b);
    }
  }
  const beta = (lo + hi) / 2;
  const correct = rows.filter(({ s, y }) => s.every((v, i) => i === y || v < s[y])).length;
  return { temperature: 1 / beta, nll: nll(beta), accuracy: correct / rows.length, examples: rows.length };
}

function softmax(s: Float64Array, scale: number): Float64Array {
  let max = -Infinity;
  for (const v of s) max = Math.max(max, v * scale);
  const p = Float64Array.from(s, (v) => Math.exp(v * scale - max));
  let z = 0;
  for (const v of p) z += v;
  for (let i = 0; i < p.length; i++) p[i] /= z;
  return p;
}

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** The texts in one encode call with the caller's token check (a server's limits): a text without a vector fails the call. */
async function encodeChecked(encoder: Encoder, texts: readonly string[], options: ZeroShotOptions): Promise<Float32Array[]> {
  return (await encoder.encode(texts, { signal: options.signal, onTokens: options.onTokens })).vectors;
}
