/**
 * gensim's LdaModel or LdaMulticore (bench/lib/gensim_lda.py) on exactly the tokens embedkit's ldaTopics fits, for
 * the topics benchmarks: the same documents, K and seed as embedkit's LDA, measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYTHON } from './measure.ts';

const GENSIM_LDA = fileURLToPath(new URL('./gensim_lda.py', import.meta.url));

/** The tokens embedkit's ldaTopics fits (keyword tokens; words in at least 2 and at most half of the documents). */
export function ldaTokens(tokenized: string[][]): string[][] {
  const df = new Map<string, number>();
  for (const t of tokenized) for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
  const nonEmpty = tokenized.filter((t) => t.length > 0).length;
  return tokenized.map((t) => t.filter((w) => df.get(w)! >= 2 && df.get(w)! <= 0.5 * nonEmpty));
}

/** What one gensim run gave: topics (top 25 words), each document's topic (−2: no tokens), its wall time, and log_perplexity's bound per word. */
export interface GensimLdaRun {
  topics: string[][];
  labels: number[];
  seconds: number;
  logPerplexity: number;
}

/** gensim's LdaModel ('gensim') or LdaMulticore ('multicore') on the documents with tokens. */
export function gensimLda(tool: 'gensim' | 'multicore', tokens: string[][], K: number, passes: number, seed: number): GensimLdaRun {
  const index = tokens.flatMap((t, i) => (t.length ? [i] : []));
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-topics-bench-'));
  try {
    const file = join(dir, 'docs.json');
    writeFileSync(file, JSON.stringify(index.map((i) => tokens[i])));
    const r = spawnSync(PYTHON, [GENSIM_LDA, file, String(K), String(passes), String(seed), tool === 'gensim' ? 'lda' : 'multicore', '25'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`gensim ${tool}: ${r.stderr.slice(-2000)}`);
    const out = JSON.parse(r.stdout) as { topics: string[][]; labels: number[]; seconds: number; logPerplexity: number };
    const labels = tokens.map(() => -2);
    index.forEach((doc, j) => (labels[doc] = out.labels[j]));
    return { topics: out.topics, labels, seconds: out.seconds, logPerplexity: out.logPerplexity };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
