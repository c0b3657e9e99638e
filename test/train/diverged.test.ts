import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EmbedkitError } from '../../src/errors.ts';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { unhealthyValue } from '../../src/train/divergence.ts';
import { trainFastText } from '../../src/train/fasttext.ts';
import { trainWord2Vec } from '../../src/train/word2vec.ts';

/**
 * A learning rate far too high makes training diverge: with alpha 1 the kernel once trapped on a NaN (a raw
 * WebAssembly "float unrepresentable in integer range"), with alpha 0.5 it finished and wrote vectors of 10^7.
 * Either way the run must stop with a clear 'diverged' error naming the option, write no output, and leave
 * only healthy checkpoints behind.
 */
const dir = mkdtempSync(join(tmpdir(), 'embedkit-diverged-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

// 3,000 lines of the sample corpus: enough words for the rows to blow up within a few passes.
const corpus = join(dir, 'corpus.txt');
const sample = gunzipSync(readFileSync(new URL('../../data/sample-pd.txt.gz', import.meta.url))).toString('utf8');
writeFileSync(corpus, sample.split('\n').slice(0, 3000).join('\n'));

for (const alpha of ['1', '0.5']) {
  test(`train word2vec --alpha ${alpha}: exit 1 with a clear message, no stack, no output file`, () => {
    const output = join(dir, `v-${alpha}.bin`);
    const r = spawnSync(process.execPath, ['bin/embedkit.js', 'train', 'word2vec', '--input', corpus, '--output', output, '--alpha', alpha, '--threads', '1', '--quiet'], { encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /diverged/);
    assert.match(r.stderr, /--alpha/, 'the CLI names its flag');
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.doesNotMatch(r.stderr, /unrepresentable/);
    assert.equal(existsSync(output), false, 'no diverged output written');
  });
}

test('the library throws EmbedkitError diverged naming option alpha; a checkpoint left behind holds finite rows', async () => {
  const output = join(dir, 'lib.txt');
  const checkpoint = join(dir, 'lib.ckpt');
  const err = await trainWord2Vec({ input: corpus, output, alpha: 0.5, threads: 1, checkpoint }).then(
    () => assert.fail('training should have diverged'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EmbedkitError, String(err));
  assert.equal(err.code, 'diverged');
  assert.match(err.message, /\balpha\b/);
  assert.match(err.message, /lower/);
  assert.equal(existsSync(output), false);
  assert.ok(existsSync(checkpoint), 'the last healthy checkpoint is kept');
  const saved = await loadCheckpoint(checkpoint);
  for (const m of [saved.syn0, saved.syn1neg, saved.syn1]) for (const v of m) assert.ok(Number.isFinite(v) && Math.abs(v) < 1e5, `checkpoint value ${v}`);
});

test('fastText shares the runner: a run diverging to runaway (finite) rows throws diverged and writes neither .bin nor .vec', async () => {
  const output = join(dir, 'ft');
  const err = await trainFastText({ input: corpus, output, alpha: 0.6, threads: 1, epochs: 2 }).then(
    () => assert.fail('training should have diverged'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EmbedkitError, String(err));
  assert.equal(err.code, 'diverged');
  assert.equal(existsSync(`${output}.bin`), false);
  assert.equal(existsSync(`${output}.vec`), false);
});

test('unhealthyValue reads only the rows onlyRows marks, in the matrices it names', () => {
  // 3 rows of dim 2: row 1 holds NaN, row 2 a runaway value.
  const input = { data: Float32Array.from([0.1, 0.2, NaN, 0, 0, 2e6]), rows: 3, stride: 2 };
  const output = { data: Float32Array.from([0.5, -0.5]), rows: 1, stride: 2 };
  assert.equal(unhealthyValue({ input, output }, 2), 'input row 1 holds NaN');
  assert.equal(unhealthyValue({ input, output }, 2, { input: Uint8Array.from([1, 0, 1]) }), 'input row 2 holds 2000000');
  assert.equal(unhealthyValue({ input, output }, 2, { input: Uint8Array.from([1, 0, 0]) }), undefined);
  // A matrix not named in onlyRows is read whole.
  assert.equal(unhealthyValue({ input, output }, 2, { output: Uint8Array.from([1]) }), 'input row 1 holds NaN');
});

test('unhealthyValue: per value, whatever a row sum says; the bound itself is healthy, padding past dim is not read', () => {
  const above = Math.fround(1e5 * (1 + 2 ** -23)); // the next float32 above the bound
  const cases: [number[], string | undefined][] = [
    // Squares summing past 1e10 with every value within the bound: healthy.
    [[9e4, -9e4, 9e4], undefined],
    [[1e5, -1e5, 1e5], undefined],
    [[0, above, 0], `m row 0 holds ${above}`],
    [[0, 0, -above], `m row 0 holds ${-above}`],
    [[Infinity, 0, 0], 'm row 0 holds Infinity'],
    [[0, 0, -Infinity], 'm row 0 holds -Infinity'],
    [[0.5, NaN, 0.5], 'm row 0 holds NaN'],
  ];
  for (const [row, want] of cases) {
    // dim 3 (odd) in a stride of 4 whose padding holds NaN: never read.
    const m = { data: Float32Array.from([0.1, 0.1, 0.1, NaN, ...row, NaN]), rows: 2, stride: 4 };
    assert.equal(unhealthyValue({ m }, 3), want?.replace('row 0', 'row 1'), `row ${row}`);
  }
});
