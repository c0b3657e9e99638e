// Issue 15 item 7: every corruption class a probe found is refused with an EmbedkitError naming the checkpoint,
// never accepted and never a raw crash. Prints the table (class → outcome) for the closing note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { trainWord2Vec } from '../../src/train/word2vec.ts';
import { rng } from '../fuzz/mutate.ts';
import { EmbedkitError } from '../../src/errors.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { fastTextCheckpointSettings, openFastTextCheckpoint } from '../../src/train/fasttext-checkpoint.ts';
import { resolveFastTextOptions, trainFastText } from '../../src/train/fasttext.ts';
import { classify, CORRUPTIONS, editHeader, type Outcome } from './checkpoint-corruptions.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-ckpt-corrupt-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const WORDS = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'and', 'cat', 'sat', 'on', 'mat', 'rug', 'a', 'red'];
function corpusLines(seed: number, n: number): string[] {
  const random = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: 6 + Math.floor(random() * 6) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' '));
}

test('every corruption class is refused cleanly, naming the checkpoint', async () => {
  const lines = corpusLines(7, 3000);
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, lines.join('\n') + '\n');
  // The same lines in another order: the same size and vocabulary, another corpus.
  const other = join(dir, 'other.txt');
  writeFileSync(other, [...lines].reverse().join('\n') + '\n');
  const opts = { dim: 8, epochs: 2, minCount: 1, threads: 1, seed: 1 };
  const pristine = join(dir, 'pristine.ckpt');
  await trainWord2Vec({ ...opts, input: corpus, checkpoint: pristine });
  const saved = await loadCheckpoint(pristine);
  const bytes = readFileSync(pristine);
  // The untouched checkpoint resumes (the reference the classes are measured against).
  await trainWord2Vec({ ...opts, input: corpus, resume: pristine });

  const rows: { name: string; outcome: Outcome; message: string }[] = [];
  for (const c of CORRUPTIONS) {
    const path = join(dir, `damaged-${rows.length}.ckpt`);
    writeFileSync(path, c.bytes ? c.bytes({ bytes: Buffer.from(bytes), word: saved.vocab.words[3], counts: [saved.vocab.counts[0], saved.vocab.counts[1]], dim: opts.dim }) : bytes);
    let err: unknown;
    // A damaged position can also make a run train (nearly) forever: past 20 s it counts as a crash.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 20_000);
    try {
      await trainWord2Vec({ ...opts, input: c.otherCorpus ? other : corpus, resume: path, output: join(dir, 'out.txt'), signal: controller.signal });
    } catch (e) {
      err = controller.signal.aborted ? new Error('still training after 20 s') : (e ?? new Error('rejected with nothing'));
    } finally {
      clearTimeout(timer);
    }
    rows.push({ name: c.name, ...classify(err, path) });
  }
  const count = (o: Outcome) => rows.filter((r) => r.outcome === o).length;
  console.log(`checkpoint corruption table (${rows.length} classes): refused cleanly ${count('refused cleanly')}, accepted ${count('accepted')}, crashed ${count('crashed')}`);
  for (const r of rows) console.log(`  ${r.name.padEnd(52)} ${r.outcome.padEnd(16)} ${r.message.replace(dir, '<tmp>').slice(0, 150)}`);
  assert.deepEqual(rows.filter((r) => r.outcome !== 'refused cleanly').map((r) => `${r.name}: ${r.outcome} ${r.message}`), []);
});

test('fastText checkpoints: damaged position fields and matrix lengths are refused, naming the field', async () => {
  const lines = corpusLines(9, 600);
  const opts = { dim: 4, epochs: 2, minCount: 1, threads: 1, seed: 1, bucket: 50 };
  const path = join(dir, 'ft.ckpt');
  await trainFastText({ ...opts, input: corpusFromLines(lines), checkpoint: path });
  const bytes = readFileSync(path);
  const settings = fastTextCheckpointSettings(resolveFastTextOptions(opts), 16384);
  const cases: [string, (h: Record<string, any>) => void, RegExp][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
    ['pass 1e6', (h) => (h.position.pass = 1e6), /position\.pass is 1000000, outside/],
    ['dispatched negative', (h) => (h.position.dispatched = -1), /position\.dispatched is -1/],
    ['dispatched 1e15', (h) => (h.position.dispatched = 1e15), /position\.dispatched is 1000000000000000/],
    ['ntokens 0', (h) => (h.position.ntokens = 0), /position\.ntokens is 0/],
    ['chunksDone 1e9', (h) => (h.position.chunksDone = 1e9), /position\.chunksDone is 1000000000/],
    ['rng missing', (h) => delete h.position.rng, /position\.rng is not a list/],
    ['bucket changed', (h) => (h.settings.bucket = 60), /sections\.input holds/],
  ];
  for (const [name, edit, pattern] of cases) {
    const damaged = join(dir, 'ft-damaged.ckpt');
    writeFileSync(damaged, editHeader(bytes, edit));
    await assert.rejects(openFastTextCheckpoint(damaged, settings), (e: unknown) => e instanceof EmbedkitError && pattern.test(e.message) && e.message.includes(damaged), name);
  }
  const ok = await openFastTextCheckpoint(path, settings);
  await ok.file.close();
});
