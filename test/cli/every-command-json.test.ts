// The README promises that every command takes --json: each leaf command of the program declares it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.ts';

function leaves(cmd: Command, path: string[] = []): [string, Command][] {
  if (cmd.commands.length === 0) return [[path.join(' '), cmd]];
  return cmd.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}

test('every command takes --json', () => {
  const commands = leaves(buildProgram());
  assert.ok(commands.length >= 14, commands.map(([name]) => name).join(', '));
  const without = commands.filter(([, c]) => !c.options.some((o) => o.long === '--json')).map(([name]) => name);
  assert.deepEqual(without, []);
});
