/**
 * Word2Vec training: embedkit vs gensim 4.2 vs fastText (-maxn 0, i.e. plain word2vec) on the same corpus
 * with the same settings, every result scored by the same evaluator (embedkit's, which follows gensim's
 * evaluate_word_analogies / evaluate_word_pairs), every process measured the same way (wall seconds and
 * peak RSS of the whole process, vocabulary pass and output file included).
 *
 * Knobs (environment):
 *   EMBEDKIT_BENCH_CORPUS   corpus (.txt or .gz; default ../shared/data/corpus/en-mix.txt.gz)
 *   EMBEDKIT_BENCH_MODES    comma list of sg-ns, cbow-ns, sg-hs, cbow-hs (default sg-ns,cbow-ns)
 *   EMBEDKIT_BENCH_SEEDS    comma list of seeds (default 1); several seeds show each tool's seed-to-seed spread
 *   EMBEDKIT_BENCH_TOOLS    comma list of embedkit, gensim, fasttext (default all three)
 *   EMBEDKIT_BENCH_THREADS  threads for every tool (default 2)
 *   EMBEDKIT_BENCH_EPOCHS   epochs (default 5)
 *   EMBEDKIT_BENCH_EVAL     folder with questions-words.txt and wordsim353.tsv (default ../shared/data/eval)
 *   EMBEDKIT_BENCH_REUSE=1  reuse runs recorded in bench/out/word2vec/runs.jsonl whose output still exists
 *                           (outputs are then kept), e.g. to finish an interrupted bench
 *
 * `npm run bench -- word2vec --regimes` runs the regime table instead (bench/lib/word2vec-regimes.ts): the first
 * EMBEDKIT_BENCH_SLICE_LINES lines (default 150000) at 1, 2 and 5 epochs and the whole corpus at 5, windows 5
 * and 10, dims 100 and 300, skip-gram NS and HS (EMBEDKIT_BENCH_MODES to change), seeds 1,2,3 (EMBEDKIT_BENCH_SEEDS),
 * embedkit vs gensim (EMBEDKIT_BENCH_TOOLS may add fasttext, which is not summarised), and prints per regime both
 * tools' means, gensim's spread, the gap, the quality floor and the speed ratio. All of it takes hours on two
 * cores: EMBEDKIT_BENCH_REGIMES picks regimes by name, `*` as a wildcard (e.g. `slice-e1-*,slice-e2-w5-d100-*`).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, PYTHON, type Measured } from './lib/measure.ts';
import { builtCli } from './lib/built-cli.ts';
import { corpusLines, countTokens, plainCorpus } from './lib/corpus.ts';
import { envList, signed } from './lib/env.ts';
import { scoreFile } from './lib/quality.ts';
import { printTable, ratio } from './lib/table.ts';
import { allRegimes, printRegimeTable, selectRegimes, type Regime, type RegimeRun } from './lib/word2vec-regimes.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

type Mode = 'sg-ns' | 'cbow-ns' | 'sg-hs' | 'cbow-hs';
type Tool = 'embedkit' | 'gensim' | 'fasttext';

interface RunSpec {
  corpus: string;
  output: string;
  mode: Mode;
  seed: number;
  threads: number;
  epochs: number;
  /** Default 100 and 5 (the regimes change them). */
  dim?: number;
  window?: number;
}

/** The settings every tool gets (the issue's: dim 100, window 5, negative 5, sample 1e-3, min-count 5). */
function settingsOf(mode: Mode, dim = 100, window = 5) {
  const sg = mode.startsWith('sg');
  const hs = mode.endsWith('hs');
  return { sg, hs, negative: hs ? 0 : 5, dim, window, sample: 1e-3, minCount: 5, alpha: sg ? 0.025 : 0.05 };
}

let cli: string[] = [];

/** `embedkit train word2vec` as a user runs it, with the flags of the shared settings. */
async function runEmbedkit(spec: RunSpec): Promise<Measured> {
  const s = settingsOf(spec.mode, spec.dim, spec.window);
  const flags = [
    'train', 'word2vec', '--input', spec.corpus, '--output', spec.output, '--binary', s.sg ? '--skipgram' : '--cbow',
    ...(s.hs ? ['--hs'] : []), '--negative', String(s.negative), '--dim', String(s.dim), '--window', String(s.window),
    '--sample', String(s.sample), '--min-count', String(s.minCount), '--alpha', String(s.alpha), '--min-alpha', '0.0001',
    '--epochs', String(spec.epochs), '--threads', String(spec.threads), '--seed', String(spec.seed), '--quiet',
  ];
  return measure(process.execPath, [...cli, ...flags]);
}

const GENSIM_SCRIPT = `
import json, sys, logging
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
spec = json.loads(sys.argv[1])
s = spec['settings']
m = Word2Vec(LineSentence(spec['corpus']), vector_size=s['dim'], window=s['window'], negative=s['negative'], hs=1 if s['hs'] else 0,
             sample=s['sample'], min_count=s['minCount'], sg=1 if s['sg'] else 0, alpha=s['alpha'], min_alpha=0.0001,
             epochs=spec['epochs'], workers=spec['threads'], seed=spec['seed'])
m.wv.save_word2vec_format(spec['output'], binary=True)
`;

async function runGensim(spec: RunSpec): Promise<Measured> {
  return measure(PYTHON, ['-c', GENSIM_SCRIPT, JSON.stringify({ ...spec, settings: settingsOf(spec.mode, spec.dim, spec.window) })]);
}

async function runFasttext(spec: RunSpec): Promise<Measured> {
  const s = settingsOf(spec.mode, spec.dim, spec.window);
  const prefix = spec.output.replace(/\.vec$/, '');
  const args = [
    s.sg ? 'skipgram' : 'cbow',
    '-input', spec.corpus,
    '-output', prefix,
    '-dim', String(s.dim),
    '-ws', String(s.window),
    '-neg', String(s.hs ? 5 : s.negative),
    '-loss', s.hs ? 'hs' : 'ns',
    '-t', String(s.sample),
    '-minCount', String(s.minCount),
    '-lr', String(s.alpha),
    '-epoch', String(spec.epochs),
    '-thread', String(spec.threads),
    '-minn', '0',
    '-maxn', '0',
    '-verbose', '0',
    '-seed', String(spec.seed),
  ];
  const m = await measure('fasttext', args);
  rmSync(`${prefix}.bin`, { force: true });
  return m;
}

interface Row {
  tool: Tool;
  mode: Mode;
  seed: number;
  seconds: number;
  wordsPerSecondPerThread: number;
  peakRssMiB: number;
  analogy: number;
  ws353: number;
}

async function main(): Promise<void> {
  const corpusGz = resolve(process.env.EMBEDKIT_BENCH_CORPUS ?? join(root, '../shared/data/corpus/en-mix.txt.gz'));
  const evalDir = resolve(process.env.EMBEDKIT_BENCH_EVAL ?? join(root, '../shared/data/eval'));
  if (!existsSync(corpusGz)) {
    console.log(`skipped: corpus ${corpusGz} not found (set EMBEDKIT_BENCH_CORPUS)`);
    return;
  }
  const modes = envList<Mode>(process.env.EMBEDKIT_BENCH_MODES, ['sg-ns', 'cbow-ns'], ['sg-ns', 'cbow-ns', 'sg-hs', 'cbow-hs']);
  const tools = envList<Tool>(process.env.EMBEDKIT_BENCH_TOOLS, ['gensim', 'fasttext', 'embedkit'], ['embedkit', 'gensim', 'fasttext']);
  const seeds = (process.env.EMBEDKIT_BENCH_SEEDS ?? '1').split(',').map(Number);
  const threads = Number(process.env.EMBEDKIT_BENCH_THREADS ?? 2);
  const epochs = Number(process.env.EMBEDKIT_BENCH_EPOCHS ?? 5);
  const outDir = join(root, 'bench/out/word2vec');
  mkdirSync(outDir, { recursive: true });
  const corpus = await plainCorpus(corpusGz, outDir);
  if (process.argv.includes('--regimes')) return regimesBench(corpus, outDir, evalDir, threads);
  const tokens = countTokens(corpus);
  console.log(`corpus ${corpus}: ${tokens.toLocaleString('en-US')} tokens; ${epochs} epochs, ${threads} threads, seeds ${seeds.join(',')}`);

  if (tools.includes('embedkit')) {
    const built = builtCli(outDir);
    cli = built.args;
    console.log(built.description);
  }

  // Every finished run is journaled with its output kept until evaluated, so EMBEDKIT_BENCH_REUSE=1 can
  // evaluate or complete an interrupted bench without training again.
  const journal = join(outDir, 'runs.jsonl');
  const reuse = process.env.EMBEDKIT_BENCH_REUSE === '1';
  const recorded = new Map<string, Omit<Row, 'analogy' | 'ws353'> & { output: string }>();
  if (reuse && existsSync(journal)) {
    for (const line of readFileSync(journal, 'utf8').split('\n').filter(Boolean)) {
      const { key, run } = JSON.parse(line);
      recorded.set(key, run);
    }
  }

  // Train everything first, then evaluate: evaluation never overlaps a timed run.
  const runs: (Omit<Row, 'analogy' | 'ws353'> & { output: string })[] = [];
  for (const mode of modes) {
    for (const seed of seeds) {
      for (const tool of tools) {
        const output = join(outDir, `${tool}-${mode}-${seed}.${tool === 'fasttext' ? 'vec' : 'bin'}`);
        const spec: RunSpec = { corpus, output, mode, seed, threads, epochs };
        const run = tool === 'embedkit' ? runEmbedkit : tool === 'gensim' ? runGensim : runFasttext;
        const key = JSON.stringify({ tool, mode, seed, threads, epochs, corpus });
        const kept = reuse ? recorded.get(key) : undefined;
        if (kept && existsSync(kept.output)) {
          process.stderr.write(`${tool} ${mode} seed ${seed}: reusing the recorded run\n`);
          runs.push(kept);
          continue;
        }
        process.stderr.write(`${tool} ${mode} seed ${seed}... `);
        const m = await run(spec);
        process.stderr.write(`${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMiB.toFixed(0)} MiB\n`);
        const r = { tool, mode, seed, seconds: m.seconds, wordsPerSecondPerThread: (tokens * epochs) / m.seconds / threads, peakRssMiB: m.peakRssMiB, output };
        runs.push(r);
        appendFileSync(journal, `${JSON.stringify({ key, run: r })}\n`);
      }
    }
  }
  const rows: Row[] = [];
  for (const { output, ...r } of runs) {
    const q = await scoreFile(output, evalDir);
    rows.push({ ...r, ...q });
  }
  if (!reuse) for (const r of runs) rmSync(r.output, { force: true });

  const gensimOf = (r: Row) => rows.find((g) => g.tool === 'gensim' && g.mode === r.mode && g.seed === r.seed);
  printTable(
    `word2vec training, ${tokens.toLocaleString('en-US')} tokens × ${epochs} epochs, ${threads} threads (ratios to gensim in the same run; speed > 1 = faster)`,
    ['tool', 'mode', 'seed', 'seconds', 'words/s/thread', 'peak RSS MiB', 'analogy', 'WS353', 'speed vs gensim', 'RSS vs gensim', 'Δ analogy', 'Δ WS353'],
    rows.map((r) => {
      const g = gensimOf(r);
      return [
        r.tool,
        r.mode,
        r.seed,
        r.seconds,
        Math.round(r.wordsPerSecondPerThread),
        Math.round(r.peakRssMiB),
        r.analogy,
        r.ws353,
        g ? ratio(g.seconds, r.seconds) : '-',
        g ? ratio(r.peakRssMiB, g.peakRssMiB) : '-',
        g ? signed(r.analogy - g.analogy) : '-',
        g ? signed(r.ws353 - g.ws353) : '-',
      ];
    }),
  );
  if (seeds.length > 1) {
    const groups = new Map<string, Row[]>();
    for (const r of rows) groups.set(`${r.tool} ${r.mode}`, [...(groups.get(`${r.tool} ${r.mode}`) ?? []), r]);
    printTable(
      `mean and seed-to-seed spread (max − min) over ${seeds.length} seeds`,
      ['tool', 'mode', 'seconds', 'analogy', 'analogy spread', 'WS353', 'WS353 spread'],
      [...groups].map(([key, rs]) => {
        const [tool, mode] = key.split(' ');
        const mean = (f: (r: Row) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
        const spread = (f: (r: Row) => number) => Math.max(...rs.map(f)) - Math.min(...rs.map(f));
        return [tool, mode, mean((r) => r.seconds), mean((r) => r.analogy), spread((r) => r.analogy), mean((r) => r.ws353), spread((r) => r.ws353)];
      }),
    );
  }
}


const RUNNERS: Record<Tool, (spec: RunSpec) => Promise<Measured>> = { embedkit: runEmbedkit, gensim: runGensim, fasttext: runFasttext };

/** `--regimes`: every selected regime, seeds × tools, then the regime table (bench/lib/word2vec-regimes.ts). */
async function regimesBench(full: string, outDir: string, evalDir: string, threads: number): Promise<void> {
  const modes = envList<Mode>(process.env.EMBEDKIT_BENCH_MODES, ['sg-ns', 'sg-hs'], ['sg-ns', 'cbow-ns', 'sg-hs', 'cbow-hs']);
  const tools = envList<Tool>(process.env.EMBEDKIT_BENCH_TOOLS, ['gensim', 'embedkit'], ['embedkit', 'gensim', 'fasttext']);
  const seeds = (process.env.EMBEDKIT_BENCH_SEEDS ?? '1,2,3').split(',').map(Number);
  const regimes = selectRegimes(allRegimes(modes), process.env.EMBEDKIT_BENCH_REGIMES);
  const sliceLines = Number(process.env.EMBEDKIT_BENCH_SLICE_LINES ?? 150000);
  const slice = join(outDir, `slice-${sliceLines}.txt`);
  if (regimes.some((r) => r.corpus === 'slice')) await corpusLines(full, slice, sliceLines);
  const corpusOf = (r: Regime) => (r.corpus === 'slice' ? slice : full);
  const tokens = new Map<string, number>();
  for (const r of regimes) if (!tokens.has(corpusOf(r))) tokens.set(corpusOf(r), countTokens(corpusOf(r)));
  for (const [path, n] of tokens) console.log(`corpus ${path}: ${n.toLocaleString('en-US')} tokens`);
  console.log(`${regimes.length} regimes (${regimes.map((r) => r.name).join(', ')}); seeds ${seeds.join(',')}; ${threads} threads; tools ${tools.join(', ')}`);
  if (tools.includes('embedkit')) {
    const built = builtCli(outDir);
    cli = built.args;
    console.log(built.description);
  }
  const journal = join(outDir, 'regimes.jsonl');
  const reuse = process.env.EMBEDKIT_BENCH_REUSE === '1';
  const recorded = new Map<string, RegimeRun>();
  if (reuse && existsSync(journal)) {
    for (const line of readFileSync(journal, 'utf8').split('\n').filter(Boolean)) {
      const { key, run } = JSON.parse(line);
      recorded.set(key, run);
    }
  }
  const runs: RegimeRun[] = [];
  // Regime by regime, so an interrupted bench has whole regimes; each run is scored right after it (scoring
  // is never timed) and its output removed.
  for (const r of regimes) {
    for (const seed of seeds) {
      for (const tool of tools) {
        const key = JSON.stringify({ regime: r.name, tool, seed, threads, corpus: corpusOf(r) });
        const kept = reuse ? recorded.get(key) : undefined;
        if (kept) {
          runs.push(kept);
          continue;
        }
        const output = join(outDir, `regime-${tool}-${r.name}-${seed}.${tool === 'fasttext' ? 'vec' : 'bin'}`);
        process.stderr.write(`${r.name} ${tool} seed ${seed}... `);
        const m = await RUNNERS[tool]({ corpus: corpusOf(r), output, mode: r.mode, seed, threads, epochs: r.epochs, dim: r.dim, window: r.window });
        const q = await scoreFile(output, evalDir);
        rmSync(output, { force: true });
        process.stderr.write(`${m.seconds.toFixed(1)} s (CPU ${m.cpuSeconds.toFixed(1)} s), analogy ${q.analogy.toFixed(4)}, WS353 ${q.ws353.toFixed(4)}\n`);
        const run: RegimeRun = { regime: r.name, tool, seed, seconds: m.seconds, cpuSeconds: m.cpuSeconds, ...q };
        runs.push(run);
        appendFileSync(journal, `${JSON.stringify({ key, run })}\n`);
      }
    }
  }
  const failed = printRegimeTable(regimes, runs);
  console.log(failed.length ? `\nbelow a floor: ${failed.join(', ')}` : '\nevery regime meets both floors');
}

await main();
