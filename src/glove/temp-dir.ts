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
  remove(): void;
}

export function createTempDir(parent = tmpdir()): TempDir {
  const path = mkdtempSync(join(parent, 'embedkit-glove-'));
  const remove = () => {
    rmSync(path, { recursive: true, force: true });
    process.removeListener('exit', remove);
  };
  process.once('exit', remove);
  return { path, file: (name) => join(path, name), remove };
}

/** Lets pending signal handlers and abort listeners run between long synchronous steps. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
