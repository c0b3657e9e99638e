import { Worker } from 'node:worker_threads';

/**
 * JSON.parse of a large request body in a worker thread: parsing 8 MiB on the event loop holds every other
 * request for tens of milliseconds (hundreds on a busy machine), while copying the text to the worker and the
 * parsed value back costs little. One worker per app, started on the first large body, ended with the app.
 */
export class OffThreadJson {
  private worker?: Worker;
  private next = 0;
  private readonly pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();

  parse(text: string): Promise<unknown> {
    const worker = this.started();
    const id = this.next++;
    return new Promise((ok, fail) => {
      this.pending.set(id, { ok, fail });
      // Referenced only while a parse is pending, so an idle worker never keeps the process alive.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, text });
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
