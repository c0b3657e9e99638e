import { createWriteStream, promises as fsp, rmSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';

/**
 * Writes go to a temporary file in the target's folder and are renamed over the target only once complete,
 * so an interrupted save (crash, Ctrl-C, full disk) never leaves a truncated file where a good one was expected.
 */
function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

/** Writes `data` to `target` atomically. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(target);
  try {
    await fsp.writeFile(tmp, data);
    await fsp.rename(tmp, target);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Streams into a temporary file; `fill` writes the content. Only when `fill` resolves and the stream is flushed
 * is the file renamed to `target`. On any error, or if the process is interrupted, the temporary file is removed.
 */
export async function withAtomicWriteStream(target: string, fill: (out: WriteStream) => Promise<void>): Promise<void> {
  const tmp = tempPathFor(target);
  const out = createWriteStream(tmp);
  const cleanup = () => {
    try {
      out.destroy();
      // Synchronous removal: this may run from a signal handler just before exit.
      rmSync(tmp, { force: true });
    } catch {
      /* best effort */
    }
  };
  pendingTemps.add(cleanup);
  try {
    await fill(out);
    out.end();
    await finished(out);
    await fsp.rename(tmp, target);
  } catch (err) {
    out.destroy();
    await fsp.rm(tmp, { force: true });
    throw err;
  } finally {
    pendingTemps.delete(cleanup);
  }
}

/** Cleanups for temporary files still being written; run by removeTemporaryFiles() on SIGINT/SIGTERM. */
const pendingTemps = new Set<() => void>();

export function removeTemporaryFiles(): void {
  for (const c of pendingTemps) c();
  pendingTemps.clear();
}
