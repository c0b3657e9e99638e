import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FormatError } from '../../src/errors.ts';
import { loadEmbeddings, type LoadOptions, type VectorFormat } from '../../src/formats/index.ts';
import { needs } from '../helpers/oracles.ts';
import { expectLoaded, gensimRead, withTempDir } from './vectors-helpers.ts';

/** word2vec binary bytes: header, then "word " + float32 LE (+ "\n" when `newline`). */
function binary(header: string, rows: [string, number[]][], newline = true): Buffer {
  const parts = [Buffer.from(header)];
  for (const [w, v] of rows) {
    parts.push(Buffer.from(`${w} `), Buffer.from(new Float32Array(v).buffer));
    if (newline) parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

interface Expected {
  message: RegExp;
  line?: number;
  byte?: number;
}

async function assertFormatError(content: string | Buffer, format: VectorFormat | 'auto', expected: Expected, options: LoadOptions = {}): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, 'bad');
    writeFileSync(path, content);
    await assert.rejects(loadEmbeddings(path, { format, ...options }), (err: unknown) => {
      assert.ok(err instanceof FormatError, `expected a FormatError, got ${String(err)}`);
      assert.match(err.message, expected.message);
      assert.equal(err.location.file, path);
      assert.equal(err.location.line, expected.line, `line in ${err.message}`);
      assert.equal(err.location.byte, expected.byte, `byte in ${err.message}`);
      return true;
    });
  });
}

test('empty files are refused in every format, at byte 0', async () => {
  for (const format of ['auto', 'word2vec-text', 'word2vec-binary', 'glove-text', 'fasttext-vec'] as const) {
    await assertFormatError('', format, { message: /the file is empty/, byte: 0 });
  }
});

// Found by the fuzz test (test/fuzz/text-gzip.fuzz.test.ts): a damaged gzip file's error named no offset.
test('gzip: a truncated or damaged stream names the offset in the text where decompression failed', async () => {
  const text = Buffer.from('2 3\na 1 2 3\nb 4 5 6\n');
  const gz = gzipSync(text);
  await assertFormatError(gz.subarray(0, gz.length - 4), 'auto', { message: /cannot decompress gzip data \(20 bytes of text decompressed before the error\): unexpected end of file/, byte: 20 });
  const badCrc = Buffer.from(gz);
  badCrc[badCrc.length - 6] ^= 1;
  await assertFormatError(badCrc, 'word2vec-text', { message: /cannot decompress gzip data .*incorrect data check/, byte: 0 });
});

test('text: fewer rows than the header says', async () => {
  await assertFormatError('3 2\na 1 2\nb 3 4\n', 'word2vec-text', { message: /header says 3 rows, but the file ends after 2/, line: 4 });
});

test('text: more rows than the header says', async () => {
  await assertFormatError('1 2\na 1 2\nb 3 4\n', 'word2vec-text', { message: /header says 1 rows, but the file has more: this line is row 2/, line: 3 });
});

test('text: ragged rows name the line, the expected and the found count', async () => {
  await assertFormatError('2 3\na 1 2 3\nb 1 2\n', 'word2vec-text', { message: /expected 3 values after "b" \(the header's dimension\), found 2/, line: 3 });
  await assertFormatError('2 3\na 1 2 3\nb 1 2 3 4 5\n', 'word2vec-text', { message: /expected 3 values after "b" .*found 5/, line: 3 });
  await assertFormatError('a 1 2 3\nb 1 2 3\nc 1 2\n', 'glove-text', { message: /expected 3 values after "c" \(the dimension of line 1\), found 2/, line: 3 });
});

test('text: a cut last line is reported as a likely truncation', async () => {
  await assertFormatError('2 3\na 1 2 3\nb 1 2', 'word2vec-text', { message: /found 2 \(the last line has no newline: is the file truncated\?\)/, line: 3 });
});

test('text: non-numeric, NaN, infinite and float32-overflowing values', async () => {
  await assertFormatError('1 3\nw 1 abc 3\n', 'word2vec-text', { message: /expected a number as value 2 of "w", found "abc"/, line: 2 });
  await assertFormatError('w 1 2 3\nx 1 2 nan\n', 'glove-text', { message: /value 3 of "x" is nan: vectors must be finite/, line: 2 });
  await assertFormatError('1 3\nw -inf 2 3\n', 'word2vec-text', { message: /value 1 of "w" is -inf: vectors must be finite/, line: 2 });
  await assertFormatError('1 3\nw 1 1e39 3\n', 'word2vec-text', { message: /value 2 of "w" \(1e39\) is outside the float32 range/, line: 2 });
  await assertFormatError('1 3\nw 1 0x10 3\n', 'word2vec-text', { message: /found "0x10"/, line: 2 });
});

test('text: header problems and an empty line inside the data', async () => {
  await assertFormatError('a 1 2\n', 'word2vec-text', { message: /expected a header "<rows> <dimension>", found "a 1 2".*glove-text/, line: 1 });
  await assertFormatError('1 0\n', 'word2vec-text', { message: /expected a dimension ≥ 1 in the header, found 0/, line: 1 });
  await assertFormatError('3 2\na 1 2\n\nb 3 4\nc 5 6\n', 'word2vec-text', { message: /empty line inside the data/, line: 3 });
});

test('text: trailing blank lines and CRLF line ends are accepted', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'ok.txt');
    writeFileSync(path, '2 2\r\na 1 2 \r\nb 3 4\r\n\n\n');
    const emb = await loadEmbeddings(path);
    assert.deepEqual(emb.vocab.words, ['a', 'b']);
    assert.deepEqual([...emb.vectors], [1, 2, 3, 4]);
  });
});

test('binary: truncated inside a vector, inside a word, or after the last full row', async () => {
  const full = binary('3 2\n', [['ab', [1, 2]], ['cd', [3, 4]], ['ef', [5, 6]]]);
  // header 4 bytes; rows of "xx " + 8 + "\n" = 12 bytes: row 3 starts at 28, its vector at 31.
  await assertFormatError(full.subarray(0, 35), 'word2vec-binary', { message: /row 3 \("ef"\): expected 8 bytes of vector, found 4 .*truncated/, byte: 31 });
  await assertFormatError(full.subarray(0, 29), 'word2vec-binary', { message: /row 3: the file ends inside a word/, byte: 29 });
  await assertFormatError(full.subarray(0, 28), 'word2vec-binary', { message: /header says 3 rows, but the file ends after 2/, byte: 28 });
});

test('binary: more rows than the header says', async () => {
  const extra = binary('1 2\n', [['ab', [1, 2]], ['cd', [3, 4]]]);
  await assertFormatError(extra, 'word2vec-binary', { message: /header says 1 rows, but more data follows/, byte: 16 });
});

test('binary: NaN and infinity name the row, the value and its byte', async () => {
  await assertFormatError(binary('2 2\n', [['ab', [1, 2]], ['cd', [3, NaN]]]), 'word2vec-binary', { message: /row 2 \("cd"\): value 2 is NaN/, byte: 23 });
  await assertFormatError(binary('1 2\n', [['ab', [-Infinity, 2]]], false), 'word2vec-binary', { message: /row 1 \("ab"\): value 1 is -Infinity/, byte: 7 });
  // Opposite infinities in one row (their sum is NaN, not an infinity).
  await assertFormatError(binary('1 2\n', [['ab', [Infinity, -Infinity]]], false), 'word2vec-binary', { message: /row 1 \("ab"\): value 1 is Infinity/, byte: 7 });
});

test('a header promising billions of rows fails as a truncated file, without trying to allocate them', async () => {
  await assertFormatError('99999999999 300\na 1\n', 'word2vec-text', { message: /expected 300 values after "a"/, line: 2 });
  await assertFormatError('99999999999 3\na 1 2 3\n', 'word2vec-text', { message: /header says 99999999999 rows, but the file ends after 1/, line: 3 });
  await assertFormatError(binary('99999999999 2\n', [['ab', [1, 2]]]), 'word2vec-binary', { message: /header says 99999999999 rows, but the file ends after 1/, byte: 26 });
});

test('binary: a bad header', async () => {
  await assertFormatError('two 2\nab ', 'word2vec-binary', { message: /expected a header "<rows> <dimension>", found "two 2"/, line: 1 });
});

test('binary: rows with and without the newline after the vector both load, even mixed', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'mixed.bin');
    writeFileSync(path, Buffer.concat([binary('3 2\n', [['ab', [1, 2]]], true), binary('', [['cd', [3, 4]], ['ef', [5, 6]]], false)]));
    const emb = await loadEmbeddings(path);
    assert.deepEqual(emb.vocab.words, ['ab', 'cd', 'ef']);
    assert.deepEqual([...emb.vectors], [1, 2, 3, 4, 5, 6]);
  });
});

test('duplicate words: the first row wins, a warning names the line (text) or byte (binary), as gensim keeps the first', async (t) => {
  await withTempDir(async (dir) => {
    const text = join(dir, 'dup.txt');
    writeFileSync(text, '4 2\na 1 2\nb 3 4\na 5 6\nc 7 8\n');
    const warnings: string[] = [];
    const emb = await loadEmbeddings(text, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(emb.vocab.words, ['a', 'b', 'c']);
    assert.deepEqual([...emb.vectors], [1, 2, 3, 4, 7, 8]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 4: duplicate word "a" \\(first at line 2\\); keeping the first vector$`));

    const bin = join(dir, 'dup.bin');
    writeFileSync(bin, binary('3 1\n', [['x', [1]], ['y', [2]], ['x', [3]]]));
    const binWarnings: string[] = [];
    const b = await loadEmbeddings(bin, { onWarning: (m) => binWarnings.push(m) });
    assert.deepEqual(b.vocab.words, ['x', 'y']);
    assert.deepEqual([...b.vectors], [1, 2]);
    assert.match(binWarnings[0], /, byte 18: duplicate word "x" \(first at byte 4\)/);

    if (!needs(t, 'gensim')) return;
    const [g, gb] = gensimRead([
      { path: text, binary: false },
      { path: bin, binary: true },
    ]).map(expectLoaded);
    // gensim 4.2 leaves an empty slot (null word, zero row) at the end for each skipped duplicate; we drop it.
    assert.deepEqual(g.words.slice(0, 3), emb.vocab.words);
    assert.equal(g.words[3], null);
    assert.deepEqual([...g.vectors.subarray(0, 6)], [...emb.vectors]);
    assert.deepEqual(gb.words.filter((w) => w !== null), b.vocab.words);
  });
});

test('invalid UTF-8: strict names the byte; replace and ignore match Python/gensim', async (t) => {
  // "caf" + a cut 2-byte sequence, as the word2vec C tool leaves when it truncates long words by bytes.
  const bad = Buffer.concat([Buffer.from('2 2\nok 1 2\ncaf'), Buffer.from([0xc3]), Buffer.from('x\xe2\x82 3 4\n', 'latin1')]);
  await assertFormatError(bad, 'word2vec-text', { message: /invalid UTF-8 in a word: byte 0xc3/, line: 3, byte: 14 });
  const badBin = Buffer.concat([Buffer.from('1 1\nab'), Buffer.from([0xff]), Buffer.from(' '), Buffer.from(new Float32Array([1]).buffer)]);
  await assertFormatError(badBin, 'word2vec-binary', { message: /row 1: invalid UTF-8 in a word: byte 0xff/, byte: 6 });
  await withTempDir(async (dir) => {
    const text = join(dir, 'bad.txt');
    const bin = join(dir, 'bad.bin');
    writeFileSync(text, bad);
    writeFileSync(bin, badBin);
    const ours = [
      await loadEmbeddings(text, { unicodeErrors: 'replace' }),
      await loadEmbeddings(text, { unicodeErrors: 'ignore' }),
      await loadEmbeddings(bin, { unicodeErrors: 'replace' }),
      await loadEmbeddings(bin, { unicodeErrors: 'ignore' }),
    ];
    assert.equal(ours[0].vocab.word(1), 'caf\ufffdx\ufffd');
    assert.equal(ours[1].vocab.word(1), 'cafx');
    assert.deepEqual(ours[2].vocab.words, ['ab\ufffd']);
    assert.deepEqual(ours[3].vocab.words, ['ab']);
    assert.deepEqual([...ours[0].vectors], [1, 2, 3, 4]);
    if (!needs(t, 'gensim')) return;
    const reference = gensimRead([
      { path: text, binary: false, unicode_errors: 'replace' },
      { path: text, binary: false, unicode_errors: 'ignore' },
      { path: bin, binary: true, unicode_errors: 'replace' },
      { path: bin, binary: true, unicode_errors: 'ignore' },
    ]).map(expectLoaded);
    ours.forEach((o, k) => assert.deepEqual(o.vocab.words, reference[k].words, `case ${k}`));
  });
});

test('random bytes are not taken for vectors', async () => {
  await assertFormatError(Buffer.from([0, 1, 2, 3, 0xff, 0xfe]), 'auto', { message: /not a vectors file/, byte: 0 });
});
