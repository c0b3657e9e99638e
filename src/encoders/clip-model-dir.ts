import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmbedkitError, FormatError, InvalidArgumentError } from '../errors.ts';
import { MODEL_DTYPES, onnxGraphPath, type ModelDtype } from './onnx-dtypes.ts';

/**
 * A CLIP-style model directory in the layout Hugging Face's ONNX exports use: config.json (model_type "clip", with
 * text_config and vision_config), preprocessor_config.json, the tokenizer's files, and one ONNX file per tower,
 * onnx/text_model.onnx and onnx/vision_model.onnx, with a suffix per weight type (text_model_quantized.onnx...).
 */


/**
 * The factor on cosine similarity when nothing says otherwise: trained CLIP models reach the clamp of 100 on
 * exp(logit_scale), and the text and vision ONNX files do not carry the trained value.
 */
export const DEFAULT_LOGIT_SCALE = 100;

export interface ClipModelDirectory {
  /** Absolute path. */
  dir: string;
  /** Length of the shared text/image vectors (projection_dim). */
  dim: number;
  /** Longest text, in tokens with the special tokens. */
  maxTextLength: number;
  /** exp(logit_scale): config.json's trained `logit_scale` when present, else DEFAULT_LOGIT_SCALE. */
  logitScale: number;
  /** The weight type whose files are used. */
  dtype: ModelDtype;
  /** ONNX files of the two towers for that weight type, relative to `dir`. */
  textModelFile: string;
  visionModelFile: string;
}

/** True when `path` is a directory whose config.json describes a CLIP-style dual encoder. */
export function isClipModelDirectory(path: string): boolean {
  try {
    if (!statSync(path).isDirectory()) return false;
    const config = JSON.parse(readFileSync(join(path, 'config.json'), 'utf8')) as Record<string, unknown>;
    return isClipConfig(config);
  } catch {
    return false;
  }
}

function isClipConfig(config: Record<string, unknown>): boolean {
  return config.model_type === 'clip' || (typeof config.text_config === 'object' && typeof config.vision_config === 'object' && config.text_config !== null && config.vision_config !== null);
}

/** Checks a CLIP model directory and reads its settings; a missing file is an error naming it. */
export function readClipModelDirectory(path: string, dtype: ModelDtype = 'fp32'): ClipModelDirectory {
  const dir = resolve(path);
  if (!(MODEL_DTYPES as readonly string[]).includes(dtype)) throw new InvalidArgumentError(`dtype ${JSON.stringify(dtype)} is not one of ${MODEL_DTYPES.join(', ')}`);
  if (!existsSync(dir)) throw new EmbedkitError('not_found', `model directory ${dir} does not exist`, { file: dir });
  const textModelFile = onnxGraphPath('text_model', dtype);
  const visionModelFile = onnxGraphPath('vision_model', dtype);
  for (const name of ['config.json', 'preprocessor_config.json', 'tokenizer.json', textModelFile, visionModelFile]) {
    if (existsSync(join(dir, name))) continue;
    const present = name.startsWith('onnx/') ? ` (weight types present: ${presentDtypes(dir).join(', ') || 'none'})` : '';
    throw new EmbedkitError('missing_model_file', `the CLIP model directory has no ${name}${present}`, { file: join(dir, name) });
  }
  const config = readJson(join(dir, 'config.json'));
  if (!isClipConfig(config)) throw new FormatError('not a CLIP model (expected model_type "clip", or text_config and vision_config)', { file: join(dir, 'config.json') });
  const text = (config.text_config ?? {}) as Record<string, unknown>;
  const dim = num(config.projection_dim) ?? num(text.projection_dim);
  if (dim === undefined) throw new FormatError('no projection_dim: the length of the shared vectors is unknown', { file: join(dir, 'config.json') });
  const tokenizerConfig = existsSync(join(dir, 'tokenizer_config.json')) ? readJson(join(dir, 'tokenizer_config.json')) : {};
  const fromTokenizer = num(tokenizerConfig.model_max_length);
  const fromConfig = num(text.max_position_embeddings) ?? 77;
  const logScale = num(config.logit_scale);
  return {
    dir,
    dim,
    maxTextLength: fromTokenizer !== undefined && fromTokenizer > 0 && fromTokenizer < 1e6 ? Math.min(fromTokenizer, fromConfig) : fromConfig,
    logitScale: logScale === undefined ? DEFAULT_LOGIT_SCALE : Math.exp(logScale),
    dtype,
    textModelFile,
    visionModelFile,
  };
}

/** The weight types with both towers' files in the directory. */
export function presentDtypes(dir: string): ModelDtype[] {
  let files: string[];
  try {
    files = readdirSync(join(dir, 'onnx'));
  } catch {
    return [];
  }
  return MODEL_DTYPES.filter((d) => files.includes(onnxGraphPath('text_model', d).slice('onnx/'.length)) && files.includes(onnxGraphPath('vision_model', d).slice('onnx/'.length)));
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new FormatError(`not valid JSON: ${(err as Error).message}`, { file });
  }
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}
