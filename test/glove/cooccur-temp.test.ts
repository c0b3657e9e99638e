import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { trainGlove } from '../../src/train/glove.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-glove-cooccur-temp-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('a saved co-occurrence file is written under the shared temporary name: one left by a killed run is removed next time', async () => {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  // What `kill -9` during the counting left: the file of a process that no longer runs.
  writeFileSync(join(dir, `.cooccur.bin.tmp-${dead}`), Buffer.alloc(1000));
  const lines = Array.from({ length: 200 }, (_, i) => ['the cat sat on the mat', 'a dog lay on a rug'][i % 2]);
  await trainGlove({ input: corpusFromLines(lines), saveCooccur: join(dir, 'cooccur.bin'), dim: 4, epochs: 1, threads: 1, minCount: 1 });
  assert.deepEqual(readdirSync(dir), ['cooccur.bin']);
});
