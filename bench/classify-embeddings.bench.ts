/**
 * Text classification, one table for all approaches on the same splits: embedkit's fastText supervised (the built
 * CLI, `embedkit train supervised`) and the fastText binary (`fasttext supervised`) with the same options, each over
 * several seeds (mean accuracy, its spread over the seeds, and the speed ratios: fastText's seconds over embedkit's,
 * wall and CPU = user + system of the whole process, both processes measured the same way, one after the other per
 * seed); scikit-learn's TF-IDF + logistic regression (Debian python3-sklearn, the classic baseline); embedkit's
 * logistic regression (LogisticClassifier, L-BFGS, C 10) on en-mix word2vec, fastText and GloVe vectors pooled by
 * SIF; and zero-shot labels (zeroShotClassify on the word2vec vectors, label descriptions below, temperature fitted
 * by calibrateZeroShotTemperature on up to 1,000 training texts). Every method is scored the same way here:
 * accuracy and macro-F1 (over the labels in the gold or predicted set, as scikit-learn's f1_score) of the best label;
 * a text a method gives no label counts as wrong. Train time is wall seconds of the method's training (fastText,
 * both tools: the whole process, dictionary pass and .bin included; embedkit LR: encoding the training texts and
 * the fit; zero-shot: the calibration).
 *
 * Data: scripts/bench-data/classify-splits.mjs (spam, brown) and scripts/bench-data/sotu-splits.mjs (sotu-party,
 * sotu-century), built into .cache/bench/classify when missing. Vectors: bench/lib/en-mix-vectors.ts (word2vec,
 * fastText, GloVe; trained once and cached), or one word2vec binary file named by EMBEDKIT_BENCH_VECTORS (with its
 * -save-vocab counts beside it as .vocab) in place of all three.
 *
 * Knobs (environment):
 *   EMBEDKIT_BENCH_DATASETS    comma list of spam, brown, sotu-party, sotu-century (default all)
 *   EMBEDKIT_BENCH_LINES       train on N training lines, every k-th (default 0 = all)
 *   EMBEDKIT_BENCH_TEST_LINES  test on N test lines, every k-th (default 0 = all)
 *   EMBEDKIT_BENCH_THREADS     fastText threads for both tools (default 2)
 *   EMBEDKIT_BENCH_SEEDS       comma list of seeds for both fastText tools (default 1,2,3)
 *   EMBEDKIT_BENCH_SIF         comma list of en-mix vectors for the SIF rows: word2vec, fasttext, glove (default all)
 *   EMBEDKIT_BENCH_ARGS        fastText options (default "-epoch 10 -lr 0.5 -wordNgrams 2 -bucket 2000000 -dim 50")
 *
 *   node --import tsx bench/classify-embeddings.bench.ts
 *
 * Reduced (2,000 training and 1,000 test lines; en-mix vectors trained on every 16th line into their own cache):
 *   zcat ../shared/data/corpus/en-mix.txt.gz | awk 'NR%16==1' > .cache/bench-small/en-mix-16th.txt
 *   EMBEDKIT_BENCH_CACHE=.cache/bench-small EMBEDKIT_BENCH_CORPUS=.cache/bench-small/en-mix-16th.txt \
 *   EMBEDKIT_BENCH_TRAIN_EVERY=1 EMBEDKIT_BENCH_LINES=2000 EMBEDKIT_BENCH_TEST_LINES=1000 \
 *   node --import tsx bench/classify-embeddings.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtCli } from './lib/built-cli.ts';
import { envList } from './lib/env.ts';
import { enMixVectors, VECTOR_KINDS, type VectorKind } from './lib/en-mix-vectors.ts';
import { measure, PYTHON } from './lib/measure.ts';
import { printTable, ratio } from './lib/table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

const DATASETS = ['spam', 'brown', 'sotu-party', 'sotu-century'] as const;
type Dataset = (typeof DATASETS)[number];

/** What each label means, in words the zero-shot template ("This text is about {}.") takes. */
const DESCRIPTIONS: Record<Dataset, Record<string, string>> = {
  spam: { ham: 'personal messages, work and software', spam: 'advertising, money offers and products for sale' },
  brown: {
    a: 'news reports',
    b: 'newspaper editorials',
    c: 'reviews of books, music and theatre',
    d: 'religion',
    e: 'skills, hobbies and crafts',
    f: 'popular lore',
    g: 'biography, essays and letters',
    h: 'government documents and reports',
    j: 'science and scholarship',
    k: 'fiction',
    l: 'mystery and detective fiction',
    m: 'science fiction',
    n: 'adventure and western fiction',
    p: 'romance and love stories',
    r: 'humor',
  },
  'sotu-party': { democratic: 'the democratic party', republican: 'the republican party' },
  'sotu-century': { '18': 'the eighteenth century', '19': 'the nineteenth century', '20': 'the twentieth century', '21': 'the twenty-first century' },
};

interface Row {
  dataset: Dataset;
  method: string;
  accuracy: number;
  macroF1: number;
  trainSeconds: number;
  note: string;
  /** fastText rows: accuracy over the seeds (min..max), CPU seconds, speed vs the fastText binary. */
  seeds?: { spread: string; cpuSeconds: number; wallSpeed: string; cpuSpeed: string };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** One fastText run: wall and CPU seconds of the whole process and its predictions on the test texts. */
interface SupervisedRun {
  seconds: number;
  cpuSeconds: number;
  accuracy: number;
  macroF1: number;
}

/** Accuracy and macro-F1 (over the labels in gold ∪ predicted, as scikit-learn) of single-label predictions. */
function scores(gold: readonly string[], predicted: readonly (string | undefined)[]): { accuracy: number; macroF1: number } {
  const labels = new Set<string>(gold);
  for (const p of predicted) if (p !== undefined) labels.add(p);
  let correct = 0;
  const f1s: number[] = [];
  gold.forEach((g, i) => (correct += predicted[i] === g ? 1 : 0));
  for (const l of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((g, i) => {
      const p = predicted[i];
      if (p === l && g === l) tp++;
      else if (p === l) fp++;
      else if (g === l) fn++;
    });
    f1s.push(tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));
  }
  return { accuracy: correct / gold.length, macroF1: f1s.reduce((a, b) => a + b, 0) / f1s.length };
}

/** Every k-th line of a file, at most n (all when n is 0). */
function sample(path: string, n: number, out: string): string {
  if (n <= 0) return path;
  const all = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const step = Math.max(1, Math.floor(all.length / n));
  writeFileSync(out, all.filter((_, i) => i % step === 0).slice(0, n).join('\n') + '\n');
  return out;
}

async function main(): Promise<void> {
  const datasets = envList<Dataset>(process.env.EMBEDKIT_BENCH_DATASETS, [...DATASETS], DATASETS);
  const lines = Number(process.env.EMBEDKIT_BENCH_LINES ?? 0);
  const testLines = Number(process.env.EMBEDKIT_BENCH_TEST_LINES ?? 0);
  const threads = Number(process.env.EMBEDKIT_BENCH_THREADS ?? 2);
  const seeds = (process.env.EMBEDKIT_BENCH_SEEDS ?? '1,2,3').split(',').map(Number);
  const shared = (process.env.EMBEDKIT_BENCH_ARGS ?? '-epoch 10 -lr 0.5 -wordNgrams 2 -bucket 2000000 -dim 50').split(/\s+/).filter(Boolean);
  const dataDir = join(root, '.cache/bench/classify');
  if (!existsSync(join(dataDir, 'manifest.json'))) spawnSync(process.execPath, [join(root, 'scripts/bench-data/classify-splits.mjs'), dataDir], { stdio: 'inherit' });
  if (!existsSync(join(dataDir, 'sotu-manifest.json'))) spawnSync(process.execPath, [join(root, 'scripts/bench-data/sotu-splits.mjs'), dataDir], { stdio: 'inherit' });
  const outDir = join(root, 'bench/out/classify-embeddings');
  mkdirSync(outDir, { recursive: true });

  const { FastTextClassifier, LogisticClassifier, readLabelledTexts, zeroShotClassify, calibrateZeroShotTemperature } = await import('../src/apps/index.ts');
  const { openEncoder } = await import('../src/encoders/index.ts');
  const given = process.env.EMBEDKIT_BENCH_VECTORS;
  const kinds = given ? (['word2vec'] as VectorKind[]) : envList<VectorKind>(process.env.EMBEDKIT_BENCH_SIF, [...VECTOR_KINDS], VECTOR_KINDS);
  type Encoder = Awaited<ReturnType<typeof openEncoder>>;
  const encoders = new Map<VectorKind, Encoder>();
  for (const kind of kinds) {
    const vectors = given ? { vectors: given, vocab: given.replace(/\.[^.]+$/, '.vocab') } : await enMixVectors(kind);
    encoders.set(kind, await openEncoder(vectors.vectors, { pooling: 'sif', load: vectors.vocab && existsSync(vectors.vocab) ? { vocabFile: vectors.vocab } : {} }));
    console.log(`${kind} vectors: ${vectors.vectors} (SIF, dimension ${encoders.get(kind)!.dim})`);
  }
  const cli = builtCli(outDir);
  const hasFastText = spawnSync('fasttext', [], { stdio: 'ignore' }).error === undefined;
  console.log(`${cli.description}; fastText options: ${shared.join(' ')} -thread ${threads}, seeds ${seeds.join(', ')}${lines ? `; ${lines} training lines` : ''}${testLines ? `; ${testLines} test lines` : ''}`);

  const rows: Row[] = [];
  const say = (s: string) => process.stderr.write(s);
  for (const dataset of datasets) {
    const train = sample(join(dataDir, `${dataset}.train.txt`), lines, join(outDir, `${dataset}.train.txt`));
    const test = sample(join(dataDir, `${dataset}.test.txt`), testLines, join(outDir, `${dataset}.test.txt`));
    const testData = await readLabelledTexts(test);
    const gold = testData.labels.map((l) => l[0]);
    const add = (method: string, predicted: (string | undefined)[], trainSeconds: number, note = '') => {
      const s = scores(gold, predicted);
      rows.push({ dataset, method, ...s, trainSeconds, note });
      say(`${dataset} ${method}: accuracy ${s.accuracy.toFixed(4)}, macro-F1 ${s.macroF1.toFixed(4)}, ${trainSeconds.toFixed(1)} s\n`);
    };

    // fastText supervised: both tools as processes with the same options, seed after seed (one then the other, so
    // the load of a shared machine falls on both alike).
    const runs: Record<'embedkit' | 'fasttext', SupervisedRun[]> = { embedkit: [], fasttext: [] };
    const tools = hasFastText ? (['fasttext', 'embedkit'] as const) : (['embedkit'] as const);
    for (const seed of seeds) {
      for (const tool of tools) {
        const prefix = join(outDir, `${dataset}-${tool}-${seed}`);
        const args = ['-input', train, '-output', prefix, ...shared, '-thread', String(threads), '-seed', String(seed)];
        const command = tool === 'fasttext' ? ['fasttext', 'supervised', ...args, '-verbose', '0'] : [process.execPath, ...cli.args, 'train', 'supervised', ...args, '--quiet'];
        // A second /usr/bin/time inside measure's reports the CPU time (user, system) of the same process.
        const m = await measure('/usr/bin/time', ['-f', '__CPU__ %U %S', ...command]);
        const cpu = /__CPU__ (\S+) (\S+)/.exec(m.stderr);
        const model = await FastTextClassifier.load(`${prefix}.bin`);
        const s = scores(gold, testData.texts.map((text) => model.predict(text)[0]?.label));
        rmSync(`${prefix}.bin`, { force: true });
        runs[tool].push({ seconds: m.seconds, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN, ...s });
        say(`${dataset} fastText supervised (${tool}) seed ${seed}: accuracy ${s.accuracy.toFixed(4)}, ${m.seconds.toFixed(1)} s (CPU ${cpu ? (Number(cpu[1]) + Number(cpu[2])).toFixed(1) : '?'} s)\n`);
      }
    }
    for (const tool of tools) {
      const rs = runs[tool];
      const peer = hasFastText ? runs.fasttext : rs;
      const acc = rs.map((r) => r.accuracy);
      const seconds = mean(rs.map((r) => r.seconds));
      const cpuSeconds = mean(rs.map((r) => r.cpuSeconds));
      rows.push({
        dataset,
        method: tool === 'fasttext' ? 'fastText supervised (fasttext 0.9.2)' : 'fastText supervised (embedkit)',
        accuracy: mean(acc),
        macroF1: mean(rs.map((r) => r.macroF1)),
        trainSeconds: seconds,
        note: `${rs.length} seeds`,
        seeds: {
          spread: `${Math.min(...acc).toFixed(4)}..${Math.max(...acc).toFixed(4)}`,
          cpuSeconds,
          wallSpeed: ratio(mean(peer.map((r) => r.seconds)), seconds),
          cpuSpeed: ratio(mean(peer.map((r) => r.cpuSeconds)), cpuSeconds),
        },
      });
    }

    // TF-IDF + logistic regression (scikit-learn).
    if (spawnSync(PYTHON, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0) {
      const out = join(outDir, `${dataset}-tfidf.json`);
      const r = spawnSync(PYTHON, [join(here, 'lib/tfidf_logreg.py'), train, test, out], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (r.status === 0) {
        const j = JSON.parse(readFileSync(out, 'utf8')) as { accuracy: number; macro_f1: number; train_s: number; sklearn: string };
        rows.push({ dataset, method: `TF-IDF + logistic regression (scikit-learn ${j.sklearn})`, accuracy: j.accuracy, macroF1: j.macro_f1, trainSeconds: j.train_s, note: 'C 10, word 1-2-grams' });
        say(`${dataset} tfidf: accuracy ${j.accuracy.toFixed(4)}\n`);
      }
    }

    // Logistic regression on SIF vectors of each en-mix model.
    for (const [kind, encoder] of encoders) {
      const t = performance.now();
      const { classifier, stats } = await LogisticClassifier.train(train, encoder, { C: 10, maxIterations: 300 });
      const lrSeconds = (performance.now() - t) / 1000;
      const lr = (await classifier.predict(testData.texts)).map((p) => p[0]?.label);
      add(`logistic regression on ${kind} SIF (embedkit)`, lr, lrSeconds, `C 10, ${classifier.header.training.iterations} iterations${stats.noVector ? `, ${stats.noVector} train texts without a vector` : ''}`);
    }

    // Zero-shot on the same vectors: label descriptions, temperature fitted on training texts.
    const names = Object.keys(DESCRIPTIONS[dataset]);
    const descriptions = names.map((n) => DESCRIPTIONS[dataset][n]);
    const trainData = await readLabelledTexts(train);
    const step = Math.max(1, Math.floor(trainData.texts.length / 1000));
    const pick = trainData.texts.map((_, i) => i).filter((i) => i % step === 0).slice(0, 1000);
    const described = (label: string) => DESCRIPTIONS[dataset][label.replace('__label__', '')];
    const encoder = encoders.get('word2vec') ?? [...encoders.values()][0];
    const t = performance.now();
    const fit = await calibrateZeroShotTemperature(encoder, pick.map((i) => trainData.texts[i]), pick.map((i) => described(trainData.labels[i][0] ?? '') ?? ''), descriptions);
    const zsSeconds = (performance.now() - t) / 1000;
    const zs = await zeroShotClassify(encoder, testData.texts, descriptions, { temperature: fit.temperature });
    add('zero-shot on word2vec SIF (embedkit)', zs.map((s) => (s[0] ? `__label__${names[descriptions.indexOf(s[0].label)]}` : undefined)), zsSeconds, `temperature ${fit.temperature.toPrecision(3)} (NLL ${fit.nll.toFixed(3)} on ${fit.examples} train texts)`);
  }
  printTable(
    `text classification: accuracy and macro-F1 of the best label on the test split (fastText rows: means over seeds ${seeds.join(',')}); train s = wall seconds of training; speed = fasttext's seconds / embedkit's (> 1: embedkit faster)`,
    ['data', 'method', 'accuracy', 'accuracy over seeds', 'macro-F1', 'train s', 'train CPU s', 'wall speed vs fasttext', 'CPU speed vs fasttext', 'note'],
    rows.map((r) => [r.dataset, r.method, r.accuracy.toFixed(4), r.seeds?.spread ?? '', r.macroF1.toFixed(4), r.trainSeconds.toFixed(1), r.seeds ? r.seeds.cpuSeconds.toFixed(1) : '', r.seeds?.wallSpeed ?? '', r.seeds?.cpuSpeed ?? '', r.note]),
  );
}

await main();
