import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedkitError } from '../../src/errors.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { trainGloveDetailed } from '../../src/train/glove.ts';
import { topicCorpus } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-glove-interrupted-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const base = { input: corpusFromLines(topicCorpus(1500, 8, 25, 11)), dim: 8, window: 5, xMax: 10, epochs: 3, minCount: 2, threads: 1, seed: 5 } as const;

test('an interrupted GloVe run names the files it did write (co-occurrences, vocabulary), and says the vectors were not', async () => {
  const cooccur = join(dir, 'cooccur.bin');
  const vocab = join(dir, 'vocab.txt');
  const output = join(dir, 'vectors.txt');
  const controller = new AbortController();
  await assert.rejects(
    trainGloveDetailed({ ...base, output, saveCooccur: cooccur, saveVocab: vocab, signal: controller.signal, onEpoch: () => controller.abort() }),
    (e: unknown) => {
      assert.ok(e instanceof EmbedkitError && e.code === 'aborted', String(e));
      assert.doesNotMatch(e.message, /nothing was written/);
      assert.ok(e.message.includes(cooccur) && e.message.includes(vocab), e.message);
      assert.match(e.message, /vectors were not written/);
      return true;
    },
  );
  assert.ok(existsSync(cooccur) && existsSync(vocab) && !existsSync(output));
});

test('without saved files, an interrupted run still says nothing was written', async () => {
  const controller = new AbortController();
  await assert.rejects(trainGloveDetailed({ ...base, output: join(dir, 'none.txt'), signal: controller.signal, onEpoch: () => controller.abort() }), /nothing was written/);
});

test('the saved co-occurrence file gets the ordinary (umask-derived) mode, like any other output', async () => {
  const cooccur = join(dir, 'mode-cooccur.bin');
  await trainGloveDetailed({ ...base, epochs: 1, saveCooccur: cooccur });
  const ordinary = join(dir, 'ordinary');
  writeFileSync(ordinary, '');
  assert.equal((statSync(cooccur).mode & 0o777).toString(8), (statSync(ordinary).mode & 0o777).toString(8));
});
