import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { resolveKernelChoice } from '../../src/kernels/native.ts';
import { trainWord2Vec, type Word2VecOptions } from '../../src/train/word2vec.ts';
import { trainFastText } from '../../src/train/fasttext.ts';
import { trainFastTextSupervised } from '../../src/train/fasttext-supervised.ts';
import { DenseMatrix } from '../../src/vectors/fasttext-matrix.ts';
import { needs } from '../helpers/oracles.ts';

/** Sentences over 300 words with a Zipf-like frequency, from a fixed generator. */
function corpus(sentences: number): string[] {
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: sentences }, () => Array.from({ length: 12 }, () => `w${Math.floor(300 ** rnd())}`).join(' '));
}

/** The largest difference between two runs' values, and the largest value (that training moved them). */
function compare(a: Float32Array, b: Float32Array): { worst: number; moved: number } {
  assert.equal(a.length, b.length);
  let worst = 0;
  let moved = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    moved = Math.max(moved, Math.abs(a[i]));
  }
  return { worst, moved };
}

// Dim 45: 48 floats a row, so the native kernel's 32-float, 8-float and 4-float steps all run.
const base: Partial<Word2VecOptions> = { dim: 45, window: 4, minCount: 1, epochs: 1, threads: 1, seed: 3, skipgram: true };

for (const [name, opts] of [
  ['skip-gram, negative sampling', { negative: 5 }],
  ['skip-gram, hierarchical softmax', { negative: 0, hs: true }],
  ['CBOW, negative sampling', { skipgram: false, cbow: true, negative: 5 }],
] as const) {
  test(`a whole run on the native kernel gives the WebAssembly kernel's vectors, to float rounding: ${name}`, async (t) => {
    if (!needs(t, 'native')) return;
    assert.equal(resolveKernelChoice('auto'), 'native', "'auto' picks the native kernel where it is built");
    const lines = corpus(3000);
    const run = async (kernel: 'native' | 'wasm') => (await trainWord2Vec({ ...base, ...opts, kernel, input: corpusFromLines(lines) })).embeddings;
    const native = await run('native');
    const wasm = await run('wasm');
    assert.deepEqual(native.vocab.words, wasm.vocab.words);
    // One thread and the same seed: the same draws and updates; only the order of each dot product's sum differs.
    const { worst, moved } = compare(native.vectors, wasm.vectors);
    assert.ok(worst < 1e-4, `the kernels' vectors differ by up to ${worst}`);
    assert.ok(moved > 0.05, 'training moved the vectors');
  });
}

test("fastText skip-gram on the native kernel gives the WebAssembly kernel's vectors, to float rounding", async (t) => {
  if (!needs(t, 'native')) return;
  const lines = corpus(1500);
  const run = async (kernel: 'native' | 'wasm') =>
    (await trainFastText({ input: corpusFromLines(lines), dim: 45, minCount: 1, epochs: 1, threads: 1, seed: 3, model: 'skipgram', bucket: 5000, kernel })).embeddings;
  const { worst, moved } = compare((await run('native')).vectors, (await run('wasm')).vectors);
  assert.ok(worst < 1e-4, `the kernels' vectors differ by up to ${worst}`);
  assert.ok(moved > 0.05, 'training moved the vectors');
});

test("a supervised classifier on the native kernel gets the WebAssembly kernel's rows, to float rounding", async (t) => {
  if (!needs(t, 'native')) return;
  const lines = corpus(2000).map((l, i) => `__label__c${i % 3} ${l} w${i % 3}x`);
  const run = async (kernel: 'native' | 'wasm') => (await trainFastTextSupervised({ input: corpusFromLines(lines), dim: 45, epochs: 2, threads: 1, wordNgrams: 2, bucket: 5000, kernel })).model;
  const native = await run('native');
  const wasm = await run('wasm');
  for (const m of ['input', 'output'] as const) {
    const { worst, moved } = compare((native[m] as DenseMatrix).data, (wasm[m] as DenseMatrix).data);
    assert.ok(worst < 1e-4, `the kernels' ${m} rows differ by up to ${worst}`);
    assert.ok(moved > 0.01, `training moved the ${m} rows`);
  }
});

test("without the native kernels 'auto' runs the WebAssembly kernel and 'native' is refused, saying why", () => {
  const script = `
    import { resolveKernelChoice } from './src/kernels/native.ts';
    import { trainWord2Vec } from './src/train/word2vec.ts';
    import { corpusFromLines } from './src/text/corpus.ts';
    const input = () => corpusFromLines(['a b c d e f', 'b c d e f a']);
    const auto = await trainWord2Vec({ input: input(), dim: 8, minCount: 1, epochs: 1, threads: 1 });
    let refused;
    try { await trainWord2Vec({ input: input(), dim: 8, minCount: 1, epochs: 1, threads: 1, kernel: 'native' }); }
    catch (err) { refused = { code: err.code, message: err.message }; }
    console.log(JSON.stringify({ auto: resolveKernelChoice('auto'), trained: auto.embeddings.vocab.size, refused }));
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, EMBEDKIT_NATIVE: '0' } });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { auto: string; trained: number; refused?: { code: string; message: string } };
  assert.equal(out.auto, 'wasm');
  assert.equal(out.trained, 6);
  assert.equal(out.refused?.code, 'missing_dependency');
  assert.match(out.refused?.message ?? '', /kernel 'native': the native kernels are turned off \(EMBEDKIT_NATIVE=0\)/);
});
