import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataFile } from '../helpers/oracles.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = resolve(here, '../fixtures/fasttext');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A model of ../shared/data/fixtures, from the copy the repository ships (test/fixtures/reference). */
export function sharedFixture(name: string): string {
  const p = dataFile(`fixtures/${name}`);
  if (!p) throw new Error(`test/fixtures/reference has no ${name}`);
  return p;
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

/** Runs `fasttext print-word-vectors model < words` (tests check `needs(t, 'fasttext')` first). */
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
