import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fitLda } from '../../src/apps/topics/lda.ts';
import { digamma, logGamma } from '../../src/apps/topics/lda-math.ts';
import { seededRandom } from '../../src/util/random.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';

const LDA_ORACLE = fileURLToPath(new URL('./gensim_lda.py', import.meta.url));

/**
 * Documents drawn from K known topics of 10 words each (topic t owns w{10t}..w{10t+9}): each document mixes two
 * topics, 80 / 20, 60 tokens long.
 */
function plantedCorpus(seed: number, K: number, count: number): string[][] {
  const r = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const a = Math.floor(r() * K);
    const b = Math.floor(r() * K);
    return Array.from({ length: 60 }, () => `w${(r() < 0.8 ? a : b) * 10 + Math.floor(r() * 10)}`);
  });
}

function python(script: string, request: unknown, extra: string[] = []): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'embedkit-lda-'));
  try {
    const file = join(dir, 'request.json');
    writeFileSync(file, JSON.stringify(request));
    const r = spawnSync(PYTHON, [script, file, ...extra], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('special functions: digamma and log-gamma against known values', () => {
  // scipy.special.psi and gammaln's values.
  assert.ok(Math.abs(digamma(1) + 0.5772156649015329) < 1e-12);
  assert.ok(Math.abs(digamma(0.01) + 100.56088545786868) < 1e-10);
  assert.ok(Math.abs(digamma(30.5) - 3.401243668961661) < 1e-12);
  assert.ok(Math.abs(logGamma(0.25) - 1.2880225246980774) < 1e-12);
  assert.ok(Math.abs(logGamma(100) - 359.1342053695754) < 1e-9);
  assert.ok(Math.abs(logGamma(1)) < 1e-14);
});

test('LDA recovers the topics a corpus was drawn from', () => {
  const K = 4;
  const lda = fitLda(plantedCorpus(3, K, 300), { topics: K, passes: 10, seed: 1 });
  const found = lda.topics.map((t) => {
    const owners = new Set(t.keywords.map((k) => Math.floor(Number(k.word.slice(1)) / 10)));
    assert.equal(owners.size, 1, `topic ${t.id} mixes planted topics: ${t.keywords.map((k) => k.word).join(' ')}`);
    return [...owners][0];
  });
  assert.deepEqual([...found].sort(), [0, 1, 2, 3], 'each planted topic found once');
  // Keywords are the topic's most probable words by the definition: a stable descending sort of p(word | topic).
  const V = lda.vocabulary.length;
  for (const t of lda.topics) {
    const byProbability = Array.from({ length: V }, (_, w) => w).sort((a, b) => lda.topicWord[b * K + t.id] - lda.topicWord[a * K + t.id]);
    const expected = byProbability.slice(0, t.keywords.length).map((w) => ({ word: lda.vocabulary[w], score: lda.topicWord[w * K + t.id] }));
    assert.deepEqual(t.keywords, expected, `topic ${t.id}'s keywords`);
  }
  // Documents are labelled with their main topic.
  assert.equal(lda.labels.length, 300);
  assert.ok(lda.docTopics.every((theta) => Math.abs(theta.reduce((s, x) => s + x, 0) - 1) < 1e-5));
});

test('LDA perplexity bound lies within gensim LdaModel\'s spread over seeds, and gensim scores our topics as we do', (t) => {
  if (!needs(t, 'gensim')) return;
  const K = 4;
  const docs = plantedCorpus(3, K, 300);
  const seeds = [1, 2, 3, 4, 5];
  const theirs = (python(LDA_ORACLE, { docs, topics: K, passes: 10, seeds }) as { logPerplexity: number }[]).map((r) => r.logPerplexity);
  const ours = seeds.map((seed) => fitLda(docs, { topics: K, passes: 10, seed }));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const lo = Math.min(...theirs);
  const hi = Math.max(...theirs);
  const m = median(ours.map((r) => r.logPerplexity));
  assert.ok(m >= lo && m <= hi, `embedkit's median bound ${m} outside gensim's [${lo}, ${hi}] (ours: ${ours.map((r) => r.logPerplexity.toFixed(4)).join(' ')})`);

  // The same bound formula: gensim's log_perplexity of embedkit's topics (its E-step starts from its own random
  // γ, so the two agree to the E-step's tolerance, not to the last digit).
  const model = ours[0];
  const lambda = Array.from({ length: K }, (_, k) => model.vocabulary.map((_, w) => model.topicWord[w * K + k] * model.topicMass[k]));
  const gensimOfOurs = python(SCORE_TOPICS, { docs, topics: K, vocabulary: model.vocabulary, lambda }) as number;
  assert.ok(Math.abs(gensimOfOurs - model.logPerplexity) < 2e-3, `gensim scores embedkit's topics ${gensimOfOurs}, embedkit ${model.logPerplexity}`);
});

test('LDA refuses fewer documents than it can use, naming the minimum', () => {
  const docs = plantedCorpus(1, 2, 19);
  assert.throws(() => fitLda([...docs, [], []], { topics: 2 }), /LDA needs at least 20 non-empty documents, got 19/);
});

/** gensim's log_perplexity of given topics λ (K × V pseudo-counts, columns named by `vocabulary`). */
const SCORE_TOPICS = join(tmpdir(), `embedkit-score-topics-${process.pid}.py`);
writeFileSync(
  SCORE_TOPICS,
  String.raw`
import json, sys, warnings
warnings.simplefilter('ignore')
import numpy as np
from gensim.corpora import Dictionary
from gensim.models import LdaModel
req = json.load(open(sys.argv[1]))
d = Dictionary(req['docs'])
corpus = [d.doc2bow(doc) for doc in req['docs']]
m = LdaModel(num_topics=req['topics'], id2word=d, random_state=0)
lam = np.zeros((req['topics'], len(d)), dtype=np.float32)
col = [d.token2id[w] for w in req['vocabulary']]
lam[:, col] = np.array(req['lambda'], dtype=np.float64)
m.state.sstats[...] = lam - m.eta
m.sync_state()
print(json.dumps(float(m.log_perplexity(corpus))))
`,
);
process.once('exit', () => rmSync(SCORE_TOPICS, { force: true }));
