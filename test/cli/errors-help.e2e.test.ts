// End-to-end: bad input stops the real `embedkit` binary with a non-zero exit and a message that names the file and
// the line or byte (or the unknown word), never a stack trace; and `--help` works on every command, with examples.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describeRun, makeTempDir, runCli, word2vecBinary, word2vecText, WORDS, writeFile, type CliResult } from './e2e-helpers.ts';

const tmp = makeTempDir();
let good = '';
before(() => {
  good = writeFile(tmp.dir, 'good.txt', word2vecText());
});
after(() => tmp.remove());

/** Fails unless the run exited non-zero with one `embedkit: ...` message matching every pattern, and no stack trace. */
function assertFails(r: CliResult, ...patterns: (string | RegExp)[]): void {
  assert.ok(r.code !== 0 && r.code !== null, describeRun(r));
  assert.equal(r.stdout, '', describeRun(r));
  assert.match(r.stderr, /^embedkit: /, describeRun(r));
  assert.doesNotMatch(r.stderr, /\n\s+at /, `stack trace printed:\n${r.stderr}`);
  for (const p of patterns) {
    if (typeof p === 'string') assert.ok(r.stderr.includes(p), `${JSON.stringify(p)} not in:\n${r.stderr}`);
    else assert.match(r.stderr, p);
  }
}

/** The fixture as word2vec text with line `line` (1 = header) replaced. */
function textWith(line: number, content: string, header?: string): string {
  const lines = word2vecText(WORDS, undefined, header).split('\n');
  lines[line - 1] = content;
  return lines.join('\n');
}

describe('bad input', { concurrency: 4 }, () => {
  it('missing file', async () => {
    const path = join(tmp.dir, 'no-such-file.bin');
    assertFails(await runCli(['info', path]), path, /no such file/i);
  });

  it('empty file', async () => {
    const path = writeFile(tmp.dir, 'empty.txt', '');
    assertFails(await runCli(['similar', path, 'king']), path, /empty/);
  });

  it('truncated word2vec binary: the byte where the vector is cut', async () => {
    const { bytes, vectorOffsets } = word2vecBinary();
    const cut = vectorOffsets[2] + 5; // inside the third vector ("man")
    const path = writeFile(tmp.dir, 'truncated.bin', bytes.subarray(0, cut));
    const r = await runCli(['info', path, '--json']);
    assertFails(r, path, /truncated/);
    const byte = Number(/byte (\d+)/.exec(r.stderr)?.[1]);
    assert.ok(byte === vectorOffsets[2] || byte === cut, `byte ${byte}: expected ${vectorOffsets[2]} (vector start) or ${cut} (end of file)`);
  });

  it('NaN in a word2vec binary: the byte of the value', async () => {
    const { bytes, vectorOffsets } = word2vecBinary();
    const copy = Buffer.from(bytes);
    copy.writeFloatLE(Number.NaN, vectorOffsets[3] + 8); // third value of "woman"
    const path = writeFile(tmp.dir, 'nan.bin', copy);
    assertFails(await runCli(['info', path]), path, `byte ${vectorOffsets[3] + 8}`, /NaN/, /woman/);
  });

  it('ragged row in word2vec text', async () => {
    const path = writeFile(tmp.dir, 'ragged.txt', textWith(4, 'man 0.125 0.5 0'));
    assertFails(await runCli(['query', path, 'king - man + woman']), `${path}, line 4`, /expected 4 values/, /found 3/);
  });

  it('ragged row in GloVe text (no header)', async () => {
    const lines = word2vecText().split('\n').slice(1);
    lines[6] = `${WORDS[7]} 0.25 -0.625 -0.25 0.625 1`;
    const path = writeFile(tmp.dir, 'ragged.glove.txt', lines.join('\n'));
    assertFails(await runCli(['info', path]), `${path}, line 7`, /found 5/);
  });

  it('NaN value in word2vec text', async () => {
    const path = writeFile(tmp.dir, 'nan.txt', textWith(3, 'queen 1 NaN 0.25 0.125'));
    assertFails(await runCli(['analogy', path, 'man', 'king', 'woman']), `${path}, line 3`, /NaN/);
  });

  it('Inf value in GloVe text', async () => {
    const lines = word2vecText().split('\n').slice(1);
    lines[1] = 'queen 1 -0.5 inf 0.125';
    const path = writeFile(tmp.dir, 'inf.glove.txt', lines.join('\n'));
    assertFails(await runCli(['info', path, '--format', 'glove-text']), `${path}, line 2`, /inf/i);
  });

  it('header promises more rows than the file has', async () => {
    const path = writeFile(tmp.dir, 'short.txt', word2vecText(WORDS, undefined, `${WORDS.length + 2} 4`));
    assertFails(await runCli(['info', path]), path, `line ${WORDS.length + 2}`, new RegExp(`header says ${WORDS.length + 2} rows`));
  });

  it('header promises fewer rows than the file has', async () => {
    const path = writeFile(tmp.dir, 'long.txt', word2vecText(WORDS, undefined, `${WORDS.length - 1} 4`));
    assertFails(await runCli(['convert', path, join(tmp.dir, 'long.out.bin'), '--to', 'word2vec-binary']), `${path}, line ${WORDS.length + 1}`, /header says/);
  });

  it('unknown word in a query names the word', async () => {
    assertFails(await runCli(['query', good, 'king - man + zebra', '--json']), '"zebra"', /not in the vocabulary/);
  });

  // similar with known words beside the unknown one prints theirs first: test/cli/similar-unknown-word.e2e.test.ts.
  it('unknown word in similar and analogy names the word', async () => {
    const [similar, analogy] = await Promise.all([runCli(['similar', good, 'unicorn']), runCli(['analogy', good, 'man', 'kingdom', 'woman'])]);
    assertFails(similar, '"unicorn"');
    assertFails(analogy, '"kingdom"');
  });

  it('malformed analogy question names the file and line', async () => {
    const questions = writeFile(tmp.dir, 'questions.txt', ': s\nman king woman queen\nman king woman\n');
    assertFails(await runCli(['eval', good, '--analogies', questions]), questions, /line 3/);
  });

  it('eval without an evaluation file says what to give', async () => {
    assertFails(await runCli(['eval', good]), /--analogies/, /--pairs/);
  });
});

describe('--help', { concurrency: 4 }, () => {
  const commands: [string, string][] = [
    ['info', 'embedkit info '],
    ['similar', 'embedkit similar '],
    ['analogy', 'embedkit analogy '],
    ['query', 'embedkit query '],
    ['eval', 'embedkit eval '],
    ['convert', 'embedkit convert '],
  ];
  for (const [command, example] of commands) {
    it(`embedkit ${command} --help: usage, options and an example`, async () => {
      const r = await runCli([command, '--help']);
      assert.equal(r.code, 0, describeRun(r));
      assert.match(r.stdout, new RegExp(`^Usage: embedkit ${command} `, 'm'));
      assert.match(r.stdout, /--json/);
      assert.match(r.stdout, /Examples:/);
      assert.ok(r.stdout.includes(`$ ${example}`), r.stdout);
    });
  }

  it('embedkit --help lists the commands, with examples', async () => {
    const r = await runCli(['--help']);
    assert.equal(r.code, 0, describeRun(r));
    for (const [command] of commands) assert.match(r.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
    assert.match(r.stdout, /Examples:/);
  });
});
