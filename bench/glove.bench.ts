/**
 * GloVe training: embedkit against the reference GloVe C tools (vocab_count → cooccur → shuffle → glove) on the
 * same corpus with the same settings (window 10, x_max 10, dim 100, 15 epochs, min-count 5), every result scored
 * by the same evaluator (analogies with restrict_vocab 30000, WordSim-353 Spearman). Each process is measured
 * the same way (wall seconds, peak RSS). gensim word2vec's quality on the corpus is shown for context.
 *
 * Knobs (environment):
 *   EMBEDKIT_BENCH_CORPUS     corpus (.txt or .gz; default ../shared/data/corpus/en-mix.txt.gz)
 *   EMBEDKIT_BENCH_TOKENS     use only a prefix of the corpus (whole lines, about this many tokens)
 *   EMBEDKIT_BENCH_EPOCHS     epochs (default 15)
 *   EMBEDKIT_BENCH_THREADS    threads for both tools (default 2)
 *   EMBEDKIT_BENCH_MEMORY     GiB for counting and shuffling, both tools (default 4)
 *   EMBEDKIT_BENCH_SEEDS      comma list of seeds, each run by both tools (default 1); with several, a mean row per tool
 *   EMBEDKIT_BENCH_GLOVE_DIR  folder with the reference tools' binaries (its build/); without it that column is skipped
 *   EMBEDKIT_BENCH_EVAL       folder with questions-words.txt and wordsim353.tsv (default ../shared/data/eval)
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { builtCli } from './lib/built-cli.ts';
import { measure, type Measured } from './lib/measure.ts';
import { printTable, ratio } from './lib/table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

const REFERENCE = 'GloVe C (reference)';
const SETTINGS = { window: 10, xMax: 10, dim: 100, minCount: 5, alpha: 0.75, eta: 0.05 };

interface Row {
  tool: string;
  seed: number | string;
  vocab: number | string;
  nonZeros: number | string;
  /** Vocabulary + co-occurrence counting + shuffle. */
  prepareSeconds: number | string;
  secondsPerEpoch: number | string;
  totalSeconds: number | string;
  nonZerosPerSecond: number | string;
  peakRssMiB: number | string;
  analogy: number;
  ws353: number;
}

/** Whole lines of the corpus up to about `tokens` tokens, as plain text (the reference tools read plain stdin). */
async function corpusPrefix(source: string, tokens: number | undefined, outDir: string): Promise<{ path: string; tokens: number }> {
  const target = join(outDir, `corpus-${tokens ?? 'all'}.txt`);
  const input = createReadStream(source);
  const lines = createInterface({ input: source.endsWith('.gz') ? input.pipe(createGunzip()) : input, crlfDelay: Infinity });
  const out = createWriteStream(target);
  let count = 0;
  for await (const line of lines) {
    if (tokens !== undefined && count >= tokens) break;
    count += line.split(/\s+/).filter(Boolean).length;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  input.destroy();
  await new Promise<void>((r) => out.end(r));
  return { path: target, tokens: count };
}

async function evaluate(path: string, evalDir: string): Promise<{ analogy: number; ws353: number }> {
  const { loadEmbeddings } = await import('../src/formats/index.ts');
  const { evaluateAnalogies, evaluateWordPairs } = await import('../src/eval/index.ts');
  const emb = await loadEmbeddings(path, { format: 'auto', onWarning: () => {} });
  const a = await evaluateAnalogies(emb, join(evalDir, 'questions-words.txt'), { restrictVocab: 30000 });
  const p = await evaluateWordPairs(emb, join(evalDir, 'wordsim353.tsv'));
  return { analogy: a.score, ws353: p.spearman.rho };
}

interface EpochTime {
  epoch: number;
  cost: number;
  seconds: number;
}

interface EmbedkitSummary {
  vocabSize: number;
  nonZeros: number;
  countSeconds: number;
  shuffleSeconds: number;
  epochs: EpochTime[];
}

async function runEmbedkit(cli: string[], corpus: string, output: string, epochs: number, threads: number, memory: number, seed: number): Promise<{ m: Measured; s: EmbedkitSummary }> {
  const flags = [
    'train', 'glove', '--input', corpus, '--output', output, '--window', String(SETTINGS.window), '--x-max', String(SETTINGS.xMax),
    '--dim', String(SETTINGS.dim), '--min-count', String(SETTINGS.minCount), '--epochs', String(epochs), '--threads', String(threads),
    '--memory', String(memory), '--seed', String(seed), '--quiet', '--json',
  ];
  const m = await measure(process.execPath, [...cli, ...flags]);
  return { m, s: JSON.parse(m.stdout) as EmbedkitSummary };
}

/** The reference pipeline, each tool measured on its own; returns the summed seconds and the largest peak RSS. */
async function runReference(bin: string, corpus: string, work: string, epochs: number, threads: number, memory: number, seed: number) {
  const sh = (cmd: string, onStderr?: (text: string, seconds: number) => void) => measure('/bin/bash', ['-c', `set -e; cd ${JSON.stringify(work)}; ${cmd}`], process.env, onStderr);
  const vocab = await sh(`${bin}/vocab_count -min-count ${SETTINGS.minCount} -verbose 0 < ${JSON.stringify(corpus)} > vocab.txt`);
  const cooccur = await sh(`${bin}/cooccur -memory ${memory} -vocab-file vocab.txt -verbose 0 -window-size ${SETTINGS.window} < ${JSON.stringify(corpus)} > cooccurrence.bin`);
  const shuffle = await sh(`${bin}/shuffle -memory ${memory} -verbose 0 -seed ${seed} < cooccurrence.bin > cooccurrence.shuf.bin`);
  // Each epoch's seconds from when its "iter: N, cost: C" line arrives (the tool prints times to the second only);
  // the first counts from its last set-up line ("alpha: …").
  const epochLog: EpochTime[] = [];
  let last = NaN;
  let pending = '';
  const train = await sh(
    `${bin}/glove -save-file vectors -threads ${threads} -input-file cooccurrence.shuf.bin -x-max ${SETTINGS.xMax} -iter ${epochs} -vector-size ${SETTINGS.dim} -binary 0 -vocab-file vocab.txt -verbose 2 -seed ${seed} -eta ${SETTINGS.eta} -alpha ${SETTINGS.alpha}`,
    (text, seconds) => {
      const lines = (pending + text).split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const iter = /iter: (\d+), cost: ([\d.eE+-]+)/.exec(line);
        if (iter) {
          epochLog.push({ epoch: Number(iter[1]), seconds: seconds - last, cost: Number(iter[2]) });
          last = seconds;
        } else if (/^alpha:/.test(line)) last = seconds;
      }
    },
  );
  const vocabSize = Number(/vocabulary of size (\d+)/i.exec(vocab.stderr)?.[1] ?? NaN);
  const nonZeros = Number(/Read (\d+) lines/.exec(train.stderr)?.[1] ?? NaN);
  return {
    prepareSeconds: vocab.seconds + cooccur.seconds + shuffle.seconds,
    trainSeconds: train.seconds,
    peakRssMiB: Math.max(vocab.peakRssMiB, cooccur.peakRssMiB, shuffle.peakRssMiB, train.peakRssMiB),
    vocabSize,
    nonZeros,
    epochs: epochLog,
    output: join(work, 'vectors.txt'),
  };
}

async function main(): Promise<void> {
  const source = resolve(process.env.EMBEDKIT_BENCH_CORPUS ?? join(root, '../shared/data/corpus/en-mix.txt.gz'));
  const evalDir = resolve(process.env.EMBEDKIT_BENCH_EVAL ?? join(root, '../shared/data/eval'));
  if (!existsSync(source)) {
    console.log(`skipped: corpus ${source} not found (set EMBEDKIT_BENCH_CORPUS)`);
    return;
  }
  const tokenLimit = process.env.EMBEDKIT_BENCH_TOKENS ? Number(process.env.EMBEDKIT_BENCH_TOKENS) : undefined;
  const epochs = Number(process.env.EMBEDKIT_BENCH_EPOCHS ?? 15);
  const threads = Number(process.env.EMBEDKIT_BENCH_THREADS ?? 2);
  const memory = Number(process.env.EMBEDKIT_BENCH_MEMORY ?? 4);
  const gloveDir = process.env.EMBEDKIT_BENCH_GLOVE_DIR;
  const outDir = join(root, 'bench/out/glove');
  mkdirSync(outDir, { recursive: true });
  const corpus = await corpusPrefix(source, tokenLimit, outDir);
  console.log(`corpus ${source}${tokenLimit ? ` (prefix)` : ''}: ${corpus.tokens.toLocaleString('en-US')} tokens; ${epochs} epochs, ${threads} threads, memory ${memory} GiB`);
  const built = builtCli(outDir);
  console.log(built.description);

  const seeds = (process.env.EMBEDKIT_BENCH_SEEDS ?? '1').split(',').map(Number);
  if (!gloveDir) console.log('reference GloVe skipped (set EMBEDKIT_BENCH_GLOVE_DIR to the folder of its vocab_count, cooccur, shuffle and glove)');
  const rows: Row[] = [];
  /** Each seed's reference row, for the time ratio of the run with the same seed. */
  const referenceOf = new Map<number | string, Row>();
  /** The first seed's epochs, per tool. */
  const epochTimes: { reference?: EpochTime[]; embedkit?: EpochTime[] } = {};
  for (const seed of seeds) {
    if (gloveDir) {
      const work = join(outDir, 'reference');
      mkdirSync(work, { recursive: true });
      process.stderr.write(`reference GloVe, seed ${seed}... `);
      const r = await runReference(resolve(gloveDir), corpus.path, work, epochs, threads, memory, seed);
      process.stderr.write(`${(r.prepareSeconds + r.trainSeconds).toFixed(1)} s\n`);
      const row: Row = {
        tool: REFERENCE,
        seed,
        vocab: r.vocabSize,
        nonZeros: r.nonZeros,
        prepareSeconds: r.prepareSeconds,
        secondsPerEpoch: r.trainSeconds / epochs,
        totalSeconds: r.prepareSeconds + r.trainSeconds,
        nonZerosPerSecond: Math.round((r.nonZeros * epochs) / r.trainSeconds),
        peakRssMiB: Math.round(r.peakRssMiB),
        ...(await evaluate(r.output, evalDir)),
      };
      rows.push(row);
      referenceOf.set(seed, row);
      if (seed === seeds[0]) epochTimes.reference = r.epochs;
      rmSync(work, { recursive: true, force: true });
    }

    process.stderr.write(`embedkit, seed ${seed}... `);
    const output = join(outDir, 'embedkit-glove.txt');
    const { m, s } = await runEmbedkit(built.args, corpus.path, output, epochs, threads, memory, seed);
    process.stderr.write(`${m.seconds.toFixed(1)} s\n`);
    const trainSeconds = s.epochs.reduce((a, e) => a + e.seconds, 0);
    if (seed === seeds[0]) epochTimes.embedkit = s.epochs;
    rows.push({
      tool: 'embedkit',
      seed,
      vocab: s.vocabSize,
      nonZeros: s.nonZeros,
      prepareSeconds: s.countSeconds + s.shuffleSeconds,
      secondsPerEpoch: trainSeconds / s.epochs.length,
      totalSeconds: m.seconds,
      nonZerosPerSecond: Math.round((s.nonZeros * s.epochs.length) / trainSeconds),
      peakRssMiB: Math.round(m.peakRssMiB),
      ...(await evaluate(output, evalDir)),
    });
    rmSync(output, { force: true });
  }
  if (seeds.length > 1) {
    for (const tool of [REFERENCE, 'embedkit']) {
      const mine = rows.filter((r) => r.tool === tool);
      if (mine.length === 0) continue;
      const mean = (f: (r: Row) => number) => mine.reduce((a, r) => a + f(r), 0) / mine.length;
      const num = (x: number | string) => Number(x);
      const meanRow: Row = {
        tool,
        seed: 'mean',
        vocab: mine[0].vocab,
        nonZeros: mine[0].nonZeros,
        prepareSeconds: mean((r) => num(r.prepareSeconds)),
        secondsPerEpoch: mean((r) => num(r.secondsPerEpoch)),
        totalSeconds: mean((r) => num(r.totalSeconds)),
        nonZerosPerSecond: Math.round(mean((r) => num(r.nonZerosPerSecond))),
        peakRssMiB: Math.max(...mine.map((r) => num(r.peakRssMiB))),
        analogy: mean((r) => r.analogy),
        ws353: mean((r) => r.ws353),
      };
      rows.push(meanRow);
      if (tool === REFERENCE) referenceOf.set('mean', meanRow);
    }
  }

  const gensim = join(root, 'bench/out/word2vec/gensim-cbow-ns-1.bin');
  if (existsSync(gensim)) {
    rows.push({ tool: 'gensim word2vec CBOW (whole corpus, from bench/word2vec)', seed: 1, vocab: '-', nonZeros: '-', prepareSeconds: '-', secondsPerEpoch: '-', totalSeconds: '-', nonZerosPerSecond: '-', peakRssMiB: '-', ...(await evaluate(gensim, evalDir)) });
  }

  printTable(
    `GloVe, ${corpus.tokens.toLocaleString('en-US')} tokens, window ${SETTINGS.window}, x_max ${SETTINGS.xMax}, dim ${SETTINGS.dim}, ${epochs} epochs, ${threads} threads (time vs reference > 1 = faster)`,
    ['tool', 'seed', 'vocab', 'non-zeros', 'count+shuffle s', 's/epoch', 'total s', 'non-zeros/s', 'peak RSS MiB', 'analogy', 'WS353', 'time vs reference'],
    rows.map((r) => {
      const reference = referenceOf.get(r.seed);
      return [
        r.tool, r.seed, r.vocab, r.nonZeros, r.prepareSeconds, r.secondsPerEpoch, r.totalSeconds, r.nonZerosPerSecond, r.peakRssMiB, r.analogy, r.ws353,
        reference && typeof r.totalSeconds === 'number' && typeof reference.totalSeconds === 'number' ? ratio(reference.totalSeconds, r.totalSeconds) : '-',
      ];
    }),
  );
  const perEpoch = Array.from({ length: Math.max(epochTimes.reference?.length ?? 0, epochTimes.embedkit?.length ?? 0) }, (_, i) => {
    const r = epochTimes.reference?.[i];
    const e = epochTimes.embedkit?.[i];
    return [i + 1, r ? r.seconds : '-', r ? r.cost : '-', e ? e.seconds : '-', e ? e.cost : '-'];
  });
  printTable(`GloVe per epoch, seed ${seeds[0]}: seconds and cost`, ['epoch', 'reference s', 'reference cost', 'embedkit s', 'embedkit cost'], perEpoch);
}

await main();
