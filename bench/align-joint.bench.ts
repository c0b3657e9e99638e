/**
 * Joint bilingual spaces from verse-aligned text against Procrustes on the same verses, and cross-lingual verse
 * retrieval through a collection. English (World English Bible) and Spanish (Reina-Valera 1909) from
 * scripts/bench-data/bilingual.mjs; every ALIGN_HOLDOUT_EVERY-th verse is held out of all training (monolingual and
 * joint), so retrieval runs on verses no method saw. For each seed:
 * - Procrustes: fastText skip-gram with subwords on each side alone, then alignSpaces with the train dictionary;
 * - unsupervised: the same two spaces aligned with no dictionary (VecMap's initialisation and self-learning);
 * - joint (interleave / shuffle): trainJointSpace on the training verses, both sides of a verse in one sentence
 *   (merged by position as BiSkip's monotonic alignment, or shuffled as Vulić and Moens), split into two spaces;
 *   no dictionary at all;
 * - unaligned: the two monolingual spaces as trained, no map (the floor).
 * Word translation: MUSE's P@1/P@5/P@10 on the test dictionary, NN and CSLS (k = 10). Retrieval: a collection
 * (embedkit/search) holding the held-out verses of both languages, encoded by a BilingualEncoder over the method's
 * pair of spaces; each Spanish verse is the query, filtered to English; recall@1/@10 of the English verse with the
 * same reference. A translated-query baseline (each Spanish word replaced by its train-dictionary translations,
 * then BM25 over the English verses) needs no vectors. Means and spread over the seeds.
 * `npm run bench -- align-joint`.
 *
 * Knobs (environment):
 *   ALIGN_SEEDS           comma list of seeds (default 1,2,3)
 *   ALIGN_DIM             vector dimension (default 100)
 *   ALIGN_EPOCHS          epochs of every trainer (default 5)
 *   ALIGN_MIN_COUNT       minCount of every trainer (default 3)
 *   ALIGN_JOINT_TRAINER   word2vec (skip-gram, default) or fasttext (skip-gram; subwords see the language prefixes)
 *   ALIGN_JOINT_MERGES    comma list of interleave, shuffle (default both)
 *   ALIGN_HOLDOUT_EVERY   every N-th verse held out (default 31: 1,002 verses)
 *   EMBEDKIT_BENCH_THREADS  training threads (default min(2, cores))
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignSpaces, BilingualEncoder, evaluateBilingual, parseDictionary, trainJointSpace, type ParallelMerge } from '../src/apps/index.ts';
import { openCollection } from '../src/search/index.ts';
import { corpusFromLines, trainFastText } from '../src/train/index.ts';
import type { Embeddings } from '../src/vectors/embeddings.ts';
import { bilingualData } from './lib/bilingual-data.ts';
import { envList } from './lib/env.ts';
import { scoreRankings } from './lib/retrieval-metrics.ts';
import { printTable } from './lib/table.ts';

const DATA = bilingualData();
const SEEDS = (process.env.ALIGN_SEEDS ?? '1,2,3').split(',').map(Number);
const DIM = Number(process.env.ALIGN_DIM ?? 100);
const EPOCHS = Number(process.env.ALIGN_EPOCHS ?? 5);
const MIN_COUNT = Number(process.env.ALIGN_MIN_COUNT ?? 3);
const TRAINER = envList(process.env.ALIGN_JOINT_TRAINER, ['word2vec'], ['word2vec', 'fasttext'] as const)[0];
const MERGES = envList<ParallelMerge>(process.env.ALIGN_JOINT_MERGES, ['interleave', 'shuffle'], ['interleave', 'shuffle']);
const EVERY = Number(process.env.ALIGN_HOLDOUT_EVERY ?? 31);
const THREADS = Number(process.env.EMBEDKIT_BENCH_THREADS ?? Math.min(2, availableParallelism()));

const lines = (name: string) => readFileSync(join(DATA, name), 'utf8').trimEnd().split('\n');
const [en, es, refs] = [lines('web.txt'), lines('sparv.txt'), lines('refs.txt')];
const held = (i: number) => i % EVERY === EVERY - 1;
const train = { en: en.filter((_, i) => !held(i)), es: es.filter((_, i) => !held(i)) };
const test = { en: en.filter((_, i) => held(i)), es: es.filter((_, i) => held(i)), refs: refs.filter((_, i) => held(i)) };
const trainPairs = parseDictionary(readFileSync(join(DATA, 'en-es.train.txt'), 'utf8'), 'en-es.train.txt');
const testPairs = parseDictionary(readFileSync(join(DATA, 'en-es.test.txt'), 'utf8'), 'en-es.test.txt');

type Row = { p: Record<'nn' | 'csls', Record<number, number>>; queries: number; recall?: { r1: number; r10: number }; seconds: number };
const results = new Map<string, Row[]>();
const record = (name: string, row: Row) => results.set(name, [...(results.get(name) ?? []), row]);

/** Spanish held-out verses as queries against the English ones, through a collection encoded by the pair of spaces. */
async function retrieval(source: Embeddings, target: Embeddings): Promise<{ r1: number; r10: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-align-'));
  try {
    const collection = await openCollection(dir, { encoder: new BilingualEncoder(source, target), annThreshold: Infinity });
    const docs = test.refs.flatMap((ref, i) => [
      { id: `en:${ref}`, text: test.en[i], metadata: { lang: 'en', ref } },
      { id: `es:${ref}`, text: test.es[i], metadata: { lang: 'es', ref } },
    ]);
    await collection.add(docs.filter((d) => d.text.trim() !== ''), { batchSize: 512 });
    // A verse with no word either space knows has no vector: a miss, not an error.
    const encoder = new BilingualEncoder(source, target);
    const queries = await Promise.all(test.es.map((q) => encoder.encodeAs('target', [q]).then((r) => r.vectors[0], () => null)));
    const found = queries.filter((q): q is Float32Array => q !== null);
    const hits = await collection.searchMany(found, { k: 10, filter: 'lang = "en"', exact: true });
    await collection.close();
    let h = 0;
    const s = scoreRankings(queries.map((q) => (q ? hits[h++].map((x) => String(x.metadata?.ref)) : [])), test.refs);
    return { r1: s.recall1, r10: s.recall10 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function score(name: string, source: Embeddings, target: Embeddings, seconds: number): Promise<void> {
  const at = [1, 5, 10];
  const nn = evaluateBilingual(source, target, testPairs, { at });
  const cs = evaluateBilingual(source, target, testPairs, { at, csls: true });
  record(name, { p: { nn: nn.precision, csls: cs.precision }, queries: nn.queries, recall: await retrieval(source, target), seconds });
  console.error(`${name}: P@1 ${(100 * nn.precision[1]).toFixed(1)} / CSLS ${(100 * cs.precision[1]).toFixed(1)} (${nn.queries} words), ${seconds.toFixed(0)} s`);
}

const settings = { dim: DIM, epochs: EPOCHS, minCount: MIN_COUNT, threads: THREADS };
for (const seed of SEEDS) {
  let t = performance.now();
  const mono = async (text: string[]) => (await trainFastText({ input: corpusFromLines(text), model: 'skipgram', bucket: 200_000, seed, ...settings })).embeddings;
  const [enVec, esVec] = [await mono(train.en), await mono(train.es)];
  const monoSeconds = (performance.now() - t) / 1000;
  await score('unaligned monolingual fastText (no map)', enVec, esVec, monoSeconds);
  t = performance.now();
  const a = await alignSpaces(enVec, esVec, { dictionary: trainPairs });
  await score('Procrustes (fastText each side + train dictionary)', a.source, a.target, monoSeconds + (performance.now() - t) / 1000);
  t = performance.now();
  // No dictionary: VecMap's initialisation from similarity distributions, then stochastic self-learning.
  const u = await alignSpaces(enVec, esVec, { method: 'unsupervised', seed });
  await score(`unsupervised (fastText each side, no dictionary${u.converged ? '' : ', NOT converged'})`, u.source, u.target, monoSeconds + (performance.now() - t) / 1000);
  for (const merge of MERGES) {
    t = performance.now();
    const joint = await trainJointSpace(train.en, train.es, { merge, seed, sourcePrefix: 'en:', targetPrefix: 'es:', ...(TRAINER === 'fasttext' ? { trainer: 'fasttext' as const, training: { bucket: 200_000, ...settings } } : { training: settings }) });
    await score(`joint ${TRAINER} skip-gram, ${merge} (no dictionary)`, joint.source, joint.target, (performance.now() - t) / 1000);
  }
}

/** The translated-query baseline: dictionary word-by-word translation, then BM25 (a hybrid search that weighs keywords only). */
async function translatedQueries(): Promise<{ r1: number; r10: number }> {
  const dict = new Map<string, string[]>();
  for (const [s, t] of trainPairs) dict.set(t, [...(dict.get(t) ?? []), s]);
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-align-'));
  try {
    // The keyword ranking needs no vectors: a constant encoder stores each verse as text for BM25.
    const flat = { id: 'none', dim: 1, maxTokens: 1 << 20, encode: async (texts: readonly string[]) => ({ vectors: texts.map(() => Float32Array.of(1)), tokens: texts.map(() => 1) }) };
    const collection = await openCollection(dir, { encoder: flat, annThreshold: Infinity });
    await collection.add(test.refs.map((ref, i) => ({ id: ref, text: test.en[i], metadata: { ref } })).filter((d) => d.text.trim() !== ''), { batchSize: 512 });
    const queries = test.es.map((q) => q.split(' ').flatMap((w) => dict.get(w) ?? []).join(' ') || 'nothing');
    const hits: string[][] = [];
    for (const q of queries) hits.push((await collection.search(q, { k: 10, hybrid: true, alpha: 0 })).map((h) => String(h.metadata?.ref)));
    await collection.close();
    const s = scoreRankings(hits, test.refs);
    return { r1: s.recall1, r10: s.recall10 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const bm25 = await translatedQueries();

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const cell = (xs: number[]) => {
  const m = mean(xs);
  const sd = Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
  return `${(100 * m).toFixed(1)} ± ${(100 * sd).toFixed(1)}`;
};
const rows = [...results].map(([name, rs]) => [
  name,
  ...(['nn', 'csls'] as const).flatMap((r) => [1, 5, 10].map((k) => cell(rs.map((x) => x.p[r][k])))),
  cell(rs.map((x) => x.recall!.r1)),
  cell(rs.map((x) => x.recall!.r10)),
  mean(rs.map((x) => x.seconds)).toFixed(0),
  `${rs[0].queries} words`,
]);
rows.push(['translated query (train dictionary) + BM25', '', '', '', '', '', '', (100 * bm25.r1).toFixed(1), (100 * bm25.r10).toFixed(1), '', 'no vectors']);
printTable(
  `WEB English ↔ RV1909 Spanish, ${train.en.length} training verses, ${test.refs.length} held out (every ${EVERY}th); dim ${DIM}, ${EPOCHS} epochs, minCount ${MIN_COUNT}, ${THREADS} threads; seeds ${SEEDS.join(',')} (mean ± sd); test dictionary ${testPairs.length} pairs; retrieval: es verse → en verse, ${test.refs.length} candidates`,
  ['method', 'NN P@1', 'NN P@5', 'NN P@10', 'CSLS P@1', 'CSLS P@5', 'CSLS P@10', 'es→en R@1', 'es→en R@10', 'train+align s', 'notes'],
  rows,
);
