import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { getTokenizer, whitespaceTokenizer, type TokenizerName } from '../../src/text/tokenize.ts';
import { InvalidArgumentError } from '../../src/errors.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';


test('whitespace: runs between whitespace, punctuation and case kept', () => {
  const t = getTokenizer('whitespace');
  assert.equal(t, whitespaceTokenizer);
  assert.deepEqual(t('  The cat,\tsat\u00a0on  the mat.  '), ['The', 'cat,', 'sat', 'on', 'the', 'mat.']);
  assert.deepEqual(t(''), []);
  assert.deepEqual(t(' \t '), []);
  assert.deepEqual(t('single'), ['single']);
});

test('whitespace splits exactly where Python str.split() does (gensim LineSentence)', (t) => {
  if (!needs(t, 'python3')) return;
  // Every separator candidate between letters, including ones Python and JavaScript's \s disagree on.
  const codes = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b, 0x1c, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x180e, 0x2000, 0x200a, 0x200b, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff];
  const line = codes.map((c, i) => `w${i}${String.fromCharCode(c)}`).join('') + 'end';
  const r = spawnSync(PYTHON, ['-c', 'import sys, json; print(json.dumps(json.loads(sys.stdin.read()).split()))'], { input: JSON.stringify(line), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(whitespaceTokenizer(line), JSON.parse(r.stdout));
});

test('unicode: letter, mark and digit runs; punctuation dropped; case kept', () => {
  const t = getTokenizer('unicode');
  assert.deepEqual(t("Don't stop—café, naïve (COVID-19) x_y"), ['Don', 't', 'stop', 'café', 'naïve', 'COVID', '19', 'x_y']);
  // A decomposed é (e + combining acute) stays inside its word.
  assert.deepEqual(t('cafe\u0301 ok'), ['cafe\u0301', 'ok']);
  assert.deepEqual(t('Москва и Київ'), ['Москва', 'и', 'Київ']);
  assert.deepEqual(t('... !!!'), []);
});

test('jieba: punctuation-only tokens are dropped, as the unicode tokenizer drops punctuation', () => {
  const t = getTokenizer('jieba');
  const tokens = t('我们今天去学校，他喜欢吃苹果！她在北京工作。“你好”…… 真的？ 好 ， ok');
  for (const w of ['我们', '学校', '苹果', '北京', '你好', '真的', '好', 'ok']) assert.ok(tokens.includes(w), tokens.join('|'));
  const punctuationOnly = tokens.filter((w) => !/[\p{L}\p{M}\p{N}]/u.test(w));
  assert.deepEqual(punctuationOnly, [], tokens.join('|'));
  // Only the punctuation went: every letter is still there, in order.
  assert.equal(tokens.join(''), '我们今天去学校他喜欢吃苹果她在北京工作你好真的好ok');
});

test('jieba: Chinese text is segmented into words, other pieces are split on whitespace', () => {
  const t = getTokenizer('jieba');
  const tokens = t('我们在北京大学学习自然语言处理 and word2vec 模型');
  assert.ok(tokens.includes('北京大学'), tokens.join('|'));
  assert.ok(tokens.includes('学习'), tokens.join('|'));
  assert.ok(tokens.includes('and') && tokens.includes('word2vec'), tokens.join('|'));
  assert.equal(tokens.join(''), '我们在北京大学学习自然语言处理andword2vec模型', 'segmentation keeps every character');
  assert.ok(tokens.every((w) => w.trim() === w && w !== ''), 'no whitespace tokens');
  assert.deepEqual(t('hello  world'), ['hello', 'world'], 'non-Chinese lines tokenize as whitespace');
});

test('an unknown tokenizer name is refused with the valid names', () => {
  assert.throws(() => getTokenizer('bpe' as TokenizerName), (e: unknown) => e instanceof InvalidArgumentError && /whitespace, unicode, jieba/.test(e.message));
});
