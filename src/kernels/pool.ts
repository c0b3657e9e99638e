import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';

/**
 * A fixed set of worker threads fed from the main thread. Each worker keeps up to `depth` tasks queued, so
 * it starts the next one the moment it finishes the current one while the main thread prepares more.
 * Tasks go to the worker with the fewest queued; with one worker they run strictly in submission order.
 *
 * Protocol: a worker receives `{ init }` once, answers `{ ready: true }`, then answers every task message with
 * `{ result }` or `{ error: { message, stack } }`.
 */
export interface PoolOptions<TResult> {
  /** Called on the main thread for every result, in each worker's completion order. */
  onResult: (result: TResult, worker: number) => void;
  /** Tasks queued per worker (default 2). */
  depth?: number;
  /** Heap limits of each worker; small young generations keep idle-heavy workers from holding memory. */
  resourceLimits?: ResourceLimits;
  /** Workers already started for this pool (SpawnedWorkers, with their own limits): used when they run the same script, as many. */
  spawned?: SpawnedWorkers;
}

/**
 * Workers started before their pool, so their script loads while the main thread does other work (a trainer's
 * dictionary pass). Unreferenced until a pool takes them: an unused set never keeps the process alive; release()
 * stops them when no pool will.
 */
export class SpawnedWorkers {
  /** @internal */
  readonly workers: Worker[];
  private taken = false;
  /** A worker failed to load or exited before a pool took it: the pool then starts its own (and sees the failure). */
  private failed = false;

  constructor(
    readonly script: URL,
    count: number,
    resourceLimits?: ResourceLimits,
  ) {
    this.workers = Array.from({ length: count }, () => {
      const w = startWorker(script, resourceLimits);
      w.unref();
      w.on('error', () => (this.failed = true));
      w.on('exit', () => (this.failed = true));
      return w;
    });
  }

  /** The workers for a pool of `count` running `script`, or undefined when they are not those (they are stopped). */
  take(script: URL, count: number): Worker[] | undefined {
    if (this.taken) return undefined;
    this.taken = true;
    if (this.failed || script.href !== this.script.href || count !== this.workers.length) {
      for (const w of this.workers) void w.terminate();
      return undefined;
    }
    for (const w of this.workers) {
      w.removeAllListeners('error');
      w.removeAllListeners('exit');
      w.ref();
    }
    return this.workers;
  }

  /** Stops the workers unless a pool took them. */
  async release(): Promise<void> {
    if (this.taken) return;
    this.taken = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

interface WorkerMessage<TResult> {
  ready?: boolean;
  result?: TResult;
  error?: { message: string; stack?: string };
}

export class WorkerPool<TTask, TResult> {
  private readonly workers: Worker[] = [];
  private readonly inFlight: number[] = [];
  private readonly submitted: number[] = [];
  readonly depth: number;
  private waiters: (() => void)[] = [];
  private failure: Error | undefined;
  private closed = false;

  private constructor(private readonly options: PoolOptions<TResult>) {
    this.depth = options.depth ?? 2;
  }

  /** Starts `count` workers running `script`, each initialised with `init(i)`; resolves once all are ready. */
  static async start<TTask, TResult>(
    script: URL,
    count: number,
    init: (worker: number) => unknown,
    options: PoolOptions<TResult>,
  ): Promise<WorkerPool<TTask, TResult>> {
    const pool = new WorkerPool<TTask, TResult>(options);
    const ready: Promise<void>[] = [];
    const spawned = options.spawned?.take(script, count);
    for (let i = 0; i < count; i++) {
      const w = spawned?.[i] ?? startWorker(script, options.resourceLimits);
      pool.workers.push(w);
      pool.inFlight.push(0);
      pool.submitted.push(0);
      ready.push(
        new Promise<void>((resolve, reject) => {
          w.once('error', reject);
          w.once('message', (m: WorkerMessage<TResult>) => (m.ready ? resolve() : reject(new Error(m.error?.message ?? 'worker failed to start'))));
        }),
      );
      w.postMessage({ init: init(i) });
    }
    try {
      await Promise.all(ready);
    } catch (err) {
      await pool.close();
      throw err;
    }
    pool.workers.forEach((w, i) => pool.listen(w, i));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private listen(w: Worker, index: number): void {
    w.removeAllListeners('error');
    w.on('message', (m: WorkerMessage<TResult>) => {
      this.inFlight[index]--;
      if (m.error) {
        const e = new Error(m.error.message);
        e.stack = m.error.stack ?? e.stack;
        this.fail(e);
      } else {
        try {
          this.options.onResult(m.result as TResult, index);
        } catch (err) {
          this.fail(err as Error);
        }
      }
      this.wake();
    });
    w.on('error', (err) => this.fail(err));
    w.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`worker ${index} exited unexpectedly (code ${code})`));
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Posts a task to the least busy worker, first waiting until one has room. `makeTask` receives the chosen
   * worker and how many tasks were submitted to it before (its tasks run in that order, and at most `depth`
   * are unfinished, so task number `seq` may reuse whatever task `seq - depth` used). Rejects if a worker failed.
   */
  async submit(makeTask: (worker: number, seq: number) => TTask, transfer: readonly Transferable[] = []): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure;
      if (this.closed) throw new Error('worker pool is closed');
      let best = 0;
      for (let i = 1; i < this.workers.length; i++) if (this.inFlight[i] < this.inFlight[best]) best = i;
      if (this.inFlight[best] < this.depth) {
        const task = makeTask(best, this.submitted[best]++);
        this.inFlight[best]++;
        this.workers[best].postMessage(task, transfer);
        return;
      }
      await this.wait();
    }
  }

  /** Resolves when every submitted task has answered. */
  async drain(): Promise<void> {
    while (this.inFlight.some((n) => n > 0)) {
      if (this.failure) throw this.failure;
      await this.wait();
    }
    if (this.failure) throw this.failure;
  }

  /** Stops every worker now (tasks in flight are abandoned). Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.wake();
  }
}

/**
 * The worker script `name` in the folder of the module at `moduleUrl` (pass `import.meta.url`): `name.ts` when
 * run from source, `name.js` once built.
 */
export function scriptBeside(moduleUrl: string, name: string): URL {
  const ext = moduleUrl.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${ext}`, moduleUrl);
}

/**
 * A worker for `script`. Run from TypeScript sources (tests, `node --import tsx`), a worker does not always
 * inherit the TypeScript loader, so a .ts script is started through a two-line bootstrap that registers tsx
 * first. Built .js scripts start directly.
 */
function startWorker(script: URL, resourceLimits?: ResourceLimits): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { resourceLimits });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(boot, { eval: true, resourceLimits });
}

/** Runs `handle` for every task message inside a worker started by WorkerPool (call from the worker script). */
export function serveWorker<TInit, TTask, TResult>(
  port: { on(event: 'message', f: (m: { init?: TInit } & TTask) => void): unknown; postMessage(m: unknown, transfer?: Transferable[]): void },
  setup: (init: TInit) => Promise<(task: TTask) => TResult> | ((task: TTask) => TResult),
): void {
  let handle: ((task: TTask) => TResult) | undefined;
  const report = (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ error: { message: e.message, stack: e.stack } });
  };
  port.on('message', (m) => {
    if (m.init !== undefined) {
      Promise.resolve(setup(m.init)).then(
        (h) => {
          handle = h;
          port.postMessage({ ready: true });
        },
        report,
      );
      return;
    }
    try {
      port.postMessage({ result: handle!(m) });
    } catch (err) {
      report(err);
    }
  });
}
