import { setTimeout as sleep } from 'node:timers/promises';
import { EmbedkitError, InvalidArgumentError } from '../errors.ts';

/**
 * POSTing JSON to an API that may be busy: retries on 429, 5xx, timeouts and network failures with exponential
 * backoff (or after the time the server asks for in Retry-After / retry-after-ms), and fails at once, with the
 * server's own message, on any other status.
 */

export interface RetryPolicy {
  /** Attempts after the first (default 5). */
  retries: number;
  /** First backoff in ms, doubled on each retry (default 500). */
  backoffMs: number;
  /** Longest wait between attempts in ms, whatever the server asks (default 60 000). */
  maxBackoffMs: number;
  /** Per-attempt timeout in ms (default 60 000). */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, backoffMs: 500, maxBackoffMs: 60_000, timeoutMs: 60_000 };

/** A failed call to a remote API: the HTTP status (0 when no answer came) and how many attempts were made. */
export class RemoteError extends EmbedkitError {
  constructor(
    message: string,
    /** The last HTTP status (0 when no answer came). */
    readonly status: number,
    /** Requests made, retries included. */
    readonly attempts: number,
  ) {
    super('remote_error', message);
    this.name = 'RemoteError';
  }
}

export interface PostOptions {
  headers: Record<string, string>;
  policy: RetryPolicy;
  fetch?: typeof fetch;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export async function postJsonWithRetry(url: string, body: unknown, options: PostOptions): Promise<unknown> {
  const { policy } = options;
  const doFetch = options.fetch ?? fetch;
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    let reason: string;
    let status = 0;
    let retryAfterMs: number | undefined;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
        body: payload,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      // The body is read under the same timeout: a server may send headers and then stall.
      const text = await res.text();
      if (res.ok) {
        try {
          return JSON.parse(text);
        } catch {
          throw new RemoteError(`POST ${url}: the answer is not JSON: ${text.slice(0, 200)}`, res.status, attempt + 1);
        }
      }
      status = res.status;
      reason = `${res.status} ${res.statusText}: ${errorMessage(text)}`;
      if (!(status === 429 || status >= 500)) {
        const message = `POST ${url}: ${reason}`;
        // The request itself is wrong (too long an input, unknown model): the caller's problem, not the network's.
        if (status === 400 || status === 404 || status === 413 || status === 422) throw new InvalidArgumentError(message);
        throw new RemoteError(message, status, attempt + 1);
      }
      retryAfterMs = retryAfter(res.headers);
    } catch (err) {
      if (err instanceof EmbedkitError) throw err;
      const e = err as Error;
      reason = e.name === 'TimeoutError' || e.name === 'AbortError' ? `no answer within ${policy.timeoutMs} ms` : `${e.message}${e.cause ? ` (${(e.cause as Error).message ?? e.cause})` : ''}`;
    }
    if (attempt >= policy.retries) {
      throw new RemoteError(`POST ${url} failed after ${attempt + 1} attempts: ${reason}`, status, attempt + 1);
    }
    const delayMs = Math.min(policy.maxBackoffMs, retryAfterMs ?? jittered(policy.backoffMs * 2 ** attempt));
    options.onRetry?.({ attempt: attempt + 1, delayMs, reason });
    await sleep(delayMs);
  }
}

/** Retry-After in seconds or as an HTTP date; OpenAI's retry-after-ms in milliseconds. Undefined when absent. */
export function retryAfter(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** ±25% so that clients that failed together do not all come back at the same instant. */
function jittered(ms: number): number {
  return ms * (0.75 + Math.random() * 0.5);
}

/** The message of an OpenAI-shaped error body, or the start of whatever the server sent. */
function errorMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.error?.message === 'string') return body.error.message;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON
  }
  return text.slice(0, 200) || '(empty body)';
}
