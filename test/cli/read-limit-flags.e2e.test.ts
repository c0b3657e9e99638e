import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRun, makeTempDir, runCli } from './e2e-helpers.ts';

/** The readers' caps on lines and words are flags of every command that reads a vectors file, errors naming the flag. */
const { dir, remove } = makeTempDir();
test.after(remove);
const file = join(dir, 'v.txt');
writeFileSync(file, '3 2\nking 1 0\nqueen 0.5 0.5\nprincess 0 1\n');

test('--max-word-bytes and --max-line-bytes reach the reader; a cap hit names the flag', async () => {
  const ok = await runCli(['info', file, '--max-word-bytes', '8', '--max-line-bytes', '64', '--json']);
  assert.equal(ok.code, 0, describeRun(ok));
  const word = await runCli(['info', file, '--max-word-bytes', '5']);
  assert.equal(word.code, 1, describeRun(word));
  assert.match(word.stderr, /more than 5 bytes \(--max-word-bytes/);
  const line = await runCli(['similar', file, 'king', '--max-line-bytes', '10']);
  assert.equal(line.code, 1, describeRun(line));
  assert.match(line.stderr, /longer than 10 bytes \(--max-line-bytes/);
  assert.doesNotMatch(line.stderr + word.stderr, /maxLineBytes|maxWordBytes|\n\s+at /);
});

test('a cap that is not a positive integer is refused by the flag parser', async () => {
  const r = await runCli(['convert', file, join(dir, 'out.bin'), '--max-line-bytes', '0']);
  assert.notEqual(r.code, 0, describeRun(r));
  assert.match(r.stderr, /--max-line-bytes/);
});
