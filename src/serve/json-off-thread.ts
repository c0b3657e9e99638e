import { Worker } from 'node:worker_threads';

/**
 * JSON.parse of a large request body in a worker thread: parsing 8 MiB on the event loop holds every other
 * request for tens of milliseconds (hundreds on a busy machine). The body goes over as bytes, its memory moved to
 * the worker rather than copied, and is decoded there: decoding 8 MiB into a string, and copying that string to
 * the worker, held the event loop for tens of milliseconds too. Only the parsed value comes back. One worker per
 * app, started on the first large body, ended with the app.
 */
export class OffThreadJson {
  private worker?: Worker;
  private next = 0;
  private readonly pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();

  /** Parses the UTF-8 JSON in `bytes`, which must not be used afterwards: its memory may be moved to the worker. */
  parse(bytes: Uint8Array): Promise<unknown> {
    const worker = this.started();
    const id = this.next++;
    return new Promise((ok, fail) => {
      this.pending.set(id, { ok, fail });
      // Referenced only while a parse is pending, so an idle worker never keeps the process alive.
      if (this.pending.size === 1) worker.ref();
      // Moved when the bytes fill their own memory (fastify gathers a large body into a buffer of its own); a view
      // into shared memory (a small pooled buffer) is copied.
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      worker.postMessage({ id, bytes }, whole ? [bytes.buffer as ArrayBuffer] : []);
    });
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
    worker.on('message', (m: { id: number; value?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.error !== undefined) p.fail(invalidJson(m.error));
      else p.ok(m.value);
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
