/** Shared pieces of the encoder tests: the CLI run as a user runs it, and how far apart two vectors are. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The command as a user runs it (tsx on the sources in a checkout). */
export const BIN = fileURLToPath(new URL('../../bin/embedkit.js', import.meta.url));

const run = promisify(execFile);

/** Runs `embedkit ...args`; resolves with stdout and stderr, rejects (with both) on a non-zero exit. */
export const embedkit = (...args: string[]) => run(process.execPath, [BIN, ...args], { maxBuffer: 1 << 24 });

/** The largest absolute difference between two vectors of the same length. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
