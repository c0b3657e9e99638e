/**
 * fastText training with subwords: embedkit vs the fastText binary (0.9.2) on the same corpus with the same
 * settings (fastText's defaults: dim 100, ws 5, neg 5, t 1e-4, minCount 5, minn 3, maxn 6, bucket 2M,
 * lr 0.05), each process measured the same way (wall seconds and peak RSS, vocabulary pass and .bin included),
 * each model read by the same reader (ours, which the interop tests hold to `fasttext print-word-vectors`)
 * and scored by the same evaluator.
 *
 * Unseen words: some WordSim-353 words (of middling frequency) are deleted from the training copy, token by
 * token; the "unseen" column is the Spearman ρ over the WS353 pairs that contain one of them, each held-out
 * word getting its vector from its character n-grams.
 *
 * Knobs (environment):
 *   EMBEDKIT_BENCH_CORPUS   corpus (.txt or .gz; default ../shared/data/corpus/en-mix.txt.gz)
 *   EMBEDKIT_BENCH_TOKENS   train on the first lines holding this many tokens (default 3000000; 0 = all)
 *   EMBEDKIT_BENCH_MODES    comma list of skipgram, cbow (default both)
 *   EMBEDKIT_BENCH_TOOLS    comma list of embedkit, fasttext (default both)
 *   EMBEDKIT_BENCH_THREADS  threads for every tool (default 2)
 *   EMBEDKIT_BENCH_EPOCHS   epochs (default 5)
 *   EMBEDKIT_BENCH_SEED     seed (default 1)
 *   EMBEDKIT_BENCH_HELDOUT  WS353 words held out of training (default 100: ~150 pairs; 30 gave 61, too few for a stable ρ)
 *   EMBEDKIT_BENCH_EVAL     folder with questions-words.txt and wordsim353.tsv (default ../shared/data/eval)
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtCli } from './lib/built-cli.ts';
import { corpusPrefix, countTokens, plainCorpus } from './lib/corpus.ts';
import { envList, signed } from './lib/env.ts';
import { measure, type Measured } from './lib/measure.ts';
import { scoreEmbeddings } from './lib/quality.ts';
import { printTable, ratio } from './lib/table.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

type Mode = 'skipgram' | 'cbow';
type Tool = 'embedkit' | 'fasttext';

/** fastText's defaults, given explicitly to both tools. */
const SETTINGS = { dim: 100, ws: 5, neg: 5, t: 1e-4, minCount: 5, minn: 3, maxn: 6, bucket: 2_000_000, lr: 0.05, loss: 'ns' };

interface RunSpec {
  corpus: string;
  /** Output prefix: PREFIX.bin is written. */
  prefix: string;
  mode: Mode;
  seed: number;
  threads: number;
  epochs: number;
}

/** The shared settings as fastText-style flags (embedkit accepts them too). */
function flagsOf(spec: RunSpec): string[] {
  const s = SETTINGS;
  return [
    '-dim', String(s.dim), '-ws', String(s.ws), '-neg', String(s.neg), '-t', String(s.t), '-minCount', String(s.minCount),
    '-minn', String(s.minn), '-maxn', String(s.maxn), '-bucket', String(s.bucket), '-lr', String(s.lr), '-loss', s.loss,
    '-epoch', String(spec.epochs), '-thread', String(spec.threads), '-seed', String(spec.seed),
  ];
}

let cli: string[] = [];

async function runEmbedkit(spec: RunSpec): Promise<Measured> {
  return measure(process.execPath, [...cli, 'train', 'fasttext', '--model', spec.mode, '--input', spec.corpus, '--output', `${spec.prefix}.bin`, ...flagsOf(spec), '--quiet']);
}

async function runFasttext(spec: RunSpec): Promise<Measured> {
  const m = await measure('fasttext', [spec.mode, '-input', spec.corpus, '-output', spec.prefix, ...flagsOf(spec), '-verbose', '0']);
  rmSync(`${spec.prefix}.vec`, { force: true });
  return m;
}

interface WordPair {
  a: string;
  b: string;
  human: number;
}

function readWordSim(path: string): WordPair[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'))
    .map(([a, b, h]) => ({ a: a.toLowerCase(), b: b.toLowerCase(), human: Number(h) }));
}

/** Held-out words: WS353 words seen 20..2000 times in the prefix, in a fixed pseudo-random order. */
function chooseHeldOut(prefix: string, pairs: WordPair[], n: number): string[] {
  const candidates = new Set(pairs.flatMap((p) => [p.a, p.b]));
  const counts = new Map<string, number>();
  for (const line of readFileSync(prefix, 'utf8').split('\n')) {
    for (const w of line.split(' ')) if (candidates.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  const hash = (w: string) => [...w].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0, 2166136261);
  return [...counts]
    .filter(([, c]) => c >= 20 && c <= 2000)
    .map(([w]) => w)
    .sort((x, y) => hash(x) - hash(y) || (x < y ? -1 : 1))
    .slice(0, n);
}

interface Row {
  tool: Tool;
  mode: Mode;
  seconds: number;
  wordsPerSecondPerThread: number;
  peakRssMiB: number;
  analogy: number;
  ws353: number;
  unseen: number;
  unseenPairs: number;
}

async function scoreModel(bin: string, evalDir: string, unseenPairs: WordPair[]): Promise<{ analogy: number; ws353: number; unseen: number }> {
  const { readFastTextBin } = await import('../src/formats/fasttext-bin-read.ts');
  const { spearman } = await import('../src/eval/index.ts');
  const model = await readFastTextBin(bin, { output: false });
  const emb = model.embeddings;
  const { analogy, ws353 } = await scoreEmbeddings(emb, evalDir);
  const cos = (x: Float32Array, y: Float32Array) => {
    let d = 0;
    let nx = 0;
    let ny = 0;
    for (let i = 0; i < x.length; i++) {
      d += x[i] * y[i];
      nx += x[i] * x[i];
      ny += y[i] * y[i];
    }
    return nx > 0 && ny > 0 ? d / Math.sqrt(nx * ny) : 0;
  };
  const ours = unseenPairs.map((p) => cos(model.subwords.wordVector(p.a), model.subwords.wordVector(p.b)));
  const unseen = spearman(ours, unseenPairs.map((p) => p.human)).rho;
  return { analogy, ws353, unseen };
}

async function main(): Promise<void> {
  const corpusGz = resolve(process.env.EMBEDKIT_BENCH_CORPUS ?? join(root, '../shared/data/corpus/en-mix.txt.gz'));
  const evalDir = resolve(process.env.EMBEDKIT_BENCH_EVAL ?? join(root, '../shared/data/eval'));
  if (!existsSync(corpusGz)) {
    console.log(`skipped: corpus ${corpusGz} not found (set EMBEDKIT_BENCH_CORPUS)`);
    return;
  }
  const modes = envList<Mode>(process.env.EMBEDKIT_BENCH_MODES, ['skipgram', 'cbow'], ['skipgram', 'cbow']);
  const tools = envList<Tool>(process.env.EMBEDKIT_BENCH_TOOLS, ['fasttext', 'embedkit'], ['embedkit', 'fasttext']);
  const maxTokens = Number(process.env.EMBEDKIT_BENCH_TOKENS ?? 3_000_000);
  const threads = Number(process.env.EMBEDKIT_BENCH_THREADS ?? 2);
  const epochs = Number(process.env.EMBEDKIT_BENCH_EPOCHS ?? 5);
  const seed = Number(process.env.EMBEDKIT_BENCH_SEED ?? 1);
  const heldOutCount = Number(process.env.EMBEDKIT_BENCH_HELDOUT ?? 100);
  const outDir = join(root, 'bench/out/fasttext');
  mkdirSync(outDir, { recursive: true });

  const full = await plainCorpus(corpusGz, outDir);
  const name = full.split('/').pop()!.replace(/\.txt$/, '');
  const prefix = join(outDir, `${name}.prefix-${maxTokens}.txt`);
  await corpusPrefix(full, prefix, maxTokens);
  const pairs = readWordSim(join(evalDir, 'wordsim353.tsv'));
  const heldOut = new Set(chooseHeldOut(prefix, pairs, heldOutCount));
  const training = join(outDir, `${name}.prefix-${maxTokens}.heldout-${heldOutCount}.txt`);
  await corpusPrefix(prefix, training, 0, (line) =>
    line
      .split(' ')
      .filter((w) => !heldOut.has(w))
      .join(' '),
  );
  const unseenPairs = pairs.filter((p) => heldOut.has(p.a) || heldOut.has(p.b));
  const tokens = countTokens(training);
  console.log(`training corpus ${training}: ${tokens.toLocaleString('en-US')} tokens; ${epochs} epochs, ${threads} threads, seed ${seed}`);
  console.log(`held out (${heldOut.size}): ${[...heldOut].join(' ')}; ${unseenPairs.length} WS353 pairs use them`);

  if (tools.includes('embedkit')) {
    const built = builtCli(outDir);
    cli = built.args;
    console.log(built.description);
  }

  const rows: Row[] = [];
  for (const mode of modes) {
    for (const tool of tools) {
      const spec: RunSpec = { corpus: training, prefix: join(outDir, `${tool}-${mode}`), mode, seed, threads, epochs };
      process.stderr.write(`${tool} ${mode}... `);
      const m = await (tool === 'embedkit' ? runEmbedkit : runFasttext)(spec);
      process.stderr.write(`${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMiB.toFixed(0)} MiB\n`);
      // Scored after the timed run, never during one; the ~0.8 GB model is removed once scored.
      const q = await scoreModel(`${spec.prefix}.bin`, evalDir, unseenPairs);
      rmSync(`${spec.prefix}.bin`, { force: true });
      rows.push({ tool, mode, seconds: m.seconds, wordsPerSecondPerThread: (tokens * epochs) / m.seconds / threads, peakRssMiB: m.peakRssMiB, ...q, unseenPairs: unseenPairs.length });
    }
  }

  const peerOf = (r: Row) => rows.find((g) => g.tool === 'fasttext' && g.mode === r.mode);
  printTable(
    `fastText training with subwords, ${tokens.toLocaleString('en-US')}-token prefix of ${name} × ${epochs} epochs, ${threads} threads ` +
      `(unseen: WS353 ρ over ${unseenPairs.length} pairs using ${heldOut.size} held-out words; ratios to fasttext in the same run; speed > 1 = faster)`,
    ['tool', 'mode', 'seconds', 'words/s/thread', 'peak RSS MiB', 'analogy', 'WS353', 'unseen', 'speed vs fasttext', 'RSS vs fasttext', 'Δ analogy', 'Δ WS353', 'Δ unseen'],
    rows.map((r) => {
      const g = peerOf(r);
      return [
        r.tool,
        r.mode,
        r.seconds,
        Math.round(r.wordsPerSecondPerThread),
        Math.round(r.peakRssMiB),
        r.analogy,
        r.ws353,
        r.unseen,
        g ? ratio(g.seconds, r.seconds) : '-',
        g ? ratio(r.peakRssMiB, g.peakRssMiB) : '-',
        g ? signed(r.analogy - g.analogy) : '-',
        g ? signed(r.ws353 - g.ws353) : '-',
        g ? signed(r.unseen - g.unseen) : '-',
      ];
    }),
  );
}

await main();
