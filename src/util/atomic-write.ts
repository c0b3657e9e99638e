import { createWriteStream, existsSync, promises as fsp, rmSync, statSync, type WriteStream } from 'node:fs';
import * as fs from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { EmbedkitError } from '../errors.ts';
import { writeFailure } from './write-failure.ts';
import { isProcessRunning } from './process-alive.ts';

/**
 * Writes go to a temporary file in the target's folder, flushed to the disk (fsync), and are renamed over the
 * target only once complete (then the folder is synced too, where the platform allows), so an interrupted save
 * (crash, Ctrl-C, power loss, full disk) never leaves a truncated file where a good one was expected.
 * Temporary files are named `.<target>.tmp-<pid>-<time>`: removed on failure, on SIGINT/SIGTERM/SIGHUP (the
 * CLI calls removeTemporaryFiles), and, when a process died without cleaning up (kill -9, power loss), by the
 * next write into the same folder, which removes those whose process no longer runs.
 */
export function temporaryPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Date.now().toString(36)}`);
}

/** A temporary file of this scheme, with the process id that wrote it (GloVe's co-occurrence file omits the time). */
const TEMP_NAME = /^\..+\.tmp-(\d+)(?:-[0-9a-z]+)?$/;


/**
 * Removes the temporary files in `dir` left by processes that no longer run. Best effort: a folder that cannot
 * be listed, or a file another process removes first, is no error. (On a folder shared between machines a
 * process id says nothing about the other machine's processes; embedkit does not write such folders concurrently.)
 */
export async function removeStaleTemporaryFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fsp.readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m || isProcessRunning(Number(m[1]))) continue;
    const path = join(dir, name);
    try {
      if (!(await fsp.lstat(path)).isFile()) continue;
      await fsp.rm(path, { force: true });
      removed.push(path);
    } catch {
      /* gone already, or not ours to remove */
    }
  }
  return removed;
}

/**
 * Folders already cleaned by this process: one scan per folder and process is enough (the processes that died
 * before it started are the ones whose files wait there), and a folder written often with many files in it (a
 * cache) is not listed on every write.
 */
const cleanedFolders = new Set<string>();

async function removeStaleOnce(dir: string): Promise<void> {
  const key = resolve(dir);
  if (cleanedFolders.has(key)) return;
  cleanedFolders.add(key);
  await removeStaleTemporaryFiles(dir);
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
export async function writeFileAtomic(target: string, data: string | Uint8Array, what = 'the file'): Promise<void> {
  await withAtomicWriteStream(target, (out) => writeAll(out, typeof data === 'string' ? Buffer.from(data, 'utf8') : data), what);
}

/** Writes `bytes` to `out`, waiting for the stream to drain; rejects when the stream fails instead of waiting forever. */
export function writeAll(out: WriteStream, bytes: Uint8Array): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      out.off('drain', onDrain);
      reject(err);
    };
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    if (out.destroyed) return reject(Object.assign(new Error('write after the stream failed'), { code: 'ERR_STREAM_DESTROYED' }));
    if (out.write(bytes)) return resolve();
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/**
 * Streams into a temporary file; `fill` writes the content. Only when `fill` resolves and the stream is flushed
 * (and, when `durable`, synced to the disk) is the file renamed to `target`. On any error, or if the process is interrupted, the temporary file
 * is removed. A failing device (ENOSPC, EDQUOT, EIO) is reported as an EmbedkitError naming `target` and saying
 * that `what` (e.g. "the checkpoint") was not written, even while `fill` is still waiting on the stream.
 */
export async function withAtomicWriteStream(target: string, fill: (out: WriteStream) => Promise<void>, what = 'the file', durable = true): Promise<void> {
  checkFolderOf(target);
  await removeStaleOnce(dirname(target));
  const tmp = temporaryPathFor(target);
  // `flush`: the file's data is fsync'ed before the stream closes, so the rename below never publishes a file
  // whose contents are still only in the page cache.
  // Not `durable`: the rename still publishes only a complete file (a crash or an interrupt leaves the old one),
  // but a power loss right after may lose it; the caller saves the sync's cost (seconds for a large file).
  const out = createWriteStream(tmp, { flush: durable, ...(injectedFault ? { fs: faultyFs(injectedFault, target) as never } : {}) });
  // Listening from the start: a device error while `fill` waits (or after it) is never an unhandled 'error' event.
  const failed = new Promise<never>((_, reject) => out.on('error', reject));
  failed.catch(() => undefined);
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
    const filling = fill(out);
    // A fill still waiting on a stream that failed never settles; whatever it does later is of no interest.
    filling.catch(() => undefined);
    await Promise.race([filling, failed]);
    out.end();
    await Promise.race([finished(out), failed]);
    await fsp.rename(tmp, target);
    if (durable) await syncFolder(dirname(target));
  } catch (err) {
    out.destroy();
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw writeFailure(err, target, what);
  } finally {
    pendingTemps.delete(cleanup);
  }
}

/** Makes a rename in `dir` durable; platforms that cannot sync a folder (Windows) skip it. */
async function syncFolder(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    /* not supported here: the rename is still atomic, only not yet durable */
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Cleanups for temporary files still being written; run by removeTemporaryFiles() on SIGINT/SIGTERM/SIGHUP. */
const pendingTemps = new Set<() => void>();

export function removeTemporaryFiles(): void {
  for (const c of pendingTemps) c();
  pendingTemps.clear();
}

/** A device failure to simulate: writes to targets `match` accepts fail with `code` once `afterBytes` were written. */
export interface WriteFault {
  code: 'ENOSPC' | 'EDQUOT' | 'EIO';
  afterBytes: number;
  match?: (target: string) => boolean;
}

let injectedFault: WriteFault | undefined;

/**
 * For tests only: makes the next atomic writes meet `fault` inside the real write stream (its file-system calls
 * are wrapped, everything above them runs as in production). `undefined` ends it.
 */
export function injectWriteFault(fault: WriteFault | undefined): void {
  injectedFault = fault;
}

function faultyFs(fault: WriteFault, target: string): object {
  if (fault.match && !fault.match(target)) return { open: fs.open, write: fs.write, close: fs.close, fsync: fs.fsync };
  let written = 0;
  const failure = () => Object.assign(new Error(`${fault.code}: simulated device failure, write`), { code: fault.code, errno: -28, syscall: 'write' });
  return {
    open: fs.open,
    close: fs.close,
    fsync: fs.fsync,
    write: (fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null, cb: (err: Error | null, n?: number) => void) => {
      if (written + length > fault.afterBytes) return process.nextTick(cb, failure());
      written += length;
      fs.write(fd, buffer, offset, length, position, cb);
    },
    writev: (fd: number, buffers: Uint8Array[], position: number | null, cb: (err: Error | null, n?: number) => void) => {
      const length = buffers.reduce((n, b) => n + b.length, 0);
      if (written + length > fault.afterBytes) return process.nextTick(cb, failure());
      written += length;
      fs.writev(fd, buffers, position, cb);
    },
  };
}
