/**
 * `embedkit similar V word1 NOT_A_WORD word2`: the known words still get their neighbours; the unknown one is named
 * on stderr (and in --json, in its own entry), and the exit status is 1 at the end so scripts notice.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { describeRun, makeTempDir, nearestTo, parseJson, runCli, word2vecText, writeFile, type Scored } from './e2e-helpers.ts';

const { dir, remove } = makeTempDir();
after(remove);
const model = writeFile(dir, 'tiny.txt', word2vecText());

function firstNeighbour(stdout: string, word: string): string | undefined {
  const block = stdout.split(`nearest to ${word}:\n`)[1];
  return block ? /^\s*1\. (\S+)/.exec(block)?.[1] : undefined;
}

test('similar prints the known words and names the unknown one, exit 1', { timeout: 30_000 }, async () => {
  const r = await runCli(['similar', model, 'king', 'NOT_A_WORD', 'apple', '-n', '2']);
  assert.equal(r.code, 1, describeRun(r));
  assert.equal(firstNeighbour(r.stdout, 'king'), nearestTo([['king', 1]])[0].word, describeRun(r));
  assert.equal(firstNeighbour(r.stdout, 'apple'), nearestTo([['apple', 1]])[0].word, describeRun(r));
  assert.doesNotMatch(r.stdout, /NOT_A_WORD/);
  assert.match(r.stderr, /"NOT_A_WORD" is not in the vocabulary/);
});

test('similar --json keeps one entry per word; the unknown word has an error instead of neighbours', { timeout: 30_000 }, async () => {
  const r = await runCli(['similar', model, 'king', 'NOT_A_WORD', 'apple', '-n', '2', '--json']);
  assert.equal(r.code, 1, describeRun(r));
  const out = parseJson<{ word: string; neighbours?: Scored[]; error?: { code: string; message: string } }[]>(r);
  assert.deepEqual(out.map((e) => e.word), ['king', 'NOT_A_WORD', 'apple']);
  assert.equal(out[0].neighbours?.[0].word, nearestTo([['king', 1]])[0].word);
  assert.equal(out[2].neighbours?.[0].word, nearestTo([['apple', 1]])[0].word);
  assert.equal(out[1].neighbours, undefined);
  assert.equal(out[1].error?.code, 'unknown_word');
});

test('similar with only known words still exits 0', { timeout: 30_000 }, async () => {
  const r = await runCli(['similar', model, 'king', 'apple', '-n', '2']);
  assert.equal(r.code, 0, describeRun(r));
  assert.equal(r.stderr, '');
});
