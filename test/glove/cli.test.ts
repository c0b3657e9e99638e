import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topicCorpus } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-glove-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const corpus = join(dir, 'corpus.txt');
writeFileSync(corpus, topicCorpus(3000, 8, 25, 4).join('\n'));

function run(args: string[]) {
  return spawnSync(process.execPath, ['bin/embedkit.js', 'train', 'glove', ...args], { encoding: 'utf8' });
}

test('train glove writes vectors and a JSON summary with the cost of every epoch', () => {
  const output = join(dir, 'v.txt');
  const r = run(['--input', corpus, '--output', output, '--dim', '8', '--epochs', '3', '--window', '5', '--threads', '1', '--min-count', '2', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.vocabSize, 204);
  assert.equal(summary.epochs.length, 3);
  assert.ok(summary.epochs[2].cost < summary.epochs[0].cost);
  assert.ok(summary.nonZeros > 0);
  assert.equal(existsSync(output), true);
});

test('bad input: a clear error naming the file, exit status 1', () => {
  const missing = run(['--input', join(dir, 'nope.txt'), '--output', join(dir, 'x.txt')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.txt/);
  assert.match(missing.stderr, /no such file/);
  const vocab = join(dir, 'vocab.txt');
  writeFileSync(vocab, 'the 3\nof 2\n');
  const cooccur = join(dir, 'odd.bin');
  writeFileSync(cooccur, Buffer.alloc(20));
  const bad = run(['--cooccur', cooccur, '--read-vocab', vocab, '--output', join(dir, 'x.txt')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /odd\.bin/);
  assert.match(bad.stderr, /not a multiple of 16/);
  const model = run(['--input', corpus, '--output', join(dir, 'x.txt'), '--model', '3']);
  assert.notEqual(model.status, 0);
  assert.match(model.stderr, /model/);
  assert.equal(existsSync(join(dir, 'x.txt')), false);
});

test('Ctrl-C stops training, writes nothing and removes the temporary files', async () => {
  const tmp = join(dir, 'tmp-sigint');
  mkdirSync(tmp);
  const output = join(dir, 'interrupted.txt');
  const child = spawn(process.execPath, ['bin/embedkit.js', 'train', 'glove', '--input', corpus, '--output', output, '--dim', '8', '--epochs', '100000', '--window', '5', '--threads', '1', '--min-count', '2', '--tmp-dir', tmp]);
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (/epoch 2:/.test(stderr)) resolve();
    });
  });
  assert.ok(readdirSync(tmp).length > 0, 'training uses a temporary folder');
  child.kill('SIGINT');
  const code = await exited;
  assert.notEqual(code, 0);
  assert.match(stderr, /interrupted/);
  assert.deepEqual(readdirSync(tmp), []);
  assert.equal(existsSync(output), false);
});
