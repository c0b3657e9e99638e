/**
 * Unseen Spanish inflections: verb families of the Reina-Valera 1909 (regular forms of FreeDict's infinitives that the
 * text has, bench/lib/spanish-verbs.ts), one form per family removed from the text before training, then: does the
 * space put the unseen form next to its lemma's other forms? embedkit's fastText skip-gram builds the form from its
 * character n-grams; word2vec skip-gram has no vector for it (a miss); the fastText CLI trained on the same text with
 * the same settings is read through embedkit's .bin reader (its n-gram vectors). Hit@1: the nearest vocabulary word is
 * another form of the family; hit@10 within ten. Seeds change the held-out forms and the training.
 * `npm run bench -- align-morphology`.
 *
 * Knobs (environment): ALIGN_SEEDS (default 1,2,3), ALIGN_DIM (100), ALIGN_EPOCHS (5), ALIGN_MIN_COUNT (3),
 * ALIGN_FAMILIES (most families per seed, default 300), EMBEDKIT_BENCH_THREADS (min(2, cores)).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateUnseenForms, type UnseenFormsReport } from '../src/apps/index.ts';
import { loadEmbeddings } from '../src/formats/index.ts';
import { trainFastText, trainWord2Vec } from '../src/train/index.ts';
import { bilingualData } from './lib/bilingual-data.ts';
import { spanishVerbFamilies } from './lib/spanish-verbs.ts';
import { printTable } from './lib/table.ts';

const SEEDS = (process.env.ALIGN_SEEDS ?? '1,2,3').split(',').map(Number);
const DIM = Number(process.env.ALIGN_DIM ?? 100);
const EPOCHS = Number(process.env.ALIGN_EPOCHS ?? 5);
const MIN_COUNT = Number(process.env.ALIGN_MIN_COUNT ?? 3);
const FAMILIES = Number(process.env.ALIGN_FAMILIES ?? 300);
const THREADS = Number(process.env.EMBEDKIT_BENCH_THREADS ?? Math.min(2, availableParallelism()));

const text = readFileSync(join(bilingualData(), 'sparv.txt'), 'utf8').trimEnd().split('\n');
const counts = new Map<string, number>();
for (const line of text) for (const w of line.split(' ')) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
const hasFastText = spawnSync('fasttext', [], { encoding: 'utf8' }).error === undefined;

const results = new Map<string, { r: UnseenFormsReport; seconds: number }[]>();
const record = (name: string, r: UnseenFormsReport, seconds: number) => results.set(name, [...(results.get(name) ?? []), { r, seconds }]);
let familyCount = 0;
for (const seed of SEEDS) {
  const families = spanishVerbFamilies(counts, { minCount: MIN_COUNT, families: FAMILIES, seed });
  familyCount = families.length;
  const held = new Set(families.map((f) => f.heldOut));
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-morph-'));
  try {
    const input = join(dir, 'train.txt');
    writeFileSync(input, text.map((l) => l.split(' ').filter((w) => !held.has(w)).join(' ')).join('\n') + '\n');
    const settings = { input, dim: DIM, epochs: EPOCHS, minCount: MIN_COUNT, threads: THREADS, seed };
    let t = performance.now();
    const ft = (await trainFastText({ ...settings, model: 'skipgram', bucket: 200_000 })).embeddings;
    record('embedkit fastText skip-gram (subwords)', evaluateUnseenForms(ft, families), (performance.now() - t) / 1000);
    t = performance.now();
    const w2v = (await trainWord2Vec({ ...settings, cbow: false })).embeddings;
    record('embedkit word2vec skip-gram (no subwords)', evaluateUnseenForms(w2v, families), (performance.now() - t) / 1000);
    if (hasFastText) {
      t = performance.now();
      const args = ['skipgram', '-input', input, '-output', join(dir, 'cli'), '-dim', String(DIM), '-epoch', String(EPOCHS), '-minCount', String(MIN_COUNT), '-thread', String(THREADS), '-bucket', '200000', '-verbose', '0'];
      const r = spawnSync('fasttext', args, { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`fasttext ${args.join(' ')} failed: ${r.stderr}`);
      record('fastText CLI skipgram (same settings)', evaluateUnseenForms(await loadEmbeddings(join(dir, 'cli.bin')), families), (performance.now() - t) / 1000);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.error(`seed ${seed}: ${families.length} families done`);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cell = (xs: number[]) => {
  const m = mean(xs);
  return `${(100 * m).toFixed(1)} ± ${(100 * Math.sqrt(mean(xs.map((x) => (x - m) ** 2)))).toFixed(1)}`;
};
printTable(
  `Unseen RV1909 verb forms (one per family held out of training; ${familyCount} families per seed); dim ${DIM}, ${EPOCHS} epochs, minCount ${MIN_COUNT}, ${THREADS} threads; seeds ${SEEDS.join(',')} (mean ± sd)${hasFastText ? '' : '; fasttext CLI not installed'}`,
  ['model', 'has a vector %', 'hit@1 %', 'hit@10 %', 'train s'],
  [...results].map(([name, rs]) => [name, cell(rs.map((x) => x.r.covered / x.r.families)), cell(rs.map((x) => x.r.hitAt1)), cell(rs.map((x) => x.r.hitAtN)), mean(rs.map((x) => x.seconds)).toFixed(0)]),
);
