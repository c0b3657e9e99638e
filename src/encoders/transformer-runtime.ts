import { EmbedkitError } from '../errors.ts';
import { importOptional } from '../util/optional-import.ts';
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

export async function loadRuntime(model: ModelDirectory, options: RuntimeOptions = {}): Promise<TransformerRuntime> {
  const t = await transformers();
  // Absolute paths are never taken for hub model ids, so the files are read from this directory and nowhere else.
  const load = { local_files_only: true } as const;
  let tokenizer: Awaited<ReturnType<typeof t.AutoTokenizer.from_pretrained>>;
  let net: Awaited<ReturnType<typeof t.AutoModel.from_pretrained>>;
  try {
    tokenizer = await t.AutoTokenizer.from_pretrained(model.dir, load);
    net = await t.AutoModel.from_pretrained(model.dir, {
      ...load,
      dtype: 'fp32',
      device: 'cpu',
      session_options: options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : undefined,
    });
  } catch (err) {
    throw new EmbedkitError('model_load_failed', `cannot load the model: ${(err as Error).message}`, { file: model.dir });
  }

  const bare = tokenizer.encode(PROBE, { add_special_tokens: false });
  const full = tokenizer.encode(PROBE, { add_special_tokens: true });
  const at = indexOfSequence(full, bare);
  if (at < 0) throw new EmbedkitError('model_load_failed', 'the tokenizer adds special tokens inside the text; embedkit cannot place its windows', { file: model.dir });
  const prefixIds = full.slice(0, at);
  const suffixIds = full.slice(at + bare.length);
  const padId = model.padTokenId ?? tokenizer.pad_token_id ?? 0;

  const vocab = tokenizer.get_vocab();
  const strings: string[] = [];
  for (const [token, id] of vocab) strings[id] = token;

  return {
    tokenize: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    prefixIds,
    suffixIds,
    padId,
    vocabSize: strings.length,
    tokenString: (id) => strings[id] ?? `[${id}]`,
    async run(rows) {
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
      // token_type_ids (all zero) are added by the library when the graph asks for them.
      const out = await net({ input_ids: new t.Tensor('int64', ids, [n, length]), attention_mask: new t.Tensor('int64', mask, [n, length]) });
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

function indexOfSequence(haystack: readonly number[], needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
