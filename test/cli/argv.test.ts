import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeArgv } from '../../src/cli/argv.ts';

const known = new Set(['dim', 'epochs', 'min-count', 'window', 'threads', 'topn']);

test('maps the reference tools single-dash flags to embedkit names', () => {
  assert.deepEqual(normalizeArgv(['-size', '50', '-iter', '3', '-minCount', '2', '-window', '4'], known), ['--dim', '50', '--epochs', '3', '--min-count', '2', '--window', '4']);
  assert.deepEqual(normalizeArgv(['--size', '50', '--iter=3'], known), ['--dim', '50', '--epochs=3']);
});

test('leaves short flags, negative numbers, stdin and unknown words alone', () => {
  assert.deepEqual(normalizeArgv(['-n', '5', '-1.5', '-', '-banana'], known), ['-n', '5', '-1.5', '-', '-banana']);
});
