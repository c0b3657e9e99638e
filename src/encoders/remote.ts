import { EmbedkitError, InvalidArgumentError } from '../errors.ts';
import { normalizeInPlace, type EncodeOptions, type EncodeResult, type Encoder } from './encoder.ts';
import { VectorCache } from './remote-cache.ts';
import { DEFAULT_RETRY, postJsonWithRetry, RemoteError, type RetryPolicy } from './remote-http.ts';

/** Where and how a RemoteEncoder calls an OpenAI-compatible embeddings API. */
export interface RemoteEncoderOptions {
  /** The API's base URL (e.g. https://api.openai.com/v1, http://localhost:11434/v1) or its /embeddings URL. */
  url: string;
  /** The model name the API knows. */
  model: string;
  /** Shown as the encoder id (default "remote:<model>"). */
  id?: string;
  /** Bearer key; default: $EMBEDKIT_REMOTE_API_KEY, or $OPENAI_API_KEY when the URL is api.openai.com. */
  apiKey?: string;
  /** Read the key from this environment variable instead. */
  apiKeyEnv?: string;
  /** Extra headers (e.g. Azure's `api-key`). */
  headers?: Record<string, string>;
  /** Vector length, when known; otherwise `connect` asks the API once. */
  dim?: number;
  /** Sent as OpenAI's `dimensions` (shortened vectors, for models that support it). */
  dimensions?: number;
  /** Inputs per request (default 256; OpenAI takes at most 2048). */
  maxBatch?: number;
  /** Estimated tokens per request (default 100 000; OpenAI takes 300 000), at about 3 characters per token. */
  maxBatchTokens?: number;
  /** Requests in flight at once, across every call on this encoder (default 4). */
  concurrency?: number;
  /** Retries after the first attempt on 429, 5xx, timeouts and network errors (default 5). */
  retries?: number;
  /** First backoff in ms, doubled on each retry (default 500). */
  backoffMs?: number;
  /** Longest wait between attempts in ms (default 60 000). */
  maxBackoffMs?: number;
  /** Per-request timeout in ms (default 60 000). */
  timeoutMs?: number;
  /** Folder for the on-disk cache of vectors (keyed by model, dimensions and text); none: no cache. */
  cacheDir?: string;
  /** Ask for base64 (default, a third of the bytes) or float vectors; both shapes of answer are read either way. */
  encodingFormat?: 'base64' | 'float';
  /** Longest input in tokens (default 8191, the OpenAI limit). */
  maxTokens?: number;
  /** fetch to use (tests, proxies). */
  fetch?: typeof fetch;
  /** Told about every retry (the CLI prints them). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

const CHARS_PER_TOKEN = 3;

/**
 * An Encoder backed by any OpenAI-compatible embeddings endpoint (OpenAI, Azure, Ollama, TEI, embedkit serve).
 * Texts already in the on-disk cache are not sent again; the others go in batches within the API's limits, a
 * bounded number of requests at a time, each retried with backoff when the API is busy or failing.
 *
 * Per-input token counts: the API reports one total per request. A request of one input gets it exactly; a larger
 * request's total is shared among its inputs in proportion to their lengths (the sum stays exact).
 * @example
 * ```ts
 * import { RemoteEncoder } from 'embedkit/encoders';
 * // Any OpenAI-compatible API; the key comes from apiKey or the environment (EMBEDKIT_REMOTE_API_KEY).
 * const encoder = await RemoteEncoder.connect({ url: 'http://127.0.0.1:8080/v1', model: 'en' });
 * const { vectors } = await encoder.encode(['the king', 'the queen']);
 * console.log(vectors.length, encoder.dim);
 * ```
 */
export class RemoteEncoder implements Encoder {
  readonly id: string;
  readonly maxTokens: number;
  /** The API's /embeddings URL. */
  readonly url: string;
  /** The model name sent with every request. */
  readonly model: string;
  private knownDim?: number;
  private readonly headers: Record<string, string>;
  private readonly policy: RetryPolicy;
  private readonly maxBatch: number;
  private readonly maxBatchTokens: number;
  private readonly cache?: VectorCache;
  private readonly slots: Semaphore;

  constructor(private readonly options: RemoteEncoderOptions) {
    this.url = embeddingsUrl(options.url);
    this.model = options.model;
    if (!options.model) throw new InvalidArgumentError('a remote encoder needs the model name the API knows');
    this.id = options.id ?? `remote:${options.model}`;
    this.maxTokens = options.maxTokens ?? 8191;
    this.knownDim = options.dimensions ?? options.dim;
    this.maxBatch = positive('maxBatch', options.maxBatch ?? 256);
    this.maxBatchTokens = positive('maxBatchTokens', options.maxBatchTokens ?? 100_000);
    this.slots = new Semaphore(positive('concurrency', options.concurrency ?? 4));
    this.policy = {
      retries: options.retries ?? DEFAULT_RETRY.retries,
      backoffMs: options.backoffMs ?? DEFAULT_RETRY.backoffMs,
      maxBackoffMs: options.maxBackoffMs ?? DEFAULT_RETRY.maxBackoffMs,
      timeoutMs: options.timeoutMs ?? DEFAULT_RETRY.timeoutMs,
    };
    const key = options.apiKey ?? apiKeyFromEnv(this.url, options.apiKeyEnv);
    this.headers = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...options.headers };
    if (options.cacheDir) this.cache = new VectorCache(options.cacheDir, JSON.stringify([this.model, options.dimensions ?? null]));
  }

  /** Creates the encoder and, when its dimension is not given, learns it from one request. */
  static async connect(options: RemoteEncoderOptions): Promise<RemoteEncoder> {
    const encoder = new RemoteEncoder(options);
    if (encoder.knownDim === undefined) await encoder.probeDimension();
    return encoder;
  }

  /** One small request whose answer tells the dimension. */
  private async probeDimension(): Promise<void> {
    try {
      await this.encode(['dimension probe']);
    } catch (err) {
      // A word-vector server refuses a text none of whose words it knows (embedkit's own static models do);
      // token id 0, the most frequent word of such a model, always has a vector.
      if (!(err instanceof InvalidArgumentError)) throw err;
      await this.request([[0]]);
    }
  }

  get dim(): number {
    if (this.knownDim === undefined) throw new EmbedkitError('unknown_dimension', `the dimension of ${this.id} is known after its first answer; create it with RemoteEncoder.connect`);
    return this.knownDim;
  }

  /** `options.signal` stops batches not yet sent (one in flight finishes); token counts come only with the answers. */
  async encode(texts: readonly string[], options: EncodeOptions = {}): Promise<EncodeResult> {
    const vectors: Float32Array[] = new Array(texts.length);
    const tokens: number[] = new Array(texts.length);
    // Each distinct text is fetched once, however often it occurs.
    const slotsOf = new Map<string, number[]>();
    texts.forEach((t, i) => slotsOf.set(t, [...(slotsOf.get(t) ?? []), i]));
    const missing: string[] = [];
    await Promise.all(
      [...slotsOf.keys()].map(async (text) => {
        const hit = await this.cache?.get(text, this.knownDim);
        if (hit) for (const i of slotsOf.get(text)!) [vectors[i], tokens[i]] = [hit.vector, hit.tokens];
        else missing.push(text);
      }),
    );
    await Promise.all(
      this.batches(missing).map(async (batch) => {
        const answer = await this.slots.run(() => {
          options.signal?.throwIfAborted();
          return this.request(batch);
        });
        await Promise.all(
          batch.map(async (text, k) => {
            for (const i of slotsOf.get(text)!) [vectors[i], tokens[i]] = [answer.vectors[k], answer.tokens[k]];
            await this.cache?.set(text, { vector: answer.vectors[k], tokens: answer.tokens[k] });
          }),
        );
      }),
    );
    return { vectors, tokens };
  }

  /** Groups texts so that no request exceeds maxBatch inputs or maxBatchTokens estimated tokens. */
  private batches(texts: readonly string[]): string[][] {
    const out: string[][] = [];
    let current: string[] = [];
    let estimate = 0;
    for (const t of texts) {
      const n = Math.ceil(t.length / CHARS_PER_TOKEN) + 1;
      if (current.length > 0 && (current.length >= this.maxBatch || estimate + n > this.maxBatchTokens)) {
        out.push(current);
        current = [];
        estimate = 0;
      }
      current.push(t);
      estimate += n;
    }
    if (current.length > 0) out.push(current);
    return out;
  }

  private async request(batch: readonly string[] | readonly (readonly number[])[]): Promise<EncodeResult> {
    const body: Record<string, unknown> = { model: this.model, input: batch, encoding_format: this.options.encodingFormat ?? 'base64' };
    if (this.options.dimensions !== undefined) body.dimensions = this.options.dimensions;
    const answer = await postJsonWithRetry(this.url, body, { headers: this.headers, policy: this.policy, fetch: this.options.fetch, onRetry: this.options.onRetry });
    const vectors = parseEmbeddings(answer, batch.length, this.url);
    const dim = vectors[0].length;
    if (vectors.some((v) => v.length !== dim) || (this.knownDim !== undefined && dim !== this.knownDim)) {
      throw new RemoteError(`POST ${this.url}: the API answered vectors of ${[...new Set(vectors.map((v) => v.length))].join(', ')} dimensions, expected ${this.knownDim ?? dim}`, 200, 1);
    }
    this.knownDim = dim;
    const usage = (answer as { usage?: { prompt_tokens?: unknown; total_tokens?: unknown } }).usage;
    const total = typeof usage?.prompt_tokens === 'number' ? usage.prompt_tokens : typeof usage?.total_tokens === 'number' ? usage.total_tokens : undefined;
    return { vectors: vectors.map(normalizeInPlace), tokens: isTexts(batch) ? shareTokens(batch, total) : batch.map((ids) => ids.length) };
  }
}

/** The vectors of an OpenAI embeddings answer in input order (data[].index), float arrays or base64 float32. */
function parseEmbeddings(answer: unknown, count: number, url: string): Float32Array[] {
  const data = (answer as { data?: unknown })?.data;
  if (!Array.isArray(data) || data.length !== count) {
    throw new RemoteError(`POST ${url}: expected ${count} embeddings in "data", got ${Array.isArray(data) ? data.length : 'none'}`, 200, 1);
  }
  const out: Float32Array[] = new Array(count);
  data.forEach((item: { index?: unknown; embedding?: unknown }, k) => {
    const index = typeof item?.index === 'number' ? item.index : k;
    const e = item?.embedding;
    let v: Float32Array | undefined;
    if (typeof e === 'string') {
      const bytes = Buffer.from(e, 'base64');
      v = new Float32Array(bytes.length / 4);
      for (let i = 0; i < v.length; i++) v[i] = bytes.readFloatLE(4 * i);
    } else if (Array.isArray(e) && e.every((x) => typeof x === 'number')) {
      v = Float32Array.from(e);
    }
    if (!v || v.length === 0 || index < 0 || index >= count || out[index]) throw new RemoteError(`POST ${url}: embedding ${k} of the answer is malformed`, 200, 1);
    out[index] = v;
  });
  return out;
}

/** A request's token total shared among its inputs by length, rounded so that the parts add up to the total. */
function isTexts(batch: readonly string[] | readonly (readonly number[])[]): batch is readonly string[] {
  return typeof batch[0] === 'string';
}

export function shareTokens(batch: readonly string[], total: number | undefined): number[] {
  const estimates = batch.map((t) => Math.max(1, Math.ceil(t.length / CHARS_PER_TOKEN)));
  if (total === undefined) return estimates;
  if (batch.length === 1) return [total];
  const sum = estimates.reduce((s, x) => s + x, 0);
  const out = estimates.map((e) => Math.floor((total * e) / sum));
  let left = total - out.reduce((s, x) => s + x, 0);
  for (let i = 0; left > 0; i = (i + 1) % out.length, left--) out[i]++;
  return out;
}

/** The /embeddings endpoint under a base URL (or the URL itself when it already ends there); a fragment is dropped. */
export function embeddingsUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new InvalidArgumentError(`not a URL: ${JSON.stringify(base)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`the API URL must be http(s), got ${JSON.stringify(base)}`);
  url.hash = '';
  if (!/\/embeddings\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/embeddings`;
  return url.toString();
}

/**
 * The key from the environment: the variable the caller names, else EMBEDKIT_REMOTE_API_KEY. OPENAI_API_KEY is used
 * only for OpenAI's own host, so that an OpenAI key is never sent to some other server.
 */
function apiKeyFromEnv(url: string, name?: string): string | undefined {
  if (name) return process.env[name] || undefined;
  if (process.env.EMBEDKIT_REMOTE_API_KEY) return process.env.EMBEDKIT_REMOTE_API_KEY;
  return new URL(url).hostname === 'api.openai.com' ? process.env.OPENAI_API_KEY || undefined : undefined;
}

function positive(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${n}`);
  return n;
}

/** At most `size` tasks at once; the others wait in order. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so no newcomer can slip in between.
    if (this.active >= this.size) await new Promise<void>((ok) => this.waiting.push(ok));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
