import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { buildVocabulary, filterVocabulary } from '../../src/vocab/build.ts';
import { corpusFromLines, openCorpus } from '../../src/text/corpus.ts';
import { getTokenizer, whitespaceTokenizer, type Tokenizer } from '../../src/text/tokenize.ts';
import { EmbedkitError, InvalidArgumentError } from '../../src/errors.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';
import { tempFiles, zipfCorpus } from '../text/helpers/files.ts';

const files = tempFiles();
test.after(() => files.cleanup());
const ws = getTokenizer('whitespace');
/** Same tokens as the whitespace tokenizer but not the same function, so the generic (non-fused) path runs. */
const wsGeneric: Tokenizer = (line) => whitespaceTokenizer(line);

/** Straightforward reference: Map counts with size-cap pruning after every sentence, then filter and stable sort. */
function referenceVocab(lines: string[], minCount: number, maxVocabSize?: number) {
  const counts = new Map<string, number>();
  let minReduce = 1;
  let corpusWords = 0;
  for (const line of lines) {
    const tokens = line.split(/\s+/).filter(Boolean);
    corpusWords += tokens.length;
    for (const w of tokens) counts.set(w, (counts.get(w) ?? 0) + 1);
    if (maxVocabSize !== undefined && counts.size > maxVocabSize) {
      for (const [w, c] of [...counts]) if (c < minReduce) counts.delete(w);
      minReduce++;
    }
  }
  const kept = [...counts].filter(([, c]) => c >= minCount);
  kept.sort((a, b) => b[1] - a[1]);
  return { words: kept.map(([w]) => w), counts: kept.map(([, c]) => c), corpusWords };
}

test('counts, min-count and order: most frequent first, ties in first-seen order', async () => {
  const lines = ['b a c', 'c b d', 'a e b', '', 'e'];
  const r = await buildVocabulary(corpusFromLines(lines), { minCount: 2, tokenizer: ws });
  // Counts: b 3, a 2, c 2, e 2, d 1 (dropped). a, c, e tie at 2 and were first seen in that order.
  assert.deepEqual(r.vocab.words, ['b', 'a', 'c', 'e']);
  assert.deepEqual([...r.vocab.counts], [3, 2, 2, 2]);
  assert.equal(r.totalWords, 9);
  assert.equal(r.corpusWords, 10);
});

test('fast and generic paths agree with a reference, with and without max-vocab-size pruning', async () => {
  const text = zipfCorpus(7, 3000, 5000);
  const lines = text.split('\n');
  const path = files.file('zipf.txt', text);
  for (const maxVocabSize of [undefined, 300, 1000]) {
    const ref = referenceVocab(lines, 3, maxVocabSize);
    for (const tokenizer of [ws, wsGeneric]) {
      const progress: number[] = [];
      const r = await buildVocabulary(await openCorpus(path), { minCount: 3, maxVocabSize, tokenizer, onProgress: (n) => progress.push(n) });
      assert.deepEqual(r.vocab.words, ref.words, `maxVocabSize ${maxVocabSize}, ${tokenizer === ws ? 'fast' : 'generic'}`);
      assert.deepEqual([...r.vocab.counts], ref.counts);
      assert.equal(r.corpusWords, ref.corpusWords);
      assert.equal(r.totalWords, ref.counts.reduce((a, b) => a + b, 0));
      assert.equal(progress.at(-1), ref.corpusWords);
    }
  }
});

test('pruning checks run every max-sentence-length tokens inside a long line', async () => {
  // One line of 40 distinct words then a repeated one: a cap of 10 with 10-token pieces prunes mid-line.
  const line = [...Array.from({ length: 40 }, (_, i) => `u${i}`), 'x', 'x', 'x'].join(' ');
  for (const tokenizer of [ws, wsGeneric]) {
    const r = await buildVocabulary(corpusFromLines([line, 'x']), { minCount: 1, maxVocabSize: 10, tokenizer, maxSentenceLength: 10 });
    // Pieces u0-9 | u10-19 | u20-29 | u30-39 | x x x: after each of the first four the map holds >10 words only
    // from the second piece on; the reference below is the same procedure on explicit pieces.
    const pieces: string[] = [];
    const toks = line.split(' ');
    for (let i = 0; i < toks.length; i += 10) pieces.push(toks.slice(i, i + 10).join(' '));
    const ref = referenceVocab([...pieces, 'x'], 1, 10);
    assert.deepEqual(r.vocab.words, ref.words);
    assert.deepEqual([...r.vocab.counts], ref.counts);
  }
});

test('matches gensim 4 build_vocab (LineSentence) words, counts and count order, including max_vocab_size pruning', (t) => {
  if (!needs(t, 'gensim')) return;
  const text = zipfCorpus(11, 4000, 8000);
  const path = files.file('gensim.txt', text);
  const script = `
import json, sys, logging
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence
out = {}
for cap in (None, 800):
    m = Word2Vec(min_count=2, max_vocab_size=cap)
    m.build_vocab(corpus_iterable=LineSentence(sys.argv[1]))
    out[str(cap)] = {"words": m.wv.index_to_key, "counts": [int(m.wv.get_vecattr(w, "count")) for w in m.wv.index_to_key], "total": m.corpus_total_words}
print(json.dumps(out))`;
  const r = spawnSync(PYTHON, ['-c', script, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout);
  return (async () => {
    for (const cap of [undefined, 800]) {
      const got = await buildVocabulary(await openCorpus(path), { minCount: 2, maxVocabSize: cap, tokenizer: ws });
      const e = expected[String(cap ?? 'None')];
      // Same words with the same counts, in the same count order. Within a tie gensim's order comes from an
      // unstable numpy argsort, so only the set of words at each count is compared.
      assert.deepEqual([...got.vocab.counts], e.counts, `max_vocab_size ${cap}`);
      const byCount = (words: string[], counts: number[]) => words.map((w, i) => `${counts[i]}:${w}`).sort();
      assert.deepEqual(byCount(got.vocab.words, [...got.vocab.counts]), byCount(e.words, e.counts));
      assert.equal(got.corpusWords, e.total);
    }
  })();
});

test('an empty corpus is an error naming the file', async () => {
  const empty = files.file('empty.txt', '\n   \n');
  await assert.rejects(buildVocabulary(await openCorpus(empty), { minCount: 1, tokenizer: ws }), (e: unknown) => e instanceof EmbedkitError && e.code === 'empty_corpus' && e.message.includes(empty));
});

test('a min-count that removes every word says how many words there were and the top count', async () => {
  const lines = ['the cat the dog the end', 'a cat'];
  await assert.rejects(buildVocabulary(corpusFromLines(lines), { minCount: 4, tokenizer: ws }), (e: unknown) => {
    assert.ok(e instanceof EmbedkitError && e.code === 'empty_vocabulary');
    assert.match(e.message, /minCount 4/);
    assert.match(e.message, /8 tokens of 5 distinct words/);
    assert.match(e.message, /"the", occurs 3 times/);
    return true;
  });
});

test('bad option values are refused', async () => {
  const c = corpusFromLines(['a b']);
  await assert.rejects(buildVocabulary(c, { minCount: -1, tokenizer: ws }), InvalidArgumentError);
  await assert.rejects(buildVocabulary(c, { minCount: 1.5, tokenizer: ws }), InvalidArgumentError);
  await assert.rejects(buildVocabulary(c, { minCount: 1, maxVocabSize: 0, tokenizer: ws }), InvalidArgumentError);
});

test('filterVocabulary keeps counts ≥ min-count, sorted stably', () => {
  const v = filterVocabulary(['a', 'b', 'c', 'd'], [1, 5, 5, 7], 2);
  assert.deepEqual(v.words, ['d', 'b', 'c']);
  assert.deepEqual([...v.counts], [7, 5, 5]);
});
