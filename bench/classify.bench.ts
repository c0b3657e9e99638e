/**
 * fastText supervised text classification: embedkit (`train supervised`) vs the fastText binary (0.9.2,
 * `fasttext supervised`) on the same splits with the same options, several seeds each. Every run is measured the
 * same way (wall seconds and peak RSS of the whole process, dictionary pass and .bin included) and every model
 * is scored by the same evaluator: embedkit's testClassifier, whose N, P@k and R@k the tests hold to
 * `fasttext test`'s (P@1 on these single-label splits is the accuracy, here unrounded), and its macro-F1.
 *
 * Data: the splits of scripts/bench-data/classify-splits.mjs (SpamAssassin ham/spam; Brown corpus paragraphs
 * labelled with their text's genre, 15 classes), built into .cache/bench/classify when missing.
 *
 * Knobs (environment):
 *   EMBEDKIT_BENCH_DATASETS  comma list of spam, brown (default both)
 *   EMBEDKIT_BENCH_SEEDS     comma list of seeds (default 1,2,3)
 *   EMBEDKIT_BENCH_THREADS   threads for both tools (default 2)
 *   EMBEDKIT_BENCH_LINES     train on N training lines, every k-th (default 0 = all)
 *   EMBEDKIT_BENCH_ARGS      the shared fastText-style options (default "-epoch 10 -lr 0.5 -wordNgrams 2 -bucket 2000000 -dim 50")
 *
 *   node --import tsx bench/classify.bench.ts
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtCli } from './lib/built-cli.ts';
import { classifySplit } from './lib/classify-data.ts';
import { envList } from './lib/env.ts';
import { measure } from './lib/measure.ts';
import { printTable, ratio } from './lib/table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

type Dataset = 'spam' | 'brown';
type Tool = 'embedkit' | 'fasttext';

interface Run {
  dataset: Dataset;
  tool: Tool;
  seed: number;
  seconds: number;
  /** User + system CPU seconds of the process (all threads): steadier than wall time on a shared machine. */
  cpuSeconds: number;
  peakRssMiB: number;
  accuracy: number;
  macroF1: number;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function spread(xs: number[]): string {
  return `${Math.min(...xs).toFixed(4)}..${Math.max(...xs).toFixed(4)}`;
}

/** P@1 (the accuracy: one label per line) and macro-F1 by testClassifier, whose N/P@k/R@k equal `fasttext test`'s (tests) but are not rounded to 3 digits. */
async function score(model: string, test: string): Promise<{ accuracy: number; macroF1: number }> {
  const { FastTextClassifier, testClassifier } = await import('../src/apps/index.ts');
  const r = await testClassifier(await FastTextClassifier.load(model), test);
  const f1 = r.labels.map((l) => (Number.isFinite(l.f1) ? l.f1 : 0));
  return { accuracy: r.precision, macroF1: mean(f1) };
}

async function main(): Promise<void> {
  const datasets = envList<Dataset>(process.env.EMBEDKIT_BENCH_DATASETS, ['spam', 'brown'], ['spam', 'brown']);
  const seeds = (process.env.EMBEDKIT_BENCH_SEEDS ?? '1,2,3').split(',').map(Number);
  const threads = Number(process.env.EMBEDKIT_BENCH_THREADS ?? 2);
  const lines = Number(process.env.EMBEDKIT_BENCH_LINES ?? 0);
  const shared = (process.env.EMBEDKIT_BENCH_ARGS ?? '-epoch 10 -lr 0.5 -wordNgrams 2 -bucket 2000000 -dim 50').split(/\s+/).filter(Boolean);
  const outDir = join(root, 'bench/out/classify');
  mkdirSync(outDir, { recursive: true });
  const built = builtCli(outDir);
  console.log(built.description);
  console.log(`options: ${shared.join(' ')} -thread ${threads}; seeds ${seeds.join(', ')}${lines ? `; ${lines} training lines (every k-th)` : ''}`);

  const runs: Run[] = [];
  for (const dataset of datasets) {
    const { train, test } = classifySplit(dataset, lines, outDir);
    for (const seed of seeds) {
      for (const tool of ['fasttext', 'embedkit'] as const) {
        const prefix = join(outDir, `${dataset}-${tool}-${seed}`);
        const args = ['-input', train, '-output', prefix, ...shared, '-thread', String(threads), '-seed', String(seed)];
        process.stderr.write(`${dataset} ${tool} seed ${seed}... `);
        // A second /usr/bin/time inside measure's reports the CPU time (user, system) of the same process.
        const command = tool === 'fasttext' ? ['fasttext', 'supervised', ...args, '-verbose', '0'] : [process.execPath, ...built.args, 'train', 'supervised', ...args, '--quiet'];
        const m = await measure('/usr/bin/time', ['-f', '__CPU__ %U %S', ...command]);
        const cpu = /__CPU__ (\S+) (\S+)/.exec(m.stderr);
        const cpuSeconds = cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN;
        const q = await score(`${prefix}.bin`, test);
        rmSync(`${prefix}.bin`, { force: true });
        process.stderr.write(`${m.seconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s), accuracy ${q.accuracy}\n`);
        runs.push({ dataset, tool, seed, seconds: m.seconds, cpuSeconds, peakRssMiB: m.peakRssMiB, ...q });
      }
    }
  }

  const rows: (string | number)[][] = [];
  for (const dataset of datasets) {
    const of = (tool: Tool) => runs.filter((r) => r.dataset === dataset && r.tool === tool);
    const peer = of('fasttext');
    for (const tool of ['fasttext', 'embedkit'] as const) {
      const rs = of(tool);
      const acc = rs.map((r) => r.accuracy);
      rows.push([
        dataset, tool, mean(rs.map((r) => r.seconds)), mean(rs.map((r) => r.cpuSeconds)), mean(rs.map((r) => r.peakRssMiB)), mean(acc), spread(acc), mean(rs.map((r) => r.macroF1)),
        ratio(mean(peer.map((r) => r.seconds)), mean(rs.map((r) => r.seconds))),
        ratio(mean(peer.map((r) => r.cpuSeconds)), mean(rs.map((r) => r.cpuSeconds))),
        tool === 'embedkit' ? (Math.min(...peer.map((r) => r.accuracy)) <= mean(acc) + 1e-9 && mean(acc) <= Math.max(...peer.map((r) => r.accuracy)) + 1e-9 ? 'within' : mean(acc) > Math.max(...peer.map((r) => r.accuracy)) ? 'above' : 'below') : '',
      ]);
    }
  }
  printTable(
    `fastText supervised, ${shared.join(' ')}, ${threads} threads, seeds ${seeds.join(',')} (means over seeds; accuracy = P@1 as fasttext test counts it, unrounded; speed > 1 = faster than fasttext)`,
    ['data', 'tool', 'wall s', 'CPU s', 'peak RSS MiB', 'accuracy', 'accuracy over seeds', 'macro-F1', 'wall speed vs fasttext', 'CPU speed vs fasttext', 'accuracy vs fasttext seeds'],
    rows,
  );
}

await main();
