import { EmbedkitError } from '../errors.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private folder for the spilled runs and shuffle chunks of one training run. `remove()` deletes it with
 * everything inside; it also runs at process exit, so a hard exit (a second Ctrl-C, process.exit) leaves nothing.
 */
export interface TempDir {
  readonly path: string;
  file(name: string): string;
  /** Also removes `path` (a file outside the folder, e.g. a half-written output) unless released first. */
  track(path: string): void;
  release(path: string): void;
  remove(): void;
}

export function createTempDir(parent = tmpdir()): TempDir {
  let path: string;
  try {
    path = mkdtempSync(join(parent, 'embedkit-glove-'));
  } catch (err) {
    throw new EmbedkitError('io_error', `cannot create a temporary folder there: ${(err as Error).message}`, { file: parent });
  }
  const tracked = new Set<string>();
  const remove = () => {
    for (const t of tracked) rmSync(t, { force: true });
    tracked.clear();
    rmSync(path, { recursive: true, force: true });
    process.removeListener('exit', remove);
  };
  process.once('exit', remove);
  return { path, file: (name) => join(path, name), track: (p) => tracked.add(p), release: (p) => tracked.delete(p), remove };
}

/** Lets pending signal handlers and abort listeners run between long synchronous steps. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
