/**
 * More threads than cores only add memory and contention (on 2 cores --threads 100 took 54 s and 2.4 GB instead
 * of 1.3 s and 170 MB): every trainer caps threads at the core count unless allowMoreThreads is set, and the CLI
 * says so on stderr, naming --threads-max-override.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveFastTextOptions } from '../../src/train/fasttext-options.ts';
import { resolveGloveOptions } from '../../src/train/glove-options.ts';
import { resolveWord2VecOptions } from '../../src/train/word2vec-options.ts';

const cores = availableParallelism();
const dir = mkdtempSync(join(tmpdir(), 'embedkit-threads-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const resolvers = { word2vec: resolveWord2VecOptions, fasttext: resolveFastTextOptions, glove: resolveGloveOptions } as const;

for (const [name, resolve] of Object.entries(resolvers)) {
  test(`${name}: threads above the core count are capped at it unless allowMoreThreads`, () => {
    assert.equal(resolve({ threads: cores + 50 }).threads, cores);
    assert.equal(resolve({ threads: cores }).threads, cores);
    assert.equal(resolve({ threads: 1 }).threads, 1);
    assert.equal(resolve({}).threads, cores);
    assert.equal(resolve({ threads: cores + 50, allowMoreThreads: true }).threads, cores + 50);
  });
}

function corpus(): string {
  const p = join(dir, 'corpus.txt');
  const lines = Array.from({ length: 300 }, (_, i) => `the cat sat on the mat number ${i % 7} and the dog ran ${i % 3}`);
  writeFileSync(p, lines.join('\n'));
  return p;
}

for (const trainer of ['word2vec', 'fasttext', 'glove']) {
  test(`embedkit train ${trainer} --threads above the cores warns and uses the core count`, { timeout: 60_000 }, () => {
    const input = corpus();
    const args = ['bin/embedkit.js', 'train', trainer, '--input', input, '--output', join(dir, `${trainer}.vec`), '--epochs', '1', '--min-count', '1', '--dim', '8'];
    const capped = spawnSync(process.execPath, [...args, '--threads', String(cores + 50)], { encoding: 'utf8' });
    assert.equal(capped.status, 0, capped.stderr);
    assert.match(capped.stderr, new RegExp(`warning: --threads ${cores + 50} is more than the ${cores} cores? here: using ${cores}.*--threads-max-override`));
    const quiet = spawnSync(process.execPath, [...args, '--threads', '1'], { encoding: 'utf8' });
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /warning/);
    const forced = spawnSync(process.execPath, [...args, '--threads', String(cores + 1), '--threads-max-override'], { encoding: 'utf8' });
    assert.equal(forced.status, 0, forced.stderr);
    assert.doesNotMatch(forced.stderr, /warning/);
  });
}
