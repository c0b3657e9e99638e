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
  /** This pacer's share of a slice: the whole slice alone, a part of it while others work too. */
  private share: number;

  constructor(
    private readonly signal?: AbortSignal,
    private readonly sliceMs = DEFAULT_SLICE_MS,
  ) {
    signal?.throwIfAborted();
    this.share = sliceMs;
  }

  async tick(): Promise<void> {
    if (performance.now() - this.last >= this.share) {
      working.set(this, performance.now());
      await nextTurn();
      this.last = performance.now();
      // Pacers that give way together resume in the same turn of the loop, one after the other: each takes its
      // share, so that together they hold the loop for one slice, not one slice each.
      this.share = this.sliceMs / pacersWorking(this.last);
    }
    this.check();
  }

  /** Throws the signal's reason when it has been aborted. */
  check(): void {
    this.signal?.throwIfAborted();
  }
}

/** When each pacer last gave way; one that has not for RECENT_MS has finished (or stopped) and is forgotten. */
const working = new Map<Pacer, number>();
const RECENT_MS = 50;

/** How many pacers have given way within the last RECENT_MS (at least 1). */
function pacersWorking(now: number): number {
  let n = 0;
  for (const [pacer, at] of working) {
    if (now - at > RECENT_MS) working.delete(pacer);
    else n++;
  }
  return Math.max(1, n);
}
