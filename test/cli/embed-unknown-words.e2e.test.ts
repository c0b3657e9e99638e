/**
 * `embedkit embed` on a line made only of unknown words: a non-zero exit naming the line, no output file, never
 * a silent zero vector (README's Serving section documents the behaviour).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { describeRun, makeTempDir, runCli, word2vecText, writeFile } from './e2e-helpers.ts';

const { dir, remove } = makeTempDir();
after(remove);
const model = writeFile(dir, 'tiny.txt', word2vecText());

test('embed refuses a line with no known word, naming its line number', { timeout: 30_000 }, async () => {
  // Line 4 (after a blank line, which is skipped but still counted) has no word of the model.
  const input = writeFile(dir, 'texts.txt', 'king queen\nthe man\n\nqwerty zxcv\nwoman\n');
  const output = join(dir, 'out.jsonl');
  const r = await runCli(['embed', model, '--input', input, '--output', output]);
  assert.equal(r.code, 1, describeRun(r));
  assert.match(r.stderr, /line 4\b.*no word/, describeRun(r));
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(existsSync(output), false, 'nothing half-written');
});

test('embed still writes every line that has a known word', { timeout: 30_000 }, async () => {
  const input = writeFile(dir, 'good.txt', 'king queen\nthe man\n');
  const output = join(dir, 'good.jsonl');
  const r = await runCli(['embed', model, '--input', input, '--output', output, '--quiet']);
  assert.equal(r.code, 0, describeRun(r));
});
