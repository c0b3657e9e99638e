import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { trainWord2Vec } from '../../src/train/word2vec.ts';
import { trainFastText } from '../../src/train/fasttext.ts';
import { trainGlove } from '../../src/train/glove.ts';
import type { TokenizerName } from '../../src/text/tokenize.ts';

/** A few hundred lines of simple Chinese sentences, written without spaces as Chinese text is. */
const SENTENCES = ['我们今天去学校。', '他喜欢吃苹果！', '她在北京工作，我们去看她。', '今天天气很好。', '我喜欢学习中文。', '他们在学校学习。'];
const chinese = Array.from({ length: 300 }, (_, i) => SENTENCES[i % SENTENCES.length]);
const english = Array.from({ length: 300 }, (_, i) => ['the cat sat on the mat.', 'a dog ran in the park.'][i % 2]);

const common = { dim: 8, minCount: 1, epochs: 1, threads: 1 } as const;

test('word2vec: a Chinese corpus without a tokenizer is segmented by jieba, and the choice is reported', async () => {
  const chosen: { name: TokenizerName; detected: boolean }[] = [];
  const { embeddings } = await trainWord2Vec({ ...common, input: corpusFromLines(chinese), onTokenizer: (c) => chosen.push(c) });
  const words = embeddings.vocab.words;
  for (const w of ['我们', '学校', '北京', '喜欢']) assert.ok(words.includes(w), `${w} in ${words.join(' ')}`);
  // Neither whole lines nor single characters only.
  assert.ok(!words.includes('我们今天去学校。'));
  assert.deepEqual(chosen, [{ name: 'jieba', detected: true }]);
});

test('fastText and GloVe detect Chinese too', async () => {
  const ft = await trainFastText({ ...common, bucket: 1000, input: corpusFromLines(chinese) });
  assert.ok(ft.embeddings.vocab.words.includes('学校'));
  const gl = await trainGlove({ ...common, input: corpusFromLines(chinese) });
  assert.ok(gl.embeddings.vocab.words.includes('学校'));
});

test('an explicit tokenizer always wins, and other text keeps the whitespace default', async () => {
  const chosen: { name: TokenizerName; detected: boolean }[] = [];
  const zh = await trainWord2Vec({ ...common, input: corpusFromLines(chinese), tokenizer: 'whitespace', onTokenizer: (c) => chosen.push(c) });
  assert.ok(zh.embeddings.vocab.words.includes('我们今天去学校。'));
  const en = await trainWord2Vec({ ...common, input: corpusFromLines(english), onTokenizer: (c) => chosen.push(c) });
  assert.ok(en.embeddings.vocab.words.includes('mat.'), 'whitespace keeps punctuation attached');
  assert.deepEqual(chosen, [
    { name: 'whitespace', detected: false },
    { name: 'whitespace', detected: true },
  ]);
});

test('the CLI says on stderr which tokenizer it detected, and --tokenizer keeps it quiet', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-zh-'));
  try {
    const input = join(dir, 'zh.txt');
    writeFileSync(input, chinese.join('\n') + '\n');
    const run = (...extra: string[]) =>
      spawnSync(process.execPath, ['bin/embedkit.js', 'train', 'word2vec', '--input', input, '--output', join(dir, 'zh.vec'), '--dim', '8', '--min-count', '1', '--epochs', '1', '--threads', '1', ...extra], { encoding: 'utf8' });
    const detected = run();
    assert.equal(detected.status, 0, detected.stderr);
    assert.match(detected.stderr, /Chinese.*--tokenizer jieba/);
    const given = run('--tokenizer', 'jieba');
    assert.equal(given.status, 0, given.stderr);
    assert.doesNotMatch(given.stderr, /Chinese/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
