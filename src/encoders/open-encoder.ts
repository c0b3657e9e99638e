import { existsSync, statSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.ts';
import { loadEmbeddings, type LoadOptions } from '../formats/index.ts';
import type { EncodeResult, Encoder } from './encoder.ts';
import type { HubOptions } from './hub.ts';
import { hubModelName, isHubSpec, parseHubSpec } from './hub-spec.ts';
import type { RemoteEncoderOptions } from './remote.ts';
import { StaticEncoder, type Pooling, type StaticEncoderOptions } from './static.ts';
import type { ClipEncoderOptions } from './clip.ts';
import { isClipModelDirectory } from './clip-model-dir.ts';
import { isModelDirectory, REQUIRED_MODEL_FILES, TRANSFORMER_POOLINGS, type TransformerPooling } from './transformer-model-dir.ts';
import type { TransformerEncoderOptions } from './transformer.ts';

/**
 * What an encoder spec names: an OpenAI-compatible API, a local transformer model directory, a local CLIP-style
 * text-and-image model directory, or a vectors file.
 */
export type EncoderSpecKind = 'remote' | 'transformer' | 'clip' | 'vectors';

export interface OpenEncoderOptions {
  /**
   * The name the model goes by: the encoder id becomes `<kind>:<name>` (`static:`, `transformer:`, `remote:`).
   * Omitted: each encoder's own default id.
   */
  name?: string;
  /**
   * How token vectors become one text vector. 'mean' fits every local model; 'sif' only vectors files; 'cls' and
   * 'last-token' only transformer models; a remote API pools on its side, so it takes none. Omitted: the
   * transformer model's own pooling, mean for vectors files. Overrides the pooling in `vectors`/`transformer`.
   */
  pooling?: Pooling | TransformerPooling;
  /** Bearer key for a remote API (omitted: the remote encoder's own default, see RemoteEncoderOptions.apiKey). */
  apiKey?: string;
  /** The remote model when the URL names none after "#" (omitted: the URL must name one). */
  remoteModel?: string;
  /** Further remote encoder settings (batching, retries, cache, dimensions, onRetry...). */
  remote?: Omit<Partial<RemoteEncoderOptions>, 'url' | 'model' | 'id'>;
  /** Further CLIP settings (dtype, threads, batch size, image pixel limit...). */
  clip?: Omit<ClipEncoderOptions, 'id'>;
  /** Further transformer settings (windows, threads, prefixes...). */
  transformer?: Omit<TransformerEncoderOptions, 'id'>;
  /** Further static encoder settings (tokenizer, SIF constant, common component...). */
  vectors?: Omit<StaticEncoderOptions, 'id'>;
  /** How a vectors file is read (limit, format, vocabulary counts for SIF...). */
  load?: LoadOptions;
  /** Where a model by hub id (`hf:ORG/NAME[@revision]`) is downloaded from and kept (cache folder, hub URL, offline, progress...). */
  hub?: HubOptions;
}

/** Any encoder openEncoder returns: transformers add query-side encoding and release their runtime with dispose. */
export type OpenedEncoder = Encoder & {
  encodeQueries?(texts: readonly string[]): Promise<EncodeResult>;
  dispose?(): Promise<void>;
};

const URL_SPEC = /^https?:\/\//i;

/**
 * Which kind of model `spec` names, without loading it (see openEncoder).
 * @example
 * ```ts
 * import { encoderSpecKind } from 'embedkit/encoders';
 * console.log(encoderSpecKind('http://127.0.0.1:8080/v1#en'), encoderSpecKind('vectors.bin')); // remote vectors
 * ```
 */
export function encoderSpecKind(spec: string): EncoderSpecKind {
  if (URL_SPEC.test(spec)) return 'remote';
  if (isHubSpec(spec)) return 'transformer';
  if (isClipModelDirectory(spec)) return 'clip';
  if (isModelDirectory(spec)) return 'transformer';
  return 'vectors';
}

/**
 * Opens any model embedkit can encode with, from one string:
 * - `http(s)://host/v1#model`: an OpenAI-compatible embeddings API (the fragment names the API's model);
 * - a directory whose config.json says model_type "clip": a CLIP-style model (onnx/text_model.onnx and
 *   onnx/vision_model.onnx), whose encoder takes images (`{ image }`) as well as texts;
 * - a directory with a config.json: a local transformer model (config.json, tokenizer.json, onnx/model.onnx);
 * - `hf:ORG/NAME[@revision]`: a transformer model on the Hugging Face hub, downloaded into a cache on first use
 *   (see fetchHubModel and the `hub` option) and opened from there as a model directory;
 * - anything else: a vectors file (any format loadEmbeddings reads), pooled by a StaticEncoder.
 * A static encoder keeps its vectors as `encoder.embeddings` (word queries, the explorer).
 *
 * @example
 * ```ts
 * import { openEncoder } from 'embedkit/encoders';
 * const encoder = await openEncoder('vectors.bin', { pooling: 'sif' });
 * const { vectors } = await encoder.encode(['the river bank']);
 * console.log(vectors[0].length === encoder.dim); // true
 * ```
 */
export async function openEncoder(spec: string, options: OpenEncoderOptions = {}): Promise<OpenedEncoder> {
  const kind = encoderSpecKind(spec);
  checkPooling(spec, kind, options.pooling);
  if (isHubSpec(spec)) {
    const id = parseHubSpec(spec);
    // Loaded on use, as the transformer runtime is: programs that never name a hub model never load the downloader.
    const { fetchHubModel } = await import('./hub.ts');
    // The weight type picked for the model (a CLIP model's --dtype) decides which ONNX files are downloaded.
    const model = await fetchHubModel(id, { ...options.hub, dtype: options.hub?.dtype ?? options.clip?.dtype });
    return openEncoder(model.dir, { ...options, name: options.name ?? hubModelName(id) });
  }
  const id = options.name === undefined ? undefined : `${kind === 'vectors' ? 'static' : kind}:${options.name}`;
  if (kind === 'remote') return openRemote(spec, id, options);
  if (kind === 'clip') {
    const { ClipEncoder } = await import('./clip.ts');
    return ClipEncoder.load(spec, { ...options.clip, ...(id ? { id } : {}) });
  }
  if (kind === 'transformer') {
    // Loaded on use: the transformer runtime is large, and vectors-only programs never need it.
    const { TransformerEncoder } = await import('./transformer.ts');
    const pooling = (options.pooling as TransformerPooling | undefined) ?? options.transformer?.pooling;
    return TransformerEncoder.load(spec, { ...options.transformer, pooling, ...(id ? { id } : {}) });
  }
  checkVectorsFile(spec);
  const emb = await loadEmbeddings(spec, options.load);
  const pooling = (options.pooling as Pooling | undefined) ?? options.vectors?.pooling;
  return new StaticEncoder(emb, { ...options.vectors, pooling, ...(id ? { id } : {}) });
}

async function openRemote(spec: string, id: string | undefined, options: OpenEncoderOptions): Promise<OpenedEncoder> {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new InvalidArgumentError(`${JSON.stringify(spec)} is not a valid URL; a remote model is given as http(s)://host/v1#model`);
  }
  const model = decodeURIComponent(url.hash.slice(1)) || options.remoteModel;
  if (!model) throw new InvalidArgumentError(`name the remote model after "#": ${spec.replace(/#$/, '')}#MODEL`);
  const { RemoteEncoder } = await import('./remote.ts');
  return RemoteEncoder.connect({
    ...options.remote,
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    url: spec.replace(/#.*$/, ''),
    model,
    ...(id ? { id } : {}),
  });
}

/** A pooling that does not fit the kind of model is the caller's mistake, said before anything loads. */
function checkPooling(spec: string, kind: EncoderSpecKind, pooling: OpenEncoderOptions['pooling']): void {
  if (pooling === undefined) return;
  if (kind === 'remote') throw new InvalidArgumentError(`pooling ${JSON.stringify(pooling)} cannot apply to ${spec}: a remote API pools on its side`);
  if (kind === 'clip') throw new InvalidArgumentError(`pooling ${JSON.stringify(pooling)} cannot apply to ${spec}: a CLIP model pools inside its towers`);
  if (kind === 'transformer' && !(TRANSFORMER_POOLINGS as readonly string[]).includes(pooling)) {
    throw new InvalidArgumentError(`pooling ${JSON.stringify(pooling)} is for vectors files; a transformer model pools by ${TRANSFORMER_POOLINGS.join(', ')}`);
  }
  if (kind === 'vectors' && pooling !== 'mean' && pooling !== 'sif') {
    throw new InvalidArgumentError(`pooling ${JSON.stringify(pooling)} is for transformer models; a vectors file pools by mean or sif`);
  }
}

/** A spec that names nothing, or a directory that is no model, says what openEncoder expected. */
function checkVectorsFile(spec: string): void {
  const expected = 'expected an http(s) URL#model, a transformer model directory or a vectors file';
  if (!existsSync(spec)) throw new InvalidArgumentError(`${spec}: no such file or directory (${expected})`);
  if (statSync(spec).isDirectory()) {
    throw new InvalidArgumentError(`${spec} is a directory without config.json; a transformer model directory holds ${REQUIRED_MODEL_FILES.join(', ')}`);
  }
}
