import { createWriteStream, existsSync, promises as fsp, rmSync, statSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { EmbedkitError } from '../errors.ts';

/**
 * Writes go to a temporary file in the target's folder and are renamed over the target only once complete,
 * so an interrupted save (crash, Ctrl-C, full disk) never leaves a truncated file where a good one was expected.
 */
function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

/**
 * Fails early, naming the target, when its folder is missing: otherwise the error would name the temporary
 * file, which the user never asked for.
 */
function checkFolderOf(target: string): void {
  const dir = dirname(target);
  if (!existsSync(dir)) throw new EmbedkitError('no_such_folder', `cannot write ${target}: the folder ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new EmbedkitError('not_a_folder', `cannot write ${target}: ${dir} is not a folder`);
}

/** Writes `data` to `target` atomically. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  checkFolderOf(target);
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
  checkFolderOf(target);
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
