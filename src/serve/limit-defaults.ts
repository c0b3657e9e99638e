/**
 * The server's request limits and their defaults, in a file of their own with no imports: the command line reads
 * them for its flags and help without loading the server.
 */

/**
 * Bounds on what one client can make the server do. Every one is checked before the work it bounds: characters
 * before tokenizing, tokens before any model work (through the encoders' onTokens), the queue before waiting, and
 * the clock while working, so that a hostile or careless request costs little and never holds the others up.
 */
export interface ServeLimits {
  /** Characters in one text input; longer: 400 before tokenizing. */
  maxInputChars: number;
  /** Characters in all the text inputs of one request; more: 400 before tokenizing. */
  maxRequestChars: number;
  /** /v1/embeddings requests one model works on at once; more wait in its queue. */
  maxConcurrent: number;
  /** Requests waiting for one model; more: 429 with Retry-After. */
  maxQueued: number;
  /** Milliseconds for a whole request (headers and body) to arrive; slower: 408 and the connection closed. */
  requestTimeoutMs: number;
  /** Milliseconds for the request line and headers to arrive (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** Milliseconds /v1/embeddings works on one request, queue included; longer: 503 and the work stopped. */
  handlerTimeoutMs: number;
  /** Bytes of one image input (a CLIP model's `{ image }` item), known before decoding; more: 400. */
  maxImageBytes: number;
  /** Pixels of one image input, read from its header before decoding (a decompression bomb); more: 400. */
  maxImagePixels: number;
  /** Milliseconds to fetch one remote image URL (only with remote images allowed); longer: 400. */
  remoteImageTimeoutMs: number;
}

/**
 * The defaults. The character bounds sit above OpenAI's token limits (8191 tokens per input, 300 000 per request:
 * about 6 characters per word-vector token, 4 per subword token), so a request within those is never refused for
 * its characters, and a far longer one is refused before it costs anything.
 */
export const DEFAULT_LIMITS: Readonly<ServeLimits> = {
  maxInputChars: 65_536,
  maxRequestChars: 2_097_152,
  maxConcurrent: 4,
  maxQueued: 64,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  handlerTimeoutMs: 60_000,
  maxImageBytes: 8_388_608,
  maxImagePixels: 50_000_000,
  remoteImageTimeoutMs: 10_000,
};

/** One line on each limit, for the command line's help (its flags are the keys in kebab case: --max-input-chars). */
export const LIMIT_HELP: Readonly<Record<keyof ServeLimits, string>> = {
  maxInputChars: 'characters in one text input; longer: 400 before tokenizing',
  maxRequestChars: 'characters in all the text inputs of one request; more: 400 before tokenizing',
  maxConcurrent: 'embedding requests one model works on at once',
  maxQueued: 'embedding requests waiting for one model; more: 429 with Retry-After',
  requestTimeoutMs: 'ms for a whole request (headers and body) to arrive; slower: 408, connection closed',
  headersTimeoutMs: 'ms for the request headers to arrive',
  handlerTimeoutMs: 'ms of work on one embedding request, queue included; longer: 503, work stopped',
  maxImageBytes: 'bytes of one image input (CLIP models), checked before decoding; more: 400',
  maxImagePixels: 'pixels of one image input, from its header before decoding; more: 400',
  remoteImageTimeoutMs: 'ms to fetch one image URL (with --allow-remote-images); longer: 400',
};

