import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { normalizeArgv } from '../../src/cli/argv.ts';
import { addOptionFlags, flagError, optionsFromFlags } from '../../src/cli/option-flags.ts';
import { EmbedkitError } from '../../src/errors.ts';
import { fastTextSchema, resolveFastTextOptions } from '../../src/train/fasttext-options.ts';
import { gloveSchema, resolveGloveOptions } from '../../src/train/glove-options.ts';
import { OptionError } from '../../src/train/option-schema.ts';
import { resolveWord2VecOptions, word2vecSchema } from '../../src/train/word2vec-options.ts';

/** Parses `argv` (reference-tool spellings included) with the flags derived from `schema`; returns the library options. */
function parse(schema: Parameters<typeof addOptionFlags>[1], argv: string[]): Record<string, unknown> {
  const cmd = addOptionFlags(new Command('t').exitOverride(), schema);
  const known = new Set(cmd.options.map((o) => o.long!.replace(/^--/, '')));
  cmd.parse(normalizeArgv(argv, known), { from: 'user' });
  return optionsFromFlags(schema, cmd.opts());
}

test('defaults come from the schema, with the computed ones (word2vec alpha by architecture)', () => {
  const cbow = resolveWord2VecOptions({ threads: 1 });
  assert.equal(cbow.alpha, 0.05);
  assert.equal(resolveWord2VecOptions({ skipgram: true, threads: 1 }).alpha, 0.025);
  assert.deepEqual([cbow.dim, cbow.window, cbow.negative, cbow.epochs, cbow.minCount, cbow.sample], [100, 5, 5, 5, 5, 1e-3]);
  const ft = resolveFastTextOptions({ threads: 1 });
  assert.deepEqual([ft.alpha, ft.minAlpha, ft.window, ft.negative, ft.epochs, ft.sample, ft.bucket], [0.05, 0, 5, 5, 5, 1e-4, 2_000_000]);
  const glove = resolveGloveOptions({ threads: 1 });
  assert.deepEqual([glove.alpha, glove.weightingExponent, glove.xMax, glove.window, glove.dim, glove.model], [0.05, 0.75, 100, 15, 50, 2]);
});

test('errors name the library option; renamed options are refused naming the new name', () => {
  assert.throws(() => resolveWord2VecOptions({ minCount: -1 }), (e: unknown) => e instanceof OptionError && e.option === 'minCount' && /^minCount must be an integer ≥ 0, got -1$/.test(e.message));
  assert.throws(() => resolveFastTextOptions({ sample: 1 }), /sample must be a number in \[0, 1\), got 1/);
  assert.throws(() => resolveFastTextOptions({ lr: 0.1 } as object), /lr is called alpha here/);
  assert.throws(() => resolveGloveOptions({ eta: 0.1 } as object), /eta is called alpha here/);
});

test('the CLI takes the reference tools’ spellings as aliases of the schema’s flags', () => {
  assert.deepEqual(parse(fastTextSchema, ['-ws', '3', '-neg', '2', '-lr', '0.1', '-t', '0.001', '-epoch', '4', '-thread', '1', '-minCount', '2', '-dim', '7']), {
    window: 3,
    negative: 2,
    alpha: 0.1,
    sample: 0.001,
    epochs: 4,
    threads: 1,
    minCount: 2,
    dim: 7,
  });
  assert.deepEqual(parse(word2vecSchema, ['-size', '12', '-iter', '2', '-cbow', '0', '-hs', '1', '-min-count', '1']), { cbow: false, dim: 12, epochs: 2, hs: true, minCount: 1 });
  // GloVe C: -alpha is the weighting exponent, -eta the learning rate (the library's alpha).
  assert.deepEqual(parse(gloveSchema, ['-alpha', '0.5', '-eta', '0.01', '-vector-size', '8', '-x-max', '10']), { weightingExponent: 0.5, alpha: 0.01, dim: 8, xMax: 10 });
  assert.throws(() => parse(fastTextSchema, ['--negative', '2', '--neg', '3']), /--negative 2 and --neg 3 disagree/);
});

test('the CLI words library errors with its flags', () => {
  const e = flagError(word2vecSchema, new OptionError('minAlpha', 'minAlpha must be a number in 0..alpha (0.05), got 1')) as Error;
  assert.equal(e.message, '--min-alpha must be a number in 0..alpha (0.05), got 1');
  const v = flagError(word2vecSchema, new EmbedkitError('empty_vocabulary', 'minCount 5 removes every word')) as EmbedkitError;
  assert.equal(v.code, 'empty_vocabulary');
  assert.equal(v.message, '--min-count 5 removes every word');
  assert.equal((flagError(gloveSchema, new OptionError('alpha', 'alpha must be a number > 0, got 0')) as Error).message, '--eta must be a number > 0, got 0');
});
