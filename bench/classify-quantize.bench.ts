/**
 * Quantized classifiers: `embedkit quantize` vs `fasttext quantize` (0.9.2) on the same supervised .bin (trained
 * once per dataset by the fastText CLI), with the same flags: file size, accuracy (P@1 as fasttext test counts
 * it, unrounded, by embedkit's testClassifier, which the tests hold to fastText's) and macro-F1 before and after,
 * wall time and peak RSS of each quantize run, and whether the two .ftz files hold the same quantized model
 * (same words, kept buckets, centroids and codes: they do unless --retrain, whose training is not bit-reproducible
 * across tools).
 *
 * Data: the splits of scripts/bench-data/classify-splits.mjs (built into .cache/bench/classify when missing).
 *
 * Knobs (environment):
 *   EMBEDKIT_BENCH_DATASETS  comma list of spam, brown (default both)
 *   EMBEDKIT_BENCH_THREADS   threads (default 2)
 *   EMBEDKIT_BENCH_LINES     train on N training lines, every k-th (default 0 = all)
 *   EMBEDKIT_BENCH_ARGS      supervised options (default "-epoch 10 -lr 0.5 -wordNgrams 2 -bucket 2000000 -dim 50")
 *   EMBEDKIT_BENCH_QUANTIZE  semicolon list of quantize flag sets (default "-cutoff 100000 -qnorm;-cutoff 100000 -qnorm -retrain")
 *
 *   node --import tsx bench/classify-quantize.bench.ts
 */
import { mkdirSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtCli } from './lib/built-cli.ts';
import { classifySplit } from './lib/classify-data.ts';
import { envList } from './lib/env.ts';
import { measure } from './lib/measure.ts';
import { printTable } from './lib/table.ts';
import type { QuantizedMatrix } from '../src/vectors/fasttext-matrix.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

type Dataset = 'spam' | 'brown';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function score(model: string, test: string): Promise<{ accuracy: number; macroF1: number }> {
  const { FastTextClassifier, testClassifier } = await import('../src/apps/index.ts');
  const r = await testClassifier(await FastTextClassifier.load(model), test);
  return { accuracy: r.precision, macroF1: mean(r.labels.map((l) => (Number.isFinite(l.f1) ? l.f1 : 0))) };
}

/** Same words, labels, kept buckets, centroids and codes. */
async function sameQuantized(a: string, b: string): Promise<boolean> {
  const { readFastTextBin } = await import('../src/formats/fasttext-bin-read.ts');
  const [x, y] = [await readFastTextBin(a), await readFastTextBin(b)];
  const sorted = (m: Map<number, number> | null) => JSON.stringify(m ? [...m].sort((p, q) => p[0] - q[0]) : null);
  const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  const qx = x.input as QuantizedMatrix;
  const qy = y.input as QuantizedMatrix;
  return (
    JSON.stringify(x.vocab.words) === JSON.stringify(y.vocab.words) &&
    sorted(x.pruneIndex) === sorted(y.pruneIndex) &&
    bytes(qx.codes).equals(bytes(qy.codes)) &&
    bytes(qx.pq.centroids).equals(bytes(qy.pq.centroids)) &&
    (qx.norms === null) === (qy.norms === null) &&
    (!qx.norms || bytes(qx.norms.codes).equals(bytes(qy.norms!.codes)))
  );
}

async function main(): Promise<void> {
  const datasets = envList<Dataset>(process.env.EMBEDKIT_BENCH_DATASETS, ['spam', 'brown'], ['spam', 'brown']);
  const threads = Number(process.env.EMBEDKIT_BENCH_THREADS ?? 2);
  const lines = Number(process.env.EMBEDKIT_BENCH_LINES ?? 0);
  const shared = (process.env.EMBEDKIT_BENCH_ARGS ?? '-epoch 10 -lr 0.5 -wordNgrams 2 -bucket 2000000 -dim 50').split(/\s+/).filter(Boolean);
  const flagSets = (process.env.EMBEDKIT_BENCH_QUANTIZE ?? '-cutoff 100000 -qnorm;-cutoff 100000 -qnorm -retrain').split(';').map((s) => s.split(/\s+/).filter(Boolean));
  const outDir = join(root, 'bench/out/classify-quantize');
  mkdirSync(outDir, { recursive: true });
  const built = builtCli(outDir);
  console.log(built.description);
  console.log(`model: fasttext supervised ${shared.join(' ')} -thread ${threads}${lines ? `; ${lines} training lines (every k-th)` : ''}`);

  const rows: (string | number)[][] = [];
  for (const dataset of datasets) {
    const { train, test } = classifySplit(dataset, lines, outDir);
    const prefix = join(outDir, dataset);
    const trained = spawnSync('fasttext', ['supervised', '-input', train, '-output', prefix, ...shared, '-thread', String(threads), '-verbose', '0']);
    if (trained.status !== 0) throw new Error(`fasttext supervised failed: ${trained.stderr}`);
    const bin = `${prefix}.bin`;
    const before = await score(bin, test);
    rows.push([dataset, '.bin', '', statSync(bin).size / 2 ** 20, before.accuracy, before.macroF1, '', '', '']);
    for (const flags of flagSets) {
      const name = flags.join(' ');
      const files: Record<string, string> = {};
      for (const tool of ['fasttext', 'embedkit'] as const) {
        const out = `${prefix}-${tool}-${flags.join('').replace(/\W+/g, '')}`;
        const common = ['-input', train, '-thread', String(threads), ...flags];
        // fasttext quantize reads PREFIX.bin and writes PREFIX.ftz: give it its own copy of the model.
        if (tool === 'fasttext') spawnSync('cp', [bin, `${out}.bin`]);
        const command = tool === 'fasttext' ? ['fasttext', 'quantize', '-output', out, ...common] : [process.execPath, ...built.args, 'quantize', bin, '-output', out, ...common];
        process.stderr.write(`${dataset} ${tool} quantize ${name}... `);
        const m = await measure(command[0], command.slice(1));
        files[tool] = `${out}.ftz`;
        const after = await score(files[tool], test);
        process.stderr.write(`${m.seconds.toFixed(1)} s, accuracy ${after.accuracy}\n`);
        rows.push([dataset, tool, name, statSync(files[tool]).size / 2 ** 20, after.accuracy, after.macroF1, m.seconds, m.peakRssMiB, tool === 'embedkit' ? ((await sameQuantized(files.embedkit, files.fasttext)) ? 'yes' : 'no') : '']);
      }
    }
  }
  printTable(
    `quantize: embedkit vs fasttext on the same .bin (accuracy = P@1 as fasttext test counts it, unrounded; same = identical words, kept buckets, centroids and codes)`,
    ['data', 'tool', 'flags', 'size MiB', 'accuracy', 'macro-F1', 'quantize wall s', 'peak RSS MiB', 'same .ftz as fasttext'],
    rows,
  );
}

await main();
