// A command line that names one command is parsed by a program with that command alone (src/cli/command-table.ts):
// that program must be the whole program's command, flag for flag and word for word, and every other line must
// still go to the whole program.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { normalizeArgv } from '../../src/cli/argv.ts';
import { COMMAND_MODULES, singleCommandProgram } from '../../src/cli/command-table.ts';
import { buildProgram } from '../../src/cli/program.ts';
import { flagsOfLine } from '../../src/cli/program-shell.ts';

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

test('lines without a command first or with an unknown command take the whole program; every other line its command alone', async () => {
  for (const argv of [[], ['--help'], ['-V'], ['help', 'info'], ['infx', 'v.txt']]) {
    assert.equal(await singleCommandProgram(argv), undefined, argv.join(' '));
  }
  for (const argv of [['info', 'v.txt'], ['train', 'word2vec', '-size', '10'], ['train', 'supervised', '-input', 'c.txt', '-epoch', '5'], ['similar', 'v.txt', 'king', '--topn', '3', '-n', '-1', '--', '-x']]) {
    assert.ok(await singleCommandProgram(argv), argv.join(' '));
  }
});

test('reference-tool flags are rewritten alike by the whole program and by the command alone, by that command\'s own flags', async () => {
  const whole = buildProgram();
  const lines = [
    ['info', 'v.txt', '--limit', '1'],
    ['similar', 'v.txt', 'king', '-topn', '3', '-n', '-1', '--', '-x', '--', '-'],
    ['train', 'word2vec', '-train', 'c.txt', '-size', '8', '-iter=2', '-minCount', '1', '-max-vocab', '100'],
    ['train', 'glove', '-input', 'c.txt', '-max-vocab', '100', '--iter', '3'],
    ['train', 'supervised', '-input', 'c.txt', '-output', 'm', '-epoch', '5', '-lr', '0.5', '-wordNgrams', '2', '-dim', '50'],
    ['train', 'fasttext', '-input', 'c.txt', '-minn', '2', '--thread', '2'],
    ['embed', 'm', '--images', 'a.png', '-o', 'out.npy'],
  ];
  const rewritten: string[][] = [];
  for (const argv of lines) {
    const single = await singleCommandProgram(argv);
    assert.ok(single, argv.join(' '));
    const line = normalizeArgv(argv, flagsOfLine(single, argv));
    assert.deepEqual(normalizeArgv(argv, flagsOfLine(whole, argv)), line, argv.join(' '));
    rewritten.push(line);
  }
  // What the rewrite makes of them: each command's own names (glove's -max-vocab is its own flag, word2vec's is
  // --max-vocab-size; a value and the words after -- are left alone).
  assert.deepEqual(rewritten[1], ['similar', 'v.txt', 'king', '--topn', '3', '-n', '-1', '--', '-x', '--', '-']);
  assert.deepEqual(rewritten[2], ['train', 'word2vec', '--train', 'c.txt', '--size', '8', '--iter=2', '--min-count', '1', '--max-vocab-size', '100']);
  assert.deepEqual(rewritten[3], ['train', 'glove', '--input', 'c.txt', '--max-vocab', '100', '--iter', '3']);
  assert.deepEqual(rewritten[4].filter((a) => a.startsWith('-')), ['--input', '--output', '--epoch', '--lr', '--word-ngrams', '--dim']);
});
