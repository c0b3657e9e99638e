// Fuzzing the checkpoint reader (issue 15): every mutant of a real word2vec and fastText checkpoint is either
// opened to exactly the state that was saved (so it would resume correctly) or refused with an EmbedkitError
// naming the file; no other exception, and no mutant takes more than 10 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedkitError } from '../../src/errors.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { openWord2VecCheckpoint } from '../../src/train/checkpoint.ts';
import { fastTextCheckpoint } from '../../src/train/fasttext-checkpoint.ts';
import { trainFastText } from '../../src/train/fasttext.ts';
import { trainWord2Vec } from '../../src/train/word2vec.ts';
import type { OpenedCheckpoint } from '../../src/train/trainer-checkpoint.ts';
import { fuzzCount, fuzzSeed, mutants } from './mutate.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-fuzz-ckpt-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const LINES = Array.from({ length: 200 }, (_, i) => ['the cat sat on the mat', 'a dog lay on a rug', 'the red fox ran'][i % 3]);
const SLOW_MS = 10_000;

/** The state a resume starts from: settings, position, vocabulary and every matrix. */
type State = { settings: unknown; position: unknown; words: string[]; counts: number[]; matrices: Float32Array[] };

async function stateOf(opened: OpenedCheckpoint<object, unknown>, names: string[]): Promise<State> {
  const matrices: Float32Array[] = [];
  for (const name of names) matrices.push(await opened.file.read(name));
  return { settings: opened.settings, position: opened.position, words: opened.vocab.words, counts: Array.from(opened.vocab.counts), matrices };
}

async function fuzz(kind: string, original: string, open: (path: string) => Promise<OpenedCheckpoint<object, unknown>>, names: string[], seed: number): Promise<void> {
  const bytes = readFileSync(original);
  const pristine = await open(original);
  const expected = await stateOf(pristine, names);
  await pristine.file.close();
  const count = fuzzCount(2000);
  const tally = { refused: 0, identical: 0 };
  const others: string[] = [];
  let slowest = 0;
  const path = join(dir, `${kind}-mutant.ckpt`);
  for (const { index, bytes: mutant } of mutants(bytes, seed, count)) {
    writeFileSync(path, mutant);
    const started = performance.now();
    try {
      const opened = await open(path);
      try {
        // Accepted: it must hold exactly the saved state, or a resume would continue from damage.
        assert.deepEqual(await stateOf(opened, names), expected, `${kind} mutant ${index} (seed ${seed}) was accepted with other contents`);
        tally.identical++;
      } finally {
        await opened.file.close();
      }
    } catch (err) {
      if (err instanceof EmbedkitError && err.message.includes(path)) tally.refused++;
      else others.push(`mutant ${index} (seed ${seed}): ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    slowest = Math.max(slowest, performance.now() - started);
  }
  console.log(`checkpoint fuzz (${kind}, seed ${seed}): ${count} mutants, ${tally.refused} refused cleanly, ${tally.identical} accepted with the saved state, ${others.length} other; slowest ${slowest.toFixed(1)} ms`);
  assert.deepEqual(others.slice(0, 10), []);
  assert.ok(slowest < SLOW_MS, `a mutant took ${slowest} ms`);
}

test('word2vec checkpoint mutants are opened to the saved state or refused cleanly', async () => {
  const checkpoint = join(dir, 'w2v.ckpt');
  // Both output layers, so every matrix section is present.
  const opts = { dim: 4, epochs: 1, minCount: 1, threads: 1, seed: 3, hs: true, negative: 2 };
  await trainWord2Vec({ ...opts, input: corpusFromLines(LINES), checkpoint });
  const { settings, file } = await openWord2VecCheckpoint(checkpoint);
  await file.close();
  await fuzz('word2vec', checkpoint, (path) => openWord2VecCheckpoint(path, { settings, corpus: null }) as never, ['syn0', 'syn1neg', 'syn1'], fuzzSeed(1));
});

test('fastText checkpoint mutants are opened to the saved state or refused cleanly', async () => {
  const checkpoint = join(dir, 'ft.ckpt');
  await trainFastText({ dim: 4, epochs: 1, minCount: 1, threads: 1, seed: 3, bucket: 64, input: corpusFromLines(LINES), checkpoint });
  const { settings, file } = await fastTextCheckpoint.open(checkpoint);
  await file.close();
  await fuzz('fastText', checkpoint, (path) => fastTextCheckpoint.open(path, { settings, corpus: null }) as never, ['input', 'output'], fuzzSeed(2));
});
