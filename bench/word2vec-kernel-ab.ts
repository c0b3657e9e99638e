// The word2vec training kernel of several source trees (e.g. `git worktree add` checkouts of two commits, or copies
// with one kernel change each) against each other, in one process: each tree's kernel gets its own model in its own
// memory, and every round trains 3 chunks of 16,380 words (sentences of 20, Zipf word ids) with each kernel in turn,
// timed by CPU seconds (after one untimed round), so a load spike on a shared machine hits every kernel alike. Prints each tree's median time
// per chunk and the median over rounds of the first tree's time over its own (> 1: faster than the first). Run:
//   [KV=100000] node --import tsx bench/word2vec-kernel-ab.ts DIM ns|hs ROUNDS TREE[@KIND]...
// KIND is the tree's kernel kind (default wasm; `native` where the tree builds one), e.g. `. .@native`.
// Skip-gram, window 5, negative 5 (ns) or hierarchical softmax with 64 private hot rows (hs), no subsampling, one
// thread; KV words (default 30,000). Each tree needs node_modules (a link to this checkout's is enough).
import { pathToFileURL } from 'node:url';

const [dimArg, mode, roundsArg, ...trees] = process.argv.slice(2);
if (!dimArg || !['ns', 'hs'].includes(mode ?? '') || !roundsArg || trees.length === 0) {
  console.error('usage: node --import tsx bench/word2vec-kernel-ab.ts DIM ns|hs ROUNDS TREE...');
  process.exit(2);
}
const V = Number(process.env.KV ?? 30_000);
const DIM = Number(dimArg);
const hs = mode === 'hs';
const CHUNK_WORDS = 16_380;
const SENTENCE = 20;

/** The kernel of one tree over a model of its own; returns one round's CPU milliseconds per chunk. */
async function kernelOf(spec: string): Promise<() => number> {
  const [tree, kind = 'wasm'] = spec.split('@');
  const load = (path: string) => import(pathToFileURL(`${tree}/${path}`).href);
  const { sharedMemory } = await load('src/kernels/wasm.ts');
  const { compileWord2VecKernel, Word2VecKernel } = await load('src/kernels/word2vec-fast.ts');
  const { fillTables, planLayout, viewsOf, writeSlotConfig } = await load('src/kernels/word2vec-layout.ts');
  const { buildAliasTable } = await load('src/train/negative-sampler.ts');
  const { buildHuffmanTree } = await load('src/vocab/huffman.ts');
  const { seededRandom } = await load('src/util/random.ts');
  const random: () => number = seededRandom(12345);
  const counts = Array.from({ length: V }, (_, w) => Math.floor(1e7 / (w + 1)) + 1);
  const huffman = buildHuffmanTree(counts);
  const layout = planLayout({
    vocabSize: V, dim: DIM, negative: hs ? 0 : 5, hs, cbow: false, cbowMean: true, window: 5,
    huffmanBits: hs ? huffman.codes.length : 0, subsample: false, maxChunkWords: CHUNK_WORDS, slots: 1, hotRows: hs ? 64 : 0,
  });
  const memory = sharedMemory(layout.totalBytes);
  const v = viewsOf(memory.buffer, layout);
  fillTables(v);
  for (let i = 0; i < v.syn0.length; i++) v.syn0[i] = (random() - 0.5) / DIM;
  if (hs) {
    v.lengths.set(huffman.lengths);
    v.offsets.set(huffman.offsets);
    v.points.set(huffman.points);
    v.codes.set(huffman.codes);
  } else {
    const sampler = buildAliasTable(counts.map((c) => c ** 0.75));
    v.aliasProbability.set(sampler.probability);
    v.aliasIndex.set(sampler.alias);
  }
  writeSlotConfig(memory.buffer, layout, 0, 7);
  const kernel = new Word2VecKernel(memory, layout, 0, kind, await compileWord2VecKernel());
  // Word ids log-uniform over 0..V-1, i.e. rank r drawn with probability ~ 1/r (Zipf's law, as text).
  const ids = Int32Array.from({ length: CHUNK_WORDS }, () => Math.min(V - 1, Math.floor(Math.exp(random() * Math.log(V)))));
  const ends = Int32Array.from({ length: CHUNK_WORDS / SENTENCE }, (_, s) => (s + 1) * SENTENCE);
  return () => {
    const start = process.cpuUsage();
    for (let c = 0; c < 3; c++) kernel.train(ids, ends, 0.025);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 3e3;
  };
}

const rounds = trees.map(() => [] as number[]);
const kernels = [];
for (const tree of trees) kernels.push(await kernelOf(tree));
// One untimed round each first: the engine compiles the kernel's hot code on its first calls.
for (const run of kernels) run();
for (let r = 0; r < Number(roundsArg); r++) kernels.forEach((run, i) => rounds[i].push(run()));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`| tree | dim ${DIM} ${mode}, ${V} words: median ms per chunk | min | speed vs ${trees[0]} (median of per-round ratios) |`);
console.log('|---|---|---|---|');
trees.forEach((tree, i) => {
  const ratio = median(rounds[i].map((t, r) => rounds[0][r] / t));
  console.log(`| ${tree} | ${median(rounds[i]).toFixed(1)} | ${Math.min(...rounds[i]).toFixed(1)} | ${ratio.toFixed(3)}× |`);
});
