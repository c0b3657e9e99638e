import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PYTHON } from './python.ts';

/** What gensim_eval.py answers for one analogy evaluation. */
export interface GensimAnalogies {
  score: number;
  /** evaluate_word_analogies' logged OOV percentage (null when it logged none). */
  oovPercent: number | null;
  sections: { section: string; correct: number; incorrect: number }[];
}

/** What gensim_eval.py answers for one word-pairs evaluation; null stands for NaN. */
export interface GensimPairs {
  pearson: [number | null, number | null];
  spearman: [number | null, number | null];
  oovRatio: number;
}

export interface AnalogyRequest {
  path: string;
  restrictVocab: number;
  caseInsensitive: boolean;
  dummy4unknown: boolean;
  method: '3cosadd' | '3cosmul';
}

export interface PairsRequest {
  path: string;
  restrictVocab: number;
  caseInsensitive: boolean;
  dummy4unknown: boolean;
}

const SCRIPT = fileURLToPath(new URL('./gensim_eval.py', import.meta.url));

/**
 * Runs gensim on one vectors file for a list of evaluations, in the background (tests compute their own
 * results meanwhile and await this).
 */
export function gensimReference(vectors: string, analogies: AnalogyRequest[], pairs: PairsRequest[] = []): Promise<{ analogies: GensimAnalogies[]; pairs: GensimPairs[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`gensim_eval.py exited with ${code}: ${err}`));
      else resolve(JSON.parse(out));
    });
    child.stdin.end(JSON.stringify({ vectors, analogies, pairs }));
  });
}
