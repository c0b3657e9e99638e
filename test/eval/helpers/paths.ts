import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataFile } from '../../helpers/oracles.ts';

/** Small evaluation sets shipped with the tests. */
export const SAMPLE_QUESTIONS = fileURLToPath(new URL('../../fixtures/eval/questions-words-sample.txt', import.meta.url));
export const SAMPLE_PAIRS = fileURLToPath(new URL('../../fixtures/eval/wordsim353-sample.tsv', import.meta.url));

/** A file of ../shared/data by its path there: the repository's copy (data/eval, test/fixtures/reference) when it has one. */
export function sharedFile(relative: string): string | null {
  return dataFile(relative) ?? null;
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-eval-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
