import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { keepProbabilities } from '../../src/vocab/sampling.ts';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';
import { InvalidArgumentError } from '../../src/errors.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';


test('keep probability: frequent words downsampled by the word2vec formula, rare ones kept, capped at 1', () => {
  const counts = [50000, 5000, 300, 20, 1];
  const vocab = new Vocabulary(['a', 'b', 'c', 'd', 'e'], counts);
  const total = 100000;
  const keep = keepProbabilities(vocab, 1e-3, total);
  const t = 1e-3 * total; // 100
  // a: (sqrt(500) + 1) * (100 / 50000)
  assert.ok(Math.abs(keep[0] - (Math.sqrt(500) + 1) / 500) < 1e-7);
  assert.ok(Math.abs(keep[1] - (Math.sqrt(50) + 1) / 50) < 1e-7);
  assert.ok(Math.abs(keep[2] - (Math.sqrt(3) + 1) / 3) < 1e-7);
  assert.equal(keep[3], 1, `count 20 < threshold ${t}: kept`);
  assert.equal(keep[4], 1);
  for (let i = 1; i < counts.length; i++) assert.ok(keep[i] >= keep[i - 1], 'rarer words are kept at least as often');
  assert.deepEqual([...keepProbabilities(vocab, 0, total)], [1, 1, 1, 1, 1], 'sample 0 keeps everything');
  assert.throws(() => keepProbabilities(vocab, -1, total), InvalidArgumentError);
});

test('keep probabilities equal gensim 4 sample_int thresholds (fractional and absolute sample)', (t) => {
  if (!needs(t, 'gensim')) return;
  const words = Array.from({ length: 12 }, (_, i) => `w${i}`);
  const counts = [90000, 30000, 12000, 5000, 2000, 800, 300, 100, 40, 12, 5, 5];
  const script = `
import json, sys
from gensim.models import Word2Vec
out = {}
for sample in (1e-3, 1e-4, 50):
    m = Word2Vec(min_count=1, sample=sample)
    m.build_vocab_from_freq(dict(zip(sys.argv[1].split(','), map(int, sys.argv[2].split(',')))))
    out[str(sample)] = [int(m.wv.get_vecattr(w, 'sample_int')) for w in sys.argv[1].split(',')]
print(json.dumps(out))`;
  const r = spawnSync(PYTHON, ['-c', script, words.join(','), counts.join(',')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const expected = JSON.parse(r.stdout) as Record<string, number[]>;
  const vocab = new Vocabulary(words, counts);
  const total = counts.reduce((a, b) => a + b, 0);
  for (const sample of [1e-3, 1e-4, 50]) {
    const keep = keepProbabilities(vocab, sample, total);
    const ref = expected[String(sample)].map((x) => x / (2 ** 32 - 1));
    for (let i = 0; i < words.length; i++) {
      assert.ok(Math.abs(keep[i] - ref[i]) < 1e-6, `sample ${sample}, ${words[i]}: ${keep[i]} vs gensim ${ref[i]}`);
    }
  }
});
