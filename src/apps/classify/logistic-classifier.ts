import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Encoder } from '../../encoders/encoder.ts';
import { encoderSpecKind, openEncoder, type OpenEncoderOptions, type OpenedEncoder } from '../../encoders/open-encoder.ts';
import { FormatError, InvalidArgumentError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import type { Prediction, PredictOptions } from './fasttext-classifier.ts';
import { readLabelledTexts, type LabelledTexts } from './labelled-texts.ts';
import { fitLogisticRegression, logisticProbabilities, type LogisticRegressionOptions } from './logistic-regression.ts';
import { textVectors } from './text-vectors.ts';

/** The first bytes of a logistic-regression classifier file. */
const MAGIC = 'EKLOGREG';
const FORMAT_VERSION = 1;

/** The encoder a classifier was trained on: what openEncoder opens again when the classifier loads. */
export interface EncoderRecord {
  /** The spec as given to openEncoder (a vectors file, a model directory, `hf:ORG/NAME`, an API URL#model). */
  spec: string;
  /** A local spec's path relative to the classifier file's folder (found again when both move together). */
  path?: string;
  /** The pooling given to openEncoder, if any. */
  pooling?: OpenEncoderOptions['pooling'];
  /** The encoder's id when trained (e.g. "static:vectors.bin"). */
  id: string;
}

/** The JSON part of a classifier file. */
export interface LogisticClassifierHeader {
  format: 'embedkit-logistic-regression';
  version: number;
  encoder: EncoderRecord;
  /** Class labels, in weight-row order. */
  labels: string[];
  /** Vector length the weights expect. */
  dim: number;
  /** How it was trained (settings and the fit's outcome). */
  training: {
    examples: number;
    C: number;
    classWeight: 'balanced' | 'none' | Record<string, number>;
    tol: number;
    maxIterations: number;
    iterations: number;
    converged: boolean;
    loss: number;
    /** Absent in files of the first release: 'lbfgs'. With 'sgd' and more than two labels the rows are one-vs-rest. */
    solver?: 'lbfgs' | 'sgd';
    seed?: number;
  };
}

/** Settings of LogisticClassifier.train. */
export interface LogisticClassifierTrainOptions extends Omit<LogisticRegressionOptions, 'classWeight'> {
  /** 'balanced' (n / (classes × count)), or a weight per label; default: every example weighs 1. */
  classWeight?: 'balanced' | Record<string, number>;
  /** Prefix of label tokens in fastText-style lines (default `__label__`). */
  labelPrefix?: string;
  /** How to record the encoder: its spec (needed to load the classifier without passing an encoder). */
  encoderSpec?: { spec: string; pooling?: OpenEncoderOptions['pooling'] };
}

/** What training saw: examples used, and lines left out. */
export interface LogisticTrainStats {
  examples: number;
  unlabelled: number;
  /** Texts the encoder had no vector for (empty, or no known word). */
  noVector: number;
}

/**
 * A text classifier on top of any encoder: the text's vector (word vectors pooled by mean or SIF, a transformer,
 * an embeddings API) goes through a multinomial logistic regression (see fitLogisticRegression). Saved as one small
 * file: a JSON header (labels, training settings, the encoder's spec so it opens again) followed by the float32
 * weights. Predictions have fastText's shape (labels best first, with probabilities).
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { LogisticClassifier } from 'embedkit/apps';
 * import { openEncoder } from 'embedkit/encoders';
 * writeFileSync('v.vec', '4 2\nmatch 1 0\ngoal 0.9 0.1\nbread 0 1\nsoup 0.1 0.9\n');
 * const encoder = await openEncoder('v.vec');
 * const lines = ['__label__sport match goal', '__label__food bread soup', '__label__sport goal', '__label__food soup'];
 * const { classifier } = await LogisticClassifier.train(lines, encoder, { C: 10, encoderSpec: { spec: 'v.vec' } });
 * await classifier.save('topic.eklr');
 * const again = await LogisticClassifier.load('topic.eklr'); // opens v.vec again
 * console.log(await again.predict(['a late goal'], { k: 1 })); // [[{ label: '__label__sport', probability: 0.9… }]]
 * ```
 */
export class LogisticClassifier {
  readonly labels: readonly string[];
  private readonly index: Map<string, number>;

  constructor(
    readonly header: LogisticClassifierHeader,
    /** labels × dim weights, row-major. */
    readonly coef: Float32Array,
    readonly intercept: Float32Array,
    readonly encoder: Encoder,
  ) {
    this.labels = header.labels;
    this.index = new Map(header.labels.map((l, i) => [l, i]));
    if (encoder.dim !== header.dim) throw new InvalidArgumentError(`the encoder ${encoder.id} gives vectors of ${encoder.dim} values; this classifier was trained on ${header.dim}`);
  }

  /**
   * Trains on labelled texts (a file or lines: fastText's `__label__X text` lines or JSON lines, see
   * readLabelledTexts): each text encoded, then fitLogisticRegression. One label per text; lines without a label
   * are counted and left out, as are texts without a vector.
   */
  static async train(data: string | readonly string[] | LabelledTexts, encoder: Encoder, options: LogisticClassifierTrainOptions = {}): Promise<{ classifier: LogisticClassifier; stats: LogisticTrainStats }> {
    const examples = isLabelledTexts(data) ? data : await readLabelledTexts(data, options.labelPrefix);
    const keep: number[] = [];
    for (let i = 0; i < examples.texts.length; i++) {
      const n = examples.labels[i].length;
      if (n > 1) throw new InvalidArgumentError(`line ${examples.lineNumbers[i]} has ${n} labels; logistic regression gives each text one label (a fastText classifier with loss ova takes several)`);
      if (n === 1) keep.push(i);
    }
    if (keep.length === 0) throw new InvalidArgumentError(`none of the ${examples.texts.length} examples has a label`);
    const vectors = await textVectors(encoder, keep.map((i) => examples.texts[i]), options.signal);
    const features: Float32Array[] = [];
    const names: string[] = [];
    vectors.forEach((v, j) => {
      if (!v) return;
      features.push(v);
      names.push(examples.labels[keep[j]][0]);
    });
    // Labels by descending count, then first appearance (fastText's order).
    const counts = new Map<string, number>();
    for (const l of names) counts.set(l, (counts.get(l) ?? 0) + 1);
    const labels = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
    if (labels.length < 2) throw new InvalidArgumentError(`the examples have ${labels.length} label${labels.length === 1 ? '' : 's'}; a classifier needs at least 2`);
    const id = new Map(labels.map((l, i) => [l, i]));
    const targets = Int32Array.from(names, (l) => id.get(l)!);
    const cw = options.classWeight;
    if (cw && cw !== 'balanced') for (const l of Object.keys(cw)) if (!id.has(l)) throw new InvalidArgumentError(`classWeight names ${JSON.stringify(l)}, which no example has`);
    const classWeight = cw === undefined || cw === 'balanced' ? cw : labels.map((l) => cw[l] ?? 1);
    const C = options.C ?? 1;
    const tol = options.tol ?? 1e-4;
    const maxIterations = options.maxIterations ?? 100;
    const solver = options.solver ?? 'lbfgs';
    const fit = fitLogisticRegression(features, targets, labels.length, { ...options, C, tol, maxIterations, classWeight, solver });
    const header: LogisticClassifierHeader = {
      format: 'embedkit-logistic-regression',
      version: FORMAT_VERSION,
      encoder: { spec: options.encoderSpec?.spec ?? encoder.id, ...(options.encoderSpec?.pooling ? { pooling: options.encoderSpec.pooling } : {}), id: encoder.id },
      labels,
      dim: fit.dim,
      training: { examples: features.length, C, classWeight: cw ?? 'none', tol, maxIterations, iterations: fit.iterations, converged: fit.converged, loss: fit.loss, solver, ...(solver === 'sgd' ? { seed: options.seed ?? 1 } : {}) },
    };
    const classifier = new LogisticClassifier(header, Float32Array.from(fit.coef), Float32Array.from(fit.intercept), encoder);
    return { classifier, stats: { examples: features.length, unlabelled: examples.unlabelled, noVector: keep.length - features.length } };
  }

  /** True when `path` starts as a classifier file written by save() (what `predict` and `test` dispatch on). */
  static async isClassifierFile(path: string): Promise<boolean> {
    let file;
    try {
      file = await open(path, 'r');
    } catch {
      return false;
    }
    try {
      const head = Buffer.alloc(MAGIC.length);
      const { bytesRead } = await file.read(head, 0, MAGIC.length, 0);
      return bytesRead === MAGIC.length && head.toString('latin1') === MAGIC;
    } finally {
      await file.close();
    }
  }

  /**
   * Reads a classifier file; its encoder is `options.encoder`, or opened from the recorded spec (a local path is
   * looked for next to the classifier file first).
   */
  static async load(path: string, options: { encoder?: OpenedEncoder; open?: OpenEncoderOptions } = {}): Promise<LogisticClassifier> {
    const bytes = await readFile(path);
    if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) throw new FormatError(`${path} is not an embedkit logistic-regression classifier (no ${MAGIC} header)`);
    const length = bytes.readUInt32LE(8);
    if (12 + length > bytes.length) throw new FormatError(`${path} is cut short: its header says ${length} bytes of JSON`);
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + length)) as LogisticClassifierHeader;
    if (header.format !== 'embedkit-logistic-regression' || header.version !== FORMAT_VERSION) {
      throw new FormatError(`${path}: classifier file version ${header.version} of format ${JSON.stringify(header.format)}; this embedkit reads version ${FORMAT_VERSION}`);
    }
    const K = header.labels.length;
    const start = align4(12 + length);
    const floats = K * header.dim + K;
    if (bytes.length !== start + 4 * floats) throw new FormatError(`${path} holds ${bytes.length - start} bytes of weights; ${K} labels × ${header.dim} values and ${K} intercepts need ${4 * floats}`);
    const weights = new Float32Array(floats);
    for (let i = 0; i < floats; i++) weights[i] = bytes.readFloatLE(start + 4 * i);
    const encoder = options.encoder ?? (await openEncoder(recordedSpec(path, header.encoder), { ...options.open, pooling: options.open?.pooling ?? header.encoder.pooling }));
    return new LogisticClassifier(header, weights.subarray(0, K * header.dim), weights.subarray(K * header.dim), encoder);
  }

  /** Writes the classifier: MAGIC, the JSON header's length (u32 LE) and text, then the float32 LE weights and intercepts. */
  async save(path: string): Promise<void> {
    const record = { ...this.header.encoder };
    const spec = record.spec;
    if (encoderSpecKind(spec) !== 'remote' && !spec.startsWith('hf:') && existsSync(spec)) record.path = relative(dirname(resolve(path)), resolve(spec)) || '.';
    const json = Buffer.from(JSON.stringify({ ...this.header, encoder: record }), 'utf8');
    const start = align4(12 + json.length);
    const K = this.labels.length;
    const out = Buffer.alloc(start + 4 * (K * this.header.dim + K));
    out.write(MAGIC, 0, 'latin1');
    out.writeUInt32LE(json.length, 8);
    json.copy(out, 12);
    let at = start;
    for (const v of this.coef) at = out.writeFloatLE(v, at);
    for (const v of this.intercept) at = out.writeFloatLE(v, at);
    await writeFileAtomic(path, out, 'the classifier');
  }

  /** Each label's probability for one vector, in `labels` order. */
  probabilities(vector: ArrayLike<number>): Float64Array {
    const K = this.labels.length;
    return logisticProbabilities({ coef: this.coef, intercept: this.intercept, classes: K, dim: this.header.dim, oneVsRest: this.header.training.solver === 'sgd' && K > 2 }, vector);
  }

  /** Row of a label, or -1. */
  labelIndex(label: string): number {
    return this.index.get(label) ?? -1;
  }

  /** The k best labels of each text at or above the threshold, best first (none for a text without a vector). */
  async predict(texts: readonly string[], options: PredictOptions & { signal?: AbortSignal } = {}): Promise<Prediction[][]> {
    const vectors = await textVectors(this.encoder, texts, options.signal);
    return vectors.map((v) => (v ? this.best(v, options) : []));
  }

  /** The k best labels of one vector (checked as fastText checks k and threshold). */
  best(vector: ArrayLike<number>, options: PredictOptions = {}): Prediction[] {
    const k = options.k ?? 1;
    const threshold = options.threshold ?? 0;
    if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`k must be a positive integer, got ${k}`);
    if (!(threshold >= 0 && threshold <= 1)) throw new InvalidArgumentError(`threshold must be a number in 0..1, got ${threshold}`);
    const p = this.probabilities(vector);
    return [...p]
      .map((probability, i) => ({ label: this.labels[i], probability }))
      .filter((x) => x.probability >= threshold)
      .sort((a, b) => b.probability - a.probability)
      .slice(0, k);
  }

  /** Releases the encoder's runtime (a transformer's session), when it has one. */
  async dispose(): Promise<void> {
    await (this.encoder as OpenedEncoder).dispose?.();
  }
}

const align4 = (n: number) => (n + 3) & ~3;

function isLabelledTexts(d: unknown): d is LabelledTexts {
  return typeof d === 'object' && d !== null && !Array.isArray(d) && 'texts' in d;
}

/** The recorded encoder's spec: a local path found next to the classifier file, else the spec as given. */
function recordedSpec(path: string, record: EncoderRecord): string {
  if (record.path !== undefined) {
    const near = isAbsolute(record.path) ? record.path : resolve(dirname(path), record.path);
    if (existsSync(near)) return near;
  }
  return record.spec;
}
