import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmbedkitError, FormatError, InvalidArgumentError } from '../errors.ts';

/** How the token vectors of one input become one vector. */
export type TransformerPooling = 'mean' | 'cls' | 'last-token';
export const TRANSFORMER_POOLINGS: readonly TransformerPooling[] = ['mean', 'cls', 'last-token'];

/** Files a model directory must have; everything else (pooling, tokenizer settings) is optional. */
export const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json', 'onnx/model.onnx'] as const;

/** What embedkit reads from a Hugging Face model directory before handing it to the runtime. */
export interface ModelDirectory {
  /** Absolute path. */
  dir: string;
  /** Hidden size: the length of the vectors. */
  dim: number;
  /** Longest sequence the model takes, special tokens included. */
  maxLength: number;
  /** Pooling named by sentence-transformers' 1_Pooling/config.json, if the directory has one. */
  pooling?: TransformerPooling;
  /** A pooling that file asks for and embedkit does not do (e.g. max): an error unless the caller picks one. */
  unsupportedPooling?: {
    /** The pooling modes the file asks for, e.g. "max". */
    modes: string;
    /** The file that asks for them. */
    file: string;
  };
  /** Token id used for padding. */
  padTokenId?: number;
  /** config.json's model_type, e.g. "bert". */
  modelType: string;
}

/** True when `path` is a directory with a config.json: a model directory rather than a vectors file. */
export function isModelDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(join(path, 'config.json'));
  } catch {
    return false;
  }
}

/**
 * Checks that `path` is a usable model directory and reads its settings. A missing required file is an error that
 * names it; so is a config without a hidden size.
 */
export function readModelDirectory(path: string): ModelDirectory {
  const dir = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new EmbedkitError('not_found', `model directory ${dir} does not exist`, { file: dir });
  }
  if (!isDir) throw new InvalidArgumentError(`${dir} is not a directory; a transformer model is a directory with ${REQUIRED_MODEL_FILES.join(', ')}`);
  for (const name of REQUIRED_MODEL_FILES) {
    const file = join(dir, name);
    if (!existsSync(file)) {
      throw new EmbedkitError('missing_model_file', `the model directory has no ${name} (a model directory needs ${REQUIRED_MODEL_FILES.join(', ')})`, { file });
    }
  }
  const config = readJson(join(dir, 'config.json'));
  const dim = firstNumber(config, ['hidden_size', 'd_model', 'dim', 'n_embd']);
  if (dim === undefined) throw new FormatError('no hidden size (expected "hidden_size")', { file: join(dir, 'config.json') });
  const tokenizerConfig = existsSync(join(dir, 'tokenizer_config.json')) ? readJson(join(dir, 'tokenizer_config.json')) : {};
  return {
    dir,
    dim,
    maxLength: maxLengthOf(config, tokenizerConfig),
    ...poolingOf(dir),
    padTokenId: firstNumber(config, ['pad_token_id']),
    modelType: typeof config.model_type === 'string' ? config.model_type : 'unknown',
  };
}

/**
 * The tokenizer's model_max_length when it is a real limit (tokenizers store a huge sentinel when unset), else the
 * position table's size. The tokenizer's value wins because some models reserve positions (RoBERTa: 514 positions,
 * 512 tokens).
 */
function maxLengthOf(config: Record<string, unknown>, tokenizerConfig: Record<string, unknown>): number {
  const fromTokenizer = firstNumber(tokenizerConfig, ['model_max_length']);
  const fromConfig = firstNumber(config, ['max_position_embeddings', 'n_positions', 'max_seq_len']);
  if (fromTokenizer !== undefined && fromTokenizer > 0 && fromTokenizer < 1e6) {
    return fromConfig !== undefined ? Math.min(fromTokenizer, fromConfig) : fromTokenizer;
  }
  return fromConfig ?? 512;
}

/** sentence-transformers' pooling module: modules.json names its folder (usually 1_Pooling). */
function poolingOf(dir: string): Pick<ModelDirectory, 'pooling' | 'unsupportedPooling'> {
  let folder = '1_Pooling';
  const modulesFile = join(dir, 'modules.json');
  if (existsSync(modulesFile)) {
    const modules = readJson(modulesFile) as unknown;
    if (Array.isArray(modules)) {
      const pooling = modules.find((m) => typeof m?.type === 'string' && m.type.endsWith('.Pooling'));
      if (pooling && typeof pooling.path === 'string') folder = pooling.path;
    }
  }
  const file = join(dir, folder, 'config.json');
  if (!existsSync(file)) return {};
  const c = readJson(file);
  const modes = Object.keys(c).filter((k) => k.startsWith('pooling_mode_') && c[k] === true);
  // sentence-transformers concatenates several modes; embedkit takes exactly one.
  if (modes.length === 1 && modes[0] === 'pooling_mode_mean_tokens') return { pooling: 'mean' };
  if (modes.length === 1 && modes[0] === 'pooling_mode_cls_token') return { pooling: 'cls' };
  if (modes.length === 1 && modes[0] === 'pooling_mode_lasttoken') return { pooling: 'last-token' };
  return { unsupportedPooling: { modes: modes.join(' + ') || '(none set)', file } };
}

function readJson(file: string): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new FormatError(`not valid JSON: ${(err as Error).message}`, { file });
  }
}

function firstNumber(o: Record<string, unknown>, keys: string[]): number | undefined {
  for (const k of keys) if (typeof o[k] === 'number' && Number.isFinite(o[k])) return o[k] as number;
  return undefined;
}
