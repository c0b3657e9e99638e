import { basename } from 'node:path';
import { EmbedkitError, InvalidArgumentError, MissingDependencyError } from '../errors.ts';
import { normalizeInPlace, type EncodeOptions, type EncodeResult, type Encoder } from './encoder.ts';
import { readClipModelDirectory, type ClipModelDirectory } from './clip-model-dir.ts';
import type { ModelDtype } from './onnx-dtypes.ts';
import { decodeImage, isImageInput, type DecodeImageOptions, type EncoderInput, type ImageInput, type RgbImage } from './image-decode.ts';
import { Pacer } from './pace.ts';
import { loadClipRuntime, type ClipRuntime } from './transformer-runtime.ts';

export interface ClipEncoderOptions extends DecodeImageOptions {
  /** Encoder id (default `clip:<directory name>`). */
  id?: string;
  /** Weight type: which ONNX files of the directory to run (default fp32; q8 runs `*_quantized.onnx`). */
  dtype?: ModelDtype;
  /** ONNX Runtime threads within one operator (default: the runtime's choice). */
  threads?: number;
  /** Texts or images per model run (default 32). */
  batchSize?: number;
  /** Factor on cosine similarity for zero-shot classification (default: the model's, see ClipModelDirectory.logitScale). */
  logitScale?: number;
}

export interface ClipEncodeOptions extends EncodeOptions {
  /**
   * Encode what can be encoded and report each bad image in `errors` (its vector stays a zero vector) instead of
   * failing the whole call on the first one.
   */
  partial?: boolean;
  /** Refuse pictures over this many pixels for this call (default: the encoder's maxImagePixels). */
  maxImagePixels?: number;
}

/** encode's result: `errors[i]` is set for an image that could not be used (only with `partial`). */
export interface ClipEncodeResult extends EncodeResult {
  errors: (EmbedkitError | undefined)[];
}

/** An input of a batch that could not be encoded: `index` is its position in the batch. */
export class InputItemError extends EmbedkitError {
  constructor(
    readonly index: number,
    readonly reason: EmbedkitError,
  ) {
    super(reason.code, `input ${index}: ${reason.message}`);
    this.name = 'InputItemError';
  }
}

/** One label's share of a zero-shot classification. */
export interface LabelScore {
  label: string;
  /** Softmax over the labels of cosine similarity × the logit scale. */
  probability: number;
  /** Cosine similarity of the image and the label's prompt. */
  similarity: number;
}

/**
 * A CLIP-style dual encoder: texts and images to unit vectors of one space, so a caption lands near its picture.
 * An input is a text (a string) or an image (`{ image: path | file: URL | data: URL | bytes }`; JPEG, PNG, WebP,
 * GIF's first frame; see image-decode.ts for the conversions). Texts longer than the model's window are cut to it, as
 * CLIP does; `tokens` counts every token of the text and 0 for an image.
 *
 * @example
 * ```ts
 * import { ClipEncoder } from 'embedkit/encoders';
 * const clip = await ClipEncoder.load('clip'); // a CLIP model directory
 * const { vectors } = await clip.encode(['a small red circle at the top left', { image: 'pictures/resized.png' }]);
 * console.log(vectors.length, vectors[0].length === clip.dim); // 2 true
 * await clip.dispose();
 * ```
 */
export class ClipEncoder implements Encoder {
  readonly id: string;
  readonly dim: number;
  readonly maxTokens: number;
  /** What `encode` accepts. */
  readonly modalities = ['text', 'image'] as const;
  /** exp(logit_scale): the factor on cosine similarity before the softmax of zero-shot classification. */
  readonly logitScale: number;
  private readonly batchSize: number;

  private constructor(
    readonly model: ClipModelDirectory,
    private readonly runtime: ClipRuntime,
    private readonly options: ClipEncoderOptions,
  ) {
    this.id = options.id ?? `clip:${basename(model.dir)}`;
    this.dim = model.dim;
    this.maxTokens = model.maxTextLength;
    this.logitScale = options.logitScale ?? model.logitScale;
    this.batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new InvalidArgumentError(`batchSize must be a positive integer, got ${options.batchSize}`);
  }

  /**
   * Opens a CLIP model directory (see clip-model-dir.ts for the layout).
   * @example
   * ```ts
   * import { ClipEncoder } from 'embedkit/encoders';
   * const clip = await ClipEncoder.load('clip', { dtype: 'q8' }); // runs onnx/text_model_quantized.onnx...
   * console.log(clip.id, clip.dim); // clip:clip 64
   * await clip.dispose();
   * ```
   */
  static async load(dir: string, options: ClipEncoderOptions = {}): Promise<ClipEncoder> {
    const model = readClipModelDirectory(dir, options.dtype);
    const runtime = await loadClipRuntime(model, { threads: options.threads });
    return new ClipEncoder(model, runtime, options);
  }

  /** Encodes texts and images into unit vectors of one space, in input order. */
  async encode(inputs: readonly EncoderInput[], options: ClipEncodeOptions = {}): Promise<ClipEncodeResult> {
    const pace = new Pacer(options.signal);
    const vectors: Float32Array[] = inputs.map(() => new Float32Array(this.dim));
    const errors: (EmbedkitError | undefined)[] = inputs.map(() => undefined);
    const tokens: number[] = [];
    const textRows: { at: number; ids: number[] }[] = [];
    const imageAt: number[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i];
      if (typeof input === 'string') {
        const content = this.runtime.tokenize(input);
        tokens.push(content.length + this.runtime.prefixIds.length + this.runtime.suffixIds.length);
        const room = Math.max(0, this.maxTokens - this.runtime.prefixIds.length - this.runtime.suffixIds.length);
        textRows.push({ at: i, ids: [...this.runtime.prefixIds, ...content.slice(0, room), ...this.runtime.suffixIds] });
      } else if (isImageInput(input)) {
        tokens.push(0);
        imageAt.push(i);
      } else {
        throw new InvalidArgumentError(`input ${i} is neither a text nor an image ({ image: path, data URL or bytes })`);
      }
      options.onTokens?.(tokens);
      await pace.tick();
    }
    for (let from = 0; from < textRows.length; from += this.batchSize) {
      const part = textRows.slice(from, from + this.batchSize);
      const out = await this.runtime.runText(part.map((r) => r.ids));
      part.forEach((r, k) => (vectors[r.at] = normalizeInPlace(out[k])));
      pace.check();
    }
    for (let from = 0; from < imageAt.length; from += this.batchSize) {
      const part = imageAt.slice(from, from + this.batchSize);
      // sharp decodes on libuv's thread pool: a batch's pictures decode side by side.
      const settled = await Promise.allSettled(part.map((at) => decodeImage(inputs[at] as ImageInput, { maxImagePixels: options.maxImagePixels ?? this.options.maxImagePixels })));
      const decoded: { at: number; image: RgbImage }[] = [];
      settled.forEach((r, k) => {
        const at = part[k];
        if (r.status === 'fulfilled') return void decoded.push({ at, image: r.value });
        // A missing decoder package is no fault of the picture: it fails the whole call, partial or not.
        if (!(r.reason instanceof EmbedkitError) || r.reason instanceof MissingDependencyError) throw r.reason;
        if (!options.partial) throw new InputItemError(at, r.reason);
        errors[at] = r.reason;
      });
      await pace.tick();
      if (decoded.length === 0) continue;
      const out = await this.runtime.runImages(decoded.map((d) => d.image));
      decoded.forEach((d, k) => (vectors[d.at] = normalizeInPlace(out[k])));
      pace.check();
    }
    return { vectors, tokens, errors };
  }

  /**
   * Zero-shot classification: which label's prompt (`template` with `{}` replaced by the label, default
   * "a photo of {}") best matches the image; softmax over cosine similarity × `logitScale`. Scores in label order.
   * @example
   * ```ts
   * import { ClipEncoder } from 'embedkit/encoders';
   * const clip = await ClipEncoder.load('clip');
   * const scores = await clip.classify({ image: 'pictures/resized.png' }, ['circle', 'square', 'cross'], { template: 'a photo of a {}' });
   * console.log(scores.map((s) => s.label)); // [ 'circle', 'square', 'cross' ]
   * await clip.dispose();
   * ```
   */
  async classify(image: ImageInput, labels: readonly string[], options: { template?: string; signal?: AbortSignal } = {}): Promise<LabelScore[]> {
    if (labels.length === 0) throw new InvalidArgumentError('labels must name at least one class');
    const template = options.template ?? 'a photo of {}';
    if (!template.includes('{}')) throw new InvalidArgumentError(`template ${JSON.stringify(template)} has no {} for the label`);
    const { vectors } = await this.encode([image, ...labels.map((l) => template.replaceAll('{}', l))], { signal: options.signal }).catch((err: unknown) => {
      // One image: its error as the decoder said it, without the batch position.
      throw err instanceof InputItemError && err.index === 0 ? err.reason : err;
    });
    const sims = labels.map((_, k) => dot(vectors[0], vectors[k + 1]));
    const logits = sims.map((s) => s * this.logitScale);
    const max = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - max));
    const total = exps.reduce((a, b) => a + b, 0);
    return labels.map((label, k) => ({ label, probability: exps[k] / total, similarity: sims[k] }));
  }

  /** Releases both ONNX sessions. */
  async dispose(): Promise<void> {
    await this.runtime.dispose();
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
