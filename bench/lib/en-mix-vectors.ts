/**
 * Word vectors trained on en-mix by embedkit's own trainers, once: the search benchmarks need vectors of a
 * real corpus, and training them is the slow part, so each model is kept in the cache folder (git-ignored)
 * and reused while its settings and corpus are unchanged. Settings: dim 100, 5 epochs (GloVe 15), min-count 5,
 * seed 1, each trainer's defaults otherwise (word2vec CBOW + negative sampling, fastText skip-gram with
 * 3–6-grams, GloVe window 15 as GloVe's demo); the vocabulary file is kept beside word2vec and GloVe vectors so
 * SIF weights come from corpus counts.
 *
 *   node --import tsx bench/lib/en-mix-vectors.ts word2vec fasttext glove   # trains what is missing
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';

export type VectorKind = 'word2vec' | 'fasttext' | 'glove';
export const VECTOR_KINDS: readonly VectorKind[] = ['word2vec', 'fasttext', 'glove'];

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CACHE = resolve(process.env.EMBEDKIT_BENCH_CACHE ?? join(root, '.cache/bench'));
export const EN_MIX = resolve(process.env.EMBEDKIT_BENCH_CORPUS ?? join(root, '../shared/data/corpus/en-mix.txt.gz'));

/** The files of one cached model: `vectors` is what loadEmbeddings reads, `vocab` its counts (none for fastText .bin). */
export interface CachedVectors {
  kind: VectorKind;
  vectors: string;
  vocab?: string;
  settings: Record<string, unknown>;
}

/**
 * EMBEDKIT_BENCH_TRAIN_EVERY=N trains fastText and GloVe on every N-th line of en-mix only (default: those two on
 * every 4th line, word2vec on all of it): on a shared 2-core machine fastText's skip-gram over all 17.7M tokens
 * does not finish in a working session. Every line is kept when N is 1.
 */
function everyNth(kind: VectorKind): number {
  if (kind === 'word2vec') return 1;
  return Math.max(1, Number(process.env.EMBEDKIT_BENCH_TRAIN_EVERY ?? 4));
}

function settingsOf(kind: VectorKind) {
  const threads = Number(process.env.EMBEDKIT_BENCH_THREADS ?? Math.min(2, availableParallelism()));
  const common = { dim: 100, minCount: 5, seed: 1, threads };
  if (kind === 'glove') return { ...common, epochs: 15, window: 15 };
  return { ...common, epochs: 5 };
}

/** Trains `kind` on en-mix unless the cache already holds it with the same settings; returns its files. */
export async function enMixVectors(kind: VectorKind, log: (s: string) => void = (s) => console.error(s)): Promise<CachedVectors> {
  const dir = join(CACHE, 'vectors');
  mkdirSync(dir, { recursive: true });
  const opts = settingsOf(kind) as { dim: number; minCount: number; seed: number; threads: number; epochs: number; window?: number };
  const every = everyNth(kind);
  const settings = { ...opts, corpus: EN_MIX, ...(every > 1 ? { everyNthLine: every } : {}) };
  const stamp = join(dir, `en-mix-${kind}.json`);
  const files: CachedVectors =
    kind === 'fasttext'
      ? { kind, vectors: join(dir, 'en-mix-fasttext.bin'), settings }
      : { kind, vectors: join(dir, `en-mix-${kind}.bin`), vocab: join(dir, `en-mix-${kind}.vocab`), settings };
  const same = existsSync(stamp) && JSON.stringify(JSON.parse(readFileSync(stamp, 'utf8'))) === JSON.stringify(settings);
  if (same && existsSync(files.vectors)) return files;
  log(`training ${kind} on ${EN_MIX} (${JSON.stringify(opts)}), cached in ${dir}`);
  const t = performance.now();
  const train = await import('../../src/train/index.ts');
  const input = every > 1 ? await everyNthLine(EN_MIX, every, join(dir, `en-mix-every-${every}.txt`)) : EN_MIX;
  if (kind === 'word2vec') {
    await train.trainWord2Vec({ ...opts, input, output: files.vectors, binary: true, saveVocab: files.vocab });
  } else if (kind === 'fasttext') {
    await train.trainFastText({ ...opts, input, output: files.vectors });
  } else {
    await train.trainGlove({ ...opts, input, output: files.vectors, format: 'word2vec-binary', model: 1, saveVocab: files.vocab });
  }
  if (!existsSync(files.vectors)) throw new Error(`training ${kind} wrote no ${files.vectors}`);
  writeFileSync(stamp, JSON.stringify(settings));
  log(`trained ${kind} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  return files;
}

/** Every n-th line of the corpus (the first, the (n+1)-th, ...) written once to `target`: a sample spread over all sources. */
async function everyNthLine(corpus: string, n: number, target: string): Promise<string> {
  if (existsSync(target)) return target;
  const input = corpus.endsWith('.gz') ? createReadStream(corpus).pipe(createGunzip()) : createReadStream(corpus);
  const out = createWriteStream(`${target}.tmp`);
  let i = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (i++ % n === 0 && !out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(`${target}.tmp`, target);
  return target;
}

/** The cached model opened as embeddings (with its corpus counts). */
export async function loadEnMixVectors(kind: VectorKind) {
  const files = await enMixVectors(kind);
  const { loadEmbeddings } = await import('../../src/formats/index.ts');
  return loadEmbeddings(files.vectors, files.vocab ? { vocabFile: files.vocab } : {});
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const kinds = process.argv.slice(2) as VectorKind[];
  for (const k of kinds.length ? kinds : VECTOR_KINDS) {
    if (!VECTOR_KINDS.includes(k)) throw new Error(`unknown vectors ${k}; expected ${VECTOR_KINDS.join(', ')}`);
    await enMixVectors(k);
  }
}
