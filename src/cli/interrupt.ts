import { removeTemporaryFiles } from '../util/atomic-write.ts';

/**
 * Ctrl-C handling for the CLI. Long commands (training) take `interruptSignal()` and stop cleanly on the first
 * Ctrl-C; everything else exits at once. Either way no temporary file is left behind. A second Ctrl-C always exits.
 * SIGTERM and SIGHUP (the terminal closed) do the same, without the message; SIGKILL cannot be caught, and the
 * temporary files it leaves are removed by the next write into their folder (util/atomic-write.ts).
 */
const controller = new AbortController();
let graceful = false;

export function interruptSignal(): AbortSignal {
  graceful = true;
  return controller.signal;
}

/** Ends the graceful phase (e.g. training done, now serving): the next Ctrl-C or SIGTERM exits at once again. */
export function releaseInterruptSignal(): void {
  graceful = false;
}

/** Work to finish before SIGTERM exits (the server's in-flight requests), and the longest wait for it. */
let drain: (() => Promise<void>) | undefined;
const DRAIN_TIMEOUT_MS = 10_000;

/** SIGTERM runs `fn` (e.g. closing the server, which lets requests in flight finish) before exiting, for up to 10 s. */
export function drainOnTerminate(fn: () => Promise<void>): void {
  drain = fn;
}

export function installInterruptHandlers(): void {
  process.on('SIGINT', () => {
    if (graceful && !controller.signal.aborted) {
      process.stderr.write('\nembedkit: stopping (Ctrl-C again to quit at once)\n');
      controller.abort(new Error('interrupted'));
      return;
    }
    removeTemporaryFiles();
    process.stderr.write('\nembedkit: interrupted\n');
    process.exit(130);
  });
  process.on('SIGHUP', () => {
    if (graceful && !controller.signal.aborted) {
      controller.abort(new Error('hung up'));
      return;
    }
    removeTemporaryFiles();
    process.exit(129);
  });
  process.on('SIGTERM', () => {
    if (graceful && !controller.signal.aborted) {
      controller.abort(new Error('terminated'));
      return;
    }
    if (drain) {
      const finish = drain;
      drain = undefined; // a second SIGTERM exits at once
      const timer = setTimeout(() => exitTerminated(), DRAIN_TIMEOUT_MS);
      timer.unref();
      finish().then(exitTerminated, exitTerminated);
      return;
    }
    exitTerminated();
  });
}

function exitTerminated(): never {
  removeTemporaryFiles();
  process.exit(143);
}
