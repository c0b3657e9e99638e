import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trainJointSpace } from '../../../src/apps/align/joint-space.ts';

// Chinese on one side: the trainers would detect it and split lines with jieba, which cuts the language prefixes
// off the merged words; the joint space keeps the merge's whitespace split.
test('a joint space with Chinese on one side keeps every word of both sides', async () => {
  const zh = Array.from({ length: 10 }, (_, i) => (i % 2 ? '我们 喜欢 猫' : '我们 喜欢 狗'));
  const en = Array.from({ length: 10 }, (_, i) => (i % 2 ? 'we like cats' : 'we like dogs'));
  for (const trainer of ['word2vec', 'fasttext'] as const) {
    const joint = await trainJointSpace(zh, en, { trainer, training: { dim: 4, minCount: 1, threads: 1 } });
    assert.deepEqual([...joint.source.vocab.words].sort(), ['喜欢', '我们', '狗', '猫'].sort(), trainer);
    assert.deepEqual([...joint.target.vocab.words].sort(), ['cats', 'dogs', 'like', 'we'], trainer);
  }
});
