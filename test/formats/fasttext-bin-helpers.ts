import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = resolve(here, '../fixtures/fasttext');
/** Shared models from the reference tools; tests using them skip when the folder is absent. */
export const SHARED_FIXTURES = resolve(here, '../../../shared/data/fixtures');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function sharedFixture(name: string): string | undefined {
  const p = join(SHARED_FIXTURES, name);
  return existsSync(p) ? p : undefined;
}

let cliChecked: boolean | undefined;
/** True when the fastText CLI is on PATH. */
export function hasFastTextCli(): boolean {
  cliChecked ??= !spawnSync('fasttext', [], { stdio: 'ignore' }).error;
  return cliChecked;
}

/** Lines `word v1 v2 … ` as fastText prints them (print-word-vectors, print-ngrams, .vec bodies). */
export function parsePrinted(text: string): [string, number[]][] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const parts = l.trim().split(' ');
      return [parts[0], parts.slice(1).map(Number)];
    });
}

export function readPrinted(path: string): [string, number[]][] {
  return parsePrinted(readFileSync(path, 'utf8'));
}

/** Runs `fasttext print-word-vectors model < words`. */
export function printWordVectors(model: string, words: readonly string[]): [string, number[]][] {
  const out = execFileSync('fasttext', ['print-word-vectors', model], { input: words.join('\n') + '\n', maxBuffer: 1 << 26 });
  return parsePrinted(out.toString('utf8'));
}

/**
 * fastText prints 5 significant digits, so a value agrees when it lies within half a unit of the
 * fifth digit of what was printed (an exact 0 is printed as 0).
 */
export function printedTolerance(printed: number): number {
  if (printed === 0) return 0;
  const exponent = Math.floor(Math.log10(Math.abs(printed)));
  return 0.5 * 10 ** (exponent - 4) * (1 + 1e-6);
}

/** Asserts `ours` equals fastText's printed vector to its printed precision (and so within 1e-5 for |v| < 0.2). */
export function assertMatchesPrinted(ours: ArrayLike<number>, printed: readonly number[], what: string): void {
  assert.equal(ours.length, printed.length, `${what}: dimension`);
  for (let k = 0; k < printed.length; k++) {
    const diff = Math.abs(ours[k] - printed[k]);
    assert.ok(diff <= printedTolerance(printed[k]), `${what}[${k}]: ours ${ours[k]}, fastText printed ${printed[k]}`);
  }
}
