import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { normalizeArgv } from '../../src/cli/argv.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { word2vecOptionsFromFlags } from '../../src/cli/commands/train.ts';
import { fastTextOptionsFromFlags } from '../../src/cli/commands/train-fasttext.ts';
import { gloveOptionsFromFlags } from '../../src/cli/commands/train-glove.ts';

/**
 * Every flag the reference tools document is accepted by `embedkit train …` (word2vec C's, fastText's skipgram/cbow,
 * GloVe's programs'), mapped to the option of the same meaning; a flag whose feature embedkit lacks is refused by
 * name with "not supported". The command lines are parsed by the real program, its actions replaced by a probe.
 */
function parseTrain(tool: 'word2vec' | 'fasttext' | 'glove', argv: string[]): Record<string, unknown> {
  const program = buildProgram();
  program.exitOverride();
  const train = program.commands.find((c) => c.name() === 'train')!;
  const cmd = train.commands.find((c) => c.name() === tool)!;
  let flags: Record<string, unknown> = {};
  cmd.action((f: Record<string, unknown>) => void (flags = f));
  const known = new Set<string>();
  const collect = (c: Command) => {
    for (const o of c.options) if (o.long) known.add(o.long.replace(/^--(no-)?/, ''));
    c.commands.forEach(collect);
  };
  collect(program);
  program.parse(normalizeArgv(['train', tool, ...argv], known), { from: 'user' });
  return flags;
}

test('word2vec C: every flag of its usage text', () => {
  const flags = parseTrain('word2vec', '-train c.txt -output v.bin -size 20 -window 4 -sample 1e-4 -hs 1 -negative 3 -threads 1 -iter 2 -min-count 1 -alpha 0.03 -classes 7 -debug 0 -binary 1 -save-vocab v.vocab -read-vocab r.vocab -cbow 0'.split(' '));
  const o = word2vecOptionsFromFlags(flags as Parameters<typeof word2vecOptionsFromFlags>[0]);
  assert.deepEqual(
    { input: o.input, output: o.output, dim: o.dim, window: o.window, sample: o.sample, hs: o.hs, negative: o.negative, threads: o.threads, epochs: o.epochs, minCount: o.minCount, alpha: o.alpha, binary: o.binary, saveVocab: o.saveVocab, readVocab: o.readVocab, cbow: o.cbow },
    { input: 'c.txt', output: 'v.bin', dim: 20, window: 4, sample: 1e-4, hs: true, negative: 3, threads: 1, epochs: 2, minCount: 1, alpha: 0.03, binary: true, saveVocab: 'v.vocab', readVocab: 'r.vocab', cbow: false },
  );
  assert.equal(flags.classes, 7);
  assert.equal(flags.debug, 0);
});

test('fastText skipgram/cbow: every flag of its usage text; the absent features are refused by name', () => {
  const argv = '-input c.txt -output m -minCount 2 -minn 2 -maxn 4 -dim 8 -ws 3 -epoch 2 -neg 4 -loss hs -thread 1 -lr 0.1 -lrUpdateRate 50 -t 0.001 -wordNgrams 2 -bucket 1000 -verbose 0 -seed 3'.split(' ');
  const flags = parseTrain('fasttext', argv);
  const o = fastTextOptionsFromFlags(flags as Parameters<typeof fastTextOptionsFromFlags>[0]);
  assert.deepEqual(
    { input: o.input, output: o.output, minCount: o.minCount, minn: o.minn, maxn: o.maxn, dim: o.dim, window: o.window, epochs: o.epochs, negative: o.negative, loss: o.loss, threads: o.threads, alpha: o.alpha, lrUpdateRate: o.lrUpdateRate, sample: o.sample, bucket: o.bucket, seed: o.seed },
    { input: 'c.txt', output: 'm', minCount: 2, minn: 2, maxn: 4, dim: 8, window: 3, epochs: 2, negative: 4, loss: 'hs', threads: 1, alpha: 0.1, lrUpdateRate: 50, sample: 0.001, bucket: 1000, seed: 3 },
  );
  assert.equal(flags.verbose, 0);
  assert.equal(flags.wordNgrams, 2);
  for (const [flag, value] of [['-saveOutput', '1'], ['-pretrainedVectors', 'p.vec']]) {
    const f = parseTrain('fasttext', ['-input', 'c.txt', '-output', 'm', flag, value]);
    assert.throws(() => fastTextOptionsFromFlags(f as Parameters<typeof fastTextOptionsFromFlags>[0]), new RegExp(`^InvalidArgumentError: ${flag} is not supported: `));
  }
});

test("GloVe's programs: every flag of glove, vocab_count and cooccur; the absent features are refused by name", () => {
  const argv = '-input c.txt -save-file out -vector-size 8 -iter 3 -threads 1 -eta 0.01 -alpha 0.5 -x-max 10 -binary 0 -write-header 1 -memory 1 -window-size 4 -symmetric 0 -min-count 2 -max-vocab 100 -vocab-file vocab.txt -overflow-file /tmp/spill/overflow -verbose 0 -model 1 -distance-weighting 0 -seed 2 -checkpoint-every 5'.split(' ');
  const flags = parseTrain('glove', argv);
  const o = gloveOptionsFromFlags(flags as Parameters<typeof gloveOptionsFromFlags>[0]);
  assert.deepEqual(
    { input: o.input, output: o.output, dim: o.dim, epochs: o.epochs, threads: o.threads, alpha: o.alpha, weightingExponent: o.weightingExponent, xMax: o.xMax, format: o.format, header: o.header, memory: o.memory, window: o.window, symmetric: o.symmetric, minCount: o.minCount, maxVocab: o.maxVocab, readVocab: o.readVocab, tmpDir: o.tmpDir, model: o.model, distanceWeighting: o.distanceWeighting, seed: o.seed, checkpointEvery: o.checkpointEvery },
    { input: 'c.txt', output: 'out.txt', dim: 8, epochs: 3, threads: 1, alpha: 0.01, weightingExponent: 0.5, xMax: 10, format: undefined, header: true, memory: 1, window: 4, symmetric: false, minCount: 2, maxVocab: 100, readVocab: 'vocab.txt', tmpDir: '/tmp/spill', model: 1, distanceWeighting: false, seed: 2, checkpointEvery: 5 },
  );
  assert.equal(gloveOptionsFromFlags(parseTrain('glove', ['-input', 'c.txt', '-output', 'v.bin', '-binary', '1']) as Parameters<typeof gloveOptionsFromFlags>[0]).format, 'word2vec-binary');
  assert.throws(() => gloveOptionsFromFlags(parseTrain('glove', ['-input', 'c.txt', '-output', 'v', '-binary', '2']) as Parameters<typeof gloveOptionsFromFlags>[0]), /-binary 2 .* is not supported/);
  for (const [flag, value] of [['-gradsq-file', 'g'], ['-save-gradsq', '1']]) {
    const f = parseTrain('glove', ['-input', 'c.txt', '-output', 'v', flag, value]);
    assert.throws(() => gloveOptionsFromFlags(f as Parameters<typeof gloveOptionsFromFlags>[0]), new RegExp(`^InvalidArgumentError: ${flag} is not supported: `));
  }
});
