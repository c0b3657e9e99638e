// A command line that names one command is parsed by a program with that command alone (src/cli/command-table.ts):
// that program must be the whole program's command, flag for flag and word for word, and every other line must
// still go to the whole program.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { mayRewriteArgv, normalizeArgv } from '../../src/cli/argv.ts';
import { COMMAND_MODULES, singleCommandProgram } from '../../src/cli/command-table.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { longOptionNames } from '../../src/cli/program-shell.ts';

/** Every command below `cmd` with its help text and its options as commander holds them. */
function describeTree(cmd: Command, path: string[] = []): Array<[string, string, string]> {
  const options = JSON.stringify(cmd.options.map((o) => [o.flags, o.description, o.defaultValue, o.required, o.optional, o.negate, o.hidden]));
  return [[path.join(' '), cmd.helpInformation(), options], ...cmd.commands.flatMap((c) => describeTree(c, [...path, c.name()]))];
}

test('every command of the program is in the table, and alone it is the same command: help, flags, subcommands', async () => {
  const whole = buildProgram();
  assert.deepEqual(Object.keys(COMMAND_MODULES).sort(), whole.commands.map((c) => c.name()).sort());
  for (const cmd of whole.commands) {
    const single = await singleCommandProgram([cmd.name()]);
    assert.ok(single, cmd.name());
    assert.deepEqual(single.commands.map((c) => c.name()), [cmd.name()]);
    assert.deepEqual(describeTree(single.commands[0], [cmd.name()]), describeTree(cmd, [cmd.name()]));
    // The root is the same command (name, version, help after errors) less the list of the other commands.
    assert.equal(single.name(), whole.name());
    assert.deepEqual(single.options.map((o) => o.flags), whole.options.map((o) => o.flags));
  }
});

test('lines without a command first, with an unknown command or with a flag normalizeArgv may rewrite take the whole program', async () => {
  for (const argv of [[], ['--help'], ['-V'], ['help', 'info'], ['infx', 'v.txt'], ['train', 'word2vec', '-size', '10'], ['train', 'word2vec', '-train=c.txt'], ['info', 'v.txt', '--iter', '3'], ['similar', 'v.txt', 'king', '-topn', '3']]) {
    assert.equal(await singleCommandProgram(argv), undefined, argv.join(' '));
  }
  for (const argv of [['info', 'v.txt'], ['info', 'v.txt', '--limit', '1'], ['train', 'fasttext', '--input', 'c.txt', '--supervised'], ['similar', 'v.txt', 'king', '--topn', '3', '-n', '-1', '--', '-x']]) {
    assert.ok(await singleCommandProgram(argv), argv.join(' '));
  }
});

test('where the one-command program is used, normalizeArgv rewrites nothing whatever flags are known', () => {
  const all = longOptionNames(buildProgram());
  const lines = [
    ['info', 'v.txt', '--limit', '1'],
    ['similar', 'v.txt', 'king', '--topn', '3', '-n', '-1', '--', '-x', '--', '-'],
    ['train', 'word2vec', '--input', 'c.txt', '--dim=8', '--min-count', '1'],
    ['embed', 'm', '--images', 'a.png', '-o', 'out.npy'],
  ];
  for (const argv of lines) {
    assert.equal(mayRewriteArgv(argv), false, argv.join(' '));
    assert.deepEqual(normalizeArgv(argv, all), argv);
    assert.deepEqual(normalizeArgv(argv, new Set()), argv);
  }
  // And a flag that some set of known flags gets rewritten is seen.
  const targets = new Set(['dim', 'epochs', 'min-count', 'alpha', 'threads']);
  for (const flag of ['-size', '-minCount', '-min-count=1', '--iter', '--lr=0.1', '--thread']) {
    assert.equal(mayRewriteArgv(['train', 'word2vec', flag]), true, flag);
    assert.notDeepEqual(normalizeArgv(['train', 'word2vec', flag], targets), ['train', 'word2vec', flag], flag);
  }
});
