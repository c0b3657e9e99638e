import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastTextClassifier } from '../../src/apps/classify/fasttext-classifier.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { trainFastTextSupervised } from '../../src/train/fasttext-supervised.ts';
import { labelledLines } from '../classify/labelled-lines.ts';

/**
 * The supervised model is saved as fastText saves it, without a sync to the disk (seconds on a 400 MB model),
 * yet still renamed into place only once complete; checkpoints, which a resumed run depends on, stay synced.
 */
const dir = mkdtempSync(join(tmpdir(), 'embedkit-save-sync-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** Counts the fsync calls made while `run` runs (write streams call node:fs's fsync). */
async function fsyncsDuring(run: () => Promise<unknown>): Promise<number> {
  const original = fs.fsync;
  let calls = 0;
  fs.fsync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
    calls++;
    original(fd, cb);
  }) as typeof fs.fsync;
  try {
    await run();
  } finally {
    fs.fsync = original;
  }
  return calls;
}

const lines = labelledLines(300, 1);

test('the trained model is written without an fsync, complete and with no temporary file left', async () => {
  const output = join(dir, 'model.bin');
  const calls = await fsyncsDuring(() => trainFastTextSupervised({ input: corpusFromLines(lines), output, dim: 8, threads: 1 }));
  assert.equal(calls, 0);
  assert.deepEqual(readdirSync(dir), ['model.bin']);
  const model = await FastTextClassifier.load(output);
  assert.equal(model.model.args.dim, 8);
});

test('a checkpoint is still synced before it is renamed into place', async () => {
  const calls = await fsyncsDuring(() => trainFastTextSupervised({ input: corpusFromLines(lines), checkpoint: join(dir, 'run.ckpt'), dim: 8, epochs: 2, threads: 1 }));
  assert.ok(calls >= 1, `${calls} fsync calls`);
});
