import { Worker } from 'node:worker_threads';
import { setAt, type JsonPath } from './json-long-strings.ts';

/** One body on its way to the worker: its bytes as they arrive, then the parsed value. */
export interface OffThreadBody {
  /** Sends these bytes on (a copy: the caller may reuse its buffer). */
  write(chunk: Uint8Array): void;
  /** All bytes sent: the worker decodes and parses them. */
  end(): Promise<unknown>;
  /** The body will not be parsed (too large, cut off): the worker drops what it holds of it. */
  cancel(): void;
}

/**
 * JSON.parse of large request bodies in a worker thread: parsing 8 MiB on the event loop holds every other
 * request for tens of milliseconds (hundreds on a busy machine). The body goes over in the chunks it arrives in,
 * each copied and moved as it comes, and is gathered, decoded and parsed there: gathering 7.5 MB into one buffer
 * on the event loop, decoding it into a string and copying that string to the worker each held the loop for tens
 * of milliseconds too. Only the parsed value comes back, its long strings in pieces (see LONG_STRING_CHARS). One
 * worker per app, started on the first large body, ended with the app.
 */
export class OffThreadJson {
  private worker?: Worker;
  private next = 0;
  private readonly pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();

  /** Starts a body; write its bytes, then end() it (or cancel() it). */
  open(): OffThreadBody {
    const worker = this.started();
    const id = this.next++;
    let done = false;
    const result = new Promise<unknown>((ok, fail) => {
      this.pending.set(id, { ok, fail });
      // Referenced only while a body is pending, so an idle worker never keeps the process alive.
      if (this.pending.size === 1) worker.ref();
    });
    const settle = () => {
      done = true;
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
    };
    return {
      write: (chunk) => {
        if (done) return;
        // A copy of exactly these bytes, moved: never the rest of a larger buffer the chunk may sit in.
        const bytes = new Uint8Array(chunk);
        worker.postMessage({ id, bytes }, [bytes.buffer]);
      },
      end: () => {
        if (!done) worker.postMessage({ id, end: true });
        done = true;
        return result;
      },
      cancel: () => {
        if (done && !this.pending.has(id)) return;
        worker.postMessage({ id, cancel: true });
        settle();
      },
    };
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker(new URL('./json-worker' + (import.meta.url.endsWith('.ts') ? '.ts' : '.js'), import.meta.url));
    worker.unref();
    // Long strings of a value are being joined from their pieces, by body id.
    const joining = new Map<number, { value: unknown; long: { path: JsonPath; pieces: number }[]; text: string; got: number }>();
    const askForPiece = (id: number) => setImmediate(() => this.pending.has(id) && worker.postMessage({ id, more: true }));
    worker.on('message', (m: { id: number; value?: unknown; long?: { path: JsonPath; pieces: number }[]; piece?: string; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) {
        joining.delete(m.id);
        return;
      }
      let value = m.value;
      if (m.long) {
        joining.set(m.id, { value, long: m.long, text: '', got: 0 });
        return askForPiece(m.id);
      }
      if (m.piece !== undefined) {
        const j = joining.get(m.id)!;
        j.text += m.piece;
        if (++j.got < j.long[0].pieces) return askForPiece(m.id);
        j.value = setAt(j.value, j.long.shift()!.path, j.text);
        j.text = '';
        j.got = 0;
        if (j.long.length > 0) return askForPiece(m.id);
        joining.delete(m.id);
        value = j.value;
      }
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.error !== undefined) p.fail(invalidJson(m.error));
      else p.ok(value);
    });
    const failAll = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.fail(err);
      this.pending.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => failAll(new Error(`the JSON worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

/** The error fastify's own parser gives for a body that is not JSON, so that it is answered the same way. */
function invalidJson(message: string): Error {
  return Object.assign(new SyntaxError(message), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
}

/** A worker for this module's sibling; from the TypeScript sources it boots through tsx, as the trainers' workers do. */
function startWorker(script: URL): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(boot, { eval: true });
}
