import { InvalidArgumentError } from '../errors.ts';
import { ApiError, invalidRequest } from './api-error.ts';
import { DEFAULT_LIMITS, type ServeLimits } from './limit-defaults.ts';
import { MAX_TOKENS_PER_INPUT, MAX_TOKENS_PER_REQUEST } from './schemas.ts';

export { DEFAULT_LIMITS, LIMIT_HELP, type ServeLimits } from './limit-defaults.ts';

/** The defaults with `given` over them; every value must be a positive integer. */
export function resolveLimits(given: Partial<ServeLimits> = {}): ServeLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(given) as [keyof ServeLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`limits.${key} must be a positive integer, got ${value}`);
    limits[key] = value;
  }
  limits.headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  return limits;
}

/** Refuses text inputs past the character limits, naming the first input over the limit (before any tokenizing). */
export function checkCharacters(texts: readonly string[], limits: ServeLimits): void {
  let total = 0;
  for (let i = 0; i < texts.length; i++) {
    const n = texts[i].length;
    if (n > limits.maxInputChars) {
      throw invalidRequest(`'$.input[${i}]' is invalid: input ${i} has ${n} characters; this server accepts at most ${limits.maxInputChars} characters per input.`, 'input', 'input_too_long');
    }
    total += n;
  }
  if (total > limits.maxRequestChars) {
    throw invalidRequest(`'$.input' is invalid: the inputs have ${total} characters in all; this server accepts at most ${limits.maxRequestChars} characters per request.`, 'input', 'request_too_long');
  }
}

/**
 * Refuses token counts past OpenAI's limits (and the model's); returns the total. Given to the encoders as onTokens,
 * it runs after each input is tokenized, so the request total it names is that of the inputs tokenized so far.
 */
export function tokenLimitCheck(modelMaxTokens: number): (tokens: readonly number[]) => number {
  const perInput = Math.min(MAX_TOKENS_PER_INPUT, modelMaxTokens);
  return (tokens) => {
    let total = 0;
    tokens.forEach((n, i) => {
      if (n > perInput) {
        throw invalidRequest(`This model's maximum context length is ${perInput} tokens, however input ${i} has ${n} tokens. Please reduce the length of the input.`, 'input', 'context_length_exceeded');
      }
      total += n;
    });
    if (total > MAX_TOKENS_PER_REQUEST) {
      throw invalidRequest(`Requested ${total} tokens, max ${MAX_TOKENS_PER_REQUEST} tokens per request.`, 'input', 'max_tokens_per_request');
    }
    return total;
  };
}

/** 429 in the shape of OpenAI's rate-limit errors; the route adds Retry-After. */
export function modelBusy(model: string, limits: ServeLimits): ApiError {
  return new ApiError(
    429,
    `Rate limit reached for model ${JSON.stringify(model)}: ${limits.maxConcurrent} requests in progress and ${limits.maxQueued} waiting. Please try again in 1s.`,
    'requests',
    null,
    'rate_limit_exceeded',
  );
}

/** The handler ran past limits.handlerTimeoutMs: its work has been stopped. */
export function handlerTimedOut(limits: ServeLimits): ApiError {
  return new ApiError(503, `The request took longer than this server's limit of ${limits.handlerTimeoutMs} ms and was stopped. Send fewer or shorter inputs, or try again later.`, 'server_error', null, 'timeout');
}
