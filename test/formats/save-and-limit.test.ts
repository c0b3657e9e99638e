import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError } from '../../src/errors.ts';
import { loadEmbeddings, saveEmbeddings } from '../../src/formats/index.ts';
import { readWord2VecBinary } from '../../src/formats/word2vec-binary.ts';
import { readWord2VecText } from '../../src/formats/word2vec-text.ts';
import { sampleEmbeddings, withTempDir } from './vectors-helpers.ts';

const quiet = { unicodeErrors: 'strict' as const, onWarning: () => undefined };

test('limit stops reading early: a few rows of a large file touch only its start, and its damaged end goes unseen', async () => {
  const words = Array.from({ length: 20_000 }, (_, i) => `w${i}`);
  const emb = sampleEmbeddings(words, 100);
  await withTempDir(async (dir) => {
    for (const [format, read] of [
      ['word2vec-binary', readWord2VecBinary],
      ['word2vec-text', readWord2VecText],
    ] as const) {
      const path = join(dir, format);
      await saveEmbeddings(emb, path, { format });
      const size = statSync(path).size;
      // Damage the last bytes: a full load must fail, a limited one must not notice.
      const fd = openSync(path, 'r+');
      writeSync(fd, Buffer.from('\u0000garbage'), 0, 8, size - 8);
      closeSync(fd);
      await assert.rejects(loadEmbeddings(path, { format }));
      const { embeddings, bytesRead } = await read(path, { ...quiet, limit: 10 });
      assert.equal(embeddings.size, 10);
      assert.deepEqual(embeddings.vocab.words, words.slice(0, 10));
      assert.deepEqual([...embeddings.vectors], [...emb.vectors.subarray(0, 1000)]);
      assert.ok(bytesRead * 10 < size, `${format}: read ${bytesRead} of ${size} bytes for 10 rows`);
    }
  });
});

test('a save that fails midway leaves no file and no temporary file, and keeps an existing target intact', async () => {
  const words = Array.from({ length: 20_000 }, (_, i) => (i === 15_000 ? 'two words' : `w${i}`));
  const emb = sampleEmbeddings(words, 100);
  await withTempDir(async (dir) => {
    for (const format of ['word2vec-binary', 'word2vec-text', 'glove-text'] as const) {
      await assert.rejects(saveEmbeddings(emb, join(dir, 'out'), { format }), (err: unknown) => {
        assert.ok(err instanceof InvalidArgumentError);
        assert.match(err.message, /row 15001: the word "two words" cannot be written/);
        return true;
      });
      assert.deepEqual(readdirSync(dir), [], `${format}: nothing left behind`);
    }
    writeFileSync(join(dir, 'keep'), 'old content');
    await assert.rejects(saveEmbeddings(emb, join(dir, 'keep'), { format: 'word2vec-binary' }));
    assert.equal(readFileSync(join(dir, 'keep'), 'utf8'), 'old content');
    assert.deepEqual(readdirSync(dir), ['keep']);
    await assert.rejects(saveEmbeddings(emb, join(dir, 'missing-folder', 'out'), { format: 'word2vec-binary' }), /missing-folder does not exist/);
    assert.deepEqual(readdirSync(dir), ['keep']);
  });
});

test('an interrupted save (SIGTERM while writing) leaves no file and no temporary file', async () => {
  await withTempDir(async (dir) => {
    const target = join(dir, 'vectors.txt');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/formats/save-child.ts', target], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until the temporary file exists and has content, then interrupt.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const temp = readdirSync(dir).find((f) => f.includes('.tmp-'));
      if (temp && statSync(join(dir, temp)).size > 0) break;
      if (Date.now() > deadline) assert.fail('the child never started writing');
      await sleep(5);
    }
    child.kill('SIGTERM');
    assert.equal(await exited, 143);
    assert.equal(out, '', 'the save was interrupted before it finished');
    assert.deepEqual(readdirSync(dir), []);
  });
});
