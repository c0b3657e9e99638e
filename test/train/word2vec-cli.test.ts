import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { normalizeArgv } from '../../src/cli/argv.ts';
import { registerTrain, word2vecOptionsFromFlags } from '../../src/cli/commands/train.ts';
import { EmbedkitError, InvalidArgumentError } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-w2v-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The command as the embedkit program mounts it (exit override, single-dash flags normalized). */
async function run(args: string[]): Promise<string> {
  const program = new Command('embedkit').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerTrain(program);
  const known = new Set<string>();
  const collect = (c: Command) => {
    for (const o of c.options) if (o.long) known.add(o.long.replace(/^--(no-)?/, ''));
    c.commands.forEach(collect);
  };
  collect(program);
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(normalizeArgv(['train', 'word2vec', ...args], known), { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return out;
}

/** The real binary in a child process: its stdout is only the command's output (the test runner reports on ours). */
function runCli(args: string[]): string {
  const r = spawnSync(process.execPath, ['bin/embedkit.js', 'train', 'word2vec', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

function corpusFile(): string {
  const p = join(dir, 'corpus.txt');
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) lines.push(`the cat sat on the mat number ${i % 7} and the dog ran ${i % 3}`);
  writeFileSync(p, lines.join('\n'));
  return p;
}

test('word2vec C style flags train and write text vectors; --json prints a summary', async () => {
  const input = corpusFile();
  const output = join(dir, 'vec.txt');
  const out = runCli(['-train', input, '-output', output, '-size', '12', '-window', '3', '-cbow', '0', '-hs', '1', '-negative', '0', '-min-count', '1', '-iter', '2', '-threads', '1', '-binary', '0', '--json', '--quiet']);
  const summary = JSON.parse(out);
  assert.equal(summary.dim, 12);
  assert.equal(summary.architecture, 'skipgram');
  const header = readFileSync(output, 'utf8').split('\n')[0];
  assert.equal(header, `${summary.vocabSize} 12`);
});

test('flags map one to one to library options', () => {
  const o = word2vecOptionsFromFlags({ input: 'x', output: 'y', skipgram: true, size: 50, iter: 3, minCount: 2, cbowMean: false, hs: true, negative: 0 });
  assert.equal(o.cbow, false);
  assert.equal(o.dim, 50);
  assert.equal(o.epochs, 3);
  assert.equal(o.minCount, 2);
  assert.equal(o.cbowMean, false);
  assert.throws(() => word2vecOptionsFromFlags({ output: 'y' }), InvalidArgumentError);
  assert.throws(() => word2vecOptionsFromFlags({ input: 'x', output: 'y', dim: 10, size: 20 }), /disagree/);
  assert.throws(() => word2vecOptionsFromFlags({ input: 'x', output: 'y', cbow: true, skipgram: true }), /exclude/);
});

test('bad flag values and inputs fail with a clear message and write nothing', async () => {
  const input = corpusFile();
  const output = join(dir, 'bad.txt');
  await assert.rejects(run(['--input', input, '--output', output, '--dim', '0']), (e: Error) => e instanceof InvalidArgumentError && /--dim expects a positive integer, got "0"/.test(e.message));
  await assert.rejects(run(['--input', input, '--output', output, '--window', 'five']), /--window expects a positive integer/);
  await assert.rejects(run(['--input', input, '--output', output, '--hs', 'maybe']), /--hs expects 0 or 1/);
  await assert.rejects(run(['--input', input, '--output', output, '--negative', '0', '--quiet']), /negative 0 without hs/);
  await assert.rejects(run(['--input', join(dir, 'missing.txt'), '--output', output, '--quiet']), (e: Error) => e instanceof EmbedkitError && /missing\.txt/.test(e.message));
  await assert.rejects(run(['--input', input, '--output', output, '--min-count', '100000', '--quiet']), /min-count 100000 removes every word/);
  assert.ok(!existsSync(output));
});
