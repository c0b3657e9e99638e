import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Small evaluation sets shipped with the tests. */
export const SAMPLE_QUESTIONS = fileURLToPath(new URL('../../fixtures/eval/questions-words-sample.txt', import.meta.url));
export const SAMPLE_PAIRS = fileURLToPath(new URL('../../fixtures/eval/wordsim353-sample.tsv', import.meta.url));

/** The shared data folder beside the repository, when this checkout has one. */
const SHARED = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));

/** A file under ../shared/data, or null when it is not there (tests then skip). */
export function sharedFile(relative: string): string | null {
  const p = join(SHARED, relative);
  return existsSync(p) ? p : null;
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-eval-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
