/**
 * What the server, a store or the explorer needs from anything that turns text into vectors. Static
 * encoders (pooled word vectors) implement it today; a transformer (local ONNX) or a remote encoder
 * (an OpenAI-compatible API) fit the same shape: they have an id, a dimension, a token budget per
 * input, and encode a batch of texts asynchronously.
 */
export interface EncodeResult {
  /** One L2-normalized vector per input, in input order (a zero vector when an input had no known token). */
  vectors: Float32Array[];
  /** Tokens counted for each input, as billed in `usage` (every token the tokenizer produced, known or not). */
  tokens: number[];
}

/**
 * How a caller bounds one encode call: a signal that stops the work (a server whose client went away), and a check
 * of the token counts that runs after tokenizing and before any vector is computed, so an input over a limit costs
 * only its tokenization. Encoders that cannot count tokens before the work (a remote API) may ignore both.
 */
export interface EncodeOptions {
  /** Aborting it stops the work between inputs and batches; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Told the token counts (as `tokens` will report them) of the inputs tokenized so far, in order, after each one;
   * the last call, with every count, comes before any model work. What it throws rejects the call at once, so a
   * request over a token limit stops tokenizing as soon as it is known to be over.
   */
  onTokens?: (tokens: readonly number[]) => void;
}

/** Anything that turns a batch of texts into unit vectors of one dimension: word vectors, a transformer, an API. */
export interface Encoder {
  /** Stable identifier, e.g. "static:vectors.bin". */
  readonly id: string;
  /** Length of every vector `encode` returns. */
  readonly dim: number;
  /** Longest input, in tokens, the encoder accepts. */
  readonly maxTokens: number;
  /** Encodes a batch of texts. */
  encode(texts: readonly string[], options?: EncodeOptions): Promise<EncodeResult>;
  /**
   * Encodes inputs already given as token ids (the OpenAI API accepts int[] and int[][]). Encoders
   * without a token-id vocabulary leave it undefined; ids outside the vocabulary throw InvalidArgumentError.
   */
  encodeTokenIds?(inputs: readonly (readonly number[])[], options?: EncodeOptions): Promise<EncodeResult>;
}

/** Scales `v` to unit length in place (a zero vector stays zero) and returns it. */
export function normalizeInPlace(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  }
  return v;
}
