import { setTimeout as sleep } from 'node:timers/promises';
import { EmbedkitError } from '../errors.ts';
import { withAtomicWriteStream, writeAll } from '../util/atomic-write.ts';

/**
 * One file from the hub into the cache: streamed into a temporary file beside the target and renamed over it only
 * when every byte the server announced has arrived, so the cache never holds part of a file. A connection that
 * drops, stalls or ends early is retried, asking with `Range` for the bytes still missing (a server that answers
 * the whole file instead has its first bytes skipped).
 */

export interface DownloadOptions {
  /** Headers for every request (authorization, user agent). */
  headers: Record<string, string>;
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; doubled for each further one. */
  retryDelayMs: number;
  /** A request that sends nothing for this long is dropped and retried. */
  idleTimeoutMs: number;
  /** Bytes written so far, and the file's size when the server said it. */
  onProgress?: (loaded: number, total: number | undefined) => void;
}

/** The hub has no such file (HTTP 404): for an optional file, a fact to record rather than an error. */
export class HubFileNotFoundError extends EmbedkitError {
  readonly url: string;
  /** The hub's answer, e.g. "HTTP 404 EntryNotFound" or "HTTP 401 RepoNotFound". */
  readonly answer: string;
  constructor(file: string, url: string, answer: string) {
    super('hub_file_not_found', `the hub has no ${file} for this model (${answer} from ${url})`);
    this.name = 'HubFileNotFoundError';
    this.url = url;
    this.answer = answer;
  }
}

/** The hub's X-Error-Code values that mean "no such repository, revision or file". */
const NOT_FOUND_CODES = new Set(['RepoNotFound', 'RevisionNotFound', 'EntryNotFound']);

/** A failure worth another try: the network, the server's 5xx/429, a body that ended early or stalled. */
class Transient extends Error {}

/**
 * Downloads `url` to `target` (its folder must exist); `file` names it in messages. Resolves with the response
 * headers of the first answer. Throws HubFileNotFoundError on 404, an EmbedkitError naming the file and the URL on
 * any other failure, once the tries are spent.
 */
export async function downloadFile(url: string, target: string, file: string, options: DownloadOptions): Promise<Headers> {
  const retrying = retrier(url, file, options);
  let response: Response | undefined = await retrying(() => request(url, file, 0, options));
  const headers = response.headers;
  let written = 0;
  let total: number | undefined;
  await withAtomicWriteStream(
    target,
    (out) =>
      retrying(async () => {
        response ??= await request(url, file, written, options);
        const answer = response;
        response = undefined;
        const { skip, size } = bodyPlan(answer, written);
        total = size ?? total;
        await readBody(answer, skip, options.idleTimeoutMs, async (chunk) => {
          await writeAll(out, chunk);
          written += chunk.length;
          options.onProgress?.(written, total);
        });
        if (total !== undefined && written !== total) {
          throw new Transient(written < total ? `the connection ended after ${written} of ${total} bytes` : `the server sent ${written} bytes, more than the ${total} it announced`);
        }
      }),
    file,
  );
  return headers;
}

/**
 * The headers the hub answers for `url` (the hub's X-Repo-Commit says which commit a branch is at), asking for one
 * byte of the file, as the hub's own clients do. Failures as downloadFile's.
 */
export async function probeFile(url: string, file: string, options: DownloadOptions): Promise<Headers> {
  return retrier(url, file, options)(async () => {
    const response = await request(url, file, 0, { ...options, headers: { ...options.headers, range: 'bytes=0-0' } });
    await response.body?.cancel().catch(() => undefined);
    return response.headers;
  });
}

/** Runs one try of `work`; a Transient failure waits and tries again while tries are left, the tries counted across calls. */
function retrier(url: string, file: string, options: DownloadOptions): <T>(work: () => Promise<T>) => Promise<T> {
  let attempt = 1;
  return async (work) => {
    for (;;) {
      try {
        return await work();
      } catch (err) {
        if (!(err instanceof Transient)) throw err;
        if (attempt >= options.attempts) {
          throw new EmbedkitError('download_failed', `cannot download ${file} from ${url}: ${err.message} (${attempt} ${attempt === 1 ? 'try' : 'tries'}); nothing of it was cached`);
        }
        await sleep(options.retryDelayMs * 2 ** (attempt - 1));
        attempt++;
      }
    }
  };
}

/** One GET, from byte `from` on; an answer that is not 200/206 becomes an error (404 its own kind). */
async function request(url: string, file: string, from: number, options: DownloadOptions): Promise<Response> {
  const headers: Record<string, string> = { 'accept-encoding': 'identity', ...options.headers };
  if (from > 0) headers.range = `bytes=${from}-`;
  let response: Response;
  // The timeout covers the wait for the answer's headers only; readBody watches the body for stalls.
  const waiting = new AbortController();
  const timer = setTimeout(() => waiting.abort(), options.idleTimeoutMs);
  try {
    response = await fetch(url, { headers, signal: waiting.signal });
  } catch (err) {
    throw new Transient(reasonOf(err));
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 200 || response.status === 206) return response;
  await response.body?.cancel().catch(() => undefined);
  // The hub says what is missing in X-Error-Code, and answers 401 rather than 404 for a repository it does not show.
  const hubCode = response.headers.get('x-error-code') ?? '';
  if (response.status === 404 || NOT_FOUND_CODES.has(hubCode)) throw new HubFileNotFoundError(file, url, `HTTP ${response.status}${hubCode ? ` ${hubCode}` : ''}`);
  if (response.status >= 500 || response.status === 429 || response.status === 408) throw new Transient(`HTTP ${response.status}`);
  const why = response.status === 401 || response.status === 403 ? ': the model is private or gated, and needs an access token (the token option)' : '';
  throw new EmbedkitError('download_failed', `cannot download ${file} from ${url}: HTTP ${response.status}${why}`);
}

/** How many bytes of the answer are already on disk, and the file's full size when the answer says it. */
function bodyPlan(response: Response, written: number): { skip: number; size?: number } {
  // A body the server compressed has a length that is not the file's.
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const length = Number(response.headers.get('content-length') ?? NaN);
  if (response.status === 200) return { skip: written, size: !encoded && Number.isSafeInteger(length) ? length : undefined };
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  if (!range || Number(range[1]) > written) throw new Transient(`the server answered a range request with ${JSON.stringify(response.headers.get('content-range'))}`);
  return { skip: written - Number(range[1]), size: range[3] === '*' ? undefined : Number(range[3]) };
}

/** Feeds the body to `write`, less its first `skip` bytes; a body that stalls for `idleMs` is dropped. */
async function readBody(response: Response, skip: number, idleMs: number, write: (chunk: Uint8Array) => Promise<void>): Promise<void> {
  if (!response.body) return;
  const reader = response.body.getReader();
  let timer: NodeJS.Timeout | undefined;
  let rearm = () => {};
  const stalled = new Promise<never>((_, reject) => {
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => reject(new Transient(`no data for ${idleMs / 1000} s`)), idleMs);
    };
    rearm = arm;
    arm();
  });
  stalled.catch(() => undefined);
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await Promise.race([reader.read(), stalled]);
      } catch (err) {
        throw err instanceof Transient ? err : new Transient(reasonOf(err));
      }
      if (next.done) return;
      rearm();
      let chunk = next.value;
      if (skip > 0) {
        const dropped = Math.min(skip, chunk.length);
        chunk = chunk.subarray(dropped);
        skip -= dropped;
      }
      if (chunk.length > 0) await write(chunk);
    }
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => undefined);
  }
}

/** fetch's errors say "fetch failed" or "terminated"; the cause says what happened. */
function reasonOf(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'no answer in time';
  const cause = e?.cause ? `: ${e.cause.code ?? e.cause.message}` : '';
  return `${e?.message ?? String(err)}${cause}`;
}
