import { basename } from 'node:path';
import { InvalidArgumentError } from '../errors.ts';
import type { EncodeOptions, EncodeResult, Encoder } from './encoder.ts';
import { Pacer } from './pace.ts';
import { readModelDirectory, TRANSFORMER_POOLINGS, type ModelDirectory, type TransformerPooling } from './transformer-model-dir.ts';
import { poolRow, tokenRows } from './transformer-pooling.ts';
import { loadRuntime, type HiddenStates, type TransformerRuntime } from './transformer-runtime.ts';
import { combineWindows, planBatches, windowSpans, type WindowSpan } from './transformer-windows.ts';

/** How a TransformerEncoder loads and runs its model. */
export interface TransformerEncoderOptions {
  /** Shown as the encoder id (default "transformer:<directory name>"). */
  id?: string;
  /** Overrides the pooling of the model's 1_Pooling/config.json (default there, else 'mean'). */
  pooling?: TransformerPooling;
  /** Put before every text `encodeQueries` gets (e5: "query: ", bge: "Represent this sentence for searching relevant passages: "). */
  queryPrefix?: string;
  /** Put before every text `encode` gets (e5: "passage: "). */
  passagePrefix?: string;
  /** Cut inputs longer than the model's window to its first tokens instead of embedding every window (default false). */
  truncate?: boolean;
  /** Tokens shared by consecutive windows of a long input (default an eighth of the window). */
  overlap?: number;
  /** Window in tokens, special tokens included; at most the model's (default the model's). */
  maxLength?: number;
  /** Padded tokens per forward pass: rows × longest row of a batch stay within it (default 8192). */
  tokenBudget?: number;
  /** Rows per forward pass at most (default 64). */
  maxBatch?: number;
  /** Longest input accepted, in tokens (default 8191, the OpenAI limit; the server enforces it). */
  maxTokens?: number;
  /** ONNX Runtime threads (default: one per physical core). */
  threads?: number;
}

/** The contextual vectors of one text's tokens (special tokens included, as the model sees them). */
export interface TokenVectors {
  /** Token ids, in order. */
  ids: number[];
  /** Each token as the vocabulary spells it. */
  tokens: string[];
  /** One contextual vector per token (not normalized). */
  vectors: Float32Array[];
}

/**
 * Embeds texts with a local transformer model (a Hugging Face model directory with an ONNX graph), never
 * downloading anything. Each input is tokenized once; an input longer than the model's window is cut into
 * overlapping windows, every window of every input is run in batches bounded by a token budget, each window is
 * pooled and normalized, and an input's windows are averaged by their token counts and normalized again.
 * @example
 * ```ts
 * import { TransformerEncoder } from 'embedkit/encoders';
 * // A directory as sentence-transformers exports it: config.json, tokenizer.json, onnx/model.onnx.
 * const encoder = await TransformerEncoder.load('model');
 * const { vectors } = await encoder.encode(['a first sentence', 'a second one']);
 * console.log(vectors.length, encoder.dim);
 * await encoder.dispose();
 * ```
 */
export class TransformerEncoder implements Encoder {
  readonly id: string;
  readonly dim: number;
  readonly maxTokens: number;
  /** Window in tokens, special tokens included. */
  readonly maxLength: number;
  /** How token states become one vector (the option, else the model directory's choice). */
  readonly pooling: TransformerPooling;
  /** Long inputs are cut to their first window instead of embedded window by window. */
  readonly truncate: boolean;
  /** Tokens shared by consecutive windows of a long input. */
  readonly overlap: number;
  /** Put before every text `encodeQueries` gets. */
  readonly queryPrefix: string;
  /** Put before every text `encode` gets. */
  readonly passagePrefix: string;
  private readonly tokenBudget: number;
  private readonly maxBatch: number;
  /** Forward passes run one at a time: concurrent requests would only compete for the same cores. */
  private queue: Promise<unknown> = Promise.resolve();
  private batches = 0;

  private constructor(
    /** The model directory's files and settings. */
    readonly model: ModelDirectory,
    private readonly runtime: TransformerRuntime,
    options: TransformerEncoderOptions,
  ) {
    this.id = options.id ?? `transformer:${basename(model.dir)}`;
    this.dim = model.dim;
    this.maxTokens = options.maxTokens ?? 8191;
    this.pooling = options.pooling ?? model.pooling ?? 'mean';
    this.truncate = options.truncate ?? false;
    this.queryPrefix = options.queryPrefix ?? '';
    this.passagePrefix = options.passagePrefix ?? '';
    const specials = runtime.prefixIds.length + runtime.suffixIds.length;
    this.maxLength = options.maxLength ?? model.maxLength;
    if (!Number.isInteger(this.maxLength) || this.maxLength <= specials || this.maxLength > model.maxLength) {
      throw new InvalidArgumentError(`maxLength must be an integer in ${specials + 1}..${model.maxLength} (the model's window), got ${options.maxLength}`);
    }
    this.overlap = options.overlap ?? Math.floor(this.windowSize / 8);
    windowSpans(0, this.windowSize, this.overlap); // validates the overlap against the window
    this.tokenBudget = options.tokenBudget ?? 8192;
    this.maxBatch = options.maxBatch ?? 64;
    if (!(this.tokenBudget >= 1)) throw new InvalidArgumentError(`tokenBudget must be ≥ 1, got ${options.tokenBudget}`);
    if (!(this.maxBatch >= 1)) throw new InvalidArgumentError(`maxBatch must be ≥ 1, got ${options.maxBatch}`);
  }

  /** Loads a model directory (config.json, tokenizer.json, onnx/model.onnx; 1_Pooling/config.json when present). */
  static async load(dir: string, options: TransformerEncoderOptions = {}): Promise<TransformerEncoder> {
    if (options.pooling !== undefined && !TRANSFORMER_POOLINGS.includes(options.pooling)) {
      throw new InvalidArgumentError(`pooling must be one of ${TRANSFORMER_POOLINGS.join(', ')}, got ${JSON.stringify(options.pooling)}`);
    }
    const model = readModelDirectory(dir);
    if (options.pooling === undefined && model.unsupportedPooling) {
      const { modes, file } = model.unsupportedPooling;
      throw new InvalidArgumentError(`${file}: pooling ${modes} is not supported; choose one of ${TRANSFORMER_POOLINGS.join(', ')} with the pooling option`);
    }
    const runtime = await loadRuntime(model, { threads: options.threads });
    return new TransformerEncoder(model, runtime, options);
  }

  /** Content tokens per window (the window less the special tokens). */
  get windowSize(): number {
    return this.maxLength - this.runtime.prefixIds.length - this.runtime.suffixIds.length;
  }

  /** Size of the token-id vocabulary (valid ids for encodeTokenIds are 0..vocabSize-1). */
  get vocabSize(): number {
    return this.runtime.vocabSize;
  }

  /** The tokens of `text` (no special tokens, no prefix) as ids and as the vocabulary spells them. */
  tokenize(text: string): { ids: number[]; tokens: string[] } {
    const ids = this.runtime.tokenize(text);
    return { ids, tokens: ids.map((id) => this.runtime.tokenString(id)) };
  }

  /**
   * Embeds passages (documents): `passagePrefix` is put before each text. Every text is tokenized (in slices that
   * leave the event loop free, see Pacer) before `options.onTokens` sees the counts and any batch runs; the signal is
   * checked between slices and between batches.
   */
  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<EncodeResult> {
    const pace = new Pacer(options.signal);
    return this.encodeContents(await this.tokenizeAll(texts, this.passagePrefix, pace, options.onTokens), pace);
  }

  /** Embeds search queries: `queryPrefix` is put before each text. */
  async encodeQueries(texts: readonly string[], options: EncodeOptions = {}): Promise<EncodeResult> {
    const pace = new Pacer(options.signal);
    return this.encodeContents(await this.tokenizeAll(texts, this.queryPrefix, pace, options.onTokens), pace);
  }

  /** Embeds inputs given as the model's token ids (without special tokens; no prefix is added). */
  async encodeTokenIds(inputs: readonly (readonly number[])[], options: EncodeOptions = {}): Promise<EncodeResult> {
    const size = this.runtime.vocabSize;
    inputs.forEach((ids, k) => {
      for (const id of ids) {
        if (!Number.isInteger(id) || id < 0 || id >= size) throw new InvalidArgumentError(`token id ${id} in input ${k} is outside the vocabulary (0..${size - 1})`);
      }
    });
    options.onTokens?.(inputs.map((ids) => ids.length + this.specials));
    return this.encodeContents(inputs, new Pacer(options.signal));
  }

  /** Forward passes run so far (one per batch), across every call: shows whether work is still going on. */
  get batchesRun(): number {
    return this.batches;
  }

  /**
   * Contextual token vectors of each text (`passagePrefix` not added). A text longer than the window is cut into
   * overlapping windows and each token takes its vector from the window where it has the most context on both sides.
   */
  async tokenVectors(texts: readonly string[]): Promise<TokenVectors[]> {
    const { prefixIds, suffixIds } = this.runtime;
    const contents = texts.map((t) => this.runtime.tokenize(t));
    // Every token gets a vector, so long texts are windowed here even when encode() truncates.
    const plans = contents.map((c) => windowSpans(c.length, this.windowSize, this.overlap));
    const rows: { input: number; window: number }[] = [];
    plans.forEach((spans, input) => spans.forEach((_, window) => rows.push({ input, window })));
    const rowIds = rows.map(({ input, window }) => this.windowRow(contents[input], plans[input][window]));
    const hidden = new Map<string, Float32Array[]>();
    await this.runRows(rowIds, (h, r, row) => hidden.set(`${rows[row].input}:${rows[row].window}`, tokenRows(h, r, rowIds[row].length)));
    return contents.map((content, input) => {
      const spans = plans[input];
      const first = hidden.get(`${input}:0`) ?? [];
      const last = hidden.get(`${input}:${spans.length - 1}`) ?? [];
      const vectors: Float32Array[] = [...first.slice(0, prefixIds.length)];
      for (let p = 0; p < content.length; p++) {
        const w = mostCentralWindow(p, spans);
        vectors.push(hidden.get(`${input}:${w}`)![prefixIds.length + p - spans[w].start]);
      }
      vectors.push(...last.slice(last.length - suffixIds.length));
      const ids = [...prefixIds, ...content, ...suffixIds];
      return { ids, tokens: ids.map((id) => this.runtime.tokenString(id)), vectors };
    });
  }

  /** Releases the ONNX Runtime session. */
  async dispose(): Promise<void> {
    await this.runtime.dispose();
  }

  /**
   * Token ids of each text with `prefix` before it. A long text whose tokenizer allows it is cut before whitespace
   * into pieces of about SLICE_CHARS and tokenized piece by piece (the same ids, see cutsAtWhitespace), so that
   * no single call holds the event loop for long.
   */
  private async tokenizeAll(texts: readonly string[], prefix: string, pace: Pacer, onTokens?: (tokens: readonly number[]) => void): Promise<number[][]> {
    const out: number[][] = [];
    const counts: number[] = [];
    for (const t of texts) {
      const text = prefix + t;
      if (text.length <= SLICE_CHARS || !this.runtime.cutsAtWhitespace) {
        out.push(this.runtime.tokenize(text));
      } else {
        const ids: number[] = [];
        for (const piece of piecesAtWhitespace(text, SLICE_CHARS)) {
          for (const id of this.runtime.tokenize(piece)) ids.push(id);
          await pace.tick();
        }
        out.push(ids);
      }
      counts.push(out[out.length - 1].length + this.specials);
      onTokens?.(counts);
      await pace.tick();
    }
    return out;
  }

  /** Special tokens around every window (e.g. [CLS] and [SEP]), counted once per input in usage. */
  private get specials(): number {
    return this.runtime.prefixIds.length + this.runtime.suffixIds.length;
  }

  private async encodeContents(contents: readonly (readonly number[])[], pace?: Pacer): Promise<EncodeResult> {
    // Usage counts the input's own tokens once: not the special tokens repeated per window, nor the overlaps.
    const tokens = contents.map((c) => c.length + this.specials);
    const rows: number[][] = [];
    const owner: number[] = [];
    const weights: number[] = [];
    contents.forEach((content, input) => {
      for (const span of this.spans(content.length)) {
        rows.push(this.windowRow(content, span));
        owner.push(input);
        weights.push(span.length);
      }
    });
    // Rows that are never run (empty) keep the zero vector, as the Encoder contract asks for an input with no token.
    const pooled: Float32Array[] = rows.map(() => new Float32Array(this.dim));
    await this.runRows(
      rows,
      (h, r, row) => {
        pooled[row] = poolRow(h, r, rows[row].length, this.pooling);
      },
      pace,
    );
    const vectors: Float32Array[] = [];
    let next = 0;
    contents.forEach((_, input) => {
      const from = next;
      while (next < owner.length && owner[next] === input) next++;
      vectors.push(combineWindows(pooled.slice(from, next), weights.slice(from, next)));
    });
    return { vectors, tokens };
  }

  private spans(count: number): WindowSpan[] {
    if (this.truncate) return [{ start: 0, length: Math.min(count, this.windowSize) }];
    return windowSpans(count, this.windowSize, this.overlap);
  }

  private windowRow(content: readonly number[], span: WindowSpan): number[] {
    return [...this.runtime.prefixIds, ...content.slice(span.start, span.start + span.length), ...this.runtime.suffixIds];
  }

  /** Runs `rows` in token-budget batches, one forward pass at a time; `visit` sees each row's place in its batch. */
  private async runRows(rows: readonly number[][], visit: (h: HiddenStates, rowInBatch: number, row: number) => void, pace?: Pacer): Promise<void> {
    // An empty row (an empty text, for a tokenizer that adds no special tokens) has nothing to run.
    const nonEmpty = rows.flatMap((r, i) => (r.length > 0 ? [i] : []));
    const batches = planBatches(
      nonEmpty.map((i) => rows[i].length),
      this.tokenBudget,
      this.maxBatch,
    ).map((batch) => batch.map((k) => nonEmpty[k]));
    for (const batch of batches) {
      // Between batches: a caller that has gone away (or run out of time) stops here, before the next forward pass.
      await pace?.tick();
      const run = this.queue.then(() => {
        pace?.check(); // the signal may have fired while earlier requests' batches ran
        this.batches++;
        return this.runtime.run(batch.map((i) => rows[i]));
      });
      this.queue = run.catch(() => undefined);
      const h = await run;
      batch.forEach((row, r) => visit(h, r, row));
    }
  }
}

/** The window in which position `p` lies farthest from either edge (an edge token sees context on one side only). */
/** Characters per tokenizer call when a long text is tokenized in pieces. */
const SLICE_CHARS = 2048;

/** `text` cut just before a whitespace character about every `size` characters (a piece runs on to the next whitespace). */
export function piecesAtWhitespace(text: string, size: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    const rest = text.slice(start + size);
    const at = rest.search(/\s/);
    if (at < 0) break;
    const cut = start + size + at;
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}

function mostCentralWindow(p: number, spans: readonly WindowSpan[]): number {
  let best = 0;
  let bestMargin = -1;
  spans.forEach((s, w) => {
    if (p < s.start || p >= s.start + s.length) return;
    const margin = Math.min(p - s.start, s.start + s.length - 1 - p);
    if (margin > bestMargin) {
      bestMargin = margin;
      best = w;
    }
  });
  return best;
}
