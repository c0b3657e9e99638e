/**
 * Admission to one model's work: at most `maxConcurrent` requests run, at most `maxQueued` wait in arrival order,
 * and any more are refused at once (the caller answers 429) rather than piling up memory and latency. A waiter
 * whose signal fires (its client left, its time ran out) leaves the queue.
 */
export class ModelGate {
  private running = 0;
  private readonly waiting: { admit: () => void }[] = [];

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number,
  ) {}

  /** Requests running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /**
   * Resolves with a release function once the request may run; returns null (without waiting) when the queue is
   * full; rejects with the signal's reason if it fires while waiting.
   */
  enter(signal?: AbortSignal): Promise<() => void> | null {
    if (this.running < this.maxConcurrent) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueued) return null;
    return new Promise((ok, fail) => {
      const entry = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          this.running++;
          ok(this.releaser());
        },
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        fail(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running--;
      this.waiting.shift()?.admit();
    };
  }
}

/**
 * One gate per served model, made once per app and handed to every route that runs a model (`/v1/embeddings`,
 * `/v1/classify`), so `maxConcurrent` and `maxQueued` bound a model's work whichever route asks for it.
 */
export class ModelGates {
  private readonly gates = new Map<string, ModelGate>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly maxQueued: number,
  ) {}

  /** The gate of the model named `name`, made on first use. */
  of(name: string): ModelGate {
    let gate = this.gates.get(name);
    if (!gate) this.gates.set(name, (gate = new ModelGate(this.maxConcurrent, this.maxQueued)));
    return gate;
  }
}
