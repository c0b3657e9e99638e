import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EmbedkitError } from '../../src/errors.ts';
import { trainGlove } from '../../src/train/glove.ts';

/**
 * GloVe detects divergence as word2vec and fastText do: an absurd learning rate overflows AdaGrad's updates
 * (the rows run away, then turn infinite and NaN); the run stops with the 'diverged' error naming the option and
 * writes no diverged vectors, not even an epoch snapshot.
 */
const dir = mkdtempSync(join(tmpdir(), 'embedkit-glove-diverged-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const corpus = join(dir, 'corpus.txt');
const sample = gunzipSync(readFileSync(new URL('../../data/sample-pd.txt.gz', import.meta.url))).toString('utf8');
writeFileSync(corpus, sample.split('\n').slice(0, 2000).join('\n'));

test('the library throws diverged naming alpha, and writes neither the vectors nor an epoch snapshot', async () => {
  const output = join(dir, 'lib.txt');
  const err = await trainGlove({ input: corpus, output, alpha: 1e30, threads: 1, epochs: 3, dim: 10, checkpointEvery: 1 }).then(
    () => assert.fail('training should have diverged'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof EmbedkitError, String(err));
  assert.equal(err.code, 'diverged');
  assert.match(err.message, /lower alpha/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('lib')), [], 'no output, no snapshot');
});

test('train glove --eta 1e30: exit 1 with a clear message naming the flag, no stack, no output file', () => {
  const output = join(dir, 'cli.txt');
  const r = spawnSync(process.execPath, ['bin/embedkit.js', 'train', 'glove', '--input', corpus, '--output', output, '--eta', '1e30', '--dim', '10', '--epochs', '2', '--threads', '1', '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /diverged/);
  assert.match(r.stderr, /--eta/, 'the CLI names its flag');
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(output), false);
});
