import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { topicCoherence, topicDiversity, type CoherenceMeasure } from '../../src/apps/topics/coherence.ts';
import { readTopicWordLists } from '../../src/apps/topics/topic-words.ts';
import { seededRandom } from '../../src/util/random.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';

const ORACLE = fileURLToPath(new URL('./gensim_coherence.py', import.meta.url));

/**
 * Texts drawn from four themes of 15 words plus 20 common words, lengths from 1 to 300 tokens (so some are shorter
 * than every window, some longer than c_v's 110), with words repeated inside windows: the case where gensim's
 * sliding window unmarks a word that is still inside it.
 */
function corpus(seed: number, count: number): string[][] {
  const next = seededRandom(seed);
  const themes = Array.from({ length: 4 }, (_, t) => Array.from({ length: 15 }, (_, i) => `t${t}w${i}`));
  const common = Array.from({ length: 20 }, (_, i) => `c${i}`);
  return Array.from({ length: count }, (_, d) => {
    const theme = themes[d % 4];
    const length = d % 7 === 0 ? 1 + Math.floor(next() * 8) : 5 + Math.floor(next() * 295);
    return Array.from({ length }, () => {
      const r = next();
      // Skewed choice, so a few words are frequent and some pairs never meet.
      if (r < 0.6) return theme[Math.floor(theme.length * next() ** 2)];
      if (r < 0.95) return common[Math.floor(common.length * next() ** 2)];
      return themes[Math.floor(next() * 4)][Math.floor(next() * 15)];
    });
  });
}

const TEXTS = corpus(7, 80);

/** Topics that exercise gensim's corners: a first topic longer than topn (all are cut), absent words, repeats. */
const TOPICS = [
  [...Array.from({ length: 22 }, (_, i) => `t0w${i % 15}`).slice(0, 15), 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'],
  ['t1w0', 'absent-word', 't1w1', 't1w2', 't1w3', 'c0', 't1w4', 'also-absent'],
  ['t2w0', 't2w1', 't2w0', 't2w2', 't2w1', 't2w3'],
  ['t3w14', 't0w13', 'c19', 't2w12', 't1w11'],
  ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11', 'c12', 'c13', 'c14', 'c15', 'c16', 'c17', 'c18', 'c19', 't3w0', 't3w1'],
];

interface Case {
  topics: string[][];
  texts: string[][];
  measure: CoherenceMeasure;
  window?: number;
  topn?: number;
}

function gensim(cases: Case[]): { perTopic: (number | null)[]; mean: number | null }[] {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-coherence-'));
  try {
    const file = join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify(cases));
    const r = spawnSync(PYTHON, [ORACLE, file], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const close = (got: number, want: number | null, what: string) => {
  if (want === null) assert.ok(Number.isNaN(got), `${what}: gensim gives NaN, embedkit ${got}`);
  else assert.ok(Math.abs(got - want) <= 1e-6, `${what}: embedkit ${got}, gensim ${want}`);
};

test('coherence equals gensim CoherenceModel for c_v, c_npmi, c_uci and u_mass, with absent and repeated words', (t) => {
  if (!needs(t, 'gensim')) return;
  const measures: CoherenceMeasure[] = ['c_v', 'c_npmi', 'c_uci', 'u_mass'];
  const cases: Case[] = [
    ...measures.map((measure) => ({ topics: TOPICS, texts: TEXTS, measure })),
    // The first topic short: gensim then cuts none of them, the long last one included.
    ...measures.map((measure) => ({ topics: TOPICS.slice(1), texts: TEXTS, measure })),
    // Other windows and topn; a one-word topic (no pairs: NaN for the direct measures).
    { topics: TOPICS, texts: TEXTS, measure: 'c_v', window: 20, topn: 5 },
    { topics: TOPICS, texts: TEXTS, measure: 'c_npmi', window: 3, topn: 10 },
    { topics: [['t0w0', 't0w1', 't0w2'], ['t1w5', 'nowhere']], texts: TEXTS, measure: 'c_uci', window: 50 },
    { topics: [['t0w0', 't0w1', 't0w2'], ['t1w5', 'nowhere']], texts: TEXTS, measure: 'u_mass' },
    { topics: [['t0w0', 't0w1', 't0w2'], ['t1w5', 'nowhere']], texts: TEXTS, measure: 'c_v' },
  ];
  const want = gensim(cases);
  cases.forEach((c, i) => {
    const got = topicCoherence(c.topics, c.texts, { measure: c.measure, window: c.window, topn: c.topn });
    const what = `case ${i} (${c.measure}, window ${c.window ?? 'default'}, topn ${c.topn ?? 'default'})`;
    assert.equal(got.perTopic.length, want[i].perTopic.length, what);
    got.perTopic.forEach((v, k) => close(v, want[i].perTopic[k], `${what} topic ${k}`));
    close(got.mean, want[i].mean, `${what} mean`);
  });
});

test('coherence refuses a topic none of whose words occur in the texts, as gensim does', () => {
  assert.throws(() => topicCoherence([['t0w0', 't0w1'], ['nothing', 'here']], TEXTS), /topic 1 has no word that occurs in the texts/);
  assert.throws(() => topicCoherence([['t0w0']], TEXTS, { measure: 'c_x' as CoherenceMeasure }), /measure must be c_v, c_npmi, c_uci or u_mass/);
});

test('topic diversity is the share of distinct words among each topic\'s top words', () => {
  assert.equal(topicDiversity([['a', 'b', 'c'], ['d', 'e', 'f']]), 1);
  assert.equal(topicDiversity([['a', 'b', 'c', 'x'], ['c', 'b', 'e', 'y']], 3), 4 / 6);
  assert.equal(topicDiversity([['a', 'a'], ['a']]), 1 / 3);
});

test('topics files: word lists, {id, words} and findTopics results (outlier topic −1 left out)', () => {
  assert.deepEqual(readTopicWordLists([['a', 'b'], ['c']]), [
    { id: 0, words: ['a', 'b'] },
    { id: 1, words: ['c'] },
  ]);
  assert.deepEqual(readTopicWordLists({ topics: [{ id: 'x', words: ['a'] }] }), [{ id: 'x', words: ['a'] }]);
  const found = { topics: [{ id: -1, size: 3, keywords: [{ word: 'z', score: 1 }] }, { id: 0, size: 9, keywords: [{ word: 'dog', score: 0.5 }, { word: 'cat', score: 0.2 }] }] };
  assert.deepEqual(readTopicWordLists(found), [{ id: 0, words: ['dog', 'cat'] }]);
  assert.throws(() => readTopicWordLists({ topics: [{ id: 0, keywords: [{ w: 'x' }] }] }), /topic 0, word 0/);
  assert.throws(() => readTopicWordLists('x'), /expected a list of topics/);
});
