import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../../src/errors.ts';
import { loadEmbeddings, type LoadOptions, type VectorFormat } from '../../src/formats/index.ts';
import { withTempDir } from './vectors-helpers.ts';

/**
 * A "rows dim" header is checked before anything is allocated or read: a dimension no file this size can hold
 * one row of, or one past any sane bound, or a count that is not an exact integer, is a FormatError on line 1
 * naming the file and what was expected. Before, such headers aborted the process (an fs.read of 4 GB with a
 * limit) or threw a bare RangeError from the matrix allocation.
 */
const HUGE = [100_000, 1_000_000, 1_000_000_000, 2 ** 31 - 1, 2 ** 32, 1e12];

async function outcome(name: string, content: string | Buffer, format: VectorFormat | 'auto', options: LoadOptions = {}): Promise<unknown> {
  return withTempDir(async (dir) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    try {
      await loadEmbeddings(path, { format, ...options });
      return undefined;
    } catch (err) {
      if (err instanceof FormatError) assert.equal(err.location.file, path);
      return err;
    }
  });
}

function assertHeaderError(err: unknown, what: string): void {
  assert.ok(err instanceof FormatError, `${what}: expected a FormatError, got ${String(err)}`);
  assert.equal(err.location.line, 1, `${what}: ${err.message}`);
  assert.match(err.message, /header/, what);
  assert.match(err.message, /dimension|row count/, what);
}

function binaryWithHeader(header: string): Buffer {
  return Buffer.concat([Buffer.from(`${header}\nking `), Buffer.alloc(64)]);
}

test('word2vec binary: a dimension the file cannot hold one row of is refused at the header, with and without limit', async () => {
  for (const dim of HUGE) {
    for (const options of [{}, { limit: 1 }]) {
      const what = `binary dim ${dim} ${JSON.stringify(options)}`;
      assertHeaderError(await outcome('a.bin', binaryWithHeader(`2 ${dim}`), 'word2vec-binary', options), what);
    }
  }
});

test('word2vec text, .vec and .txt.gz: the same headers are refused at line 1', async () => {
  for (const dim of HUGE) {
    const text = `2 ${dim}\nking 0.1 0.2\nqueen 0.3 0.4\n`;
    for (const options of [{}, { limit: 1 }]) {
      assertHeaderError(await outcome('t.txt', text, 'word2vec-text', options), `text dim ${dim}`);
      assertHeaderError(await outcome('t.vec', text, 'auto', options), `.vec dim ${dim}`);
      assertHeaderError(await outcome('t.txt.gz', gzipSync(text), 'auto', options), `.txt.gz dim ${dim}`);
    }
  }
});

test('a row count that is not an exact integer is refused at the header', async () => {
  assertHeaderError(await outcome('r.txt', '99999999999999999999 2\nking 0.1 0.2\n', 'word2vec-text'), 'text rows 1e20');
  assertHeaderError(await outcome('r.bin', binaryWithHeader('99999999999999999999 2'), 'word2vec-binary'), 'binary rows 1e20');
});

test('a large dimension that the file does hold still loads', async () => {
  const dim = 70_000;
  const row = new Float32Array(dim).fill(0.5);
  const bin = Buffer.concat([Buffer.from(`1 ${dim}\nking `), Buffer.from(row.buffer)]);
  const e = (await withTempDir(async (dir) => {
    const path = join(dir, 'big.bin');
    writeFileSync(path, bin);
    return loadEmbeddings(path, { format: 'word2vec-binary', limit: 1 });
  }));
  assert.equal(e.dim, dim);
  assert.equal(e.vectors[dim - 1], 0.5);
});
