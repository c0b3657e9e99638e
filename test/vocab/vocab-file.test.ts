import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { readVocab, saveVocab } from '../../src/vocab/vocab-file.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { FormatError, InvalidArgumentError } from '../../src/errors.ts';
import { dataFile } from '../helpers/oracles.ts';
import { tempFiles } from '../text/helpers/files.ts';

const files = tempFiles();
test.after(() => files.cleanup());

test('save writes "word count" lines in vocabulary order; read gives the same vocabulary back', async () => {
  const vocab = new Vocabulary(['the', 'naïve', '北京', 'x,y'], [10, 4, 4, 1]);
  const path = `${files.dir}/v.vocab`;
  await saveVocab(vocab, path);
  assert.equal(readFileSync(path, 'utf8'), 'the 10\nnaïve 4\n北京 4\nx,y 1\n');
  const back = await readVocab(path);
  assert.deepEqual(back.words, vocab.words);
  assert.deepEqual([...back.counts], [...vocab.counts]);
  assert.deepEqual(readdirSync(files.dir).filter((f) => f.includes('.tmp-')), [], 'no temporary file left');
});

test('reads a vocabulary written by the word2vec C tool (shared fixture)', async () => {
  const path = dataFile('fixtures/w2v-c-lee.vocab')!;
  const text = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const v = await readVocab(path);
  assert.equal(v.size, text.length);
  assert.equal(v.word(0), '</s>');
  const [w, c] = text[1].split(' ');
  assert.equal(v.word(1), w);
  assert.equal(v.count(1), Number(c));
  // Round trip reproduces the file byte for byte.
  const out = `${files.dir}/lee.vocab`;
  await saveVocab(v, out);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(path, 'utf8'));
});

test('malformed lines are FormatErrors with file and line', async () => {
  const cases: [string, RegExp][] = [
    ['a 1\nb\n', /line 2: expected "word count", found 1 field/],
    ['a 1\nb 2 3\n', /line 2: expected "word count", found 3 fields/],
    ['a 1\n\nb x\n', /line 3: expected a non-negative integer count after "b", found "x"/],
    ['a -4\n', /line 1: expected a non-negative integer count/],
    ['a 1.5\n', /line 1: expected a non-negative integer count/],
    ['\n\n', /line 3: the vocabulary file has no words/],
    ['', /line 1: the vocabulary file has no words/],
  ];
  for (const [i, [content, message]] of cases.entries()) {
    const p = files.file(`bad${i}.vocab`, content);
    await assert.rejects(readVocab(p), (e: unknown) => e instanceof FormatError && e.message.includes(p) && message.test(e.message), content);
  }
});

test('words that cannot be written in the format are refused before anything is written', async () => {
  const path = `${files.dir}/never.vocab`;
  await assert.rejects(saveVocab(new Vocabulary(['ok', 'two words'], [2, 1]), path), InvalidArgumentError);
  await assert.rejects(saveVocab(new Vocabulary(['ok', ''], [2, 1]), path), InvalidArgumentError);
  assert.ok(!readdirSync(files.dir).includes('never.vocab'));
});
