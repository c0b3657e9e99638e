import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../../src/errors.ts';
import { loadEmbeddings, type LoadOptions, type VectorFormat } from '../../src/formats/index.ts';
import { withTempDir } from './vectors-helpers.ts';

/**
 * Lines and words are capped (LoadOptions maxLineBytes, maxWordBytes): a small gzip that inflates into one
 * enormous "word" or one enormous line of spaces fails fast with the file, line and the limit, instead of
 * building a string of hundreds of megabytes (a 611 KB .gz of one 600 MB word took 47 s and 1.9 GB).
 */
const MB = 1 << 20;

/** CPU milliseconds this process spent since `start`: unlike wall time, other processes on a busy machine do not inflate it. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function load(name: string, content: Buffer | string, format: VectorFormat | 'auto', options: LoadOptions = {}): Promise<{ err: unknown; ms: number; path: string }> {
  return withTempDir(async (dir) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    const start = process.cpuUsage();
    try {
      await loadEmbeddings(path, { format, ...options });
      return { err: undefined, ms: cpuMsSince(start), path };
    } catch (err) {
      return { err, ms: cpuMsSince(start), path };
    }
  });
}

const hugeWord = gzipSync(Buffer.concat([Buffer.from('2 3\n'), Buffer.alloc(50 * MB, 'a'), Buffer.from(' 1 2 3\n')]));
const spaceBomb = gzipSync(Buffer.concat([Buffer.from('w 1 2 3\n'), Buffer.alloc(50 * MB, ' ')]));

for (const format of ['word2vec-text', 'fasttext-vec', 'glove-text'] as const) {
  test(`${format}: a .gz of one 50 MB word fails fast with file, line and the limit`, async () => {
    const { err, ms, path } = await load('word.txt.gz', hugeWord, format);
    assert.ok(err instanceof FormatError, String(err));
    assert.equal(err.location.file, path);
    // glove-text has no header: its line 1 is "2 3", the word is on line 2 for every format.
    assert.equal(err.location.line, 2);
    assert.match(err.message, /longer than|more than/);
    assert.match(err.message, /maxLineBytes|maxWordBytes/);
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms of CPU`);
  });
}

test('glove-text: a gzip bomb of spaces after a row fails fast on its line', async () => {
  const { err, ms, path } = await load('spaces.txt.gz', spaceBomb, 'glove-text');
  assert.ok(err instanceof FormatError, String(err));
  assert.equal(err.location.file, path);
  assert.equal(err.location.line, 2);
  assert.match(err.message, /maxLineBytes/);
  assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms of CPU`);
});

test('the caps are LoadOptions: a word or line over a lowered cap fails, the defaults load it', async () => {
  const long = `${'x'.repeat(300)} 1 2 3\nb 4 5 6\n`;
  assert.equal((await load('ok.txt', long, 'glove-text')).err, undefined);
  const word = (await load('w.txt', long, 'glove-text', { maxWordBytes: 100 })).err;
  assert.ok(word instanceof FormatError, String(word));
  assert.equal(word.location.line, 1);
  assert.match(word.message, /maxWordBytes/);
  const line = (await load('l.txt', `a 1 2 3\nb ${'1 '.repeat(200)}\n`, 'glove-text', { maxLineBytes: 100 })).err;
  assert.ok(line instanceof FormatError, String(line));
  assert.equal(line.location.line, 2);
  assert.match(line.message, /maxLineBytes/);
});

test('word2vec binary: maxWordBytes caps its words too', async () => {
  const row = (w: string) => Buffer.concat([Buffer.from(`${w} `), Buffer.from(new Float32Array([1, 2]).buffer), Buffer.from('\n')]);
  const file = Buffer.concat([Buffer.from('2 2\n'), row('a'), row('y'.repeat(300))]);
  assert.equal((await load('ok.bin', file, 'word2vec-binary')).err, undefined);
  const { err } = await load('w.bin', file, 'word2vec-binary', { maxWordBytes: 100 });
  assert.ok(err instanceof FormatError, String(err));
  assert.match(err.message, /maxWordBytes/);
  assert.equal(typeof err.location.byte, 'number');
});

test('glove-text: a gzip bomb of blank lines after the last row fails fast (200 MB of newlines took 22 s)', async () => {
  const bomb = gzipSync(Buffer.concat([Buffer.from('w 1 2 3\n'), Buffer.alloc(50 * MB, '\n')]));
  const { err, ms, path } = await load('newlines.txt.gz', bomb, 'glove-text');
  assert.ok(err instanceof FormatError, String(err));
  assert.equal(err.location.file, path);
  assert.equal(err.location.line, 2, 'where the blank lines start');
  assert.match(err.message, /maxLineBytes/);
  assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms of CPU`);
  // A few blank lines at the end stay fine.
  assert.equal((await load('tail.txt', 'w 1 2 3\n\n\n \n', 'glove-text')).err, undefined);
});
