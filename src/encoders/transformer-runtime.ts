import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbedkitError } from '../errors.ts';
import { importOptional } from '../util/optional-import.ts';
import type { ClipModelDirectory } from './clip-model-dir.ts';
import { clipPixelPlan, type Resize } from './clip-pixels.ts';
import type { ModelDtype } from './onnx-dtypes.ts';
import type { RgbImage } from './image-decode.ts';
import type { ModelDirectory } from './transformer-model-dir.ts';

/**
 * The one place that touches @huggingface/transformers (on onnxruntime-node): it loads a checked model directory
 * from disk only, tokenizes, and runs padded batches of token ids. Everything above it works on plain arrays.
 */

/** Last hidden states of a padded batch: rows × length × dim, row-major. */
export interface HiddenStates {
  data: Float32Array;
  rows: number;
  length: number;
  dim: number;
}

export interface TransformerRuntime {
  /** Token ids of `text` without the model's special tokens. */
  tokenize(text: string): number[];
  /**
   * Whether a text cut just before a whitespace character tokenizes, piece by piece, to the same ids as whole: true
   * for tokenizers that split words at whitespace and normalize character by character (BERT's WordPiece), so that
   * a long text can be tokenized in slices; false for the others (SentencePiece, byte-level BPE: spaces are part
   * of their tokens).
   */
  readonly cutsAtWhitespace: boolean;
  /** Special tokens the model puts before and after a text (e.g. [CLS] and [SEP]). */
  readonly prefixIds: readonly number[];
  readonly suffixIds: readonly number[];
  readonly padId: number;
  readonly vocabSize: number;
  /** The vocabulary's spelling of each id. */
  tokenString(id: number): string;
  /** Runs rows of ids (special tokens included), right-padded into one batch. */
  run(rows: readonly (readonly number[])[]): Promise<HiddenStates>;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  /** ONNX Runtime threads within one operator (default: the runtime's choice, one per physical core). */
  threads?: number;
}

type Transformers = typeof import('@huggingface/transformers');

let library: Promise<Transformers> | undefined;

/**
 * Imported on first use: the library is large and most embedkit commands never need it. Remote loading is switched
 * off before anything can be loaded, and nothing is cached outside the model directory.
 */
function transformers(): Promise<Transformers> {
  library ??= importOptional('@huggingface/transformers', 'the transformer encoder', () => import('@huggingface/transformers')).then((t) => {
    t.env.allowRemoteModels = false;
    t.env.allowLocalModels = true;
    t.env.useFSCache = false;
    t.env.useBrowserCache = false;
    t.env.logLevel = t.LogLevel.ERROR;
    return t;
  });
  // A failed load is not cached: installing the package lets a long-running process try again.
  library.catch(() => (library = undefined));
  return library;
}

/** A probe text whose tokens locate the special tokens the tokenizer adds around any text. */
const PROBE = 'probe';

/**
 * What both loaders begin with: the library, the load options that read the model directory and nothing else
 * (absolute paths are never taken for hub model ids), and the settings of every ONNX session.
 */
async function configureRuntime(dtype: ModelDtype, options: RuntimeOptions) {
  const t = await transformers();
  const load = { local_files_only: true } as const;
  const session = {
    ...load,
    dtype,
    device: 'cpu' as const,
    session_options: options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : undefined,
  };
  return { t, load, session };
}

type Tokenizer = Awaited<ReturnType<Transformers['AutoTokenizer']['from_pretrained']>>;

/** The special tokens the tokenizer puts before and after any text, found around a probe text's own tokens. */
function specialTokens(tokenizer: Tokenizer, dir: string, refusal: string): { prefixIds: number[]; suffixIds: number[] } {
  const bare = tokenizer.encode(PROBE, { add_special_tokens: false });
  const full = tokenizer.encode(PROBE, { add_special_tokens: true });
  const at = indexOfSequence(full, bare);
  if (at < 0) throw new EmbedkitError('model_load_failed', refusal, { file: dir });
  return { prefixIds: full.slice(0, at), suffixIds: full.slice(at + bare.length) };
}

/** Rows of ids right-padded into one batch: the ids and the attention mask over the real tokens, `length` wide. */
function paddedBatch(t: Transformers, rows: readonly (readonly number[])[], padId: number) {
  const n = rows.length;
  const length = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(n * length).fill(BigInt(padId));
  const mask = new BigInt64Array(n * length);
  rows.forEach((row, r) => {
    for (let j = 0; j < row.length; j++) {
      ids[r * length + j] = BigInt(row[j]);
      mask[r * length + j] = 1n;
    }
  });
  return { length, feeds: { input_ids: new t.Tensor('int64', ids, [n, length]), attention_mask: new t.Tensor('int64', mask, [n, length]) } };
}

export async function loadRuntime(model: ModelDirectory, options: RuntimeOptions = {}): Promise<TransformerRuntime> {
  const { t, load, session } = await configureRuntime('fp32', options);
  let tokenizer: Tokenizer;
  let net: Awaited<ReturnType<typeof t.AutoModel.from_pretrained>>;
  try {
    tokenizer = await t.AutoTokenizer.from_pretrained(model.dir, load);
    net = await t.AutoModel.from_pretrained(model.dir, session);
  } catch (err) {
    throw new EmbedkitError('model_load_failed', `cannot load the model: ${(err as Error).message}`, { file: model.dir });
  }

  const { prefixIds, suffixIds } = specialTokens(tokenizer, model.dir, 'the tokenizer adds special tokens inside the text; embedkit cannot place its windows');
  const padId = model.padTokenId ?? tokenizer.pad_token_id ?? 0;

  const vocab = tokenizer.get_vocab();
  const strings: string[] = [];
  for (const [token, id] of vocab) strings[id] = token;

  return {
    tokenize: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    cutsAtWhitespace: cutsAtWhitespace(model.dir),
    prefixIds,
    suffixIds,
    padId,
    vocabSize: strings.length,
    tokenString: (id) => strings[id] ?? `[${id}]`,
    async run(rows) {
      const n = rows.length;
      const { length, feeds } = paddedBatch(t, rows, padId);
      // token_type_ids (all zero) are added by the library when the graph asks for them.
      const out = await net(feeds);
      const hidden = out.last_hidden_state ?? out.token_embeddings;
      if (!hidden || hidden.dims.length !== 3) {
        throw new EmbedkitError('model_output', `the model has no 3-D last_hidden_state output (outputs: ${Object.keys(out).join(', ')})`, { file: model.dir });
      }
      return { data: hidden.data as Float32Array, rows: n, length, dim: hidden.dims[2] };
    },
    async dispose() {
      await net.dispose();
    },
  };
}

/** Pre-tokenizers that split at every whitespace character, and normalizers that work on one character at a time. */
const WHITESPACE_PRE_TOKENIZERS = new Set(['BertPreTokenizer', 'Whitespace', 'WhitespaceSplit']);
const CHARACTER_NORMALIZERS = new Set(['BertNormalizer', 'Lowercase', 'StripAccents', 'NFC', 'NFD', 'NFKC', 'NFKD', 'Strip']);

/** Read from tokenizer.json: see TransformerRuntime.cutsAtWhitespace. Anything unrecognised answers false. */
function cutsAtWhitespace(dir: string): boolean {
  try {
    const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as { normalizer?: Step | null; pre_tokenizer?: Step | null; added_tokens?: { content?: string }[] };
    const steps = (s: Step | null | undefined): Step[] => (!s ? [] : s.type === 'Sequence' ? (s.normalizers ?? s.pretokenizers ?? []).flatMap(steps) : [s]);
    const pre = steps(json.pre_tokenizer);
    return (
      pre.length > 0 &&
      pre.every((s) => WHITESPACE_PRE_TOKENIZERS.has(s.type)) &&
      steps(json.normalizer).every((s) => CHARACTER_NORMALIZERS.has(s.type)) &&
      // An added token with a space in it could be matched across a cut.
      (json.added_tokens ?? []).every((t) => !/\s/.test(t.content ?? ''))
    );
  } catch {
    return false;
  }
}

interface Step {
  type: string;
  normalizers?: Step[];
  pretokenizers?: Step[];
}

function indexOfSequence(haystack: readonly number[], needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The two towers of a CLIP-style model: texts and images to vectors of one shared space (not yet normalized). */
export interface ClipRuntime {
  /** Token ids of `text` without the model's special tokens. */
  tokenize(text: string): number[];
  /** Special tokens the model puts before and after a text. */
  readonly prefixIds: readonly number[];
  readonly suffixIds: readonly number[];
  readonly padId: number;
  /** Runs rows of ids (special tokens included), right-padded into one batch: one text_embeds row each. */
  runText(rows: readonly (readonly number[])[]): Promise<Float32Array[]>;
  /**
   * Runs decoded RGB pictures through the model's image processor (preprocessor_config.json: resize, centre crop,
   * rescale, normalize) and the vision tower: one image_embeds row each.
   */
  runImages(images: readonly RgbImage[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** Loads both towers, the tokenizer and the image processor of a checked CLIP model directory, from disk only. */
export async function loadClipRuntime(model: ClipModelDirectory, options: RuntimeOptions = {}): Promise<ClipRuntime> {
  const { t, load, session } = await configureRuntime(model.dtype, options);
  let tokenizer: Tokenizer;
  let processor: Awaited<ReturnType<typeof t.AutoImageProcessor.from_pretrained>>;
  let textNet: Awaited<ReturnType<typeof t.CLIPTextModelWithProjection.from_pretrained>>;
  let visionNet: Awaited<ReturnType<typeof t.CLIPVisionModelWithProjection.from_pretrained>>;
  try {
    tokenizer = await t.AutoTokenizer.from_pretrained(model.dir, load);
    processor = await t.AutoImageProcessor.from_pretrained(model.dir, load);
    textNet = await t.CLIPTextModelWithProjection.from_pretrained(model.dir, session);
    visionNet = await t.CLIPVisionModelWithProjection.from_pretrained(model.dir, session);
  } catch (err) {
    throw new EmbedkitError('model_load_failed', `cannot load the CLIP model: ${(err as Error).message}`, { file: model.dir });
  }
  const { prefixIds, suffixIds } = specialTokens(tokenizer, model.dir, 'the tokenizer adds special tokens inside the text');
  const padId = tokenizer.pad_token_id ?? 0;
  // Our own preparation when the config is one it reproduces exactly; transformers.js's processor otherwise.
  const plan = clipPixelPlan(JSON.parse(readFileSync(join(model.dir, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>);
  const resize: Resize = async (image, width, height, resample) => {
    const out = await new t.RawImage(image.data, image.width, image.height, 3).resize(width, height, { resample: resample as 0 });
    if (out.channels !== 3) throw new EmbedkitError('model_output', `resizing gave ${out.channels} channels, not 3`, { file: model.dir });
    return { data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length), width: out.width, height: out.height };
  };

  const rowsOf = (tensor: { data: unknown; dims: number[] } | undefined, name: string): Float32Array[] => {
    if (!tensor || tensor.dims.length !== 2) throw new EmbedkitError('model_output', `the model has no 2-D ${name} output`, { file: model.dir });
    const data = tensor.data as Float32Array;
    const [n, dim] = tensor.dims;
    return Array.from({ length: n }, (_, r) => data.slice(r * dim, (r + 1) * dim));
  };

  return {
    tokenize: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    prefixIds,
    suffixIds,
    padId,
    async runText(rows) {
      const out = await textNet(paddedBatch(t, rows, padId).feeds);
      return rowsOf(out.text_embeds, 'text_embeds');
    },
    async runImages(images) {
      let pixel_values;
      if (plan) {
        const { data, dims } = await plan.pixelValues(images, resize);
        pixel_values = new t.Tensor('float32', data, dims);
      } else {
        ({ pixel_values } = await processor(images.map((im) => new t.RawImage(im.data, im.width, im.height, 3))));
      }
      const out = await visionNet({ pixel_values });
      return rowsOf(out.image_embeds, 'image_embeds');
    },
    async dispose() {
      await Promise.all([textNet.dispose(), visionNet.dispose()]);
    },
  };
}
