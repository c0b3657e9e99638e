import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { needs, PYTHON } from '../helpers/oracles.ts';
import { parseJson, runCli } from './e2e-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-coherence-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Documents already in the tokenizer's form (lower case, words only), so gensim gets the same tokens by split().
const LINES = Array.from({ length: 40 }, (_, i) =>
  i % 2 ? `the cat and the dog sat on the mat ${i % 3 ? 'while the dog slept' : 'near a pet bowl'} cat dog` : `stock market prices fell as the bank raised rates ${i % 4 ? 'and traders sold stock' : 'market'}`,
);
LINES.splice(7, 0, '');
const docs = join(dir, 'docs.txt');
writeFileSync(docs, LINES.join('\n') + '\n');
// The shape `embedkit topics --json` writes: the outlier topic −1 is not scored.
const topics = join(dir, 'topics.json');
const TOPICS = [
  { id: -1, size: 2, keywords: [{ word: 'the', score: 1 }] },
  { id: 0, size: 20, keywords: ['cat', 'dog', 'mat', 'pet', 'unseen'].map((word, i) => ({ word, score: 1 / (i + 1) })) },
  { id: 1, size: 20, keywords: ['stock', 'market', 'bank', 'rates', 'stock'].map((word, i) => ({ word, score: 1 / (i + 1) })) },
];
writeFileSync(topics, JSON.stringify({ topics: TOPICS }));

interface Printed {
  measure: string;
  coherence: number;
  diversity: number;
  documents: number;
  emptyDocuments: number;
  topics: { id: number; coherence: number; words: string[] }[];
}

test('embedkit coherence prints gensim\'s values for a topics file written by embedkit topics', async (t) => {
  if (!needs(t, 'gensim')) return;
  const measures = ['c_v', 'c_npmi', 'u_mass'];
  // gensim's sliding window fails on an empty text (embedkit leaves empty texts out of the windows: the same counts);
  // u_mass counts it as a document.
  const texts = (measure: string) => LINES.filter((l) => measure === 'u_mass' || l).map((l) => l.split(' ').filter(Boolean));
  const cases = measures.map((measure) => ({ topics: TOPICS.slice(1).map((x) => x.keywords.map((k) => k.word)), texts: texts(measure), measure }));
  const file = join(dir, 'cases.json');
  writeFileSync(file, JSON.stringify(cases));
  const oracle = spawnSync(PYTHON, [fileURLToPath(new URL('../apps/gensim_coherence.py', import.meta.url)), file], { encoding: 'utf8' });
  assert.equal(oracle.status, 0, oracle.stderr);
  const want = JSON.parse(oracle.stdout) as { perTopic: number[]; mean: number }[];
  for (const [i, measure] of measures.entries()) {
    const r = await runCli(['coherence', topics, '--corpus', docs, '--measure', measure, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const got = parseJson<Printed>(r);
    assert.deepEqual(got.topics.map((x) => x.id), [0, 1]);
    assert.deepEqual(got.topics[0].words, ['cat', 'dog', 'mat', 'pet'], 'a word absent from the documents is not scored');
    got.topics.forEach((x, k) => assert.ok(Math.abs(x.coherence - want[i].perTopic[k]) < 1e-6, `${measure} topic ${k}: ${x.coherence} vs gensim ${want[i].perTopic[k]}`));
    assert.ok(Math.abs(got.coherence - want[i].mean) < 1e-6);
    assert.equal(got.documents, 41);
    assert.equal(got.emptyDocuments, 1);
    assert.equal(got.diversity, 9 / 10);
  }
});

test('embedkit coherence: plain word lists, and bad input named', async () => {
  const plain = join(dir, 'plain.json');
  writeFileSync(plain, JSON.stringify([['cat', 'dog'], ['stock', 'market']]));
  const r = await runCli(['coherence', plain, '--corpus', docs]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^c_v \(window 110\) over 41 documents \(1 empty\)/);
  assert.match(r.stdout, /mean c_v: -?\d\.\d{4}/);

  const binary = join(dir, 'binary.txt');
  writeFileSync(binary, Buffer.from('good line\nbad \u0000 line\n'));
  const nul = await runCli(['coherence', plain, '--corpus', binary]);
  assert.equal(nul.code, 1);
  assert.match(nul.stderr, /binary\.txt, line 2: not a text file \(a NUL byte\)/);

  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, JSON.stringify({ topics: [{ id: 0, keywords: [{ w: 'x' }] }] }));
  const shape = await runCli(['coherence', wrong, '--corpus', docs]);
  assert.equal(shape.code, 1);
  assert.match(shape.stderr, /wrong\.json: topic 0, word 0: expected a string/);

  const nowhere = join(dir, 'nowhere.json');
  writeFileSync(nowhere, JSON.stringify([['cat'], ['zebra', 'yak']]));
  const absent = await runCli(['coherence', nowhere, '--corpus', docs, '--topn', '0']);
  assert.equal(absent.code, 1);
  assert.match(absent.stderr, /--topn/);
  const none = await runCli(['coherence', nowhere, '--corpus', docs]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /topic 1 has no word that occurs in the texts/);
});
