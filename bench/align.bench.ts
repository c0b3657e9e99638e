/**
 * Cross-lingual alignment, measured as MUSE measures it: English (World English Bible) and Spanish (Reina-Valera
 * 1909) fastText skip-gram vectors with subwords, trained by embedkit on each side (the verse-aligned text and the
 * FreeDict train/test dictionaries built by scripts/bench-data/bilingual.mjs into `.cache/bench/bilingual`), then
 * aligned by every method of `embedkit align`, each run under /usr/bin/time (wall and CPU seconds, peak RSS of the whole
 * process), and scored by word-translation P@1 and P@5 on the test dictionary with nearest neighbour and CSLS
 * (k = 10). A small numpy reference of Procrustes + CSLS (bench/lib/procrustes_csls.py) reads the same vectors
 * and dictionaries; its P@1 must agree with embedkit's supervised Procrustes within 0.5 points.
 * `npm run bench -- align`.
 *
 * Knobs (environment):
 *   ALIGN_DIM          vector dimension (default 100)
 *   ALIGN_EPOCHS       fastText epochs (default 5)
 *   ALIGN_MIN_COUNT    fastText minCount (default 3)
 *   ALIGN_BUCKET       fastText n-gram buckets (default 200000: the Bible's vocabulary needs no more)
 *   ALIGN_DIRECTION    en-es (default) or es-en
 *   ALIGN_SEED         fastText training seed of both sides (default 1); run 1, 2, 3 for the seed spread
 *   ALIGN_METHODS      comma list of procrustes, refine, identical, lstsq, unsupervised (default all)
 *   ALIGN_REFINE       refinement rounds of the refine and identical methods (default 3)
 *   ALIGN_MAX_VOCAB    words of each space searched when dictionaries are induced (default 15000)
 *   ALIGN_UNSUP_VOCAB  unsupervised: words whose similarity distributions seed the dictionary (default 2000)
 *   EMBEDKIT_BENCH_THREADS  training threads (default min(2, cores))
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateBilingual, parseDictionary } from '../src/apps/index.ts';
import { loadEmbeddings } from '../src/formats/index.ts';
import { trainFastText } from '../src/train/index.ts';
import { bilingualData } from './lib/bilingual-data.ts';
import { envList } from './lib/env.ts';
import { measure, PYTHON } from './lib/measure.ts';
import { printTable } from './lib/table.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DATA = bilingualData();
const DIM = Number(process.env.ALIGN_DIM ?? 100);
const EPOCHS = Number(process.env.ALIGN_EPOCHS ?? 5);
const MIN_COUNT = Number(process.env.ALIGN_MIN_COUNT ?? 3);
const BUCKET = Number(process.env.ALIGN_BUCKET ?? 200_000);
const DIRECTION = envList(process.env.ALIGN_DIRECTION, ['en-es'], ['en-es', 'es-en'] as const)[0];
const METHODS = envList(process.env.ALIGN_METHODS, ['procrustes', 'refine', 'identical', 'lstsq', 'unsupervised'], ['procrustes', 'refine', 'identical', 'lstsq', 'unsupervised'] as const);
const REFINE = Number(process.env.ALIGN_REFINE ?? 3);
const MAX_VOCAB = Number(process.env.ALIGN_MAX_VOCAB ?? 15000);
const UNSUP_VOCAB = Number(process.env.ALIGN_UNSUP_VOCAB ?? 2000);
const SEED = Number(process.env.ALIGN_SEED ?? 1);
const THREADS = Number(process.env.EMBEDKIT_BENCH_THREADS ?? Math.min(2, availableParallelism()));


/** fastText skip-gram vectors of one side, trained once per setting and cached. */
async function vectors(corpus: 'web' | 'sparv'): Promise<{ path: string; seconds: number | null }> {
  const dir = join(DATA, 'vectors');
  mkdirSync(dir, { recursive: true });
  // Seed 1 keeps the file name it had before the seed was a knob, so cached vectors stay valid.
  const path = join(dir, `${corpus}-d${DIM}-e${EPOCHS}-m${MIN_COUNT}-b${BUCKET}${SEED === 1 ? '' : `-s${SEED}`}.vec`);
  if (existsSync(path)) return { path, seconds: null };
  const t = performance.now();
  await trainFastText({ input: join(DATA, `${corpus}.txt`), output: path, model: 'skipgram', dim: DIM, epochs: EPOCHS, minCount: MIN_COUNT, bucket: BUCKET, threads: THREADS, seed: SEED });
  return { path, seconds: (performance.now() - t) / 1000 };
}

const [srcCorpus, tgtCorpus] = DIRECTION === 'en-es' ? (['web', 'sparv'] as const) : (['sparv', 'web'] as const);
const src = await vectors(srcCorpus);
const tgt = await vectors(tgtCorpus);
const trainDict = join(DATA, `${DIRECTION}.train.txt`);
const testDict = join(DATA, `${DIRECTION}.test.txt`);
const testPairs = parseDictionary(readFileSync(testDict, 'utf8'), testDict);
const outDir = join(DATA, 'aligned');
mkdirSync(outDir, { recursive: true });

const BIN = join(root, 'bin/embedkit.js');
const common = ['--max-vocab', String(MAX_VOCAB)];
const runs: Record<(typeof METHODS)[number], string[]> = {
  procrustes: ['--dict', trainDict],
  refine: ['--dict', trainDict, '--refine', String(REFINE)],
  identical: ['--identical', '1', '--refine', String(REFINE)],
  lstsq: ['--dict', trainDict, '--method', 'lstsq'],
  unsupervised: ['--method', 'unsupervised', '--unsupervised-vocab', String(UNSUP_VOCAB)],
};
const label: Record<(typeof METHODS)[number], string> = {
  procrustes: 'Procrustes (supervised)',
  refine: `Procrustes + ${REFINE} refinement rounds`,
  identical: `identical strings + ${REFINE} refinement rounds`,
  lstsq: 'least squares (gensim TranslationMatrix)',
  unsupervised: 'unsupervised (VecMap init + self-learning)',
};

const rows: (string | number)[][] = [];
let ours: { nn: number; csls: number } | undefined;
for (const method of METHODS) {
  const [a, b] = [join(outDir, `${method}.src.vec`), join(outDir, `${method}.tgt.vec`)];
  let seconds: number;
  let cpu: number;
  let rss: number;
  let note: string;
  const started = performance.now();
  try {
    const m = await measure(process.execPath, [BIN, 'align', src.path, tgt.path, ...runs[method], ...common, '--out-src', a, '--out-tgt', b, '--json']);
    seconds = m.seconds;
    cpu = m.cpuSeconds;
    rss = m.peakRssMiB;
    const report = JSON.parse(m.stdout) as { converged: boolean; rounds: { objective: number }[] };
    note = `${report.rounds.length} solves${report.converged ? '' : ', NOT converged'}`;
  } catch (err) {
    // A run that does not converge exits 1 but writes its files: scored, and marked.
    const text = String(err);
    if (!/did not converge/.test(text)) throw err;
    seconds = (performance.now() - started) / 1000;
    const time = /__RSS_KB__ (\d+) ([\d.]+) ([\d.]+)/.exec(text);
    rss = Number(time?.[1] ?? NaN) / 1024;
    cpu = Number(time?.[2] ?? NaN) + Number(time?.[3] ?? NaN);
    note = `NOT converged (${/final objective (-?[\d.]+)/.exec(text)?.[1] ?? '?'})`;
  }
  const [sa, ta] = [await loadEmbeddings(a), await loadEmbeddings(b)];
  const nn = evaluateBilingual(sa, ta, testPairs, { at: [1, 5] });
  const cs = evaluateBilingual(sa, ta, testPairs, { at: [1, 5], csls: true });
  if (method === 'procrustes') ours = { nn: nn.precision[1], csls: cs.precision[1] };
  rows.push([label[method], pct(nn.precision[1]), pct(nn.precision[5]), pct(cs.precision[1]), pct(cs.precision[5]), seconds, cpu, rss, `${nn.queries} words; ${note}`]);
}

const ref = await measure(PYTHON, [join(root, 'bench/lib/procrustes_csls.py'), src.path, tgt.path, trainDict, testDict]);
const r = JSON.parse(ref.stdout) as { queries: number; nn: { p1: number; p5: number }; csls: { p1: number; p5: number } };
rows.push(['numpy reference: Procrustes', pct(r.nn.p1), pct(r.nn.p5), pct(r.csls.p1), pct(r.csls.p5), ref.seconds, ref.cpuSeconds, ref.peakRssMiB, `${r.queries} words`]);

const trained = [src, tgt].map((v, i) => `${[srcCorpus, tgtCorpus][i]} ${v.seconds === null ? 'cached' : `${v.seconds.toFixed(0)} s`}`).join(', ');
printTable(
  `Word translation ${DIRECTION}, Bible-trained fastText skip-gram (dim ${DIM}, ${EPOCHS} epochs, minCount ${MIN_COUNT}, seed ${SEED}; trained: ${trained}); test dictionary ${testPairs.length} pairs`,
  ['method', 'NN P@1', 'NN P@5', 'CSLS P@1', 'CSLS P@5', 'align s', 'CPU s', 'peak RSS MiB', 'notes'],
  rows,
);
if (ours) {
  const gaps = { nn: Math.abs(100 * (ours.nn - r.nn.p1)), csls: Math.abs(100 * (ours.csls - r.csls.p1)) };
  console.log(`\nP@1 against the numpy reference: NN ${gaps.nn.toFixed(2)} points apart, CSLS ${gaps.csls.toFixed(2)} points apart (agreement wanted within 0.5): ${gaps.nn <= 0.5 && gaps.csls <= 0.5 ? 'agree' : 'DISAGREE'}`);
}

function pct(x: number): string {
  return (100 * x).toFixed(2);
}
