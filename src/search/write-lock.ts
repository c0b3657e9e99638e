import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbedkitError } from '../errors.ts';
import { isProcessRunning } from '../util/process-alive.ts';

/**
 * One writer at a time per collection, across processes: a lock file created with O_EXCL holding the owner's
 * PID and host. LanceDB's own commits are atomic, but an upsert reads what is stored, adds metadata columns and
 * writes; two processes doing that at once could add the same column twice or lose a concurrent doc's rewrite, so
 * every write of a collection runs under this lock. A lock left by a process that no longer runs (killed with
 * SIGKILL, a crash) is taken over; a live owner is waited for, up to `timeoutMs`.
 */
export interface WriteLockOptions {
  /** How long to wait for another writer before failing (default 10 minutes). */
  timeoutMs?: number;
}

export class CollectionLockedError extends EmbedkitError {
  constructor(path: string, owner: string) {
    super('collection_locked', `${path} is being written by another process (${owner}); gave up waiting for it`);
    this.name = 'CollectionLockedError';
  }
}

/** True when the lock's owner is a live process on this host (a lock from another host is trusted as live). */
function ownerAlive(content: string): boolean {
  const [pidText, host] = content.split('\n');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false; // not a lock this code wrote
  if (host !== undefined && host !== '' && host !== hostname()) return true;
  return isProcessRunning(pid);
}

/** Creates the lock file complete or not at all: written under a private name, then hard-linked (atomic, EEXIST when taken). */
function tryCreate(file: string): boolean {
  const mine = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(mine, `${process.pid}\n${hostname()}\n`);
  try {
    linkSync(mine, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(mine, { force: true });
  }
}

function readOwner(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

// Locks held by this process, so that the calls of one process take turns too (a lock file alone cannot tell two
// async writers of one process apart).
const heldHere = new Map<string, Promise<void>>();

/** Runs `fn` holding the write lock `file` (see WriteLockOptions). */
export async function withWriteLock<T>(file: string, fn: () => Promise<T>, options: WriteLockOptions = {}): Promise<T> {
  const before = heldHere.get(file) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const chain = before.then(() => mine);
  heldHere.set(file, chain);
  await before;
  try {
    await acquire(file, options.timeoutMs ?? 600_000);
    try {
      return await fn();
    } finally {
      rmSync(file, { force: true });
    }
  } finally {
    release();
    if (heldHere.get(file) === chain) heldHere.delete(file);
  }
}

async function acquire(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wait = 5;
  for (;;) {
    if (tryCreate(file)) return;
    const owner = readOwner(file);
    if (owner !== undefined && !ownerAlive(owner)) {
      // Stale: remove it only if it is still the same stale lock (another waiter may have replaced it meanwhile).
      if (readOwner(file) === owner) rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new CollectionLockedError(file, `pid ${owner?.split('\n')[0] ?? '?'}`);
    await sleep(wait);
    wait = Math.min(200, wait * 2);
  }
}
