import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest stretch of encoding work between two turns of the event loop, in ms. */
export const DEFAULT_SLICE_MS = 5;

/**
 * Paces long synchronous work in a process that serves other requests: `tick()` is cheap to call often (after each
 * input, every few hundred words, between batches) and gives the event loop a turn once `sliceMs` have passed since
 * the last one, so a huge request delays a small one by one slice, not by its whole run. It also stops the work
 * when the signal is aborted (the client went away, a deadline passed) by throwing the signal's reason.
 */
export class Pacer {
  private last = performance.now();

  constructor(
    private readonly signal?: AbortSignal,
    private readonly sliceMs = DEFAULT_SLICE_MS,
  ) {
    signal?.throwIfAborted();
  }

  async tick(): Promise<void> {
    if (performance.now() - this.last >= this.sliceMs) {
      await nextTurn();
      this.last = performance.now();
    }
    this.check();
  }

  /** Throws the signal's reason when it has been aborted. */
  check(): void {
    this.signal?.throwIfAborted();
  }
}
