import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCorpus, type IdChunk } from '../../src/vocab/id-stream.ts';
import { corpusFromLines, openCorpus } from '../../src/text/corpus.ts';
import { getTokenizer, whitespaceTokenizer, type Tokenizer } from '../../src/text/tokenize.ts';
import { buildVocabulary } from '../../src/vocab/build.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { InvalidArgumentError } from '../../src/errors.ts';
import { dataFile, needs, optedIn } from '../helpers/oracles.ts';
import { collect, tempFiles, zipfCorpus } from '../text/helpers/files.ts';

const files = tempFiles();
test.after(() => files.cleanup());
const ws = getTokenizer('whitespace');
const wsGeneric: Tokenizer = (line) => whitespaceTokenizer(line);

/** Reference: each line cut into pieces of `max` tokens, unknown tokens dropped, empty sentences skipped. */
function referenceSentences(lines: string[], vocab: Vocabulary, max: number): { sentences: number[][]; words: number } {
  const sentences: number[][] = [];
  let words = 0;
  for (const line of lines) {
    const toks = whitespaceTokenizer(line);
    words += toks.length;
    for (let i = 0; i < toks.length; i += max) {
      const ids = toks.slice(i, i + max).map((w) => vocab.indexOf(w)).filter((id) => id >= 0);
      if (ids.length) sentences.push(ids);
    }
  }
  return { sentences, words };
}

function sentencesOf(chunks: IdChunk[]): number[][] {
  const out: number[][] = [];
  for (const c of chunks) {
    let start = 0;
    for (const end of c.sentenceEnds) {
      assert.ok(end > start, 'sentences are never empty');
      out.push([...c.ids.subarray(start, end)]);
      start = end;
    }
    assert.equal(start, c.ids.length, 'sentenceEnds cover all ids');
  }
  return out;
}

test('lines become sentences of vocabulary rows; unknown tokens dropped but counted in words', async () => {
  const vocab = new Vocabulary(['the', 'cat', 'sat'], [3, 2, 1]);
  const chunks = await collect(encodeCorpus(corpusFromLines(['the cat sat', 'on the mat', '', 'zzz', 'cat']), vocab, ws));
  assert.equal(chunks.length, 1);
  assert.deepEqual([...chunks[0].ids], [0, 1, 2, 0, 1]);
  assert.deepEqual([...chunks[0].sentenceEnds], [3, 4, 5]);
  assert.equal(chunks[0].words, 8);
});

test('fast and generic paths match the reference across chunk and sentence-length limits', async () => {
  const text = zipfCorpus(3, 2000, 3000, 40);
  const lines = text.split('\n');
  const path = files.file('z.txt', text);
  const { vocab } = await buildVocabulary(await openCorpus(path), { minCount: 3, tokenizer: ws });
  for (const [maxSentenceLength, chunkWords] of [[10000, 65536], [7, 100], [1, 1], [13, 5]]) {
    const ref = referenceSentences(lines, vocab, maxSentenceLength);
    for (const tokenizer of [ws, wsGeneric]) {
      const chunks = await collect(encodeCorpus(await openCorpus(path), vocab, tokenizer, { maxSentenceLength, chunkWords }));
      const label = `max ${maxSentenceLength}, chunk ${chunkWords}, ${tokenizer === ws ? 'fast' : 'generic'}`;
      assert.deepEqual(sentencesOf(chunks), ref.sentences, label);
      assert.equal(chunks.reduce((s, c) => s + c.words, 0), ref.words, label);
      for (const c of chunks.slice(0, -1)) assert.ok(c.ids.length >= chunkWords, `${label}: only the last chunk is short`);
      for (const c of chunks) assert.ok(c.ids.length < chunkWords + maxSentenceLength, `${label}: chunk within capacity`);
    }
  }
});

test('one very long line is cut into sentences and spread over several chunks', async () => {
  const vocab = new Vocabulary(['a', 'b'], [2, 1]);
  const line = Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? 'b' : i % 3 === 1 ? 'a' : 'oov')).join(' ');
  for (const tokenizer of [ws, wsGeneric]) {
    const chunks = await collect(encodeCorpus(corpusFromLines([line]), vocab, tokenizer, { maxSentenceLength: 30, chunkWords: 50 }));
    assert.ok(chunks.length > 5);
    const sentences = sentencesOf(chunks);
    assert.equal(sentences.length, Math.ceil(1000 / 30));
    assert.deepEqual(sentences, referenceSentences([line], vocab, 30).sentences);
    assert.equal(chunks.reduce((s, c) => s + c.words, 0), 1000);
  }
});

test('other tokenizers go through the tokenizer', async () => {
  const vocab = new Vocabulary(['Hello', 'world'], [1, 1]);
  const chunks = await collect(encodeCorpus(corpusFromLines(['Hello, world!']), vocab, getTokenizer('unicode')));
  assert.deepEqual([...chunks[0].ids], [0, 1]);
  assert.equal(chunks[0].words, 2);
});

test('bad options are refused', async () => {
  const vocab = new Vocabulary(['a'], [1]);
  await assert.rejects(collect(encodeCorpus(corpusFromLines(['a']), vocab, ws, { chunkWords: 0 })), InvalidArgumentError);
  await assert.rejects(collect(encodeCorpus(corpusFromLines(['a']), vocab, ws, { maxSentenceLength: 2.5 })), InvalidArgumentError);
});

test('en-mix encodes to the vocabulary counts (shared data)', { timeout: 60_000 }, async (t) => {
  if (!optedIn(t, 'EMBEDKIT_SLOW_TESTS', 'encodes the 17.7M-token en-mix corpus') || !needs(t, 'shared:corpus/en-mix.txt.gz')) return;
  const path = dataFile('corpus/en-mix.txt.gz')!;
  const corpus = await openCorpus(path);
  const { vocab, totalWords, corpusWords } = await buildVocabulary(corpus, { minCount: 5, tokenizer: ws });
  const seen = new Float64Array(vocab.size);
  let words = 0;
  for await (const c of encodeCorpus(corpus, vocab, ws)) {
    words += c.words;
    for (const id of c.ids) seen[id]++;
  }
  assert.equal(words, corpusWords);
  assert.deepEqual([...seen], [...vocab.counts]);
  assert.equal(seen.reduce((a, b) => a + b, 0), totalWords);
});

test('the fused whitespace scanner splits on exactly the tokenizer\'s separators', async () => {
  const seps = ['\u3000', '\u0085', '\u001c', '\u00a0', '\u2028', '\t', '\r'];
  const lines = [
    seps.map((s, i) => `a${i}${s}`).join('') + 'tail',
    'x\ufeffy 😀 😀\u200bz', // U+FEFF and U+200B are not separators (as in Python's str.split)
    '  lead trail  ',
  ];
  const words = [...new Set(lines.flatMap((l) => whitespaceTokenizer(l)))];
  const vocab = new Vocabulary(words, words.map(() => 1));
  const viaFast = sentencesOf(await collect(encodeCorpus(corpusFromLines(lines), vocab, ws)));
  const viaGeneric = sentencesOf(await collect(encodeCorpus(corpusFromLines(lines), vocab, wsGeneric)));
  assert.deepEqual(viaFast, viaGeneric);
  assert.deepEqual(viaFast, referenceSentences(lines, vocab, 10000).sentences);
  assert.equal(viaFast[0].length, seps.length + 1);
  const counted = await buildVocabulary(corpusFromLines(lines), { minCount: 1, tokenizer: ws });
  assert.deepEqual([...counted.vocab.words].sort(), [...words].sort());
});

test('reuseBuffers: the same chunks, refilled from a few buffers once the caller moves on', async () => {
  const lines = Array.from({ length: 400 }, (_, i) => Array.from({ length: 1 + (i % 37) }, (_, k) => `w${(i * 7 + k) % 50}`).join(' '));
  const vocab = new Vocabulary(Array.from({ length: 50 }, (_, i) => `w${i}`));
  const plain: number[][] = [];
  for await (const c of encodeCorpus(corpusFromLines(lines), vocab, whitespaceTokenizer, { chunkWords: 64, maxSentenceLength: 16 })) plain.push([...c.ids, -1, ...c.sentenceEnds]);
  const reused: number[][] = [];
  const buffers = new Set<ArrayBufferLike>();
  for await (const c of encodeCorpus(corpusFromLines(lines), vocab, whitespaceTokenizer, { chunkWords: 64, maxSentenceLength: 16, reuseBuffers: true })) {
    reused.push([...c.ids, -1, ...c.sentenceEnds]);
    buffers.add(c.ids.buffer);
  }
  assert.deepEqual(reused, plain);
  assert.ok(plain.length > 20, `${plain.length} chunks`);
  assert.ok(buffers.size <= 2, `${buffers.size} id buffers for ${reused.length} chunks`);
});
